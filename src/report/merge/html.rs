//! The org-wide dashboard (`seaworthy merge --html`): one self-contained page with a table of
//! repositories (a `<meter>` per score), the rule counts across the organisation and the worst
//! services.
//!
//! Built like the scan's HTML report (`report::html`): rendered server-side with tera from
//! `templates/merge.html.tera`, registered under a `.html` name so that autoescaping is on and
//! every string from a report (repository names, roots, paths, service and rule names) is
//! escaped; the scan report's stylesheet is inlined byte for byte, and a Content-Security-Policy
//! allows nothing but that stylesheet (by its sha256). There is no script: the page is static.

use serde::Serialize;

use super::{Merged, Rating, rating_text, score_text};
use crate::report::Counts;
use crate::report::html::sha256_base64;

const TEMPLATE: &str = include_str!("../../../templates/merge.html.tera");

/// The scan report's stylesheet: the tables, ratings and stats look the same in both pages.
const STYLE: &str = include_str!("../../../templates/report.css");

/// Renders the dashboard. Deterministic: the same merge gives the same bytes.
///
/// # Errors
///
/// Only if the template is broken (a tera parse or render error); the tests render it.
pub fn render(merged: &Merged) -> Result<String, String> {
    let fail = |e: tera::Error| format!("cannot render the HTML dashboard: {e}");
    let mut tera = tera::Tera::default();
    // The `.html` name turns autoescaping on.
    tera.add_raw_template("merge.html", TEMPLATE)
        .map_err(fail)?;
    let context = tera::Context::from_serialize(Page::build(merged)).map_err(fail)?;
    tera.render("merge.html", &context).map_err(fail)
}

/// Nothing may load: no script, no remote anything, only the inline stylesheet (by hash).
fn content_security_policy(style: &str) -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        sha256_base64(style)
    )
}

#[derive(Serialize)]
struct Page<'a> {
    csp: String,
    style: &'static str,
    tool_version: &'a str,
    totals: &'a super::Totals,
    mean: Score,
    lowest: Score,
    repositories: Vec<RepositoryRow<'a>>,
    rules: &'a [super::RuleCount],
    worst: Vec<ServiceRow<'a>>,
}

/// A score as the template shows it (tera treats 0 as false, so `known` is explicit).
#[derive(Serialize)]
struct Score {
    known: bool,
    value: u32,
    text: String,
}

impl Score {
    fn of(score: Option<u32>) -> Score {
        Score {
            known: score.is_some(),
            value: score.unwrap_or(0),
            text: score_text(score),
        }
    }
}

#[derive(Serialize)]
struct RepositoryRow<'a> {
    name: &'a str,
    root: &'a str,
    report: &'a str,
    score: Score,
    band: &'static str,
    label: &'static str,
    counts: Counts,
    services: usize,
    new: String,
    fixed: String,
}

#[derive(Serialize)]
struct ServiceRow<'a> {
    repository: &'a str,
    service: &'a str,
    score: Score,
    band: &'static str,
    label: &'static str,
    counts: Counts,
}

fn band(rating: Option<Rating>) -> &'static str {
    rating.map_or("unknown", Rating::as_str)
}

impl<'a> Page<'a> {
    fn build(merged: &'a Merged) -> Page<'a> {
        let optional = |n: Option<usize>| n.map_or_else(|| "–".to_string(), |n| n.to_string());
        Page {
            csp: content_security_policy(STYLE),
            style: STYLE,
            tool_version: &merged.tool.version,
            totals: &merged.totals,
            mean: Score::of(merged.totals.mean_score),
            lowest: Score::of(merged.totals.lowest_score),
            repositories: merged
                .repositories
                .iter()
                .map(|r| RepositoryRow {
                    name: &r.name,
                    root: &r.root,
                    report: &r.report,
                    score: Score::of(r.score),
                    band: band(r.rating),
                    label: rating_text(r.rating),
                    counts: r.counts,
                    services: r.services,
                    new: optional(r.new),
                    fixed: optional(r.fixed),
                })
                .collect(),
            rules: &merged.rules,
            worst: merged
                .worst_services
                .iter()
                .map(|s| ServiceRow {
                    repository: &s.repository,
                    service: &s.service,
                    score: Score::of(s.score),
                    band: band(s.rating),
                    label: rating_text(s.rating),
                    counts: s.counts,
                })
                .collect(),
        }
    }
}
