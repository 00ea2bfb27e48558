//! Yarn's frozen installs.
//!
//! - v1, `yarn install --frozen-lockfile` (yarnpkg/yarn `src/cli/commands/install.js`,
//!   `bailout` → `integrity-checker.js`): every top-level pattern `name@range` of the root
//!   package.json (dependencies, devDependencies, optionalDependencies) must be a key of
//!   yarn.lock, unless it names a workspace whose version satisfies the range. Nothing else is
//!   compared: a removed dependency or one moved between fields passes, and so does any change
//!   in a workspace's package.json, whose dependencies hang off the workspace aggregator rather
//!   than being top-level patterns (yarnpkg/yarn#5840; checked with yarn 1.22.22: the install
//!   resolves them from the registry and does not fail).
//! - berry, `yarn install --immutable` (yarnpkg/berry `Project.persistLockfile`): the install
//!   fails when the lockfile it would write differs from the one on disk. Replayed here: each
//!   workspace has its `name@workspace:path` entry, whose dependencies are the manifest's
//!   dependencies and devDependencies (ranges normalised to `npm:` as berry records them),
//!   every such descriptor has an entry, and no entry is left for a workspace that is gone.

use std::collections::BTreeMap;

use super::Drift;
use crate::model::{Model, Workspace};
use crate::parse::lockfile::yarn::YarnLockfile;
use crate::parse::package_json::DepKind;
use crate::paths;
use crate::semver;
use crate::source::Span;

pub(super) fn check(model: &Model, workspace: &Workspace, lock: &YarnLockfile) -> Vec<Drift> {
    if lock.berry {
        berry(model, workspace, lock)
    } else {
        classic(model, workspace, lock)
    }
}

fn classic(model: &Model, workspace: &Workspace, lock: &YarnLockfile) -> Vec<Drift> {
    let lock_name = paths::file_name(&lock.path);
    let mut drifts = Vec::new();
    // Only the root's patterns are top-level.
    if let Some(index) = workspace
        .package
        .filter(|&i| model.packages[i].dir == workspace.dir)
    {
        let package = &model.packages[index];
        for dep in &package.manifest.dependencies {
            if dep.kind == DepKind::Peer || dep.spec.is_empty() || dep.spec.starts_with("link:") {
                // Peers are not installed; `link:` patterns are never written to yarn.lock.
                continue;
            }
            if lock.entry(&format!("{}@{}", dep.name, dep.spec)).is_some() {
                continue;
            }
            // WorkspaceLayout.getManifestByPattern: a sibling workspace whose version satisfies.
            let sibling = workspace
                .members
                .iter()
                .map(|&i| &model.packages[i])
                .find(|p| {
                    p.manifest
                        .name
                        .as_ref()
                        .is_some_and(|n| n.value == dep.name)
                });
            if let Some(sibling) = sibling {
                let version = sibling.manifest.version.as_deref().unwrap_or("");
                match semver::satisfies(version, &dep.spec) {
                    Some(true) => continue,
                    Some(false) => {}
                    // A range this check cannot read: stay silent.
                    None => continue,
                }
            }
            if !semver::is_range(&dep.spec) && !is_plain_tag(&dep.spec) {
                // file:, git and tarball patterns are keyed in ways not replayed here.
                continue;
            }
            drifts.push(Drift {
                package: Some(index),
                path: package.manifest.path.clone(),
                span: dep.span,
                lock_line: None,
                key: format!("{}:{}", package.dir, dep.name),
                message: format!(
                    "`{}@{}` ({} of {}) has no entry in {lock_name}: `yarn install --frozen-lockfile` fails with \"Your lockfile needs to be updated\"",
                    dep.name,
                    dep.spec,
                    dep.kind.field(),
                    package.manifest.path
                ),
            });
        }
    }
    drifts
}

