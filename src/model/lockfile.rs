//! Lockfile facts for rules: each install root's lockfile with its resolved dependency graph,
//! and the questions other rule families ask of it.
//!
//! The API other rules call (through [`crate::model::Model`]):
//!
//! - [`Model::lock_for`]: the lockfile an install root (workspace) installs from;
//! - [`Model::locked`]: the locked version of a dependency of a workspace package (for fix
//!   suggestions: `add "prom-client": "^15.1.0"` with the version the lockfile holds);
//! - [`Model::installed`]: every locked package a workspace package installs, following
//!   workspace links, with or without devDependencies;
//! - [`Lock::nodes`] / [`Node::dependencies`]: the resolved graph;
//! - [`Lock::native_build`]: whether a locked package compiles native code at install time;
//! - [`Model::placement`]: where npm or Bun placed a dependency of a workspace (hoisted to the
//!   root `node_modules` or nested in the workspace's own `node_modules`);
//!   [`Model::npm_placement`] is the same question for npm alone.

use std::collections::BTreeSet;

use super::native::{NativeReason, native_reason};
use super::{Model, Package, Workspace};
use crate::parse::lockfile::{
    Lockfile, bun::BunLockfile, npm::NpmLockfile, pnpm, yarn::YarnLockfile,
};
use crate::parse::package_json::DepKind;
use crate::paths;

/// One resolved package instance in a lockfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub version: String,
    /// The lockfile's own key: a pnpm dependency path, an npm install location, a yarn
    /// entry's first descriptor, or a Bun placement key (`debug/ms`).
    pub id: String,
    /// The line of its entry in the lockfile.
    pub line: u32,
    /// Indices of the nodes its dependencies (optional ones included) resolve to.
    pub dependencies: Vec<usize>,
    /// The names it depends on, resolved or not.
    pub dependency_names: Vec<String>,
    /// Recorded as optional (npm `optional`, pnpm `optional: true`).
    pub optional: bool,
}

/// A lockfile read, with its graph.
#[derive(Debug, Clone)]
pub struct Lock {
    /// Directory of the lockfile, repository-relative (`""` for the root).
    pub dir: String,
    pub file: Lockfile,
    nodes: Vec<Node>,
}

/// What the lockfile holds for one dependency of a workspace package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    /// The locked version (`15.1.3`), or the reference for non-registry dependencies
    /// (`link:../shared`, `file:…`).
    pub version: String,
    /// The node it resolves to, when it is a package in the graph (not a workspace link).
    pub node: Option<usize>,
    /// Where the lockfile records it.
    pub line: u32,
}

/// Where npm or Bun placed a package for a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Repository-relative folder: `node_modules/ms`, `apps/api/node_modules/ms`. Under Bun's
    /// isolated linker, the link the workspace sees (its target is in `node_modules/.bun`).
    pub path: String,
    /// In the install root's own `node_modules` (hoisted) rather than nested under the
    /// workspace or another package.
    pub hoisted: bool,
}

impl Lock {
    pub fn new(file: Lockfile) -> Lock {
        let dir = paths::parent(file.path()).to_string();
        let nodes = match &file {
            Lockfile::Pnpm(l) => pnpm_nodes(l),
            Lockfile::Npm(l) => npm_nodes(l),
            Lockfile::Yarn(l) => yarn_nodes(l),
            Lockfile::Bun(l) => bun_nodes(l),
        };
        Lock { dir, file, nodes }
    }

    pub fn path(&self) -> &str {
        self.file.path()
    }

    /// The resolved graph: every package instance the lockfile holds.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Whether a locked package compiles native code at install time, and why.
    pub fn native_build(&self, node: usize) -> Option<NativeReason> {
        let node = self.nodes.get(node)?;
        native_reason(&node.name, node.dependency_names.iter().map(String::as_str))
    }

    /// A workspace directory relative to the lockfile's (`.` for the lockfile's own).
    pub fn importer_id(&self, package_dir: &str) -> Option<String> {
        let rel = paths::strip_dir(package_dir, &self.dir)?;
        Some(if rel.is_empty() {
            ".".to_string()
        } else {
            rel.to_string()
        })
    }

