use std::collections::{BTreeMap, BTreeSet};

use crate::data::base_images::Libc;
use crate::data::glibc_only;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::commands::{Manager, Tri, Verb};
use crate::model::docker::{Base, Entry, InstallAt, Presence};
use crate::model::lockfile::Lock;
use crate::model::{Model, Package};
use crate::parse::dockerfile::Op;
use crate::parse::package_json::DepKind;
use crate::paths;
use crate::rules::docker::non_reproducible_install::installed_package;
use crate::rules::docker::{Image, applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags an Alpine (musl) image that installs, or ships, a dependency whose native binary
    /// exists for glibc only (`@temporalio/core-bridge`, `@tensorflow/tfjs-node`,
    /// `onnxruntime-node`: the table in `data/glibc_only.rs`, each with its reason). Two
    /// cases: an install (`npm ci`, `pnpm install`, `yarn workspaces focus`, `pnpm deploy`, …)
    /// in a musl stage the build reaches, and a musl shipped stage that copies a
    /// `node_modules` (or the folder holding it) from a stage that installed it on another
    /// base. What an install installs is read from the lockfile: the package whose
    /// package.json the stage copied to the install folder (a `-w`/`--filter`/`focus`
    /// selection when given; every workspace whose package.json the stage holds for a root
    /// install), its dependencies (devDependencies unless the install is production-only)
    /// and those of the workspace packages it links to. A `node_modules` copied from the
    /// build context is not judged: what the host installed is not known.
    ///
    /// ## Why is this bad?
    /// The package's prebuilt binary links against glibc's loader; on musl the process
    /// crashes when it loads the addon (`Error loading shared library ld-linux-x86-64.so.2`,
    /// `__memcpy_chk: symbol not found`), often only at the first request that needs it.
    /// `gcompat`/`libc6-compat` do not make these work reliably; the vendors say not to use
    /// Alpine.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-alpine
    /// COPY package.json package-lock.json ./
    /// RUN npm ci --omit=dev   # the worker depends on @temporalio/worker
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-bookworm-slim
    /// COPY package.json package-lock.json ./
    /// RUN npm ci --omit=dev
    /// ```
    pub struct MuslIncompatibleDependency {
        id: "docker/musl-incompatible-dependency",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::PackageJson, FileKind::Lockfile(crate::discover::LockfileKind::Npm), FileKind::Lockfile(crate::discover::LockfileKind::Pnpm), FileKind::Lockfile(crate::discover::LockfileKind::Yarn)],
        summary: "an alpine-based stage that installs or runs dependencies known to need glibc",
    }
}

/// A glibc-only package an install puts in place.
#[derive(Debug, Clone)]
struct Hit {
    name: String,
    version: String,
    reason: &'static str,
    /// The workspace package that declares the dependency the chain starts from.
    via: String,
    /// That declared dependency, when it is not the package itself.
    through: Option<String>,
}

