use std::collections::BTreeSet;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::commands::{Install, Manager, Verb};
use crate::model::docker::{Base, InstallAt, Presence};
use crate::model::{Model, Package};
use crate::parse::dockerfile::Op;
use crate::parse::lockfile::Lockfile;
use crate::paths;
use crate::rules::docker::{Image, applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a dependency install in an image build that may resolve versions instead of
    /// installing what the lockfile says: `npm install` (rather than `npm ci`), `pnpm
    /// install` without `--frozen-lockfile`, `yarn install` without `--frozen-lockfile`
    /// (yarn 1) or `--immutable` (yarn berry), `bun install` without `--frozen-lockfile`.
    /// pnpm and yarn berry freeze by default when `CI` is set, so an `ENV CI=true` (or `ARG
    /// CI=true`, or `CI=true pnpm install`) before the install counts as frozen; a `docker
    /// build` is not a CI job otherwise, even when CI runs it. `pnpm install --offline`
    /// (after `pnpm fetch`) can only install what the lockfile fetched and is not flagged.
    /// `npm install -g x` and `yarn add x` install named packages, not the project, and are
    /// not judged. Only the stages the build reaches are. Settings in `.yarnrc.yml`
    /// (`enableImmutableInstalls`) and `bunfig.toml` are not read.
    ///
    /// ## Why is this bad?
    /// When package.json and the lockfile disagree, these commands resolve the ranges again
    /// and write a new lockfile inside the image: the image ships dependency versions that
    /// nobody reviewed or tested, two builds of one commit can differ, and the drift a frozen
    /// install would have stopped at goes unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json ./
    /// RUN npm install
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    /// (`pnpm install --frozen-lockfile`, `yarn install --immutable`, `bun install
    /// --frozen-lockfile`).
    pub struct NonReproducibleInstall {
        id: "docker/non-reproducible-install",
        category: Container,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Dockerfile],
        summary: "`npm install` (not `npm ci`), or `pnpm install`/`yarn install` without a frozen flag, in an image build",
    }
}

