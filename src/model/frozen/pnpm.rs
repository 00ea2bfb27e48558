//! `pnpm install --frozen-lockfile`, as pnpm 9 and 10 decide it (pnpm/pnpm
//! `pkg-manager/core/src/install/index.ts`):
//!
//! 1. `getOutdatedLockfileSetting` (lockfile/settings-checker): `overrides`,
//!    `packageExtensionsChecksum`, `ignoredOptionalDependencies`, `patchedDependencies`,
//!    `settings.autoInstallPeers`, `settings.excludeLinksFromLockfile`,
//!    `settings.peersSuffixMaxLength`, `pnpmfileChecksum`; pnpm 10 adds `catalogs`,
//!    `settings.dedupePeers` and `settings.injectWorkspacePackages`. A difference is
//!    ERR_PNPM_LOCKFILE_CONFIG_MISMATCH.
//! 2. `satisfiesPackageManifest` (lockfile/verification) for every project, on its manifest as
//!    the read-package hook leaves it (overrides applied): the specifiers of all dependency
//!    fields (peers too with `autoInstallPeers`) must equal the importer's exactly, each
//!    dependency must sit in the same field, and `dependenciesMeta` and
//!    `publishConfig.directory` must match. A difference is ERR_PNPM_OUTDATED_LOCKFILE. A project
//!    with no importer gets an empty one, so a new workspace without dependencies passes.
//!    pnpm 10 also checks that each locked version satisfies its semver specifier.
//!
//! When `packageManager` does not say which major runs, a drift is reported only if both 9 and
//! 10 would fail on it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Drift, declared_major, relative};
use crate::model::{Model, Package, Workspace};
use crate::parse::lockfile::pnpm::{PnpmImporter, PnpmLockfile, ref_version};
use crate::parse::package_json::{DepKind, Dependency};
use crate::paths;
use crate::semver;
use crate::source::Span;

/// The install settings pnpm would run with, from the repository's files.
struct Config {
    major: u32,
    /// `None` when they cannot be computed exactly (a non-string value, an unresolvable
    /// `$ref` or catalog): then neither compared nor applied.
    overrides: Option<BTreeMap<String, String>>,
    auto_install_peers: bool,
    exclude_links: bool,
    peers_suffix_max_length: u64,
    dedupe_peers: bool,
    inject_workspace_packages: bool,
    ignored_optional: Vec<String>,
    patched: BTreeSet<String>,
    package_extensions: bool,
    catalogs: BTreeMap<String, BTreeMap<String, String>>,
}

