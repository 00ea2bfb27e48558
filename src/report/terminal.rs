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

#[derive(Default)]
pub struct Options {
    pub color: bool,
    /// Show info findings and errors in full, and run statistics.
    pub verbose: bool,
    /// How findings are laid out.
    pub format: OutputFormat,
    /// Display filter: the least severity shown (the gate is not affected).
    pub min_severity: Option<Severity>,
    /// Display filter: rule IDs or category prefixes (`docker/`) shown; empty shows all.
    pub rules: Vec<String>,
    /// Counts per rule after the findings.
    pub statistics: bool,
    /// The one line printed first in the full and grouped formats (score, gate, counts).
    pub headline: Option<String>,
}

/// `--output-format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Each finding annotated with its source line, grouped by file (the default).
    #[default]
    Full,
    /// One `path:line:col: severity[rule] message` line per finding, sorted by path and line.
    Concise,
    /// Findings grouped by file, one line each.
    Grouped,
}

impl Options {
    /// Whether the display filters let a finding through.
    fn shows(&self, f: &Finding) -> bool {
        self.min_severity.is_none_or(|min| f.severity >= min)
            && (self.rules.is_empty()
                || self
                    .rules
                    .iter()
                    .any(|r| f.rule == *r || (r.ends_with('/') && f.rule.starts_with(r.as_str()))))
    }
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
    by_file(&mut out, &p, analysis, &failing, options.format);
    out
}

/// Findings grouped under their file's path, in report order (or one line each, sorted by
/// path and line, in the concise format).
fn by_file(
    out: &mut String,
    p: &Paint,
    analysis: &Analysis,
    findings: &[&Finding],
    format: OutputFormat,
) {
    if format == OutputFormat::Concise {
        let mut sorted = findings.to_vec();
        sorted.sort_by(|a, b| {
            (&a.location.path, a.location.line, a.location.column).cmp(&(
                &b.location.path,
                b.location.line,
                b.location.column,
            ))
        });
        for f in sorted {
            let loc = &f.location;
            let _ = writeln!(
                out,
                "{}:{}:{}: {}{} {}",
                visible(&loc.path),
                loc.line,
                loc.column,
                p.severity(f.severity),
                p.bold(&format!("[{}]", visible(&f.rule))),
                visible(&f.message)
            );
        }
        return;
    }
    let mut grouped: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        grouped.entry(f.location.path.as_str()).or_default().push(f);
    }
    for (path, findings) in &grouped {
        let _ = writeln!(out, "{}", p.bold(&p.paint("4", &visible(path))));
        for f in findings {
            if format == OutputFormat::Grouped {
                let _ = writeln!(
                    out,
                    "  {}:{} {}{} {}",
                    f.location.line,
                    f.location.column,
                    p.severity(f.severity),
                    p.bold(&format!("[{}]", visible(&f.rule))),
                    visible(&f.message)
                );
            } else {
                render_finding(out, p, analysis, f);
            }
        }
        if format == OutputFormat::Grouped {
            out.push('\n');
        }
    }
}

