//! The scan benchmark: times seaworthy on synthetic monorepos (see `synth`), so that
//! performance is measured here, never by timed tests.
//!
//! ```text
//! cargo bench --bench scan -- [--files N]... [--runs R] [--keep DIR]
//!                             [--files-per-package K] [--seed S] [--threads T]
//! ```
//!
//! For each size (default: 1,000 and 10,000 TypeScript files) it generates a tree under the
//! system temp dir (reused while the parameters and generator version match), runs one warm-up
//! scan, then, per stage, one untimed warm-up run and `--runs` timed runs (default 5), and
//! prints min / median / max wall time and the stage's peak RSS. The stages are discovery
//! alone; discovery plus the manifests and configs (everything `load` reads except source
//! files); discovery plus the whole `load` (sources included); the full `seaworthy::scan`
//! without the fact cache (cold); a tree-sitter parse floor (read and parse every source,
//! nothing else); the full scan with a warm fact cache (nothing changed since the warm-up run
//! filled it); discovery plus reading every classified file once (what a warm scan cannot
//! avoid); and the redaction step on one added finding per source file. Another timing is one
//! more entry in [`stages`].
//!
//! After each size it prints the ratios users feel, from the medians of the same run: the cold
//! scan against the parse floor, and the warm scan against reading every file once.
//!
//! Without `--bench` (which `cargo bench` passes) the binary runs in smoke mode: one small tree,
//! one run, and a failure if the scan reports errors. That is what `cargo test --all-targets`
//! gets, so the test suite never runs the full benchmark.

mod synth;

use std::cell::RefCell;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use seaworthy::ScanOptions;
use seaworthy::discover::FileKind;
use seaworthy::load::Limits;

const USAGE: &str = "\
usage: cargo bench --bench scan -- [options]

options:
  --files N              TypeScript files in a generated tree; repeat for several sizes
                         (default: 1000 and 10000)
  --runs R               timed runs per stage (default: 5)
  --keep DIR             generate into DIR (DIR/files-N with several sizes) instead of the
                         temp dir, e.g. to time the CLI on it afterwards
  --files-per-package K  TypeScript files per package, at least 4 (default: 20)
  --seed S               generator seed (default: 1)
  --threads T            threads for the whole scan (default: the number of cores)
  --root DIR             time an existing repository (a checkout of a real monorepo) instead
                         of a generated tree; repeat for several; --files adds generated ones
  --help                 this text";

const DEFAULT_SIZES: &[usize] = &[1_000, 10_000];
const SMOKE_SIZE: usize = 200;
/// An app needs `main.ts`, `app.module.ts`, its e2e spec and one file that imports its
/// dependencies; below this the generated tree is no longer clean.
const MIN_FILES_PER_PACKAGE: usize = 4;

struct Args {
    sizes: Vec<usize>,
    runs: usize,
    keep: Option<PathBuf>,
    files_per_package: usize,
    seed: u64,
    threads: usize,
    /// Existing repositories to time as they are (`--root`).
    roots: Vec<PathBuf>,
    /// Passed by `cargo bench`. Without it (`cargo test --benches`) only a smoke run happens.
    bench: bool,
    help: bool,
}