impl Rule for NonReproducibleInstall {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut seen = BTreeSet::new();
        for image in images(model) {
            for s in image.build.shipped_lineage() {
                let Some(stage) = image.build.stages.get(s) else {
                    continue;
                };
                for at in &stage.installs {
                    let install = &at.install;
                    if install.verb != Verb::Install || install.frozen {
                        continue;
                    }
                    let words: Vec<&str> = install.text.split_whitespace().collect();
                    if install.manager == Manager::Pnpm && words.contains(&"--offline") {
                        continue;
                    }
                    let package = installed_package(model, &image, s, at);
                    let berry = install.manager == Manager::Yarn && is_berry(model, package);
                    if berry && ci_set(&image, s, at) {
                        continue;
                    }
                    if install.manager == Manager::Pnpm && pnpm_frozen_by_npmrc(model, package) {
                        continue;
                    }
                    if !seen.insert((image.df.path.clone(), at.instruction, install.text.clone())) {
                        continue;
                    }
                    out.push(finding(model, &image, s, at, package, berry));
                }
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

fn finding(
    model: &Model,
    image: &Image<'_>,
    stage: usize,
    at: &InstallAt,
    package: Option<&Package>,
    berry: bool,
) -> Finding {
    let install = &at.install;
    // Said only where the stage is known to hold the manifest the install reads.
    let words: Vec<&str> = install.text.split_whitespace().collect();
    let no_lockfile = package.is_some()
        && image.build.context.trusted
        && lockfile_absent(model, image, stage, at);
    let (why, fix) = match install.manager {
        Manager::Npm => (
            "unlike `npm ci`, it resolves the package.json ranges again and rewrites package-lock.json when they disagree".to_string(),
            npm_fix(install),
        ),
        Manager::Pnpm if words.contains(&"--no-frozen-lockfile") => (
            "`--no-frozen-lockfile` lets pnpm update pnpm-lock.yaml when package.json changed".to_string(),
            "`pnpm install --frozen-lockfile`".to_string(),
        ),
        Manager::Pnpm => (
            "without `--frozen-lockfile` (the default only when `CI` is set, and the build sets no `CI`) pnpm updates pnpm-lock.yaml when package.json changed".to_string(),
            "`pnpm install --frozen-lockfile`".to_string(),
        ),
        Manager::Yarn if berry => (
            "without `--immutable` (the default only when `CI` is set, and the build sets no `CI`) yarn updates yarn.lock when package.json changed".to_string(),
            "`yarn install --immutable`".to_string(),
        ),
        Manager::Yarn => (
            "without `--frozen-lockfile` yarn 1 updates yarn.lock when package.json changed".to_string(),
            "`yarn install --frozen-lockfile`".to_string(),
        ),
        Manager::Bun => (
            "without `--frozen-lockfile` bun updates its lockfile when package.json changed".to_string(),
            "`bun install --frozen-lockfile` (or `bun ci`)".to_string(),
        ),
    };
    let consequence = if no_lockfile {
        format!(
            ", and no lockfile is in {} where it runs (`{}`): every build resolves afresh",
            image.stage_label(stage),
            at.dir
        )
    } else {
        ": the image may ship versions nobody reviewed, and two builds of one commit can differ"
            .to_string()
    };
    let help = if no_lockfile {
        let hint = package
            .and_then(|p| model.lock_of(p))
            .map_or(String::new(), |l| format!(" ({})", l.path()));
        format!("copy the lockfile{hint} in before the install and use {fix}")
    } else {
        format!("use {fix}")
    };
    let span = image
        .instruction(at.instruction)
        .map_or(Span::point(1, 1), |i| {
            i.args
                .find(&install.text)
                .map_or_else(|| i.span(), |offset| i.span_of(offset, install.text.len()))
        });
    for_service(
        FindingBuilder::new(
            &NonReproducibleInstall::META,
            &image.df.path,
            span,
            format!(
                "{}:{}",
                image.build.stages[stage].name.as_deref().unwrap_or(""),
                install.text
            ),
            format!(
                "`{}` in {}: {why}{consequence}",
                install.text,
                image.stage_label(stage)
            ),
        )
        .help(help),
        model,
        image,
    )
    .build()
}

/// The lockfiles each manager reads.
fn lockfile_names(manager: Manager) -> &'static [&'static str] {
    match manager {
        Manager::Npm => &["package-lock.json", "npm-shrinkwrap.json"],
        Manager::Pnpm => &["pnpm-lock.yaml"],
        Manager::Yarn => &["yarn.lock"],
        Manager::Bun => &["bun.lock", "bun.lockb"],
    }
}

/// Whether the stage certainly holds no lockfile of the install's manager, in the folder
/// it runs in or any folder above (a workspace root's).
fn lockfile_absent(model: &Model, image: &Image<'_>, stage: usize, at: &InstallAt) -> bool {
    let mut dir = at.dir.trim_end_matches('/').to_string();
    loop {
        for name in lockfile_names(at.install.manager) {
            let path = format!("{dir}/{name}");
            if model
                .docker
                .presence(model, image.index, stage, &path, at.instruction)
                != Presence::Absent
            {
                return false;
            }
        }
        if dir.is_empty() {
            return true;
        }
        dir = match dir.rfind('/') {
            Some(i) => dir[..i].to_string(),
            None => String::new(),
        };
    }
}

/// `npm ci` with the flags that still mean something to it.
fn npm_fix(install: &Install) -> String {
    let kept: Vec<&str> = install
        .text
        .split_whitespace()
        .skip_while(|w| !matches!(*w, "install" | "i"))
        .skip(1)
        .filter(|w| w.starts_with("--") && !w.starts_with("--no-package-lock"))
        .collect();
    if kept.is_empty() {
        "`npm ci`".to_string()
    } else {
        format!("`npm ci {}`", kept.join(" "))
    }
}

/// The repository package whose package.json the install reads, when the stage copied it.
pub(crate) fn installed_package<'a>(
    model: &'a Model,
    image: &Image<'_>,
    stage: usize,
    at: &InstallAt,
) -> Option<&'a Package> {
    let manifest = format!("{}/package.json", at.dir.trim_end_matches('/'));
    let origin = model.docker.origin(model, image.index, stage, &manifest)?;
    if paths::file_name(&origin) != "package.json" {
        return None;
    }
    model.package_at(paths::parent(&origin))
}

fn is_berry(model: &Model, package: Option<&Package>) -> bool {
    let Some(package) = package else {
        return false;
    };
    if let Some(Lockfile::Yarn(l)) = model.lock_of(package).map(|l| &l.file) {
        return l.berry;
    }
    let Some(workspace) = package.workspace.and_then(|w| model.workspaces.get(w)) else {
        return false;
    };
    let rc = if workspace.dir.is_empty() {
        ".yarnrc.yml".to_string()
    } else {
        format!("{}/.yarnrc.yml", workspace.dir)
    };
    model.files.is_file(&rc)
        || workspace
            .package_manager_version
            .as_deref()
            .and_then(|v| v.strip_prefix("yarn@"))
            .and_then(|v| v.split('.').next())
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|major| major >= 2)
}

/// pnpm reads `frozen-lockfile=true` from the install root's `.npmrc`.
fn pnpm_frozen_by_npmrc(model: &Model, package: Option<&Package>) -> bool {
    let Some(workspace) = package
        .and_then(|p| p.workspace)
        .and_then(|w| model.workspaces.get(w))
    else {
        return false;
    };
    let rc = if workspace.dir.is_empty() {
        ".npmrc".to_string()
    } else {
        format!("{}/.npmrc", workspace.dir)
    };
    model
        .npmrcs
        .iter()
        .any(|n| n.path == rc && n.flag("frozen-lockfile") == Some(true))
}

