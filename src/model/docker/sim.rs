//! The stage simulation: a fold over each stage's instructions that knows, after every
//! instruction, what the stage's filesystem holds (from the context, from other stages, from
//! installs and builds), who it runs as, its environment, working directory, the tools its
//! OS packages added, and its healthcheck and command. Questions are answered three-valued:
//! a path is present, absent, or unknown (an external image, a command not understood), and
//! only "absent" ever becomes a finding.

use std::collections::{BTreeMap, BTreeSet};

use super::commands::{self, Install, Step};
use super::expand::{Var, expand};
use super::{Build, BuildContext};
use crate::data::base_images::{self, BaseImage, ImageFacts};
use crate::data::os_packages;
use crate::model::Model;
use crate::parse::dockerfile::{CommandForm, Dockerfile, Healthcheck, ImageRef, Op};
use crate::parse::shell;

/// What a stage starts from.
#[derive(Debug, Clone)]
pub(crate) enum Base {
    /// An image, with what the table knows of it.
    Image {
        reference: ImageRef,
        known: Option<&'static BaseImage>,
    },
    /// An earlier stage of the same Dockerfile.
    Stage(usize),
    Scratch,
    /// A reference whose variables the build decides.
    Unknown,
}

/// A thing placed in a stage's filesystem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A context path (repository-relative): a file copied to `dest`, or a directory whose
    /// contents are copied into `dest`.
    Context { path: String, dir: bool },
    /// A path of another stage, copied to `dest` (or into it, for a directory).
    Stage { stage: usize, path: String },
    /// From an image or a named context: not known.
    External,
    /// Written by a heredoc, a URL, or a RUN.
    Written,
    /// A `node_modules` tree an install created under `dest`.
    Installed { install: usize },
    /// The output of a build run in `dest`.
    Built { build: usize },
    /// `turbo prune --docker` output at `dest` (`out/`): `json/X`, `full/X` and `X` are the
    /// pruned copies of `X` under `root`.
    Pruned { root: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsEntry {
    /// Index into the Dockerfile's instructions.
    pub instruction: usize,
    /// Absolute path in the image.
    pub dest: String,
    pub entry: Entry,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InstallAt {
    pub instruction: usize,
    pub install: Install,
    /// The directory it runs in (absolute).
    pub dir: String,
    /// Tools present when it ran: the image's plus OS packages added in this stage.
    pub tools: BTreeSet<&'static str>,
    /// A cache mount (`--mount=type=cache`) was in place.
    pub cached: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuildAt {
    pub instruction: usize,
    pub dir: String,
    pub step: Step,
    /// The package folders (absolute) it builds, when the command says so (`--filter api`,
    /// `-w apps/api`, `turbo build --filter=api`, a member's own `tsc`); `None` when it may
    /// build anything under `dir` (`pnpm -r build`, a root `build` script, `tsc -b`).
    pub scope: Option<Vec<String>>,
}

impl BuildAt {
    /// Whether `path` (absolute) is inside a folder it builds.
    pub fn builds_within(&self, path: &str) -> bool {
        match &self.scope {
            Some(dirs) => dirs.iter().any(|d| path == d || below(path, d)),
            None => true,
        }
    }

    /// Whether it builds the package folder `dir` (absolute).
    pub fn builds(&self, dir: &str) -> bool {
        let within = |root: &str| dir == root || below(dir, root) || root == "/";
        match &self.scope {
            Some(dirs) => dirs.iter().any(|d| d == dir),
            None => within(&self.dir),
        }
    }
}

/// Whether `path` is below the folder `dir` (absolute; `dir` may end with `/`).
fn below(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir.trim_end_matches('/'))
        .is_some_and(|rest| rest.starts_with('/'))
}

/// What a stage is after its last instruction.
#[derive(Debug, Clone)]
pub struct StageSim {
    pub name: Option<String>,
    pub(crate) base: Base,
    /// The FROM instruction.
    pub from: usize,
    /// Index of the last instruction of the stage.
    pub last: usize,
    /// The facts of the image at the bottom of the stage chain, when known.
    pub(crate) facts: Option<&'static ImageFacts>,
    /// The last `USER` (inherited from a parent stage), with its instruction.
    pub user: Option<(String, usize)>,
    /// Users and groups created in this stage or its parents (a superset).
    pub created: BTreeSet<String>,
    /// Users may exist that were created in ways not read.
    pub users_open: bool,
    pub env: BTreeMap<String, String>,
    /// `ARG`s in scope: name → value (`None` when the build decides).
    pub args: BTreeMap<String, Option<String>>,
    pub workdir: String,
    /// Directories known to exist: every WORKDIR, and where directories were copied.
    pub dirs: BTreeSet<String>,
    pub tools: BTreeSet<&'static str>,
    pub entries: Vec<FsEntry>,
    pub installs: Vec<InstallAt>,
    pub builds: Vec<BuildAt>,
    /// The first instruction after which the filesystem may hold anything (a command not
    /// understood).
    pub opaque: Option<usize>,
    /// `HEALTHCHECK` (`None` inside: `HEALTHCHECK NONE`), with its instruction.
    pub healthcheck: Option<(usize, Option<Healthcheck>)>,
    pub cmd: Option<(usize, CommandForm)>,
    pub entrypoint: Option<(usize, CommandForm)>,
    /// OS packages installed in this stage, by instruction.
    pub os_packages: Vec<(usize, String)>,
    /// Package managers activated at a literal version (`corepack prepare pnpm@8.15.4`,
    /// `npm i -g pnpm@9`), by instruction; a version from a variable the build decides is
    /// left out.
    pub activations: Vec<(usize, commands::Manager, String)>,
    /// Packages installed by name (`npm install -g zx`, `yarn add x`), by instruction, without
    /// their versions: what scripts copied into the stage may import.
    pub added: Vec<(usize, String)>,
}

impl StageSim {
    /// The user the stage runs as: the last `USER`, else the image's default.
    pub fn effective_user(&self) -> Option<&str> {
        match &self.user {
            Some((u, _)) => Some(u.as_str()),
            None => self.facts.map(|f| f.default_user),
        }
    }

    pub fn var(&self, name: &str) -> Option<String> {
        self.env
            .get(name)
            .cloned()
            .or_else(|| self.args.get(name).cloned().flatten())
    }

    /// What the base image is, in a word (`node slim`), when the table knows it.
    pub fn base_kind(&self) -> Option<&'static str> {
        self.facts.map(|f| f.kind)
    }

    pub fn has_tool(&self, tool: &str) -> bool {
        self.tools.contains(tool)
    }
}

/// Whether a path is in a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    Present,
    Absent,
    Unknown,
}

