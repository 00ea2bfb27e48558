//! SARIF 2.1.0 as GitHub code scanning ingests it (`--sarif`): one run, every rule that ran in
//! `tool.driver.rules`, and one result per finding with a physical location under
//! `%SRCROOT%`, so that an upload is never rejected for a result without one.
//!
//! Decisions, each where GitHub's SARIF support page or the spec leaves a choice:
//!
//! - Built as `serde_json` values rather than with the `serde-sarif` crate: the report needs a
//!   dozen fields of a schema with hundreds, the crate generates its types in a build script
//!   (more compile time for two cores), and a property bag (`security-severity`, `tags`) is an
//!   untyped map there anyway. `serde_json`'s map is a `BTreeMap` here (no `preserve_order`),
//!   so keys are sorted and the same analysis gives the same bytes.
//! - Identity: `partialFingerprints["seaworthy/v1"]` is the report's semantic fingerprint.
//!   `primaryLocationLineHash` is left to `upload-sarif`, which computes it from the file's
//!   content when absent; a tool-supplied one would replace the hash GitHub knows how to match.
//! - `automationDetails.id` is `seaworthy/`: GitHub takes everything before the last `/` as the
//!   category, and without a slash the category is empty.
//! - Limits (GitHub rejects uploads over them): at most [`MAX_RESULTS`] results per run, kept
//!   by severity (errors first, then the report's order), and at most [`MAX_BYTES`] of output.
//!   GitHub measures the gzipped upload (10 MB); without a gzip dependency the cap is on the
//!   uncompressed text, which is strictly safer; the output is pretty-printed when it fits and
//!   compact when not, before any result is dropped. What is dropped is counted in
//!   `run.properties` and said in an `invocations[0].toolExecutionNotifications` entry.
//! - Suppressed findings are results with `suppressions` (`inSource` for a comment, `external`
//!   for `seaworthy.toml`), as the spec intends; `baselineState` is set when a baseline was given.
//! - Every string comes from the report after `redact::analysis`, so no secret reaches here.

use serde_json::{Map, Value, json};

use super::{Analysis, Render, Report};
use crate::finding::{BaselineState, Category, Finding, Severity, SuppressionSource};

/// The SARIF schema the output conforms to.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where a rule's help points when it has nothing closer (the README has no repository URL).
const INFORMATION_URI: &str = "https://github.com/seaworthy-dev/seaworthy#readme";

/// The `partialFingerprints` key of the semantic fingerprint (versioned with the algorithm).
pub const FINGERPRINT_KEY: &str = "seaworthy/v1";

/// GitHub's maximum number of results in one run.
pub const MAX_RESULTS: usize = 25_000;

/// The size cap of the whole file, uncompressed (GitHub's 10 MB is of the gzipped upload).
pub const MAX_BYTES: usize = 10 * 1000 * 1000;

/// SARIF's limit on a rule's short and full descriptions.
const MAX_DESCRIPTION_CHARS: usize = 1024;

/// The SARIF log (`--sarif`).
pub struct Sarif;

impl Render for Sarif {
    fn render(&self, analysis: &Analysis) -> Result<String, String> {
        Ok(render(&analysis.report))
    }
}

/// SARIF's level for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a CVSS-like score: ≥ 7.0 high, 4.0–6.9 medium, below low),
/// given only to rules of the security category.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

pub fn render(report: &Report) -> String {
    // Kept by severity, errors first; a stable sort keeps the report's order within one.
    let mut order: Vec<&Finding> = report.findings.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut keep = order.len().min(MAX_RESULTS);
    loop {
        let log = log(report, &order[..keep], order.len() - keep);
        // Pretty when it fits; compact (a third of the size or less) before dropping anything.
        let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
        if text.len() > MAX_BYTES {
            text = serde_json::to_string(&log).unwrap_or_default();
        }
        text.push('\n');
        if text.len() <= MAX_BYTES || keep == 0 {
            return text;
        }
        // Cut in proportion to the excess (and by at least one), then measure again.
        let ratio = MAX_BYTES as f64 / text.len() as f64;
        let shorter = ((keep as f64) * ratio * 0.95) as usize;
        keep = shorter.min(keep - 1);
    }
}

