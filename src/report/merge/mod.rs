//! `seaworthy merge`: the JSON reports of many repositories (`seaworthy scan --json`, one per
//! repository, typically CI artifacts of a matrix job) folded into one org-wide view: a score per
//! repository, how often each rule fires across the organisation and in how many repositories,
//! and the worst services. No server and no database: the reports are the data.
//!
//! - Inputs are read leniently through `report::read` (the checks a baseline gets: size cap,
//!   `schemaVersion`, written by seaworthy), each into the few fields used here, every one with
//!   `#[serde(default)]` where a missing value has a meaning, so additive schema changes keep
//!   working.
//! - A repository is named after its `run.root` (the last path component; the whole root when
//!   that is `.` or `..`), and names that collide get the input file's stem, then its path.
//! - Deterministic by construction: everything is sorted by content, never by argument order, so
//!   the same reports given in any order give the same bytes.
//! - [`Merged`] is its own small typed struct, serialized for `--json` and described by
//!   `schemas/merge.schema.json` (checked by a test); the HTML and Markdown render it.

pub mod html;
pub mod markdown;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::{Counts, Rating, Tool, read, terminal};
use crate::finding::Severity;

/// Bumped when a field of the merged JSON changes meaning or disappears; additions keep it.
pub const MERGE_SCHEMA_VERSION: u32 = 1;
/// Services listed in `worstServices`.
pub const MAX_WORST_SERVICES: usize = 20;

/// What to do with an input report of a schema this seaworthy does not read.
const AGAIN: &str = "scan the repository again with this seaworthy";

// ---------------------------------------------------------------------------------------------
// The input: the fields of a scan report that the merge uses, and nothing else.

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    /// Required, and named `seaworthy` (checked by `report::read`).
    #[expect(dead_code, reason = "required to be present, never read")]
    tool: IgnoredAny,
    run: InputRun,
    summary: InputSummary,
    #[serde(default)]
    services: Vec<InputService>,
    #[serde(default)]
    findings: Vec<InputFinding>,
    #[serde(default)]
    errors: Vec<IgnoredAny>,
}

#[derive(Debug, Default, Deserialize)]
struct InputRun {
    #[serde(default)]
    root: String,
}

