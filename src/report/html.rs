//! The HTML report: one self-contained file (`--html FILE`) that a person opens from a CI
//! artifact or attaches to an issue.
//!
//! - Rendered server-side with tera from `templates/report.html.tera`, registered as
//!   `report.html` so that autoescaping is on: every string from the repository (names,
//!   paths, messages, source lines) is escaped. `| safe` is used only for text built here: the
//!   stylesheet and script below, the Content-Security-Policy, and the embedded JSON, whose
//!   `<`, `>`, `&`, U+2028 and U+2029 are written as `\uXXXX` escapes (see [`script_json`]).
//! - No network request of any kind: the CSS and JS are inline, and a
//!   `<meta http-equiv="Content-Security-Policy">` allows nothing (`default-src 'none'`) but
//!   that exact stylesheet and script (by their sha256 hashes, computed here at render time)
//!   and `data:` images.
//! - Readable without JavaScript and printable; the script only adds the filters (severity,
//!   category, service, new only) whose state lives in the URL hash.
//! - Usable at 10,000 findings: at most [`MAX_ROWS_PER_RULE`] rows per rule are rendered, and the
//!   rest are counted ("N more in the JSON report").
//!
//! This module turns the [`Analysis`] into a plain, serializable view (`Page`) so that the
//! template holds no logic beyond loops and conditions, and so that source lines from
//! [`super::Snippets`] reach the template without making `Snippets` serializable.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{
    Analysis, CategoryStatus, CheckStatus, Counts, ErrorEntry, FixedFinding, Rating, Report,
};
use crate::finding::{BaselineState, Category, Finding, Related, Severity};

/// Rows rendered per rule; the rest are only in the JSON (embedded and `--json`).
pub const MAX_ROWS_PER_RULE: usize = 200;
/// Rows rendered in the secondary lists (failing checks beyond the first ones, suppressed and
/// fixed findings, errors).
const MAX_LIST_ROWS: usize = 200;
/// Failing checks shown before the "more checks" disclosure.
const TOP_CHECKS: usize = 15;

const TEMPLATE: &str = include_str!("../../templates/report.html.tera");

/// The inline stylesheet. Its sha256 goes into the CSP, so it is inserted byte for byte.
const STYLE: &str = include_str!("../../templates/report.css");

/// The inline script: client-side filters, kept in the URL hash (`#sev=error,warning&cat=…`),
/// and print support. Progressive enhancement only: without it the page shows everything.
const SCRIPT: &str = include_str!("../../templates/report.js");

/// The self-contained HTML report (`--html`).
pub struct Html;

impl super::Render for Html {
    fn render(&self, analysis: &Analysis) -> Result<String, String> {
        render(analysis).map_err(|e| format!("cannot render the HTML report: {e}"))
    }
}

/// Renders the report. Deterministic: the same analysis gives the same bytes.
///
/// # Errors
///
/// Only if the template is broken (a tera parse or render error); the tests render it.
pub fn render(analysis: &Analysis) -> Result<String, tera::Error> {
    let mut tera = tera::Tera::default();
    // The `.html` name turns autoescaping on.
    tera.add_raw_template("report.html", TEMPLATE)?;
    let page = Page::build(analysis);
    let context = tera::Context::from_serialize(&page)?;
    tera.render("report.html", &context)
}

/// The Content-Security-Policy: nothing may load except the inline stylesheet and script
/// (by hash) and `data:` images; no base URL or form target can be changed.
fn content_security_policy(style: &str, script: &str) -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        sha256_base64(style),
        sha256_base64(script)
    )
}

pub(crate) fn sha256_base64(text: &str) -> String {
    base64(Sha256::digest(text.as_bytes()).as_slice())
}

