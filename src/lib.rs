//! seaworthy statically audits a Node.js/TypeScript monorepo for production readiness.
//!
//! The pipeline reads top to bottom; each stage is a function from owned input to owned output:
//!
//! ```text
//! discover (ignore walk)  →  read and parse each file in parallel into owned facts (rayon)
//! →  build the repository model (workspaces, packages, tsconfigs, services)
//! →  run every rule over the model (rayon)  →  sort and fingerprint
//! →  score  →  redact secrets (report::redact)  →  render (terminal, JSON, HTML)
//! ```
//!
//! Nothing in the repository is executed, no link is followed out of its root, and a file
//! that cannot be read or parsed becomes an entry in the report's `errors`, never a crash.

pub mod baseline;
pub mod cache;
pub mod cli;
pub mod config;
pub(crate) mod data;
pub mod diagnostic;
pub mod discover;
pub mod finding;
pub mod load;
pub mod model;
pub mod parse;
pub(crate) mod paths;
pub mod report;
pub mod rules;
pub(crate) mod score;
pub(crate) mod semver;
pub mod source;
pub(crate) mod suppress;

use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use rayon::prelude::*;

use crate::baseline::Baseline;
use crate::config::Config;
use crate::finding::Finding;
use crate::load::Limits;
use crate::model::Model;
use crate::report::{Analysis, RunStats, Snippets};
use crate::rules::Context;

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub root: PathBuf,
    /// How the root is shown in the report (as the user typed it).
    pub root_display: String,
    /// Worker threads for the whole scan: the walk, and the pool that parses files and runs
    /// rules (the scan runs inside a rayon pool of this many threads).
    pub threads: usize,
    pub limits: Limits,
    /// `seaworthy.toml`, or the defaults.
    pub config: Config,
    /// An earlier report to mark findings new or unchanged against.
    pub baseline: Option<Baseline>,
    /// `--source-url`: the link template for locations (default: from the git remote).
    pub source_url: Option<String>,
    /// The fact cache (off unless set; the command line defaults to the root's
    /// `.seaworthy-cache/`). The report is the same with or without it.
    pub cache: cache::Setting,
}

impl ScanOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        ScanOptions {
            root_display: root.to_string_lossy().into_owned(),
            root,
            threads: std::thread::available_parallelism().map_or(2, usize::from),
            limits: Limits::default(),
            config: Config::default(),
            baseline: None,
            source_url: None,
            cache: cache::Setting::Off,
        }
    }
}

/// Why a scan could not run at all (exit code 2). Problems inside the repository are never this.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("cannot scan `{path}`: {reason}")]
    Root { path: String, reason: String },
}

/// Progress callback: receives the name of each stage as it starts.
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// The repository read and modelled, before any rule runs.
pub struct Prepared {
    pub model: Model,
    pub errors: Vec<diagnostic::ErrorEntry>,
    pub stats: RunStats,
    pub files_scanned: usize,
}

/// Runs `f` in a rayon pool of `threads` threads (in the global pool if one cannot be built).
fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("seaworthy-{i}"))
        .build()
    {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// Discovers, reads and parses the repository and builds its model.
pub fn prepare(options: &ScanOptions, progress: Progress<'_>) -> Result<Prepared, ScanError> {
    in_pool(options.threads, || prepare_in_pool(options, progress))
}

fn prepare_in_pool(options: &ScanOptions, progress: Progress<'_>) -> Result<Prepared, ScanError> {
    let root_error = |reason: String| ScanError::Root {
        path: options.root_display.clone(),
        reason,
    };
    match std::fs::metadata(&options.root) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(root_error("not a directory".to_string())),
        Err(e) => return Err(root_error(e.to_string())),
    }
    std::fs::read_dir(&options.root).map_err(|e| root_error(e.to_string()))?;

    progress("discovering files");
    let discovered = discover::discover(&options.root, options.threads);
    let mut errors = discovered.errors.clone();

    progress("reading and parsing files");
    let loaded = load::load_cached(&options.root, &discovered, options.limits, &options.cache);
    errors.extend(loaded.errors.iter().cloned());
    let stats = RunStats {
        files_walked: discovered.files.len(),
        files_classified: discovered.files.iter().filter(|f| f.kind.is_some()).count(),
        skipped_binary: loaded.stats.skipped_binary,
        skipped_too_large: loaded.stats.skipped_too_large,
        skipped_links: discovered.skipped_links,
        skipped_special: discovered.skipped_special,
        manifests: discovered
            .files
            .iter()
            .filter(|f| f.kind == Some(discover::FileKind::PackageJson))
            .count(),
    };
    let files_scanned = loaded.stats.parsed;

    progress("building the model and resolving imports");
    let model = Model::build(&options.root, discovered, loaded);
    errors.sort();
    errors.dedup();
    Ok(Prepared {
        model,
        errors,
        stats,
        files_scanned,
    })
}

