//! The repository model: what the rules see. Built once from the parsed facts, immutable
//! afterwards, `Send + Sync`, and free of parser types so tests can build one cheaply.

pub mod compose;
pub mod contract;
pub mod docker;
pub(crate) mod frozen;
pub mod lockfile;
pub(crate) mod native;
pub mod nest;
pub mod probe;
pub mod resolve;
pub mod service;
pub mod source_class;
pub mod tsconfig;
pub mod workspace;

use rustc_hash::FxHashSet;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::data::{
    self,
    bundler_configs::{self, BUNDLER_CONFIGS},
};
use crate::discover::{Discovered, WalkedFile};
use crate::load::SourceFile;
use crate::load::{Loaded, LockfileRef};
use crate::parse::compose::ComposeFile;
use crate::parse::dockerfile::Dockerfile;
use crate::parse::package_json::{Dependency, PackageJson};
use crate::parse::pnpm_workspace::PnpmWorkspace;
use crate::parse::typescript::BundlerAliases;
use crate::paths;

pub use resolve::{ResolvedImport, Source, Target};
pub use service::{Service, ServiceKind};
pub use source_class::SourceClass;
pub use tsconfig::TsConfig;
pub use workspace::{PackageManager, Workspace};

/// Every path the walk saw, for existence checks (COPY sources, link targets, imports).
#[derive(Debug, Default)]
pub struct FileIndex {
    files: Vec<WalkedFile>,
    /// The same paths, hashed: import resolution asks about tens of candidate paths per
    /// import, and a binary search over the sorted list costs a dozen string comparisons each.
    lookup: FxHashSet<Box<str>>,
    dirs: BTreeSet<String>,
}

impl FileIndex {
    pub fn new(files: Vec<WalkedFile>, dirs: Vec<String>) -> Self {
        FileIndex {
            lookup: files.iter().map(|f| Box::from(f.path.as_str())).collect(),
            files,
            dirs: dirs.into_iter().collect(),
        }
    }

    pub fn files(&self) -> &[WalkedFile] {
        &self.files
    }

    pub fn is_file(&self, path: &str) -> bool {
        self.lookup.contains(path)
    }

    pub fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains(path)
    }

    /// Whether any walked file path starts with `prefix` (one binary search).
    pub fn has_prefix(&self, prefix: &str) -> bool {
        let i = self.files.partition_point(|f| f.path.as_str() < prefix);
        self.files
            .get(i)
            .is_some_and(|f| f.path.starts_with(prefix))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.is_file(path) || self.is_dir(path)
    }

    /// Every directory of the walk, in order.
    pub fn dirs(&self) -> impl Iterator<Item = &str> {
        self.dirs.iter().map(String::as_str)
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
    pub dockerignores: Vec<crate::parse::dockerignore::DockerIgnore>,
    pub workflows: Vec<crate::parse::workflow::Workflow>,
    pub bakes: Vec<crate::parse::bake::BakeFile>,
    /// Entrypoint scripts that end by exec'ing their arguments, sorted.
    pub exec_scripts: Vec<String>,
    pub compose_files: Vec<ComposeFile>,
    /// `.env` files and the env files compose files name, sorted by path.
    pub dotenvs: Vec<crate::parse::dotenv::DotEnv>,
    /// The compose projects, merged and interpolated.
    pub compose: compose::Compose,
    pub lockfiles: Vec<LockfileRef>,
    /// The lockfiles that could be read, with their graphs, sorted by path.
    pub locks: Vec<lockfile::Lock>,
    /// `.npmrc` install settings, sorted by path.
    pub npmrcs: Vec<crate::parse::npmrc::Npmrc>,
    pub yarnrcs: Vec<crate::load::YarnRc>,
    pub services: Vec<Service>,
    pub sources: Vec<Source>,
    /// The NestJS module graph (empty without `@Module` classes).
    pub nest: nest::Nest,
    /// Every image build, simulated stage by stage.
    pub docker: docker::Docker,
    /// `seaworthy-ignore` comments, by file (sorted by path, then line).
    pub pragmas: Vec<crate::parse::pragma::Pragma>,
    /// Strings of tool configs and non-JS files that may name packages, sorted by path.
    pub config_refs: Vec<crate::parse::config_refs::ConfigRefs>,
    package_by_dir: BTreeMap<String, usize>,
    package_by_name: BTreeMap<String, usize>,
    declared_names: BTreeSet<String>,
    /// Packages with a vite/webpack/next/nuxt/… config at their root, with the aliases those
    /// configs declare.
    bundler_configs: BTreeMap<usize, BundlerAliases>,
    /// The runtime import edges of each source, resolved once (`contract::runtime_sources`).
    pub(crate) runtime_edges: std::sync::OnceLock<contract::RuntimeGraph>,
    /// The image builds package.json scripts run (`docker build -t …`), with the package's
    /// directory, read once (`service::tagged_build`).
    /// Whether each package's build bundles its dependencies (`rules::deps::common::is_bundled`,
    /// asked per import site), computed once.
    pub(crate) bundled: std::sync::OnceLock<Vec<bool>>,
    pub(crate) script_image_builds:
        std::sync::OnceLock<Vec<(String, crate::parse::workflow::ImageBuild)>>,
    /// Every `.gitignore` of the walk, by directory, parsed once.
    gitignores: crate::discover::GitignoreSet,
    /// Paths outside the walk (gitignored) that `load` found inside the root.
    present: BTreeSet<String>,
    /// Symbolic links the walk did not follow (dangling, or out of the root), sorted.
    pub skipped_links: Vec<String>,
}