/// Standard base64 (RFC 4648, with padding), as CSP hash sources need.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        // A chunk of k bytes gives k + 1 characters; `=` pads to 4.
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The JSON made safe inside `<script type="application/json">`: `<` (so that no `</script>`
/// or `<!--` can appear), `>`, `&`, U+2028 and U+2029 become `\uXXXX` escapes. These characters
/// only ever occur inside JSON strings, where the escapes mean the same thing.
fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The view the template renders. Every field is plain data; strings from the repository are
// escaped by tera, never marked safe.

#[derive(Serialize)]
struct Page<'a> {
    title: String,
    csp: String,
    style: &'static str,
    script: &'static str,
    /// The canonical JSON, escaped for a script element (see [`script_json`]).
    data: String,
    /// The `--markdown` summary as a JSON string, escaped like `data`, for "Copy as Markdown".
    markdown: String,
    tool_version: &'a str,
    /// The repository by name (`owner/name` from the remote, else the root's folder name),
    /// never the runner's absolute path.
    root: String,
    /// The remote's web address and the commit, when known.
    remote: Option<&'a str>,
    commit: Option<&'a str>,
    started_at: &'a str,
    duration: String,
    files_scanned: usize,
    overall: Gauge,
    counts: Counts,
    total: usize,
    new: usize,
    fixed: usize,
    has_baseline: bool,
    /// The baseline's date and score, and this score's change from it.
    baseline: Option<BaselineView<'a>>,
    scoring: &'a str,
    categories: Vec<CategoryView>,
    services: Vec<ServiceView<'a>>,
    /// All failing checks: `checks` shown, `more_checks` behind a disclosure, and the rest
    /// (`checks_left_out`) only in the JSON.
    checks_total: usize,
    checks: Vec<CheckView<'a>>,
    more_checks_total: usize,
    more_checks: Vec<CheckView<'a>>,
    checks_left_out: usize,
    groups: Vec<RuleGroup<'a>>,
    /// Rules that ran without a finding that counts.
    passed: Vec<PassedRule<'a>>,
    suppressed: Vec<FindingView<'a>>,
    suppressed_total: usize,
    fixed_list: Vec<&'a FixedFinding>,
    fixed_left_out: usize,
    errors: Vec<&'a ErrorEntry>,
    errors_total: usize,
    filters: Filters,
}

/// A score as a ring: `dash` is the filled share of a circle whose path length is 100.
#[derive(Serialize)]
struct Gauge {
    /// The number shown: the score, `?` when unknown, `–` when not applicable.
    text: String,
    /// pass, average, fail, unknown or not applicable: always said in words.
    label: &'static str,
    /// CSS class suffix for the colour band.
    band: &'static str,
    dash: u32,
}

impl Gauge {
    fn of(score: Option<u32>) -> Gauge {
        match score {
            Some(score) => {
                let rating = Rating::of(score);
                Gauge {
                    text: score.to_string(),
                    label: rating.as_str(),
                    band: rating.as_str(),
                    dash: score.min(100),
                }
            }
            None => Gauge::unknown(),
        }
    }
    fn unknown() -> Gauge {
        Gauge {
            text: "?".to_string(),
            label: "unknown",
            band: "unknown",
            dash: 0,
        }
    }
    fn not_checked() -> Gauge {
        Gauge {
            text: "–".to_string(),
            label: "not checked",
            band: "na",
            dash: 0,
        }
    }
    fn not_applicable() -> Gauge {
        Gauge {
            text: "–".to_string(),
            label: "not applicable",
            band: "na",
            dash: 0,
        }
    }
}

#[derive(Serialize)]
struct CategoryView {
    id: &'static str,
    title: String,
    gauge: Gauge,
    delta: Option<Delta>,
    weight: u32,
    pass: usize,
    fail: usize,
    not_applicable: usize,
    unknown: usize,
}

#[derive(Serialize)]
struct ServiceView<'a> {
    name: &'a str,
    kind: &'static str,
    path: &'a str,
    /// False for a root-level image service, whose Dockerfile and compose file say where it is.
    show_path: bool,
    dockerfile: Option<&'a str>,
    compose_file: Option<&'a str>,
    gauge: Gauge,
    /// `2 errors · 1 info`, or `no findings`.
    counts: String,
    delta: Option<Delta>,
    #[serde(skip)]
    score: Option<u32>,
}

#[derive(Serialize)]
struct BaselineView<'a> {
    started_at: &'a str,
    score: String,
    delta: Option<Delta>,
    unchanged: usize,
}

/// A score's change from the baseline: `+3`, `−2` or `±0`, and whether it is up or down.
#[derive(Serialize)]
struct Delta {
    text: String,
    class: &'static str,
}

impl Delta {
    fn of(delta: i64) -> Delta {
        match delta {
            0 => Delta {
                text: "±0".to_string(),
                class: "same",
            },
            d if d > 0 => Delta {
                text: format!("+{d}"),
                class: "up",
            },
            d => Delta {
                text: format!("−{}", d.unsigned_abs()),
                class: "down",
            },
        }
    }
}

#[derive(Serialize)]
struct CheckView<'a> {
    rule: &'a str,
    anchor: String,
    /// Whether the rule has a findings group to link to.
    linked: bool,
    category: &'static str,
    service: Option<&'a str>,
    status: &'static str,
    findings: usize,
    impact: String,
    score: String,
}

