use std::collections::BTreeSet;

use crate::discover::{FileKind, LockfileKind};
use crate::finding::Finding;
use crate::model::docker::commands::Verb;
use crate::model::docker::sim::{absolute, under};
use crate::model::docker::{Base, Build, Entry, InstallAt};
use crate::model::{Model, SourceClass, Target};
use crate::parse::lockfile::Lockfile;
use crate::parse::package_json::DepKind;
use crate::paths;
use crate::rules::deps::common::is_bundled;
use crate::rules::docker::start_file_missing::{node_file, start};
use crate::rules::docker::{Image, applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Follows the shipped stage's `COPY` set back to the install that made each
    /// `node_modules` folder it contains, and flags a package the service imports at runtime
    /// that Node cannot resolve from the started file's folder: no `node_modules` folder on
    /// the way up holds it, because the package manager placed it elsewhere (npm nests a
    /// conflicting version under `apps/api/node_modules`; pnpm links a member's dependencies
    /// into the member's own `node_modules`) and that folder was not copied. The lockfile says
    /// where each package was placed. npm, pnpm and bun installs are judged (bun.lock under
    /// either Bun linker: a folder counts when the hoisted or the isolated layout fills it);
    /// yarn installs, host `node_modules` and images the table does not know are not.
    ///
    /// ## Why is this bad?
    /// The image builds, and the container dies at start with `Error: Cannot find module
    /// 'ms'`: the classic pnpm monorepo image that copies only the root `node_modules`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20 AS build
    /// WORKDIR /app
    /// COPY . .
    /// RUN pnpm install --frozen-lockfile && pnpm --filter api build
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY --from=build /app/node_modules ./node_modules
    /// COPY --from=build /app/apps/api/dist ./apps/api/dist
    /// CMD ["node", "apps/api/dist/main.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN pnpm --filter api deploy --prod /out
    /// FROM node:20-slim
    /// COPY --from=build /out /app
    /// ```
    /// or copy the member's own `node_modules` too (`COPY --from=build /app/apps/api/node_modules ./apps/api/node_modules`).
    pub struct RuntimeModuleMissing {
        id: "docker/runtime-module-missing",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::PackageJson, FileKind::Lockfile(LockfileKind::Npm), FileKind::Lockfile(LockfileKind::Pnpm)],
        summary: "a runtime dependency of the shipped service is not resolvable through the node_modules folders the final stage contains",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Yes,
    No,
    Unknown,
}