fn log(report: &Report, kept: &[&Finding], dropped: usize) -> Value {
    let rule_index = |id: &str| report.rules.iter().position(|r| r.id == id);
    let results: Vec<Value> = kept
        .iter()
        .map(|f| result(f, rule_index(&f.rule), report.fixed.is_some()))
        .collect();
    let mut run = json!({
        "tool": { "driver": driver(report) },
        "automationDetails": { "id": "seaworthy/" },
        "originalUriBaseIds": {
            "%SRCROOT%": {
                "description": { "text": "The root of the scanned repository." }
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    let mut invocation = json!({ "executionSuccessful": true });
    if dropped > 0 {
        let text = format!(
            "{dropped} of {} results left out to stay within GitHub's limits ({MAX_RESULTS} results, {MAX_BYTES} bytes); the lowest severities went first, and the JSON report has them all",
            report.findings.len()
        );
        invocation["toolExecutionNotifications"] = json!([{
            "level": "warning",
            "message": { "text": text },
            "descriptor": { "id": "seaworthy/results-truncated" },
        }]);
        run["properties"] = json!({
            "resultsDropped": dropped,
            "resultsTotal": report.findings.len(),
        });
    }
    run["invocations"] = json!([invocation]);
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

fn driver(report: &Report) -> Value {
    let rules: Vec<Value> = report
        .rules
        .iter()
        .map(|r| {
            let mut properties = json!({
                "tags": tags(r.category),
                "precision": "high",
            });
            if r.category == Category::Security {
                properties["security-severity"] = json!(security_severity(r.severity));
            } else {
                properties["problem.severity"] = json!(match r.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "recommendation",
                });
            }
            json!({
                "id": r.id,
                "shortDescription": { "text": cut(&r.summary) },
                "fullDescription": { "text": cut(first_paragraph(&r.help).unwrap_or(&r.summary)) },
                "help": { "text": r.help, "markdown": r.help },
                "helpUri": INFORMATION_URI,
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": properties,
            })
        })
        .collect();
    json!({
        "name": report.tool.name,
        "semanticVersion": report.tool.version,
        "version": report.tool.version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    })
}

/// GitHub filters alerts by tag: the category, and `security` for security rules.
fn tags(category: Category) -> Vec<&'static str> {
    let mut tags = vec!["seaworthy", category.id()];
    if category == Category::Security {
        tags.push("security");
    }
    tags.dedup();
    tags
}

/// The help's first paragraph that is prose (not a heading), for `fullDescription`.
fn first_paragraph(help: &str) -> Option<&str> {
    help.split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#') && !p.starts_with("```"))
}

/// A description cut to SARIF's 1024 characters (on a character boundary, with an ellipsis).
fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_DESCRIPTION_CHARS {
        return text.to_string();
    }
    let mut out: String = text.chars().take(MAX_DESCRIPTION_CHARS - 1).collect();
    out.push('…');
    out
}

/// The file a finding points at; a finding with none points at the root manifest, line 1.
fn physical(path: &str, line: u32, column: Option<u32>, end: Option<(u32, u32)>) -> Value {
    let (uri, line, column, end) = if path.is_empty() {
        ("package.json", 1, Some(1), None)
    } else {
        (path, line.max(1), column, end)
    };
    let mut region = json!({ "startLine": line });
    if let Some(column) = column {
        region["startColumn"] = json!(column.max(1));
    }
    if let Some((end_line, end_column)) = end {
        region["endLine"] = json!(end_line.max(line));
        region["endColumn"] = json!(end_column.max(1));
    }
    json!({
        "artifactLocation": { "uri": crate::paths::uri_encode(uri), "uriBaseId": "%SRCROOT%" },
        "region": region,
    })
}

fn result(f: &Finding, rule_index: Option<usize>, with_baseline: bool) -> Value {
    let l = &f.location;
    let end = l.end_line.zip(l.end_column);
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(f.rule));
    if let Some(index) = rule_index {
        result.insert("ruleIndex".into(), json!(index));
    }
    result.insert("level".into(), json!(level(f.severity)));
    result.insert("message".into(), json!({ "text": f.message }));
    result.insert(
        "locations".into(),
        json!([{ "physicalLocation": physical(&l.path, l.line, Some(l.column), end) }]),
    );
    result.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: f.fingerprint }),
    );
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "id": i,
                    "physicalLocation": physical(&r.path, r.line, None, None),
                    "message": { "text": r.message },
                })
            })
            .collect();
        result.insert("relatedLocations".into(), json!(related));
    }
    if with_baseline {
        let state = match f.baseline_state {
            Some(BaselineState::Unchanged) => "unchanged",
            _ => "new",
        };
        result.insert("baselineState".into(), json!(state));
    }
    if let Some(s) = &f.suppressed {
        let kind = match s.source {
            SuppressionSource::Inline => "inSource",
            SuppressionSource::Config => "external",
        };
        let mut suppression =
            json!({ "kind": kind, "status": "accepted", "justification": s.reason });
        if let Some(path) = &s.path {
            suppression["location"] =
                json!({ "physicalLocation": physical(path, s.line.unwrap_or(1), None, None) });
        }
        result.insert("suppressions".into(), json!([suppression]));
    }
    let mut properties = json!({ "category": f.category.id() });
    if let Some(service) = &f.service {
        properties["service"] = json!(service);
    }
    if let Some(workspace) = &f.workspace {
        properties["workspace"] = json!(workspace);
    }
    result.insert("properties".into(), properties);
    Value::Object(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn analysis() -> Analysis {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/pnpm-undeclared-prom-client"
        );
        crate::scan(&crate::ScanOptions::new(root), &|_| {}).expect("fixture scans")
    }

    #[test]
    fn results_over_the_limit_are_dropped_lowest_severity_first_and_noted() {
        let mut analysis = analysis();
        let mut template = analysis.report.findings[0].clone();
        template.related.clear();
        template.message = "short".to_string();
        let mut findings = Vec::new();
        for i in 0..MAX_RESULTS + 5_000 {
            let mut f = template.clone();
            // 1,000 errors, 10,000 warnings, the rest info.
            f.severity = match i {
                0..1_000 => Severity::Error,
                1_000..11_000 => Severity::Warning,
                _ => Severity::Info,
            };
            f.fingerprint = format!("{i:032x}");
            findings.push(f);
        }
        // The lowest severity first in the report, so that order alone would keep the wrong ones.
        findings.reverse();
        analysis.report.findings = findings;
        let text = Sarif.render(&analysis).expect("renders");
        assert!(text.len() <= MAX_BYTES);
        // And when even the kept ones are too many bytes, fewer are kept, still errors first.
        let mut big = analysis.clone();
        for f in &mut big.report.findings {
            f.message = "x".repeat(1_000);
        }
        let big: Value = serde_json::from_str(&Sarif.render(&big).expect("renders")).expect("JSON");
        let kept = big["runs"][0]["results"].as_array().expect("results");
        assert!(kept.len() < 11_000 && kept.len() > 1_000, "{}", kept.len());
        assert!(kept[..1_000].iter().all(|r| r["level"] == "error"));
        assert!(kept[1_000..].iter().all(|r| r["level"] == "warning"));
        let log: Value = serde_json::from_str(&text).expect("JSON");
        let run = &log["runs"][0];
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), MAX_RESULTS);
        let count = |level: &str| results.iter().filter(|r| r["level"] == level).count();
        assert_eq!(count("error"), 1_000);
        assert_eq!(count("warning"), 10_000);
        assert_eq!(count("note"), MAX_RESULTS - 11_000);
        assert_eq!(run["properties"]["resultsDropped"], 5_000);
        let note = &run["invocations"][0]["toolExecutionNotifications"][0];
        assert!(
            note["message"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("5000 of 30000"))
        );
    }

    #[test]
    fn a_finding_without_a_file_points_at_the_root_manifest() {
        let location = physical("", 0, None, None);
        assert_eq!(location["artifactLocation"]["uri"], "package.json");
        assert_eq!(location["region"]["startLine"], 1);
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            crate::paths::uri_encode("apps/my app/#1.json"),
            "apps/my%20app/%231.json"
        );
        assert_eq!(crate::paths::uri_encode("a/é"), "a/%C3%A9");
    }

    #[test]
    fn long_descriptions_are_cut_to_1024_characters() {
        let long = "é".repeat(2_000);
        assert_eq!(cut(&long).chars().count(), MAX_DESCRIPTION_CHARS);
        assert_eq!(cut("short"), "short");
    }
}