/// `--statistics`: counts per rule, most frequent first, as ruff prints them.
fn statistics(out: &mut String, findings: &[&Finding]) {
    let mut per_rule: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
    for f in findings {
        let e = per_rule.entry(f.rule.as_str()).or_insert((0, f.severity));
        e.0 += 1;
        e.1 = e.1.max(f.severity);
    }
    let mut rows: Vec<(&str, usize, Severity)> =
        per_rule.into_iter().map(|(r, (n, s))| (r, n, s)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let digits = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    for (rule, n, severity) in rows {
        let summary = crate::rules::find(rule)
            .map(|r| r.meta().summary)
            .or_else(|| crate::rules::suppression::find(rule).map(|m| m.summary))
            .unwrap_or("");
        let _ = writeln!(
            out,
            "{n:>digits$}  {:<width$}  {:<7}  {summary}",
            visible(rule),
            severity.as_str()
        );
    }
    out.push('\n');
}

pub fn render(analysis: &Analysis, options: &Options) -> String {
    let report = &analysis.report;
    let p = Paint { on: options.color };
    let mut out = String::new();
    if let Some(headline) = &options.headline
        && options.format != OutputFormat::Concise
    {
        let _ = writeln!(out, "{}\n", p.bold(headline));
    }

    let counting: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    let filtered: Vec<&Finding> = counting
        .iter()
        .copied()
        .filter(|f| options.shows(f))
        .collect();
    let hidden_by_filter = counting.len() - filtered.len();
    let shown: Vec<&Finding> = filtered
        .iter()
        .copied()
        .filter(|f| options.verbose || f.severity > Severity::Info)
        .collect();
    by_file(&mut out, &p, analysis, &shown, options.format);
    if options.statistics {
        statistics(&mut out, &filtered);
    }
    // Concise is for editors, grep and log viewers: the findings, then only what was hidden,
    // never the summary.
    let concise = options.format == OutputFormat::Concise && !options.statistics;
    if hidden_by_filter > 0 {
        let _ = writeln!(
            out,
            "{} {} hidden by --severity/--rule{}",
            p.dim("note:"),
            count(hidden_by_filter, "finding", "findings"),
            if concise {
                ""
            } else {
                " (the gate still counts them)"
            }
        );
    }
    if concise {
        return out;
    }

    let hidden_info = filtered.len() - shown.len();
    if hidden_info > 0 {
        let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for f in filtered.iter().filter(|f| f.severity == Severity::Info) {
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
        "{} {}   {} · {} · {}",
        p.bold("Score"),
        p.rating(report.summary.score, report.summary.rating),
        count(c.error, "error", "errors"),
        count(c.warning, "warning", "warnings"),
        count(c.info, "info finding", "info findings")
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
            .map(|n| text_width(n))
            .chain(std::iter::once("service".len()))
            .max()
            .unwrap_or(0)
            .min(40);
        let kinds: Vec<String> = report
            .services
            .iter()
            .map(|s| format!("{:?}", s.kind).to_lowercase())
            .collect();
        let kind_width = kinds.iter().map(String::len).chain([4]).max().unwrap_or(4);
        let ratings: Vec<String> = report
            .services
            .iter()
            .map(|s| {
                s.score
                    .zip(s.rating)
                    .map_or_else(|| "?".to_string(), |(n, r)| format!("{n} ({})", r.as_str()))
            })
            .collect();
        let score_width = ratings
            .iter()
            .map(String::len)
            .chain([5])
            .max()
            .unwrap_or(5);
        let pad = |text: &str, w: usize| " ".repeat(w.saturating_sub(text_width(text)));
        let _ = writeln!(out, "{}", p.bold("Services"));
        let _ = writeln!(
            out,
            "  {}",
            p.dim(&format!(
                "{:<width$}  {:<kind_width$}  {:<score_width$}  {:>6} {:>8} {:>5}",
                "service", "kind", "score", "errors", "warnings", "info"
            ))
        );
        for (((s, name), kind), rating) in
            report.services.iter().zip(&names).zip(&kinds).zip(&ratings)
        {
            let counts = &s.counts;
            let _ = writeln!(
                out,
                "  {name}{}  {kind:<kind_width$}  {}{}  {:>6} {:>8} {:>5}",
                pad(name, width),
                p.rating(s.score, s.rating),
                pad(rating, score_width),
                counts.error,
                counts.warning,
                counts.info
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
        let (shown, start, width) = caret(line, column, end);
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

/// Tab stops of the printed snippet.
const TAB: usize = 4;

/// The width of printed text in terminal cells (a CJK character or an emoji takes two).
fn text_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// A source line as printed, and where the `^^^` under the 1-based character columns
/// `column..end` starts and how wide it is, in terminal cells. A tab is expanded to the next
/// tab stop (every [`TAB`] cells, as rustc and ruff print snippets), any other control is
/// escaped, and wide characters (CJK, emoji) count two cells, so the caret sits under what
/// the column counts.
fn caret(line: &str, column: u32, end: Option<u32>) -> (String, usize, usize) {
    let mut shown = String::with_capacity(line.len());
    // starts[i]: the cell where character i starts; the last entry is the line's width.
    let mut starts = Vec::with_capacity(line.len() + 1);
    let mut cell = 0;
    for c in line.chars() {
        starts.push(cell);
        if c == '\t' {
            let n = TAB - cell % TAB;
            shown.extend(std::iter::repeat_n(' ', n));
            cell += n;
        } else if is_control(c) {
            let e = escape(c);
            cell += e.len();
            shown.push_str(&e);
        } else {
            shown.push(c);
            cell += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    starts.push(cell);
    let chars = starts.len() - 1;
    let index = |c: u32| {
        usize::try_from(c)
            .unwrap_or(usize::MAX)
            .saturating_sub(1)
            .min(chars)
    };
    let start_index = index(column);
    let end_index = end.map_or(chars, index).max(start_index);
    let start = starts[start_index];
    let width = (starts[end_index] - start).max(1);
    (shown, start, width)
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

    /// The caret sits under the column however the line is indented or what precedes it:
    /// tabs go to the snippet's tab stops, CJK and emoji take two cells.
    #[test]
    fn caret_accounts_for_tabs_and_wide_characters() {
        // `\t\tconst x = require.resolve('a');`: column 13 is the `r` of `require`.
        let line = "\t\tconst x = require.resolve('a');";
        let (shown, start, width) = caret(line, 13, Some(20));
        assert_eq!(&shown[start..start + width], "require");
        // A tab after text goes to the next stop, not four cells further.
        let (shown, start, _) = caret("ab\tx", 4, None);
        assert_eq!(shown, "ab  x");
        assert_eq!(start, 4);
        // Wide characters before the column.
        let line = "const 名前 = '🚀'; require('x')";
        let column = u32::try_from(line.chars().position(|c| c == 'r').unwrap() + 1).unwrap();
        let (shown, start, width) = caret(line, column, Some(column + 7));
        assert_eq!(width, 7);
        let before: String = shown.chars().take_while(|&c| c != 'r').collect();
        assert_eq!(text_width(&before), start);
        assert_eq!(start, "const 名前 = '🚀'; ".chars().count() + 3);
    }

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
