//! `deps/`: source imports and declared dependencies against package.json.

pub mod broken_local_link;
pub mod version_mismatch;