fn parse_args(raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        sizes: Vec::new(),
        runs: 5,
        keep: None,
        files_per_package: 20,
        seed: 1,
        threads: std::thread::available_parallelism().map_or(2, usize::from),
        roots: Vec::new(),
        bench: false,
        help: false,
    };
    let mut unknown = Vec::new();
    let mut raw = raw.peekable();
    while let Some(arg) = raw.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let takes_value = matches!(
            flag.as_str(),
            "--files"
                | "--runs"
                | "--keep"
                | "--files-per-package"
                | "--seed"
                | "--threads"
                | "--root"
        );
        let value = if takes_value {
            match inline.or_else(|| raw.next()) {
                Some(v) => v,
                None => return Err(format!("{flag} needs a value")),
            }
        } else {
            String::new()
        };
        let number = |v: &str| {
            v.replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("{flag}: `{v}` is not a number"))
        };
        match flag.as_str() {
            "--files" => args.sizes.push(positive(number(&value)?, &flag)?),
            "--runs" => args.runs = positive(number(&value)?, &flag)?,
            "--keep" => args.keep = Some(PathBuf::from(value)),
            "--files-per-package" => {
                args.files_per_package = positive(number(&value)?, &flag)?;
                if args.files_per_package < MIN_FILES_PER_PACKAGE {
                    return Err(format!(
                        "--files-per-package must be at least {MIN_FILES_PER_PACKAGE}: smaller packages cannot import all they declare, and the scan would report findings"
                    ));
                }
            }
            "--seed" => args.seed = number(&value)?,
            "--threads" => args.threads = positive(number(&value)?, &flag)?,
            "--root" => args.roots.push(PathBuf::from(value)),
            "--bench" => args.bench = true,
            "--help" | "-h" => args.help = true,
            _ => unknown.push(arg),
        }
    }
    // Smoke mode ignores what libtest-style runners pass (`--nocapture`, filters…).
    if args.bench && !unknown.is_empty() {
        return Err(format!("unknown argument(s): {}", unknown.join(" ")));
    }
    if args.sizes.is_empty() && args.roots.is_empty() {
        args.sizes = if args.bench {
            DEFAULT_SIZES.to_vec()
        } else {
            vec![SMOKE_SIZE]
        };
    }
    if !args.bench {
        args.runs = 1;
    }
    args.sizes.sort_unstable();
    args.sizes.dedup();
    Ok(args)
}

fn positive(n: u64, flag: &str) -> Result<usize, String> {
    match usize::try_from(n) {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{flag} must be a positive number")),
    }
}

/// One timed piece of work: a closure that does it once and returns a count (files walked,
/// files scanned…) that is printed, so the work cannot be optimised away. Its first run is an
/// untimed warm-up, which may also build what the stage needs (a filled cache, an analysis).
struct Stage<'a> {
    label: &'static str,
    run: Box<dyn Fn() -> usize + 'a>,
}

const COLD_SCAN: &str = "scan (cold: no cache)";
const PARSE_FLOOR: &str = "tree-sitter parse floor";
const WARM_SCAN: &str = "scan (warm cache)";
const READ_ALL: &str = "discover + read all";

/// The stages timed on every tree, in order. To time something else (a parse floor over every
/// source file, say), add an entry here; the tables pick it up.
fn stages(root: &Path, threads: usize) -> Vec<Stage<'_>> {
    vec![
        Stage {
            label: "discover",
            run: Box::new(move || seaworthy::discover::discover(root, threads).files.len()),
        },
        Stage {
            label: "discover + manifests",
            run: Box::new(move || {
                // Everything `load` reads except source files: the manifests, lockfiles,
                // tsconfigs, Dockerfiles and compose files the model is built from.
                let mut discovered = seaworthy::discover::discover(root, threads);
                discovered
                    .files
                    .retain(|f| !matches!(f.kind, Some(FileKind::Source { .. })));
                let loaded = seaworthy::load::load(root, &discovered, Limits::default());
                loaded.stats.parsed
            }),
        },
        Stage {
            label: "discover + load",
            run: Box::new(move || {
                let discovered = seaworthy::discover::discover(root, threads);
                let loaded = seaworthy::load::load(root, &discovered, Limits::default());
                loaded.stats.parsed
            }),
        },
        Stage {
            label: COLD_SCAN,
            run: Box::new(move || {
                let analysis = seaworthy::scan(&scan_options(root, threads), &|_stage| {})
                    .expect("the generated tree is a readable directory");
                analysis.report.run.files_scanned
            }),
        },
        parse_floor(root, threads),
        warm_scan(root, threads),
        read_all(root, threads),
        redaction(root, threads),
    ]
}

