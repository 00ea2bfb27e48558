//! Install roots ("workspaces" in the report): npm/yarn `workspaces`, `pnpm-workspace.yaml`,
//! nested roots, and standalone packages that no root claims (a service with its own lockfile).
//! Every package is assigned the nearest root whose member globs match it.

use std::ops::Not;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use super::Model;
use crate::discover::LockfileKind;
use crate::paths;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum PackageManager {
    Npm,
    Pnpm,
    Yarn,
    Bun,
}

impl PackageManager {
    pub fn from_lockfile(kind: LockfileKind) -> Self {
        match kind {
            LockfileKind::Npm => PackageManager::Npm,
            LockfileKind::Pnpm => PackageManager::Pnpm,
            LockfileKind::Yarn => PackageManager::Yarn,
            LockfileKind::Bun => PackageManager::Bun,
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "npm" => Some(PackageManager::Npm),
            "pnpm" => Some(PackageManager::Pnpm),
            "yarn" => Some(PackageManager::Yarn),
            "bun" => Some(PackageManager::Bun),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PackageManager::Npm => "npm",
            PackageManager::Pnpm => "pnpm",
            PackageManager::Yarn => "yarn",
            PackageManager::Bun => "bun",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceKind {
    /// Declares members (`workspaces` or `pnpm-workspace.yaml`).
    Root,
    /// A package no root claims: installed on its own.
    Standalone,
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub dir: String,
    pub name: String,
    pub kind: WorkspaceKind,
    /// Index of the root's own package, when it has a package.json.
    pub package: Option<usize>,
    pub patterns: Vec<String>,
    pub members: Vec<usize>,
    pub package_manager: Option<PackageManager>,
    /// `packageManager` as declared (`pnpm@9.12.0`).
    pub package_manager_version: Option<String>,
    pub lockfile: Option<String>,
}

struct Matcher {
    include: GlobSet,
    exclude: GlobSet,
}

impl Matcher {
    fn new(patterns: &[String]) -> Matcher {
        let mut include = GlobSetBuilder::new();
        let mut exclude = GlobSetBuilder::new();
        for pattern in patterns {
            let (negated, raw) = match pattern.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, pattern.as_str()),
            };
            let normalised = raw.trim_start_matches("./").trim_end_matches('/');
            // Invalid globs are ignored, as the package managers' glob libraries match nothing.
            let Some(glob) = glob(normalised) else {
                continue;
            };
            if negated {
                exclude.add(glob)
            } else {
                include.add(glob)
            };
        }
        Matcher {
            include: include.build().unwrap_or_else(|_| GlobSet::empty()),
            exclude: exclude.build().unwrap_or_else(|_| GlobSet::empty()),
        }
    }

    fn matches(&self, rel_dir: &str) -> bool {
        self.include.is_match(rel_dir) && !self.exclude.is_match(rel_dir)
    }
}

fn glob(pattern: &str) -> Option<Glob> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .ok()
}