#[derive(Serialize)]
struct RuleGroup<'a> {
    id: &'a str,
    anchor: String,
    severity: &'static str,
    category_title: &'static str,
    summary: &'a str,
    /// The rule's help, rendered once from its Markdown (see [`markdown_html`]): escaped,
    /// raw HTML shown as text, links only to http(s).
    help_html: String,
    /// `1 error · 2 warnings` when the findings have more than one severity, else empty.
    mixed: String,
    /// Findings of this rule that count.
    total: usize,
    rows: Vec<FindingView<'a>>,
    /// Findings not rendered (beyond [`MAX_ROWS_PER_RULE`]).
    more: usize,
    /// Points the overall score would gain if the rule's checks passed (see [`points`]).
    impact: String,
}

#[derive(Serialize)]
struct PassedRule<'a> {
    id: &'a str,
    anchor: String,
    category: &'static str,
    summary: &'a str,
    /// passed, not applicable, unknown.
    state: &'static str,
    suppressed: usize,
}

#[derive(Serialize)]
struct FindingView<'a> {
    rule: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    category: &'static str,
    category_title: &'static str,
    /// The message and help with backticked spans as `<code>`, everything else escaped (see
    /// [`code_spans`]).
    message: String,
    help: String,
    path: &'a str,
    line: u32,
    column: u32,
    /// The file and line on the source host (see [`super::source::Source::link`]).
    url: Option<String>,
    snippet: Option<SnippetView>,
    related: Vec<RelatedView<'a>>,
    /// Filter value: the service's name, or empty.
    service: &'a str,
    workspace: Option<&'a str>,
    is_new: bool,
    baseline_state: Option<&'static str>,
    /// The reason, and where the suppression is written.
    suppressed: Option<String>,
}

/// A related location; its message with `code` spans (see [`code_spans`]).
#[derive(Serialize)]
struct RelatedView<'a> {
    path: &'a str,
    line: u32,
    message: String,
}

/// The source line a finding points at, split around the highlighted columns.
#[derive(Serialize)]
struct SnippetView {
    before: String,
    hit: String,
    after: String,
}

#[derive(Serialize)]
struct Filters {
    severities: Vec<FilterOption>,
    categories: Vec<FilterOption>,
    /// Empty when no finding has a service.
    services: Vec<FilterOption>,
    /// Empty when there are fewer than two rules with findings.
    rules: Vec<FilterOption>,
    show_new: bool,
    new_count: usize,
}

#[derive(Serialize)]
struct FilterOption {
    value: String,
    label: String,
    count: usize,
}

