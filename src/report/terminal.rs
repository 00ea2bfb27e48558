//! The terminal summary: findings grouped by file with the line they point at (annotated in
//! the style of rustc and ruff), then the score, the categories and one line per service.
//! Colour only when asked for or when stdout is a terminal.
//!
//! Every string from the repository (paths, names, messages, help, source lines) goes through
//! [`visible`] before it is printed: control characters (C0 with tab and newline, DEL, C1) and
//! bidirectional controls are shown as escapes (`\x1b`, `\u{202e}`), so a file or package name
//! cannot set the window title, clear the screen or reorder what a reader sees. Only the colour
//! escapes written here reach the terminal raw.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Analysis, CategoryStatus, Rating};
use crate::finding::{Finding, Severity};

pub struct Options {
    pub color: bool,
    /// Show info findings and errors in full, and run statistics.
    pub verbose: bool,
}

struct Paint {
    on: bool,
}

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn blue(&self, t: &str) -> String {
        self.paint("1;34", t)
    }
    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, s.as_str())
    }
    fn rating(&self, score: Option<u32>, rating: Option<Rating>) -> String {
        let Some((score, rating)) = score.zip(rating) else {
            return self.dim("?");
        };
        let code = match rating {
            Rating::Pass => "1;32",
            Rating::Average => "1;33",
            Rating::Fail => "1;31",
        };
        self.paint(code, &format!("{score} ({})", rating.as_str()))
    }
}

/// `1 error`, `2 errors`: no "error(s)".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What `-q` prints: only the findings that trip the gate (unsuppressed, not unchanged
/// against a baseline, at or above `threshold`), grouped by file as in [`render`], with no
/// summary. Empty when none does.
pub fn render_gate(analysis: &Analysis, options: &Options, threshold: Severity) -> String {
    let p = Paint { on: options.color };
    let mut out = String::new();
    let failing: Vec<&Finding> = analysis
        .report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .filter(|f| f.baseline_state != Some(crate::finding::BaselineState::Unchanged))
        .filter(|f| f.severity >= threshold)
        .collect();
    by_file(&mut out, &p, analysis, &failing);
    out
}

/// Findings grouped under their file's path, in report order.
fn by_file(out: &mut String, p: &Paint, analysis: &Analysis, findings: &[&Finding]) {
    let mut grouped: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        grouped.entry(f.location.path.as_str()).or_default().push(f);
    }
    for (path, findings) in &grouped {
        let _ = writeln!(out, "{}", p.bold(&p.paint("4", &visible(path))));
        for f in findings {
            render_finding(out, p, analysis, f);
        }
    }
}

pub fn render(analysis: &Analysis, options: &Options) -> String {
    let report = &analysis.report;
    let p = Paint { on: options.color };
    let mut out = String::new();

    let shown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none() && (options.verbose || f.severity > Severity::Info))
        .collect();
    by_file(&mut out, &p, analysis, &shown);

    let hidden_info = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .count()
        - shown.len();
    if hidden_info > 0 {
        let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for f in report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity == Severity::Info)
        {
            *per_rule.entry(&f.rule).or_default() += 1;
        }
        let list: Vec<String> = per_rule.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
        let _ = writeln!(
            out,
            "{} {} not shown ({}); --verbose shows them\n",
            p.dim("note:"),
            count(hidden_info, "info finding", "info findings"),
            list.join(", ")
        );
    }

    let c = &report.summary.counts;
    let _ = writeln!(
        out,
        "{} {}   {} · {} · {} info",
        p.bold("Score"),
        p.rating(report.summary.score, report.summary.rating),
        count(c.error, "error", "errors"),
        count(c.warning, "warning", "warnings"),
        c.info
    );
    let categories: Vec<String> = report
        .categories
        .iter()
        .filter(|c| {
            !matches!(
                c.status,
                CategoryStatus::NotApplicable | CategoryStatus::NotChecked
            )
        })
        .map(|c| {
            format!(
                "{} {}",
                c.id.id(),
                c.score.map_or_else(|| "?".to_string(), |s| s.to_string())
            )
        })
        .collect();
    if !categories.is_empty() {
        let _ = writeln!(out, "  {}", categories.join(" · "));
    }
    if !report.services.is_empty() {
        let names: Vec<Cow<'_, str>> = report.services.iter().map(|s| visible(&s.name)).collect();
        let width = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        let _ = writeln!(out, "{}", p.bold("Services"));
        for (s, name) in report.services.iter().zip(&names) {
            let counts = &s.counts;
            let _ = writeln!(
                out,
                "  {:<width$}  {:<10} {}  {}",
                name,
                format!("{:?}", s.kind).to_lowercase(),
                p.rating(s.score, s.rating),
                p.dim(&format!(
                    "{}E {}W {}I",
                    counts.error, counts.warning, counts.info
                )),
            );
        }
    }
    if !report.errors.is_empty() {
        let _ = writeln!(
            out,
            "{} {} could not be read or parsed",
            p.paint("1;33", "note:"),
            count(report.errors.len(), "file", "files")
        );
        let limit = if options.verbose { usize::MAX } else { 5 };
        for e in report.errors.iter().take(limit) {
            let at =
                e.at.map_or_else(String::new, |at| format!(":{}:{}", at.line, at.column));
            let _ = writeln!(out, "  {}{at}: {}", visible(&e.path), visible(&e.message));
        }
        if report.errors.len() > limit {
            let _ = writeln!(
                out,
                "  … {} more (--verbose, or the JSON report's `errors`)",
                report.errors.len() - limit
            );
        }
    }
    if options.verbose {
        let r = &report.run;
        let _ = writeln!(
            out,
            "{}",
            p.dim(&format!(
                "{} files walked, {} read, {} too large, {} binary, in {} ms",
                r.stats.files_walked,
                r.files_scanned,
                r.stats.skipped_too_large,
                r.stats.skipped_binary,
                r.duration_ms
            ))
        );
    }
    out
}

