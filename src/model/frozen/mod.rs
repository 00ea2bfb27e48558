//! What each package manager's frozen install checks before it installs anything, replayed on
//! the model: `pnpm install --frozen-lockfile` (ERR_PNPM_OUTDATED_LOCKFILE,
//! ERR_PNPM_LOCKFILE_CONFIG_MISMATCH), `npm ci` ("can only install packages when your
//! package.json and package-lock.json are in sync"), `yarn install --frozen-lockfile` (v1) and
//! `yarn install --immutable` (berry); Bun's is not replayed (see [`check`]). Each verdict is a
//! list of [`Drift`]s, empty when the install would go ahead. `lockfile/out-of-sync` reports
//! them; the Docker rules ask the same question for the install a Dockerfile runs.
//!
//! Precision comes first: where the outcome depends on something seaworthy cannot see (a
//! `.pnpmfile.cjs` hook, npm `overrides`, a non-registry specifier), no drift is reported.

mod npm;
mod pnpm;
mod yarn;

pub(crate) use npm::entry_problems;

use crate::model::{Model, PackageManager, Workspace};
use crate::parse::lockfile::Lockfile;
use crate::source::Span;

/// One reason a frozen install of a workspace fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Drift {
    /// The package whose manifest disagrees, when it is one package's (not a lockfile setting).
    pub package: Option<usize>,
    /// Where to point: the package.json line that changed, or the lockfile line that is stale.
    pub path: String,
    pub span: Span,
    /// The lockfile line concerned, when the finding points into package.json.
    pub lock_line: Option<u32>,
    /// Semantic identity: `<package dir>:<dependency>` or `settings:<name>`.
    pub key: String,
    pub message: String,
}

/// The command that rewrites the lockfile, and the flag of the frozen install that fails.
pub(crate) fn fix_command(
    workspace: &Workspace,
    lockfile: &Lockfile,
) -> (&'static str, &'static str) {
    match lockfile {
        Lockfile::Pnpm(_) => ("pnpm install", "pnpm install --frozen-lockfile"),
        Lockfile::Npm(_) => ("npm install", "npm ci"),
        Lockfile::Yarn(y) if y.berry => ("yarn install", "yarn install --immutable"),
        Lockfile::Bun(_) => ("bun install", "bun install --frozen-lockfile"),
        Lockfile::Yarn(_) => {
            let _ = workspace;
            ("yarn install", "yarn install --frozen-lockfile")
        }
    }
}

/// The drifts of one install root against its lockfile. A root whose lockfile belongs to
/// another manager than the one it declares is left to `lockfile/multiple-managers`.
pub(crate) fn check(model: &Model, workspace: &Workspace) -> Vec<Drift> {
    let Some(lock) = model.lock_for(workspace) else {
        return Vec::new();
    };
    let manager = workspace.package_manager;
    match &lock.file {
        Lockfile::Pnpm(l) if manager == Some(PackageManager::Pnpm) => {
            pnpm::check(model, workspace, l)
        }
        Lockfile::Npm(l) if manager == Some(PackageManager::Npm) => npm::check(model, workspace, l),
        Lockfile::Yarn(l) if manager == Some(PackageManager::Yarn) => {
            yarn::check(model, workspace, l)
        }
        // `bun install --frozen-lockfile` is not replayed: it fails when its resolution of the
        // manifests would change bun.lock, which depends on Bun's hoisting and not only on the
        // specifiers. Checked with Bun 1.4.5: a new dependency already locked elsewhere in the
        // tree passes, so do a removed one, one moved between fields and a changed range the
        // locked version still satisfies; a changed range that the nested copy it replaces
        // does not satisfy fails even when the hoisted copy would. No drift is reported.
        _ => Vec::new(),
    }
}

/// The major version a root declares in `packageManager` (`pnpm@9.12.0` → 9).
pub(crate) fn declared_major(workspace: &Workspace) -> Option<u32> {
    let declared = workspace.package_manager_version.as_deref()?;
    let (_, version) = declared.split_once('@')?;
    version
        .split('.')
        .next()?
        .trim_start_matches(['v', '^', '~'])
        .parse()
        .ok()
}

/// `path` relative to the lockfile's directory, as importers and workspace entries name it.
fn relative(dir: &str, lock_dir: &str) -> Option<String> {
    let rel = crate::paths::strip_dir(dir, lock_dir)?;
    Some(rel.to_string())
}
