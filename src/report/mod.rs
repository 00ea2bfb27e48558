//! The report: one typed struct that every output format renders. The JSON is this struct
//! serialized; `schemas/report.schema.json` is generated from it and checked by a test.

pub mod gitlab;
pub mod html;
pub mod json;
pub mod markdown;
pub mod merge;
pub(crate) mod read;
pub mod redact;
pub mod sarif;
pub mod source;
pub mod terminal;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::diagnostic::ErrorEntry;
use crate::finding::{Category, Finding, Severity};
use crate::model::{PackageManager, ServiceKind};

/// Bumped when a field changes meaning or disappears; additions keep it.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub run: Run,
    pub summary: Summary,
    pub categories: Vec<CategoryScore>,
    /// Failing and unknown checks, the ones that would recover the most points first.
    pub checks: Vec<CheckResult>,
    pub services: Vec<ServiceReport>,
    pub workspaces: Vec<WorkspaceReport>,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fixed: Option<Vec<FixedFinding>>,
    pub rules: Vec<RuleInfo>,
    pub errors: Vec<ErrorEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// The scanned path as given on the command line (never made absolute).
    pub root: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub duration_ms: u64,
    /// Files classified and read (manifests, lockfiles, configs, Dockerfiles, compose files).
    pub files_scanned: usize,
    pub stats: RunStats,
    /// The config file the scan ran with, as given (none: the defaults).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub config: Option<String>,
    /// The repository's name, remote, HEAD commit and the link template for locations.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<source::Source>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunStats {
    /// Regular files the walk visited (after .gitignore, without node_modules and .git).
    pub files_walked: usize,
    /// Files of a kind seaworthy understands.
    pub files_classified: usize,
    pub skipped_binary: usize,
    pub skipped_too_large: usize,
    /// Symbolic links not followed: dangling, or pointing outside the repository.
    pub skipped_links: usize,
    /// FIFOs, sockets and devices, never read whatever their name.
    pub skipped_special: usize,
    /// `package.json` files the walk found (parsed or not): none means nothing to audit.
    #[serde(default)]
    pub manifests: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Pass,
    Average,
    Fail,
}

