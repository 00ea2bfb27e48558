//! The Docker model: every image build the repository declares or implies, each a Dockerfile
//! with the context it is built from, simulated stage by stage (`sim`). Built once from the
//! parsed facts; the `docker/` rules only read it.
//!
//! **Build contexts**, in this order:
//! 1. a compose service's `build` (`context`, `dockerfile`, `target`, `args`);
//! 2. a `docker-bake.hcl`/`.json` target (`context`, `dockerfile`, `target`, `args`,
//!    `inherits` followed);
//! 3. a CI workflow's `docker/build-push-action` step or `docker build` command, and a
//!    package.json script's `docker build -f X CTX`;
//! 4. otherwise inferred: the Dockerfile's folder when every `COPY` source resolves there,
//!    else the repository root when they resolve there, else the nearest folder above where
//!    they do. When no candidate holds every source, the one holding most is used, and it is
//!    trusted (its missing sources reported) only when it holds at least two thirds of them: a
//!    Dockerfile whose sources are mostly elsewhere is built from a context the repository
//!    does not show (a generated tar stream, another checkout).
//!
//! A Dockerfile in a template folder (`templates/`, `static/`, `examples/`, the folders
//! `data/fixture_dirs.rs` lists) that nothing declares a build for is a file generated
//! projects copy; it has no build here and is not judged.
//!
//! The context holds what a clean checkout holds: files the walk saw, minus what the
//! context's `.dockerignore` (or BuildKit's `<Dockerfile>.dockerignore` beside the
//! Dockerfile, which takes precedence) excludes. A gitignored path is a build output that a
//! CI step may create before `docker build`, so it counts as present, never as missing.

pub mod commands;
pub mod expand;
pub mod sim;

use std::collections::BTreeMap;

use crate::model::Model;
use crate::parse::dockerfile::{Dockerfile, Op};
use crate::paths;
pub(crate) use sim::Base;
pub use sim::{BuildAt, Entry, FsEntry, InstallAt, Presence, StageSim};

/// How a build's context was found, said in findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextHow {
    Compose { file: String, service: String },
    Bake { file: String, target: String },
    Workflow { file: String },
    Script { file: String, script: String },
    Inferred(&'static str),
}

impl ContextHow {
    pub fn describe(&self) -> String {
        match self {
            ContextHow::Compose { file, service } => {
                format!("the build context of compose service `{service}` ({file})")
            }
            ContextHow::Bake { file, target } => {
                format!("the build context of bake target `{target}` ({file})")
            }
            ContextHow::Workflow { file } => format!("the build context {file} uses"),
            ContextHow::Script { file, script } => {
                format!("the build context of the `{script}` script in {file}")
            }
            ContextHow::Inferred(why) => format!("the inferred build context ({why})"),
        }
    }

    pub fn is_inferred(&self) -> bool {
        matches!(self, ContextHow::Inferred(_))
    }
}

#[derive(Debug, Clone)]
pub struct BuildContext {
    /// Repository-relative directory (`""` for the root).
    pub dir: String,
    pub how: ContextHow,
    /// The stage a compose `build.target` (or `--target`) names.
    pub target: Option<String>,
    /// Build arguments given by the declaration (compose `build.args`).
    pub args: BTreeMap<String, String>,
    /// Index into `Model::dockerignores` of the ignore file that applies.
    pub dockerignore: Option<usize>,
    /// Whether missing sources may be reported against this context.
    pub trusted: bool,
}

/// One context source a `COPY`/`ADD` names, as checked against the context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCheck {
    pub instruction: usize,
    /// Index of the source word in the instruction.
    pub word: usize,
    /// Repository-relative path (a glob when it matched nothing).
    pub path: String,
    /// Whether it exists in a clean checkout (or is a gitignored build output).
    pub exists: bool,
    /// The `.dockerignore` pattern that excludes it: (file, line).
    pub ignored: Option<(String, u32)>,
}