    /// The locked entry for dependency `name` of the workspace package at `package_dir`,
    /// declared with `spec` (yarn v1 locks by `name@spec`).
    pub fn locked(&self, package_dir: &str, name: &str, spec: &str) -> Option<Locked> {
        let id = self.importer_id(package_dir)?;
        match &self.file {
            Lockfile::Pnpm(l) => {
                let dep = l.importer(&id)?.deps.iter().find(|d| d.name == name)?;
                // The key once; the version is its tail (as `pnpm::ref_version` reads it).
                let key = pnpm::ref_to_key(name, &dep.version);
                let version = key
                    .as_deref()
                    .and_then(crate::parse::lockfile::split_name)
                    .map(|(_, v)| v.split('(').next().unwrap_or(v).to_string());
                Some(Locked {
                    version: version.unwrap_or_else(|| dep.version.clone()),
                    node: key.and_then(|k| l.packages.binary_search_by(|p| p.key.cmp(&k)).ok()),
                    line: dep.line,
                })
            }
            Lockfile::Npm(l) => {
                let from = if id == "." { "" } else { id.as_str() };
                let found = l.resolve(from, name)?;
                let target = l.target(found);
                let node = l
                    .entries
                    .binary_search_by(|e| e.location.cmp(&target.location))
                    .ok();
                Some(Locked {
                    version: target
                        .version
                        .clone()
                        .unwrap_or_else(|| format!("file:{}", target.location)),
                    node,
                    line: found.line,
                })
            }
            Lockfile::Yarn(l) if l.berry => {
                let workspace = l.workspace(&id)?;
                let (_, range) = workspace.dependencies.iter().find(|(n, _)| n == name)?;
                yarn_locked(l, &format!("{name}@{range}"))
            }
            Lockfile::Yarn(l) => yarn_locked(l, &format!("{name}@{spec}")),
            Lockfile::Bun(l) => {
                let from = l.workspace_key(bun_path(&id))?;
                let found = l.resolve(from, name)?;
                let version = found
                    .version()
                    .map(str::to_string)
                    .or_else(|| {
                        let path = found.workspace_path()?;
                        l.workspace(path)?.version.clone()
                    })
                    .unwrap_or_else(|| found.reference.clone());
                Some(Locked {
                    version,
                    node: l.package_index(&found.key),
                    line: found.line,
                })
            }
        }
    }

    /// Where the package that `name` resolves to from the workspace was placed, for npm and
    /// Bun (`None` for pnpm and yarn). Bun's isolated linker (its default for workspaces
    /// since `configVersion` 1) links each workspace's declared dependencies into the
    /// workspace's own `node_modules`, and the root's into the root's, whatever the tree.
    pub fn placement(&self, package_dir: &str, name: &str) -> Option<Placement> {
        let id = self.importer_id(package_dir)?;
        let from = if id == "." { "" } else { id.as_str() };
        match &self.file {
            Lockfile::Npm(l) => {
                let found = l.resolve(from, name)?;
                Some(Placement {
                    path: join(&self.dir, &found.location),
                    hoisted: found.location == format!("node_modules/{name}"),
                })
            }
            Lockfile::Bun(l) if l.isolated() => {
                l.resolve(l.workspace_key(from)?, name)?;
                let own = l.workspace(from).is_some_and(|w| w.declares(name));
                let at = if own {
                    from
                } else if l.workspace("").is_some_and(|w| w.declares(name)) {
                    ""
                } else {
                    return None;
                };
                let folder = join(at, &format!("node_modules/{name}"));
                Some(Placement {
                    path: join(&self.dir, &folder),
                    hoisted: at.is_empty(),
                })
            }
            Lockfile::Bun(l) => {
                let found = l.resolve(l.workspace_key(from)?, name)?;
                Some(Placement {
                    path: join(&self.dir, &l.hoisted_folder(&found.key)),
                    hoisted: found.key == name,
                })
            }
            Lockfile::Pnpm(_) | Lockfile::Yarn(_) => None,
        }
    }

