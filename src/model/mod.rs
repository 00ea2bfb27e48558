//! The repository model: what the rules see. Built once from the parsed facts, immutable
//! afterwards, `Send + Sync`, and free of parser types so tests can build one cheaply.

pub mod paths;
pub mod service;
pub mod tsconfig;
pub mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::discover::{Discovered, WalkedFile};
use crate::load::{Loaded, LockfileRef};
use crate::parse::compose::ComposeFile;
use crate::parse::dockerfile::Dockerfile;
use crate::parse::package_json::{Dependency, PackageJson};
use crate::parse::pnpm_workspace::PnpmWorkspace;

pub use service::{Service, ServiceKind};
pub use tsconfig::TsConfig;
pub use workspace::{PackageManager, Workspace};

/// Every path the walk saw, for existence checks (COPY sources, link targets, imports).
#[derive(Debug, Default)]
pub struct FileIndex {
    files: Vec<WalkedFile>,
    dirs: BTreeSet<String>,
}

impl FileIndex {
    pub fn new(files: Vec<WalkedFile>, dirs: Vec<String>) -> Self {
        FileIndex {
            files,
            dirs: dirs.into_iter().collect(),
        }
    }

    pub fn files(&self) -> &[WalkedFile] {
        &self.files
    }

    pub fn is_file(&self, path: &str) -> bool {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .is_ok()
    }

    pub fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains(path)
    }

    pub fn exists(&self, path: &str) -> bool {
        self.is_file(path) || self.is_dir(path)
    }
}

/// Where a `file:`/`link:`/`portal:` dependency points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalLink {
    /// Index into `Package::manifest.dependencies`.
    pub dependency: usize,
    pub protocol: &'static str,
    /// The target as written after the protocol.
    pub target: String,
    /// Repository-relative target, `None` when it lies outside the repository.
    pub resolved: Option<String>,
    pub exists: bool,
    /// The target is gitignored: build output that a build step creates before installing.
    pub build_output: bool,
}

#[derive(Debug, Clone)]
pub struct Package {
    /// Repository-relative directory (`""` for the root package).
    pub dir: String,
    pub manifest: PackageJson,
    /// Index of the install root (workspace) this package is installed from.
    pub workspace: Option<usize>,
    pub local_links: Vec<LocalLink>,
}

impl Package {
    pub fn name(&self) -> &str {
        self.manifest.display_name()
    }

    pub fn declared(&self, name: &str) -> impl Iterator<Item = &Dependency> {
        self.manifest.dependency(name)
    }
}

#[derive(Debug, Default)]
pub struct Model {
    /// The root as the user gave it; used for reading snippets, never printed as absolute.
    pub root: PathBuf,
    pub files: FileIndex,
    /// Sorted by directory.
    pub packages: Vec<Package>,
    pub workspaces: Vec<Workspace>,
    pub tsconfigs: Vec<TsConfig>,
    pub pnpm_workspaces: Vec<PnpmWorkspace>,
    pub dockerfiles: Vec<Dockerfile>,
    pub compose_files: Vec<ComposeFile>,
    pub lockfiles: Vec<LockfileRef>,
    pub services: Vec<Service>,
    /// Files the model had to read itself (an extended tsconfig) and could not.
    pub errors: Vec<crate::report::ErrorEntry>,
    package_by_dir: BTreeMap<String, usize>,
}

