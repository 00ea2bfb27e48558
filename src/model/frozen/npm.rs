//! `npm ci`, as npm 7+ decides it (npm/cli `lib/commands/ci.js`, `lib/utils/validate-lockfile.js`,
//! arborist `build-ideal-tree.js`, `edge.js`, `dep-valid.js`): the tree is loaded from the
//! lockfile with the root's and every workspace's package.json read from disk; any edge that is
//! missing (not optional) or invalid (the node it resolves to does not satisfy the spec) gets
//! rebuilt from the registry, and the rebuilt node is "Missing … from lock file" or "Invalid".
//! So the check is semantic: a changed range still satisfied by the locked version passes, a
//! removed dependency passes, a new one or an unsatisfied range fails, and so does a new
//! workspace (its `node_modules/<name>` link is missing).
//!
//! Edges are resolved the way Node resolves modules, walking up the `node_modules` locations
//! of the lockfile. npm `overrides` rewrite edges in ways not replayed here: a dependency named
//! by an override is not judged.

mod peers;

use std::collections::BTreeSet;

use serde_json::Value;

use super::Drift;
use crate::model::{Model, Package, Workspace};
use crate::parse::lockfile::npm::{NpmEntry, NpmLockfile};
use crate::parse::package_json::DepKind;
use crate::paths;
use crate::semver;
use crate::source::Span;

#[derive(Debug, PartialEq, Eq)]
enum Validity {
    Valid,
    Invalid,
    /// A specifier this check does not judge (git, tarballs, `workspace:`).
    Unknown,
}

/// Settings and overrides that change how edges are judged.
struct Context<'a> {
    model: &'a Model,
    lock: &'a NpmLockfile,
    lock_dir: &'a str,
    legacy_peer_deps: bool,
    /// `.npmrc` `strict-peer-deps=true`: a peer conflict anywhere in the tree is ERESOLVE.
    strict_peer_deps: bool,
    /// `.npmrc` `force=true`: a peer conflict is only a warning, even a direct dependency's.
    force: bool,
    /// `packageManager` declares npm 10 or older, whose `npm ci` rebuilds an optional peer
    /// locked at a wrong version like any other peer (npm 11 trusts it since npm/cli#8981).
    judges_optional_peers: bool,
    /// Global overrides `"name": "spec"`: every edge to `name` below the root takes `spec`.
    simple_overrides: std::collections::BTreeMap<String, String>,
    /// Names other overrides touch (nested, ranged, `$ref`): edges to them are not judged.
    overridden: BTreeSet<String>,
}

