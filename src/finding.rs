//! Findings: what a rule reports, where, and its stable identity (the fingerprint).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::source::Span;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Dependencies,
    Lockfile,
    Nestjs,
    Container,
    Orchestration,
    Security,
    /// The suppression rules: reported, never scored.
    Suppressions,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Dependencies,
        Category::Lockfile,
        Category::Nestjs,
        Category::Container,
        Category::Orchestration,
        Category::Security,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::Dependencies => "dependencies",
            Category::Lockfile => "lockfile",
            Category::Nestjs => "nestjs",
            Category::Container => "container",
            Category::Orchestration => "orchestration",
            Category::Security => "security",
            Category::Suppressions => "suppressions",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Dependencies => "Dependencies",
            Category::Lockfile => "Lockfile",
            Category::Nestjs => "NestJS",
            Category::Container => "Container images",
            Category::Orchestration => "Orchestration",
            Category::Security => "Security",
            Category::Suppressions => "Suppressions",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Repository-relative, `/`-separated.
    pub path: String,
    pub line: u32,
    pub column: u32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub end_column: Option<u32>,
}

impl Location {
    pub fn new(path: &str, span: Span) -> Self {
        let has_end =
            span.end_line > 0 && (span.end_line, span.end_column) != (span.line, span.column);
        Location {
            path: path.to_string(),
            line: span.line.max(1),
            column: span.column.max(1),
            end_line: has_end.then_some(span.end_line),
            end_column: has_end.then_some(span.end_column),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Related {
    pub path: String,
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    New,
    Unchanged,
}

/// Why a finding does not count: an inline `seaworthy-ignore` comment, or `seaworthy.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Suppression {
    pub reason: String,
    pub source: SuppressionSource,
    /// Where the suppression is written: the comment's file and line, or the config file's.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionSource {
    /// A `seaworthy-ignore RULE: reason` comment on or above the line.
    Inline,
    /// An `ignore` glob or a per-path rule ignore of `seaworthy.toml`.
    Config,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub category: Category,
    pub message: String,
    pub help: String,
    pub location: Location,
    pub related: Vec<Related>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub service: Option<String>,
    /// The workspace package the finding is about (its name, or its directory).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub workspace: Option<String>,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub baseline_state: Option<BaselineState>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub suppressed: Option<Suppression>,
    /// The semantic identity inside (rule, path); never a line number or a count.
    #[serde(skip)]
    #[schemars(skip)]
    pub key: String,
    /// Directory of the package concerned, for attributing the finding to services.
    #[serde(skip)]
    #[schemars(skip)]
    pub package_dir: Option<String>,
}

impl Finding {
    /// Sort order of every output: path, line, column, rule, then the rest for total order.
    fn sort_key(&self) -> impl Ord + '_ {
        (&self.location, &self.rule, &self.key, &self.message)
    }
}

/// Sorts findings and assigns fingerprints: sha256 over (rule, path, key, ordinal), where the
/// ordinal tells apart findings that share the first three.
pub fn finalize(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut ordinals: BTreeMap<(String, String, String), u32> = BTreeMap::new();
    for finding in findings.iter_mut() {
        let slot = ordinals
            .entry((
                finding.rule.clone(),
                finding.location.path.clone(),
                finding.key.clone(),
            ))
            .or_insert(0);
        finding.fingerprint =
            fingerprint(&finding.rule, &finding.location.path, &finding.key, *slot);
        *slot += 1;
    }
}

pub fn fingerprint(rule: &str, path: &str, key: &str, ordinal: u32) -> String {
    let mut hasher = Sha256::new();
    for part in [rule, path, key, &ordinal.to_string()] {
        hasher.update(part.as_bytes());
        // A separator that cannot occur in any part keeps ("a","bc") and ("ab","c") apart.
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_32_hex_and_ignores_nothing_but_what_it_is_given() {
        let a = fingerprint("deps/undeclared", "a/package.json", "a:prom-client", 0);
        assert_eq!(a.len(), 32);
        assert_ne!(
            a,
            fingerprint("deps/undeclared", "a/package.json", "a:prom-client", 1)
        );
        assert_ne!(
            fingerprint("r", "ab", "c", 0),
            fingerprint("r", "a", "bc", 0),
            "parts must be separated"
        );
    }
}
