//! The Markdown summary (`--markdown`), for `$GITHUB_STEP_SUMMARY`, issue bodies and PR
//! comments: score and rating, the category and service tables, the findings grouped by rule
//! (the first few of each rule shown, the rest in `<details>`), and new/fixed against the
//! baseline. The HTML report embeds the same text for its "copy as Markdown" button.
//!
//! Decisions:
//! - The first line is a hidden marker, `<!-- seaworthy:report v1 -->`, so a CI job can find
//!   and update the issue or comment it wrote last week instead of opening another.
//! - GitHub refuses bodies over 65,536 characters; the summary stays under 60,000. When the
//!   findings do not fit, the least severe (last listed) are dropped, a binary search finds how
//!   many fit, and a line says how many were left out: the JSON has them all.
//! - Every repository string is untrusted and goes through [`escape`]: HTML metacharacters
//!   become entities (so nothing can close a `<details>` or open a tag), Markdown
//!   metacharacters are backslash-escaped, and `@`, `#` and `://` get a zero-width joiner so
//!   GitHub links no user, team, issue or URL from a file name or message. Paths go in code
//!   spans, which GitHub never links.

use std::fmt::Write as _;

use super::{Analysis, CategoryStatus, Render, Report};
use crate::finding::{BaselineState, Finding, Severity};

/// Hidden first line, so a CI job can find and update its own comment or issue.
pub(crate) const MARKER: &str = "<!-- seaworthy:report v1 -->";
/// GitHub rejects bodies over 65,536 characters; stay well below.
pub const MAX_CHARS: usize = 60_000;
/// Findings of one rule shown before the rest fold into `<details>`.
const SHOWN_PER_RULE: usize = 5;
/// Services listed in the table; the rest are counted.
const MAX_SERVICES: usize = 100;
const MAX_FIXED: usize = 50;
const ZWJ: char = '\u{200D}';

/// The Markdown summary (`--markdown`).
pub struct Markdown;

impl Render for Markdown {
    fn render(&self, analysis: &Analysis) -> Result<String, String> {
        Ok(render_markdown(&analysis.report, MAX_CHARS))
    }
}

/// Escapes one untrusted string for inline Markdown, table cells included: line breaks
/// collapse to spaces, control characters go, HTML metacharacters become entities, Markdown
/// ones are backslash-escaped, and mentions, issue references and URLs are broken with a
/// zero-width joiner.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' => out.push_str("&#124;"),
            '\\' | '*' | '_' | '`' | '[' | ']' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '@' | '#' => {
                out.push(c);
                out.push(ZWJ);
            }
            ':' if chars.peek() == Some(&'/') => {
                out.push(c);
                out.push(ZWJ);
            }
            '.' if out.ends_with("www") => {
                out.push(ZWJ);
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A code span holding an untrusted string: the fence is one backtick longer than the longest
/// run inside, and the few characters a code span does not neutralise in a table (`|`) or on
/// one line (line breaks) are replaced.
pub(crate) fn code(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| match c {
            '\r' | '\n' | '\t' => ' ',
            '|' => '¦',
            c if c.is_control() => '?',
            c => c,
        })
        .collect();
    let longest = clean.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if clean.starts_with('`') || clean.ends_with('`') || clean.trim().is_empty() {
        // A space on each side keeps a leading or trailing backtick out of the fence.
        format!("{fence} {clean} {fence}")
    } else {
        format!("{fence}{clean}{fence}")
    }
}

/// A message, as rules write them: prose with names in backticks. The prose is escaped and
/// each backticked part becomes a code span of its own, so a name can never end its span early
/// and turn the rest into Markdown. With unbalanced backticks, everything is escaped.
pub(crate) fn message(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escape(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 && !p.is_empty() {
                code(p)
            } else {
                escape(p)
            }
        })
        .collect()
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

pub(crate) fn score(s: Option<u32>) -> String {
    s.map_or_else(|| "–".to_string(), |s| s.to_string())
}

fn delta(d: Option<i64>) -> String {
    match d {
        Some(d) if d > 0 => format!("+{d}"),
        Some(d) => d.to_string(),
        None => String::new(),
    }
}