impl Rule for MuslIncompatibleDependency {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut seen = BTreeSet::new();
        for image in images(model) {
            let lineage = image.build.shipped_lineage();
            for &s in &lineage {
                let Some(stage) = image.build.stages.get(s) else {
                    continue;
                };
                if !stage.facts.is_some_and(|f| f.libc == Libc::Musl) {
                    continue;
                }
                for at in &stage.installs {
                    if !at.install.installs_tree() {
                        continue;
                    }
                    for hit in hits(model, &image, s, at) {
                        if !seen.insert((image.df.path.clone(), at.instruction, hit.name.clone())) {
                            continue;
                        }
                        out.push(install_finding(model, &image, s, at, &hit));
                    }
                }
            }
            shipped(model, &image, &mut seen, out);
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

/// A musl shipped stage that copies installed trees from stages on another base.
fn shipped(
    model: &Model,
    image: &Image<'_>,
    seen: &mut BTreeSet<(String, usize, String)>,
    out: &mut Vec<Finding>,
) {
    let target = image.build.target;
    let Some(stage) = image.build.stages.get(target) else {
        return;
    };
    if !stage.facts.is_some_and(|f| f.libc == Libc::Musl) {
        return;
    }
    for entry in &stage.entries {
        let Entry::Stage { stage: from, path } = &entry.entry else {
            continue;
        };
        for (install_stage, at) in trees_under(image, *from, path, 0) {
            let libc = image
                .build
                .stages
                .get(install_stage)
                .and_then(|s| s.facts)
                .map(|f| f.libc);
            if libc == Some(Libc::Musl) {
                // Reported at the install itself.
                continue;
            }
            for hit in hits(model, image, install_stage, at) {
                if !seen.insert((image.df.path.clone(), entry.instruction, hit.name.clone())) {
                    continue;
                }
                out.push(copy_finding(
                    model,
                    image,
                    entry.instruction,
                    install_stage,
                    at,
                    &hit,
                ));
            }
        }
    }
}

/// The installs of stage `stage` (or a stage it is built on, or one it copied trees from)
/// whose `node_modules` lies within `path` of that stage.
fn trees_under<'a>(
    image: &Image<'a>,
    stage: usize,
    path: &str,
    depth: usize,
) -> Vec<(usize, &'a InstallAt)> {
    let mut out = Vec::new();
    if depth > 8 {
        return out;
    }
    let path = path.trim_end_matches('/');
    let covers = |modules: &str| {
        path.is_empty() || modules == path || modules.starts_with(&format!("{path}/"))
    };
    let mut current = Some(stage);
    let mut guard = 0;
    while let Some(s) = current {
        let Some(sim) = image.build.stages.get(s) else {
            break;
        };
        for entry in &sim.entries {
            match &entry.entry {
                Entry::Installed { install } => {
                    let modules = format!("{}/node_modules", entry.dest.trim_end_matches('/'));
                    if covers(&modules)
                        && let Some(at) = sim.installs.get(*install)
                    {
                        out.push((s, at));
                    }
                }
                Entry::Stage {
                    stage: from,
                    path: src,
                } => {
                    // A tree copied in from elsewhere, then copied on.
                    let dest = entry.dest.trim_end_matches('/');
                    if covers(&format!("{dest}/node_modules")) || covers(dest) {
                        out.extend(trees_under(image, *from, src, depth + 1));
                    }
                }
                _ => {}
            }
        }
        guard += 1;
        current = match sim.base {
            Base::Stage(parent) if guard < 16 => Some(parent),
            _ => None,
        };
    }
    out
}

/// The glibc-only packages an install puts in place, from the lockfile.
fn hits(model: &Model, image: &Image<'_>, stage: usize, at: &InstallAt) -> Vec<Hit> {
    let Some(root) = installed_package(model, image, stage, at) else {
        return Vec::new();
    };
    let Some(lock) = model.lock_of(root) else {
        return Vec::new();
    };
    let install = &at.install;
    let include_dev = install.production == Tri::No;
    let pnpm_narrow = install.manager == Manager::Pnpm
        && !install.filters.is_empty()
        && install.filters.iter().all(|f| !f.ends_with("..."));
    let follow_links = !pnpm_narrow;
    let selected: Vec<&Package> = if !install.filters.is_empty() {
        install
            .filters
            .iter()
            .filter_map(|f| filtered(model, root, f))
            .collect()
    } else if matches!(install.verb, Verb::Deploy { .. }) {
        return Vec::new();
    } else if is_install_root(model, root) {
        let mut out = vec![root];
        out.extend(members_present(model, image, stage, at, root));
        out
    } else {
        vec![root]
    };
    if selected.is_empty() {
        return Vec::new();
    }
    walk(model, lock, &selected, include_dev, follow_links)
}

fn is_install_root(model: &Model, package: &Package) -> bool {
    package
        .workspace
        .and_then(|w| model.workspaces.get(w))
        .is_some_and(|w| w.dir == package.dir)
}

/// The members of the root's workspace whose package.json the stage holds at the install.
fn members_present<'a>(
    model: &'a Model,
    image: &Image<'_>,
    stage: usize,
    at: &InstallAt,
    root: &Package,
) -> Vec<&'a Package> {
    let Some(workspace) = root.workspace.and_then(|w| model.workspaces.get(w)) else {
        return Vec::new();
    };
    workspace
        .members
        .iter()
        .filter_map(|&m| model.packages.get(m))
        .filter(|p| p.dir != root.dir)
        .filter(|p| {
            let Some(rel) = paths::strip_dir(&p.dir, &root.dir) else {
                return false;
            };
            let path = format!("{}/{rel}/package.json", at.dir.trim_end_matches('/'));
            model
                .docker
                .presence(model, image.index, stage, &path, at.instruction)
                == Presence::Present
        })
        .collect()
}

/// The workspace package a `-w`/`--filter`/`focus` selection names: by name or by folder
/// (`api`, `@acme/api...`, `./apps/api`, `{apps/api}`); patterns and exclusions are not read.
fn filtered<'a>(model: &'a Model, root: &Package, filter: &str) -> Option<&'a Package> {
    if filter.starts_with('!') || filter.contains('*') {
        return None;
    }
    let name = filter
        .trim_start_matches("...")
        .trim_end_matches("...")
        .trim_end_matches('^')
        .trim_start_matches('{')
        .trim_end_matches('}');
    if name.is_empty() {
        return None;
    }
    let by_dir = paths::join(&root.dir, name).and_then(|d| model.package_at(&d));
    by_dir
        .or_else(|| model.package_named(name))
        .filter(|p| p.workspace == root.workspace)
}

