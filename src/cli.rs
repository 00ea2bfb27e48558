//! The command line: flags as data (clap derive), outputs routed to files or stdout, and the
//! exit code contract: 0 clean or below the gate, 1 the gate tripped, 2 the scan could not run.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::finding::Severity;
use crate::report::{Analysis, Render, gitlab, html, json, markdown, sarif, terminal};
use crate::{ScanOptions, rules};

#[derive(Parser, Debug)]
#[command(
    name = "seaworthy",
    version,
    about = "Audit a Node.js/TypeScript monorepo for production readiness"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a repository and report what will break its services at build, start or run time.
    Scan(Box<ScanArgs>),
    /// List the rules, or print one rule's full help.
    Rules {
        /// A rule ID such as `deps/undeclared`.
        id: Option<String>,
    },
    /// Fold many repositories' JSON reports into one org-wide view.
    Merge(MergeArgs),
}

#[derive(Parser, Debug)]
pub struct MergeArgs {
    /// JSON reports written by `seaworthy scan --json`, one per repository.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<String>,
    /// Write the org-wide HTML dashboard to FILE (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub html: Option<String>,
    /// Write the merged JSON to FILE (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub json: Option<String>,
    /// Write the org-wide Markdown summary to FILE (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<String>,
}

#[derive(Parser, Debug)]
pub struct ScanArgs {
    /// The repository root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Write the canonical JSON report to FILE (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub json: Option<String>,
    /// Write the self-contained HTML report to FILE (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub html: Option<String>,
    /// Write SARIF 2.1.0 for GitHub code scanning to FILE (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<String>,
    /// Write the GitLab Code Quality report to FILE (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub gitlab: Option<String>,
    /// Write a Markdown summary to FILE (`-` for stdout), for job summaries, issues and PR comments.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<String>,
    /// An earlier JSON report: mark findings new or unchanged, list the fixed ones, and gate
    /// on new findings only.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<String>,
    /// The config file (default: seaworthy.toml at the root, if there is one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// Link locations to a source host: `{path}`, `{line}` and `{commit}` are replaced
    /// (default: from the git remote, for GitHub, GitLab and Bitbucket).
    #[arg(long, value_name = "TEMPLATE")]
    pub source_url: Option<String>,
    /// Exit 1 if a finding at or above this severity is new.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Exit 1 if the overall score is below N.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_score: Option<u32>,
    /// Print only the findings that trip the gate and the line that says why.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print info findings, unreadable files and run statistics.
    #[arg(long, short)]
    pub verbose: bool,
    /// Never show the progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// When to use colour in the terminal summary.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Files larger than this many bytes are not parsed (lockfiles have their own, larger limit).
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_file_size: u64,
    /// Accept a tree with no package.json (otherwise: exit 2, nothing to audit).
    #[arg(long)]
    pub allow_empty: bool,
    /// Threads for the whole scan: walk, parse and rules (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Keep the fact cache in DIR (default: .seaworthy-cache at the root).
    #[arg(
        long,
        value_name = "DIR",
        env = "SEAWORTHY_CACHE_DIR",
        conflicts_with = "no_cache"
    )]
    pub cache_dir: Option<PathBuf>,
    /// Parse every file; neither read nor write the fact cache.
    #[arg(long, env = "SEAWORTHY_NO_CACHE", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_cache: bool,
    /// How the terminal shows findings: annotated with their source line (full), one line
    /// each sorted by path (concise), or one line each under their file (grouped).
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub output_format: OutputFormat,
    /// Print counts per rule, most frequent first.
    #[arg(long)]
    pub statistics: bool,
    /// Show only findings at or above this severity (display only: never the gate or a report file).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub severity: Option<ShowSeverity>,
    /// Show only this rule's findings, or a category's (`docker/`); repeatable (display only).
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
}

pub use crate::report::terminal::OutputFormat;

/// `--severity`: the least severity the terminal shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShowSeverity {
    Error,
    Warning,
    Info,
}