pub(super) fn check(model: &Model, workspace: &Workspace, lock: &PnpmLockfile) -> Vec<Drift> {
    // pnpm 9 and 10 read lockfile v9 and v6 (`LOCKFILE_VERSION_V6`); older ones need a full
    // resolution, which a frozen install refuses: that is `lockfile/package-manager-drift`.
    if !(lock.major() == Some(9) || lock.version == "6.0") {
        return Vec::new();
    }
    // A pnpmfile's readPackage hook may rewrite every manifest: the outcome cannot be known.
    let dir = &workspace.dir;
    let pnpmfile = [".pnpmfile.cjs", ".pnpmfile.mjs"]
        .iter()
        .any(|f| model.files.is_file(&join(dir, f)));
    if pnpmfile {
        return Vec::new();
    }
    let majors: Vec<u32> = match declared_major(workspace) {
        Some(m) if m >= 10 => vec![10],
        Some(_) => vec![9],
        None => vec![9, 10],
    };
    let mut verdicts: Vec<Vec<Drift>> = majors
        .iter()
        .map(|&major| {
            let config = config(model, workspace, major);
            let mut drifts = settings(lock, &config, model, workspace);
            for &member in &workspace.members {
                drifts.extend(project(
                    model,
                    &model.packages[member],
                    member,
                    workspace,
                    lock,
                    &config,
                ));
            }
            drifts
        })
        .collect();
    let Some(mut first) = verdicts.pop() else {
        return Vec::new();
    };
    // Keep what every plausible major fails on.
    first.retain(|d| verdicts.iter().all(|v| v.iter().any(|o| o.key == d.key)));
    first
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn config(model: &Model, workspace: &Workspace, major: u32) -> Config {
    let root = workspace.package.map(|i| &model.packages[i].manifest);
    let npmrc = model
        .npmrcs
        .iter()
        .find(|n| n.path == join(&workspace.dir, ".npmrc"));
    let yaml = model
        .pnpm_workspaces
        .iter()
        .find(|w| paths::parent(&w.path) == workspace.dir);
    // pnpm 10 reads settings from pnpm-workspace.yaml too (and they win over .npmrc).
    let yaml_setting = |key: &str| {
        if major >= 10 {
            yaml.and_then(|y| y.settings.get(key)).map(String::as_str)
        } else {
            None
        }
    };
    let flag = |camel: &str, kebab: &str, default: bool| {
        yaml_setting(camel)
            .map(|v| v == "true")
            .or_else(|| npmrc.and_then(|n| n.flag(kebab)))
            .unwrap_or(default)
    };
    let catalogs = yaml.map(|y| y.catalogs.clone()).unwrap_or_default();
    let pnpm_field = root.and_then(|m| m.pnpm.as_ref()).map(|p| &p.value);
    let pnpm_get = |key: &str| pnpm_field.and_then(|p| p.get(key));
    let mut overrides = root_overrides(
        root.and_then(|m| m.resolutions.as_ref().map(|r| &r.value)),
        pnpm_get("overrides"),
    );
    if major >= 10
        && let Some(yaml_overrides) = yaml.and_then(|y| y.overrides.as_ref())
    {
        overrides = Some(yaml_overrides.clone());
    }
    let overrides = overrides.and_then(|o| resolve_overrides(o, root, &catalogs));
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut ignored_optional = strings(pnpm_get("ignoredOptionalDependencies"));
    let mut patched: BTreeSet<String> = pnpm_get("patchedDependencies")
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let mut package_extensions = pnpm_get("packageExtensions")
        .and_then(Value::as_object)
        .is_some_and(|o| !o.is_empty());
    if major >= 10
        && let Some(y) = yaml
    {
        if let Some(ignored) = &y.ignored_optional_dependencies {
            ignored_optional = ignored.clone();
        }
        if let Some(p) = &y.patched_dependencies {
            patched = p.iter().cloned().collect();
        }
        package_extensions |= y.package_extensions;
    }
    ignored_optional.sort();
    Config {
        major,
        overrides,
        auto_install_peers: flag("autoInstallPeers", "auto-install-peers", true),
        exclude_links: flag(
            "excludeLinksFromLockfile",
            "exclude-links-from-lockfile",
            false,
        ),
        peers_suffix_max_length: yaml_setting("peersSuffixMaxLength")
            .or_else(|| npmrc.and_then(|n| n.get("peers-suffix-max-length")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000),
        dedupe_peers: flag("dedupePeers", "dedupe-peers", false),
        inject_workspace_packages: flag(
            "injectWorkspacePackages",
            "inject-workspace-packages",
            false,
        ),
        ignored_optional,
        patched,
        package_extensions,
        catalogs,
    }
}

/// `{...resolutions, ...pnpm.overrides}` (config/config getOptionsFromRootManifest).
fn root_overrides(
    resolutions: Option<&Value>,
    overrides: Option<&Value>,
) -> Option<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for source in [resolutions, overrides].into_iter().flatten() {
        for (k, v) in source.as_object()? {
            out.insert(k.clone(), v.as_str()?.to_string());
        }
    }
    Some(out)
}

/// `$name` references (to the root's own dependencies) and `catalog:` values, as pnpm resolves
/// them before writing the overrides into the lockfile.
fn resolve_overrides(
    overrides: BTreeMap<String, String>,
    root: Option<&crate::parse::package_json::PackageJson>,
    catalogs: &BTreeMap<String, BTreeMap<String, String>>,
) -> Option<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (selector, value) in overrides {
        let value = if let Some(reference) = value.strip_prefix('$') {
            // {...devDependencies, ...dependencies, ...optionalDependencies}: later fields win.
            let deps = root?
                .dependencies
                .iter()
                .filter(|d| d.name == reference && d.kind != DepKind::Peer);
            deps.max_by_key(|d| match d.kind {
                DepKind::Dev => 0,
                DepKind::Prod => 1,
                _ => 2,
            })?
            .spec
            .clone()
        } else if let Some(name) = value.strip_prefix("catalog:") {
            let catalog = if name.is_empty() { "default" } else { name };
            let target = target_of(&selector)?.0;
            catalogs.get(catalog)?.get(target)?.clone()
        } else {
            value
        };
        out.insert(selector, value);
    }
    Some(out)
}