impl<'a> Context<'a> {
    fn new(model: &'a Model, workspace: &Workspace, lock: &'a NpmLockfile) -> Context<'a> {
        let npmrc = model
            .npmrcs
            .iter()
            .find(|n| paths::parent(&n.path) == workspace.dir);
        let mut overridden = BTreeSet::new();
        let mut simple_overrides = std::collections::BTreeMap::new();
        if let Some(Value::Object(overrides)) = workspace
            .package
            .and_then(|i| model.packages[i].manifest.overrides.as_ref())
            .map(|o| &o.value)
        {
            for (key, value) in overrides {
                match value.as_str() {
                    Some(spec)
                        if !spec.starts_with('$')
                            && crate::parse::lockfile::split_name(key).is_none() =>
                    {
                        simple_overrides.insert(key.clone(), spec.to_string());
                    }
                    _ => collect_override_names(
                        &Value::Object([(key.clone(), value.clone())].into_iter().collect()),
                        &mut overridden,
                    ),
                }
            }
        }
        Context {
            model,
            lock,
            lock_dir: paths::parent(&lock.path),
            legacy_peer_deps: npmrc.and_then(|n| n.flag("legacy-peer-deps")) == Some(true),
            strict_peer_deps: npmrc.and_then(|n| n.flag("strict-peer-deps")) == Some(true),
            force: npmrc.and_then(|n| n.flag("force")) == Some(true),
            judges_optional_peers: workspace
                .package_manager_version
                .as_deref()
                .and_then(|v| v.strip_prefix("npm@"))
                .and_then(|v| v.split('.').next())
                .and_then(|major| major.parse::<u32>().ok())
                .is_some_and(|major| (7..=10).contains(&major)),
            simple_overrides,
            overridden,
        }
    }

    /// The version a resolved entry stands for: a workspace link's target is read from its
    /// package.json on disk, as arborist does for link targets outside node_modules.
    fn version_of(&self, found: &NpmEntry) -> Option<String> {
        let target = self.lock.target(found);
        if found.link && !target.is_installed() {
            let dir = join(self.lock_dir, &target.location);
            if let Some(pkg) = self.model.package_at(&dir) {
                return pkg.manifest.version.clone();
            }
        }
        target.version.clone()
    }

    /// dep-valid.js for one edge from the package in `from_dir` (repository-relative).
    fn valid(&self, found: &NpmEntry, name: &str, spec: &str, from_dir: &str) -> Validity {
        let spec = spec.trim();
        if spec.is_empty() || spec == "*" {
            return Validity::Valid;
        }
        if let Some(alias) = spec.strip_prefix("npm:") {
            let Some((real, range)) = crate::parse::lockfile::split_name(alias)
                .or_else(|| (!alias.is_empty()).then_some((alias, "*")))
            else {
                return Validity::Unknown;
            };
            if self.lock.target(found).name() != real {
                return Validity::Invalid;
            }
            return self.range_valid(found, range);
        }
        if is_path(spec) {
            return self.path_valid(found, spec, from_dir);
        }
        if spec.contains(':') || is_hosted_shorthand(spec) {
            // git, github:, http(s) tarballs, workspace: (unsupported by npm): not judged.
            return Validity::Unknown;
        }
        if name.is_empty() {
            return Validity::Unknown;
        }
        self.range_valid(found, spec)
    }

    fn range_valid(&self, found: &NpmEntry, range: &str) -> Validity {
        if !semver::is_range(range) {
            // A dist-tag (`latest`): valid when it came from the registry, which a lockfile
            // entry did.
            return Validity::Valid;
        }
        let Some(version) = self.version_of(found) else {
            return Validity::Unknown;
        };
        match semver::satisfies(&version, range) {
            Some(true) => Validity::Valid,
            Some(false) => Validity::Invalid,
            None => Validity::Unknown,
        }
    }

    /// `file:`/relative specifiers: valid when the entry is a link to that folder.
    fn path_valid(&self, found: &NpmEntry, spec: &str, from_dir: &str) -> Validity {
        let path = spec
            .strip_prefix("file:")
            .or_else(|| spec.strip_prefix("link:"))
            .unwrap_or(spec);
        if [".tgz", ".tar.gz", ".tar"]
            .iter()
            .any(|e| path.ends_with(e))
            || path.starts_with('/')
            || path.starts_with('~')
        {
            return Validity::Unknown;
        }
        let Some(target) = paths::join(from_dir, path) else {
            return Validity::Unknown;
        };
        let Some(expected) = paths::strip_dir(&target, self.lock_dir) else {
            return Validity::Unknown;
        };
        if found.link && found.resolved.as_deref() == Some(expected) {
            Validity::Valid
        } else {
            Validity::Unknown
        }
    }
}

fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

fn is_path(spec: &str) -> bool {
    spec.starts_with("file:")
        || spec.starts_with("link:")
        || spec.starts_with("./")
        || spec.starts_with("../")
        || spec.starts_with('/')
        || spec.starts_with("~/")
        || spec == "."
        || spec == ".."
}

/// `owner/repo` (GitHub shorthand), which npm reads as a git dependency.
fn is_hosted_shorthand(spec: &str) -> bool {
    !spec.starts_with('@') && spec.contains('/')
}

/// Package names an `overrides` object mentions at any depth (`"a@1": {"b": "2"}` → a, b).
fn collect_override_names(value: &Value, out: &mut BTreeSet<String>) {
    let Value::Object(map) = value else {
        return;
    };
    for (key, child) in map {
        if key != "." {
            let name = crate::parse::lockfile::split_name(key).map_or(key.as_str(), |(n, _)| n);
            out.insert(name.to_string());
        }
        collect_override_names(child, out);
    }
}

/// The importers npm builds from: the root package and every workspace member.
fn projects<'m>(model: &'m Model, workspace: &Workspace) -> Vec<(usize, &'m Package)> {
    workspace
        .members
        .iter()
        .map(|&i| (i, &model.packages[i]))
        .collect()
}

