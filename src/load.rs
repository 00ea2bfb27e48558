//! Reading and parsing: every classified file that seaworthy understands is read once and
//! parsed in parallel into owned facts. A file that is binary, too large, not UTF-8, unreadable
//! or malformed becomes an error entry (or a skip counted in the run stats); nothing stops.
//!
//! This is the only stage that reads file contents: the model is a pure function of what it
//! loads. Besides the classified files, it reads what only the loaded facts can name, through
//! the same guards: files that a tsconfig `extends` (any name, even inside a package), and
//! whether `file:`/`link:` targets the walk did not see (gitignored build output) exist.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cache::Cache;
use crate::diagnostic::{ErrorEntry, Position};
use crate::discover::{Discovered, FileKind, LockfileKind, WalkedFile};
use crate::parse::pragma::{self, Pragma, Syntax};
use crate::parse::{
    ParseError, compose::ComposeFile, dockerfile::Dockerfile, package_json::PackageJson,
    pnpm_workspace::PnpmWorkspace, tsconfig::RawTsConfig,
};
use crate::paths;

/// Size limits. Lockfiles of large monorepos run to tens of megabytes, so they have their own.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_size: u64,
    pub max_lockfile_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 1024 * 1024,
            max_lockfile_size: 256 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadStats {
    pub parsed: usize,
    pub skipped_binary: usize,
    pub skipped_too_large: usize,
}

/// A TypeScript/JavaScript file and what it references.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub facts: crate::parse::typescript::SourceFacts,
}

/// What a `.yarnrc.yml` says about how Yarn 2+ lays out `node_modules`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YarnRc {
    pub path: String,
    /// `nodeLinker`: `pnp` (the default), `pnpm` or `node-modules`.
    pub node_linker: Option<String>,
}

/// A file whose content was not needed for parsing in this version but whose presence matters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockfileRef {
    pub path: String,
    pub kind: LockfileKind,
}

/// Everything the parsers produced, each list sorted by path.
#[derive(Debug, Default)]
pub struct Loaded {
    pub packages: Vec<PackageJson>,
    pub tsconfigs: Vec<RawTsConfig>,
    pub pnpm_workspaces: Vec<PnpmWorkspace>,
    pub dockerfiles: Vec<Dockerfile>,
    pub dockerignores: Vec<crate::parse::dockerignore::DockerIgnore>,
    pub workflows: Vec<crate::parse::workflow::Workflow>,
    pub bakes: Vec<crate::parse::bake::BakeFile>,
    /// Entrypoint scripts that end by exec'ing their arguments (`exec \"$@\"`).
    pub exec_scripts: Vec<String>,
    pub compose_files: Vec<ComposeFile>,
    /// `.env` files, and the `env_file`s compose files name, sorted by path.
    pub dotenvs: Vec<crate::parse::dotenv::DotEnv>,
    pub lockfiles: Vec<LockfileRef>,
    /// The lockfiles that could be read, sorted by path (Bun's binary bun.lockb is recognised,
    /// not read).
    pub parsed_lockfiles: Vec<crate::parse::lockfile::Lockfile>,
    pub npmrcs: Vec<crate::parse::npmrc::Npmrc>,
    /// `.yarnrc.yml` files (Yarn 2+), sorted by path.
    pub yarnrcs: Vec<YarnRc>,
    pub sources: Vec<SourceFile>,
    /// Strings of tool configs and non-JS files that may name packages ([`load_config_refs`]).
    pub config_refs: Vec<crate::parse::config_refs::ConfigRefs>,
    /// `.gitignore` files: (path, text), as discovery read them.
    pub gitignores: Vec<(String, String)>,
    /// Paths the walk did not see (it skips gitignored folders) that exist inside the root,
    /// among those the facts point at (`file:`/`link:`/`portal:` targets).
    pub present: BTreeSet<String>,
    /// `seaworthy-ignore` comments, in file order (files sorted by path).
    pub pragmas: Vec<Pragma>,
    pub errors: Vec<ErrorEntry>,
    pub stats: LoadStats,
}

/// Where file contents come from: the repository on disk, or memory in tests. Paths are
/// repository-relative and `/`-separated.
pub trait Files: Sync {
    fn read(&self, path: &str) -> std::io::Result<Vec<u8>>;

    /// Whether `path` exists inside the root, following links only while they stay inside.
    fn exists(&self, path: &str) -> bool;
}

/// The repository on disk.
pub struct Disk {
    root: PathBuf,
    canonical_root: Option<PathBuf>,
}

impl Disk {
    pub fn new(root: &Path) -> Self {
        Disk {
            root: root.to_path_buf(),
            canonical_root: root.canonicalize().ok(),
        }
    }
}

impl Files for Disk {
    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.root.join(path))
    }

    fn exists(&self, path: &str) -> bool {
        let Some(root) = &self.canonical_root else {
            return false;
        };
        self.root
            .join(path)
            .canonicalize()
            .is_ok_and(|target| target.starts_with(root))
    }
}

/// Files held in memory, for tests: the model of a repository written inline.
#[cfg(test)]
#[derive(Debug, Default, Clone)]
pub struct Memory {
    pub files: BTreeMap<String, Vec<u8>>,
}

#[cfg(test)]
impl Files for Memory {
    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }

    fn exists(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.files.contains_key(path)
            || self
                .files
                .range(prefix.clone()..)
                .next()
                .is_some_and(|(p, _)| p.starts_with(&prefix))
    }
}

