//! The org-wide Markdown summary (`seaworthy merge --markdown`), for `$GITHUB_STEP_SUMMARY` or a
//! tracking issue: totals, then tables of repositories, rules and the worst services.
//!
//! It uses the scan summary's helpers (`report::markdown::escape` and `table`), so every
//! repository string is escaped the same way: no name can inject HTML, a link or a mention.
//! Tables are cut at [`MAX_ROWS`] rows (the rest are in `--json`), which keeps the page under
//! GitHub's comment limit for any organisation size.

use std::fmt::Write as _;

use super::{Merged, rating_text, score_text};
use crate::report::markdown::{escape, table};

/// Hidden first line, so a CI job can find and update its own comment or issue.
pub const MARKER: &str = "<!-- seaworthy:merge v1 -->";
/// Rows per table; at about 100 characters a row, three full tables stay under 60,000.
pub const MAX_ROWS: usize = 150;

/// The whole summary.
pub fn render(merged: &Merged) -> String {
    let t = &merged.totals;
    let mut out = format!(
        "{MARKER}\n\n## seaworthy: {} repositories\n\n",
        t.repositories
    );
    let _ = writeln!(
        out,
        "Mean score **{}/100**, lowest **{}** · {} pass · {} average · {} fail{}",
        score_text(t.mean_score),
        score_text(t.lowest_score),
        t.ratings.pass,
        t.ratings.average,
        t.ratings.fail,
        if t.unscored > 0 {
            format!(" · {} unknown", t.unscored)
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "\n{} services · {} errors · {} warnings · {} info",
        t.services, t.counts.error, t.counts.warning, t.counts.info
    );
    if t.new > 0 || t.fixed > 0 {
        let _ = writeln!(out, "\n{} new · {} fixed against baselines", t.new, t.fixed);
    }

    let rows: Vec<Vec<String>> = merged
        .repositories
        .iter()
        .map(|r| {
            vec![
                escape(&r.name),
                score_text(r.score),
                rating_text(r.rating).to_string(),
                r.counts.error.to_string(),
                r.counts.warning.to_string(),
                r.counts.info.to_string(),
                r.services.to_string(),
                r.new.map_or_else(String::new, |n| n.to_string()),
                r.fixed.map_or_else(String::new, |n| n.to_string()),
            ]
        })
        .collect();
    let _ = write!(out, "\n### Repositories\n\n");
    section(
        &mut out,
        &[
            "Repository",
            "Score",
            "Rating",
            "Errors",
            "Warnings",
            "Info",
            "Services",
            "New",
            "Fixed",
        ],
        rows,
    );

    if !merged.rules.is_empty() {
        let rows: Vec<Vec<String>> = merged
            .rules
            .iter()
            .map(|r| {
                vec![
                    escape(&r.rule),
                    r.severity.as_str().to_string(),
                    r.findings.to_string(),
                    r.repositories.to_string(),
                ]
            })
            .collect();
        let _ = write!(out, "\n### Rules\n\n");
        section(
            &mut out,
            &["Rule", "Severity", "Findings", "Repositories"],
            rows,
        );
    }

    if !merged.worst_services.is_empty() {
        let rows: Vec<Vec<String>> = merged
            .worst_services
            .iter()
            .map(|s| {
                vec![
                    escape(&s.repository),
                    escape(&s.service),
                    score_text(s.score),
                    s.counts.error.to_string(),
                    s.counts.warning.to_string(),
                    s.counts.info.to_string(),
                ]
            })
            .collect();
        let _ = write!(out, "\n### Worst services\n\n");
        section(
            &mut out,
            &[
                "Repository",
                "Service",
                "Score",
                "Errors",
                "Warnings",
                "Info",
            ],
            rows,
        );
    }
    out
}

/// A table of at most [`MAX_ROWS`] rows, and a line saying how many were left out.
fn section(out: &mut String, header: &[&str], mut rows: Vec<Vec<String>>) {
    let left_out = rows.len().saturating_sub(MAX_ROWS);
    rows.truncate(MAX_ROWS);
    out.push_str(&table(header, &rows));
    if left_out > 0 {
        let _ = writeln!(out, "\n{left_out} more in the JSON (`--json`).");
    }
}
