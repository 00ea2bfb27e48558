//! Parsers: each turns the text of one file into plain, owned facts with spans. Syntax trees
//! never leave this module, so the model and the rules do not depend on any parser crate.

pub mod bake;
pub mod compose;
pub mod config_refs;
pub mod dockerfile;
pub mod dockerignore;
pub mod dotenv;
pub(crate) mod json;
pub mod lockfile;
pub mod npmrc;
pub mod package_json;
pub mod pnpm_workspace;
pub mod pragma;
pub mod shell;
pub mod tsconfig;
pub mod typescript;
pub mod workflow;
pub mod yaml;

#[cfg(test)]
pub(crate) mod deep_nesting;

pub use crate::diagnostic::ParseError;

/// How many collections deep (`[`, `{`, a YAML block mapping or sequence) any file may nest.
/// The JSON and YAML libraries, and the trees built from them, recurse once per level, so the
/// depth must be bounded before they see the text: a `pnpm-lock.yaml` holding `a: ` and
/// 100,000 `[` overflowed the stack and aborted the scan with no report (and ~10,900 levels
/// are enough on a rayon worker's 2 MiB stack). Real manifests, configs and lockfiles nest
/// fewer than ten levels. 64 leaves room for generated files while keeping the deepest
/// recursion (jsonc-parser and saphyr take ~2.4 KiB a level in a debug build, a few hundred
/// bytes in release) far inside a rayon worker's stack, and inside the 256 KiB stack the
/// `deep_nesting` tests run on. serde_json, which reads `package-lock.json`, has its own limit
/// of 128.
pub(crate) const MAX_NESTING: usize = 64;

/// The error for text nested deeper than [`MAX_NESTING`], at the 1-based line and column of
/// the bracket or node that opens the level too many.
pub(crate) fn too_deep(line: u32, column: u32) -> ParseError {
    ParseError::new(format!(
        "nested more than {MAX_NESTING} levels deep at line {line}, column {column}; not parsed"
    ))
    .at(line, column)
}

/// Serde adapter for facts kept as JSON data (`serde_json::Value`, which only self-describing
/// formats read back): the value is stored as its JSON text. Used by the fact cache.
pub(crate) mod json_text {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<T: Serialize, S: Serializer>(
        value: &T,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(&serde_json::to_string(value).map_err(S::Error::custom)?)
    }

    pub(crate) fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        d: D,
    ) -> Result<T, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(D::Error::custom)
    }
}
