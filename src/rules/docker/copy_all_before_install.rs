use std::collections::BTreeSet;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::model::docker::commands::Verb;
use crate::model::docker::{Entry, InstallAt, Presence, StageSim};
use crate::parse::dockerfile::Op;
use crate::rules::docker::copy_source_missing::locate;
use crate::rules::docker::{Image, applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a dependency install (`npm ci`, `npm install`, `pnpm install`, `yarn install`,
    /// `yarn workspaces focus`, `bun install`) whose package.json arrived in the stage with a
    /// whole directory from the build context (`COPY . .`, `COPY apps/api ./`) rather than
    /// on its own. A stage that copies the manifests first, installs, and then copies the
    /// rest is the fix and is not flagged, and neither is a second install after such a
    /// first one (a deliberate production re-install) or after `pnpm fetch` (pnpm's own
    /// Docker recipe: the store is filled from the lockfile alone, and the install after
    /// `COPY . .` only links), nor `pnpm deploy` (which needs the sources). A build output
    /// the walk did not see counts as a directory only when its name has no extension. Copies from other stages
    /// (`turbo prune --docker` output) are not judged. A cache mount on the install does not
    /// silence it: the step still re-runs, only faster.
    ///
    /// ## Why is this bad?
    /// Docker reuses a layer only while everything before it is unchanged. With the whole
    /// source tree copied before the install, editing any file (a README, a test) invalidates
    /// the install layer, and every build downloads and links every dependency again.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// RUN npm run build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// RUN npm run build
    /// ```
    /// In a monorepo, copy every workspace's package.json (or use `turbo prune --docker`
    /// and its `out/json`) before the install.
    pub struct CopyAllBeforeInstall {
        id: "docker/copy-all-before-install",
        category: Container,
        severity: Info,
        scope: Service,
        inputs: [FileKind::Dockerfile],
        summary: "`COPY . .` (or the whole package) before the dependency install, so every source change re-installs",
    }
}

impl Rule for CopyAllBeforeInstall {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut seen = BTreeSet::new();
        for image in images(model) {
            for s in image.build.shipped_lineage() {
                let Some(stage) = image.build.stages.get(s) else {
                    continue;
                };
                for (n, at) in stage.installs.iter().enumerate() {
                    if !matches!(at.install.verb, Verb::Install | Verb::Ci | Verb::Focus) {
                        continue;
                    }
                    let Some((copy_at, source)) = whole_copy_before(model, &image, stage, at)
                    else {
                        continue;
                    };
                    // A first install (or `pnpm fetch`, the store filled from the lockfile)
                    // ran before that copy: the manifests-first pattern is in place.
                    let first = stage.installs[..n].iter().any(|earlier| {
                        (earlier.install.installs_tree() || earlier.install.verb == Verb::Fetch)
                            && earlier.instruction < copy_at
                    });
                    if first {
                        continue;
                    }
                    if !seen.insert((image.df.path.clone(), copy_at, at.instruction)) {
                        continue;
                    }
                    out.push(finding(model, &image, s, (copy_at, &source), at));
                }
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

/// The instruction of the whole-directory context copy that last put the install's
/// package.json in place before it ran, if that is how it arrived.
fn whole_copy_before(
    model: &Model,
    image: &Image<'_>,
    stage: &StageSim,
    at: &InstallAt,
) -> Option<(usize, String)> {
    let manifest = format!("{}/package.json", at.dir.trim_end_matches('/'));
    for entry in stage
        .entries
        .iter()
        .rev()
        .filter(|e| e.instruction < at.instruction)
    {
        let rest = if manifest == entry.dest {
            ""
        } else if entry.dest == "/" {
            manifest.strip_prefix('/').unwrap_or(&manifest)
        } else {
            match manifest
                .strip_prefix(entry.dest.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(r) => r,
                None => continue,
            }
        };
        match &entry.entry {
            Entry::Context { path, dir: true } if copies_a_directory(model, path) => {
                let candidate = match (path.is_empty(), rest.is_empty()) {
                    (_, true) => path.clone(),
                    (true, false) => rest.to_string(),
                    (false, false) => format!("{path}/{rest}"),
                };
                if image.build.context.holds(model, &candidate) == Presence::Present {
                    return Some((entry.instruction, path.clone()));
                }
            }
            // Built outputs and install trees do not bring a package.json.
            Entry::Installed { .. } | Entry::Built { .. } => {}
            // The manifest on its own, from another stage, or written: not this rule's case.
            _ => return None,
        }
    }
    None
}

/// Whether a context source the model takes for a directory is one: a folder the walk saw,
/// or, for a gitignored path it did not see (a build output), a name without an extension
/// (`dist/apps/api`, not `dist/apps/api/package.json`).
fn copies_a_directory(model: &Model, path: &str) -> bool {
    if model.files.is_dir(path) {
        return true;
    }
    let name = crate::paths::file_name(path);
    // A leading dot is no extension (`.next`).
    !name.is_empty() && !name.strip_prefix('.').unwrap_or(name).contains('.')
}

fn finding(
    model: &Model,
    image: &Image<'_>,
    stage: usize,
    (copy_at, source): (usize, &str),
    at: &InstallAt,
) -> Finding {
    let copy = image.instruction(copy_at);
    let (span, written) = match copy.map(|i| (i, &i.op)) {
        Some((instruction, Op::Copy(c))) => {
            let word = locate(c, &image.build.context, source).and_then(|w| c.sources.get(w.word));
            let text = format!(
                "{} {} {}",
                instruction.keyword,
                word.map_or(".", |w| w.text.as_str()),
                c.dest.text
            );
            (instruction.span(), text)
        }
        Some((instruction, _)) => (instruction.span(), instruction.keyword.clone()),
        None => (crate::source::Span::point(1, 1), "COPY".to_string()),
    };
    let copy_line = copy.map_or(0, |i| i.line);
    let install_line = image.instruction(at.instruction).map_or(0, |i| i.line);
    let cached = if at.cached {
        " (its cache mount makes that faster, not cached)"
    } else {
        ""
    };
    for_service(
        FindingBuilder::new(
            &CopyAllBeforeInstall::META,
            &image.df.path,
            span,
            format!(
                "{}:{}",
                image.build.stages[stage].name.as_deref().unwrap_or(""),
                at.install.text
            ),
            format!(
                "`{written}` (line {copy_line}) copies the sources before `{}` (line {install_line}) in {}: a change to any copied file invalidates the install layer, so every build re-installs every dependency{cached}",
                at.install.text,
                image.stage_label(stage)
            ),
        )
        .help(format!(
            "copy only the manifests and the lockfile before `{}` (in a monorepo, every workspace's package.json, or `turbo prune --docker`'s out/json), then `{written}` after it",
            at.install.text
        ))
        .related(&image.df.path, install_line, "the install it invalidates"),
        model,
        image,
    )
    .build()
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    const COMPOSE_API: &str = "services:\n  api:\n    build: ./apps/api\n";
    const COMPOSE_ROOT: &str =
        "services:\n  api:\n    build:\n      context: .\n      dockerfile: apps/api/Dockerfile\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a whole build output copied before the install",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY dist/apps/api .\nRUN npm ci --omit=dev\n")
                        .file(".gitignore", "dist\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a whole build output with a non-ASCII name copied before the install",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY dist/apps/ápi .\nRUN npm ci --omit=dev\n")
                        .file(".gitignore", "dist\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "COPY . . then npm ci",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "the manifests first, but the whole tree still before the install",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm ci\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "the whole package folder from a root context, installed inside it",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY apps/api ./apps/api\nRUN cd apps/api && npm install\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
            ],
            quiet: vec![
                case(
                    "a built file with a non-ASCII name copied before the install",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY dist/éclair.js .\nRUN npm ci --omit=dev\n")
                        .file(".gitignore", "dist\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "manifests first, install, then the rest (cache-mounted)",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\nRUN npm run build\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a production re-install after the first one",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build && npm ci --omit=dev\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "turbo prune output copied from a stage",
                    api("FROM node:20-slim AS prune\nWORKDIR /app\nCOPY . .\nRUN npx turbo prune api --docker\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=prune /app/out/json/ .\nRUN npm ci\nCOPY --from=prune /app/out/full/ .\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "copying a prebuilt node_modules, no install",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCOPY node_modules ./node_modules\nCMD [\"node\", \"dist/main.js\"]\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a directory without the manifest copied before the install",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY src ./src\nRUN npm ci\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "pnpm fetch on the lockfile, then the sources and an offline install",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch --prod\nCOPY . .\nRUN pnpm install -r --offline --prod\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a built package.json copied on its own from a gitignored output",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY dist/package.json .\nRUN npm ci --omit=dev\nCOPY dist .\n")
                        .file(".gitignore", "dist\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "pnpm fetch on the lockfile, pnpm deploy after the sources",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch\nCOPY . .\nRUN pnpm --filter api deploy --prod /out\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a context inferred at the repository root, manifests first",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY apps/api/package.json ./apps/api/\nRUN npm ci\nCOPY apps/api ./apps/api\n")
                        .file("package-lock.json", "{}"),
                ),
            ],
        }
    }
}