impl<'a> Page<'a> {
    fn build(analysis: &'a Analysis) -> Page<'a> {
        let report = &analysis.report;
        let counting: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .collect();

        // Findings that count, by rule, in report order (path, line, column).
        let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &counting {
            by_rule.entry(f.rule.as_str()).or_default().push(f);
        }
        let mut impact_by_rule: BTreeMap<&str, f64> = BTreeMap::new();
        for c in &report.checks {
            *impact_by_rule.entry(c.rule.as_str()).or_default() += c.impact;
        }

        let has_baseline =
            report.fixed.is_some() || report.findings.iter().any(|f| f.baseline_state.is_some());
        let groups = rule_groups(analysis, &by_rule, &impact_by_rule);
        let passed = passed_rules(report, &by_rule);

        let mut checks: Vec<CheckView<'_>> = report
            .checks
            .iter()
            .map(|c| CheckView {
                rule: &c.rule,
                anchor: anchor_rule(&c.rule),
                linked: by_rule.contains_key(c.rule.as_str()),
                category: c.category.id(),
                service: c.service.as_deref(),
                status: match c.status {
                    CheckStatus::Fail => "fail",
                    CheckStatus::Unknown => "unknown",
                },
                findings: c.findings,
                impact: points(c.impact),
                score: format!("{:.2}", c.score),
            })
            .collect();
        let rest = if checks.len() > TOP_CHECKS {
            checks.split_off(TOP_CHECKS)
        } else {
            Vec::new()
        };
        let checks_left_out = rest.len().saturating_sub(MAX_LIST_ROWS);
        let more_checks: Vec<CheckView<'_>> = rest.into_iter().take(MAX_LIST_ROWS).collect();

        let suppressed_all: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_some())
            .collect();
        let fixed_all = report.fixed.as_deref().unwrap_or_default();

        let mut services: Vec<ServiceView<'_>> = report
            .services
            .iter()
            .map(|s| ServiceView {
                name: &s.name,
                kind: service_kind(s.kind),
                path: &s.path,
                show_path: s.path != "." || (s.dockerfile.is_none() && s.compose_file.is_none()),
                dockerfile: s.dockerfile.as_deref(),
                compose_file: s.compose_file.as_deref(),
                gauge: Gauge::of(s.score),
                counts: counts_text(&s.counts),
                delta: s.score_delta.map(Delta::of),
                score: s.score,
            })
            .collect();
        // Worst first: unknown scores, then ascending; the report's order breaks ties.
        services.sort_by_key(|s| s.score.map_or(0, |n| n + 1));

        let repository = report.run.source.as_ref().map_or_else(
            || super::source::folder_name(std::path::Path::new(&report.run.root), &report.run.root),
            |s| s.repository.clone(),
        );
        let score_text = report
            .summary
            .score
            .map_or_else(|| "?".to_string(), |s| s.to_string());
        Page {
            title: format!("seaworthy: {repository} — score {score_text}"),
            csp: content_security_policy(STYLE, SCRIPT),
            style: STYLE,
            script: SCRIPT,
            data: script_json(&super::json::render(report)),
            markdown: script_json(
                &serde_json::to_string(&super::markdown::render_markdown(
                    report,
                    super::markdown::MAX_CHARS,
                ))
                .unwrap_or_default(),
            ),
            tool_version: &report.tool.version,
            root: repository,
            remote: report.run.source.as_ref().and_then(|s| s.remote.as_deref()),
            commit: report.run.source.as_ref().and_then(|s| s.commit.as_deref()),
            started_at: &report.run.started_at,
            duration: duration(report.run.duration_ms),
            files_scanned: report.run.files_scanned,
            overall: Gauge::of(report.summary.score),
            counts: report.summary.counts,
            total: counting.len(),
            new: report.summary.new,
            fixed: report.summary.fixed,
            has_baseline,
            baseline: report.summary.baseline.as_ref().map(|b| BaselineView {
                started_at: &b.started_at,
                score: b.score.map_or_else(|| "?".to_string(), |s| s.to_string()),
                delta: b.score_delta.map(Delta::of),
                unchanged: b.unchanged,
            }),
            scoring: &report.summary.scoring,
            categories: report
                .categories
                .iter()
                .map(|c| CategoryView {
                    id: c.id.id(),
                    title: c.title.clone(),
                    gauge: match c.status {
                        CategoryStatus::Scored => Gauge::of(c.score),
                        CategoryStatus::Unknown => Gauge::unknown(),
                        CategoryStatus::NotApplicable => Gauge::not_applicable(),
                        CategoryStatus::NotChecked => Gauge::not_checked(),
                    },
                    delta: c.score_delta.map(Delta::of),
                    weight: c.weight,
                    pass: c.checks.pass,
                    fail: c.checks.fail,
                    not_applicable: c.checks.not_applicable,
                    unknown: c.checks.unknown,
                })
                .collect(),
            services,
            checks_total: report.checks.len(),
            checks,
            more_checks_total: more_checks.len() + checks_left_out,
            more_checks,
            checks_left_out,
            groups,
            passed,
            suppressed: suppressed_all
                .iter()
                .take(MAX_LIST_ROWS)
                .map(|f| finding_view(analysis, f))
                .collect(),
            suppressed_total: suppressed_all.len(),
            fixed_list: fixed_all.iter().take(MAX_LIST_ROWS).collect(),
            fixed_left_out: fixed_all.len().saturating_sub(MAX_LIST_ROWS),
            errors: report.errors.iter().take(MAX_LIST_ROWS).collect(),
            errors_total: report.errors.len(),
            filters: filters(&counting, has_baseline),
        }
    }
}

/// Rules with findings, the ones whose checks would recover the most points first, then by
/// severity, number of findings and id.
fn rule_groups<'a>(
    analysis: &'a Analysis,
    by_rule: &BTreeMap<&'a str, Vec<&'a Finding>>,
    impact_by_rule: &BTreeMap<&str, f64>,
) -> Vec<RuleGroup<'a>> {
    let report = &analysis.report;
    let mut groups: Vec<(f64, Severity, RuleGroup<'_>)> = by_rule
        .iter()
        .map(|(&id, findings)| {
            let info = report.rules.iter().find(|r| r.id == id);
            // The badge shows the findings' worst severity: a rule's configured severity
            // applies to all its findings, but a rule may report some findings lower.
            let severity = findings
                .iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(Severity::Info);
            let mut by_severity = Counts::default();
            for f in findings {
                match f.severity {
                    Severity::Error => by_severity.error += 1,
                    Severity::Warning => by_severity.warning += 1,
                    Severity::Info => by_severity.info += 1,
                }
            }
            let kinds = [by_severity.error, by_severity.warning, by_severity.info]
                .iter()
                .filter(|&&n| n > 0)
                .count();
            // A rule missing from `rules` (it should not happen) still gets a group.
            let category = info.map_or(findings[0].category, |r| r.category);
            let impact = impact_by_rule.get(id).copied().unwrap_or(0.0);
            let group = RuleGroup {
                id,
                anchor: anchor_rule(id),
                severity: severity.as_str(),
                category_title: category.title(),
                summary: info.map_or("", |r| r.summary.as_str()),
                help_html: info.map_or_else(String::new, |r| markdown_html(&r.help)),
                mixed: if kinds > 1 {
                    counts_text(&by_severity)
                } else {
                    String::new()
                },
                total: findings.len(),
                rows: findings
                    .iter()
                    .take(MAX_ROWS_PER_RULE)
                    .map(|f| finding_view(analysis, f))
                    .collect(),
                more: findings.len().saturating_sub(MAX_ROWS_PER_RULE),
                impact: points(impact),
            };
            (impact, severity, group)
        })
        .collect();
    groups.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(b.2.total.cmp(&a.2.total))
            .then(a.2.id.cmp(b.2.id))
    });
    groups.into_iter().map(|(_, _, g)| g).collect()
}