#[derive(Serialize, Deserialize)]
enum Parsed {
    Package(Box<PackageJson>),
    TsConfig(RawTsConfig),
    PnpmWorkspace(PnpmWorkspace),
    Dockerfile(Dockerfile),
    DockerIgnore(crate::parse::dockerignore::DockerIgnore),
    Workflow(crate::parse::workflow::Workflow),
    Bake(crate::parse::bake::BakeFile),
    Script(String, bool),
    Compose(ComposeFile),
    Npmrc(crate::parse::npmrc::Npmrc),
    YarnRc(YarnRc),
    DotEnv(crate::parse::dotenv::DotEnv),
    Source(SourceFile),
    /// Read and checked for being text; its facts come with a later version.
    Checked,
}

enum Outcome {
    /// The file's facts, and the suppression comments in it.
    Parsed(Parsed, Vec<Pragma>),
    /// A lockfile is recorded even when it cannot be parsed: its presence matters.
    Lockfile(
        LockfileRef,
        Option<crate::parse::lockfile::Lockfile>,
        Option<ErrorEntry>,
    ),
    Binary,
    TooLarge,
    Failed(ErrorEntry),
}

/// An outcome as the fact cache stores it: what a file's bytes parsed to. The file's path and
/// kind are the entry's key, so they are not stored (an error entry is rebuilt from them).
#[derive(Serialize)]
enum CachedRef<'a> {
    Parsed(&'a Parsed, &'a [Pragma]),
    Lockfile(
        Option<&'a crate::parse::lockfile::Lockfile>,
        Option<CachedError<'a>>,
    ),
    Binary,
    Failed(CachedError<'a>),
}

/// [`CachedRef`], read back.
#[derive(Deserialize)]
enum Cached {
    Parsed(Parsed, Vec<Pragma>),
    Lockfile(Option<crate::parse::lockfile::Lockfile>, Option<OwnedError>),
    Binary,
    Failed(OwnedError),
}

#[derive(Serialize)]
struct CachedError<'a> {
    message: &'a str,
    at: Option<Position>,
}

#[derive(Deserialize)]
struct OwnedError {
    message: String,
    at: Option<Position>,
}

impl Cached {
    fn into_outcome(self, file: &WalkedFile, kind: FileKind) -> Outcome {
        let entry = |e: OwnedError| ErrorEntry {
            path: file.path.clone(),
            message: e.message,
            at: e.at,
            kind: Some(kind),
        };
        match self {
            Cached::Parsed(parsed, pragmas) => Outcome::Parsed(parsed, pragmas),
            Cached::Lockfile(parsed, error) => {
                let FileKind::Lockfile(lock) = kind else {
                    return Outcome::Failed(entry(OwnedError {
                        message: "cache entry of the wrong kind".to_string(),
                        at: None,
                    }));
                };
                let reference = LockfileRef {
                    path: file.path.clone(),
                    kind: lock,
                };
                Outcome::Lockfile(reference, parsed, error.map(entry))
            }
            Cached::Binary => Outcome::Binary,
            Cached::Failed(e) => Outcome::Failed(entry(e)),
        }
    }
}

/// The outcome as a cache entry, when it is one that [`Cached::into_outcome`] rebuilds exactly.
fn to_cached<'a>(outcome: &'a Outcome, file: &WalkedFile, kind: FileKind) -> Option<CachedRef<'a>> {
    let error = |e: &'a ErrorEntry| {
        (e.path == file.path && e.kind == Some(kind)).then_some(CachedError {
            message: &e.message,
            at: e.at,
        })
    };
    Some(match outcome {
        Outcome::Parsed(parsed, pragmas) => CachedRef::Parsed(parsed, pragmas),
        Outcome::Lockfile(reference, parsed, e) => {
            if reference.path != file.path {
                return None;
            }
            let e = match e {
                Some(e) => Some(error(e)?),
                None => None,
            };
            CachedRef::Lockfile(parsed.as_ref(), e)
        }
        Outcome::Binary => CachedRef::Binary,
        Outcome::Failed(e) => CachedRef::Failed(error(e)?),
        Outcome::TooLarge => return None,
    })
}

/// The parser options that shape the facts, as the cache's fingerprint takes them.
fn cache_options(limits: Limits) -> Vec<u8> {
    let mut options = Vec::new();
    options.extend_from_slice(&limits.max_file_size.to_le_bytes());
    options.extend_from_slice(&limits.max_lockfile_size.to_le_bytes());
    options
}

/// Loads the repository at `root` from disk.
pub fn load(root: &Path, discovered: &Discovered, limits: Limits) -> Loaded {
    load_from(&Disk::new(root), discovered, limits)
}

/// Loads the repository at `root` from disk, through the fact cache `setting` names: files
/// whose entries are in the cache are read and hashed, not parsed, and the cache is written
/// back. The result is the same as [`load`]'s.
pub fn load_cached(
    root: &Path,
    discovered: &Discovered,
    limits: Limits,
    setting: &crate::cache::Setting,
) -> Loaded {
    let cache = Cache::open(root, setting, &cache_options(limits));
    let loaded = load_with(&Disk::new(root), discovered, limits, cache.as_ref());
    if let Some(cache) = cache {
        cache.save();
    }
    loaded
}

/// Reads and parses every file the walk classified, then what the facts name (see the module
/// docs). Lists are sorted by path.
pub fn load_from(files: &dyn Files, discovered: &Discovered, limits: Limits) -> Loaded {
    load_with(files, discovered, limits, None)
}