/// The target package of an override selector (`a>b@<2` → (`b`, Some(`<2`))), and its parent.
fn target_of(selector: &str) -> Option<(&str, Option<&str>)> {
    let bytes = selector.as_bytes();
    // DELIMITER_REGEX = /[^ |@]>/ (config/parse-overrides)
    let split =
        (1..bytes.len()).find(|&i| bytes[i] == b'>' && !matches!(bytes[i - 1], b' ' | b'|' | b'@'));
    let target = match split {
        Some(i) => &selector[i + 1..],
        None => selector,
    };
    Some(name_and_pref(target))
}

fn parent_of(selector: &str) -> Option<(&str, Option<&str>)> {
    let bytes = selector.as_bytes();
    let split = (1..bytes.len())
        .find(|&i| bytes[i] == b'>' && !matches!(bytes[i - 1], b' ' | b'|' | b'@'))?;
    Some(name_and_pref(&selector[..split]))
}

fn name_and_pref(selector: &str) -> (&str, Option<&str>) {
    match crate::parse::lockfile::split_name(selector) {
        Some((name, pref)) => (name, Some(pref)),
        None => (selector, None),
    }
}

/// isIntersectingRange (hooks/read-package-hook).
fn intersecting(pref: Option<&str>, spec: &str) -> bool {
    match pref {
        None => true,
        Some(p) if p == spec => true,
        Some(p) => semver::intersects(spec, p).unwrap_or(false),
    }
}