/// Rules that ran and produced no finding that counts, with why: passed, not applicable (its
/// whole category does not apply), or unknown (a check of it could not run).
fn passed_rules<'a>(
    report: &'a Report,
    by_rule: &BTreeMap<&str, Vec<&Finding>>,
) -> Vec<PassedRule<'a>> {
    let unknown: BTreeSet<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Unknown)
        .map(|c| c.rule.as_str())
        .collect();
    let not_applicable: BTreeSet<Category> = report
        .categories
        .iter()
        .filter(|c| c.status == CategoryStatus::NotApplicable)
        .map(|c| c.id)
        .collect();
    let mut passed: Vec<PassedRule<'_>> = report
        .rules
        .iter()
        .filter(|r| !by_rule.contains_key(r.id.as_str()))
        .map(|r| PassedRule {
            id: &r.id,
            anchor: anchor_rule(&r.id),
            category: r.category.title(),
            summary: &r.summary,
            state: if unknown.contains(r.id.as_str()) {
                "unknown"
            } else if not_applicable.contains(&r.category) {
                "not applicable"
            } else {
                "passed"
            },
            suppressed: report
                .findings
                .iter()
                .filter(|f| f.rule == r.id && f.suppressed.is_some())
                .count(),
        })
        .collect();
    passed.sort_by(|a, b| a.id.cmp(b.id));
    passed
}

fn finding_view<'a>(analysis: &'a Analysis, f: &'a Finding) -> FindingView<'a> {
    let loc = &f.location;
    FindingView {
        rule: &f.rule,
        fingerprint: &f.fingerprint,
        severity: f.severity.as_str(),
        category: f.category.id(),
        category_title: f.category.title(),
        message: code_spans(&f.message),
        help: code_spans(&f.help),
        path: &loc.path,
        line: loc.line,
        column: loc.column,
        url: analysis
            .report
            .run
            .source
            .as_ref()
            .and_then(|s| s.link(&loc.path, loc.line))
            // Only web links: a template is the user's, but a `javascript:` one must not run.
            .filter(|u| {
                let u = u.to_ascii_lowercase();
                u.starts_with("https://") || u.starts_with("http://")
            }),
        snippet: analysis.snippets.get(&loc.path, loc.line).map(|text| {
            let end = match (loc.end_line, loc.end_column) {
                (Some(line), Some(column)) if line == loc.line => Some(column),
                _ => None,
            };
            // Redaction may have shortened the line: move the columns with it.
            let (column, end) = analysis
                .snippets
                .shown_span(&loc.path, loc.line, loc.column, end);
            split_snippet(text, column, end)
        }),
        related: f
            .related
            .iter()
            .map(|r: &Related| RelatedView {
                path: &r.path,
                line: r.line,
                message: code_spans(&r.message),
            })
            .collect(),
        service: f.service.as_deref().unwrap_or(""),
        workspace: f.workspace.as_deref(),
        is_new: f.baseline_state == Some(BaselineState::New),
        baseline_state: f.baseline_state.map(|s| match s {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }),
        suppressed: f.suppressed.as_ref().map(|s| {
            let by = match s.source {
                crate::finding::SuppressionSource::Inline => "a seaworthy-ignore comment",
                crate::finding::SuppressionSource::Config => "the config file",
            };
            match (&s.path, s.line) {
                (Some(path), Some(line)) => format!("{} — {by} at {path}:{line}", s.reason),
                (Some(path), None) => format!("{} — {by} {path}", s.reason),
                _ => format!("{} — {by}", s.reason),
            }
        }),
    }
}