/// Every locked package the selected workspace packages install, with the glibc-only ones
/// returned.
fn walk(
    model: &Model,
    lock: &Lock,
    selected: &[&Package],
    include_dev: bool,
    follow_links: bool,
) -> Vec<Hit> {
    let workspace = selected.first().and_then(|p| p.workspace);
    let mut queue: Vec<(&Package, bool)> = selected.iter().map(|p| (*p, include_dev)).collect();
    let mut seen_packages: BTreeSet<&str> = BTreeSet::new();
    // node → (declaring package, declared dependency)
    let mut roots: Vec<(usize, String, String)> = Vec::new();
    while let Some((package, dev)) = queue.pop() {
        if !seen_packages.insert(&package.dir) {
            continue;
        }
        for dep in &package.manifest.dependencies {
            if dep.kind == DepKind::Peer || (dep.kind == DepKind::Dev && !dev) {
                continue;
            }
            if let Some(node) = lock
                .locked(&package.dir, &dep.name, &dep.spec)
                .and_then(|l| l.node)
            {
                roots.push((node, package.name().to_string(), dep.name.clone()));
            } else if follow_links
                && let Some(linked) = model
                    .package_named(&dep.name)
                    .filter(|p| p.workspace.is_some() && p.workspace == workspace)
            {
                queue.push((linked, false));
            }
        }
    }
    let mut found: BTreeMap<usize, (String, String)> = BTreeMap::new();
    // Breadth first, so each package is told by its shortest chain.
    let mut queue: std::collections::VecDeque<(usize, String, String)> = roots.into();
    while let Some((node, via, declared)) = queue.pop_front() {
        if found.contains_key(&node) {
            continue;
        }
        found.insert(node, (via.clone(), declared.clone()));
        if let Some(n) = lock.nodes().get(node) {
            for &d in &n.dependencies {
                queue.push_back((d, via.clone(), declared.clone()));
            }
        }
    }
    let mut hits: Vec<Hit> = Vec::new();
    for (node, (via, declared)) in found {
        let Some(n) = lock.nodes().get(node) else {
            continue;
        };
        let Some(entry) = glibc_only::find(&n.name) else {
            continue;
        };
        if hits.iter().any(|h| h.name == n.name) {
            continue;
        }
        hits.push(Hit {
            name: n.name.clone(),
            version: n.version.clone(),
            reason: entry.reason,
            through: (declared != n.name).then_some(declared),
            via,
        });
    }
    hits
}

fn libc_label(image: &Image<'_>, stage: usize) -> String {
    let kind = image
        .build
        .stages
        .get(stage)
        .and_then(|s| s.facts)
        .map_or("alpine", |f| f.kind);
    format!("{} ({kind}, musl)", image.stage_label(stage))
}

fn origin(hit: &Hit) -> String {
    match &hit.through {
        Some(through) => format!("`{}` depends on it through `{through}`", hit.via),
        None => format!("`{}` depends on it", hit.via),
    }
}

fn install_finding(
    model: &Model,
    image: &Image<'_>,
    stage: usize,
    at: &InstallAt,
    hit: &Hit,
) -> Finding {
    let span = image
        .instruction(at.instruction)
        .map_or(Span::point(1, 1), |i| {
            i.args
                .find(&at.install.text)
                .map_or_else(|| i.span(), |o| i.span_of(o, at.install.text.len()))
        });
    for_service(
        FindingBuilder::new(
            &MuslIncompatibleDependency::META,
            &image.df.path,
            span,
            format!(
                "{}:{}",
                image.build.stages[stage].name.as_deref().unwrap_or(""),
                hit.name
            ),
            format!(
                "`{}` in {} installs `{}` {} ({}), which needs glibc: {}",
                at.install.text,
                libc_label(image, stage),
                hit.name,
                hit.version,
                origin(hit),
                hit.reason
            ),
        )
        .help(help(image, stage)),
        model,
        image,
    )
    .build()
}

