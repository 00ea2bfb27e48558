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

/// Why a file could not be turned into facts. Becomes an entry in the report's `errors`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        ParseError(message.into())
    }
}