#[derive(Debug, Deserialize)]
struct InputSummary {
    #[serde(default)]
    score: Option<u32>,
    #[serde(default)]
    rating: Option<Rating>,
    #[serde(default)]
    counts: Counts,
    #[serde(default)]
    new: usize,
    #[serde(default)]
    fixed: usize,
    /// Present when the scan had a baseline: only then are `new` and `fixed` meaningful.
    #[serde(default)]
    baseline: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
struct InputService {
    #[serde(default)]
    name: String,
    #[serde(default)]
    score: Option<u32>,
    #[serde(default)]
    rating: Option<Rating>,
    #[serde(default)]
    counts: Counts,
}

#[derive(Debug, Deserialize)]
struct InputFinding {
    rule: String,
    severity: Severity,
    #[serde(default)]
    suppressed: Option<serde_json::Value>,
}

// ---------------------------------------------------------------------------------------------
// The output: the org-wide view.

/// The merged view of many repositories' reports (`seaworthy merge --json`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Merged {
    pub schema_version: u32,
    pub tool: Tool,
    pub totals: Totals,
    /// One per input report, sorted by name.
    pub repositories: Vec<Repository>,
    /// Counting findings per rule and severity across the organisation: errors first, then the
    /// rules with the most findings.
    pub rules: Vec<RuleCount>,
    /// The lowest-scored services across the organisation (unknown scores last), at most 20.
    pub worst_services: Vec<WorstService>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub repositories: usize,
    pub services: usize,
    /// Counting findings (suppressed ones do not count) across every repository.
    pub counts: Counts,
    /// The mean of the repositories' known scores, rounded down (null when none is known).
    pub mean_score: Option<u32>,
    /// The lowest known repository score.
    pub lowest_score: Option<u32>,
    /// Repositories whose score is unknown (a category could not be scored).
    pub unscored: usize,
    /// Repositories per rating.
    pub ratings: RatingCounts,
    /// New and fixed findings, summed over the repositories scanned with a baseline.
    pub new: usize,
    pub fixed: usize,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
pub struct RatingCounts {
    pub pass: usize,
    pub average: usize,
    pub fail: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Repository {
    /// Unique within the merge: the last component of `root`, disambiguated on collision.
    pub name: String,
    /// The report's `run.root`, as the scan was given it.
    pub root: String,
    /// The input file, as given to `seaworthy merge`.
    pub report: String,
    pub score: Option<u32>,
    pub rating: Option<Rating>,
    pub counts: Counts,
    /// Findings new against the scan's baseline, when it had one.
    pub new: Option<usize>,
    /// Baseline findings that are gone, when the scan had a baseline.
    pub fixed: Option<usize>,
    pub services: usize,
    /// Files the scan could not read or parse.
    pub errors: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleCount {
    pub rule: String,
    /// The severity the findings were reported at (a config may change it per repository; each
    /// severity then has its own row).
    pub severity: Severity,
    /// Counting findings across the organisation.
    pub findings: usize,
    /// Repositories with at least one.
    pub repositories: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorstService {
    pub repository: String,
    pub service: String,
    pub score: Option<u32>,
    pub rating: Option<Rating>,
    pub counts: Counts,
}

/// Why `seaworthy merge` cannot run on an input (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("cannot merge {path}: {reason}")]
pub struct MergeError {
    pub path: String,
    pub reason: String,
}

/// Reads every report and merges them.
///
/// # Errors
///
/// The first input that cannot be read or is not a seaworthy report this version reads.
pub fn read(paths: &[String]) -> Result<Merged, MergeError> {
    let inputs = paths
        .iter()
        .map(|path| {
            read::read_file::<Input>(path, AGAIN)
                .map(|input| (path.clone(), input))
                .map_err(|reason| MergeError {
                    path: path.clone(),
                    reason,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(merge(inputs))
}

/// Merges reports read from their JSON text, each with the path it is known by.
///
/// # Errors
///
/// The first text that is not a seaworthy report this version reads.
pub fn parse(inputs: &[(String, String)]) -> Result<Merged, MergeError> {
    let inputs = inputs
        .iter()
        .map(|(path, text)| {
            read::parse::<Input>(text, AGAIN)
                .map(|input| (path.clone(), input))
                .map_err(|reason| MergeError {
                    path: path.clone(),
                    reason,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(merge(inputs))
}

/// A repository's name from its report's root: the last path component, or the whole root
/// when that is `.` or `..` (or the root is empty: then the input file's stem).
fn repository_name(root: &str, stem: &str) -> String {
    match root.rsplit(['/', '\\']).find(|c| !c.is_empty()) {
        Some("." | "..") => root.to_string(),
        Some(last) => last.to_string(),
        None if root.is_empty() => stem.to_string(),
        None => root.to_string(),
    }
}

fn file_stem(path: &str) -> String {
    std::path::Path::new(path)
        .file_stem()
        .map_or_else(|| path.to_string(), |s| s.to_string_lossy().into_owned())
}

/// Unique names for inputs sorted by (base name, path): a base name shared by several gets the
/// file stem, then (stems shared too) the path; the same file given twice gets ` #2`, ` #3`.
fn unique_names(bases: &[(String, String, String)]) -> Vec<String> {
    let count = |names: &[String]| {
        let mut n: BTreeMap<String, usize> = BTreeMap::new();
        for name in names {
            *n.entry(name.clone()).or_default() += 1;
        }
        n
    };
    let plain: Vec<String> = bases.iter().map(|(base, _, _)| base.clone()).collect();
    let plain_count = count(&plain);
    let with_stem: Vec<String> = bases
        .iter()
        .map(|(base, stem, _)| {
            if plain_count[base] == 1 {
                base.clone()
            } else {
                format!("{base} ({stem})")
            }
        })
        .collect();
    let stem_count = count(&with_stem);
    let mut seen = BTreeSet::new();
    with_stem
        .iter()
        .zip(bases)
        .map(|(name, (base, _, path))| {
            let name = if stem_count[name] == 1 {
                name.clone()
            } else {
                format!("{base} ({path})")
            };
            let mut unique = name.clone();
            let mut n = 2;
            while !seen.insert(unique.clone()) {
                unique = format!("{name} #{n}");
                n += 1;
            }
            unique
        })
        .collect()
}

fn merge(inputs: Vec<(String, Input)>) -> Merged {
    let mut inputs: Vec<(String, String, Input)> = inputs
        .into_iter()
        .map(|(path, input)| {
            let base = repository_name(&input.run.root, &file_stem(&path));
            (base, path, input)
        })
        .collect();
    // Content order, never argument order: the base name, then the path. Equal (base, path)
    // means the same file given twice, whose order does not matter.
    inputs.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let bases: Vec<(String, String, String)> = inputs
        .iter()
        .map(|(base, path, _)| (base.clone(), file_stem(path), path.clone()))
        .collect();
    let names = unique_names(&bases);

    let mut totals = Totals::default();
    let mut repositories = Vec::new();
    let mut rules: BTreeMap<(String, Severity), (usize, BTreeSet<String>)> = BTreeMap::new();
    let mut services = Vec::new();
    for ((_, path, input), name) in inputs.into_iter().zip(names) {
        let s = &input.summary;
        let with_baseline = s.baseline.is_some();
        for f in &input.findings {
            if f.suppressed.as_ref().is_some_and(|v| !v.is_null()) {
                continue;
            }
            let entry = rules.entry((f.rule.clone(), f.severity)).or_default();
            entry.0 += 1;
            entry.1.insert(name.clone());
        }
        for v in &input.services {
            services.push(WorstService {
                repository: name.clone(),
                service: v.name.clone(),
                score: v.score,
                rating: v.rating,
                counts: v.counts,
            });
        }
        totals.counts.error += s.counts.error;
        totals.counts.warning += s.counts.warning;
        totals.counts.info += s.counts.info;
        totals.services += input.services.len();
        if with_baseline {
            totals.new += s.new;
            totals.fixed += s.fixed;
        }
        match s.rating {
            Some(Rating::Pass) => totals.ratings.pass += 1,
            Some(Rating::Average) => totals.ratings.average += 1,
            Some(Rating::Fail) => totals.ratings.fail += 1,
            None => {}
        }
        repositories.push(Repository {
            name,
            root: input.run.root.clone(),
            report: path,
            score: s.score,
            rating: s.rating,
            counts: s.counts,
            new: with_baseline.then_some(s.new),
            fixed: with_baseline.then_some(s.fixed),
            services: input.services.len(),
            errors: input.errors.len(),
        });
    }
    repositories.sort_by(|a, b| a.name.cmp(&b.name));

    let known: Vec<u32> = repositories.iter().filter_map(|r| r.score).collect();
    totals.repositories = repositories.len();
    totals.unscored = repositories.len() - known.len();
    totals.lowest_score = known.iter().copied().min();
    totals.mean_score = u32::try_from(known.len()).ok().filter(|n| *n > 0).map(|n| {
        let sum: u64 = known.iter().map(|s| u64::from(*s)).sum();
        u32::try_from(sum / u64::from(n)).unwrap_or(u32::MAX)
    });

    let mut rules: Vec<RuleCount> = rules
        .into_iter()
        .map(|((rule, severity), (findings, repos))| RuleCount {
            rule,
            severity,
            findings,
            repositories: repos.len(),
        })
        .collect();
    rules.sort_by(|a, b| (b.severity, b.findings, &a.rule).cmp(&(a.severity, a.findings, &b.rule)));

    // Lowest score first, unknown scores after every known one; then the most severe counts.
    services.sort_by(|a, b| {
        let key = |s: &WorstService| {
            (
                s.score.is_none(),
                s.score,
                std::cmp::Reverse((s.counts.error, s.counts.warning, s.counts.info)),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| (&a.repository, &a.service).cmp(&(&b.repository, &b.service)))
    });
    services.truncate(MAX_WORST_SERVICES);

    Merged {
        schema_version: MERGE_SCHEMA_VERSION,
        tool: Tool {
            name: "seaworthy".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        totals,
        repositories,
        rules,
        worst_services: services,
    }
}

/// The merged JSON (`--json`): pretty-printed with a trailing newline.
pub fn render_json(merged: &Merged) -> String {
    // Serializing plain structs, strings and numbers cannot fail.
    let mut out =
        serde_json::to_string_pretty(merged).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// The JSON Schema of the merged JSON, as committed in `schemas/merge.schema.json`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Merged);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}

pub(crate) fn score_text(score: Option<u32>) -> String {
    score.map_or_else(|| "?".to_string(), |s| s.to_string())
}

pub(crate) fn rating_text(rating: Option<Rating>) -> &'static str {
    rating.map_or("unknown", Rating::as_str)
}

/// The short terminal table: one line per repository, then the totals. Plain text (no colour);
/// every repository string is made visible (control characters shown, never interpreted).
pub fn render_terminal(merged: &Merged) -> String {
    let names: Vec<String> = merged
        .repositories
        .iter()
        .map(|r| terminal::visible(&r.name).into_owned())
        .collect();
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .clamp("repository".len(), 48);
    let mut out = format!(
        "{:<width$}  {:>5}  {:<7}  {:>6}  {:>8}  {:>5}  {:>8}\n",
        "repository", "score", "rating", "errors", "warnings", "info", "services"
    );
    for (r, name) in merged.repositories.iter().zip(&names) {
        let _ = writeln!(
            out,
            "{name:<width$}  {:>5}  {:<7}  {:>6}  {:>8}  {:>5}  {:>8}",
            score_text(r.score),
            rating_text(r.rating),
            r.counts.error,
            r.counts.warning,
            r.counts.info,
            r.services
        );
    }
    let t = &merged.totals;
    let _ = writeln!(
        out,
        "\n{} · {} · {} errors, {} warnings, {} info · mean score {}, lowest {}",
        terminal::count(t.repositories, "repository", "repositories"),
        terminal::count(t.services, "service", "services"),
        t.counts.error,
        t.counts.warning,
        t.counts.info,
        score_text(t.mean_score),
        score_text(t.lowest_score)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(root: &str, score: u32, findings: &[(&str, &str)]) -> String {
        let findings: Vec<String> = findings
            .iter()
            .map(|(rule, sev)| format!(r#"{{"rule": "{rule}", "severity": "{sev}"}}"#))
            .collect();
        format!(
            r#"{{"schemaVersion": 1, "tool": {{"name": "seaworthy"}}, "run": {{"root": "{root}"}},
               "summary": {{"score": {score}, "rating": "average", "counts": {{"error": 0, "warning": 1, "info": 0}}}},
               "services": [{{"name": "api", "score": {score}, "counts": {{"error": 0, "warning": 1, "info": 0}}}}],
               "findings": [{}]}}"#,
            findings.join(",")
        )
    }

    #[test]
    fn names_come_from_the_root_and_collisions_are_disambiguated() {
        assert_eq!(repository_name("code/api/", "x"), "api");
        assert_eq!(repository_name(".", "x"), ".");
        assert_eq!(repository_name("", "x"), "x");
        let merged = parse(&[
            ("b/seaworthy.json".into(), report(".", 80, &[])),
            ("a/seaworthy.json".into(), report(".", 70, &[])),
            ("api.json".into(), report("x/api", 60, &[])),
            ("api.json".into(), report("x/api", 60, &[])),
            ("web.json".into(), report("web", 90, &[])),
        ])
        .unwrap();
        let names: Vec<&str> = merged
            .repositories
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                ". (a/seaworthy.json)",
                ". (b/seaworthy.json)",
                "api (api.json)",
                "api (api.json) #2",
                "web"
            ]
        );
    }

    #[test]
    fn rules_are_counted_per_severity_and_repository() {
        let merged = parse(&[
            (
                "a.json".into(),
                report(
                    "a",
                    80,
                    &[("x/y", "error"), ("x/y", "error"), ("z/w", "info")],
                ),
            ),
            (
                "b.json".into(),
                report("b", 40, &[("x/y", "error"), ("z/w", "warning")]),
            ),
        ])
        .unwrap();
        let rows: Vec<(&str, Severity, usize, usize)> = merged
            .rules
            .iter()
            .map(|r| (r.rule.as_str(), r.severity, r.findings, r.repositories))
            .collect();
        assert_eq!(
            rows,
            [
                ("x/y", Severity::Error, 3, 2),
                ("z/w", Severity::Warning, 1, 1),
                ("z/w", Severity::Info, 1, 1)
            ]
        );
        assert_eq!(merged.totals.mean_score, Some(60));
        assert_eq!(merged.totals.lowest_score, Some(40));
        assert_eq!(merged.worst_services[0].repository, "b");
    }
}