/// The platform arguments BuildKit defines in every stage.
const PLATFORM_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// Folds every stage of a Dockerfile built with `context`.
pub(super) fn simulate(model: &Model, df: &Dockerfile, context: &BuildContext) -> Vec<StageSim> {
    let mut stages: Vec<StageSim> = Vec::new();
    let global: BTreeMap<String, Option<String>> = df
        .global_args()
        .map(|a| {
            let value = context
                .args
                .get(&a.name)
                .cloned()
                .or_else(|| a.default.clone());
            (a.name.clone(), value)
        })
        .collect();
    let global_lookup = |name: &str| match global.get(name) {
        Some(Some(v)) => Var::Set(v.clone()),
        Some(None) => Var::Unknown,
        None if PLATFORM_ARGS.contains(&name) => Var::Unknown,
        None => Var::Unset,
    };
    for stage in &df.stages {
        let Some(Op::From(from)) = df.instructions.get(stage.first).map(|i| &i.op) else {
            continue;
        };
        let written = expand(&from.image.text, &global_lookup);
        let base = match written.as_deref() {
            None => Base::Unknown,
            Some("scratch") => Base::Scratch,
            Some(text) => {
                let lower = text.to_ascii_lowercase();
                match stages
                    .iter()
                    .position(|s| s.name.as_deref() == Some(lower.as_str()))
                {
                    Some(parent) => Base::Stage(parent),
                    None => match ImageRef::parse(text) {
                        Some(reference) => {
                            let known = base_images::lookup(
                                &reference.repository(),
                                reference.tag.as_deref(),
                            );
                            Base::Image { reference, known }
                        }
                        None => Base::Unknown,
                    },
                }
            }
        };
        let mut sim = match &base {
            Base::Stage(parent) => {
                let mut s = stages[*parent].clone();
                s.entries.clear();
                s.installs.clear();
                s.builds.clear();
                s.os_packages.clear();
                s.activations.clear();
                s.opaque = None;
                s
            }
            _ => {
                let facts = match &base {
                    Base::Image { known, .. } => known.map(|k| &k.facts),
                    _ => None,
                };
                StageSim {
                    name: None,
                    base: base.clone(),
                    from: stage.first,
                    last: stage.last,
                    facts,
                    user: None,
                    created: BTreeSet::new(),
                    users_open: facts.is_none_or(|f| f.users.is_none()),
                    env: BTreeMap::new(),
                    args: BTreeMap::new(),
                    workdir: "/".to_string(),
                    dirs: BTreeSet::from(["/".to_string()]),
                    tools: initial_tools(facts),
                    entries: Vec::new(),
                    installs: Vec::new(),
                    builds: Vec::new(),
                    opaque: None,
                    healthcheck: None,
                    cmd: None,
                    entrypoint: None,
                    os_packages: Vec::new(),
                    activations: Vec::new(),
                    added: Vec::new(),
                }
            }
        };
        sim.name = stage.name.clone();
        sim.base = base;
        sim.from = stage.first;
        sim.last = stage.last;
        sim.args.clear();
        for i in stage.first + 1..=stage.last {
            if let Some(instruction) = df.instructions.get(i) {
                apply(
                    model,
                    df,
                    context,
                    &global,
                    &stages,
                    &mut sim,
                    i,
                    &instruction.op,
                );
            }
        }
        stages.push(sim);
    }
    stages
}