impl Rule for RuntimeModuleMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        for image in images(model) {
            let Some(service) = crate::rules::docker::service_of(model, &image) else {
                continue;
            };
            let Some(p) = service.package else { continue };
            let package = &model.packages[p];
            if model.workspaces.iter().any(|w| w.dir == package.dir) || is_bundled(model, package) {
                continue;
            }
            let Some(final_stage) = image.build.final_stage() else {
                continue;
            };
            if final_stage.env.contains_key("NODE_PATH") {
                continue;
            }
            let Some((at, words, _)) = start(cx, &image) else {
                continue;
            };
            let Some(file) = node_file(&words) else {
                continue;
            };
            if file.contains('$') {
                continue;
            }
            let started = absolute(&final_stage.workdir, &file);
            let names = runtime_imports(model, p);
            let mut missing = Vec::new();
            for name in &names {
                let mut dir = paths::parent(&started).to_string();
                let mut verdict = Found::No;
                loop {
                    if !dir.ends_with("/node_modules") {
                        let candidate = absolute(&dir, &format!("node_modules/{name}"));
                        match resolvable(
                            model,
                            &image,
                            image.build.target,
                            &candidate,
                            usize::MAX,
                            name,
                            0,
                        ) {
                            Found::No => {}
                            other => {
                                verdict = other;
                                break;
                            }
                        }
                    }
                    if dir == "/" || dir.is_empty() {
                        break;
                    }
                    dir = absolute(&dir, "..");
                }
                if verdict == Found::No {
                    missing.push(name.clone());
                }
            }
            // Nothing resolves at all: the image ships no node_modules this reader traced.
            if missing.is_empty() || missing.len() == names.len() && !ships_node_modules(&image) {
                continue;
            }
            let Some(instruction) = image.instruction(at) else {
                continue;
            };
            let shown: Vec<&str> = missing.iter().take(3).map(String::as_str).collect();
            let more = if missing.len() > 3 {
                format!(" and {} more", missing.len() - 3)
            } else {
                String::new()
            };
            out.push(
                for_service(
                    FindingBuilder::new(
                        &Self::META,
                        &image.df.path,
                        instruction.span(),
                        format!("modules:{}", package.name()),
                        format!(
                            "{} imports {}{more} at runtime, and no node_modules folder above {started} in {} holds {}: the package manager placed {} in a folder the final stage does not copy, so the container fails with `Cannot find module '{}'`",
                            package.name(),
                            shown.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                            image.stage_label(image.build.target),
                            if missing.len() == 1 { "it" } else { "them" },
                            if missing.len() == 1 { "it" } else { "them" },
                            missing[0]
                        ),
                    )
                    .help(format!(
                        "copy the node_modules folder the package manager made for the service as well (`{}/node_modules` in the build stage), or ship an isolated install (`pnpm --filter {} deploy --prod /out`, or `npm ci --omit=dev` in the final stage)",
                        if package.dir.is_empty() { "." } else { package.dir.as_str() },
                        package.name()
                    ))
                    .package(package),
                    model,
                    &image,
                )
                .build(),
            );
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

/// Whether the final stage's node_modules come from an install this reader traces.
fn ships_node_modules(image: &Image<'_>) -> bool {
    image
        .build
        .shipped_lineage()
        .iter()
        .any(|&s| !image.build.stages[s].installs.is_empty())
}

/// External packages the package's runtime code imports (not type-only, not guarded) and
/// declares in `dependencies` or `optionalDependencies`.
fn runtime_imports(model: &Model, package: usize) -> Vec<String> {
    let mut names = BTreeSet::new();
    for source in model
        .sources
        .iter()
        .filter(|s| s.package == Some(package) && s.class == SourceClass::Runtime)
    {
        for import in source
            .imports
            .iter()
            .filter(|i| i.runtime && !i.import.guarded)
        {
            // Only what the service declares: an undeclared import is deps/undeclared's.
            if let Target::Package(name) = &import.target
                && model.packages[package]
                    .declared(name)
                    .any(|d| matches!(d.kind, DepKind::Prod | DepKind::Optional))
            {
                names.insert(name.clone());
            }
        }
    }
    names.into_iter().collect()
}

/// Whether `path` (`X/node_modules/NAME`) is in stage `stage`, traced to the install that
/// created it and the lockfile's placement.
fn resolvable(
    model: &Model,
    image: &Image<'_>,
    stage: usize,
    path: &str,
    until: usize,
    name: &str,
    depth: usize,
) -> Found {
    let build: &Build = image.build;
    let Some(sim) = build.stages.get(stage) else {
        return Found::Unknown;
    };
    if depth > 12 {
        return Found::Unknown;
    }
    for entry in sim.entries.iter().rev().filter(|e| e.instruction <= until) {
        let Some(rest) = under(&entry.dest, path) else {
            continue;
        };
        match &entry.entry {
            Entry::Stage {
                stage: from,
                path: src,
            } => {
                let mapped = if rest.is_empty() {
                    src.clone()
                } else {
                    format!("{}/{rest}", src.trim_end_matches('/'))
                };
                match resolvable(model, image, *from, &mapped, usize::MAX, name, depth + 1) {
                    Found::No => {}
                    other => return other,
                }
            }
            Entry::Installed { install } => {
                let Some(at) = sim.installs.get(*install) else {
                    return Found::Unknown;
                };
                match placed(model, image, stage, at, rest, name) {
                    Found::No => {}
                    other => return other,
                }
            }
            // A host node_modules in the context (one a CI step installed before `docker
            // build`) unless the context's .dockerignore keeps it out.
            Entry::Context { path: src, dir } => {
                let candidate = match (*dir, src.is_empty(), rest.is_empty()) {
                    (false, _, true) => src.clone(),
                    (false, _, false) => continue,
                    (true, true, _) => rest.to_string(),
                    (true, false, true) => src.clone(),
                    (true, false, false) => format!("{src}/{rest}"),
                };
                if build.context.ignored_by(model, &candidate).is_none()
                    && build.context.exists(model, &candidate)
                {
                    return Found::Unknown;
                }
            }
            Entry::External | Entry::Written | Entry::Pruned { .. } => return Found::Unknown,
            Entry::Built { build: b } => {
                if sim.builds.get(*b).is_none_or(|b| b.builds_within(path)) {
                    return Found::Unknown;
                }
            }
        }
    }
    if sim.opaque.is_some_and(|o| o <= until) {
        return Found::Unknown;
    }
    match &sim.base {
        Base::Stage(parent) => resolvable(model, image, *parent, path, usize::MAX, name, depth + 1),
        Base::Image { known: Some(_), .. } | Base::Scratch => Found::No,
        _ => Found::Unknown,
    }
}

/// Whether the install put `name` at `rel` (relative to the folder it ran in).
fn placed(
    model: &Model,
    image: &Image<'_>,
    stage: usize,
    at: &InstallAt,
    rel: &str,
    name: &str,
) -> Found {
    if !at.install.installs_tree() {
        return Found::No;
    }
    if matches!(at.install.verb, Verb::Deploy { .. }) {
        // A deployed folder holds the package's whole production tree.
        return if rel == format!("node_modules/{name}") {
            Found::Yes
        } else {
            Found::No
        };
    }
    let packages = model.docker.install_packages(model, image.index, stage, at);
    let Some(&root) = packages.first() else {
        return Found::Unknown;
    };
    let root_pkg = &model.packages[root];
    let Some(lock) = model.lock_of(root_pkg) else {
        return Found::Unknown;
    };
    // `rel` as a location relative to the lockfile's folder.
    let Some(root_rel) = paths::strip_dir(&root_pkg.dir, &lock.dir) else {
        return Found::Unknown;
    };
    let location = if root_rel.is_empty() {
        rel.to_string()
    } else {
        format!("{root_rel}/{rel}")
    };
    match &lock.file {
        Lockfile::Npm(_) => {
            // npm's lockfile keys are the install locations.
            if lock.nodes().iter().any(|n| n.id == location) {
                Found::Yes
            } else {
                Found::No
            }
        }
        Lockfile::Pnpm(l) => {
            let hoisted = model.npmrcs.iter().any(|n| {
                n.get("node-linker") == Some("hoisted")
                    || n.get("shamefully-hoist") == Some("true")
                    || n.get("public-hoist-pattern").is_some_and(|p| {
                        p.contains('*') && p.trim_matches(['[', ']', '"', '\'', ' ']) == "*"
                    })
            });
            let Some(importer) = location.strip_suffix(&format!("node_modules/{name}")) else {
                return Found::No;
            };
            if hoisted && importer.is_empty() {
                return Found::Yes;
            }
            let id = importer.trim_end_matches('/');
            let id = if id.is_empty() { "." } else { id };
            match l.importer(id) {
                Some(imp) if imp.deps.iter().any(|d| d.name == name) => Found::Yes,
                Some(_) => Found::No,
                None => Found::No,
            }
        }
        Lockfile::Bun(l) => {
            // The linker can be chosen in bunfig.toml, which is not read: a folder either
            // linker fills counts as there.
            let hoisted = l
                .packages
                .iter()
                .any(|p| l.hoisted_folder(&p.key) == location);
            let isolated = location
                .strip_suffix(&format!("node_modules/{name}"))
                .and_then(|importer| l.workspace(importer.trim_end_matches('/')))
                .is_some_and(|w| w.declares(name));
            if hoisted || isolated {
                Found::Yes
            } else {
                Found::No
            }
        }
        Lockfile::Yarn(_) => Found::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{Repo, Vectors, case};

    /// `tests/fixtures/docker-pnpm-member-deps` (pnpm wrote its lockfile: `@acme/api`
    /// depends on `ms`, which pnpm links into `apps/api/node_modules`) with `dockerfile`.
    fn pnpm(dockerfile: &str) -> Repo {
        Repo::fixture("docker-pnpm-member-deps").file("apps/api/Dockerfile", dockerfile)
    }

    const BUILD: &str = "FROM node:20-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN corepack enable && pnpm install --frozen-lockfile --prod\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case("the fixture: only the root node_modules is copied", Repo::fixture("docker-pnpm-member-deps")),
                case(
                    "the service's folder flattened into the workdir",
                    pnpm(&format!("{BUILD}FROM node:20-bookworm-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY --from=build /app/apps/api/src ./src\nCMD [\"node\", \"src/main.js\"]\n")),
                ),
            ],
            quiet: vec![
                case(
                    // Bun's hoisted linker puts api's ms and the shared link in the root
                    // node_modules; the isolated one (configVersion 1) would not, but
                    // bunfig.toml, which is not read, can pick either.
                    "a bun install with only the root node_modules copied",
                    Repo::fixture("bun-workspace").file(
                        "apps/api/Dockerfile",
                        "FROM oven/bun:1 AS build\nWORKDIR /app\nCOPY . .\nRUN bun install --frozen-lockfile\nFROM oven/bun:1-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY --from=build /app/apps/api/src ./src\nCMD [\"node\", \"src/main.js\"]\n",
                    ),
                ),
                case(
                    "the member's node_modules is copied too",
                    pnpm(&format!("{BUILD}FROM node:20-bookworm-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY --from=build /app/apps/api ./apps/api\nCMD [\"node\", \"apps/api/src/main.js\"]\n")),
                ),
                case(
                    "the whole install folder is copied",
                    pnpm(&format!("{BUILD}FROM node:20-bookworm-slim\nWORKDIR /app\nCOPY --from=build /app ./\nCMD [\"node\", \"apps/api/src/main.js\"]\n")),
                ),
                case(
                    "pnpm deploy ships an isolated tree",
                    pnpm("FROM node:20-bookworm AS build\nWORKDIR /app\nCOPY . .\nRUN corepack enable && pnpm install --frozen-lockfile && pnpm --filter @acme/api deploy --prod /out\nFROM node:20-bookworm-slim\nWORKDIR /app\nCOPY --from=build /out ./\nCMD [\"node\", \"src/main.js\"]\n"),
                ),
                case(
                    "node-linker=hoisted puts everything in the root node_modules",
                    Repo::fixture("docker-pnpm-member-deps").file(".npmrc", "node-linker=hoisted\n"),
                ),
                case(
                    "a host node_modules the .dockerignore lets through",
                    pnpm("FROM node:20-bookworm-slim\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"apps/api/src/main.js\"]\n")
                        .without(".dockerignore"),
                ),
            ],
        }
    }
}