fn load_with(
    files: &dyn Files,
    discovered: &Discovered,
    limits: Limits,
    cache: Option<&Cache>,
) -> Loaded {
    let outcomes: Vec<Outcome> = discovered
        .files
        .par_iter()
        .filter_map(|file| {
            let kind = file.kind?;
            // Discovery read the ignore files it applied, through the same guards.
            if kind == FileKind::GitIgnore {
                return None;
            }
            if !kind.is_parsed() {
                return (file.size > limits.max_file_size).then_some(Outcome::TooLarge);
            }
            Some(load_one(files, file, kind, limits, cache))
        })
        .collect();
    let mut loaded = Loaded {
        gitignores: discovered.gitignores.clone(),
        ..Loaded::default()
    };
    collect(&mut loaded, outcomes);
    // `files` is sorted and par_iter().collect() keeps order, so the lists are sorted already.
    load_extended_tsconfigs(files, discovered, limits, cache, &mut loaded);
    load_compose_references(files, discovered, limits, cache, &mut loaded);
    loaded.present = present_link_targets(files, discovered, &loaded.packages);
    loaded.config_refs = load_config_refs(files, discovered, limits, cache);
    loaded
}

fn collect(loaded: &mut Loaded, outcomes: Vec<Outcome>) {
    for outcome in outcomes {
        match outcome {
            Outcome::Parsed(parsed, pragmas) => {
                loaded.stats.parsed += 1;
                loaded.pragmas.extend(pragmas);
                match parsed {
                    Parsed::Package(p) => loaded.packages.push(*p),
                    Parsed::TsConfig(t) => loaded.tsconfigs.push(t),
                    Parsed::PnpmWorkspace(w) => loaded.pnpm_workspaces.push(w),
                    Parsed::Dockerfile(d) => {
                        // Instructions it could not understand; the rest of the file is kept.
                        loaded.errors.extend(d.problems.iter().map(|p| {
                            let entry = ErrorEntry::new(
                                &d.path,
                                p.message.clone(),
                                Some(FileKind::Dockerfile),
                            );
                            match p.at {
                                Some(at) => {
                                    entry.at(crate::source::Span::point(at.line, at.column))
                                }
                                None => entry,
                            }
                        }));
                        loaded.dockerfiles.push(d);
                    }
                    Parsed::Compose(c) => loaded.compose_files.push(c),
                    Parsed::DockerIgnore(d) => loaded.dockerignores.push(d),
                    Parsed::Workflow(w) => loaded.workflows.push(w),
                    Parsed::Bake(b) => loaded.bakes.push(b),
                    Parsed::Script(path, execs) => {
                        loaded.exec_scripts.extend(execs.then_some(path))
                    }
                    Parsed::Npmrc(n) => loaded.npmrcs.push(n),
                    Parsed::YarnRc(y) => loaded.yarnrcs.push(y),
                    Parsed::DotEnv(d) => loaded.dotenvs.push(d),
                    Parsed::Source(f) => loaded.sources.push(f),
                    Parsed::Checked => {}
                }
            }
            Outcome::Lockfile(l, parsed, error) => {
                loaded.stats.parsed += 1;
                loaded.lockfiles.push(l);
                loaded.parsed_lockfiles.extend(parsed);
                loaded.errors.extend(error);
            }
            Outcome::Binary => loaded.stats.skipped_binary += 1,
            Outcome::TooLarge => loaded.stats.skipped_too_large += 1,
            Outcome::Failed(e) => loaded.errors.push(e),
        }
    }
}

/// `extends` may name a file of any name (`@acme/tsconfig/nest.json`), which discovery did not
/// classify as a tsconfig. Such files are loaded here, once each, if the walk saw them, and
/// through the same guards as every other file.
fn load_extended_tsconfigs(
    files: &dyn Files,
    discovered: &Discovered,
    limits: Limits,
    cache: Option<&Cache>,
    loaded: &mut Loaded,
) {
    let walked: BTreeMap<&str, &WalkedFile> = discovered
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    // Workspace packages by name, the first in directory order winning, as in the model.
    let mut by_dir: Vec<(&str, &str)> = loaded
        .packages
        .iter()
        .filter_map(|p| Some((paths::parent(&p.path), p.name.as_ref()?.value.as_str())))
        .collect();
    by_dir.sort_unstable();
    let mut package_dirs: BTreeMap<String, String> = BTreeMap::new();
    for (dir, name) in by_dir {
        package_dirs
            .entry(name.to_string())
            .or_insert_with(|| dir.to_string());
    }
    let is_file = |path: &str| walked.contains_key(path);
    // Every config already read or tried, so each extended file is read at most once.
    let failed = loaded
        .errors
        .iter()
        .filter(|e| e.kind == Some(FileKind::TsConfig));
    let mut seen: HashSet<String> = loaded
        .tsconfigs
        .iter()
        .map(|c| c.path.clone())
        .chain(failed.map(|e| e.path.clone()))
        .collect();
    // Built only when a target is missing, which is rare.
    let ignored = std::cell::OnceCell::new();
    let is_ignored = |path: &str| {
        ignored
            .get_or_init(|| {
                crate::discover::GitignoreSet::new(Path::new("/"), &discovered.gitignores)
            })
            .is_ignored(path, false)
    };
    // config → the configs it extends, for the cycle check below.
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut next = 0;
    while next < loaded.tsconfigs.len() {
        let config = &loaded.tsconfigs[next];
        let dir = paths::parent(&config.path);
        let mut targets = Vec::new();
        for extends in &config.extends {
            let spec = extends.value.as_str();
            match locate(dir, spec, &is_file, &package_dirs) {
                Extends::Found(target) => targets.push(target),
                // Not a file of the repository: a package from node_modules, not followed.
                Extends::Installed => {}
                // Build output that a build step generates (`.nuxt/tsconfig.json`).
                Extends::Missing(base) if is_ignored(&base) => {}
                Extends::Missing(_) => problems.push(
                    ErrorEntry::new(
                        &config.path,
                        format!(
                            "`extends` names `{spec}`, which is not in the repository (tsc fails: File '{spec}' not found)"
                        ),
                        Some(FileKind::TsConfig),
                    )
                    .at(extends.span),
                ),
                Extends::Outside => problems.push(
                    ErrorEntry::new(
                        &config.path,
                        format!("`extends` names `{spec}`, outside the repository; not followed"),
                        None,
                    )
                    .at(extends.span),
                ),
            }
        }
        let path = config.path.clone();
        next += 1;
        let outcomes = targets
            .iter()
            .filter(|target| seen.insert((*target).clone()))
            .filter_map(|target| walked.get(target.as_str()))
            .map(|file| load_one(files, file, FileKind::TsConfig, limits, cache))
            .collect();
        edges.insert(path, targets);
        collect(loaded, outcomes);
    }
    for cycle in extends_cycles(&edges) {
        problems.push(ErrorEntry::new(
            &cycle[0],
            format!(
                "`extends` cycle: {} (tsc fails: Circularity detected)",
                cycle.join(" → ")
            ),
            Some(FileKind::TsConfig),
        ));
    }
    loaded.errors.extend(problems);
    loaded.tsconfigs.sort_by(|a, b| a.path.cmp(&b.path));
    loaded.errors.sort();
}