fn initial_tools(facts: Option<&ImageFacts>) -> BTreeSet<&'static str> {
    use crate::data::base_images::Has;
    let mut tools = BTreeSet::new();
    let Some(f) = facts else {
        return tools;
    };
    if f.curl == Has::Yes {
        tools.insert(os_packages::CURL);
    }
    if f.wget == Has::Yes {
        tools.insert(os_packages::WGET);
    }
    if f.toolchain == Has::Yes {
        tools.extend([os_packages::PYTHON, os_packages::MAKE, os_packages::CXX]);
    }
    tools
}

/// Joins a path written in an instruction onto the working directory.
pub fn absolute(workdir: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", workdir.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

#[expect(
    clippy::too_many_arguments,
    reason = "the fold's state, passed apart to keep borrows simple"
)]
fn apply(
    model: &Model,
    df: &Dockerfile,
    context: &BuildContext,
    global: &BTreeMap<String, Option<String>>,
    earlier: &[StageSim],
    sim: &mut StageSim,
    index: usize,
    op: &Op,
) {
    let lookup = |sim: &StageSim, name: &str| -> Var {
        if let Some(v) = sim.env.get(name) {
            return Var::Set(v.clone());
        }
        match sim.args.get(name) {
            Some(Some(v)) => Var::Set(v.clone()),
            Some(None) => Var::Unknown,
            None if PLATFORM_ARGS.contains(&name) => Var::Unknown,
            None => Var::Unset,
        }
    };
    match op {
        Op::Env(pairs) => {
            for pair in pairs {
                let value = expand(&pair.value, &|n| lookup(sim, n));
                match value {
                    Some(v) => {
                        sim.env.insert(pair.key.clone(), v);
                    }
                    None => {
                        sim.env.remove(&pair.key);
                        // Unknown: an ARG with the same name would still shadow nothing.
                        sim.args.insert(pair.key.clone(), None);
                    }
                }
            }
        }
        Op::Arg(decls) => {
            for decl in decls {
                let value = context
                    .args
                    .get(&decl.name)
                    .cloned()
                    .or_else(|| {
                        decl.default
                            .as_ref()
                            .and_then(|d| expand(d, &|n| lookup(sim, n)))
                    })
                    .or_else(|| global.get(&decl.name).cloned().flatten());
                sim.args.insert(decl.name.clone(), value);
            }
        }
        Op::Workdir(word) => {
            if let Some(path) = expand(&word.text, &|n| lookup(sim, n)) {
                sim.workdir = absolute(&sim.workdir, &path);
                sim.dirs.insert(sim.workdir.clone());
            } else {
                sim.opaque.get_or_insert(index);
            }
        }
        Op::User(word) => {
            let user = expand(&word.text, &|n| lookup(sim, n)).unwrap_or_else(|| word.text.clone());
            sim.user = Some((user, index));
        }
        Op::Healthcheck(hc) => sim.healthcheck = Some((index, hc.clone())),
        Op::Cmd(form) => sim.cmd = Some((index, form.clone())),
        Op::Entrypoint(form) => {
            sim.entrypoint = Some((index, form.clone()));
            // An ENTRYPOINT resets the CMD inherited from the base.
            if sim.cmd.as_ref().is_some_and(|(i, _)| *i < sim.from) {
                sim.cmd = None;
            }
        }
        Op::Copy(copy) => {
            let dest = expand(&copy.dest.text, &|n| lookup(sim, n));
            let Some(dest_written) = dest else {
                sim.opaque.get_or_insert(index);
                return;
            };
            let dest_abs = absolute(&sim.workdir, &dest_written);
            // A destination is a directory when written as one (`./`, `.`), when several
            // sources go there, or when it already is one (a WORKDIR, a copied folder).
            let dest_is_dir = dest_written.ends_with('/')
                || dest_written == "."
                || dest_written.ends_with("/.")
                || copy.sources.len() > 1
                || sim.dirs.contains(&dest_abs);
            if let Some(from) = &copy.from {
                let from_text = expand(&from.text, &|n| lookup(sim, n)).unwrap_or_default();
                let lower = from_text.to_ascii_lowercase();
                let stage = earlier
                    .iter()
                    .position(|s| s.name.as_deref() == Some(lower.as_str()))
                    .or_else(|| lower.parse::<usize>().ok().filter(|n| *n < earlier.len()));
                for source in &copy.sources {
                    let entry = match (stage, expand(&source.text, &|n| lookup(sim, n))) {
                        (Some(stage), Some(path)) => {
                            let path = absolute("/", &path);
                            let dest = if dest_is_dir {
                                // A file goes to dest/name; a directory's contents to dest.
                                dest_abs.clone()
                            } else {
                                dest_abs.clone()
                            };
                            FsEntry {
                                instruction: index,
                                dest,
                                entry: Entry::Stage { stage, path },
                            }
                        }
                        _ => FsEntry {
                            instruction: index,
                            dest: dest_abs.clone(),
                            entry: Entry::External,
                        },
                    };
                    sim.entries.push(entry);
                }
                return;
            }
            for source in &copy.sources {
                if source.text.starts_with("<<") {
                    sim.entries.push(FsEntry {
                        instruction: index,
                        dest: dest_abs.clone(),
                        entry: Entry::Written,
                    });
                    continue;
                }
                if source.text.contains("://") || source.text.starts_with("git@") {
                    sim.entries.push(FsEntry {
                        instruction: index,
                        dest: dest_abs.clone(),
                        entry: Entry::Written,
                    });
                    continue;
                }
                let Some(src) = expand(&source.text, &|n| lookup(sim, n)) else {
                    sim.entries.push(FsEntry {
                        instruction: index,
                        dest: dest_abs.clone(),
                        entry: Entry::External,
                    });
                    continue;
                };
                for (path, dir) in context.resolve(model, &src) {
                    let dest = if dir {
                        if copy.parents {
                            absolute(&dest_abs, paths_rel(&context.dir, &path))
                        } else {
                            dest_abs.clone()
                        }
                    } else if dest_is_dir || is_glob(&src) {
                        let name = if copy.parents {
                            paths_rel(&context.dir, &path).to_string()
                        } else {
                            crate::paths::file_name(&path).to_string()
                        };
                        absolute(&dest_abs, &name)
                    } else {
                        dest_abs.clone()
                    };
                    if dir {
                        sim.dirs.insert(dest.clone());
                    }
                    sim.entries.push(FsEntry {
                        instruction: index,
                        dest,
                        entry: Entry::Context { path, dir },
                    });
                }
            }
        }
        Op::Run(run) => {
            let cached = run.mounts.iter().any(|m| m.kind == "cache");
            let mut dir = sim.workdir.clone();
            for command in shell::commands(&run.script) {
                let step = commands::step(&command, &|n| match lookup(sim, n) {
                    Var::Set(v) => Some(v),
                    _ => None,
                });
                match step {
                    Step::Cd(to) => match expand(&to, &|n| lookup(sim, n)) {
                        Some(to) if !to.starts_with('~') && to != "-" => {
                            dir = absolute(&dir, &to);
                        }
                        _ => {
                            sim.opaque.get_or_insert(index);
                        }
                    },
                    Step::Install(install) => {
                        let at = sim.installs.len();
                        // `pnpm fetch` fills the store from the lockfile alone: no node_modules.
                        let fills_store_only = install.verb == commands::Verb::Fetch;
                        let target = match &install.verb {
                            commands::Verb::Deploy { dir: Some(d) } => absolute(&dir, d),
                            _ => dir.clone(),
                        };
                        // `pnpm deploy DIR` also copies the package's own files into DIR.
                        if let commands::Verb::Deploy { .. } = &install.verb {
                            let source = install.filters.first().and_then(|f| {
                                package_dir_in_image(model, context, earlier, sim, index, &dir, f)
                            });
                            sim.entries.push(FsEntry {
                                instruction: index,
                                dest: target.clone(),
                                entry: match source {
                                    Some(path) => Entry::Stage {
                                        stage: earlier.len(),
                                        path,
                                    },
                                    None => Entry::Written,
                                },
                            });
                        }
                        sim.installs.push(InstallAt {
                            instruction: index,
                            install,
                            dir: dir.clone(),
                            tools: sim.tools.clone(),
                            cached,
                        });
                        if !fills_store_only {
                            sim.entries.push(FsEntry {
                                instruction: index,
                                dest: target,
                                entry: Entry::Installed { install: at },
                            });
                        }
                    }
                    Step::RunScript { .. } | Step::Tool { .. } => {
                        let at = sim.builds.len();
                        let scope = build_scope(model, context, earlier, sim, index, &dir, &step);
                        sim.builds.push(BuildAt {
                            instruction: index,
                            dir: dir.clone(),
                            step,
                            scope,
                        });
                        sim.entries.push(FsEntry {
                            instruction: index,
                            dest: dir.clone(),
                            entry: Entry::Built { build: at },
                        });
                    }
                    Step::TurboPrune { .. } => sim.entries.push(FsEntry {
                        instruction: index,
                        dest: absolute(&dir, "out"),
                        entry: Entry::Pruned { root: dir.clone() },
                    }),
                    Step::OsInstall {
                        packages,
                        virtual_name,
                    } => {
                        for package in &packages {
                            sim.tools.extend(os_packages::adds(package).iter().copied());
                            sim.os_packages.push((index, package.clone()));
                            // Daemon packages create their own user (nginx, postgres).
                            sim.created.insert(package.clone());
                        }
                        if let Some(v) = virtual_name {
                            sim.os_packages.push((index, v));
                        }
                    }
                    Step::OsRemove { packages } => {
                        remove_packages(sim, &packages);
                    }
                    Step::UsersAdded(names) => {
                        // `adduser -u ${UID} app`: names from variables the stage knows.
                        for name in names {
                            match expand(&name, &|n| lookup(sim, n)) {
                                Some(name) => {
                                    sim.created.insert(name);
                                }
                                None => sim.users_open = true,
                            }
                        }
                    }
                    Step::UsersOpen => sim.users_open = true,
                    Step::Writes(files) => {
                        for f in files {
                            if let Some(f) = expand(&f, &|n| lookup(sim, n)) {
                                sim.entries.push(FsEntry {
                                    instruction: index,
                                    dest: absolute(&dir, &f),
                                    entry: Entry::Written,
                                });
                            }
                        }
                    }
                    Step::Opaque(_) => {
                        sim.opaque.get_or_insert(index);
                        if command.words.first().is_some_and(|w| w.contains('/')) {
                            // A script of the repository may create users too.
                            sim.users_open = true;
                        }
                    }
                    Step::Activate { manager, version } => {
                        if let Some(version) = expand(&version, &|n| lookup(sim, n)) {
                            sim.activations.push((index, manager, version));
                        }
                    }
                    Step::AddPackages { packages, .. } => {
                        for package in &packages {
                            if let Some(name) = crate::parse::workflow::package_of_spec(package) {
                                sim.added.push((index, name.to_string()));
                            }
                        }
                    }
                    Step::Harmless => {}
                }
            }
        }
        Op::From(_) | Op::Expose(_) | Op::Shell(_) | Op::Onbuild(_) | Op::Other | Op::Unknown => {}
    }
    let _ = df;
}