/// Runs the whole pipeline and returns the report with what renderers need besides it:
///
/// ```text
/// prepare → rules → config (severities, off) → suppress → finalize → baseline → score
/// → report::assemble → redact
/// ```
pub fn scan(options: &ScanOptions, progress: Progress<'_>) -> Result<Analysis, ScanError> {
    in_pool(options.threads, || scan_in_pool(options, progress))
}

fn scan_in_pool(options: &ScanOptions, progress: Progress<'_>) -> Result<Analysis, ScanError> {
    let started = Instant::now();
    let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let Prepared {
        model,
        errors,
        stats,
        files_scanned,
    } = prepare_in_pool(options, progress)?;

    progress("running rules");
    let mut findings = findings(&model, &options.config);
    let fixed = options.baseline.as_ref().map(|b| b.compare(&mut findings));

    progress("scoring");
    let active = rules::active(&options.config);
    let cx = Context {
        model: &model,
        policy: &options.config.policy,
    };
    let scores = score::score(&cx, &active, &findings, &errors);
    let snippets = snippets(&model, &findings);

    let report = report::assemble(report::Parts {
        model: &model,
        config: &options.config,
        baseline: options.baseline.as_ref(),
        active: &active,
        run: report::Run {
            root: options.root_display.clone(),
            started_at,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            files_scanned,
            stats,
            config: options.config.path.clone(),
            source: report::source::read(
                &options.root,
                &options.root_display,
                options.source_url.as_deref(),
            ),
        },
        scores,
        findings,
        fixed,
        errors,
    });
    // The one redaction step: nothing from the repository reaches a renderer without it.
    // Freeing the model (every parsed file) is single-threaded work the report does not wait
    // for: a pool thread does it while the report is redacted and rendered.
    rayon::spawn(move || drop(model));
    Ok(report::redact::analysis(Analysis { report, snippets }))
}

/// The rules that are on, run over the model; then the config's severities, the suppress
/// stage, and the sort and fingerprints. Public to the crate so that tests run exactly this.
pub(crate) fn findings(model: &Model, config: &Config) -> Vec<Finding> {
    let cx = Context {
        model,
        policy: &config.policy,
    };
    let active = rules::active(config);
    let mut findings: Vec<Finding> = active
        .par_iter()
        .flat_map_iter(|active| {
            let mut out = Vec::new();
            active.rule.check(&cx, &mut out);
            out
        })
        .collect();
    // Severity overrides are the config's, applied after `check`, never inside a rule.
    for f in &mut findings {
        if let Some(Some(severity)) = config.level(&f.rule) {
            f.severity = severity;
        }
    }
    suppress::apply(&mut findings, &model.pragmas, config);
    finding::finalize(&mut findings);
    findings
}

/// Reads the lines findings point at, whole (redaction cuts them after replacing secrets).
/// Files are re-read here, once each, only when a finding points into them, so the parse stage
/// need not keep every text in memory.
fn snippets(model: &Model, findings: &[Finding]) -> Snippets {
    let mut wanted: std::collections::BTreeMap<&str, Vec<u32>> = std::collections::BTreeMap::new();
    for f in findings {
        wanted
            .entry(f.location.path.as_str())
            .or_default()
            .push(f.location.line);
    }
    let mut snippets = Snippets::default();
    for (path, lines) in wanted {
        let Ok(text) = std::fs::read_to_string(model.root.join(path)) else {
            continue;
        };
        for line in lines {
            if let Some(content) = source::line_text(&text, line) {
                snippets.insert_whole(path, line, content);
            }
        }
    }
    snippets
}

#[cfg(test)]
mod tests {
    /// The scan's pool has the threads asked for, whatever the global pool has.
    #[test]
    fn the_pool_has_the_threads_asked_for() {
        assert_eq!(super::in_pool(1, rayon::current_num_threads), 1);
        assert_eq!(super::in_pool(3, rayon::current_num_threads), 3);
    }
}