/// Whether `CI` is set (not empty, not `false`) for the install: an `ENV` or `ARG` with a
/// value earlier in the stage or a stage it is built on, a build argument, or the command's
/// own `CI=… yarn install`.
pub(crate) fn ci_set(image: &Image<'_>, stage: usize, at: &InstallAt) -> bool {
    let truthy = |v: &str| !v.is_empty() && v != "false" && v != "0";
    if let Some(Op::Run(run)) = image.instruction(at.instruction).map(|i| &i.op) {
        let own = crate::parse::shell::commands(&run.script)
            .into_iter()
            .find(|c| c.words.join(" ") == at.install.text)
            .and_then(|c| {
                c.env
                    .iter()
                    .rev()
                    .find(|(k, _)| k == "CI")
                    .map(|(_, v)| v.clone())
            });
        if let Some(v) = own {
            return truthy(&v);
        }
    }
    let mut chain = vec![stage];
    while let Some(Base::Stage(parent)) = chain
        .last()
        .and_then(|s| image.build.stages.get(*s))
        .map(|s| &s.base)
    {
        if chain.contains(parent) {
            break;
        }
        chain.push(*parent);
    }
    let mut value: Option<String> = None;
    for s in chain.iter().rev() {
        let Some(sim) = image.build.stages.get(*s) else {
            continue;
        };
        let end = if *s == stage {
            at.instruction
        } else {
            sim.last
        };
        for index in sim.from..end {
            match image.instruction(index).map(|i| &i.op) {
                Some(Op::Env(pairs)) => {
                    for p in pairs.iter().filter(|p| p.key == "CI") {
                        value = Some(p.value.clone());
                    }
                }
                Some(Op::Arg(decls)) => {
                    for d in decls.iter().filter(|d| d.name == "CI") {
                        if let Some(v) = image.build.context.args.get("CI").or(d.default.as_ref()) {
                            value = Some(v.clone());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    value.is_some_and(|v| truthy(&v))
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Repo, Vectors, case};

    const COMPOSE_API: &str = "services:\n  api:\n    build: ./apps/api\n";

    fn berry() -> Repo {
        Repo::fixture("yarn-berry-immutable-new-dependency")
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "npm install",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm install --omit=dev\n")
                        .file("apps/api/package-lock.json", "{}")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "pnpm told not to freeze, in spite of CI",
                    api("FROM node:20-slim\nENV CI=true\nWORKDIR /app\nCOPY . .\nRUN pnpm install --prod --no-frozen-lockfile\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "pnpm install without a frozen flag or CI",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN corepack enable && pnpm install\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "yarn 1 and bun without their frozen flags",
                    api("FROM node:20-slim AS a\nCOPY . .\nRUN yarn install\nFROM oven/bun:1\nCOPY --from=a /app /app\nRUN bun install\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "yarn berry without --immutable, with a cache mount",
                    with_dockerfile(
                        berry(),
                        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.yarn yarn install\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "frozen installs, cache-mounted",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm ci\nRUN pnpm install --frozen-lockfile && yarn install --frozen-lockfile && bun install --frozen-lockfile\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "CI set for pnpm and yarn berry",
                    with_dockerfile(
                        berry(),
                        "FROM node:20-slim\nENV CI=true\nWORKDIR /app\nCOPY . .\nRUN yarn install && pnpm install\n",
                    ),
                ),
                case(
                    "CI=true on the command",
                    with_dockerfile(
                        berry(),
                        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN CI=true yarn install\n",
                    ),
                ),
                case(
                    "global tools and named packages",
                    api("FROM node:20-slim\nRUN npm install -g pnpm@9 typescript && yarn add left-pad\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "pnpm fetch then an offline install",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch --prod\nCOPY . .\nRUN pnpm install -r --offline --prod\n")
                        .file("apps/api/pnpm-lock.yaml", "lockfileVersion: '9.0'\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "copying a prebuilt node_modules, and a dev stage the build never reaches",
                    api("FROM node:20-slim AS dev\nCOPY . .\nRUN npm install\nFROM node:20-slim\nCOPY node_modules ./node_modules\nCOPY dist ./dist\n")
                        .file(".gitignore", "node_modules\ndist\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a context inferred at the repository root, npm ci",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY apps/api ./apps/api\nRUN npm ci\n")
                        .file("package-lock.json", "{}"),
                ),
            ],
        }
    }

    fn with_dockerfile(repo: Repo, dockerfile: &str) -> Repo {
        repo.file("Dockerfile", dockerfile)
    }
}