/// Where an `extends` value points.
enum Extends {
    Found(String),
    /// A relative path, or a path inside a workspace package, that the walk did not see.
    Missing(String),
    /// A package that is not a workspace package: it comes from `node_modules`.
    Installed,
    Outside,
}

fn locate(
    dir: &str,
    spec: &str,
    is_file: &impl Fn(&str) -> bool,
    package_dirs: &BTreeMap<String, String>,
) -> Extends {
    let package_dir = |name: &str| package_dirs.get(name).map(String::as_str);
    if let Some(found) = crate::parse::tsconfig::locate_extends(dir, spec, is_file, package_dir) {
        return Extends::Found(found);
    }
    if spec.starts_with('/') {
        return Extends::Outside;
    }
    let base = if spec.starts_with('.') {
        match paths::join(dir, spec) {
            Some(base) => base,
            None => return Extends::Outside,
        }
    } else {
        let (name, subpath) = crate::parse::tsconfig::split_package_specifier(spec);
        match package_dir(name).and_then(|d| paths::join(d, subpath)) {
            Some(base) => base,
            None => return Extends::Installed,
        }
    };
    if base.split('/').any(|part| part == "node_modules") {
        return Extends::Installed;
    }
    Extends::Missing(base)
}

/// The `extends` cycles among the loaded configs, each starting at its smallest path, once.
fn extends_cycles(edges: &BTreeMap<String, Vec<String>>) -> Vec<Vec<String>> {
    let mut cycles = std::collections::BTreeSet::new();
    let mut done: HashSet<&str> = HashSet::new();
    for start in edges.keys() {
        if done.contains(start.as_str()) {
            continue;
        }
        // Iterative depth-first search: (node, index of the next edge to follow).
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        while let Some(&mut (node, ref mut i)) = stack.last_mut() {
            let targets = edges.get(node).map_or(&[][..], Vec::as_slice);
            let Some(target) = targets.get(*i) else {
                done.insert(node);
                stack.pop();
                continue;
            };
            *i += 1;
            if let Some(at) = stack.iter().position(|(n, _)| *n == target.as_str()) {
                let mut cycle: Vec<String> =
                    stack[at..].iter().map(|(n, _)| (*n).to_string()).collect();
                let smallest = cycle
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1.cmp(b.1))
                    .map_or(0, |(i, _)| i);
                cycle.rotate_left(smallest);
                let first = cycle[0].clone();
                cycle.push(first);
                cycles.insert(cycle);
            } else if !done.contains(target.as_str()) {
                stack.push((target.as_str(), 0));
            }
        }
    }
    cycles.into_iter().collect()
}

/// What compose files name that the walk did not read: the `env_file`s (any name), and the
/// files of `extends.file` and `include` that are not named like compose files. Read when the
/// walk saw them (so not gitignored), recorded as present when they exist only on this disk.
/// Followed to a fixed point: an included file can include and name env files in turn.
fn load_compose_references(
    files: &dyn Files,
    discovered: &Discovered,
    limits: Limits,
    cache: Option<&Cache>,
    loaded: &mut Loaded,
) {
    let walked: BTreeMap<&str, &WalkedFile> = discovered
        .files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let mut seen: HashSet<String> = loaded
        .compose_files
        .iter()
        .map(|c| c.path.clone())
        .chain(loaded.dotenvs.iter().map(|d| d.path.clone()))
        .collect();
    let mut next = 0;
    while next < loaded.compose_files.len() {
        let refs = crate::parse::compose::references(&loaded.compose_files[next]);
        next += 1;
        for (path, is_compose) in refs {
            if !seen.insert(path.clone()) {
                continue;
            }
            let Some(file) = walked.get(path.as_str()) else {
                if files.exists(&path) {
                    loaded.present.insert(path);
                }
                continue;
            };
            let kind = if is_compose {
                FileKind::Compose
            } else {
                FileKind::Env
            };
            match load_one(files, file, kind, limits, cache) {
                Outcome::Parsed(Parsed::Compose(mut c), pragmas) => {
                    c.discovered = false;
                    loaded.compose_files.push(c);
                    loaded.pragmas.extend(pragmas);
                }
                Outcome::Parsed(Parsed::DotEnv(d), pragmas) => {
                    loaded.dotenvs.push(d);
                    loaded.pragmas.extend(pragmas);
                }
                Outcome::Failed(e) => loaded.errors.push(e),
                _ => {}
            }
        }
    }
    loaded.compose_files.sort_by(|a, b| a.path.cmp(&b.path));
    loaded.dotenvs.sort_by(|a, b| a.path.cmp(&b.path));
}