    /// npm only: [`Lock::placement`] for a package-lock.json.
    pub fn npm_placement(&self, package_dir: &str, name: &str) -> Option<Placement> {
        match &self.file {
            Lockfile::Npm(_) => self.placement(package_dir, name),
            _ => None,
        }
    }
}

/// A Bun workspace path from an importer id (`.` is the root, `""`).
fn bun_path(id: &str) -> &str {
    if id == "." { "" } else { id }
}

fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

fn yarn_locked(l: &YarnLockfile, descriptor: &str) -> Option<Locked> {
    let node = l.entry_index(descriptor)?;
    let entry = l.entries.get(node)?;
    Some(Locked {
        version: entry.version.clone(),
        node: Some(node),
        line: entry.line,
    })
}

fn pnpm_nodes(l: &pnpm::PnpmLockfile) -> Vec<Node> {
    l.packages
        .iter()
        .map(|p| {
            let refs = p.dependencies.iter().chain(&p.optional_dependencies);
            Node {
                name: p.name.clone(),
                version: p.version.clone(),
                id: p.key.clone(),
                line: p.line,
                dependencies: refs
                    .clone()
                    .filter_map(|(n, r)| pnpm::ref_to_key(n, r))
                    .filter_map(|k| l.packages.binary_search_by(|q| q.key.cmp(&k)).ok())
                    .collect(),
                dependency_names: refs.map(|(n, _)| n.clone()).collect(),
                optional: p.optional,
            }
        })
        .collect()
}

fn npm_nodes(l: &NpmLockfile) -> Vec<Node> {
    let index = |location: &str| {
        l.entries
            .binary_search_by(|e| e.location.as_str().cmp(location))
            .ok()
    };
    l.entries
        .iter()
        .map(|e| {
            let names: Vec<&String> = e
                .dependencies
                .iter()
                .chain(&e.optional_dependencies)
                .chain(&e.peer_dependencies)
                .map(|(n, _)| n)
                .collect();
            Node {
                name: e.name().to_string(),
                version: e.version.clone().unwrap_or_default(),
                id: e.location.clone(),
                line: e.line,
                dependencies: names
                    .iter()
                    .filter_map(|n| l.resolve(&e.location, n))
                    .filter_map(|found| index(&l.target(found).location))
                    .collect(),
                dependency_names: names.into_iter().cloned().collect(),
                optional: e.optional,
            }
        })
        .collect()
}

/// Bun's packages, each dependency resolved in the tree from the package's own placement
/// (nearest first, then each enclosing level, then the root). A workspace package's entry
/// records no dependencies: they are its `workspaces` entry's (devDependencies aside, as npm's
/// graph leaves them aside).
fn bun_nodes(l: &BunLockfile) -> Vec<Node> {
    l.packages
        .iter()
        .map(|p| {
            let workspace = p.workspace_path().and_then(|path| l.workspace(path));
            let deps: Vec<&(String, String)> = match workspace {
                Some(w) => w
                    .dependencies
                    .iter()
                    .chain(&w.optional_dependencies)
                    .chain(&w.peer_dependencies)
                    .collect(),
                None => p
                    .dependencies
                    .iter()
                    .chain(&p.optional_dependencies)
                    .chain(&p.peer_dependencies)
                    .collect(),
            };
            Node {
                name: p.name.clone(),
                version: p
                    .version()
                    .map(str::to_string)
                    .or_else(|| workspace.and_then(|w| w.version.clone()))
                    .unwrap_or_default(),
                id: p.key.clone(),
                line: p.line,
                dependencies: deps
                    .iter()
                    .filter_map(|(n, _)| l.resolve(&p.key, n))
                    .filter_map(|found| l.package_index(&found.key))
                    .collect(),
                dependency_names: deps.iter().map(|(n, _)| n.clone()).collect(),
                // Bun records no optional flag on packages.
                optional: false,
            }
        })
        .collect()
}