impl Model {
    /// Builds the model from what `load` read: a pure function, no file is touched here.
    /// `root` anchors `.gitignore` matching and is kept for renderers that show snippets.
    pub fn build(root: &Path, discovered: Discovered, loaded: Loaded) -> Model {
        let skipped_links = discovered.skipped_link_paths;
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
        let mut package_by_name = BTreeMap::new();
        for (i, p) in packages.iter().enumerate() {
            if let Some(name) = &p.manifest.name {
                package_by_name.entry(name.value.clone()).or_insert(i);
            }
        }
        let declared_names = packages
            .iter()
            .flat_map(|p| p.manifest.dependencies.iter().map(|d| d.name.clone()))
            .collect();
        let gitignores = crate::discover::GitignoreSet::new(root, &loaded.gitignores);

        let mut model = Model {
            root: root.to_path_buf(),
            files,
            packages,
            workspaces: Vec::new(),
            tsconfigs: Vec::new(),
            pnpm_workspaces: loaded.pnpm_workspaces,
            dockerfiles: loaded.dockerfiles,
            dockerignores: loaded.dockerignores,
            workflows: loaded.workflows,
            bakes: loaded.bakes,
            exec_scripts: loaded.exec_scripts,
            compose_files: loaded.compose_files,
            dotenvs: loaded.dotenvs,
            compose: compose::Compose::default(),
            lockfiles: loaded.lockfiles,
            locks: loaded
                .parsed_lockfiles
                .into_iter()
                .map(lockfile::Lock::new)
                .collect(),
            npmrcs: loaded.npmrcs,
            yarnrcs: loaded.yarnrcs,
            services: Vec::new(),
            sources: Vec::new(),
            nest: nest::Nest::default(),
            docker: docker::Docker::default(),
            pragmas: loaded.pragmas,
            config_refs: loaded.config_refs,
            package_by_dir,
            package_by_name,
            gitignores,
            declared_names,
            bundler_configs: BTreeMap::new(),
            runtime_edges: std::sync::OnceLock::new(),
            script_image_builds: std::sync::OnceLock::new(),
            bundled: std::sync::OnceLock::new(),
            present: loaded.present,
            skipped_links,
        };
        model.bundler_configs = bundler_configs(&model, &loaded.sources);
        model.workspaces = workspace::assign(&mut model);
        for i in 0..model.packages.len() {
            let links = resolve_local_links(&model, &model.packages[i]);
            model.packages[i].local_links = links;
        }
        model.tsconfigs = tsconfig::resolve_all(&model, &loaded.tsconfigs);
        model.compose = compose::build(&compose::Inputs {
            files: &model.compose_files,
            dotenvs: &model.dotenvs,
        });
        model.services = service::derive(&model);
        model.sources = resolve::resolve_all(&model, loaded.sources);
        model.nest = nest::Nest::build(&model);
        model.docker = docker::Docker::build(&model);
        model
    }

    /// Whether the entrypoint script at `path` ends by exec'ing its arguments.
    pub fn script_execs_arguments(&self, path: &str) -> bool {
        self.exec_scripts
            .binary_search_by(|p| p.as_str().cmp(path))
            .is_ok()
    }

    pub fn package_at(&self, dir: &str) -> Option<&Package> {
        self.package_by_dir.get(dir).map(|&i| &self.packages[i])
    }

    pub fn package_index_at(&self, dir: &str) -> Option<usize> {
        self.package_by_dir.get(dir).copied()
    }

    /// The package that owns a file: the nearest ancestor directory with a package.json. One
    /// exception: a package.json that nothing installs (no workspace claims it) nested inside a
    /// workspace *member* is a packaging detail of that member (an Electron app manifest, a
    /// subpath stub), and the member owns the code. Packages a root excludes from its
    /// workspaces (`!packages/legacy`) keep their own code.
    pub fn owner_of(&self, path: &str) -> Option<usize> {
        let mut nearest = None;
        for dir in paths::ancestors(path) {
            let Some(index) = self.package_index_at(dir) else {
                continue;
            };
            let package = &self.packages[index];
            let Some(first) = nearest else {
                if package.workspace.is_some() {
                    return Some(index);
                }
                nearest = Some(index);
                continue;
            };
            let Some(w) = package.workspace else { continue };
            let is_member = self
                .workspaces
                .get(w)
                .is_some_and(|ws| ws.dir != package.dir);
            return Some(if is_member { index } else { first });
        }
        nearest
    }

    /// Workspace packages by name (the first by directory order wins on duplicates).
    pub fn package_named(&self, name: &str) -> Option<&Package> {
        self.package_index_named(name).map(|i| &self.packages[i])
    }