/// Which `file:`/`link:`/`portal:` targets that the walk did not see exist inside the root.
fn present_link_targets(
    files: &dyn Files,
    discovered: &Discovered,
    packages: &[PackageJson],
) -> BTreeSet<String> {
    let walked = |path: &str| {
        discovered
            .files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .is_ok()
            || discovered
                .dirs
                .binary_search_by(|d| d.as_str().cmp(path))
                .is_ok()
    };
    packages
        .iter()
        .flat_map(|p| {
            let dir = paths::parent(&p.path);
            p.dependencies
                .iter()
                .filter_map(move |d| paths::join(dir, d.local_target()?.1))
        })
        .filter(|path| !walked(path) && files.exists(path))
        .collect()
}

fn load_one(
    files: &dyn Files,
    file: &WalkedFile,
    kind: FileKind,
    limits: Limits,
    cache: Option<&Cache>,
) -> Outcome {
    let fail = |message: String| Outcome::Failed(ErrorEntry::new(&file.path, message, Some(kind)));
    let limit = if kind.is_lockfile() {
        limits.max_lockfile_size
    } else {
        limits.max_file_size
    };
    if file.size > limit {
        // A manifest that large is not a manifest; say so rather than silently skipping it.
        return if kind == FileKind::PackageJson {
            fail(format!(
                "{} bytes is over the {limit}-byte limit; not parsed",
                file.size
            ))
        } else {
            Outcome::TooLarge
        };
    }
    if kind == FileKind::Lockfile(LockfileKind::Bun) && file.path.ends_with(".lockb") {
        return bun_lockb(file);
    }
    let bytes = match files.read(&file.path) {
        Ok(bytes) => bytes,
        Err(err) => {
            let message = format!("cannot read: {err}");
            return match kind {
                FileKind::Lockfile(lock) => Outcome::Lockfile(
                    LockfileRef {
                        path: file.path.clone(),
                        kind: lock,
                    },
                    None,
                    Some(ErrorEntry::new(&file.path, message, Some(kind))),
                ),
                _ => fail(message),
            };
        }
    };
    let Some(cache) = cache else {
        return parse_one(file, kind, bytes);
    };
    let key = Cache::key(&format!("{kind:?}"), &file.path, &bytes);
    if let Some(entry) = cache.get(&key) {
        match postcard::from_bytes::<Cached>(entry) {
            Ok(cached) => return cached.into_outcome(file, kind),
            // Not what this build writes: parsed again, and the entry replaced.
            Err(_) => cache.forget(&key),
        }
    }
    let outcome = parse_one(file, kind, bytes);
    if let Some(entry) = to_cached(&outcome, file, kind)
        && let Ok(bytes) = postcard::to_stdvec(&entry)
    {
        cache.put(key, &bytes);
    }
    outcome
}