fn yarn_nodes(l: &YarnLockfile) -> Vec<Node> {
    l.entries
        .iter()
        .map(|e| {
            let deps = e.dependencies.iter().chain(&e.optional_dependencies);
            Node {
                name: e.name().to_string(),
                version: e.version.clone(),
                id: e.descriptors.first().cloned().unwrap_or_default(),
                line: e.line,
                dependencies: deps
                    .clone()
                    .filter_map(|(n, r)| l.entry_index(&format!("{n}@{r}")))
                    .collect(),
                dependency_names: deps.map(|(n, _)| n.clone()).collect(),
                optional: false,
            }
        })
        .collect()
}

impl Model {
    /// The lockfile an install root installs from.
    pub fn lock_for(&self, workspace: &Workspace) -> Option<&Lock> {
        let path = workspace.lockfile.as_deref()?;
        self.locks.iter().find(|l| l.path() == path)
    }

    /// The lockfile a workspace package is installed from.
    pub fn lock_of(&self, package: &Package) -> Option<&Lock> {
        self.lock_for(self.workspaces.get(package.workspace?)?)
    }

    /// The locked entry for a dependency the package declares (its first declaration).
    pub fn locked(&self, package: &Package, name: &str) -> Option<Locked> {
        let spec = package
            .declared(name)
            .next()
            .map_or("", |d| d.spec.as_str());
        self.lock_of(package)?.locked(&package.dir, name, spec)
    }

    /// npm only: where npm placed dependency `name` of the package.
    pub fn npm_placement(&self, package: &Package, name: &str) -> Option<Placement> {
        self.lock_of(package)?.npm_placement(&package.dir, name)
    }

    /// npm and Bun: where dependency `name` of the package was placed ([`Lock::placement`]).
    pub fn placement(&self, package: &Package, name: &str) -> Option<Placement> {
        self.lock_of(package)?.placement(&package.dir, name)
    }

    /// Every locked package the workspace package installs: its declared dependencies
    /// (devDependencies too when `include_dev`), what they depend on, and the same for the
    /// workspace packages it links to (whose devDependencies are never installed for it).
    /// Returns node indices into [`Model::lock_of`]'s graph.
    pub fn installed(&self, package: &Package, include_dev: bool) -> BTreeSet<usize> {
        let Some(lock) = self.lock_of(package) else {
            return BTreeSet::new();
        };
        let mut seen_packages: BTreeSet<&str> = BTreeSet::new();
        let mut queue: Vec<(&Package, bool)> = vec![(package, include_dev)];
        let mut roots: Vec<usize> = Vec::new();
        while let Some((pkg, dev)) = queue.pop() {
            if !seen_packages.insert(&pkg.dir) {
                continue;
            }
            for dep in &pkg.manifest.dependencies {
                if dep.kind == DepKind::Peer || (dep.kind == DepKind::Dev && !dev) {
                    continue;
                }
                if let Some(node) = lock
                    .locked(&pkg.dir, &dep.name, &dep.spec)
                    .and_then(|l| l.node)
                {
                    roots.push(node);
                } else if let Some(linked) = self.linked_workspace(pkg, &dep.name, &dep.spec) {
                    queue.push((linked, false));
                }
            }
        }
        let mut seen = BTreeSet::new();
        while let Some(node) = roots.pop() {
            if !seen.insert(node) {
                continue;
            }
            if let Some(n) = lock.nodes.get(node) {
                roots.extend(n.dependencies.iter().copied());
            }
        }
        seen
    }

    /// The sibling workspace package a dependency points at (`workspace:`, a matching name
    /// installed from the same root).
    fn linked_workspace(&self, package: &Package, name: &str, spec: &str) -> Option<&Package> {
        let target = self.package_named(name)?;
        let same_root = target.workspace.is_some() && target.workspace == package.workspace;
        let local = spec.starts_with("workspace:")
            || spec.starts_with("file:")
            || spec.starts_with("link:");
        (same_root || local).then_some(target)
    }
}

