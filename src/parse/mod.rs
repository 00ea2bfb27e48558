//! Parsers: each turns the text of one file into plain, owned facts with spans. Syntax trees
//! never leave this module, so the model and the rules do not depend on any parser crate.

pub mod compose;
pub mod dockerfile;
pub(crate) mod json;
pub mod lockfile;
pub mod npmrc;
pub mod package_json;
pub mod pnpm_workspace;
pub mod tsconfig;
pub mod typescript;
pub mod yaml;

pub use crate::diagnostic::ParseError;