pub(super) fn check(model: &Model, workspace: &Workspace, lock: &NpmLockfile) -> Vec<Drift> {
    // v1 lockfiles are rebuilt from the registry by npm 7+: nothing exact to compare.
    if lock.lockfile_version < 2 {
        return Vec::new();
    }
    let cx = Context::new(model, workspace, lock);
    let lock_name = paths::file_name(&lock.path);
    let mut drifts = Vec::new();
    for (index, package) in projects(model, workspace) {
        let Some(location) = paths::strip_dir(&package.dir, cx.lock_dir) else {
            continue;
        };
        let manifest = &package.manifest.path;
        // A workspace is an edge from the root: its link must be in the lockfile.
        if !location.is_empty() {
            let Some(name) = package.manifest.name.as_ref().map(|n| n.value.as_str()) else {
                continue;
            };
            let linked = lock
                .entry(&format!("node_modules/{name}"))
                .is_some_and(|e| e.link && e.resolved.as_deref() == Some(location));
            if !linked {
                drifts.push(Drift {
                    package: Some(index),
                    path: manifest.clone(),
                    span: package.manifest.name.as_ref().map_or(package.manifest.top, |n| n.span),
                    lock_line: None,
                    key: format!("{}:<workspace>", package.dir),
                    message: format!(
                        "workspace `{name}` ({location}) is not in {lock_name}: `npm ci` fails with \"Missing: {name}@{} from lock file\"",
                        package.manifest.version.as_deref().unwrap_or("*")
                    ),
                });
            }
        }
        for dep in &package.manifest.dependencies {
            if dep.kind == DepKind::Peer && cx.legacy_peer_deps {
                continue;
            }
            if cx.overridden.contains(&dep.name)
                || (location.is_empty() && cx.simple_overrides.contains_key(&dep.name))
            {
                // The root's own dependency must match its override or npm refuses (EOVERRIDE).
                continue;
            }
            let spec = cx.simple_overrides.get(&dep.name).unwrap_or(&dep.spec);
            let drift = |message: String, lock_line: Option<u32>| Drift {
                package: Some(index),
                path: manifest.clone(),
                span: dep.span,
                lock_line,
                key: format!("{}:{}", package.dir, dep.name),
                message,
            };
            match lock.resolve(location, &dep.name) {
                None => {
                    // Optional dependencies may be absent; peers may be optional through
                    // peerDependenciesMeta, which is not read here.
                    if matches!(dep.kind, DepKind::Optional | DepKind::Peer) {
                        continue;
                    }
                    drifts.push(drift(
                        format!(
                            "`{}` (`{}` in {}) is declared in {manifest} but {lock_name} has no entry for it: `npm ci` fails with \"Missing: {}@… from lock file\"",
                            dep.name,
                            dep.spec,
                            dep.kind.field(),
                            dep.name
                        ),
                        None,
                    ));
                }
                Some(found) => {
                    if cx.valid(found, &dep.name, spec, &package.dir) != Validity::Invalid {
                        continue;
                    }
                    let version = cx.version_of(found).unwrap_or_default();
                    let shown = if *spec == dep.spec {
                        format!("`{spec}`")
                    } else {
                        format!("`{}` (`{spec}` by overrides)", dep.spec)
                    };
                    drifts.push(drift(
                        format!(
                            "`{}` is declared as {shown} in {manifest} but {lock_name} locks `{version}` ({}), which does not satisfy it: `npm ci` fails with \"Invalid\"",
                            dep.name, found.location
                        ),
                        Some(found.line),
                    ));
                }
            }
        }
    }
    drifts
}