#[derive(Debug, Clone)]
pub struct Build {
    /// Index into `Model::dockerfiles`.
    pub dockerfile: usize,
    pub context: BuildContext,
    pub stages: Vec<StageSim>,
    /// The stage that ships: the compose `target`, else the last.
    pub target: usize,
    /// Every context source the build's `COPY`/`ADD` instructions name.
    pub sources: Vec<SourceCheck>,
    /// Compose services that run this image: (compose file, service name).
    pub services: Vec<(String, String)>,
}

impl Build {
    pub fn final_stage(&self) -> Option<&StageSim> {
        self.stages.get(self.target)
    }

    /// The stages the shipped stage is built on or copies from, the target included.
    pub fn shipped_lineage(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut queue = vec![self.target];
        while let Some(s) = queue.pop() {
            if out.contains(&s) {
                continue;
            }
            out.push(s);
            if let Some(stage) = self.stages.get(s) {
                if let Base::Stage(parent) = stage.base {
                    queue.push(parent);
                }
                for e in &stage.entries {
                    if let Entry::Stage { stage: from, .. } = e.entry {
                        queue.push(from);
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }
}

#[derive(Debug, Clone, Default)]
pub struct Docker {
    pub builds: Vec<Build>,
}

/// A build the repository declares for a Dockerfile.
struct Declared {
    dockerfile: String,
    context: String,
    how: ContextHow,
    target: Option<String>,
    args: BTreeMap<String, String>,
    service: Option<(String, String)>,
}

impl Docker {
    pub fn build(model: &Model) -> Docker {
        let declared = declared_builds(model);
        let mut builds: Vec<Build> = Vec::new();
        for (index, df) in model.dockerfiles.iter().enumerate() {
            let mine: Vec<&Declared> = declared
                .iter()
                .filter(|d| d.dockerfile == df.path)
                .collect();
            if mine.is_empty() {
                // A Dockerfile in a template folder (`templates/`, `static/`, `examples/`…) is
                // copied into a generated project; nothing here builds it, and its context is
                // not in this repository.
                if crate::model::SourceClass::of(&df.path) == crate::model::SourceClass::Fixture {
                    continue;
                }
                builds.push(inferred(model, index, df));
                continue;
            }
            for d in mine {
                if let Some(existing) = builds.iter_mut().find(|b| {
                    b.dockerfile == index
                        && b.context.dir == d.context
                        && b.context.target == d.target
                }) {
                    existing.services.extend(d.service.clone());
                    continue;
                }
                let context = BuildContext {
                    dir: d.context.clone(),
                    how: d.how.clone(),
                    target: d.target.clone(),
                    args: d.args.clone(),
                    dockerignore: dockerignore_for(model, &df.path, &d.context),
                    trusted: true,
                };
                let mut build = simulate(model, index, df, context);
                build.services.extend(d.service.clone());
                builds.push(build);
            }
        }
        Docker { builds }
    }

    /// Whether `path` (absolute) is in stage `stage` of build `build` after instruction
    /// `until` (inclusive).
    pub fn presence(
        &self,
        model: &Model,
        build: usize,
        stage: usize,
        path: &str,
        until: usize,
    ) -> Presence {
        match self.builds.get(build) {
            Some(b) => b.presence(model, stage, path, until),
            None => Presence::Unknown,
        }
    }

    /// The repository path a path of a stage was copied from, following stage copies.
    pub fn origin(&self, model: &Model, build: usize, stage: usize, path: &str) -> Option<String> {
        self.builds.get(build)?.origin(model, stage, path)
    }

    /// The repository packages an install in stage `stage` of build `build` installs: the
    /// package whose manifest is in its directory (traced back through the context and other
    /// stages), and, when that is a workspace root, the members whose manifests are in the
    /// image at that point and that its filters select. Empty when the manifest's origin is
    /// unknown.
    pub fn install_packages(
        &self,
        model: &Model,
        build: usize,
        stage: usize,
        install: &InstallAt,
    ) -> Vec<usize> {
        let dir = &install.dir;
        let manifest = format!("{}/package.json", dir.trim_end_matches('/'));
        let Some(origin) = self.builds.get(build).and_then(|b| {
            b.origin_until(
                model,
                stage,
                &manifest,
                install.instruction.saturating_sub(1),
            )
        }) else {
            return Vec::new();
        };
        let Some(root) = model.package_index_at(paths::parent(&origin)) else {
            return Vec::new();
        };
        let root_dir = model.packages[root].dir.clone();
        let filters: Vec<String> = install
            .install
            .filters
            .iter()
            .map(|f| {
                f.trim_start_matches("...")
                    .trim_start_matches('^')
                    .trim_end_matches("...")
                    .trim_start_matches("./")
                    .trim_matches(['{', '}'])
                    .to_string()
            })
            .collect();
        let selected = |p: &crate::model::Package| {
            filters.is_empty()
                || filters.iter().any(|f| {
                    f == p.name()
                        || f == &p.dir
                        || paths::strip_dir(&p.dir, &root_dir) == Some(f.as_str())
                })
        };
        let mut out = vec![root];
        let workspace = model
            .workspaces
            .iter()
            .find(|w| w.dir == root_dir && w.package == Some(root));
        if let Some(workspace) = workspace {
            for &member in &workspace.members {
                let package = &model.packages[member];
                if member == root || !selected(package) {
                    continue;
                }
                let Some(rel) = paths::strip_dir(&package.dir, &root_dir) else {
                    continue;
                };
                let in_image = format!("{}/{rel}/package.json", dir.trim_end_matches('/'));
                if self.presence(model, build, stage, &in_image, install.instruction)
                    == Presence::Present
                {
                    out.push(member);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether a lockfile the install can use is in its directory or a folder above it,
    /// copied or bind-mounted (`None` when the install needs none).
    pub fn lockfile_present(
        &self,
        model: &Model,
        build: usize,
        stage: usize,
        install: &InstallAt,
    ) -> Option<bool> {
        self.builds
            .get(build)?
            .lockfile_present(model, stage, install)
    }

    /// The builds of one Dockerfile.
    pub fn builds_of<'a>(
        &'a self,
        model: &'a Model,
        path: &'a str,
    ) -> impl Iterator<Item = (usize, &'a Build)> + 'a {
        self.builds.iter().enumerate().filter(move |(_, b)| {
            model
                .dockerfiles
                .get(b.dockerfile)
                .is_some_and(|d| d.path == path)
        })
    }
}

fn simulate(model: &Model, index: usize, df: &Dockerfile, context: BuildContext) -> Build {
    let stages = sim::simulate(model, df, &context);
    let target = context
        .target
        .as_ref()
        .and_then(|t| {
            let t = t.to_ascii_lowercase();
            stages
                .iter()
                .position(|s| s.name.as_deref() == Some(t.as_str()))
        })
        .unwrap_or(stages.len().saturating_sub(1));
    let sources = source_checks(model, df, &context, &stages);
    Build {
        dockerfile: index,
        context,
        stages,
        target,
        sources,
        services: Vec::new(),
    }
}

/// Every context source of every `COPY`/`ADD` without `--from`.
fn source_checks(
    model: &Model,
    df: &Dockerfile,
    context: &BuildContext,
    stages: &[StageSim],
) -> Vec<SourceCheck> {
    let mut out = Vec::new();
    for stage in stages {
        for index in stage.from..=stage.last {
            let Some(Op::Copy(copy)) = df.instructions.get(index).map(|i| &i.op) else {
                continue;
            };
            if copy.from.is_some() {
                continue;
            }
            for entry in stage.entries.iter().filter(|e| e.instruction == index) {
                let Entry::Context { path, .. } = &entry.entry else {
                    continue;
                };
                if out
                    .iter()
                    .any(|s: &SourceCheck| s.instruction == index && &s.path == path)
                {
                    continue;
                }
                let word = copy
                    .sources
                    .iter()
                    .position(|w| context.source_path(&w.text) == *path)
                    .or_else(|| {
                        copy.sources.iter().position(|w| {
                            w.text.contains(['*', '?', '['])
                                && globset::GlobBuilder::new(&context.source_path(&w.text))
                                    .literal_separator(true)
                                    .build()
                                    .is_ok_and(|g| g.compile_matcher().is_match(path))
                        })
                    })
                    .unwrap_or(0);
                out.push(SourceCheck {
                    instruction: index,
                    word,
                    path: path.clone(),
                    exists: context.exists(model, path),
                    ignored: context.ignored_by(model, path),
                });
            }
        }
    }
    out
}

/// The lockfiles each manager reads.
pub fn lockfile_names(manager: commands::Manager) -> &'static [&'static str] {
    use commands::Manager;
    match manager {
        Manager::Npm => &["package-lock.json", "npm-shrinkwrap.json"],
        Manager::Pnpm => &["pnpm-lock.yaml"],
        Manager::Yarn => &["yarn.lock"],
        Manager::Bun => &["bun.lock", "bun.lockb"],
    }
}

/// Whether the install refuses to run without a lockfile: frozen installs and `pnpm fetch`
/// (yarn 1's `--frozen-lockfile` installs without one; `--immutable` does not).
pub fn needs_lockfile(install: &InstallAt) -> bool {
    use commands::{Manager, Verb};
    let i = &install.install;
    match i.verb {
        Verb::Fetch => true,
        Verb::Install | Verb::Ci => match i.manager {
            Manager::Yarn => i.text.contains("--immutable"),
            _ => i.frozen,
        },
        _ => false,
    }
}

impl Build {
    /// See [`Docker::lockfile_present`].
    pub fn lockfile_present(
        &self,
        model: &Model,
        stage: usize,
        install: &InstallAt,
    ) -> Option<bool> {
        if !needs_lockfile(install) {
            return None;
        }
        let names = lockfile_names(install.install.manager);
        let df = model.dockerfiles.get(self.dockerfile)?;
        let mounts: Vec<String> = match df.instructions.get(install.instruction).map(|i| &i.op) {
            Some(Op::Run(run)) => run
                .mounts
                .iter()
                .filter(|m| m.kind == "bind")
                .filter_map(|m| m.target().map(|t| sim::absolute(&install.dir, t)))
                .collect(),
            _ => Vec::new(),
        };
        let mut dir = install.dir.clone();
        loop {
            for name in names {
                let path = sim::absolute(&dir, name);
                let mounted = mounts.iter().any(|m| {
                    path == *m
                        || m == "/"
                        || path.starts_with(&format!("{}/", m.trim_end_matches('/')))
                });
                // As the RUN starts: what its own commands write comes after the install.
                let before = install.instruction.saturating_sub(1);
                if mounted || self.presence(model, stage, &path, before) != Presence::Absent {
                    return Some(true);
                }
            }
            if dir == "/" {
                return Some(false);
            }
            dir = sim::absolute(&dir, "..");
        }
    }
}

impl BuildContext {
    /// The repository path a `COPY`/`ADD` source names, read the way BuildKit reads it:
    /// from the context root, whatever the source says (`join("/", src)`): `..` stops at the
    /// root, so `../shared` is the context's own `shared`, and `/x` is the context's `x`.
    /// Nothing outside the context is ever reachable (moby/buildkit#2131).
    pub fn source_path(&self, source: &str) -> String {
        let mut parts: Vec<&str> = self.dir.split('/').filter(|p| !p.is_empty()).collect();
        let root = parts.len();
        for part in source.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.len() > root {
                        parts.pop();
                    }
                }
                p => parts.push(p),
            }
        }
        parts.join("/")
    }

    /// The repository paths a source names: the path itself, or what a glob matches (the
    /// pattern itself when it matches nothing), each with whether it is a directory.
    pub fn resolve(&self, model: &Model, source: &str) -> Vec<(String, bool)> {
        let path = self.source_path(source);
        if !path.contains(['*', '?', '[']) {
            // A gitignored path the walk did not see: a folder (`dist`) unless its name has
            // an extension (`dist/package.json`).
            let looks_like_file = paths::file_name(&path)
                .rsplit_once('.')
                .is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty());
            // A path the repository does not have (a missing source, or one of a context
            // it does not show) is taken the same way.
            let dir =
                model.files.is_dir(&path) || (!model.files.is_file(&path) && !looks_like_file);
            return vec![(path, dir)];
        }
        let Ok(glob) = globset::GlobBuilder::new(&path)
            .literal_separator(true)
            .build()
            .map(|g| g.compile_matcher())
        else {
            return vec![(path, false)];
        };
        let mut out: Vec<(String, bool)> = model
            .files
            .files()
            .iter()
            .filter(|f| glob.is_match(&f.path))
            .map(|f| (f.path.clone(), false))
            .collect();
        out.extend(
            model
                .files
                .dirs()
                .filter(|d| glob.is_match(d))
                .map(|d| (d.to_string(), true)),
        );
        if out.is_empty() {
            out.push((path, false));
        }
        out.sort();
        out
    }

    /// Whether a clean checkout has the path (or it is a gitignored build output).
    pub fn exists(&self, model: &Model, path: &str) -> bool {
        model.files.exists(path) || model.is_gitignored(path) || model.exists_on_disk(path)
    }

    /// The `.dockerignore` pattern that keeps the path out of the context.
    pub fn ignored_by(&self, model: &Model, path: &str) -> Option<(String, u32)> {
        let ignore = model.dockerignores.get(self.dockerignore?)?;
        let rel = paths::strip_dir(path, &self.dir)?;
        if rel.is_empty() {
            return None;
        }
        ignore
            .excluded_by(rel)
            .map(|p| (ignore.path.clone(), p.line))
    }

    /// Whether the path is in the context as the build sees it.
    pub fn holds(&self, model: &Model, path: &str) -> Presence {
        if paths::strip_dir(path, &self.dir).is_none() {
            return Presence::Absent;
        }
        if self.ignored_by(model, path).is_some() {
            return Presence::Absent;
        }
        if self.exists(model, path) {
            Presence::Present
        } else if self.trusted {
            Presence::Absent
        } else {
            // A context the repository does not show (a generated tar stream): what it holds
            // is not known.
            Presence::Unknown
        }
    }
}

/// BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile first, then the context's
/// `.dockerignore`.
fn dockerignore_for(model: &Model, dockerfile: &str, context: &str) -> Option<usize> {
    let own = format!("{dockerfile}.dockerignore");
    let root = if context.is_empty() {
        ".dockerignore".to_string()
    } else {
        format!("{context}/.dockerignore")
    };
    model
        .dockerignores
        .iter()
        .position(|d| d.path == own)
        .or_else(|| model.dockerignores.iter().position(|d| d.path == root))
}

/// Where a compose service builds its image from, repository-relative: (context,
/// Dockerfile). `None` for services that do not build, remote (git URL) contexts and paths
/// that leave the repository. The Dockerfile is relative to the context, as Compose reads it.
pub(crate) fn compose_build(
    compose_path: &str,
    svc: &crate::parse::compose::ComposeService,
) -> Option<(String, String)> {
    let context = svc.build_context.as_deref()?;
    if context.contains("://") || context.starts_with("git@") {
        return None;
    }
    let context = paths::join(paths::parent(compose_path), context)?;
    let dockerfile = paths::join(
        &context,
        svc.build_dockerfile.as_deref().unwrap_or("Dockerfile"),
    )?;
    Some((context, dockerfile))
}

fn declared_builds(model: &Model) -> Vec<Declared> {
    let mut out = Vec::new();
    for compose in &model.compose_files {
        for svc in &compose.services {
            let Some((context, dockerfile)) = compose_build(&compose.path, svc) else {
                continue;
            };
            let build = svc.node.get("build");
            let target = build
                .and_then(|b| b.get("target"))
                .and_then(|t| t.as_str())
                .map(str::to_string);
            let mut args = BTreeMap::new();
            if let Some(a) = build.and_then(|b| b.get("args")) {
                for (k, _, v) in a.entries() {
                    if let Some(v) = v.as_str().filter(|v| !v.contains('$')) {
                        args.insert(k.clone(), v.to_string());
                    }
                }
                for item in a.items() {
                    if let Some((k, v)) = item.as_str().and_then(|s| s.split_once('='))
                        && !v.contains('$')
                    {
                        args.insert(k.to_string(), v.to_string());
                    }
                }
            }
            out.push(Declared {
                dockerfile,
                context,
                how: ContextHow::Compose {
                    file: compose.path.clone(),
                    service: svc.name.clone(),
                },
                target,
                args,
                service: Some((compose.path.clone(), svc.name.clone())),
            });
        }
    }
    for bake in &model.bakes {
        let dir = paths::parent(&bake.path);
        for t in bake.targets.iter().filter(|t| !t.context_unknown) {
            let written = t.context.as_deref().unwrap_or(".");
            if written.contains("://") || written.starts_with("git@") {
                continue;
            }
            let Some(context) = paths::join(dir, written) else {
                continue;
            };
            let Some(dockerfile) =
                paths::join(&context, t.dockerfile.as_deref().unwrap_or("Dockerfile"))
            else {
                continue;
            };
            out.push(Declared {
                dockerfile,
                context,
                how: ContextHow::Bake {
                    file: bake.path.clone(),
                    target: t.name.clone(),
                },
                target: t.target.clone(),
                args: t.args.clone(),
                service: None,
            });
        }
    }
    for workflow in &model.workflows {
        for b in &workflow.builds {
            let Some(context) = b.context.as_deref().and_then(|c| paths::join("", c)) else {
                continue;
            };
            let dockerfile = match b.dockerfile.as_deref() {
                Some(f) => paths::join("", f),
                None => paths::join(&context, "Dockerfile"),
            };
            let Some(dockerfile) = dockerfile else {
                continue;
            };
            out.push(Declared {
                dockerfile,
                context,
                how: ContextHow::Workflow {
                    file: workflow.path.clone(),
                },
                target: b.target.clone(),
                args: BTreeMap::new(),
                service: None,
            });
        }
    }
    for package in &model.packages {
        for script in &package.manifest.scripts {
            for b in crate::parse::workflow::docker_builds(&script.command, script.span) {
                let Some(context) = b
                    .context
                    .as_deref()
                    .and_then(|c| paths::join(&package.dir, c))
                else {
                    continue;
                };
                let dockerfile = match b.dockerfile.as_deref() {
                    Some(f) => paths::join(&package.dir, f),
                    None => paths::join(&context, "Dockerfile"),
                };
                let Some(dockerfile) = dockerfile else {
                    continue;
                };
                out.push(Declared {
                    dockerfile,
                    context,
                    how: ContextHow::Script {
                        file: package.manifest.path.clone(),
                        script: script.name.clone(),
                    },
                    target: b.target.clone(),
                    args: BTreeMap::new(),
                    service: None,
                });
            }
        }
    }
    out
}

/// How well a candidate context fits a Dockerfile, compared in order: every source present
/// (with at least one the walk saw, unless there are none), every present source sent (its
/// `.dockerignore` excludes none), frozen installs that find their lockfile, sources the walk
/// saw, sources present.
type Fit = (bool, bool, usize, usize, usize);

/// What a candidate context says about itself, counted per source word of the Dockerfile
/// (a wildcard's matches count once): words whose paths the walk saw, words present only as
/// gitignored paths (which every candidate "holds" alike), and words missing. The context
/// root itself (`COPY . .`) and a wildcard that matches nothing are no evidence either way.
#[derive(Debug, Clone, Copy, Default)]
struct Evidence {
    seen: usize,
    ignored: usize,
    missing: usize,
}

impl Evidence {
    fn of(model: &Model, df: &Dockerfile, build: &Build) -> Evidence {
        let mut words: BTreeMap<(usize, usize), (bool, bool, bool)> = BTreeMap::new();
        for check in &build.sources {
            let glob = match df.instructions.get(check.instruction).map(|i| &i.op) {
                Some(Op::Copy(copy)) => copy
                    .sources
                    .get(check.word)
                    .is_some_and(|w| w.text.contains(['*', '?', '['])),
                _ => false,
            };
            let slot = words
                .entry((check.instruction, check.word))
                .or_insert((false, false, false));
            if check.path == build.context.dir || (glob && !check.exists) {
                continue;
            }
            if model.exists_on_disk(&check.path) {
                slot.0 = true;
            } else if check.exists {
                slot.1 = true;
            } else {
                slot.2 = true;
            }
        }
        let mut out = Evidence::default();
        for (seen, ignored, missing) in words.into_values() {
            if seen {
                out.seen += 1;
            } else if ignored {
                out.ignored += 1;
            } else if missing {
                out.missing += 1;
            }
        }
        out
    }

    fn found(&self) -> usize {
        self.seen + self.ignored
    }

    fn total(&self) -> usize {
        self.seen + self.ignored + self.missing
    }
}

/// No declaration builds this Dockerfile: try its folder, the root, then the folders between.
fn inferred(model: &Model, index: usize, df: &Dockerfile) -> Build {
    let own = paths::parent(&df.path).to_string();
    let mut candidates: Vec<(String, &'static str)> =
        vec![(own.clone(), "the Dockerfile's folder")];
    if !own.is_empty() {
        candidates.push((
            String::new(),
            "the repository root, where its COPY sources are",
        ));
        let mut dir = paths::parent(&own);
        while !dir.is_empty() {
            candidates.push((
                dir.to_string(),
                "a folder above the Dockerfile, where its COPY sources are",
            ));
            dir = paths::parent(dir);
        }
    }
    let mut best: Option<(Fit, Evidence, Build)> = None;
    for (dir, why) in candidates {
        let context = BuildContext {
            dockerignore: dockerignore_for(model, &df.path, &dir),
            dir,
            how: ContextHow::Inferred(why),
            target: None,
            args: BTreeMap::new(),
            trusted: true,
        };
        let build = simulate(model, index, df, context);
        let evidence = Evidence::of(model, df, &build);
        // Sources the context's own .dockerignore excludes are weaker evidence that this is
        // the context than sources it sends.
        let excluded = build
            .sources
            .iter()
            .filter(|s| s.exists && s.ignored.is_some())
            .count();
        // A frozen install whose lockfile this context does not hold fails: a context that
        // holds it (the workspace root, for a member's Dockerfile) is the one used.
        let lockfiles = build
            .stages
            .iter()
            .enumerate()
            .flat_map(|(s, stage)| stage.installs.iter().map(move |i| (s, i)))
            .filter(|(s, i)| build.lockfile_present(model, *s, i) == Some(true))
            .count();
        let complete = evidence.missing == 0 && (evidence.seen > 0 || evidence.ignored == 0);
        let fit = (
            complete,
            excluded == 0,
            lockfiles,
            evidence.seen,
            evidence.found(),
        );
        if best.as_ref().is_none_or(|(b, _, _)| fit > *b) {
            best = Some((fit, evidence, build));
        }
    }
    match best {
        Some((_, evidence, mut build)) => {
            let (found, total) = (evidence.found(), evidence.total());
            // Every source present, but only as gitignored paths (which any folder "holds"):
            // the context is a guess. Otherwise a context is trusted with one source the walk
            // saw and two thirds of them present.
            build.context.trusted = evidence.seen > 0
                && (evidence.missing == 0 || found * 3 >= total * 2)
                || total == 0;
            if evidence.missing > 0
                && build.context.how == ContextHow::Inferred("the Dockerfile's folder")
            {
                build.context.how = ContextHow::Inferred(
                    "the Dockerfile's folder; no folder holds every COPY source",
                );
            }
            build
        }
        None => simulate(
            model,
            index,
            df,
            BuildContext {
                dir: own,
                how: ContextHow::Inferred("the Dockerfile's folder"),
                target: None,
                args: BTreeMap::new(),
                dockerignore: None,
                trusted: false,
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(dir: &str) -> BuildContext {
        BuildContext {
            dir: dir.to_string(),
            how: ContextHow::Inferred("test"),
            target: None,
            args: BTreeMap::new(),
            dockerignore: None,
            trusted: true,
        }
    }

    #[test]
    fn sources_never_leave_the_context_root() {
        let api = context("apps/api");
        assert_eq!(api.source_path("src"), "apps/api/src");
        assert_eq!(api.source_path("./package.json"), "apps/api/package.json");
        // BuildKit: join("/", "../../packages/shared") is /packages/shared of the context.
        assert_eq!(
            api.source_path("../../packages/shared"),
            "apps/api/packages/shared"
        );
        assert_eq!(
            api.source_path("/etc/nginx.conf"),
            "apps/api/etc/nginx.conf"
        );
        assert_eq!(api.source_path("."), "apps/api");
        assert_eq!(api.source_path("dist/../out/"), "apps/api/out");
        let root = context("");
        assert_eq!(root.source_path("../x"), "x");
        assert_eq!(root.source_path("."), "");
    }

    fn inferred_context(repo: crate::rules::testing::Repo) -> BuildContext {
        let model = repo.model();
        let build = model.docker.builds.first().expect("one build");
        assert!(build.context.how.is_inferred());
        build.context.clone()
    }

    fn workspace() -> crate::rules::testing::Repo {
        crate::rules::testing::Repo::new()
            .file(
                "package.json",
                r#"{ "name": "acme", "workspaces": ["apps/*"] }"#,
            )
            .file("apps/api/package.json", r#"{ "name": "api" }"#)
    }

    /// `pnpm fetch` fills the store from the lockfile: the node_modules is the next install's.
    #[test]
    fn pnpm_fetch_makes_no_node_modules() {
        let model = workspace()
            .file("pnpm-lock.yaml", "lockfileVersion: '9.0'\n")
            .file(
                "Dockerfile",
                "FROM node:20-slim\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch\nCOPY . .\nRUN pnpm install --offline\n",
            )
            .model();
        let build = &model.docker.builds[0];
        assert_eq!(
            build.presence(&model, 0, "/app/node_modules", 3),
            Presence::Absent
        );
        assert_eq!(
            build.presence(&model, 0, "/app/node_modules", 5),
            Presence::Present
        );
    }

    #[test]
    fn inference_weighs_each_source_word_and_ignores_what_every_folder_holds() {
        // Gitignored build outputs are "held" by every candidate: no evidence, not trusted.
        let c = inferred_context(workspace().file(".gitignore", "dist/\n").file(
            "apps/api/Dockerfile",
            "FROM node:20\nCOPY ./dist/apps/api/package.json ./\nCOPY ./dist/apps/api .\n",
        ));
        assert!(!c.trusted);
        // `.` and a wildcard that matches nothing say nothing; the one literal source that is
        // missing everywhere leaves the root (where the wildcard matched) at one of two.
        let c = inferred_context(workspace().file(
            "apps/api/docker/Dockerfile",
            "FROM node:20\nCOPY package*.json ./\nCOPY prisma/schema.prisma ./prisma/\nCOPY . .\n",
        ));
        assert!(!c.trusted);
        // An optional lockfile wildcard does not make the service folder untrusted.
        let c = inferred_context(workspace().file(
            "apps/api/Dockerfile",
            "FROM node:20\nCOPY package.json yarn.lock* ./\nCOPY . .\n",
        ));
        assert_eq!((c.dir.as_str(), c.trusted), ("apps/api", true));
        // Sources the walk saw decide between folders that both hold the gitignored ones.
        let c = inferred_context(
            workspace()
                .file(".gitignore", "dist/\n")
                .file("tsconfig.base.json", "{}")
                .file(
                    "apps/api/Dockerfile",
                    "FROM node:20\nCOPY dist/apps/api ./\nCOPY tsconfig.base.json ./\n",
                ),
        );
        assert_eq!((c.dir.as_str(), c.trusted), ("", true));
    }
}