fn is_plain_tag(spec: &str) -> bool {
    !spec.is_empty()
        && spec
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// A range as berry records it in a workspace entry: semver ranges and tags get the default
/// `npm:` protocol (Configuration.normalizeDependency); `None` for other protocols.
fn berry_range(spec: &str) -> Option<String> {
    if spec.starts_with("npm:") {
        return Some(spec.to_string());
    }
    if semver::is_range(spec) || is_plain_tag(spec) {
        return Some(format!("npm:{spec}"));
    }
    None
}

fn berry(model: &Model, workspace: &Workspace, lock: &YarnLockfile) -> Vec<Drift> {
    let lock_name = paths::file_name(&lock.path);
    let lock_dir = paths::parent(&lock.path);
    let mut drifts = Vec::new();
    let mut paths_seen = Vec::new();
    for &index in &workspace.members {
        let package = &model.packages[index];
        let Some(rel) = paths::strip_dir(&package.dir, lock_dir) else {
            continue;
        };
        let rel = if rel.is_empty() { "." } else { rel };
        paths_seen.push(rel.to_string());
        let manifest = &package.manifest.path;
        let Some(entry) = lock.workspace(rel) else {
            drifts.push(Drift {
                package: Some(index),
                path: manifest.clone(),
                span: package.manifest.top,
                lock_line: None,
                key: format!("{}:<workspace>", package.dir),
                message: format!(
                    "workspace {rel} ({}) has no `@workspace:{rel}` entry in {lock_name}: `yarn install --immutable` fails with \"The lockfile would have been modified\"",
                    package.name()
                ),
            });
            continue;
        };
        // Berry merges dependencies and devDependencies (and optionals) into one map.
        let mut declared: BTreeMap<&str, (&str, &crate::parse::package_json::Dependency)> =
            BTreeMap::new();
        for dep in package
            .manifest
            .dependencies
            .iter()
            .filter(|d| d.kind != DepKind::Peer)
        {
            declared.insert(&dep.name, (&dep.spec, dep));
        }
        let locked: BTreeMap<&str, &str> = entry
            .dependencies
            .iter()
            .map(|(n, r)| (n.as_str(), r.as_str()))
            .collect();
        let push = |drifts: &mut Vec<Drift>, name: &str, span: Option<Span>, message: String| {
            drifts.push(Drift {
                package: Some(index),
                path: if span.is_some() { manifest.clone() } else { lock.path.clone() },
                span: span.unwrap_or_else(|| Span::point(entry.line, 1)),
                lock_line: span.map(|_| entry.line),
                key: format!("{}:{name}", package.dir),
                message: format!("{message}: `yarn install --immutable` fails with \"The lockfile would have been modified\""),
            });
        };
        for (name, (spec, dep)) in &declared {
            match locked.get(name) {
                None => push(
                    &mut drifts,
                    name,
                    Some(dep.span),
                    format!(
                        "`{name}` (`{spec}`) is declared in {manifest} but not in its workspace entry in {lock_name}"
                    ),
                ),
                Some(range) => {
                    let expected = if spec.starts_with("workspace:") {
                        spec.to_string()
                    } else if let Some(expected) = berry_range(spec) {
                        expected
                    } else {
                        continue;
                    };
                    if model.package_named(name).is_some() && !spec.starts_with("workspace:") {
                        // Transparent workspaces resolve registry ranges to siblings: not judged.
                        continue;
                    }
                    if *range != expected {
                        push(
                            &mut drifts,
                            name,
                            Some(dep.span),
                            format!(
                                "`{name}` is declared as `{spec}` in {manifest} but locked as `{range}` in {lock_name}"
                            ),
                        );
                    } else if lock.entry(&format!("{name}@{range}")).is_none() {
                        push(
                            &mut drifts,
                            name,
                            Some(dep.span),
                            format!("`{name}@{range}` has no entry in {lock_name}"),
                        );
                    }
                }
            }
        }
        for (name, range) in &locked {
            if !declared.contains_key(name) {
                push(
                    &mut drifts,
                    name,
                    None,
                    format!(
                        "`{name}` (`{range}`) is locked for workspace {rel} but no longer declared in {manifest}"
                    ),
                );
            }
        }
    }
    // `resolutions: {"ms": "2.1.3"}` rewrites every `ms` descriptor to `ms@npm:2.1.3`, which
    // must then be in the lockfile (nested or ranged selectors are not replayed).
    let root = workspace.package.map(|i| &model.packages[i]);
    if let Some(serde_json::Value::Object(resolutions)) = root
        .and_then(|r| r.manifest.resolutions.as_ref())
        .map(|r| &r.value)
    {
        for (name, value) in resolutions {
            let Some(range) = value.as_str().and_then(berry_range) else {
                continue;
            };
            if name.contains('/') && !name.starts_with('@')
                || crate::parse::lockfile::split_name(name).is_some()
            {
                continue;
            }
            let used = lock
                .entries
                .iter()
                .any(|e| e.name() == name && e.workspace_path().is_none());
            if used && lock.entry(&format!("{name}@{range}")).is_none() {
                drifts.push(Drift {
                    package: workspace.package,
                    path: root.map_or_else(|| lock.path.clone(), |r| r.manifest.path.clone()),
                    span: root.and_then(|r| r.manifest.resolutions.as_ref()).map_or(Span::point(1, 1), |r| r.span),
                    lock_line: None,
                    key: format!("resolutions:{name}"),
                    message: format!(
                        "`resolutions` pins `{name}` to `{value}` but {lock_name} has no `{name}@{range}` entry: `yarn install --immutable` fails with \"The lockfile would have been modified\"",
                        value = value.as_str().unwrap_or_default()
                    ),
                });
            }
        }
    }
    for entry in &lock.entries {
        let Some(path) = entry.workspace_path() else {
            continue;
        };
        if !paths_seen.iter().any(|p| p == path) {
            drifts.push(Drift {
                package: None,
                path: lock.path.clone(),
                span: Span::point(entry.line, 1),
                lock_line: None,
                key: format!("workspace:{path}"),
                message: format!(
                    "{lock_name} has an entry for workspace {path} ({}), which no longer exists: `yarn install --immutable` fails with \"The lockfile would have been modified\"",
                    entry.name()
                ),
            });
        }
    }
    drifts
}