/// `lockfile/unsatisfied-entry`: edges between lockfile entries that do not hold, among the
/// entries `npm ci` judges: those reachable from the root package without crossing a link.
pub(crate) fn entry_problems(
    model: &Model,
    workspace: &Workspace,
    lock: &NpmLockfile,
) -> Vec<Drift> {
    if lock.lockfile_version < 2 {
        return Vec::new();
    }
    let cx = Context::new(model, workspace, lock);
    let lock_name = paths::file_name(&lock.path);
    // arborist (build-ideal-tree.js #initTree) walks the edges out of the root and queues every
    // node with an invalid edge; a link (a workspace, a `file:` folder) has no edges of its
    // own, so the walk stops there and packages only workspaces depend on are never judged
    // (checked with npm 10 and 11: an invalid entry under a workspace installs as locked).
    let mut queue: Vec<&NpmEntry> = Vec::new();
    if let Some(root) = workspace.package.map(|i| &model.packages[i])
        && root.dir == cx.lock_dir
    {
        for dep in &root.manifest.dependencies {
            if let Some(found) = lock.resolve("", &dep.name).filter(|f| !f.link) {
                queue.push(found);
            }
        }
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut problems = Vec::new();
    let mut graph: Option<peers::Graph<'_>> = None;
    while let Some(entry) = queue.pop() {
        if !seen.insert(&entry.location) || entry.in_bundle {
            continue;
        }
        for ((name, spec), optional, peer) in entry_edges(entry, cx.legacy_peer_deps) {
            if cx.overridden.contains(name) || entry.bundle_dependencies.contains(name) {
                continue;
            }
            let spec = cx.simple_overrides.get(name).unwrap_or(spec);
            let from_dir = join(cx.lock_dir, &entry.location);
            let problem = match lock.resolve(&entry.location, name) {
                None if optional => continue,
                None => format!(
                    "`{}@{}` ({}) depends on `{name}@{spec}`, which resolves to nothing in {lock_name}: `npm ci` fails with \"Missing: {name}@… from lock file\"",
                    entry.name(),
                    entry.version.as_deref().unwrap_or("?"),
                    entry.location
                ),
                Some(found) => {
                    if !found.link {
                        queue.push(found);
                    }
                    if cx.valid(found, name, spec, &from_dir) != Validity::Invalid {
                        continue;
                    }
                    let head = format!(
                        "`{}@{}` ({}) depends on `{name}@{spec}`, but it resolves to `{}` at {}",
                        entry.name(),
                        entry.version.as_deref().unwrap_or("?"),
                        entry.location,
                        cx.version_of(found).unwrap_or_default(),
                        found.location,
                    );
                    if !peer {
                        format!("{head}: `npm ci` fails with \"Invalid\"")
                    } else if optional && !cx.judges_optional_peers {
                        // npm 11's ci (save false) trusts an optional peer the lockfile
                        // resolves to a wrong version (build-ideal-tree.js skips invalid
                        // peerOptional edges unless it mutates the tree, npm/cli#8981); npm 10
                        // rebuilds it, but which npm runs is known only from packageManager.
                        continue;
                    } else {
                        let graph =
                            graph.get_or_insert_with(|| peers::Graph::new(&cx, model, workspace));
                        let verdict = graph.judge(&cx, entry, name, spec, found);
                        match peer_message(&head, name, spec, found, &cx, verdict) {
                            Some(message) => message,
                            None => continue,
                        }
                    }
                }
            };
            problems.push(Drift {
                package: None,
                path: lock.path.clone(),
                span: Span::point(entry.line.max(1), 1),
                lock_line: None,
                key: format!("{}:{name}", entry.location),
                message: problem,
            });
        }
    }
    problems
}

/// The edges arborist loads for a lockfile entry, as `((name, spec), optional, peer)`: peers
/// first (none with legacy-peer-deps), then `dependencies`, then `optionalDependencies`, each
/// replacing an edge of the same name (ajv-formats lists `ajv` as both a dependency and an
/// optional peer: the dependency edge is the one npm checks).
fn entry_edges(
    entry: &NpmEntry,
    legacy_peer_deps: bool,
) -> impl Iterator<Item = (&(String, String), bool, bool)> {
    let in_deps = |name: &String| entry.dependencies.iter().any(|(n, _)| n == name);
    let in_optional = |name: &String| entry.optional_dependencies.iter().any(|(n, _)| n == name);
    entry
        .dependencies
        .iter()
        .filter(move |d| !in_optional(&d.0))
        .map(|d| (d, false, false))
        .chain(entry.optional_dependencies.iter().map(|d| (d, true, false)))
        .chain(
            entry
                .peer_dependencies
                .iter()
                .filter(move |d| !legacy_peer_deps && !in_deps(&d.0) && !in_optional(&d.0))
                .map(|d| (d, entry.optional_peers.contains(&d.0), true)),
        )
}

/// The message for a peer edge the lockfile resolves to a version outside its range, or `None`
/// when npm only warns about it.
fn peer_message(
    head: &str,
    name: &str,
    spec: &str,
    found: &NpmEntry,
    cx: &Context<'_>,
    verdict: peers::Verdict,
) -> Option<String> {
    use peers::{Fatal, Verdict};
    let head = head.replacen(" depends on ", " has the peer dependency ", 1);
    let why = |why: &Fatal| match why {
        Fatal::Mine(project) => format!("it is a direct dependency of {project}"),
        Fatal::StrictPeerDeps => "strict-peer-deps=true is set in .npmrc".to_string(),
    };
    let version = cx.version_of(found).unwrap_or_default();
    Some(match verdict {
        Verdict::Quiet => return None,
        Verdict::Nest { at } => {
            let at = if at.is_empty() {
                "the root".to_string()
            } else {
                at
            };
            format!(
                "{head}: npm places a satisfying copy in {at}/node_modules, so `npm ci` fails with \"Missing: {name}@… from lock file\""
            )
        }
        Verdict::Replace => format!(
            "{head}: npm replaces it with a version that satisfies `{spec}`, so `npm ci` fails with \"Invalid: lock file's {name}@{version} does not satisfy {name}@…\""
        ),
        Verdict::Eresolve {
            why: fatal,
            blocker,
        } => {
            let blocker =
                blocker.map_or(String::new(), |b| format!(" ({b} needs the locked copy)"));
            format!(
                "{head}, and no satisfying copy can be placed beside it{blocker}; as {}, npm does not override the peer: `npm ci` fails with ERESOLVE (\"could not resolve\")",
                why(&fatal)
            )
        }
        Verdict::Fails { why: fatal } => format!(
            "{head}; as {}, npm either places a satisfying copy (\"Missing\"/\"Invalid\" against the lockfile) or fails with ERESOLVE: `npm ci` fails either way",
            why(&fatal)
        ),
    })
}