/// What a file's bytes parse to: its facts and pragmas, or why it has none.
fn parse_one(file: &WalkedFile, kind: FileKind, bytes: Vec<u8>) -> Outcome {
    let fail = |message: String| Outcome::Failed(ErrorEntry::new(&file.path, message, Some(kind)));
    if let FileKind::Lockfile(lock) = kind {
        return load_lockfile(file, lock, bytes);
    }
    if is_binary(&bytes) {
        return if matches!(kind, FileKind::Source { .. }) {
            Outcome::Binary
        } else {
            fail("binary content where text was expected; not parsed".to_string())
        };
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            return fail(format!(
                "not valid UTF-8 (byte {}); not parsed",
                err.utf8_error().valid_up_to()
            ));
        }
    };
    let parsed: Result<Parsed, ParseError> = match kind {
        FileKind::PackageJson => crate::parse::package_json::parse(&file.path, &text)
            .map(|p| Parsed::Package(Box::new(p))),
        FileKind::TsConfig => {
            crate::parse::tsconfig::parse(&file.path, &text).map(Parsed::TsConfig)
        }
        FileKind::PnpmWorkspace => {
            crate::parse::pnpm_workspace::parse(&file.path, &text).map(Parsed::PnpmWorkspace)
        }
        FileKind::Dockerfile => {
            crate::parse::dockerfile::parse(&file.path, &text).map(Parsed::Dockerfile)
        }
        FileKind::Compose => crate::parse::compose::parse(&file.path, &text).map(Parsed::Compose),
        FileKind::Bake => crate::parse::bake::parse(&file.path, &text).map(Parsed::Bake),
        FileKind::EntrypointScript => Ok(Parsed::Script(
            file.path.clone(),
            crate::parse::shell::execs_arguments(&text),
        )),
        FileKind::Workflow => {
            crate::parse::workflow::parse(&file.path, &text).map(Parsed::Workflow)
        }
        FileKind::DockerIgnore => Ok(Parsed::DockerIgnore(crate::parse::dockerignore::parse(
            &file.path, &text,
        ))),
        FileKind::Source { .. } => {
            crate::parse::typescript::parse(&file.path, &text).map(|facts| {
                Parsed::Source(SourceFile {
                    path: file.path.clone(),
                    facts,
                })
            })
        }
        FileKind::NestCli | FileKind::Turbo | FileKind::Nx | FileKind::NxProject => {
            crate::parse::json::parse(&text, crate::parse::json::Dialect::Jsonc)
                .map(|_| Parsed::Checked)
        }
        FileKind::Npmrc => Ok(Parsed::Npmrc(crate::parse::npmrc::parse(&file.path, &text))),
        FileKind::Env => Ok(Parsed::DotEnv(crate::parse::dotenv::parse(
            &file.path, &text,
        ))),
        FileKind::YarnRc if file.path.ends_with(".yml") || file.path.ends_with(".yaml") => {
            crate::parse::yaml::parse(&text).map(|doc| {
                Parsed::YarnRc(YarnRc {
                    path: file.path.clone(),
                    node_linker: doc
                        .get("nodeLinker")
                        .and_then(|n| n.as_str())
                        .map(str::to_string),
                })
            })
        }
        _ => Ok(Parsed::Checked),
    };
    let syntax = match kind {
        FileKind::Source { .. } => Some(Syntax::Slash),
        FileKind::Dockerfile => Some(Syntax::Dockerfile),
        FileKind::Compose | FileKind::Workflow | FileKind::PnpmWorkspace | FileKind::YarnRc => {
            Some(Syntax::Yaml)
        }
        FileKind::Env | FileKind::Npmrc | FileKind::DockerIgnore => Some(Syntax::Lines),
        _ => None,
    };
    let pragmas = syntax.map_or_else(Vec::new, |s| pragma::scan(&file.path, &text, s));
    match parsed {
        Ok(parsed) => Outcome::Parsed(parsed, pragmas),
        Err(err) => Outcome::Failed(ErrorEntry::parse(&file.path, err, kind)),
    }
}

/// Bun's binary lockfile: recorded (it names the root's manager) but not read. The entry has
/// no file kind, so it makes no check unknown: the lockfile checks have no lockfile to judge at
/// its root.
fn bun_lockb(file: &WalkedFile) -> Outcome {
    let reference = LockfileRef {
        path: file.path.clone(),
        kind: LockfileKind::Bun,
    };
    let note = ErrorEntry::new(
        &file.path,
        "Bun's binary lockfile is not read, so lockfile checks do not apply to its root (Bun 1.2+ writes the text bun.lock: `bun install --save-text-lockfile`)",
        None,
    );
    Outcome::Lockfile(reference, None, Some(note))
}

/// Parses a lockfile's bytes. Its presence is recorded whatever happens to its content.
fn load_lockfile(file: &WalkedFile, kind: LockfileKind, bytes: Vec<u8>) -> Outcome {
    let reference = LockfileRef {
        path: file.path.clone(),
        kind,
    };
    let error = |message: String| {
        Some(ErrorEntry::new(
            &file.path,
            message,
            Some(FileKind::Lockfile(kind)),
        ))
    };
    let text = match bytes {
        bytes if is_binary(&bytes) => {
            let message = "binary content where text was expected; not parsed".to_string();
            return Outcome::Lockfile(reference, None, error(message));
        }
        bytes => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                let at = err.utf8_error().valid_up_to();
                let message = format!("not valid UTF-8 (byte {at}); not parsed");
                return Outcome::Lockfile(reference, None, error(message));
            }
        },
    };
    match crate::parse::lockfile::parse(&file.path, kind, &text) {
        Some(Ok(parsed)) => Outcome::Lockfile(reference, Some(parsed), None),
        Some(Err(err)) => Outcome::Lockfile(
            reference,
            None,
            Some(ErrorEntry::parse(&file.path, err, FileKind::Lockfile(kind))),
        ),
        None => Outcome::Lockfile(reference, None, None),
    }
}

/// Git's heuristic: a NUL byte in the first 8000 bytes means binary.
/// The strings of every walked tool config, stylesheet, `index.html` and Angular/Nx project
/// file ([`crate::parse::config_refs`]), read through the same guards as the classified files:
/// within the size limit, text, UTF-8. Best effort: a file that fails is left out silently,
/// since it only ever adds uses.
fn load_config_refs(
    files: &dyn Files,
    discovered: &Discovered,
    limits: Limits,
    cache: Option<&Cache>,
) -> Vec<crate::parse::config_refs::ConfigRefs> {
    use crate::parse::config_refs::{self, ConfigRefs};
    discovered
        .files
        .par_iter()
        .filter(|f| f.size <= limits.max_file_size && config_refs::is_reference_file(&f.path))
        .filter_map(|f| {
            let bytes = files.read(&f.path).ok()?;
            let key = cache.map(|_| Cache::key("ConfigRefs", &f.path, &bytes));
            if let (Some(cache), Some(key)) = (cache, &key)
                && let Some(entry) = cache.get(key)
            {
                match postcard::from_bytes::<Option<ConfigRefs>>(entry) {
                    Ok(refs) => return refs,
                    Err(_) => cache.forget(key),
                }
            }
            let refs = (!is_binary(&bytes))
                .then(|| String::from_utf8(bytes).ok())
                .flatten()
                .map(|text| config_refs::parse(&f.path, &text));
            if let (Some(cache), Some(key)) = (cache, key)
                && let Ok(entry) = postcard::to_stdvec(&refs)
            {
                cache.put(key, &entry);
            }
            refs
        })
        .collect()
}

