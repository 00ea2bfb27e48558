use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::commands::{Tri, Verb};
use crate::model::docker::sim::absolute;
use crate::model::docker::{Base, Build, Entry, InstallAt};
use crate::parse::package_json::DepKind;
use crate::paths;
use crate::rules::docker::start_file_missing::{node_file, start};
use crate::rules::docker::{applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an image whose shipped stage carries devDependencies: its `node_modules` comes
    /// from an install without a production flag (`--omit=dev`, `--prod`, `--production`,
    /// `NODE_ENV=production`), in the stage itself or in a stage it copies `node_modules` (or
    /// a folder holding it) from, and no prune (`npm prune --omit=dev`, `pnpm prune --prod`)
    /// ran after it. Only packages that declare devDependencies are judged.
    ///
    /// ## Why is this bad?
    /// Test runners, compilers, linters and their own dependencies double or triple the image,
    /// slow every pull and deploy, and are attack surface a running service never needs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20 AS build
    /// RUN npm ci && npm run build
    /// FROM node:20-slim
    /// COPY --from=build /app/node_modules ./node_modules
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20 AS build
    /// RUN npm ci && npm run build && npm prune --omit=dev
    /// FROM node:20-slim
    /// COPY --from=build /app/node_modules ./node_modules
    /// ```
    pub struct DevDepsInFinalImage {
        id: "docker/dev-deps-in-final-image",
        category: Container,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::PackageJson],
        summary: "the final stage ships devDependencies (installed without a production flag and not pruned, or copied from a stage that installed them)",
    }
}

/// The install whose tree the path's `node_modules` is, in `stage` or where it came from.
fn source_install(build: &Build, stage: usize, dir: &str, depth: usize) -> Option<(usize, usize)> {
    let sim = build.stages.get(stage)?;
    if depth > 8 {
        return None;
    }
    let node_modules = format!("{}/node_modules", dir.trim_end_matches('/'));
    for entry in sim.entries.iter().rev() {
        let covers = |dest: &str| {
            node_modules == dest
                || node_modules.starts_with(&format!("{}/", dest.trim_end_matches('/')))
                || dest == "/"
        };
        match &entry.entry {
            Entry::Installed { install } if entry.dest == dir => {
                // A prune after it in the same stage makes it production.
                let later_prune = sim.installs.iter().any(|i| {
                    i.instruction >= sim.installs[*install].instruction
                        && i.dir == dir
                        && matches!(i.install.verb, Verb::Prune)
                        && i.install.production == Tri::Yes
                });
                if later_prune {
                    return None;
                }
                return Some((stage, *install));
            }
            Entry::Stage { stage: from, path } if covers(&entry.dest) => {
                let rest = node_modules
                    .strip_prefix(entry.dest.trim_end_matches('/'))
                    .unwrap_or("");
                let mapped = format!("{}{rest}", path.trim_end_matches('/'));
                let mapped_dir = mapped
                    .strip_suffix("/node_modules")
                    .unwrap_or(&mapped)
                    .to_string();
                return source_install(build, *from, &mapped_dir, depth + 1);
            }
            Entry::Context { .. } | Entry::External | Entry::Written
                if covers(&entry.dest)
                    && entry.dest != dir
                    && !matches!(entry.entry, Entry::Context { dir: false, .. }) =>
            {
                // A host node_modules or an image's: not an install of this build.
                if matches!(entry.entry, Entry::External) {
                    return None;
                }
            }
            _ => {}
        }
    }
    match sim.base {
        Base::Stage(parent) => source_install(build, parent, dir, depth + 1),
        _ => None,
    }
}