fn render_finding(out: &mut String, p: &Paint, analysis: &Analysis, f: &Finding) {
    let loc = &f.location;
    let _ = writeln!(
        out,
        "{}{} {}",
        p.severity(f.severity),
        p.bold(&format!("[{}]", visible(&f.rule))),
        p.bold(&visible(&f.message))
    );
    let _ = writeln!(
        out,
        "  {} {}:{}:{}",
        p.blue("-->"),
        visible(&loc.path),
        loc.line,
        loc.column
    );
    if let Some(line) = analysis.snippets.get(&loc.path, loc.line) {
        let number = loc.line.to_string();
        let pad = " ".repeat(number.len());
        let end = match (loc.end_line, loc.end_column) {
            (Some(l), Some(c)) if l == loc.line => Some(c),
            _ => None,
        };
        // Columns count characters of the line as written; redaction and the escapes below
        // change widths, so both ends are moved onto what is printed.
        let (column, end) = analysis
            .snippets
            .shown_span(&loc.path, loc.line, loc.column, end);
        let cells: Vec<Cow<'_, str>> = line.chars().map(snippet_cell).collect();
        let index = |c: u32| {
            usize::try_from(c)
                .unwrap_or(usize::MAX)
                .saturating_sub(1)
                .min(cells.len())
        };
        let width_of = |n: usize| -> usize { cells[..n].iter().map(|c| c.chars().count()).sum() };
        let start_index = index(column);
        let end_index = end.map_or(cells.len(), index).max(start_index);
        let start = width_of(start_index);
        let width = (width_of(end_index) - start).max(1);
        let shown: String = cells.concat();
        let _ = writeln!(out, "  {pad} {}", p.blue("|"));
        let _ = writeln!(out, "  {} {} {shown}", p.blue(&number), p.blue("|"));
        let _ = writeln!(
            out,
            "  {pad} {} {}{}",
            p.blue("|"),
            " ".repeat(start),
            p.severity_marks(f.severity, width)
        );
    }
    if !f.help.is_empty() {
        let _ = writeln!(out, "  {} {}", p.bold("= help:"), visible(&f.help));
    }
    for r in &f.related {
        let _ = writeln!(
            out,
            "  {} {}:{}: {}",
            p.dim("= see"),
            visible(&r.path),
            r.line,
            visible(&r.message)
        );
    }
    out.push('\n');
}

/// Whether a character would act on the terminal or reorder text instead of showing: C0
/// controls (tab and newline included), DEL, C1 controls, and the bidirectional formatting
/// characters (embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, the marks
/// U+200E, U+200F and U+061C), as Unicode TR #9 lists them and CVE-2021-42574 abused them.
fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
}

/// How a control character is shown: `\t`, `\n`, `\r`, `\x1b` for the other ASCII ones,
/// `\u{9b}` and `\u{202e}` beyond ASCII.
fn escape(c: char) -> String {
    match c {
        '\t' => "\\t".to_string(),
        '\n' => "\\n".to_string(),
        '\r' => "\\r".to_string(),
        c if c.is_ascii() => format!("\\x{:02x}", u32::from(c)),
        c => format!("\\u{{{:x}}}", u32::from(c)),
    }
}

/// A repository string as it may be printed: control and bidi characters escaped visibly.
pub(crate) fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) {
            out.push_str(&escape(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One character of a source line as printed: a tab is expanded to four spaces (as rustc and
/// ruff print snippets, so indentation stays readable), any other control is escaped.
fn snippet_cell(c: char) -> Cow<'static, str> {
    match c {
        '\t' => Cow::Borrowed("    "),
        c if is_control(c) => Cow::Owned(escape(c)),
        c => Cow::Owned(c.to_string()),
    }
}

impl Paint {
    fn severity_marks(&self, s: Severity, width: usize) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, &"^".repeat(width))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_visibly() {
        assert_eq!(visible("a\u{1b}]0;t\u{7}b"), "a\\x1b]0;t\\x07b");
        assert_eq!(visible("x\ty\nz\r\u{7f}"), "x\\ty\\nz\\r\\x7f");
        assert_eq!(visible("\u{9b}2J"), "\\u{9b}2J");
        for (c, shown) in [
            ('\u{202a}', "\\u{202a}"),
            ('\u{202e}', "\\u{202e}"),
            ('\u{2066}', "\\u{2066}"),
            ('\u{2069}', "\\u{2069}"),
            ('\u{200e}', "\\u{200e}"),
            ('\u{200f}', "\\u{200f}"),
            ('\u{061c}', "\\u{61c}"),
        ] {
            assert_eq!(visible(&format!("a{c}b")), format!("a{shown}b"));
        }
        assert!(matches!(visible("plain «text» ünïcode"), Cow::Borrowed(_)));
    }
}