/// The lockfile-level settings pnpm compares before anything else.
fn settings(
    lock: &PnpmLockfile,
    config: &Config,
    model: &Model,
    workspace: &Workspace,
) -> Vec<Drift> {
    let mut out = Vec::new();
    let at = |line: u32| Span::point(line.max(1), 1);
    let mut push = |name: &str, line: u32, message: String| {
        out.push(Drift {
            package: None,
            path: lock.path.clone(),
            span: at(line),
            lock_line: None,
            key: format!("settings:{name}"),
            message,
        });
    };
    if config.major >= 10 {
        for (catalog, entries) in &lock.catalogs {
            for (alias, entry) in entries {
                let current = config.catalogs.get(catalog).and_then(|c| c.get(alias));
                if current != Some(&entry.specifier) {
                    let now = current.map_or("no entry".to_string(), |c| format!("`{c}`"));
                    push(
                        &format!("catalogs.{catalog}.{alias}"),
                        entry.line,
                        format!(
                            "catalog `{catalog}` entry `{alias}` is locked as `{}` but pnpm-workspace.yaml has {now}",
                            entry.specifier
                        ),
                    );
                }
            }
        }
    }
    if let Some(current) = &config.overrides {
        let (locked, line) = lock.overrides.clone().unwrap_or_default();
        if &locked != current {
            let line = if line == 0 { lock.version_line } else { line };
            push(
                "overrides",
                line,
                describe_map_diff("overrides", &locked, current),
            );
        }
    }
    if lock.package_extensions_checksum.is_some() != config.package_extensions {
        push(
            "packageExtensionsChecksum",
            lock.version_line,
            if config.package_extensions {
                "`pnpm.packageExtensions` is set but the lockfile has no `packageExtensionsChecksum`".to_string()
            } else {
                "the lockfile records `packageExtensionsChecksum` but `pnpm.packageExtensions` is not set".to_string()
            },
        );
    }
    let mut locked_ignored = lock
        .ignored_optional_dependencies
        .clone()
        .unwrap_or_default();
    locked_ignored.sort();
    if locked_ignored != config.ignored_optional {
        push(
            "ignoredOptionalDependencies",
            lock.version_line,
            format!(
                "`ignoredOptionalDependencies` is locked as {locked_ignored:?} but configured as {:?}",
                config.ignored_optional
            ),
        );
    }
    let (patches, patches_line) = lock.patched_dependencies.clone().unwrap_or_default();
    let locked_patches: BTreeSet<String> = patches.into_keys().collect();
    if locked_patches != config.patched {
        let line = if patches_line == 0 {
            lock.version_line
        } else {
            patches_line
        };
        push(
            "patchedDependencies",
            line,
            format!(
                "`patchedDependencies` is locked for {} but configured for {}",
                list(&locked_patches),
                list(&config.patched)
            ),
        );
    }
    let s = &lock.settings;
    if let Some(locked) = s.auto_install_peers
        && locked != config.auto_install_peers
    {
        push(
            "settings.autoInstallPeers",
            lock.version_line,
            format!(
                "`autoInstallPeers` is locked as `{locked}` but configured as `{}`",
                config.auto_install_peers
            ),
        );
    }
    if let Some(locked) = s.exclude_links_from_lockfile
        && locked != config.exclude_links
    {
        push(
            "settings.excludeLinksFromLockfile",
            lock.version_line,
            format!(
                "`excludeLinksFromLockfile` is locked as `{locked}` but configured as `{}`",
                config.exclude_links
            ),
        );
    }
    let locked_suffix = s.peers_suffix_max_length.unwrap_or(1000);
    if locked_suffix != config.peers_suffix_max_length {
        push(
            "settings.peersSuffixMaxLength",
            lock.version_line,
            format!(
                "`peersSuffixMaxLength` is locked as `{locked_suffix}` but configured as `{}`",
                config.peers_suffix_max_length
            ),
        );
    }
    let pnpmfile_gone = lock.pnpmfile_checksum.is_some()
        && ![".pnpmfile.cjs", ".pnpmfile.mjs"]
            .iter()
            .any(|f| model.files.is_file(&join(&workspace.dir, f)));
    if pnpmfile_gone {
        push(
            "pnpmfileChecksum",
            lock.version_line,
            "the lockfile records a `pnpmfileChecksum` but the repository has no `.pnpmfile.cjs`"
                .to_string(),
        );
    }
    if config.major >= 10 {
        if s.dedupe_peers.unwrap_or(false) != config.dedupe_peers {
            push(
                "settings.dedupePeers",
                lock.version_line,
                format!(
                    "`dedupePeers` is locked as `{}` but configured as `{}`",
                    s.dedupe_peers.unwrap_or(false),
                    config.dedupe_peers
                ),
            );
        }
        if s.inject_workspace_packages.unwrap_or(false) != config.inject_workspace_packages {
            push(
                "settings.injectWorkspacePackages",
                lock.version_line,
                format!(
                    "`injectWorkspacePackages` is locked as `{}` but configured as `{}`",
                    s.inject_workspace_packages.unwrap_or(false),
                    config.inject_workspace_packages
                ),
            );
        }
    }
    for drift in &mut out {
        drift.message = format!(
            "{}: `pnpm install --frozen-lockfile` fails with ERR_PNPM_LOCKFILE_CONFIG_MISMATCH",
            drift.message
        );
    }
    out
}

fn list(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "nothing".to_string()
    } else {
        set.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn describe_map_diff(
    what: &str,
    locked: &BTreeMap<String, String>,
    current: &BTreeMap<String, String>,
) -> String {
    let mut parts = Vec::new();
    for (k, v) in current {
        match locked.get(k) {
            None => parts.push(format!("`{k}: {v}` is not in the lockfile")),
            Some(l) if l != v => parts.push(format!("`{k}` is `{v}` but locked as `{l}`")),
            _ => {}
        }
    }
    for k in locked.keys().filter(|k| !current.contains_key(*k)) {
        parts.push(format!("`{k}` is locked but no longer configured"));
    }
    format!("`{what}` differ from the lockfile's: {}", parts.join("; "))
}

/// One dependency of the effective manifest: its specifier and where it was declared.
#[derive(Clone)]
struct Declared<'m> {
    spec: String,
    dep: Option<&'m Dependency>,
}

