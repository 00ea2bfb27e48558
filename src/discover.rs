//! Discovery: one parallel walk of the repository with the `ignore` crate, honouring the
//! `.gitignore` files a fresh clone would honour (not the user's global excludes), never entering
//! `node_modules` or `.git`, and never following a link out of the root. Every file is classified
//! once here; later stages only look at the kinds they need.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::{DirEntry, WalkBuilder, WalkState};

use crate::diagnostic::ErrorEntry;

/// Lockfile flavours; Bun's is recognised only so that mixed managers can be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockfileKind {
    Pnpm,
    Npm,
    Yarn,
    Bun,
}

/// What a file is to seaworthy. Files that fit none of these are walked (so Docker `COPY`
/// sources can be checked against them) but never read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    PackageJson,
    Lockfile(LockfileKind),
    PnpmWorkspace,
    TsConfig,
    Source {
        dts: bool,
    },
    Dockerfile,
    DockerIgnore,
    /// `.gitignore`: read by the model to tell build output (gitignored) from missing files.
    GitIgnore,
    Compose,
    Env,
    NestCli,
    Turbo,
    Nx,
    NxProject,
    YarnRc,
    Npmrc,
}

impl FileKind {
    /// Kinds whose content the pipeline reads and parses in this version.
    pub fn is_parsed(self) -> bool {
        !matches!(self, FileKind::Env)
    }

    /// Lockfiles are routinely several megabytes; they get their own, larger size limit.
    pub fn is_lockfile(self) -> bool {
        matches!(self, FileKind::Lockfile(_))
    }
}

const SOURCE_EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];

/// Classifies a file by its name alone.
pub fn classify(name: &str) -> Option<FileKind> {
    let kind = match name {
        "package.json" => FileKind::PackageJson,
        "pnpm-lock.yaml" => FileKind::Lockfile(LockfileKind::Pnpm),
        "package-lock.json" | "npm-shrinkwrap.json" => FileKind::Lockfile(LockfileKind::Npm),
        "yarn.lock" => FileKind::Lockfile(LockfileKind::Yarn),
        "bun.lockb" | "bun.lock" => FileKind::Lockfile(LockfileKind::Bun),
        "pnpm-workspace.yaml" | "pnpm-workspace.yml" => FileKind::PnpmWorkspace,
        "jsconfig.json" => FileKind::TsConfig,
        "nest-cli.json" | ".nestcli.json" => FileKind::NestCli,
        "turbo.json" | "turbo.jsonc" => FileKind::Turbo,
        "nx.json" => FileKind::Nx,
        "project.json" => FileKind::NxProject,
        ".yarnrc.yml" | ".yarnrc.yaml" | ".yarnrc" => FileKind::YarnRc,
        ".npmrc" => FileKind::Npmrc,
        ".dockerignore" => FileKind::DockerIgnore,
        ".gitignore" => FileKind::GitIgnore,
        ".env" => FileKind::Env,
        "Dockerfile" | "dockerfile" | "Containerfile" => FileKind::Dockerfile,
        _ => return classify_by_pattern(name),
    };
    Some(kind)
}

fn classify_by_pattern(name: &str) -> Option<FileKind> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        // `Dockerfile.dockerignore` / `api.Dockerfile.dockerignore`: BuildKit's per-Dockerfile ignore file.
        return Some(FileKind::DockerIgnore);
    }
    if name.starts_with("tsconfig") && lower.ends_with(".json") {
        return Some(FileKind::TsConfig);
    }
    if lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") {
        return Some(FileKind::Dockerfile);
    }
    if (lower.starts_with("docker-compose") || lower.starts_with("compose"))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
    {
        return Some(FileKind::Compose);
    }
    if name.starts_with(".env.") {
        return Some(FileKind::Env);
    }
    let (stem, ext) = name.rsplit_once('.')?;
    if SOURCE_EXTENSIONS.contains(&ext) && !stem.is_empty() {
        let dts = stem.ends_with(".d") || stem.contains(".d.");
        return Some(FileKind::Source { dts });
    }
    None
}

/// One regular file found by the walk.
#[derive(Debug, Clone)]
pub struct WalkedFile {
    /// Repository-relative, `/`-separated.
    pub path: String,
    pub kind: Option<FileKind>,
    pub size: u64,
}

/// Everything the walk saw, sorted by path so later stages are deterministic.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<WalkedFile>,
    /// Directories walked (repository-relative, no trailing slash; the root is `""`).
    pub dirs: Vec<String>,
    pub errors: Vec<ErrorEntry>,
    /// Symbolic links not followed: dangling (an uninitialised submodule, say) or pointing
    /// outside the repository. Counted, not reported as errors: the files are not malformed.
    pub skipped_links: usize,
}

#[derive(Default)]
struct Collected {
    files: Vec<WalkedFile>,
    dirs: Vec<String>,
    errors: Vec<ErrorEntry>,
    skipped_links: usize,
}

/// Per-thread buffer, merged into the shared result when the walker drops it.
struct Sink {
    local: Collected,
    shared: Arc<Mutex<Collected>>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.files.extend(local.files);
        shared.dirs.extend(local.dirs);
        shared.errors.extend(local.errors);
        shared.skipped_links += local.skipped_links;
    }
}

