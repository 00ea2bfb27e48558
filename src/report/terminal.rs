//! The terminal summary: findings grouped by file with the line they point at (annotated in
//! the style of rustc and ruff), then the score, the categories and one line per service.
//! Colour only when asked for or when stdout is a terminal.

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

pub fn render(analysis: &Analysis, options: &Options) -> String {
    let report = &analysis.report;
    let p = Paint { on: options.color };
    let mut out = String::new();

    let shown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none() && (options.verbose || f.severity > Severity::Info))
        .collect();
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &shown {
        by_file.entry(f.location.path.as_str()).or_default().push(f);
    }
    for (path, findings) in &by_file {
        let _ = writeln!(out, "{}", p.bold(&p.paint("4", path)));
        for f in findings {
            render_finding(&mut out, &p, analysis, f);
        }
    }

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
            "{} {hidden_info} info finding(s) not shown ({}); --verbose shows them\n",
            p.dim("note:"),
            list.join(", ")
        );
    }

    let c = &report.summary.counts;
    let _ = writeln!(
        out,
        "{} {}   {} error(s) · {} warning(s) · {} info",
        p.bold("Score"),
        p.rating(report.summary.score, report.summary.rating),
        c.error,
        c.warning,
        c.info
    );
    let categories: Vec<String> = report
        .categories
        .iter()
        .filter(|c| c.status != CategoryStatus::NotApplicable)
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
        let width = report
            .services
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        let _ = writeln!(out, "{}", p.bold("Services"));
        for s in &report.services {
            let counts = &s.counts;
            let _ = writeln!(
                out,
                "  {:<width$}  {:<10} {}  {}",
                s.name,
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
            "{} {} file(s) could not be read or parsed",
            p.paint("1;33", "note:"),
            report.errors.len()
        );
        let limit = if options.verbose { usize::MAX } else { 5 };
        for e in report.errors.iter().take(limit) {
            let at =
                e.at.map_or_else(String::new, |at| format!(":{}:{}", at.line, at.column));
            let _ = writeln!(out, "  {}{at}: {}", e.path, e.message);
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
        p.bold(&format!("[{}]", f.rule)),
        p.bold(&f.message)
    );
    let _ = writeln!(
        out,
        "  {} {}:{}:{}",
        p.blue("-->"),
        loc.path,
        loc.line,
        loc.column
    );
    if let Some(line) = analysis.snippets.get(&loc.path, loc.line) {
        let number = loc.line.to_string();
        let pad = " ".repeat(number.len());
        let expanded = line.replace('\t', "    ");
        let end = match (loc.end_line, loc.end_column) {
            (Some(l), Some(c)) if l == loc.line => Some(c),
            _ => None,
        };
        // Redaction may have shortened the line: move the columns with it.
        let (column, end) = analysis
            .snippets
            .shown_span(&loc.path, loc.line, loc.column, end);
        let start = usize::try_from(column).unwrap_or(1).saturating_sub(1);
        let end = end.map_or_else(
            || expanded.chars().count(),
            |c| usize::try_from(c).unwrap_or(1).saturating_sub(1),
        );
        let width = end.saturating_sub(start).max(1);
        let _ = writeln!(out, "  {pad} {}", p.blue("|"));
        let _ = writeln!(out, "  {} {} {expanded}", p.blue(&number), p.blue("|"));
        let _ = writeln!(
            out,
            "  {pad} {} {}{}",
            p.blue("|"),
            " ".repeat(start),
            p.severity_marks(f.severity, width)
        );
    }
    if !f.help.is_empty() {
        let _ = writeln!(out, "  {} {}", p.bold("= help:"), f.help);
    }
    for r in &f.related {
        let _ = writeln!(
            out,
            "  {} {}:{}: {}",
            p.dim("= see"),
            r.path,
            r.line,
            r.message
        );
    }
    out.push('\n');
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