/// The build so far (the stages before and the one being folded), to ask where a path of
/// the current stage came from.
fn probe(context: &BuildContext, earlier: &[StageSim], sim: &StageSim) -> Build {
    Build {
        dockerfile: usize::MAX,
        context: context.clone(),
        stages: earlier
            .iter()
            .cloned()
            .chain(std::iter::once(sim.clone()))
            .collect(),
        target: earlier.len(),
        sources: Vec::new(),
        services: Vec::new(),
    }
}

/// What is left of `path` below the destination `dest` (`""` for `dest` itself), when the
/// entry covers it.
pub fn under<'a>(dest: &str, path: &'a str) -> Option<&'a str> {
    if path == dest {
        Some("")
    } else if dest == "/" {
        path.strip_prefix('/')
    } else {
        path.strip_prefix(dest).and_then(|r| r.strip_prefix('/'))
    }
}

/// Where the workspace package `filter` names is in the image, relative to the package whose
/// manifest is at `dir` (the workspace root a `pnpm deploy` runs in).
fn package_dir_in_image(
    model: &Model,
    context: &BuildContext,
    earlier: &[StageSim],
    sim: &StageSim,
    index: usize,
    dir: &str,
    filter: &str,
) -> Option<String> {
    let probe = probe(context, earlier, sim);
    let origin = probe.origin_until(
        model,
        earlier.len(),
        &absolute(dir, "package.json"),
        index.saturating_sub(1),
    )?;
    let root_dir = model.packages[model.package_index_at(crate::paths::parent(&origin))?]
        .dir
        .clone();
    let name = filter.trim_end_matches("...").trim_start_matches("./");
    let package = model
        .packages
        .iter()
        .find(|p| p.name() == name || crate::paths::strip_dir(&p.dir, &root_dir) == Some(name))?;
    let rel = crate::paths::strip_dir(&package.dir, &root_dir)?;
    Some(absolute(dir, if rel.is_empty() { "." } else { rel }))
}