fn copy_finding(
    model: &Model,
    image: &Image<'_>,
    instruction: usize,
    install_stage: usize,
    at: &InstallAt,
    hit: &Hit,
) -> Finding {
    let copy = image.instruction(instruction);
    let span = copy.map_or(Span::point(1, 1), |i| i.span());
    let written = match copy.map(|i| &i.op) {
        Some(Op::Copy(c)) => format!(
            "COPY --from={} {} {}",
            c.from.as_ref().map_or("", |f| f.text.as_str()),
            c.sources
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            c.dest.text
        ),
        _ => "COPY".to_string(),
    };
    let target = image.build.target;
    for_service(
        FindingBuilder::new(
            &MuslIncompatibleDependency::META,
            &image.df.path,
            span,
            format!(
                "{}:{}",
                image.build.stages[target].name.as_deref().unwrap_or(""),
                hit.name
            ),
            format!(
                "`{written}` ships `{}` {} ({}), installed by `{}` in {}, into {}; it needs glibc: {}",
                hit.name,
                hit.version,
                origin(hit),
                at.install.text,
                image.stage_label(install_stage),
                libc_label(image, target),
                hit.reason
            ),
        )
        .help(help(image, target))
        .related(
            &image.df.path,
            image.instruction(at.instruction).map_or(0, |i| i.line),
            "the install that put it there",
        ),
        model,
        image,
    )
    .build()
}

fn help(image: &Image<'_>, stage: usize) -> String {
    let from = image.build.stages.get(stage).map_or(0, |s| s.from);
    let written = image
        .instruction(from)
        .and_then(|i| match &i.op {
            Op::From(f) => Some(f.image.text.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let suggestion = match written.split_once("-alpine") {
        Some((head, _)) if head.starts_with("node") => format!("`{head}-bookworm-slim`"),
        _ => "a glibc base (`node:<version>-bookworm-slim`)".to_string(),
    };
    format!(
        "build and run this image on {suggestion} instead of Alpine; gcompat/libc6-compat do not make these binaries work reliably"
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{Repo, Vectors, case};

    fn musl() -> Repo {
        Repo::fixture("docker-musl")
    }

    const ROOT_INSTALL: &str = "FROM node:20-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY apps/api/package.json apps/api/\nCOPY packages/ml/package.json packages/ml/\nRUN npm ci\nCOPY . .\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case("the service's install on alpine, through a workspace package", musl()),
                case(
                    "a root install of every workspace whose package.json is copied",
                    musl().file("apps/api/Dockerfile", ROOT_INSTALL),
                ),
                case(
                    "a glibc builder's node_modules shipped in an alpine runtime",
                    musl().file(
                        "apps/api/Dockerfile",
                        "FROM node:20-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm ci --omit=dev -w api\nFROM node:20-alpine\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY --from=build /app/packages ./packages\nCOPY --from=build /app/apps/api ./apps/api\nCMD [\"node\", \"apps/api/src/main.js\"]\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "glibc stages installing it",
                    musl()
                        .file(
                            "apps/api/Dockerfile",
                            &ROOT_INSTALL.replace("node:20-alpine", "node:20-bookworm-slim"),
                        )
                        .file(
                            "apps/web/Dockerfile",
                            "FROM node:20-slim AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app\n",
                        ),
                ),
                case(
                    "alpine installs that do not include it",
                    musl().file(
                        "apps/api/Dockerfile",
                        "FROM node:20-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY apps/web/package.json apps/web/\nRUN npm ci\nRUN npm ci -w web\n",
                    ),
                ),
                case(
                    "an alpine builder stage the build never reaches",
                    musl().file(
                        "apps/api/Dockerfile",
                        "FROM node:20-alpine AS try\nWORKDIR /app\nCOPY . .\nRUN npm ci -w api\nFROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci -w api\n",
                    ),
                ),
                case(
                    "an alpine runtime copying only the build output from a glibc builder",
                    musl().file(
                        "apps/api/Dockerfile",
                        "FROM node:20-slim AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci -w api\nFROM node:20-alpine\nWORKDIR /app\nCOPY --from=build /app/apps/api/src ./src\nCMD [\"node\", \"src/main.js\"]\n",
                    ),
                ),
                case(
                    "a prebuilt node_modules copied from the build context",
                    musl().file(
                        "apps/api/Dockerfile",
                        "FROM node:20-alpine\nWORKDIR /app\nCOPY node_modules ./node_modules\nCOPY apps/api ./apps/api\n",
                    ),
                ),
                case(
                    "the dependency is a devDependency and the install is production-only",
                    musl().file(
                        "apps/api/package.json",
                        r#"{ "name": "api", "version": "1.0.0", "private": true, "dependencies": { "ms": "^2.1.3" }, "devDependencies": { "@acme/ml": "*" } }"#,
                    ),
                ),
            ],
        }
    }
}
