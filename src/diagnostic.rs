//! Diagnostics about the scanned files themselves, as opposed to findings about the code in
//! them: a file that could not be walked, read or parsed. Every stage from discovery to the
//! model produces them, so they live below all of those stages; the report only renders them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::discover::FileKind;

/// A 1-based line and column (in Unicode scalar values) inside one file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// Why a file could not be turned into facts, and where when the parser could tell. Becomes an
/// entry in the report's `errors`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    pub at: Option<Position>,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
            at: None,
        }
    }

    /// The same error, pointing at a 1-based line and column.
    #[must_use]
    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.at = Some(Position { line, column });
        self
    }
}

/// A file that could not be read or parsed, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct ErrorEntry {
    pub path: String,
    pub message: String,
    /// Where in the file the parser gave up, when it could tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Position>,
    #[serde(skip)]
    #[schemars(skip)]
    pub kind: Option<FileKind>,
}

impl ErrorEntry {
    /// An entry without a position (a file that cannot be read, a walk error).
    pub fn new(
        path: impl Into<String>,
        message: impl Into<String>,
        kind: Option<FileKind>,
    ) -> Self {
        ErrorEntry {
            path: path.into(),
            message: message.into(),
            at: None,
            kind,
        }
    }

    /// The same entry, pointing at where a span starts.
    #[must_use]
    pub fn at(mut self, span: crate::source::Span) -> Self {
        self.at = Some(Position {
            line: span.line,
            column: span.column,
        });
        self
    }

    /// The entry for a file whose parser failed.
    pub fn parse(path: impl Into<String>, error: ParseError, kind: FileKind) -> Self {
        ErrorEntry {
            path: path.into(),
            message: error.message,
            at: error.at,
            kind: Some(kind),
        }
    }
}