/// The full scan with the fact cache in a directory of its own (outside the tree), emptied
/// here: the untimed warm-up run fills it, so every timed run finds each file's facts.
fn warm_scan(root: &Path, threads: usize) -> Stage<'_> {
    let dir = std::env::temp_dir().join(format!("seaworthy-bench-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    Stage {
        label: WARM_SCAN,
        run: Box::new(move || {
            let mut options = scan_options(root, threads);
            options.cache = seaworthy::cache::Setting::Dir(dir.clone());
            let analysis = seaworthy::scan(&options, &|_stage| {})
                .expect("the generated tree is a readable directory");
            analysis.report.run.files_scanned
        }),
    }
}

/// What a warm scan cannot avoid, and about what `rg -c import` does: walk the tree and read
/// every classified file once, in parallel, doing nothing with the bytes but count them.
fn read_all(root: &Path, threads: usize) -> Stage<'_> {
    Stage {
        label: READ_ALL,
        run: Box::new(move || {
            let discovered = seaworthy::discover::discover(root, threads);
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            pool.install(|| {
                discovered
                    .files
                    .par_iter()
                    .filter(|f| f.kind.is_some())
                    .map(|f| std::fs::read(root.join(&f.path)).map_or(0, |b| b.len().min(1)))
                    .sum()
            })
        }),
    }
}

/// The redaction step alone, on an analysis of the tree with one finding per source file added
/// (so 10,000 findings on the 10,000-file tree): each has a message, help, a related entry and
/// its file's first line as snippet, and one in ten quotes a dependency spec with credentials.
/// The timed work includes one clone of the analysis, since the step consumes it. The
/// analysis is built once, untimed.
fn redaction(root: &Path, threads: usize) -> Stage<'_> {
    let analysis = std::cell::OnceCell::new();
    Stage {
        label: "redact +1 finding/file",
        run: Box::new(move || {
            let analysis = analysis.get_or_init(|| findings_analysis(root, threads));
            seaworthy::report::redact::analysis(analysis.clone())
                .report
                .findings
                .len()
        }),
    }
}

/// The analysis of the tree with one finding per source file added, for [`redaction`].
fn findings_analysis(root: &Path, threads: usize) -> seaworthy::report::Analysis {
    use seaworthy::finding::{Category, Finding, Location, Related, Severity};
    let mut analysis = seaworthy::scan(&scan_options(root, threads), &|_stage| {})
        .expect("the generated tree is a readable directory");
    let sources: Vec<String> = seaworthy::discover::discover(root, threads)
        .files
        .into_iter()
        .filter(|f| matches!(f.kind, Some(FileKind::Source { .. })))
        .map(|f| f.path)
        .collect();
    for (i, path) in sources.iter().enumerate() {
        let spec = if i % 10 == 0 {
            format!("git+https://ghp_{i:036}@github.com/acme/dep-{i}.git")
        } else {
            format!("^1.{i}.0")
        };
        let line = std::fs::read_to_string(root.join(path))
            .ok()
            .and_then(|t| t.lines().next().map(str::to_string))
            .unwrap_or_default();
        analysis.snippets.insert(path, 1, &line);
        analysis.report.findings.push(Finding {
            rule: "deps/undeclared".to_string(),
            severity: Severity::Error,
            category: Category::Dependencies,
            message: format!("`dep-{i}` (`{spec}`) is imported but not declared in {path}"),
            help: format!("add \"dep-{i}\": \"{spec}\" to dependencies"),
            location: Location {
                path: path.clone(),
                line: 1,
                column: 1,
                end_line: None,
                end_column: None,
            },
            related: vec![Related {
                path: "package.json".to_string(),
                line: 3,
                message: format!("`dep-{i}` is declared here"),
            }],
            service: Some("api".to_string()),
            workspace: Some(format!("@acme/pkg-{i}")),
            fingerprint: format!("{i:032x}"),
            baseline_state: None,
            suppressed: None,
            key: String::new(),
            package_dir: None,
        });
    }
    analysis
}

