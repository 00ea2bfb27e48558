//! `deps/`: source imports and declared dependencies against package.json.

pub mod broken_local_link;
pub(crate) mod common;
pub mod dev_only_at_runtime;
pub mod relies_on_hoisting;
pub mod unbuilt_workspace_entry;
pub mod undeclared;
pub mod undeclared_workspace;
pub mod unresolved_import;
pub mod unused;
pub mod version_mismatch;