impl ShowSeverity {
    fn severity(self) -> Severity {
        match self {
            ShowSeverity::Error => Severity::Error,
            ShowSeverity::Warning => Severity::Warning,
            ShowSeverity::Info => Severity::Info,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Scan(args) => scan(&args),
        Command::Rules { id } => print_rules(id.as_deref()),
        Command::Merge(args) => merge(&args),
    }
}

fn print_rules(id: Option<&str>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match id {
        Some(id) => {
            let Some(m) = rules::find(id)
                .map(|r| r.meta())
                .or_else(|| rules::suppression::find(id))
            else {
                eprintln!(
                    "error: no rule `{}`; `seaworthy rules` lists them",
                    terminal::visible(id)
                );
                return ExitCode::from(2);
            };
            let _ = writeln!(
                out,
                "{} ({}, {})\n\n{}\n\n{}",
                m.id,
                m.severity.as_str(),
                m.category.id(),
                m.summary,
                m.help()
            );
        }
        None => {
            let all = rules::REGISTRY
                .iter()
                .map(|r| r.meta())
                .chain(rules::suppression::RULES.iter().copied());
            for m in all {
                let _ = writeln!(
                    out,
                    "{:<36} {:<8} {:<14} {}",
                    m.id,
                    m.severity.as_str(),
                    m.category.id(),
                    m.summary
                );
            }
        }
    }
    ExitCode::SUCCESS
}

/// One output format of `scan`: its flag, where the arguments say to write it, and its renderer.
struct Format {
    flag: &'static str,
    target: fn(&ScanArgs) -> Option<&str>,
    renderer: &'static dyn Render,
}

/// Every report `scan` can write, in the order they are written.
const FORMATS: &[Format] = &[
    Format {
        flag: "--json",
        target: |a| a.json.as_deref(),
        renderer: &json::Json,
    },
    Format {
        flag: "--html",
        target: |a| a.html.as_deref(),
        renderer: &html::Html,
    },
    Format {
        flag: "--sarif",
        target: |a| a.sarif.as_deref(),
        renderer: &sarif::Sarif,
    },
    Format {
        flag: "--gitlab",
        target: |a| a.gitlab.as_deref(),
        renderer: &gitlab::Gitlab,
    },
    Format {
        flag: "--markdown",
        target: |a| a.markdown.as_deref(),
        renderer: &markdown::Markdown,
    },
];

/// The formats asked for, with their targets (`-` is stdout).
fn requested(args: &ScanArgs) -> impl Iterator<Item = (&'static Format, &str)> {
    FORMATS
        .iter()
        .filter_map(move |f| (f.target)(args).map(|t| (f, t)))
}

/// Refuses, before the scan, outputs that could not be written: a folder that does not
/// exist, a path that is a folder, two reports on stdout.
fn check_outputs(args: &ScanArgs) -> Result<(), String> {
    let targets: Vec<(&str, &str)> = requested(args).map(|(f, t)| (f.flag, t)).collect();
    check_targets(&targets)
}

/// Refuses outputs that could not be written, given as (flag, target) pairs (`-` is stdout).
fn check_targets(targets: &[(&str, &str)]) -> Result<(), String> {
    let on_stdout: Vec<&str> = targets
        .iter()
        .filter(|(_, t)| *t == "-")
        .map(|(f, _)| *f)
        .collect();
    if on_stdout.len() > 1 {
        return Err(format!(
            "{} cannot all write to stdout: give all but one a file",
            on_stdout.join(" -, ") + " -"
        ));
    }
    let files = targets
        .iter()
        .filter(|(_, t)| *t != "-")
        .map(|(_, t)| PathBuf::from(t));
    for path in files {
        if path.is_dir() {
            return Err(format!(
                "cannot write {}: it is a directory",
                path.display()
            ));
        }
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        if !parent.is_dir() {
            return Err(format!(
                "cannot write {}: the directory {} does not exist",
                path.display(),
                parent.display()
            ));
        }
        // Whether the folder takes a new file, without touching the target itself: a probe
        // file created and removed at once.
        let probe = parent.join(format!(".seaworthy-probe-{}", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
        {
            Ok(_) => {
                let _ = std::fs::remove_file(&probe);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(format!(
                    "cannot write {}: the directory {} is not writable ({e})",
                    path.display(),
                    parent.display()
                ));
            }
        }
    }
    Ok(())
}

fn scan(args: &ScanArgs) -> ExitCode {
    if let Err(err) = check_outputs(args) {
        eprintln!("error: {err}");
        return ExitCode::from(2);
    }
    // A `--rule` that names no rule and no category would silently show nothing.
    for wanted in &args.rules {
        let ids = rules::REGISTRY
            .iter()
            .map(|r| r.meta().id)
            .chain(rules::suppression::RULES.iter().map(|m| m.id));
        let known = ids
            .into_iter()
            .any(|id| id == wanted || (wanted.ends_with('/') && id.starts_with(wanted.as_str())));
        if !known {
            eprintln!(
                "error: --rule `{}` names no rule or category (`docker/`); `seaworthy rules` lists them",
                terminal::visible(wanted)
            );
            return ExitCode::from(2);
        }
    }
    let mut options = ScanOptions::new(&args.path);
    options.source_url.clone_from(&args.source_url);
    // A bad config or baseline stops the scan before it starts: the gate must not run on
    // settings that are not the ones the user wrote.
    match crate::config::Config::find(&args.path, args.config.as_deref()) {
        Ok(config) => options.config = config,
        Err(err) => {
            eprintln!("error: {}", terminal::visible(&err.to_string()));
            return ExitCode::from(2);
        }
    }
    if let Some(path) = &args.baseline {
        match crate::baseline::Baseline::read(path) {
            Ok(baseline) => options.baseline = Some(baseline),
            Err(err) => {
                eprintln!("error: {}", terminal::visible(&err.to_string()));
                return ExitCode::from(2);
            }
        }
    }
    options.limits.max_file_size = args.max_file_size;
    if let Some(threads) = args.threads {
        options.threads = threads.max(1);
    }
    options.cache = match &args.cache_dir {
        _ if args.no_cache => crate::cache::Setting::Off,
        Some(dir) => crate::cache::Setting::Dir(dir.clone()),
        None => crate::cache::Setting::Root,
    };
    let show_progress = !args.quiet && !args.no_progress && std::io::stderr().is_terminal();
    let bar = show_progress.then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(80));
        bar
    });
    let stages: std::sync::Mutex<Vec<(String, std::time::Instant)>> = std::sync::Mutex::default();
    let progress = |stage: &str| {
        if let Some(bar) = &bar {
            bar.set_message(stage.to_string());
        }
        if let Ok(mut stages) = stages.lock() {
            stages.push((stage.to_string(), std::time::Instant::now()));
        }
    };
    let result = crate::scan(&options, &progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if args.verbose {
        // Where the time went, stage by stage (on stderr, so it never mixes with a report).
        let stages = stages.into_inner().unwrap_or_default();
        let end = std::time::Instant::now();
        for (i, (stage, start)) in stages.iter().enumerate() {
            let until = stages.get(i + 1).map_or(end, |s| s.1);
            eprintln!(
                "  {:>7.1} ms  {stage}",
                until.duration_since(*start).as_secs_f64() * 1000.0
            );
        }
    }
    let analysis = match result {
        Ok(analysis) => analysis,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };

    // A typo in a CI path must not pass for ever with a perfect score.
    if analysis.report.run.stats.manifests == 0 && !args.allow_empty {
        eprintln!(
            "seaworthy: no package.json under {}: nothing to audit (pass --allow-empty if an empty tree is expected)",
            crate::report::terminal::visible(&args.path.to_string_lossy())
        );
        return ExitCode::from(2);
    }

    if let Err(err) = write_outputs(args, &analysis) {
        eprintln!("error: {err}");
        return ExitCode::from(2);
    }

    let verdict = Verdict::of(args, &analysis);
    let report_on_stdout = requested(args).any(|(_, t)| t == "-");
    if !report_on_stdout {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        let options = terminal::Options {
            color,
            verbose: args.verbose,
            format: args.output_format,
            min_severity: args.severity.map(ShowSeverity::severity),
            rules: args.rules.clone(),
            statistics: args.statistics,
            headline: Some(verdict.headline(args, &analysis)),
        };
        // Quiet still prints what trips the gate (as ruff's `-q` still prints diagnostics).
        let text = match (args.quiet, args.fail_on.threshold()) {
            (false, _) => terminal::render(&analysis, &options),
            (true, Some(threshold)) => terminal::render_gate(&analysis, &options, threshold),
            (true, None) => String::new(),
        };
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    }
    gate(args, &analysis)
}

/// `seaworthy merge`: reads every report (any unreadable one is exit 2, naming the file), then
/// writes the outputs asked for, or prints the terminal table when no report goes to stdout.
fn merge(args: &MergeArgs) -> ExitCode {
    use crate::report::merge;
    let targets: Vec<(&str, &str)> = [
        ("--json", args.json.as_deref()),
        ("--html", args.html.as_deref()),
        ("--markdown", args.markdown.as_deref()),
    ]
    .into_iter()
    .filter_map(|(flag, target)| Some((flag, target?)))
    .collect();
    if let Err(err) = check_targets(&targets) {
        eprintln!("error: {err}");
        return ExitCode::from(2);
    }
    let merged = match merge::read(&args.reports) {
        Ok(merged) => merged,
        Err(err) => {
            eprintln!("error: {}", terminal::visible(&err.to_string()));
            return ExitCode::from(2);
        }
    };
    for (flag, target) in &targets {
        let text = match *flag {
            "--json" => Ok(merge::render_json(&merged)),
            "--html" => merge::html::render(&merged),
            _ => Ok(merge::markdown::render(&merged)),
        };
        let written = text.and_then(|text| write_to(target, &text));
        if let Err(err) = written {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    }
    if !targets.iter().any(|(_, t)| *t == "-") {
        let text = merge::render_terminal(&merged);
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    }
    ExitCode::SUCCESS
}

/// Writes one output to its target (`-` is stdout).
fn write_to(target: &str, text: &str) -> Result<(), String> {
    if target == "-" {
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        Ok(())
    } else {
        std::fs::write(target, text).map_err(|e| format!("cannot write {target}: {e}"))
    }
}

fn write_outputs(args: &ScanArgs, analysis: &Analysis) -> Result<(), String> {
    for (format, target) in requested(args) {
        let text = format.renderer.render(analysis)?;
        write_to(target, &text)?;
    }
    Ok(())
}

/// What the gate says, computed once: the exit code, the line that says why and the headline
/// all come from it.
struct Verdict {
    /// The threshold of `--fail-on`, and how many counting findings are at or above it.
    fail_on: Option<(Severity, usize)>,
    /// `--min-score` and the score, when the score is below it.
    below_min: Option<(u32, u32)>,
    /// `--min-score` was given but the score is unknown.
    unknown_score: bool,
}

impl Verdict {
    fn of(args: &ScanArgs, analysis: &Analysis) -> Verdict {
        let report = &analysis.report;
        let fail_on = args.fail_on.threshold().map(|threshold| {
            let failing = report
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none())
                .filter(|f| f.baseline_state != Some(crate::finding::BaselineState::Unchanged))
                .filter(|f| f.severity >= threshold)
                .count();
            (threshold, failing)
        });
        let (below_min, unknown_score) = match (args.min_score, report.summary.score) {
            (Some(min), Some(score)) if score < min => (Some((min, score)), false),
            (Some(_), None) => (None, true),
            _ => (None, false),
        };
        Verdict {
            fail_on,
            below_min,
            unknown_score,
        }
    }

    fn tripped(&self) -> bool {
        self.fail_on.is_some_and(|(_, n)| n > 0) || self.below_min.is_some()
    }

    /// The gate's flags, as the headline names them.
    fn gates(args: &ScanArgs) -> String {
        let mut gates = Vec::new();
        if let Some(t) = args.fail_on.threshold() {
            gates.push(format!("--fail-on {}", t.as_str()));
        }
        if let Some(min) = args.min_score {
            gates.push(format!("--min-score {min}"));
        }
        gates.join(", ")
    }

    /// `seaworthy: 72/100 average · gate FAILED (--fail-on error): 3 errors, 5 warnings, 12 info`
    fn headline(&self, args: &ScanArgs, analysis: &Analysis) -> String {
        let summary = &analysis.report.summary;
        let score = match (summary.score, summary.rating) {
            (Some(s), Some(r)) => format!("{s}/100 {}", r.as_str()),
            _ => "score unknown".to_string(),
        };
        let gates = Self::gates(args);
        let gate = match (self.tripped(), gates.is_empty()) {
            (true, _) => format!("gate FAILED ({gates})"),
            (false, false) => format!("gate passed ({gates})"),
            (false, true) => "no gate (--fail-on never)".to_string(),
        };
        let c = &summary.counts;
        format!(
            "seaworthy: {score} · {gate}: {}, {}, {} info",
            terminal::count(c.error, "error", "errors"),
            terminal::count(c.warning, "warning", "warnings"),
            c.info
        )
    }
}

fn gate(args: &ScanArgs, analysis: &Analysis) -> ExitCode {
    let verdict = Verdict::of(args, analysis);
    let baseline = analysis.report.fixed.is_some();
    if let Some((threshold, failing)) = verdict.fail_on
        && failing > 0
    {
        // "new" only once a baseline says what is old.
        let new = if baseline { "new " } else { "" };
        let (one, many) = match threshold {
            Severity::Error => ("error", "errors"),
            _ => ("finding", "findings"),
        };
        eprintln!(
            "seaworthy: failed: {} at or above --fail-on {}",
            terminal::count(failing, &format!("{new}{one}"), &format!("{new}{many}")),
            threshold.as_str()
        );
    }
    if let Some((min, score)) = verdict.below_min {
        eprintln!("seaworthy: failed: score {score} is below --min-score {min}");
    }
    if verdict.unknown_score {
        eprintln!("seaworthy: the score is unknown (see errors); --min-score not applied");
    }
    if verdict.tripped() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