/// Splits a source line around the 1-based columns `[column, end)` (characters); without an
/// end on the same line, the highlight runs to the end of the line.
fn split_snippet(text: &str, column: u32, end: Option<u32>) -> SnippetView {
    let chars: Vec<char> = text.chars().collect();
    let index = |c: u32| {
        usize::try_from(c)
            .unwrap_or(usize::MAX)
            .saturating_sub(1)
            .min(chars.len())
    };
    let start = index(column);
    let stop = end.map_or(chars.len(), index).max(start);
    SnippetView {
        before: chars[..start].iter().collect(),
        hit: chars[start..stop].iter().collect(),
        after: chars[stop..].iter().collect(),
    }
}

fn filters(counting: &[&Finding], has_baseline: bool) -> Filters {
    let mut severities: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut categories: BTreeMap<Category, usize> = BTreeMap::new();
    let mut services: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for f in counting {
        *rules.entry(f.rule.as_str()).or_default() += 1;
        *severities.entry(f.severity).or_default() += 1;
        *categories.entry(f.category).or_default() += 1;
        *services
            .entry(f.service.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    let option = |value: &str, label: &str, count: usize| FilterOption {
        value: value.to_string(),
        label: label.to_string(),
        count,
    };
    Filters {
        severities: [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| {
                option(
                    s.as_str(),
                    s.as_str(),
                    severities.get(s).copied().unwrap_or(0),
                )
            })
            .collect(),
        categories: categories
            .iter()
            .map(|(c, &n)| option(c.id(), c.title(), n))
            .collect(),
        rules: if rules.len() < 2 {
            Vec::new()
        } else {
            rules.iter().map(|(&r, &n)| option(r, r, n)).collect()
        },
        // The service filter shows as soon as one finding belongs to a service: "(no service)"
        // then selects the repository-wide rest.
        services: if services.keys().all(|s| s.is_empty()) {
            Vec::new()
        } else {
            services
                .iter()
                .map(|(&s, &n)| option(s, if s.is_empty() { "(no service)" } else { s }, n))
                .collect()
        },
        show_new: has_baseline,
        new_count: counting
            .iter()
            .filter(|f| f.baseline_state == Some(BaselineState::New))
            .count(),
    }
}

/// Escapes text for HTML element content and attribute values (as tera's autoescape does).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2F;"),
            c => out.push(c),
        }
    }
    out
}

/// A message as HTML: `` `name` `` spans become `<code>name</code>`, all text escaped. An
/// unpaired backtick stays a backtick.
pub(crate) fn code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else { break };
        out.push_str(&escape(&rest[..open]));
        out.push_str("<code>");
        out.push_str(&escape(&after[..close]));
        out.push_str("</code>");
        rest = &after[close + 1..];
    }
    out.push_str(&escape(rest));
    out
}

/// A rule's help Markdown as HTML, with pulldown-cmark (CommonMark). Nothing in it can add
/// markup: raw HTML (block or inline) becomes escaped text, text is escaped by the renderer,
/// links keep only http(s) destinations (others keep their text, lose the link) and images
/// become their alt text (the CSP would block them anyway).
pub(crate) fn markdown_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut link_kept: Vec<bool> = Vec::new();
    let events = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::Link { dest_url, .. }) => {
            let lower = dest_url.to_ascii_lowercase();
            let ok = lower.starts_with("https://") || lower.starts_with("http://");
            link_kept.push(ok);
            ok.then_some(Event::Start(Tag::Link {
                link_type: pulldown_cmark::LinkType::Inline,
                dest_url,
                title: "".into(),
                id: "".into(),
            }))
        }
        Event::End(TagEnd::Link) => link_kept
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        // The image's alt text comes through as text events.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        e => Some(e),
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// `rule-<id>`: rule ids (`deps/undeclared`) are valid in an HTML id as they are.
fn anchor_rule(id: &str) -> String {
    format!("rule-{id}")
}

fn service_kind(kind: crate::model::ServiceKind) -> &'static str {
    match kind {
        crate::model::ServiceKind::Compose => "compose",
        crate::model::ServiceKind::Dockerfile => "dockerfile",
        crate::model::ServiceKind::Package => "package",
    }
}

/// `+4.2 pts`, `<0.1 pts`, or empty when passing would gain nothing measurable (an unknown
/// overall score, or a check of weight 0).
fn points(impact: f64) -> String {
    if impact >= 0.05 {
        format!("+{impact:.1} pts")
    } else if impact > 0.0 {
        "<0.1 pts".to_string()
    } else {
        String::new()
    }
}