impl Declared<'_> {
    /// The specifier as the user reads it: the written one, and what overrides made of it.
    fn shown(&self) -> String {
        match self.dep {
            Some(d) if d.spec != self.spec => {
                format!("`{}` (`{}` after overrides)", d.spec, self.spec)
            }
            _ => format!("`{}`", self.spec),
        }
    }
}

type Field<'m> = BTreeMap<String, Declared<'m>>;

/// The manifest's dependency fields after pnpm's read-package hook (overrides); `None` when a
/// hook's effect on this manifest cannot be computed exactly.
fn effective<'m>(package: &'m Package, config: &Config) -> Option<[Field<'m>; 4]> {
    let mut fields: [Field<'m>; 4] = Default::default();
    for dep in &package.manifest.dependencies {
        let i = match dep.kind {
            DepKind::Prod => 0,
            DepKind::Dev => 1,
            DepKind::Optional => 2,
            DepKind::Peer => 3,
        };
        // Duplicate keys: JSON.parse keeps the last.
        fields[i].insert(
            dep.name.clone(),
            Declared {
                spec: dep.spec.clone(),
                dep: Some(dep),
            },
        );
    }
    if !config.ignored_optional.is_empty() {
        // createOptionalDependenciesRemover rewrites manifests that declare them; not replayed.
        let touched = config
            .ignored_optional
            .iter()
            .any(|n| fields.iter().any(|f| f.contains_key(n)));
        if touched {
            return None;
        }
    }
    // Overrides that could not be computed may rewrite anything: stay silent.
    let overrides = config.overrides.as_ref()?;
    if overrides.is_empty() {
        return Some(fields);
    }
    let name = package.manifest.name.as_ref().map(|n| n.value.as_str());
    let version = package.manifest.version.as_deref();
    for field in &mut fields {
        let names: Vec<String> = field.keys().cloned().collect();
        for dep in names {
            let Some(current) = field.get(&dep).map(|d| d.spec.clone()) else {
                continue;
            };
            let applicable = |with_parent: bool| -> Vec<&String> {
                overrides
                    .iter()
                    .filter(|(selector, _)| {
                        let Some((target, pref)) = target_of(selector) else {
                            return false;
                        };
                        let parent = parent_of(selector);
                        if parent.is_some() != with_parent
                            || target != dep
                            || !intersecting(pref, &current)
                        {
                            return false;
                        }
                        match parent {
                            None => true,
                            Some((parent_name, parent_pref)) => {
                                Some(parent_name) == name
                                    && parent_pref.is_none_or(|p| {
                                        version
                                            .and_then(|v| semver::satisfies(v, p))
                                            .unwrap_or(false)
                                    })
                            }
                        }
                    })
                    .map(|(_, v)| v)
                    .collect()
            };
            let mut chosen = applicable(true);
            if chosen.is_empty() {
                chosen = applicable(false);
            }
            let Some(first) = chosen.first() else {
                continue;
            };
            // Several candidates: pnpm picks the most specific; only agree when they agree.
            if chosen.iter().any(|c| c != first)
                || first.starts_with("file:")
                || first.starts_with("link:")
            {
                return None;
            }
            if first.as_str() == "-" {
                field.remove(&dep);
            } else if let Some(d) = field.get_mut(&dep) {
                d.spec = (*first).clone();
            }
        }
    }
    Some(fields)
}

/// satisfiesPackageManifest for one project, with a drift per difference.
fn project(
    model: &Model,
    package: &Package,
    index: usize,
    workspace: &Workspace,
    lock: &PnpmLockfile,
    config: &Config,
) -> Vec<Drift> {
    let Some(id) = relative(&package.dir, paths::parent(&lock.path)) else {
        return Vec::new();
    };
    let id = if id.is_empty() { ".".to_string() } else { id };
    let Some([mut prod, dev, optional, peer]) = effective(package, config) else {
        return Vec::new();
    };
    let empty = PnpmImporter::default();
    let importer = lock.importer(&id).unwrap_or(&empty);
    let is_link = |s: &str| s.starts_with("link:");

    // existingDeps = {...devDependencies, ...dependencies, ...optionalDependencies}
    let mut existing: Field<'_> = BTreeMap::new();
    for field in [&dev, &prod, &optional] {
        for (k, v) in field {
            existing.insert(k.clone(), v.clone());
        }
    }
    if config.auto_install_peers {
        for (k, v) in &peer {
            if !existing.contains_key(k) {
                prod.entry(k.clone()).or_insert_with(|| v.clone());
                existing.insert(k.clone(), v.clone());
            }
        }
    }
    // importer.specifiers: optionalDependencies, dependencies, devDependencies; later wins.
    let mut specs: BTreeMap<&str, (&str, u32)> = BTreeMap::new();
    for kind in [DepKind::Optional, DepKind::Prod, DepKind::Dev] {
        for d in importer.deps.iter().filter(|d| d.kind == kind) {
            if let Some(s) = &d.specifier {
                specs.insert(&d.name, (s, d.line));
            }
        }
    }
    if config.exclude_links {
        existing.retain(|_, v| !is_link(&v.spec));
        specs.retain(|_, (s, _)| !is_link(s));
    }

    let mut drifts = Vec::new();
    let where_ = if id == "." {
        "the root importer".to_string()
    } else {
        format!("importer `{id}`")
    };
    let manifest_path = &package.manifest.path;
    let push = |drifts: &mut Vec<Drift>,
                key: &str,
                at: Option<&Dependency>,
                lock_line: Option<u32>,
                message: String| {
        let (path, span, lock_line) = match at {
            Some(dep) => (manifest_path.clone(), dep.span, lock_line),
            None => match lock_line {
                Some(line) => (lock.path.clone(), Span::point(line, 1), None),
                None => (manifest_path.clone(), package.manifest.top, None),
            },
        };
        drifts.push(Drift {
            package: Some(index),
            path,
            span,
            lock_line,
            key: format!("{}:{key}", package.dir),
            message,
        });
    };
    let lock_name = paths::file_name(&lock.path);
    if lock.importer(&id).is_none() && !existing.is_empty() {
        // No importer at all (a new workspace, or a lockfile that predates it): one finding.
        let names: Vec<String> = existing.keys().take(5).map(|n| format!("`{n}`")).collect();
        let more = existing.len().saturating_sub(names.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        push(
            &mut drifts,
            "<importer>",
            None,
            None,
            format!(
                "{lock_name} has no importer for {} although {manifest_path} declares {}{more}",
                paths::display_dir(&package.dir),
                names.join(", ")
            ),
        );
    }
    for (name, declared) in existing.iter().filter(|_| lock.importer(&id).is_some()) {
        match specs.get(name.as_str()) {
            None => push(
                &mut drifts,
                name,
                declared.dep,
                Some(importer.line).filter(|l| *l > 0),
                format!(
                    "`{name}` ({}) is declared in {manifest_path} but {lock_name} has no entry for it in {where_}",
                    declared.shown()
                ),
            ),
            Some((locked, line)) if *locked != declared.spec => push(
                &mut drifts,
                name,
                declared.dep,
                Some(*line),
                format!(
                    "`{name}` is declared as {} in {manifest_path} but locked with specifier `{locked}` in {lock_name}",
                    declared.shown()
                ),
            ),
            Some(_) => {}
        }
    }
    for (name, (locked, line)) in &specs {
        if !existing.contains_key(*name) {
            push(
                &mut drifts,
                name,
                None,
                Some(*line),
                format!(
                    "`{name}` (`{locked}`) is locked in {where_} of {lock_name} but no longer declared in {manifest_path}"
                ),
            );
        }
    }
    if drifts.is_empty() {
        if importer.publish_directory.as_deref() != package.manifest.publish_directory.as_deref() {
            push(
                &mut drifts,
                "publishDirectory",
                None,
                None,
                format!(
                    "`publishConfig.directory` of {manifest_path} ({}) differs from the lockfile's `publishDirectory` ({})",
                    package
                        .manifest
                        .publish_directory
                        .as_deref()
                        .unwrap_or("unset"),
                    importer.publish_directory.as_deref().unwrap_or("unset")
                ),
            );
        }
        if meta(package.manifest.dependencies_meta.as_ref()) != importer.dependencies_meta {
            push(
                &mut drifts,
                "dependenciesMeta",
                None,
                None,
                format!(
                    "`dependenciesMeta` of {manifest_path} differs from {where_}'s in {lock_name}"
                ),
            );
        }
    }
    if drifts.is_empty() {
        // Each dependency must be locked in the field it is declared in.
        let fields = [
            (DepKind::Optional, &optional),
            (DepKind::Prod, &prod),
            (DepKind::Dev, &dev),
        ];
        for (kind, field) in fields {
            let names: Vec<&String> = field
                .iter()
                .filter(|(_, v)| !(config.exclude_links && is_link(&v.spec)))
                .map(|(k, _)| k)
                .filter(|k| match kind {
                    DepKind::Dev => !optional.contains_key(*k) && !prod.contains_key(*k),
                    DepKind::Prod => !optional.contains_key(*k),
                    _ => true,
                })
                .collect();
            let locked: Vec<&crate::parse::lockfile::pnpm::ImporterDep> =
                importer.deps.iter().filter(|d| d.kind == kind).collect();
            let non_linked = locked
                .iter()
                .filter(|d| !d.version.contains("link:") && !d.version.contains("file:"))
                .count();
            let count_ok = names.len() == locked.len() || names.len() == non_linked;
            let mut moved = false;
            for name in &names {
                if locked.iter().any(|d| &d.name == *name) {
                    continue;
                }
                moved = true;
                let other = importer.deps.iter().find(|d| &d.name == *name);
                push(
                    &mut drifts,
                    name,
                    field.get(*name).and_then(|d| d.dep),
                    other.map(|d| d.line),
                    format!(
                        "`{name}` is declared in `{}` of {manifest_path} but locked in `{}` in {lock_name}",
                        kind.field(),
                        other.map_or("no field", |d| d.kind.field())
                    ),
                );
            }
            if !count_ok && !moved {
                for d in locked.iter().filter(|d| !names.contains(&&d.name)) {
                    push(
                        &mut drifts,
                        &d.name,
                        None,
                        Some(d.line),
                        format!(
                            "`{}` is locked in `{}` of {where_} but declared in another field of {manifest_path}",
                            d.name,
                            kind.field()
                        ),
                    );
                }
            }
        }
    }
    if drifts.is_empty() && config.major >= 10 {
        // pnpm 10: "The importer resolution is broken at dependency".
        for d in &importer.deps {
            let Some(spec) = &d.specifier else { continue };
            let Some(version) = ref_version(&d.name, &d.version) else {
                continue;
            };
            if semver::is_range(spec) && semver::satisfies(&version, spec) == Some(false) {
                push(
                    &mut drifts,
                    &d.name,
                    None,
                    Some(d.line),
                    format!(
                        "`{}` is locked at `{version}`, which does not satisfy its specifier `{spec}` in {where_}",
                        d.name
                    ),
                );
            }
        }
    }
    let _ = (model, workspace);
    for drift in &mut drifts {
        drift
            .message
            .push_str(": `pnpm install --frozen-lockfile` fails with ERR_PNPM_OUTDATED_LOCKFILE");
    }
    drifts
}

/// dependenciesMeta as name → field → scalar text, like the lockfile records it.
fn meta(value: Option<&Value>) -> BTreeMap<String, BTreeMap<String, String>> {
    let Some(Value::Object(map)) = value else {
        return BTreeMap::new();
    };
    map.iter()
        .map(|(name, fields)| {
            let fields = fields
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                v.as_str().map_or_else(|| v.to_string(), str::to_string),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            (name.clone(), fields)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_selectors_split_like_pnpm() {
        assert_eq!(target_of("ms"), Some(("ms", None)));
        assert_eq!(target_of("ms@<2"), Some(("ms", Some("<2"))));
        assert_eq!(target_of("a>@s/b@^1"), Some(("@s/b", Some("^1"))));
        assert_eq!(parent_of("a@1>b"), Some(("a", Some("1"))));
        assert_eq!(parent_of("b@>=1"), None);
        assert!(intersecting(Some("<2"), "^1.0.0"));
        assert!(!intersecting(Some("<2"), "^2.0.0"));
        assert!(intersecting(None, "workspace:*"));
    }
}