thread_local! {
    /// (TypeScript, TSX) parsers, one pair per rayon worker, as the scan keeps them.
    static PARSERS: RefCell<(tree_sitter::Parser, tree_sitter::Parser)> = RefCell::new(parsers());
}

fn parsers() -> (tree_sitter::Parser, tree_sitter::Parser) {
    let mut ts = tree_sitter::Parser::new();
    ts.set_language(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into())
        .expect("the TypeScript grammar matches the tree-sitter version");
    let mut tsx = tree_sitter::Parser::new();
    tsx.set_language(&tree_sitter_typescript::LANGUAGE_TSX.into())
        .expect("the TSX grammar matches the tree-sitter version");
    (ts, tsx)
}

/// The least the source stage can cost: every non-declaration source file read and parsed by
/// tree-sitter in parallel, with no traversal and no facts. Compare it with `discover + load`.
/// Files over the size limit are left out, as the scan leaves them out.
/// The file list comes from one untimed discovery.
fn parse_floor(root: &Path, threads: usize) -> Stage<'static> {
    let sources: Vec<(PathBuf, bool)> = seaworthy::discover::discover(root, threads)
        .files
        .into_iter()
        .filter(|f| {
            f.kind == Some(FileKind::Source { dts: false })
                && f.size <= Limits::default().max_file_size
        })
        .map(|f| {
            let tsx = [".tsx", ".jsx", ".js", ".mjs", ".cjs"]
                .iter()
                .any(|ext| f.path.ends_with(ext));
            (root.join(&f.path), tsx)
        })
        .collect();
    Stage {
        label: PARSE_FLOOR,
        run: Box::new(move || {
            sources
                .par_iter()
                .filter(|(path, tsx)| {
                    let Ok(text) = std::fs::read_to_string(path) else {
                        return false;
                    };
                    PARSERS.with_borrow_mut(|(ts, tsx_parser)| {
                        let parser = if *tsx { tsx_parser } else { ts };
                        parser.parse(&text, None).is_some()
                    })
                })
                .count()
        }),
    }
}

fn scan_options(root: &Path, threads: usize) -> ScanOptions {
    let mut options = ScanOptions::new(root);
    options.threads = threads;
    options
}

/// One line of the results table.
struct Row {
    ts_files: usize,
    on_disk: usize,
    scanned: usize,
    stage: &'static str,
    min: Duration,
    median: Duration,
    max: Duration,
    /// Median CPU time (user + system, all threads) per run: steadier than wall time when
    /// other processes share the cores.
    cpu: Option<Duration>,
    peak_rss_kib: Option<u64>,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let peak_resets = reset_peak_rss();
    if args.bench {
        println!(
            "seaworthy scan benchmark: {} thread(s), {} timed run(s) per stage, {} TypeScript files per package, seed {}",
            args.threads, args.runs, args.files_per_package, args.seed
        );
    } else {
        println!(
            "scan benchmark in smoke mode (no --bench): one {}-file tree, one run",
            thousands(args.sizes[0])
        );
    }

    let mut rows = Vec::new();
    let mut failed = false;
    for &size in &args.sizes {
        match bench_size(&args, size, peak_resets) {
            Ok((size_rows, clean)) => {
                rows.extend(size_rows);
                failed |= !clean;
            }
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        }
    }

    for root in &args.roots {
        match bench_root(&args, root, peak_resets) {
            Ok(root_rows) => rows.extend(root_rows),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        }
    }

