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

pub mod cli;
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

use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use rayon::prelude::*;

use crate::finding::Finding;
use crate::load::Limits;
use crate::model::Model;
use crate::report::{
    Analysis, Report, RuleInfo, RunStats, ServiceReport, Snippets, Summary, Tool, WorkspaceReport,
};
use crate::rules::{Context, REGISTRY};

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub root: PathBuf,
    /// How the root is shown in the report (as the user typed it).
    pub root_display: String,
    /// Worker threads for the walk (rayon uses its global pool for the rest).
    pub threads: usize,
    pub limits: Limits,
}

impl ScanOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        ScanOptions {
            root_display: root.to_string_lossy().into_owned(),
            root,
            threads: std::thread::available_parallelism().map_or(2, usize::from),
            limits: Limits::default(),
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

/// Discovers, reads and parses the repository and builds its model.
pub fn prepare(options: &ScanOptions, progress: Progress<'_>) -> Result<Prepared, ScanError> {
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
    let loaded = load::load(&options.root, &discovered, options.limits);
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

/// Runs the whole pipeline and returns the report with what renderers need besides it.
pub fn scan(options: &ScanOptions, progress: Progress<'_>) -> Result<Analysis, ScanError> {
    let started = Instant::now();
    let started_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let Prepared {
        model,
        errors,
        stats,
        files_scanned,
    } = prepare(options, progress)?;

    progress("running rules");
    let cx = Context { model: &model };
    let mut findings: Vec<Finding> = REGISTRY
        .par_iter()
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            rule.check(&cx, &mut out);
            out
        })
        .collect();
    finding::finalize(&mut findings);

    progress("scoring");
    let scores = score::score(&cx, REGISTRY, &findings, &errors);
    let mut counts = report::Counts::default();
    for f in findings.iter().filter(|f| f.suppressed.is_none()) {
        counts.add(f.severity);
    }
    let snippets = snippets(&model, &findings);

    let report = Report {
        schema_version: report::SCHEMA_VERSION,
        tool: Tool {
            name: "seaworthy".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        run: report::Run {
            root: options.root_display.clone(),
            started_at,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            files_scanned,
            stats,
        },
        summary: Summary {
            score: scores.overall,
            rating: score::rating(scores.overall),
            counts,
            new: counts.total(),
            fixed: 0,
            suppressed: 0,
            baseline: None,
            scoring: score::EXPLANATION.to_string(),
        },
        categories: scores.categories,
        checks: scores.checks,
        services: model
            .services
            .iter()
            .zip(scores.services)
            .map(|(s, (score, counts))| ServiceReport {
                name: s.name.clone(),
                kind: s.kind,
                path: crate::paths::display_dir(&s.path).to_string(),
                package: s.package.map(|i| model.packages[i].name().to_string()),
                dockerfile: s.dockerfile.clone(),
                compose_file: s.compose_file.clone(),
                score,
                rating: score::rating(score),
                counts,
                score_delta: None,
            })
            .collect(),
        workspaces: model
            .workspaces
            .iter()
            .map(|w| WorkspaceReport {
                name: w.name.clone(),
                path: crate::paths::display_dir(&w.dir).to_string(),
                package_manager: w.package_manager,
                package_manager_version: w.package_manager_version.clone(),
                lockfile: w.lockfile.clone(),
                members: w.members.len(),
            })
            .collect(),
        findings,
        fixed: None,
        rules: REGISTRY
            .iter()
            .map(|r| {
                let m = r.meta();
                RuleInfo {
                    id: m.id.to_string(),
                    severity: m.severity,
                    category: m.category,
                    summary: m.summary.to_string(),
                    help: m.help(),
                }
            })
            .collect(),
        errors,
    };
    // The one redaction step: nothing from the repository reaches a renderer without it.
    // Freeing the model (every parsed file) is single-threaded work the report does not wait
    // for: a pool thread does it while the report is redacted and rendered.
    rayon::spawn(move || drop(model));
    Ok(report::redact::analysis(Analysis { report, snippets }))
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
