//! GitLab Code Quality (`--gitlab`): the JSON array GitLab reads from
//! `artifacts: reports: codequality`, a subset of the CodeClimate format. One entry per finding
//! that counts; suppressed findings are left out (GitLab has no notion of a suppressed entry).
//!
//! - `check_name` is the rule ID namespaced as `seaworthy/<rule>`, so reports of several tools
//!   merged by GitLab do not collide.
//! - `fingerprint` is the report's semantic fingerprint, already unique per finding (an ordinal
//!   tells apart findings with the same key); GitLab shows only the first entry of a repeated
//!   fingerprint, so a repeat (which would be a bug upstream) gets a `-N` suffix, never dropped.
//! - Severity: error → `critical` (the service fails to build, start or serve), warning →
//!   `major`, info → `info`. `blocker` and `minor` are not used.
//! - No BOM; UTF-8 JSON with a trailing newline.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{Analysis, Render, Report};
use crate::finding::Severity;

/// The Code Quality report (`--gitlab`).
pub struct Gitlab;

impl Render for Gitlab {
    fn render(&self, analysis: &Analysis) -> Result<String, String> {
        Ok(render(&analysis.report))
    }
}

#[derive(Serialize)]
struct Entry<'a> {
    description: &'a str,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// Code Quality's severity for a finding's.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

pub fn render(report: &Report) -> String {
    let mut seen = BTreeSet::new();
    let entries: Vec<Entry<'_>> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| {
            let mut fingerprint = f.fingerprint.clone();
            let mut n = 1;
            while !seen.insert(fingerprint.clone()) {
                n += 1;
                fingerprint = format!("{}-{n}", f.fingerprint);
            }
            let path = if f.location.path.is_empty() {
                "package.json"
            } else {
                f.location.path.as_str()
            };
            Entry {
                description: &f.message,
                check_name: format!("seaworthy/{}", f.rule),
                fingerprint,
                severity: severity(f.severity),
                location: Location {
                    path,
                    lines: Lines {
                        begin: f.location.line.max(1),
                    },
                },
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_fingerprint_gets_a_suffix_instead_of_hiding_an_entry() {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/pnpm-undeclared-prom-client"
        );
        let mut analysis =
            crate::scan(&crate::ScanOptions::new(root), &|_| {}).expect("fixture scans");
        let first = analysis.report.findings[0].clone();
        analysis.report.findings.push(first.clone());
        let entries: Vec<serde_json::Value> =
            serde_json::from_str(&render(&analysis.report)).expect("JSON");
        let fingerprints: BTreeSet<&str> = entries
            .iter()
            .filter_map(|e| e["fingerprint"].as_str())
            .collect();
        assert_eq!(fingerprints.len(), entries.len());
        assert!(fingerprints.contains(format!("{}-2", first.fingerprint).as_str()));
    }
}
