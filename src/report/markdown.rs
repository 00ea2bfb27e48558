//! The Markdown summary, for `$GITHUB_STEP_SUMMARY`, issue bodies and PR comments: score,
//! category and service tables, findings grouped by rule, new/fixed against the baseline.
//!
//! Not yet wired into `cli.rs` (`--markdown`) or the HTML report. Every repository string goes through `escape`, which neutralises Markdown
//! and HTML metacharacters and breaks GitHub autolinks and mentions, so a path or message can
//! never close a `<details>` or inject HTML.

use std::fmt::Write as _;

use super::{Analysis, Render, Report};
use crate::finding::{BaselineState, Severity};

/// Hidden first line, so a CI job can find and update its own comment or issue.
pub(crate) const MARKER: &str = "<!-- seaworthy:report v1 -->";
/// GitHub rejects comments over 65,536 characters; stay well below.
pub(crate) const MAX_CHARS: usize = 60_000;
const ZWJ: char = '\u{200D}';

pub struct Markdown;

impl Render for Markdown {
    fn render(&self, analysis: &Analysis) -> Result<String, String> {
        Ok(render_markdown(&analysis.report, MAX_CHARS))
    }
}

/// Escapes one untrusted string for inline Markdown (table cells included): newlines collapse
/// to spaces, metacharacters become entities or are backslash-escaped, and `@`, `#` and `://`
/// get a zero-width joiner so GitHub links no user, issue or URL.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("&#124;"),
            '\\' | '*' | '_' | '`' | '[' | ']' | '#' | '-' | '.' | '!' | '~' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            '@' | ':' => {
                out.push(c);
                out.push(ZWJ);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A GitHub table: a header row, a separator, and rows of already-escaped cells.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "| {} |\n|{}\n",
        header.join(" | "),
        "---|".repeat(header.len())
    );
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    out
}

fn score(s: Option<u32>) -> String {
    s.map_or_else(|| "?".to_string(), |s| s.to_string())
}

fn delta(d: Option<i64>) -> String {
    match d {
        Some(d) if d > 0 => format!("+{d}"),
        Some(d) => d.to_string(),
        None => String::new(),
    }
}

/// The whole summary, at most `max_chars` characters: findings are dropped from the end (least
/// severe, last listed first) until it fits, and a line says how many were left out.
pub fn render_markdown(report: &Report, max_chars: usize) -> String {
    let listed: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    let (mut lo, mut hi) = (0, listed.len());
    if body(report, &listed, listed.len()).chars().count() <= max_chars {
        return body(report, &listed, listed.len());
    }
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if body(report, &listed, mid).chars().count() <= max_chars {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    body(report, &listed, lo)
}

fn body(report: &Report, listed: &[&crate::finding::Finding], keep: usize) -> String {
    let s = &report.summary;
    let mut out = format!("{MARKER}\n\n## seaworthy\n\n");
    let _ = write!(
        out,
        "**{}/100** ({})",
        score(s.score),
        s.rating.map_or("unknown", |r| r.as_str())
    );
    if let Some(b) = &s.baseline {
        let _ = write!(out, " {} since the baseline", delta(b.score_delta));
    }
    let _ = writeln!(
        out,
        "\n\n{} errors · {} warnings · {} info · {} suppressed",
        s.counts.error, s.counts.warning, s.counts.info, s.suppressed
    );
    if let Some(b) = &s.baseline {
        let _ = writeln!(
            out,
            "\n{} new · {} unchanged · {} fixed",
            s.new, b.unchanged, s.fixed
        );
    }
    let rows: Vec<Vec<String>> = report
        .categories
        .iter()
        .map(|c| vec![escape(&c.title), score(c.score), delta(c.score_delta)])
        .collect();
    let _ = write!(out, "\n{}", table(&["Category", "Score", "Δ"], &rows));
    if !report.services.is_empty() {
        let rows: Vec<Vec<String>> = report
            .services
            .iter()
            .map(|v| {
                vec![
                    escape(&v.name),
                    score(v.score),
                    v.counts.error.to_string(),
                    v.counts.warning.to_string(),
                    v.counts.info.to_string(),
                ]
            })
            .collect();
        let _ = write!(
            out,
            "\n{}",
            table(&["Service", "Score", "Errors", "Warnings", "Info"], &rows)
        );
    }
    let mut sorted: Vec<_> = listed.to_vec();
    sorted.sort_by_key(|f| match f.severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    });
    let kept = &sorted[..keep.min(sorted.len())];
    let mut rules: Vec<&str> = kept.iter().map(|f| f.rule.as_str()).collect();
    rules.dedup();
    if !kept.is_empty() {
        out.push_str("\n### Findings\n");
    }
    for rule in rules {
        let group: Vec<_> = kept.iter().filter(|f| f.rule == rule).collect();
        let _ = writeln!(
            out,
            "\n#### `{}` ({})\n",
            rule.replace('`', ""),
            group.len()
        );
        for (i, f) in group.iter().enumerate() {
            if i == 5 {
                let _ = writeln!(
                    out,
                    "\n<details><summary>{} more</summary>\n",
                    group.len() - 5
                );
            }
            let new = if s.baseline.is_some() && f.baseline_state == Some(BaselineState::New) {
                "**new** "
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "- {new}{}:{} {}",
                escape(&f.location.path),
                f.location.line,
                escape(&f.message)
            );
        }
        if group.len() > 5 {
            out.push_str("\n</details>\n");
        }
    }
    if keep < listed.len() {
        let _ = writeln!(
            out,
            "\n{} findings left out to stay under GitHub's size limit; the JSON report has them all.",
            listed.len() - keep
        );
    }
    if let Some(fixed) = report.fixed.as_ref().filter(|f| !f.is_empty()) {
        out.push_str("\n### Fixed since the baseline\n\n");
        for f in fixed.iter().take(20) {
            let _ = writeln!(out, "- ~~{}~~ {}", escape(&f.rule), escape(&f.message));
        }
    }
    out
}
