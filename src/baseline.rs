//! Baselines: an earlier JSON report. Findings are matched by fingerprint (semantic, never a
//! line number), so moving code, reordering files or adding unrelated findings leaves the
//! old ones `unchanged`; the baseline's findings that are gone are listed as `fixed`.
//!
//! A baseline is read leniently: only the fields compared are required, so reports of every
//! schema version this one can read are accepted, and a report of a newer one is refused
//! with a message that says so (the checks are `report::read`'s, shared with `seaworthy merge`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::finding::{BaselineState, Finding};
use crate::report::{FixedFinding, read};

/// What to do with a report of a schema this seaworthy does not read.
const AGAIN: &str = "scan again to make a new baseline";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct File {
    /// Required, and named `seaworthy` (checked by `report::read`).
    #[expect(dead_code, reason = "required to be present, never read")]
    tool: serde::de::IgnoredAny,
    run: Run,
    summary: Summary,
    #[serde(default)]
    categories: Vec<Scored>,
    #[serde(default)]
    services: Vec<Scored>,
    findings: Vec<Old>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    #[serde(default)]
    started_at: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Summary {
    score: Option<u32>,
}

/// A category (`id`) or a service (`name`) and its score.
#[derive(Debug, Clone, Deserialize)]
struct Scored {
    #[serde(alias = "name")]
    id: String,
    score: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
struct Old {
    rule: String,
    fingerprint: String,
    message: String,
    #[serde(default)]
    suppressed: Option<serde_json::Value>,
}

/// A baseline report, read and checked.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub started_at: String,
    pub score: Option<u32>,
    pub categories: BTreeMap<String, Option<u32>>,
    pub services: BTreeMap<String, Option<u32>>,
    /// The findings that counted in it (suppressed ones did not), by fingerprint.
    findings: BTreeMap<String, (String, String)>,
}

/// Why a baseline cannot be used (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("cannot use the baseline {path}: {reason}")]
pub struct BaselineError {
    pub path: String,
    pub reason: String,
}

impl Baseline {
    /// Reads a baseline from a file.
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not a seaworthy JSON report, or is of a schema version this
    /// seaworthy does not read.
    pub fn read(path: &str) -> Result<Baseline, BaselineError> {
        let fail = |reason: String| BaselineError {
            path: path.to_string(),
            reason,
        };
        read::read_file::<File>(path, AGAIN)
            .map(Baseline::from_file)
            .map_err(fail)
    }

    /// Reads a baseline from a report's JSON text.
    ///
    /// # Errors
    ///
    /// A message saying why it is not a baseline this version reads.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        read::parse::<File>(text, AGAIN).map(Baseline::from_file)
    }

    fn from_file(file: File) -> Baseline {
        Baseline {
            started_at: file.run.started_at,
            score: file.summary.score,
            categories: file
                .categories
                .into_iter()
                .map(|c| (c.id, c.score))
                .collect(),
            services: file.services.into_iter().map(|s| (s.id, s.score)).collect(),
            findings: file
                .findings
                .into_iter()
                .filter(|f| f.suppressed.as_ref().is_none_or(serde_json::Value::is_null))
                .map(|f| (f.fingerprint, (f.rule, f.message)))
                .collect(),
        }
    }

    /// Marks every counting finding `new` or `unchanged` and returns the baseline's findings
    /// that are gone, sorted by rule then fingerprint.
    pub fn compare(&self, findings: &mut [Finding]) -> Vec<FixedFinding> {
        // A finding suppressed since the baseline is still there: it is not fixed.
        let present: BTreeSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
        let fixed: Vec<FixedFinding> = self
            .findings
            .iter()
            .filter(|(fp, _)| !present.contains(fp.as_str()))
            .map(|(fp, (rule, message))| FixedFinding {
                rule: rule.clone(),
                fingerprint: fp.clone(),
                message: message.clone(),
            })
            .collect();
        for f in findings.iter_mut() {
            if f.suppressed.is_some() {
                f.baseline_state = None;
                continue;
            }
            let known = self.findings.contains_key(&f.fingerprint);
            f.baseline_state = Some(if known {
                BaselineState::Unchanged
            } else {
                BaselineState::New
            });
        }
        let mut fixed = fixed;
        fixed.sort_by(|a, b| (&a.rule, &a.fingerprint).cmp(&(&b.rule, &b.fingerprint)));
        fixed
    }
}

/// `now - then`, when both are known.
pub fn delta(now: Option<u32>, then: Option<u32>) -> Option<i64> {
    Some(i64::from(now?) - i64::from(then?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_it_cannot_read_with_a_reason() {
        let err = |t: &str| Baseline::parse(t).unwrap_err();
        assert!(err("not json").starts_with("not JSON"));
        assert!(err("{}").contains("no `schemaVersion`"));
        assert!(err(r#"{"schemaVersion": 2}"#).contains("newer than this seaworthy reads (1)"));
        assert!(err(r#"{"schemaVersion": 0}"#).contains("older than this seaworthy reads"));
        assert!(
            err(r#"{"schemaVersion": 1, "tool": {"name": "seaworthy"}}"#)
                .contains("not a seaworthy report of schema 1")
        );
        let other = r#"{"schemaVersion": 1, "tool": {"name": "other"}, "run": {}, "summary": {"score": 1}, "findings": []}"#;
        assert_eq!(err(other), "written by `other`, not seaworthy");
    }

    #[test]
    fn reads_the_fields_it_compares_and_ignores_the_rest() {
        let text = r#"{"schemaVersion": 1, "tool": {"name": "seaworthy", "version": "0.0.1"},
            "run": {"startedAt": "2026-11-01T00:00:00Z", "somethingOld": 1},
            "summary": {"score": 80},
            "services": [{"name": "api", "score": 70}],
            "findings": [
              {"rule": "a/b", "fingerprint": "f1", "message": "m1"},
              {"rule": "a/b", "fingerprint": "f2", "message": "m2", "suppressed": {"reason": "x"}}
            ]}"#;
        let b = Baseline::parse(text).unwrap();
        assert_eq!(b.score, Some(80));
        assert_eq!(b.services["api"], Some(70));
        assert_eq!(b.findings.len(), 1, "suppressed findings did not count");
    }
}