/// Walks `root` in parallel. Never fails: what cannot be walked becomes an error entry.
pub fn discover(root: &Path, threads: usize) -> Discovered {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let shared = Arc::new(Mutex::new(Collected::default()));
    let filter_shared = Arc::clone(&shared);

    let walker = WalkBuilder::new(root)
        .hidden(false)
        .parents(false)
        .ignore(false)
        .git_global(false)
        .git_exclude(false)
        .git_ignore(true)
        .require_git(false)
        .follow_links(true)
        .threads(threads)
        .filter_entry(move |entry| keep_entry(entry, &canonical_root, &filter_shared))
        .build_parallel();

    walker.run(|| {
        let mut sink = Sink {
            local: Collected::default(),
            shared: Arc::clone(&shared),
        };
        let root = root.to_path_buf();
        Box::new(move |result| {
            match result {
                Ok(entry) => record(&root, entry, &mut sink.local),
                Err(err) if is_dangling_link(&err) => sink.local.skipped_links += 1,
                Err(err) => sink.local.errors.push(walk_error(&root, &err)),
            }
            WalkState::Continue
        })
    });

    let collected = std::mem::take(&mut *shared.lock().unwrap_or_else(|e| e.into_inner()));
    let mut discovered = Discovered {
        files: collected.files,
        dirs: collected.dirs,
        errors: collected.errors,
        skipped_links: collected.skipped_links,
    };
    discovered.files.sort_by(|a, b| a.path.cmp(&b.path));
    discovered.files.dedup_by(|a, b| a.path == b.path);
    discovered.dirs.sort();
    discovered.dirs.dedup();
    discovered.errors.sort();
    discovered.errors.dedup();
    discovered
}

fn keep_entry(entry: &DirEntry, canonical_root: &Path, shared: &Mutex<Collected>) -> bool {
    let name = entry.file_name();
    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
    if is_dir && (name == "node_modules" || name == ".git") {
        return false;
    }
    if !entry.path_is_symlink() {
        return true;
    }
    // A link is followed only while it stays inside the repository.
    if let Ok(target) = entry.path().canonicalize()
        && target.starts_with(canonical_root)
    {
        return true;
    }
    shared
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .skipped_links += 1;
    false
}

/// The walker stats a link's target before the filter sees it; a dangling one fails here.
fn is_dangling_link(err: &ignore::Error) -> bool {
    fn not_found(err: &ignore::Error) -> bool {
        match err {
            ignore::Error::Io(io) => io.kind() == std::io::ErrorKind::NotFound,
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithPath { err, .. } => {
                not_found(err)
            }
            _ => false,
        }
    }
    match err {
        ignore::Error::WithPath { path, err } => {
            not_found(err)
                && path
                    .symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink())
        }
        ignore::Error::WithDepth { err, .. } => is_dangling_link(err),
        _ => false,
    }
}

fn record(root: &Path, entry: DirEntry, out: &mut Collected) {
    let Some(file_type) = entry.file_type() else {
        return;
    };
    let Some(path) = relative(root, entry.path()) else {
        out.errors.push(ErrorEntry::new(
            lossy(root, entry.path()),
            "file name is not valid UTF-8; skipped",
            None,
        ));
        return;
    };
    if file_type.is_dir() {
        out.dirs.push(path);
        return;
    }
    if !file_type.is_file() {
        return;
    }
    let name = path.rsplit('/').next().unwrap_or(&path);
    let kind = classify(name);
    let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
    out.files.push(WalkedFile { path, kind, size });
}

/// Repository-relative POSIX path, or `None` when the name is not UTF-8.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for component in rel.components() {
        let part = component.as_os_str().to_str()?;
        if part == "." {
            continue;
        }
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(part);
    }
    Some(out)
}

fn lossy(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn walk_error(root: &Path, err: &ignore::Error) -> ErrorEntry {
    let (path, message) = describe(err);
    let path = path.map_or_else(String::new, |p| {
        relative(root, &p).unwrap_or_else(|| lossy(root, &p))
    });
    ErrorEntry::new(path, message, None)
}

fn describe(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), describe(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe(err)
        }
        ignore::Error::Loop { child, ancestor } => (
            Some(child.clone()),
            format!(
                "symbolic link loop back to {}; not followed",
                ancestor.display()
            ),
        ),
        ignore::Error::Io(io) => (None, format!("cannot read: {io}")),
        other => (None, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_files_seaworthy_reads() {
        assert_eq!(classify("package.json"), Some(FileKind::PackageJson));
        assert_eq!(classify("tsconfig.build.json"), Some(FileKind::TsConfig));
        assert_eq!(classify("Dockerfile.prod"), Some(FileKind::Dockerfile));
        assert_eq!(classify("api.Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(
            classify("Dockerfile.dockerignore"),
            Some(FileKind::DockerIgnore)
        );
        assert_eq!(classify("docker-compose.prod.yml"), Some(FileKind::Compose));
        assert_eq!(classify("compose.yaml"), Some(FileKind::Compose));
        assert_eq!(classify("index.d.ts"), Some(FileKind::Source { dts: true }));
        assert_eq!(
            classify("types.d.mts"),
            Some(FileKind::Source { dts: true })
        );
        assert_eq!(classify("main.ts"), Some(FileKind::Source { dts: false }));
        assert_eq!(classify(".env.local"), Some(FileKind::Env));
        assert_eq!(classify("README.md"), None);
        assert_eq!(classify(".ts"), None);
    }
}