/// Finds the install roots and assigns each package to one.
pub fn assign(model: &mut Model) -> Vec<Workspace> {
    let mut roots: Vec<Workspace> = Vec::new();
    // Roots declared by package.json `workspaces`.
    for (i, package) in model.packages.iter().enumerate() {
        // `"workspaces": {"nohoist": [...]}` alone (yarn v1 config) declares no members.
        if let Some(ws) = package
            .manifest
            .workspaces
            .as_ref()
            .filter(|w| !w.value.is_empty())
        {
            roots.push(new_root(&package.dir, Some(i), ws.value.clone()));
        }
    }
    // Roots declared by pnpm-workspace.yaml (pnpm ignores package.json `workspaces`).
    for pnpm in &model.pnpm_workspaces {
        let dir = paths::parent(&pnpm.path).to_string();
        let package = model.package_index_at(&dir);
        match roots.iter_mut().find(|r| r.dir == dir) {
            Some(existing) => existing.patterns = pnpm.packages.clone(),
            None => roots.push(new_root(&dir, package, pnpm.packages.clone())),
        }
    }
    // Deepest roots first, so nested roots claim their members before outer ones.
    roots.sort_by(|a, b| depth(&b.dir).cmp(&depth(&a.dir)).then(a.dir.cmp(&b.dir)));
    let matchers: Vec<Matcher> = roots.iter().map(|r| Matcher::new(&r.patterns)).collect();

    let mut assignment: Vec<Option<usize>> = vec![None; model.packages.len()];
    for (i, package) in model.packages.iter().enumerate() {
        if let Some(r) = roots.iter().position(|r| r.package == Some(i)) {
            assignment[i] = Some(r);
            continue;
        }
        assignment[i] = roots.iter().zip(&matchers).position(|(root, matcher)| {
            paths::strip_dir(&package.dir, &root.dir)
                .is_some_and(|rel| !rel.is_empty() && matcher.matches(rel))
        });
    }
    // Packages no root claims are installed on their own when they stand alone: outside any
    // other package, or with a lockfile of their own. A package.json nested in another package
    // without one (a subpath stub, a packaging manifest) is no install root.
    for (i, package) in model.packages.iter().enumerate() {
        let nested = package.dir.is_empty().not() && model.owner_of(&package.dir).is_some();
        let own_lockfile = model
            .lockfiles
            .iter()
            .any(|l| paths::parent(&l.path) == package.dir);
        if assignment[i].is_none() && (!nested || own_lockfile) {
            let mut root = new_root(&package.dir, Some(i), Vec::new());
            root.kind = WorkspaceKind::Standalone;
            assignment[i] = Some(roots.len());
            roots.push(root);
        }
    }
    for (i, a) in assignment.iter().enumerate() {
        if let Some(r) = *a {
            roots[r].members.push(i);
        }
    }

    // Order roots by directory and remap the assignment.
    let mut order: Vec<usize> = (0..roots.len()).collect();
    order.sort_by(|&a, &b| roots[a].dir.cmp(&roots[b].dir));
    let mut remap = vec![0; roots.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new;
    }
    for (i, a) in assignment.into_iter().enumerate() {
        model.packages[i].workspace = a.map(|r| remap[r]);
    }
    let mut sorted: Vec<Workspace> = order.into_iter().map(|i| roots[i].clone()).collect();
    for root in &mut sorted {
        detect_manager(model, root);
    }
    sorted
}

fn new_root(dir: &str, package: Option<usize>, patterns: Vec<String>) -> Workspace {
    Workspace {
        dir: dir.to_string(),
        name: String::new(),
        kind: WorkspaceKind::Root,
        package,
        patterns,
        members: Vec::new(),
        package_manager: None,
        package_manager_version: None,
        lockfile: None,
    }
}

fn depth(dir: &str) -> usize {
    if dir.is_empty() {
        0
    } else {
        dir.matches('/').count() + 1
    }
}

/// `packageManager` wins (corepack enforces it); then the lockfile; then pnpm-workspace.yaml.
fn detect_manager(model: &Model, root: &mut Workspace) {
    let manifest = root.package.map(|i| &model.packages[i].manifest);
    root.name = manifest
        .and_then(|m| m.name.as_ref().map(|n| n.value.clone()))
        .unwrap_or_else(|| paths::display_dir(&root.dir).to_string());
    let lockfiles: Vec<_> = model
        .lockfiles
        .iter()
        .filter(|l| paths::parent(&l.path) == root.dir)
        .collect();
    if let Some(pm) = manifest.and_then(|m| m.package_manager.as_ref()) {
        let (name, _) = pm.value.split_once('@').unwrap_or((&pm.value, ""));
        root.package_manager = PackageManager::parse(name);
        root.package_manager_version = Some(pm.value.clone());
    }
    let preferred = root.package_manager;
    let lockfile = lockfiles
        .iter()
        .find(|l| Some(PackageManager::from_lockfile(l.kind)) == preferred)
        .or_else(|| lockfiles.first());
    if let Some(lockfile) = lockfile {
        root.lockfile = Some(lockfile.path.clone());
        root.package_manager
            .get_or_insert(PackageManager::from_lockfile(lockfile.kind));
    }
    let has_pnpm_workspace = model
        .pnpm_workspaces
        .iter()
        .any(|w| paths::parent(&w.path) == root.dir);
    if root.package_manager.is_none() && has_pnpm_workspace {
        root.package_manager = Some(PackageManager::Pnpm);
    }
}
