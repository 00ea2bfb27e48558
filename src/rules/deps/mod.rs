//! `deps/`: source imports and declared dependencies against package.json.

pub(crate) mod broken_local_link;
pub(crate) mod common;
pub(crate) mod dev_only_at_runtime;
pub(crate) mod relies_on_hoisting;
pub(crate) mod unbuilt_workspace_entry;
pub(crate) mod undeclared;
pub(crate) mod undeclared_workspace;
pub(crate) mod unresolved_import;
pub(crate) mod unused;
pub(crate) mod version_mismatch;