    /// The aliases the package's bundler configs declare, when it has any config.
    pub fn bundler_aliases(&self, package: usize) -> Option<&BundlerAliases> {
        self.bundler_configs.get(&package)
    }

    /// Whether any package.json of the repository declares `name`.
    pub fn is_declared_anywhere(&self, name: &str) -> bool {
        self.declared_names.contains(name)
    }

    pub fn package_index_named(&self, name: &str) -> Option<usize> {
        self.package_by_name.get(name).copied()
    }

    /// The nearest `tsconfig.json` (or `jsconfig.json`) governing a file; under a
    /// solution-style config (only `references`), the referenced project that includes it.
    pub fn tsconfig_for(&self, path: &str) -> Option<&TsConfig> {
        self.tsconfig_index_for(path).map(|i| &self.tsconfigs[i])
    }

    /// [`Model::tsconfig_for`] as an index into `tsconfigs` (what each [`Source`] keeps, so
    /// later stages do not match `include` globs again per import).
    pub fn tsconfig_index_for(&self, path: &str) -> Option<usize> {
        let nearest = self.nearest_tsconfig(path)?;
        if self.tsconfigs[nearest].solution
            && let Some(project) = self.tsconfigs[nearest]
                .references
                .iter()
                .filter_map(|r| self.tsconfig_index(r))
                .find(|&t| self.tsconfigs[t].covers(path))
        {
            return Some(project);
        }
        Some(nearest)
    }

    /// The tsconfig governing a source file, as resolution found it.
    pub fn source_tsconfig(&self, source: &Source) -> Option<&TsConfig> {
        source.tsconfig.and_then(|i| self.tsconfigs.get(i))
    }

    fn nearest_tsconfig(&self, path: &str) -> Option<usize> {
        // One buffer for every candidate: this runs for every source file.
        let mut candidate = String::with_capacity(path.len() + 16);
        paths::ancestors(path).find_map(|dir| {
            ["tsconfig.json", "jsconfig.json"].iter().find_map(|name| {
                candidate.clear();
                if !dir.is_empty() {
                    candidate.push_str(dir);
                    candidate.push('/');
                }
                candidate.push_str(name);
                self.tsconfig_index(&candidate)
            })
        })
    }

    pub fn tsconfig(&self, path: &str) -> Option<&TsConfig> {
        self.tsconfig_index(path).map(|i| &self.tsconfigs[i])
    }

    fn tsconfig_index(&self, path: &str) -> Option<usize> {
        self.tsconfigs
            .binary_search_by(|t| t.path.as_str().cmp(path))
            .ok()
    }

    /// Whether `.gitignore` files of the repository exclude `path` (or a parent of it): a
    /// build output such as `dist/`, which a fresh clone lacks and a build creates.
    pub fn is_gitignored(&self, path: &str) -> bool {
        self.gitignores.is_ignored(path, true)
    }

    /// Whether a repository-relative path exists in the walk, or inside the root outside the
    /// walk (a gitignored build output, say), for the paths `load` was asked to probe.
    pub fn exists_on_disk(&self, path: &str) -> bool {
        self.files.exists(path) || self.present.contains(path)
    }
}

/// The aliases each package's bundler configs declare, merged. A script config the parser has
/// no facts for (too large, a parse error) declares unknown aliases.
fn bundler_configs(model: &Model, sources: &[SourceFile]) -> BTreeMap<usize, BundlerAliases> {
    let mut out: BTreeMap<usize, BundlerAliases> = BTreeMap::new();
    for file in model.files.files() {
        let name = paths::file_name(&file.path);
        let Some(stem) = bundler_configs::config_stem(BUNDLER_CONFIGS, name) else {
            continue;
        };
        // `babel.config.json` and other non-script configs are not parsed: they are read as
        // declaring nothing, as before bundler configs were read at all.
        if !matches!(
            crate::discover::classify(name),
            Some(crate::discover::FileKind::Source { .. })
        ) {
            continue;
        }
        let Some(package) = model.package_index_at(paths::parent(&file.path)) else {
            continue;
        };
        let aliases = out.entry(package).or_default();
        let facts = sources
            .binary_search_by(|s| s.path.as_str().cmp(&file.path))
            .ok()
            .and_then(|i| sources[i].facts.aliases.as_ref());
        match facts {
            Some(declared) => {
                aliases.keys.extend(declared.keys.iter().cloned());
                aliases.dynamic |= declared.dynamic;
            }
            None => aliases.dynamic = true,
        }
        if data::contains(bundler_configs::IMPLICIT_ALIASES, stem) {
            aliases.dynamic = true;
        }
    }
    for aliases in out.values_mut() {
        aliases.keys.sort();
        aliases.keys.dedup();
    }
    out
}

fn resolve_local_links(model: &Model, package: &Package) -> Vec<LocalLink> {
    let mut links = Vec::new();
    for (i, dep) in package.manifest.dependencies.iter().enumerate() {
        let Some((protocol, target)) = dep.local() else {
            continue;
        };
        let target = target.to_string();
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