fn counts_text(counts: &Counts) -> String {
    let parts: Vec<String> = [
        (counts.error, "error", "errors"),
        (counts.warning, "warning", "warnings"),
        (counts.info, "info", "info"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|&(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(" · ")
    }
}

fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{}.{} s", ms / 1000, ms % 1000 / 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "{input:?}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
        // The CSP hash of an empty inline element, as browsers print it.
        assert_eq!(
            sha256_base64(""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn script_json_escapes_what_could_end_the_script_element()
    -> Result<(), Box<dyn std::error::Error>> {
        let json = serde_json::to_string("</script><!-- & \u{2028}\u{2029}")?;
        let escaped = script_json(&json);
        assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('&'));
        assert!(!escaped.contains('\u{2028}') && !escaped.contains('\u{2029}'));
        assert_eq!(
            serde_json::from_str::<String>(&escaped)?,
            "</script><!-- & \u{2028}\u{2029}"
        );
        Ok(())
    }

    #[test]
    fn snippet_split_clamps_columns() {
        let s = split_snippet("  \"a\": \"1\"", 3, Some(6));
        assert_eq!(
            (s.before.as_str(), s.hit.as_str(), s.after.as_str()),
            ("  ", "\"a\"", ": \"1\"")
        );
        let s = split_snippet("ab", 9, Some(20));
        assert_eq!(
            (s.before.as_str(), s.hit.as_str(), s.after.as_str()),
            ("ab", "", "")
        );
        let s = split_snippet("abc", 2, None);
        assert_eq!(
            (s.before.as_str(), s.hit.as_str(), s.after.as_str()),
            ("a", "bc", "")
        );
    }
}

#[cfg(test)]
mod view_tests {
    use super::*;
    use crate::finding::Suppression;
    use crate::report::FixedFinding;

    /// The escaping fixture, given a baseline, a suppressed finding and services, as the
    /// baseline and suppression stages will produce them.
    fn analysis() -> Analysis {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/html-escaping");
        let mut analysis = crate::scan(&crate::ScanOptions::new(root), &|_| {}).unwrap();
        let report = &mut analysis.report;
        for (i, f) in report.findings.iter_mut().enumerate() {
            f.baseline_state = Some(if i == 0 {
                BaselineState::New
            } else {
                BaselineState::Unchanged
            });
            f.service = Some(format!("svc-{i}<x-svc>"));
        }
        let mut suppressed = report.findings[0].clone();
        suppressed.fingerprint = "0".repeat(32);
        suppressed.suppressed = Some(Suppression {
            reason: "vendored <x-why>code</x-why>".to_string(),
            source: crate::finding::SuppressionSource::Inline,
            path: Some("apps/api/src/main.ts".to_string()),
            line: Some(2),
        });
        report.findings.push(suppressed);
        report.fixed = Some(vec![FixedFinding {
            rule: "deps/undeclared".to_string(),
            fingerprint: "f".repeat(32),
            message: "`<gone>` was fixed".to_string(),
        }]);
        report.summary.fixed = 1;
        report.summary.baseline = Some(crate::report::BaselineSummary {
            started_at: "2026-11-01T00:00:00Z".to_string(),
            score: Some(70),
            score_delta: Some(-3),
            unchanged: 1,
        });
        if let Some(s) = report.services.first_mut() {
            s.score_delta = Some(4);
        }
        analysis
    }

    #[test]
    fn baseline_suppressions_and_services_are_shown_and_escaped()
    -> Result<(), Box<dyn std::error::Error>> {
        let analysis = analysis();
        let html = render(&analysis)?;
        assert!(
            html.contains(r#"<input type="checkbox" name="new" value="1">"#),
            "new-only filter"
        );
        assert!(html.contains(r#"data-new="1""#) && html.contains(r#"data-new="0""#));
        assert!(
            html.contains(r#"name="svc" value="svc-0&lt;x-svc&gt;""#),
            "service filter, escaped"
        );
        assert!(html.contains(r#"data-svc="svc-1&lt;x-svc&gt;""#));
        assert!(html.contains(r#"id="fixed""#) && html.contains("`&lt;gone&gt;` was fixed"));
        assert!(
            html.contains(r#"id="suppressed""#)
                && html.contains("vendored &lt;x-why&gt;code&lt;&#x2F;x-why&gt;")
        );
        assert!(!html.contains("<x-svc>") && !html.contains("<x-why>") && !html.contains("<gone>"));
        // The suppressed finding is listed once, outside the rule groups, and is not counted.
        assert_eq!(
            html.matches(r#"id="finding-00000000000000000000000000000000""#)
                .count(),
            1
        );
        assert!(html.contains(r#"Findings <span class="n">2</span>"#));
        // Against the baseline: the overall delta, its date and counts, a service's delta,
        // and where the suppression is written.
        assert!(html.contains(
            r#"<span class="delta delta-down" title="change since the baseline">−3</span>"#
        ));
        assert!(html.contains(&format!(
            "Compared with the baseline of 2026-11-01T00:00:00Z (score 70): {} new, 1 unchanged, 1 fixed.",
            analysis.report.summary.new
        )));
        if !analysis.report.services.is_empty() {
            assert!(html.contains(
                r#"<span class="delta delta-up" title="change since the baseline">+4</span>"#
            ));
        }
        assert!(
            html.contains("— a seaworthy-ignore comment at apps&#x2F;api&#x2F;src&#x2F;main.ts:2")
        );
        Ok(())
    }
}

#[cfg(test)]
mod rendering_tests {
    use super::*;

    fn scan(name: &str) -> Analysis {
        let root = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        crate::scan(&crate::ScanOptions::new(&root), &|_| {}).unwrap()
    }

    /// The text of the rule group's summary element.
    fn group_summary<'h>(html: &'h str, rule: &str) -> &'h str {
        let open = format!(r#"data-rule="{}" open>"#, escape(rule));
        let start = html.find(&open).unwrap() + open.len();
        let end = start + html[start..].find("</summary>").unwrap();
        &html[start..end]
    }

    #[test]
    fn rule_badge_shows_the_findings_worst_severity_and_mixed_counts()
    -> Result<(), Box<dyn std::error::Error>> {
        let mut analysis = scan("html-escaping");
        // The rule is a warning rule; its one finding reported as info must badge info.
        for f in &mut analysis.report.findings {
            if f.rule == "deps/broken-local-link" {
                f.severity = Severity::Info;
            }
        }
        let html = render(&analysis)?;
        let summary = group_summary(&html, "deps/broken-local-link");
        assert!(
            summary.contains(r#"<span class="sev sev-info">info</span>"#),
            "{summary}"
        );
        assert!(!summary.contains("sev-warning"), "{summary}");

        // Mixed severities: the worst on the badge, the counts beside.
        let mut extra = analysis.report.findings[1].clone();
        extra.severity = Severity::Warning;
        extra.fingerprint = "e".repeat(32);
        analysis.report.findings.push(extra);
        let html = render(&analysis)?;
        let summary = group_summary(&html, "deps/broken-local-link");
        assert!(
            summary.contains(r#"<span class="sev sev-warning">warning</span>"#),
            "{summary}"
        );
        assert!(
            summary.contains("2</span> findings (1 warning · 1 info)"),
            "{summary}"
        );
        Ok(())
    }

    #[test]
    fn help_markdown_is_rendered_safely() {
        let html = markdown_html(
            "## What it does\n\nUses `x<y>`.\n\n```ts\nlet a = '<b>';\n```\n\n<script>alert(1)</script>\n\nInline <img src=x onerror=alert(1)> and [bad](javascript:alert(1)) and [good](https://nodejs.org/a?b=1&c=\"2\") and ![pic](https://x/y.png)\n",
        );
        assert!(html.contains("<h2>What it does</h2>"), "{html}");
        assert!(html.contains("<code>x&lt;y&gt;</code>"), "{html}");
        assert!(
            html.contains("<pre><code class=\"language-ts\">let a = '&lt;b&gt;';"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{html}"
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains(r#"<a href="https://nodejs.org/a?b=1&amp;c=%222%22">good</a>"#),
            "{html}"
        );
        assert!(html.contains("bad") && html.contains("pic"), "{html}");
    }

    #[test]
    fn messages_render_backticks_as_escaped_code() {
        assert_eq!(
            code_spans("`<a>` is not `b` & odd ` tick"),
            "<code>&lt;a&gt;</code> is not <code>b</code> &amp; odd ` tick"
        );
    }

    #[test]
    fn help_is_rendered_once_per_rule_and_messages_have_code()
    -> Result<(), Box<dyn std::error::Error>> {
        let full = render(&scan("html-escaping"))?;
        let html = &full[..full.find("<script").unwrap()];
        assert!(!html.contains("## What it does"), "help is Markdown source");
        assert_eq!(html.matches("<h2>What it does</h2>").count(), 2);
        assert!(
            html.contains(
                "<p class=\"msg\"><code>left-pad</code> is declared as <code>^1.0.0</code>"
            )
        );
        assert!(!html.contains("<img") && !html.contains("<pre><img"));
        assert!(
            html.contains("</code> <code>left-pad</code> declared as <code>^1.3.0</code></li>"),
            "related"
        );
        Ok(())
    }

    #[test]
    fn no_baseline_wording_without_a_baseline() -> Result<(), Box<dyn std::error::Error>> {
        let html = render(&scan("html-escaping"))?;
        assert!(!html.contains("no baseline"), "no-baseline cards");
        assert!(!html.contains("<span>new</span>") && !html.contains("<span>fixed</span>"));
        let markup = &html[..html.find("<script").unwrap()];
        assert!(!markup.contains("(s)"), "plural with (s)");
        Ok(())
    }
}