/// Which package folders a build command builds (see [`BuildAt::scope`]).
fn build_scope(
    model: &Model,
    context: &BuildContext,
    earlier: &[StageSim],
    sim: &StageSim,
    index: usize,
    dir: &str,
    step: &Step,
) -> Option<Vec<String>> {
    // The repository package at `dir`, traced through the copies made so far.
    let probe = probe(context, earlier, sim);
    let manifest = absolute(dir, "package.json");
    let origin = probe.origin_until(model, earlier.len(), &manifest, index.saturating_sub(1))?;
    let here = model.package_index_at(crate::paths::parent(&origin))?;
    let here_dir = model.packages[here].dir.clone();
    // A package folder of the repository, where it lands relative to `dir`.
    let image_dir = |package: usize| -> Option<String> {
        let rel = crate::paths::strip_dir(&model.packages[package].dir, &here_dir)?;
        Some(absolute(dir, if rel.is_empty() { "." } else { rel }))
    };
    let by_name_or_dir = |f: &str| -> Vec<usize> {
        let f = f.trim_start_matches("./").trim_matches(['{', '}']);
        model
            .packages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.name() == f
                    || crate::paths::strip_dir(&p.dir, &here_dir) == Some(f.trim_end_matches('/'))
            })
            .map(|(i, _)| i)
            .collect()
    };
    let with_deps = |roots: Vec<usize>| -> Vec<usize> {
        let mut out = Vec::new();
        let mut queue = roots;
        while let Some(p) = queue.pop() {
            if out.contains(&p) {
                continue;
            }
            out.push(p);
            for dep in &model.packages[p].manifest.dependencies {
                if let Some(target) = model.package_index_named(&dep.name)
                    && model.packages[target].workspace.is_some()
                    && model.packages[target].workspace == model.packages[p].workspace
                {
                    queue.push(target);
                }
            }
        }
        out
    };
    let resolve = |filters: &[String], deps_always: bool| -> Option<Vec<String>> {
        let mut packages = Vec::new();
        for f in filters {
            if f.starts_with("...") || f.starts_with('!') || f.contains('*') || f.contains('$') {
                return None;
            }
            let deps = deps_always || f.ends_with("...");
            let found = by_name_or_dir(f.trim_end_matches("..."));
            if found.is_empty() {
                return None;
            }
            packages.extend(if deps { with_deps(found) } else { found });
        }
        packages.into_iter().map(image_dir).collect()
    };
    match step {
        Step::RunScript {
            filters,
            recursive,
            script,
            ..
        } => {
            if *recursive {
                return None;
            }
            if !filters.is_empty() {
                return resolve(filters, false);
            }
            // `npm run build` in a package: what its script runs.
            let command = &model.packages[here].manifest.script(script)?.command;
            let builds_others = [
                "turbo",
                "nx ",
                "lerna",
                " -r ",
                "--recursive",
                "--filter",
                "-ws",
                "--workspaces",
                "tsc -b",
                "tsc --build",
                "foreach",
            ]
            .iter()
            .any(|w| format!(" {command} ").contains(w));
            if builds_others {
                None
            } else {
                Some(vec![image_dir(here)?])
            }
        }
        Step::Tool { tool, args, .. } => match *tool {
            "turbo" | "nx" => {
                let filters: Vec<String> = args
                    .iter()
                    .enumerate()
                    .filter_map(|(i, a)| {
                        a.strip_prefix("--filter=").map(str::to_string).or_else(|| {
                            (a == "--filter" || a == "-F")
                                .then(|| args.get(i + 1).cloned())
                                .flatten()
                        })
                    })
                    .collect();
                if *tool == "nx" {
                    // `nx build api`, `nx run api:build`: the project and what it depends on.
                    let project =
                        args.iter().filter(|a| !a.starts_with('-')).find_map(|a| {
                            match a.split_once(':') {
                                Some((p, _)) => Some(p.to_string()),
                                None => (a != "build" && a != "run" && a != "run-many")
                                    .then(|| a.clone()),
                            }
                        });
                    return match (args.first().map(String::as_str), project) {
                        (Some("run-many" | "affected"), _) | (_, None) => None,
                        (_, Some(p)) => resolve(&[p], true),
                    };
                }
                if filters.is_empty() {
                    None
                } else {
                    resolve(&filters, true)
                }
            }
            "tsc" if !args.iter().any(|a| a == "-b" || a == "--build") => {
                Some(vec![image_dir(here)?])
            }
            "nest" | "tsup" | "vite" | "next" | "webpack" | "rollup" | "esbuild" | "swc" => {
                Some(vec![image_dir(here)?])
            }
            _ => None,
        },
        _ => None,
    }
}