impl Rating {
    /// ≥ 90 pass, ≥ 50 average, below fail.
    pub fn of(score: u32) -> Rating {
        match score {
            90.. => Rating::Pass,
            50.. => Rating::Average,
            _ => Rating::Fail,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Pass => "pass",
            Rating::Average => "average",
            Rating::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Counts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.error + self.warning + self.info
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// 0–100, or null when no category could be scored.
    pub score: Option<u32>,
    pub rating: Option<Rating>,
    /// Findings that count (suppressed ones do not).
    pub counts: Counts,
    /// Findings not in the baseline (all of them without a baseline).
    pub new: usize,
    /// Baseline findings that are gone.
    pub fixed: usize,
    /// Findings suppressed inline or by the config file (kept in `findings`, never counted).
    #[serde(default)]
    pub suppressed: usize,
    /// The baseline the findings were compared with, when `--baseline` was given.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub baseline: Option<BaselineSummary>,
    /// How the score is calculated, in words.
    pub scoring: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BaselineSummary {
    /// The baseline report's `run.startedAt`.
    pub started_at: String,
    /// The baseline's overall score, and this run's minus it (when both are known).
    pub score: Option<u32>,
    pub score_delta: Option<i64>,
    /// Findings present in both runs.
    pub unchanged: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CategoryStatus {
    Scored,
    /// A check in it could not run because its input failed to parse: the score is unknown.
    Unknown,
    /// No check in it applies to this repository.
    NotApplicable,
    /// None of its rules ran: all are turned `off`, or this version has none.
    NotChecked,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckCounts {
    pub pass: usize,
    pub fail: usize,
    pub not_applicable: usize,
    pub unknown: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CategoryScore {
    pub id: Category,
    pub title: String,
    pub score: Option<u32>,
    pub status: CategoryStatus,
    /// Weight of the category in the overall score.
    pub weight: u32,
    pub checks: CheckCounts,
    /// This score minus the baseline's, when a baseline was given and both are known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub score_delta: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Fail,
    Unknown,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub rule: String,
    pub category: Category,
    /// The service the check was made for, or null for the repository-wide check.
    pub service: Option<String>,
    pub status: CheckStatus,
    /// 0–1.
    pub score: f64,
    pub weight: u32,
    pub findings: usize,
    /// Points the overall score would gain if this check passed.
    pub impact: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceReport {
    pub name: String,
    pub kind: ServiceKind,
    pub path: String,
    /// Name of the package the service runs.
    pub package: Option<String>,
    pub dockerfile: Option<String>,
    pub compose_file: Option<String>,
    pub score: Option<u32>,
    pub rating: Option<Rating>,
    pub counts: Counts,
    /// This score minus the baseline's for the service of the same name, when both are known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub score_delta: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceReport {
    pub name: String,
    pub path: String,
    pub package_manager: Option<PackageManager>,
    /// `packageManager` exactly as declared in package.json (`pnpm@9.12.0`).
    pub package_manager_version: Option<String>,
    pub lockfile: Option<String>,
    /// Member packages, the root's own package.json included.
    pub members: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FixedFinding {
    pub rule: String,
    pub fingerprint: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RuleInfo {
    pub id: String,
    pub severity: Severity,
    pub category: Category,
    pub summary: String,
    pub help: String,
}

/// Source lines that findings point at, for the terminal and HTML renderers. Not part of the
/// JSON: it would duplicate the repository. The pipeline stores whole lines; the redaction step
/// (`redact::analysis`) replaces their secrets and only then cuts them for display, so that a
/// cut never leaves a secret's prefix that no longer looks like one.
#[derive(Debug, Clone, Default)]
pub struct Snippets {
    lines: BTreeMap<String, BTreeMap<u32, Snippet>>,
}

#[derive(Debug, Clone, Default)]
struct Snippet {
    text: String,
    /// What redaction replaced, in order, to move columns of the file onto the shown text.
    moves: Vec<ColumnMove>,
}

/// A stretch of a source line that redaction replaced: characters `start..end` (0-based) of
/// the line as written became `replaced_by` characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ColumnMove {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) replaced_by: u32,
}

/// Longest snippet line kept; longer lines are cut (minified bundles, lockfile lines).
const MAX_SNIPPET_CHARS: usize = 240;

impl Snippets {
    pub fn get(&self, path: &str, line: u32) -> Option<&str> {
        self.lines.get(path)?.get(&line).map(|s| s.text.as_str())
    }

    /// A finding's 1-based start column and exclusive end column in the file, moved onto the
    /// shown line: text after a redacted secret moves by the difference in length, and a column
    /// inside a secret moves to the marker's start (or, for the end, its end).
    pub fn shown_span(
        &self,
        path: &str,
        line: u32,
        column: u32,
        end_column: Option<u32>,
    ) -> (u32, Option<u32>) {
        let moves = self
            .lines
            .get(path)
            .and_then(|l| l.get(&line))
            .map_or(&[][..], |s| s.moves.as_slice());
        let shown = |column: u32, is_end: bool| -> u32 {
            let at = i64::from(column.max(1)) - 1;
            let mut shift = 0i64;
            for m in moves {
                let (start, end) = (i64::from(m.start), i64::from(m.end));
                if at >= end {
                    shift += i64::from(m.replaced_by) - (end - start);
                } else if at > start {
                    let inside = if is_end {
                        start + i64::from(m.replaced_by)
                    } else {
                        start
                    };
                    return u32::try_from(inside + shift + 1).unwrap_or(column);
                } else {
                    break;
                }
            }
            u32::try_from(at + shift + 1).unwrap_or(column)
        };
        (shown(column, false), end_column.map(|c| shown(c, true)))
    }

    /// Stores a line for display, cut to the display length.
    pub fn insert(&mut self, path: &str, line: u32, text: &str) {
        self.insert_redacted(path, line, text, Vec::new());
    }

    /// Stores a whole line, as the pipeline reads it, for the redaction step.
    pub(crate) fn insert_whole(&mut self, path: &str, line: u32, text: &str) {
        self.lines.entry(path.to_string()).or_default().insert(
            line,
            Snippet {
                text: text.to_string(),
                moves: Vec::new(),
            },
        );
    }

    /// Stores a redacted line, cut to the display length, with what redaction moved.
    pub(crate) fn insert_redacted(
        &mut self,
        path: &str,
        line: u32,
        text: &str,
        moves: Vec<ColumnMove>,
    ) {
        let mut shown: String = text.chars().take(MAX_SNIPPET_CHARS).collect();
        if text.chars().nth(MAX_SNIPPET_CHARS).is_some() {
            shown.push('…');
        }
        self.lines
            .entry(path.to_string())
            .or_default()
            .insert(line, Snippet { text: shown, moves });
    }

    /// Every stored line: (path, line number, text), sorted.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, u32, &str)> {
        self.lines.iter().flat_map(|(path, lines)| {
            lines
                .iter()
                .map(move |(line, s)| (path.as_str(), *line, s.text.as_str()))
        })
    }
}

/// What the pipeline hands the report: everything decided, nothing left to compute but
/// the report's own shape.
pub(crate) struct Parts<'a> {
    pub model: &'a crate::model::Model,
    pub config: &'a crate::config::Config,
    pub baseline: Option<&'a crate::baseline::Baseline>,
    pub active: &'a [crate::rules::Active],
    pub run: Run,
    pub scores: crate::score::Scores,
    pub findings: Vec<Finding>,
    pub fixed: Option<Vec<FixedFinding>>,
    pub errors: Vec<ErrorEntry>,
}

/// Builds the report from the pipeline's results.
pub(crate) fn assemble(parts: Parts<'_>) -> Report {
    use crate::baseline::delta;
    use crate::finding::BaselineState;
    let Parts {
        model,
        config,
        baseline,
        active,
        run,
        scores,
        findings,
        fixed,
        errors,
    } = parts;
    let mut counts = Counts::default();
    let mut new = 0;
    let mut unchanged = 0;
    let mut suppressed = 0;
    for f in &findings {
        if f.suppressed.is_some() {
            suppressed += 1;
            continue;
        }
        counts.add(f.severity);
        match f.baseline_state {
            Some(BaselineState::Unchanged) => unchanged += 1,
            _ => new += 1,
        }
    }
    let mut categories = scores.categories;
    if let Some(b) = baseline {
        for c in &mut categories {
            c.score_delta = delta(c.score, b.categories.get(c.id.id()).copied().flatten());
        }
    }
    let services = model
        .services
        .iter()
        .zip(scores.services)
        .map(|(s, (score, counts))| ServiceReport {
            name: s.name.clone(),
            kind: s.kind,
            path: crate::paths::display_dir(&s.path).to_string(),
            package: s.package.map(|i| model.packages[i].name().to_string()),
            dockerfile: s.dockerfile.clone(),
            compose_file: s.compose_file.clone(),
            score,
            rating: crate::score::rating(score),
            counts,
            score_delta: baseline
                .and_then(|b| delta(score, b.services.get(&s.name).copied().flatten())),
        })
        .collect();
    let rule_info = |m: &crate::rules::RuleMeta, severity: Severity| RuleInfo {
        id: m.id.to_string(),
        severity,
        category: m.category,
        summary: m.summary.to_string(),
        help: m.help(),
    };
    let mut rules: Vec<RuleInfo> = active
        .iter()
        .map(|a| rule_info(a.rule.meta(), a.severity))
        .chain(
            crate::rules::suppression::RULES
                .iter()
                .filter_map(|m| Some(rule_info(m, config.level(m.id)?.unwrap_or(m.severity)))),
        )
        .collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "seaworthy".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        run,
        summary: Summary {
            score: scores.overall,
            rating: crate::score::rating(scores.overall),
            counts,
            new,
            fixed: fixed.as_ref().map_or(0, Vec::len),
            suppressed,
            baseline: baseline.map(|b| BaselineSummary {
                started_at: b.started_at.clone(),
                score: b.score,
                score_delta: delta(scores.overall, b.score),
                unchanged,
            }),
            scoring: crate::score::EXPLANATION.to_string(),
        },
        categories,
        checks: scores.checks,
        services,
        workspaces: model
            .workspaces
            .iter()
            .map(|w| WorkspaceReport {
                name: w.name.clone(),
                path: crate::paths::display_dir(&w.dir).to_string(),
                package_manager: w.package_manager,
                package_manager_version: w.package_manager_version.clone(),
                lockfile: w.lockfile.clone(),
                members: w.members.len(),
            })
            .collect(),
        findings,
        fixed,
        rules,
        errors,
    }
}

/// One output format: the analysis rendered into the bytes of a file. Every format the
/// command line writes is one of these, listed in the formats table of `cli.rs`.
pub trait Render: Sync {
    /// Renders the whole analysis. Deterministic: the same analysis gives the same bytes.
    ///
    /// # Errors
    ///
    /// A message for the user when the format cannot be produced (never for repository input).
    fn render(&self, analysis: &Analysis) -> Result<String, String>;
}

/// The result of one scan: the report and what renderers need besides it.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub report: Report,
    pub snippets: Snippets,
}