/// What the lockfile records of a declared dependency's own manifest: its peer dependencies
/// and its binaries (for `deps/unused`).
impl Lock {
    /// The peer dependency names (optional peers included) of the package that dependency
    /// `name` of the workspace package at `package_dir` resolves to. `None` when the lockfile
    /// does not record peers (yarn 1) or the dependency is not locked.
    pub fn peers_of(&self, package_dir: &str, name: &str, spec: &str) -> Option<Vec<String>> {
        let node = self.locked(package_dir, name, spec)?.node?;
        let names = |deps: &[(String, String)]| deps.iter().map(|(n, _)| n.clone()).collect();
        match &self.file {
            Lockfile::Pnpm(l) => l.packages.get(node).map(|p| names(&p.peer_dependencies)),
            Lockfile::Npm(l) => l.entries.get(node).map(|e| names(&e.peer_dependencies)),
            Lockfile::Yarn(l) if l.berry => {
                l.entries.get(node).map(|e| names(&e.peer_dependencies))
            }
            Lockfile::Yarn(_) => None,
            Lockfile::Bun(l) => l.packages.get(node).map(|p| names(&p.peer_dependencies)),
        }
    }

    /// The command names dependency `name` of the workspace package installs, where the
    /// lockfile records them (npm's `bin`); `None` elsewhere (pnpm records only `hasBin`).
    pub fn bins_of(&self, package_dir: &str, name: &str, spec: &str) -> Option<Vec<String>> {
        let node = self.locked(package_dir, name, spec)?.node?;
        match &self.file {
            Lockfile::Npm(l) => l.entries.get(node).map(|e| e.bins.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without `configVersion` (a project from before Bun 1.3.2) Bun hoists: placements follow
    /// the tree's keys.
    #[test]
    fn bun_hoisted_placement_follows_the_tree() -> Result<(), Box<dyn std::error::Error>> {
        let text = r#"{
  "lockfileVersion": 1,
  "workspaces": {
    "": { "name": "acme", "dependencies": { "ms": "2.0.0" } },
    "apps/api": { "name": "api", "dependencies": { "ms": "^2.1.3", "node-gyp-build": "4" } },
  },
  "packages": {
    "api": ["api@workspace:apps/api"],
    "ms": ["ms@2.0.0", "", {}, "sha512-a"],
    "node-gyp-build": ["node-gyp-build@4.8.0", "", {}, "sha512-b"],
    "api/ms": ["ms@2.1.3", "", {}, "sha512-c"],
  }
}"#;
        let file = crate::parse::lockfile::bun::parse("sub/bun.lock", text)?;
        let lock = Lock::new(Lockfile::Bun(file));
        let placed = lock.placement("sub/apps/api", "ms").ok_or("ms")?;
        assert_eq!(placed.path, "sub/apps/api/node_modules/ms");
        assert!(!placed.hoisted);
        let placed = lock
            .placement("sub/apps/api", "node-gyp-build")
            .ok_or("ngb")?;
        assert_eq!(
            (placed.path.as_str(), placed.hoisted),
            ("sub/node_modules/node-gyp-build", true)
        );
        assert_eq!(lock.placement("sub", "ms").map(|p| p.hoisted), Some(true));
        assert!(lock.npm_placement("sub", "ms").is_none());
        let locked = lock
            .locked("sub/apps/api", "ms", "^2.1.3")
            .ok_or("locked")?;
        assert_eq!((locked.version.as_str(), locked.line), ("2.1.3", 11));
        // The workspace node depends on what its workspace entry declares.
        let api = lock
            .nodes()
            .iter()
            .position(|n| n.id == "api")
            .ok_or("api")?;
        assert!(lock.native_build(api).is_some());
        let deps: Vec<&str> = lock.nodes()[api]
            .dependencies
            .iter()
            .map(|&d| lock.nodes()[d].id.as_str())
            .collect();
        assert_eq!(deps, ["api/ms", "node-gyp-build"]);
        Ok(())
    }
}