/// `apk del .gyp` removes what `apk add --virtual .gyp` added; `apt-get purge x` removes x.
fn remove_packages(sim: &mut StageSim, removed: &[String]) {
    let mut gone: Vec<String> = Vec::new();
    for name in removed {
        // The packages installed in the same instruction as a virtual name belong to it.
        if let Some(at) = sim
            .os_packages
            .iter()
            .find(|(_, p)| p == name)
            .map(|(i, _)| *i)
        {
            let is_virtual = sim
                .os_packages
                .iter()
                .rev()
                .find(|(i, _)| *i == at)
                .is_some_and(|(_, p)| p == name);
            if is_virtual {
                gone.extend(
                    sim.os_packages
                        .iter()
                        .filter(|(i, _)| *i == at)
                        .map(|(_, p)| p.clone()),
                );
            }
        }
        gone.push(name.clone());
    }
    for name in &gone {
        for tool in os_packages::adds(name) {
            sim.tools.remove(tool);
        }
    }
}

/// The path under `root` that `out/<rest>` of a `turbo prune --docker` is a copy of.
fn pruned_source(root: &str, rest: &str) -> Option<String> {
    if rest.is_empty() || rest == "json" || rest == "full" {
        return None;
    }
    let inner = rest
        .strip_prefix("json/")
        .or_else(|| rest.strip_prefix("full/"))
        .unwrap_or(rest);
    Some(absolute(root, inner))
}

fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

fn paths_rel<'a>(dir: &str, path: &'a str) -> &'a str {
    crate::paths::strip_dir(path, dir).unwrap_or(path)
}

impl Build {
    /// Whether `path` (absolute) is in stage `stage` of build `build` after instruction
    /// `until` (inclusive).
    pub fn presence(&self, model: &Model, stage: usize, path: &str, until: usize) -> Presence {
        self.presence_at(model, stage, path, until, 0)
    }

    fn presence_at(
        &self,
        model: &Model,
        stage: usize,
        path: &str,
        until: usize,
        depth: usize,
    ) -> Presence {
        let b = self;
        let Some(sim) = b.stages.get(stage) else {
            return Presence::Unknown;
        };
        if depth > 16 {
            return Presence::Unknown;
        }
        let mut unknown = false;
        for entry in sim.entries.iter().rev().filter(|e| e.instruction <= until) {
            let Some(rest) = under(&entry.dest, path) else {
                continue;
            };
            let found = match &entry.entry {
                Entry::Context { path: src, dir } => {
                    if *dir {
                        let candidate = if rest.is_empty() {
                            src.clone()
                        } else if src.is_empty() {
                            rest.to_string()
                        } else {
                            format!("{src}/{rest}")
                        };
                        b.context.holds(model, &candidate)
                    } else if rest.is_empty() {
                        b.context.holds(model, src)
                    } else {
                        Presence::Absent
                    }
                }
                Entry::Stage {
                    stage: from,
                    path: src,
                } => {
                    let direct = if rest.is_empty() {
                        src.clone()
                    } else {
                        format!("{}/{rest}", src.trim_end_matches('/'))
                    };
                    let mut result = self.presence_at(model, *from, &direct, usize::MAX, depth + 1);
                    if result != Presence::Present && !rest.is_empty() && !rest.contains('/') {
                        // A file copied into a directory keeps its name.
                        let name = crate::paths::file_name(src);
                        if name == rest {
                            let other = self.presence_at(model, *from, src, usize::MAX, depth + 1);
                            if other != Presence::Absent {
                                result = other;
                            }
                        }
                    }
                    result
                }
                Entry::External => Presence::Unknown,
                Entry::Written => {
                    if rest.is_empty() {
                        Presence::Present
                    } else {
                        Presence::Unknown
                    }
                }
                Entry::Installed { .. } => {
                    if rest == "node_modules"
                        || rest.starts_with("node_modules/")
                        || rest.contains("/node_modules")
                    {
                        Presence::Present
                    } else {
                        Presence::Absent
                    }
                }
                Entry::Built { build: at } => {
                    let in_scope = sim
                        .builds
                        .get(*at)
                        .is_none_or(|b| b.scope.is_none() || b.builds_within(path));
                    if rest.starts_with("node_modules") || !in_scope {
                        Presence::Absent
                    } else {
                        // Where a build writes is decided by its tools' configs; anything
                        // under the directory it ran in may now exist.
                        Presence::Unknown
                    }
                }
                Entry::Pruned { root } => match pruned_source(root, rest) {
                    // The pruned copy holds what the workspace needs: a path absent from the
                    // source is absent, a present one may have been pruned away.
                    Some(source) => match self.presence_at(
                        model,
                        stage,
                        &source,
                        entry.instruction.saturating_sub(1),
                        depth + 1,
                    ) {
                        Presence::Absent => Presence::Absent,
                        _ => Presence::Unknown,
                    },
                    None => Presence::Unknown,
                },
            };
            match found {
                Presence::Present => return Presence::Present,
                Presence::Unknown => unknown = true,
                Presence::Absent => {}
            }
        }
        if unknown || sim.opaque.is_some_and(|o| o <= until) {
            return Presence::Unknown;
        }
        match &sim.base {
            Base::Stage(parent) => self.presence_at(model, *parent, path, usize::MAX, depth + 1),
            Base::Image { known: Some(_), .. } | Base::Scratch => Presence::Absent,
            _ => Presence::Unknown,
        }
    }