impl Rule for DevDepsInFinalImage {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        for image in images(model) {
            let Some(final_stage) = image.build.final_stage() else {
                continue;
            };
            // The node_modules Node finds from the started file's folder (or the working
            // directory), walking up.
            let mut dirs: Vec<String> = Vec::new();
            if let Some((_, words, _)) = start(cx, &image)
                && let Some(file) = node_file(&words)
            {
                dirs.push(paths::parent(&absolute(&final_stage.workdir, &file)).to_string());
            }
            dirs.push(final_stage.workdir.clone());
            let found = dirs.iter().find_map(|from| {
                let mut dir = from.clone();
                loop {
                    if let Some(hit) = source_install(image.build, image.build.target, &dir, 0) {
                        return Some(hit);
                    }
                    if dir == "/" || dir.is_empty() {
                        return None;
                    }
                    dir = absolute(&dir, "..");
                }
            });
            let Some((stage, install)) = found else {
                continue;
            };
            let at: &InstallAt = &image.build.stages[stage].installs[install];
            if at.install.production != Tri::No || !at.install.installs_tree() {
                continue;
            }
            let packages = model.docker.install_packages(model, image.index, stage, at);
            let dev: Vec<&str> = packages
                .iter()
                .flat_map(|&p| model.packages[p].manifest.dependencies.iter())
                .filter(|d| d.kind == DepKind::Dev)
                .map(|d| d.name.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            if dev.is_empty() {
                continue;
            }
            let Some(instruction) = image.instruction(at.instruction) else {
                continue;
            };
            let shown: Vec<&str> = dev.iter().take(3).copied().collect();
            let more = if dev.len() > 3 {
                format!(" and {} more", dev.len() - 3)
            } else {
                String::new()
            };
            let where_ = if stage == image.build.target && image.build.stages.len() == 1 {
                "in the image".to_string()
            } else if stage == image.build.target {
                format!("in {}, the stage the image ships", image.stage_label(stage))
            } else if image
                .build
                .final_stage()
                .is_some_and(|f| matches!(f.base, Base::Stage(_)))
                && !image.build.final_stage().is_some_and(|f| {
                    f.entries
                        .iter()
                        .any(|e| matches!(e.entry, Entry::Stage { .. }))
                })
            {
                format!(
                    "in {}, which {} is built on",
                    image.stage_label(stage),
                    image.stage_label(image.build.target)
                )
            } else {
                format!(
                    "in {}, and {} copies that node_modules",
                    image.stage_label(stage),
                    image.stage_label(image.build.target)
                )
            };
            let fix = match at.install.manager {
                crate::model::docker::commands::Manager::Npm => "npm prune --omit=dev",
                crate::model::docker::commands::Manager::Pnpm => "pnpm prune --prod",
                crate::model::docker::commands::Manager::Yarn => {
                    "yarn workspaces focus --production (or a separate `yarn install --production` stage)"
                }
                crate::model::docker::commands::Manager::Bun => {
                    "bun install --production in a separate stage"
                }
            };
            out.push(
                for_service(
                    FindingBuilder::new(
                        &Self::META,
                        &image.df.path,
                        instruction.span(),
                        format!("dev:{}", at.dir),
                        format!(
                            "the image ships devDependencies ({}{more}): `{}` installed them {where_}, with no production flag and no prune after it",
                            shown.join(", "),
                            at.install.text
                        ),
                    )
                    .help(format!(
                        "prune after building (`{fix}`), or install production dependencies in their own stage and copy that node_modules"
                    )),
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

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::npm_workspace;
    use crate::rules::testing::{Repo, Vectors, case};

    const BUILD: &str =
        "FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w api\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "node_modules copied from a full install",
                    npm_workspace(&format!(
                        "{BUILD}FROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY --from=build /app/apps/api/dist ./dist\nUSER node\nCMD [\"node\", \"dist/main.js\"]\n"
                    )),
                ),
                case(
                    "the whole builder folder copied",
                    npm_workspace(&format!(
                        "{BUILD}FROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app ./\nCMD [\"node\", \"apps/api/dist/main.js\"]\n"
                    )),
                ),
                case(
                    "a single stage without a production flag",
                    npm_workspace(
                        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w api\nCMD [\"node\", \"apps/api/dist/main.js\"]\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "the fixture: npm ci --omit=dev in the runtime stage",
                    Repo::fixture("docker-npm-argon2"),
                ),
                case(
                    "pruned in the builder",
                    npm_workspace(
                        "FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w api && npm prune --omit=dev\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app ./\n",
                    ),
                ),
                case(
                    "yarn workspaces focus --production",
                    npm_workspace(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN corepack enable && yarn workspaces focus api --production\nCMD [\"node\", \"apps/api/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "NODE_ENV=production makes npm omit them",
                    npm_workspace(
                        "FROM node:20-slim\nENV NODE_ENV=production\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
                    ),
                ),
                case(
                    "a production-only deps stage ships, the full builder does not",
                    npm_workspace(&format!(
                        "{BUILD}FROM node:20 AS deps\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY --from=build /app/apps/api/dist ./dist\n"
                    )),
                ),
            ],
        }
    }
}