impl Model {
    pub fn build(root: &Path, discovered: Discovered, loaded: Loaded) -> Model {
        let files = FileIndex::new(discovered.files, discovered.dirs);
        let mut packages: Vec<Package> = loaded
            .packages
            .into_iter()
            .map(|manifest| Package {
                dir: paths::parent(&manifest.path).to_string(),
                manifest,
                workspace: None,
                local_links: Vec::new(),
            })
            .collect();
        packages.sort_by(|a, b| a.dir.cmp(&b.dir));
        let package_by_dir = packages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.dir.clone(), i))
            .collect();

        let mut model = Model {
            root: root.to_path_buf(),
            files,
            packages,
            workspaces: Vec::new(),
            tsconfigs: Vec::new(),
            pnpm_workspaces: loaded.pnpm_workspaces,
            dockerfiles: loaded.dockerfiles,
            compose_files: loaded.compose_files,
            lockfiles: loaded.lockfiles,
            services: Vec::new(),
            errors: Vec::new(),
            package_by_dir,
        };
        model.workspaces = workspace::assign(&mut model);
        for i in 0..model.packages.len() {
            let links = resolve_local_links(&model, &model.packages[i]);
            model.packages[i].local_links = links;
        }
        let mut errors = Vec::new();
        model.tsconfigs = tsconfig::resolve_all(&model, loaded.tsconfigs, &mut errors);
        model.errors = errors;
        model.services = service::derive(&model);
        model
    }

    pub fn package_at(&self, dir: &str) -> Option<&Package> {
        self.package_by_dir.get(dir).map(|&i| &self.packages[i])
    }

    pub fn package_index_at(&self, dir: &str) -> Option<usize> {
        self.package_by_dir.get(dir).copied()
    }

    /// The package that owns a file: the nearest ancestor directory with a package.json.
    pub fn owner_of(&self, path: &str) -> Option<usize> {
        paths::ancestors(path).find_map(|dir| self.package_index_at(dir))
    }

    /// The package that owns a directory (the directory itself counts).
    pub fn owner_of_dir(&self, dir: &str) -> Option<usize> {
        self.package_index_at(dir)
            .or_else(|| self.owner_of(&format!("{dir}/_")))
    }

    /// Workspace packages by name (the first by directory order wins on duplicates).
    pub fn package_named(&self, name: &str) -> Option<&Package> {
        self.packages
            .iter()
            .find(|p| p.manifest.name.as_ref().is_some_and(|n| n.value == name))
    }

    /// Packages that are installed from the same root as `package`, the root included.
    pub fn siblings(&self, package: &Package) -> impl Iterator<Item = &Package> {
        let ws = package.workspace;
        self.packages
            .iter()
            .filter(move |p| ws.is_some() && p.workspace == ws)
    }

    /// The nearest `tsconfig.json` (or `jsconfig.json`) governing a file.
    pub fn tsconfig_for(&self, path: &str) -> Option<&TsConfig> {
        paths::ancestors(path).find_map(|dir| {
            ["tsconfig.json", "jsconfig.json"].iter().find_map(|name| {
                let candidate = if dir.is_empty() {
                    (*name).to_string()
                } else {
                    format!("{dir}/{name}")
                };
                self.tsconfig(&candidate)
            })
        })
    }

    pub fn tsconfig(&self, path: &str) -> Option<&TsConfig> {
        self.tsconfigs
            .binary_search_by(|t| t.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.tsconfigs[i])
    }

    /// Whether `.gitignore` files of the repository exclude `path` (or a parent of it): a
    /// build output such as `dist/`, which a fresh clone lacks and a build creates.
    pub fn is_gitignored(&self, path: &str) -> bool {
        let target = self.root.join(path);
        let mut dirs: Vec<&str> = paths::ancestors(path)
            .filter(|d| self.files.is_dir(d))
            .collect();
        // Deeper .gitignore files take precedence, as in git.
        dirs.sort_by_key(|d| std::cmp::Reverse(d.len()));
        for dir in dirs {
            let file = if dir.is_empty() {
                ".gitignore".to_string()
            } else {
                format!("{dir}/.gitignore")
            };
            if !self.files.is_file(&file) {
                continue;
            }
            let (matcher, _) = ignore::gitignore::Gitignore::new(self.root.join(&file));
            match matcher.matched_path_or_any_parents(&target, true) {
                ignore::Match::Ignore(_) => return true,
                ignore::Match::Whitelist(_) => return false,
                ignore::Match::None => {}
            }
        }
        false
    }

    /// Whether a repository-relative path exists in the walk, or on disk inside the root (a
    /// gitignored build output, say). Links are resolved and must stay inside the root.
    pub fn exists_on_disk(&self, path: &str) -> bool {
        if self.files.exists(path) {
            return true;
        }
        let Ok(root) = self.root.canonicalize() else {
            return false;
        };
        match self.root.join(path).canonicalize() {
            Ok(target) => target.starts_with(&root),
            Err(_) => false,
        }
    }
}

const LOCAL_PROTOCOLS: &[&str] = &["file:", "link:", "portal:"];

fn resolve_local_links(model: &Model, package: &Package) -> Vec<LocalLink> {
    let mut links = Vec::new();
    for (i, dep) in package.manifest.dependencies.iter().enumerate() {
        let Some(protocol) = LOCAL_PROTOCOLS.iter().find(|p| dep.spec.starts_with(**p)) else {
            continue;
        };
        let target = dep.spec[protocol.len()..].to_string();
        // `file:` also accepts URLs of the form file:///abs/path; those point outside.
        let resolved = if target.starts_with("//") {
            None
        } else {
            paths::join(&package.dir, &target)
        };
        let exists = resolved.as_deref().is_some_and(|p| model.exists_on_disk(p));
        let build_output = resolved.as_deref().is_some_and(|p| model.is_gitignored(p));
        links.push(LocalLink {
            dependency: i,
            protocol,
            target,
            resolved,
            exists,
            build_output,
        });
    }
    links
}