    /// The repository path a path of a stage was copied from, following stage copies;
    /// `None` when a build, an install or a command wrote it, or it is not known.
    pub fn origin(&self, model: &Model, stage: usize, path: &str) -> Option<String> {
        self.origin_at(model, stage, path, usize::MAX, 0, false)
    }

    /// [`Build::origin`] as it was after instruction `until`.
    pub fn origin_until(
        &self,
        model: &Model,
        stage: usize,
        path: &str,
        until: usize,
    ) -> Option<String> {
        self.origin_at(model, stage, path, until, 0, false)
    }

    /// The repository `package.json` a manifest in the image came from, looking through the
    /// builds that ran over it (a build writes its output, not the manifests of the packages
    /// it builds): which package a folder of the image holds.
    pub fn manifest_origin(&self, model: &Model, stage: usize, path: &str) -> Option<String> {
        self.origin_at(model, stage, path, usize::MAX, 0, true)
    }

    fn origin_at(
        &self,
        model: &Model,
        stage: usize,
        path: &str,
        until: usize,
        depth: usize,
        through_builds: bool,
    ) -> Option<String> {
        let sim = self.stages.get(stage)?;
        if depth > 16 {
            return None;
        }
        for entry in sim.entries.iter().rev().filter(|e| e.instruction <= until) {
            let Some(rest) = under(&entry.dest, path) else {
                continue;
            };
            match &entry.entry {
                Entry::Context {
                    path: src,
                    dir: true,
                } => {
                    let candidate = match (src.is_empty(), rest.is_empty()) {
                        (_, true) => src.clone(),
                        (true, false) => rest.to_string(),
                        (false, false) => format!("{src}/{rest}"),
                    };
                    if self.context.holds(model, &candidate) == Presence::Present {
                        return Some(candidate);
                    }
                }
                Entry::Context {
                    path: src,
                    dir: false,
                } if rest.is_empty() => {
                    return Some(src.clone());
                }
                Entry::Stage {
                    stage: from,
                    path: src,
                } => {
                    let direct = if rest.is_empty() {
                        src.clone()
                    } else {
                        format!("{}/{rest}", src.trim_end_matches('/'))
                    };
                    if let Some(found) =
                        self.origin_at(model, *from, &direct, usize::MAX, depth + 1, through_builds)
                    {
                        return Some(found);
                    }
                    if !rest.is_empty()
                        && !rest.contains('/')
                        && crate::paths::file_name(src) == rest
                        && let Some(found) =
                            self.origin_at(model, *from, src, usize::MAX, depth + 1, through_builds)
                    {
                        return Some(found);
                    }
                }
                Entry::Pruned { root } => {
                    if let Some(source) = pruned_source(root, rest)
                        && let Some(found) = self.origin_at(
                            model,
                            stage,
                            &source,
                            entry.instruction.saturating_sub(1),
                            depth + 1,
                            through_builds,
                        )
                    {
                        return Some(found);
                    }
                }
                // Written by a build, an install or a command: not a repository file.
                Entry::Built { build: at }
                    if !rest.starts_with("node_modules")
                        && !through_builds
                        && sim.builds.get(*at).is_none_or(|b| b.builds_within(path)) =>
                {
                    return None;
                }
                Entry::Written | Entry::External => return None,
                _ => {}
            }
        }
        if sim.opaque.is_some_and(|o| o <= until) {
            return None;
        }
        match &sim.base {
            Base::Stage(parent) => {
                self.origin_at(model, *parent, path, usize::MAX, depth + 1, through_builds)
            }
            _ => None,
        }
    }
}