    println!("\n{}", table(&rows));
    if peak_resets {
        println!(
            "peak RSS: VmHWM of this process, reset after each stage's warm-up run (so it starts from what the process holds then, freed memory the allocator keeps included)."
        );
    } else {
        println!(
            "peak RSS: VmHWM of this process since it started (it could not be reset), so it includes earlier sizes."
        );
    }
    if failed {
        eprintln!("error: a generated tree produced scan errors (listed above); fix benches/synth");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Generates (or reuses) the tree for `size` files, then warms up and times every stage.
/// Returns the rows and whether the scan was free of errors.
fn bench_size(args: &Args, size: usize, peak_resets: bool) -> Result<(Vec<Row>, bool), String> {
    let fpp = args.files_per_package;
    let packages = size.div_ceil(fpp);
    let dir = match &args.keep {
        Some(dir) if args.sizes.len() == 1 => dir.clone(),
        Some(dir) => dir.join(format!("files-{size}")),
        None => synth::default_dir(size, fpp, args.seed),
    };
    let started = Instant::now();
    let (summary, reused) = prepare(&dir, packages, fpp, args.seed)?;
    println!(
        "\n== {} TypeScript files: {} packages ({} apps), {} files, {:.1} MiB in {}",
        thousands(summary.source_files),
        thousands(summary.packages),
        thousands(summary.apps),
        thousands(summary.files),
        summary.bytes as f64 / (1024.0 * 1024.0),
        dir.display()
    );
    if reused {
        println!("   reused the tree generated earlier");
    } else {
        println!("   generated in {:.2} s", started.elapsed().as_secs_f64());
    }

    time_tree(args, &dir, summary.source_files, summary.files, peak_resets)
}

/// Times every stage on an existing repository, as it is. Its scan may report errors
/// (files it cannot parse are part of real trees): they are printed, not a failure.
fn bench_root(args: &Args, dir: &Path, peak_resets: bool) -> Result<Vec<Row>, String> {
    if !dir.is_dir() {
        return Err(format!("--root {}: not a directory", dir.display()));
    }
    let discovered = seaworthy::discover::discover(dir, args.threads);
    let sources = discovered
        .files
        .iter()
        .filter(|f| matches!(f.kind, Some(FileKind::Source { .. })))
        .count();
    println!(
        "\n== {}: {} TypeScript/JavaScript files, {} files walked",
        dir.display(),
        thousands(sources),
        thousands(discovered.files.len())
    );
    let (rows, _) = time_tree(args, dir, sources, discovered.files.len(), peak_resets)?;
    Ok(rows)
}

/// Warms up and times every stage on the tree at `dir`. Returns the rows and whether the
/// scan was free of errors.
fn time_tree(
    args: &Args,
    dir: &Path,
    ts_files: usize,
    on_disk: usize,
    peak_resets: bool,
) -> Result<(Vec<Row>, bool), String> {
    if peak_resets {
        reset_peak_rss();
    }
    let warm = seaworthy::scan(&scan_options(dir, args.threads), &|_stage| {})
        .map_err(|e| format!("cannot scan {}: {e}", dir.display()))?;
    let report = &warm.report;
    println!(
        "   warm-up scan: {} walked, {} classified, {} scanned, {} finding(s), {} error(s)",
        thousands(report.run.stats.files_walked),
        thousands(report.run.stats.files_classified),
        thousands(report.run.files_scanned),
        report.findings.len(),
        report.errors.len()
    );
    for error in report.errors.iter().take(10) {
        eprintln!("   error: {}: {}", error.path, error.message);
    }
    let clean = report.errors.is_empty();
    let scanned = report.run.files_scanned;

    let mut rows = Vec::new();
    for stage in stages(dir, args.threads) {
        let mut samples = Vec::with_capacity(args.runs);
        black_box((stage.run)());
        if peak_resets {
            reset_peak_rss();
        }
        let mut count = 0;
        let mut cpu_samples = Vec::with_capacity(args.runs);
        for _ in 0..args.runs {
            let cpu_before = cpu_time();
            let started = Instant::now();
            count = black_box((stage.run)());
            samples.push(started.elapsed());
            if let (Some(before), Some(after)) = (cpu_before, cpu_time()) {
                cpu_samples.push(after.saturating_sub(before));
            }
        }
        samples.sort_unstable();
        cpu_samples.sort_unstable();
        let row = Row {
            ts_files,
            on_disk,
            scanned,
            stage: stage.label,
            min: samples[0],
            median: median(&samples),
            max: samples[samples.len() - 1],
            cpu: (cpu_samples.len() == samples.len()).then(|| median(&cpu_samples)),
            peak_rss_kib: peak_rss_kib(),
        };
        println!(
            "   {:<24} min {:>8.1} ms   median {:>8.1} ms   max {:>8.1} ms   cpu {:>8}   peak {:>10}   (count {})",
            row.stage,
            ms(row.min),
            ms(row.median),
            ms(row.max),
            row.cpu
                .map_or_else(|| "n/a".to_string(), |c| format!("{:.0} ms", ms(c))),
            row.peak_rss_kib.map_or_else(|| "n/a".to_string(), mib),
            thousands(count)
        );
        rows.push(row);
    }
    // By the median wall times, the min wall times and the median CPU times (the last two
    // are what to compare on a loaded machine).
    let of = |label: &str| rows.iter().find(|r| r.stage == label);
    let div = |a: Duration, b: Duration| {
        if b.is_zero() {
            "n/a".to_string()
        } else {
            format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64())
        }
    };
    let ratio = |a: &str, b: &str| match (of(a), of(b)) {
        (Some(a), Some(b)) => {
            let cpu = match (a.cpu, b.cpu) {
                (Some(x), Some(y)) => div(x, y),
                _ => "n/a".to_string(),
            };
            format!(
                "{} (min {}, cpu {})",
                div(a.median, b.median),
                div(a.min, b.min),
                cpu
            )
        }
        _ => "n/a".to_string(),
    };
    println!(
        "   cold scan / parse floor: {} (target ≤ 1.25×)   warm scan / read all: {} (target ≤ 3×)",
        ratio(COLD_SCAN, PARSE_FLOOR),
        ratio(WARM_SCAN, READ_ALL)
    );
    Ok((rows, clean))
}

/// Reuses `dir` when it holds a tree with the same parameters; otherwise (re)generates it.
/// A directory that is neither empty nor a generated tree is never deleted.
fn prepare(
    dir: &Path,
    packages: usize,
    fpp: usize,
    seed: u64,
) -> Result<(synth::Summary, bool), String> {
    if let Some(summary) = synth::existing(dir, packages, fpp, seed) {
        return Ok((summary, true));
    }
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if synth::is_generated(dir) {
            std::fs::remove_dir_all(dir)
                .map_err(|e| format!("cannot remove the stale tree {}: {e}", dir.display()))?;
        } else if !empty {
            return Err(format!(
                "{} exists and was not written by this benchmark (it has no {}); refusing to overwrite it",
                dir.display(),
                synth::MARKER
            ));
        }
    }
    let summary = synth::generate(dir, packages, fpp, seed)
        .map_err(|e| format!("cannot generate the tree in {}: {e}", dir.display()))?;
    Ok((summary, false))
}

fn median(sorted: &[Duration]) -> Duration {
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// The results as a Markdown table, ready for benches/README.md.
fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| TS files | files on disk | files scanned | stage | min ms | median ms | max ms | peak RSS |\n\
         |---:|---:|---:|---|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {} |",
            thousands(r.ts_files),
            thousands(r.on_disk),
            thousands(r.scanned),
            r.stage,
            ms(r.min),
            ms(r.median),
            ms(r.max),
            r.peak_rss_kib.map_or_else(|| "n/a".to_string(), mib)
        );
    }
    out
}

/// Resets the kernel's peak-RSS counter (VmHWM) for this process; false where unsupported.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The CPU time this process has used (user + system, all threads), from /proc/self/stat
/// (in clock ticks: 100 a second on Linux).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces: count fields after its closing paren.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    // utime and stime are fields 14 and 15; `rest` starts at field 3.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// VmHWM from /proc/self/status: the peak resident set of the whole process, in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