/// The whole summary, at most `max_chars` characters (when the tables alone fit).
pub fn render_markdown(report: &Report, max_chars: usize) -> String {
    let listed = ordered(report);
    let full = body(report, &listed, listed.len());
    if full.chars().count() <= max_chars {
        return full;
    }
    let (mut lo, mut hi) = (0, listed.len());
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

/// The findings that count, in the order they are listed: rules by their most severe finding,
/// then by how many they have, then by ID; within a rule, new ones first, then the report's
/// order (path, line).
fn ordered(report: &Report) -> Vec<&Finding> {
    let active: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    let mut by_rule: std::collections::BTreeMap<&str, Vec<&Finding>> = Default::default();
    for f in &active {
        by_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    let mut groups: Vec<(&str, Vec<&Finding>)> = by_rule.into_iter().collect();
    groups.sort_by(|(a, fa), (b, fb)| {
        let worst = |fs: &[&Finding]| fs.iter().map(|f| f.severity).max();
        worst(fb)
            .cmp(&worst(fa))
            .then(fb.len().cmp(&fa.len()))
            .then(a.cmp(b))
    });
    let mut out = Vec::with_capacity(active.len());
    for (_, mut fs) in groups {
        fs.sort_by_key(|f| f.baseline_state != Some(BaselineState::New));
        out.extend(fs);
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn body(report: &Report, listed: &[&Finding], keep: usize) -> String {
    let s = &report.summary;
    let has_baseline = s.baseline.is_some();
    let mut out = format!("{MARKER}\n\n## seaworthy: {}\n\n", escape(&report.run.root));
    let _ = write!(
        out,
        "**Score {}/100** ({})",
        score(s.score),
        s.rating.map_or("not scored", |r| r.as_str())
    );
    if let Some(d) = s.baseline.as_ref().and_then(|b| b.score_delta) {
        let _ = write!(out, ", {} since the baseline", delta(Some(d)));
    }
    let _ = writeln!(
        out,
        "\n\n{} errors · {} warnings · {} info · {} suppressed",
        s.counts.error, s.counts.warning, s.counts.info, s.suppressed
    );
    if let Some(b) = &s.baseline {
        let _ = writeln!(
            out,
            "\nAgainst the baseline of {} (score {}): **{} new** · {} unchanged · {} fixed",
            escape(&b.started_at),
            score(b.score),
            s.new,
            b.unchanged,
            s.fixed
        );
    }

    let rows: Vec<Vec<String>> = report
        .categories
        .iter()
        .map(|c| {
            let shown = match c.status {
                CategoryStatus::Scored => score(c.score),
                CategoryStatus::Unknown => "unknown".to_string(),
                CategoryStatus::NotApplicable => "not applicable".to_string(),
                CategoryStatus::NotChecked => "not checked (its rules are off)".to_string(),
            };
            let mut row = vec![escape(&c.title), shown];
            if has_baseline {
                row.push(delta(c.score_delta));
            }
            row
        })
        .collect();
    let header: &[&str] = if has_baseline {
        &["Category", "Score", "Δ"]
    } else {
        &["Category", "Score"]
    };
    let _ = write!(out, "\n{}", table(header, &rows));

    if !report.services.is_empty() {
        let rows: Vec<Vec<String>> = report
            .services
            .iter()
            .take(MAX_SERVICES)
            .map(|v| {
                let mut row = vec![
                    escape(&v.name),
                    code(&v.path),
                    score(v.score),
                    v.counts.error.to_string(),
                    v.counts.warning.to_string(),
                    v.counts.info.to_string(),
                ];
                if has_baseline {
                    row.push(delta(v.score_delta));
                }
                row
            })
            .collect();
        let header: &[&str] = if has_baseline {
            &[
                "Service", "Path", "Score", "Errors", "Warnings", "Info", "Δ",
            ]
        } else {
            &["Service", "Path", "Score", "Errors", "Warnings", "Info"]
        };
        let _ = write!(out, "\n{}", table(header, &rows));
        if report.services.len() > MAX_SERVICES {
            let _ = writeln!(
                out,
                "\n{} more services in the JSON report.",
                report.services.len() - MAX_SERVICES
            );
        }
    }

    let kept = &listed[..keep.min(listed.len())];
    if !kept.is_empty() {
        out.push_str("\n### Findings\n");
    }
    let mut start = 0;
    while start < kept.len() {
        let rule = kept[start].rule.as_str();
        let end = start + kept[start..].iter().take_while(|f| f.rule == rule).count();
        let group = &kept[start..end];
        let total = listed.iter().filter(|f| f.rule == rule).count();
        let worst = group
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        let _ = writeln!(
            out,
            "\n#### {} {} ({total})\n",
            code(rule),
            severity_word(worst)
        );
        for (i, f) in group.iter().enumerate() {
            if i == SHOWN_PER_RULE {
                let _ = writeln!(
                    out,
                    "\n<details><summary>{} more</summary>\n",
                    group.len() - SHOWN_PER_RULE
                );
            }
            let new = if has_baseline && f.baseline_state == Some(BaselineState::New) {
                "**new** "
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "- {new}{} {}",
                code(&format!("{}:{}", f.location.path, f.location.line)),
                message(&f.message)
            );
        }
        if group.len() > SHOWN_PER_RULE {
            out.push_str("\n</details>\n");
        }
        start = end;
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
        for f in fixed.iter().take(MAX_FIXED) {
            let _ = writeln!(out, "- {} {}", code(&f.rule), message(&f.message));
        }
        if fixed.len() > MAX_FIXED {
            let _ = writeln!(
                out,
                "\n{} more fixed findings in the JSON report.",
                fixed.len() - MAX_FIXED
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_html_markdown_and_links() {
        let s = escape("</details><script>@everyone #1 | *x* https://evil.test www.x.io\nnext");
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('|'));
        assert!(s.contains("@\u{200D}everyone"));
        assert!(s.contains("#\u{200D}1"));
        assert!(s.contains("https:\u{200D}//"));
        assert!(s.contains("www\u{200D}.x"));
        assert!(s.contains("\\*x\\*"));
        assert!(!s.contains('\n'));
    }

    #[test]
    fn code_spans_outgrow_backticks_and_never_split_a_table() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(code("x|y"), "`x¦y`");
        assert_eq!(message("`a` and *b*"), "`a` and \\*b\\*");
        assert_eq!(message("odd ` tick"), "odd \\` tick");
    }
}