fn is_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8000).any(|b| *b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file the walk saw but that cannot be read (removed meanwhile, or unreadable: root
    /// ignores permissions, so a missing file stands in for it) is an error entry, not a stop.
    #[test]
    fn an_unreadable_file_is_an_error_entry() {
        let root =
            std::env::temp_dir().join(format!("seaworthy-unreadable-{}", std::process::id()));
        let files = [
            WalkedFile {
                path: "gone/package.json".into(),
                kind: Some(FileKind::PackageJson),
                size: 10,
            },
            WalkedFile {
                path: "gone/Dockerfile".into(),
                kind: Some(FileKind::Dockerfile),
                size: 10,
            },
        ];
        let discovered = Discovered {
            files: files.to_vec(),
            ..Discovered::default()
        };
        let loaded = load(&root, &discovered, Limits::default());
        let messages: Vec<(&str, &str)> = loaded
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages.iter().all(|(_, m)| m.starts_with("cannot read")),
            "{messages:?}"
        );
        assert_eq!(loaded.stats.parsed, 0);
    }

    #[test]
    fn oversized_and_binary_files_are_counted_not_parsed() {
        let root = std::env::temp_dir().join(format!("seaworthy-limits-{}", std::process::id()));
        std::fs::create_dir_all(&root)
            .map_err(|e| e.to_string())
            .ok();
        std::fs::write(root.join("blob.js"), b"\x00\x01binary").ok();
        let files = [
            WalkedFile {
                path: "big.ts".into(),
                kind: Some(FileKind::Source { dts: false }),
                size: 5_000_000,
            },
            WalkedFile {
                path: "blob.js".into(),
                kind: Some(FileKind::Source { dts: false }),
                size: 8,
            },
        ];
        let discovered = Discovered {
            files: files.to_vec(),
            ..Discovered::default()
        };
        let loaded = load(&root, &discovered, Limits::default());
        assert_eq!(loaded.stats.skipped_too_large, 1);
        assert_eq!(loaded.stats.skipped_binary, 1);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        std::fs::remove_dir_all(&root).ok();
    }

    fn errors(repo: &crate::rules::testing::Repo) -> Vec<(String, String, Option<FileKind>)> {
        let (_, loaded) = repo.load();
        loaded
            .errors
            .into_iter()
            .map(|e| (e.path, e.message, e.kind))
            .collect()
    }

    /// tsc fails on an `extends` it cannot find and on a cycle; both are error entries. A
    /// target outside the root is named as not followed; a package from node_modules and
    /// gitignored build output are neither.
    #[test]
    fn extends_problems_are_error_entries() {
        use crate::rules::testing::Repo;
        let repo = Repo::new()
            .file(
                "package.json",
                r#"{ "name": "root", "workspaces": ["packages/*"] }"#,
            )
            .file(
                "packages/config/package.json",
                r#"{ "name": "@acme/config" }"#,
            )
            .file(".gitignore", ".nuxt/\n")
            .file("a/tsconfig.json", r#"{ "extends": "./missing.json" }"#)
            .file(
                "b/tsconfig.json",
                r#"{ "extends": "../../../outside.json" }"#,
            )
            .file("c/tsconfig.json", r#"{ "extends": "./tsconfig.json" }"#)
            .file(
                "d/tsconfig.json",
                r#"{ "extends": "./tsconfig.base.json" }"#,
            )
            .file(
                "d/tsconfig.base.json",
                r#"{ "extends": "../d/tsconfig.json" }"#,
            )
            .file(
                "e/tsconfig.json",
                r#"{ "extends": "@tsconfig/node20/tsconfig.json" }"#,
            )
            .file(
                "f/tsconfig.json",
                r#"{ "extends": "./.nuxt/tsconfig.json" }"#,
            )
            .file(
                "g/tsconfig.json",
                r#"{ "extends": "@acme/config/nope.json" }"#,
            )
            .file(
                "h/tsconfig.json",
                r#"{ "extends": "@acme/config/base.json" }"#,
            )
            .file("packages/config/base.json", r#"{ "compilerOptions": {} }"#);
        let found = errors(&repo);
        let summary: Vec<(&str, &str)> = found
            .iter()
            .map(|(p, m, _)| (p.as_str(), m.as_str()))
            .collect();
        assert_eq!(found.len(), 5, "{summary:#?}");
        let has = |path: &str, needle: &str| {
            found
                .iter()
                .any(|(p, m, _)| p == path && m.contains(needle))
        };
        assert!(has(
            "a/tsconfig.json",
            "`./missing.json`, which is not in the repository"
        ));
        assert!(has(
            "b/tsconfig.json",
            "outside the repository; not followed"
        ));
        assert!(has(
            "c/tsconfig.json",
            "cycle: c/tsconfig.json → c/tsconfig.json"
        ));
        assert!(has(
            "d/tsconfig.base.json",
            "cycle: d/tsconfig.base.json → d/tsconfig.json → d/tsconfig.base.json"
        ));
        assert!(has("g/tsconfig.json", "`@acme/config/nope.json`"));
        // Only the cycle and missing files leave the config's options unknown.
        assert!(
            found
                .iter()
                .filter(|(p, _, _)| p == "b/tsconfig.json")
                .all(|(_, _, kind)| kind.is_none())
        );
    }

    /// A cache entry that checks out (MAC and all) but does not deserialize, as one written by
    /// a build whose fact types changed without a `FACTS_VERSION` bump would, is parsed again
    /// and replaced; the facts are those of a load without the cache, every time.
    #[test]
    fn an_undecodable_entry_is_parsed_again_and_replaced() {
        use crate::rules::testing::Repo;
        let repo = Repo::new()
            .file(
                "package.json",
                r#"{ "name": "a", "dependencies": { "x": "1" } }"#,
            )
            .file(
                "tsconfig.json",
                "{ \"compilerOptions\": { \"strict\": true } }",
            )
            .file("Dockerfile", "FROM node:20\nRUN npm ci\n")
            .file("bad.json", "{")
            .file(
                "src/main.ts",
                "import x from 'x';\n// seaworthy-ignore deps/undeclared\n",
            );
        let (discovered, plain) = repo.load();
        let dir = std::env::temp_dir().join(format!("seaworthy-load-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = Path::new("/");
        let options = cache_options(Limits::default());
        let summary = |l: &Loaded| {
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?}",
                l.packages, l.tsconfigs, l.dockerfiles, l.sources, l.pragmas, l.errors
            )
        };
        let cold_cache = Cache::for_tests(root, &dir, [3; 32], &options);
        let cold = load_with(
            &repo.files,
            &discovered,
            Limits::default(),
            Some(&cold_cache),
        );
        cold_cache.save();
        assert_eq!(summary(&cold), summary(&plain));
        // Garble the entry of main.ts, under a valid MAC.
        let text = repo.files.read("src/main.ts").expect("main.ts");
        let key = Cache::key(
            &format!("{:?}", FileKind::Source { dts: false }),
            "src/main.ts",
            &text,
        );
        let garbling = Cache::for_tests(root, &dir, [3; 32], &options);
        assert!(garbling.get(&key).is_some(), "main.ts was cached");
        for other in &discovered.files {
            if let (Some(kind), Ok(bytes)) = (other.kind, repo.files.read(&other.path)) {
                garbling.get(&Cache::key(&format!("{kind:?}"), &other.path, &bytes));
            }
        }
        garbling.put(key, &[0xff; 7]);
        garbling.save();
        let warm_cache = Cache::for_tests(root, &dir, [3; 32], &options);
        assert_eq!(warm_cache.get(&key), Some(&[0xff; 7][..]));
        warm_cache.forget(&key);
        let warm = load_with(
            &repo.files,
            &discovered,
            Limits::default(),
            Some(&warm_cache),
        );
        warm_cache.save();
        assert_eq!(summary(&warm), summary(&plain));
        let fixed = Cache::for_tests(root, &dir, [3; 32], &options);
        assert_ne!(
            fixed.get(&key),
            Some(&[0xff; 7][..]),
            "the entry was replaced"
        );
        let warm = load_with(&repo.files, &discovered, Limits::default(), Some(&fixed));
        assert_eq!(summary(&warm), summary(&plain));
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Every parser's output reads back from the cache as it was written: on every fixture and
    /// the example, a warm load uses every entry (none is rejected) and loads what a load
    /// without the cache loads. (A fact type that does not round-trip would otherwise only
    /// show as a cache that never hits.)
    #[test]
    fn every_fixture_round_trips_through_the_cache() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut roots = vec![manifest.join("examples/incidents")];
        let mut stack = vec![manifest.join("tests/fixtures")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    let path = entry.path();
                    if path.join("package.json").is_file() {
                        roots.push(path);
                    } else {
                        stack.push(path);
                    }
                }
            }
        }
        assert!(roots.len() > 20, "{roots:?}");
        let dir = std::env::temp_dir().join(format!("seaworthy-roundtrip-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let options = cache_options(Limits::default());
        for root in roots {
            let discovered = crate::discover::discover(&root, 2);
            let disk = Disk::new(&root);
            let plain = format!("{:?}", load_from(&disk, &discovered, Limits::default()));
            let cold = Cache::for_tests(&root, &dir, [5; 32], &options);
            let loaded = load_with(&disk, &discovered, Limits::default(), Some(&cold));
            assert_eq!(format!("{loaded:?}"), plain, "{}", root.display());
            cold.save();
            let warm = Cache::for_tests(&root, &dir, [5; 32], &options);
            let loaded = load_with(&disk, &discovered, Limits::default(), Some(&warm));
            assert_eq!(
                warm.rejected(),
                0,
                "{}: entries that do not read back",
                root.display()
            );
            assert_eq!(format!("{loaded:?}"), plain, "{}", root.display());
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    /// bun.lock is read; a bun.lockb is recorded, not read, and noted once, with no file kind
    /// (so no check becomes unknown for it).
    #[test]
    fn bun_lock_is_read_and_bun_lockb_noted_once() {
        use crate::rules::testing::Repo;
        let lock = "{\n  \"lockfileVersion\": 1,\n  \"workspaces\": { \"\": { \"name\": \"a\" } },\n  \"packages\": {},\n}\n";
        let (_, loaded) = Repo::new()
            .file("package.json", "{ \"name\": \"a\" }")
            .file("bun.lock", lock)
            .file("b/package.json", "{ \"name\": \"b\" }")
            .file("b/bun.lockb", "\0binary")
            .load();
        assert_eq!(loaded.lockfiles.len(), 2);
        let read: Vec<_> = loaded.parsed_lockfiles.iter().map(|l| l.path()).collect();
        assert_eq!(read, ["bun.lock"]);
        assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
        assert_eq!(loaded.errors[0].path, "b/bun.lockb");
        assert!(loaded.errors[0].kind.is_none());
    }
}
