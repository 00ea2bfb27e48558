use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::sim::absolute;
use crate::model::docker::{BuildAt, Presence};
use crate::model::{Model, Package};
use crate::parse::package_json::DepKind;
use crate::paths;
use crate::rules::deps::unbuilt_workspace_entry::runtime_entry;
use crate::rules::docker::{Image, applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a service image whose package depends (at runtime, transitively) on a workspace
    /// package that must be built (its entry is build output: `main: dist/index.js`) when
    /// the Dockerfile's build of the service runs without it: the package's manifest is not
    /// in the stage, or nothing builds it before the service. Builds that count: a recursive
    /// build (`pnpm -r build`, `yarn workspaces foreach`), a filter with dependencies
    /// (`pnpm --filter api... build`, `turbo run build --filter=api`, `nx build api`), an
    /// explicit build of the package (`pnpm --filter @acme/shared build`), a `tsc -b` or a
    /// root script that runs one of these, an install that runs the package's own `prepare`
    /// or `postinstall` script, or the package's output copied in from elsewhere.
    ///
    /// ## Why is this bad?
    /// The service's build (or its start) cannot find the package: `Cannot find module
    /// '@acme/shared'` or `TS2307`, because `packages/shared/dist` does not exist in the
    /// image. The finance-service incident of the seeds: the shared infrastructure package was
    /// never built before finance.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . .
    /// RUN pnpm install --frozen-lockfile
    /// RUN pnpm --filter @acme/finance build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN pnpm --filter @acme/finance... build
    /// ```
    pub struct WorkspaceDepNotBuilt {
        id: "docker/workspace-dep-not-built",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::PackageJson],
        summary: "a service image whose package depends on a workspace package the Dockerfile does not copy, or does not build before the service's build",
    }
}

/// The workspace packages `package` depends on at runtime, transitively, in order.
fn runtime_workspace_deps(model: &Model, package: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut queue = vec![package];
    while let Some(p) = queue.pop() {
        for dep in &model.packages[p].manifest.dependencies {
            if matches!(dep.kind, DepKind::Dev | DepKind::Peer) {
                continue;
            }
            let Some(target) = model.package_index_named(&dep.name) else {
                continue;
            };
            let linked = dep.spec.starts_with("workspace:")
                || model.packages[target].workspace.is_some()
                    && model.packages[target].workspace == model.packages[p].workspace;
            if linked && target != package && !out.contains(&target) {
                out.push(target);
                queue.push(target);
            }
        }
    }
    out
}

/// The entry file Node loads for the package, when it is build output nothing committed.
fn unbuilt_entry(model: &Model, package: &Package) -> Option<String> {
    let entry = runtime_entry(package)?;
    let path = paths::join(&package.dir, &entry)?;
    let ts = [".ts", ".tsx", ".mts", ".cts"]
        .iter()
        .any(|e| path.ends_with(e));
    if ts || model.files.exists(&path) {
        return None;
    }
    // Build output: gitignored, or named by a package that has a build.
    let has_build = package
        .manifest
        .scripts
        .iter()
        .any(|s| s.name.starts_with("build") || s.name == "compile");
    (model.is_gitignored(&path) || has_build).then_some(entry)
}

impl Rule for WorkspaceDepNotBuilt {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        for image in images(model) {
            let Some((stage, build_index, service, service_dir)) = service_build(model, &image)
            else {
                continue;
            };
            let sim = &image.build.stages[stage];
            let build = &sim.builds[build_index];
            let service_pkg = &model.packages[service];
            let Some(root_image) = image_root(&service_dir, &service_pkg.dir, model, service)
            else {
                continue;
            };
            for dep in runtime_workspace_deps(model, service) {
                let package = &model.packages[dep];
                let Some(entry) = unbuilt_entry(model, package) else {
                    continue;
                };
                let Some(rel) = paths::strip_dir(&package.dir, &root_image.1) else {
                    continue;
                };
                let dep_dir = absolute(&root_image.0, if rel.is_empty() { "." } else { rel });
                let manifest = absolute(&dep_dir, "package.json");
                let manifest_presence =
                    image
                        .build
                        .presence(model, stage, &manifest, build.instruction);
                let entry_path = absolute(&dep_dir, &entry);
                let problem = if manifest_presence == Presence::Absent {
                    format!(
                        "the Dockerfile does not copy {} into {}",
                        package.manifest.path,
                        image.stage_label(stage)
                    )
                } else {
                    let built_before = sim.builds[..build_index].iter().any(|b| b.builds(&dep_dir));
                    let built_with = build.builds(&dep_dir);
                    // An install runs the `prepare`/`postinstall` scripts of the workspace
                    // packages it installs (pnpm, npm and yarn alike), which often build them.
                    let built_by_install = has_install_build(package)
                        && sim.installs.iter().any(|i| {
                            i.instruction <= build.instruction
                                && !i.install.ignore_scripts
                                && i.install.installs_tree()
                                && model
                                    .docker
                                    .install_packages(model, image.index, stage, i)
                                    .contains(&dep)
                        });
                    if built_before || built_with || built_by_install {
                        continue;
                    }
                    // Output copied in (or made by a command this reader does not follow).
                    let without_service_build = image.build.presence(
                        model,
                        stage,
                        &entry_path,
                        build.instruction.saturating_sub(1),
                    );
                    if without_service_build != Presence::Absent {
                        continue;
                    }
                    format!(
                        "nothing builds it before the service's build, so {entry_path} does not exist"
                    )
                };
                let Some(instruction) = image.instruction(build.instruction) else {
                    continue;
                };
                out.push(
                    for_service(
                        FindingBuilder::new(
                            &Self::META,
                            &image.df.path,
                            instruction.span(),
                            format!("{}:{}", service_pkg.name(), package.name()),
                            format!(
                                "{} depends on the workspace package {} (entry `{entry}`, build output), but {problem}: the service's build `{}` fails with `Cannot find module '{}'`",
                                service_pkg.name(),
                                package.name(),
                                step_text(build),
                                package.name()
                            ),
                        )
                        .help(match model.packages[service].workspace.and_then(|w| model.workspaces[w].package_manager) {
                            Some(crate::model::PackageManager::Pnpm) => format!(
                                "build the service with its workspace dependencies (`pnpm --filter {0}... build`, or `turbo run build --filter={0}`), after copying {1}'s package.json and sources",
                                service_pkg.name(),
                                package.name()
                            ),
                            _ => format!(
                                "build {1} before the service (`npm run build -w {1} -w {0}`, or `turbo run build --filter={0}`), after copying {1}'s package.json and sources",
                                service_pkg.name(),
                                package.name()
                            ),
                        })
                        .package(service_pkg),
                        model,
                        &image,
                    )
                    .build(),
                );
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

/// Whether the package builds itself when installed (`prepare`, `postinstall`, `install`).
fn has_install_build(package: &Package) -> bool {
    package.manifest.scripts.iter().any(|s| {
        matches!(
            s.name.as_str(),
            "prepare" | "postinstall" | "install" | "preinstall"
        )
    })
}

fn step_text(build: &BuildAt) -> String {
    match &build.step {
        crate::model::docker::commands::Step::RunScript { text, .. }
        | crate::model::docker::commands::Step::Tool { text, .. } => text.clone(),
        _ => String::new(),
    }
}

/// The first build of the service's package in the shipped lineage: (stage, index into the
/// stage's builds, package, its folder in the image).
fn service_build(model: &Model, image: &Image<'_>) -> Option<(usize, usize, usize, String)> {
    let owner = model.owner_of(&image.df.path)?;
    let package = &model.packages[owner];
    // A workspace root is not a service of its own here.
    if model.workspaces.iter().any(|w| w.dir == package.dir) {
        return None;
    }
    for stage in image.build.shipped_lineage() {
        let sim = &image.build.stages[stage];
        for (i, b) in sim.builds.iter().enumerate() {
            // The service's folder in the image: where its package.json landed.
            let Some(scope) = &b.scope else { continue };
            for dir in scope {
                let manifest = absolute(dir, "package.json");
                if image
                    .build
                    .origin_until(model, stage, &manifest, b.instruction.saturating_sub(1))
                    .as_deref()
                    == Some(package.manifest.path.as_str())
                {
                    return Some((stage, i, owner, dir.clone()));
                }
            }
        }
    }
    None
}

/// Where the repository root of the service's workspace is in the image: (image folder,
/// repository folder it stands for).
fn image_root(
    service_dir: &str,
    package_dir: &str,
    model: &Model,
    package: usize,
) -> Option<(String, String)> {
    let workspace = model.packages[package]
        .workspace
        .and_then(|w| model.workspaces.get(w))?;
    let rel = paths::strip_dir(package_dir, &workspace.dir)?;
    let mut image = service_dir.to_string();
    for _ in rel.split('/').filter(|p| !p.is_empty()) {
        image = absolute(&image, "..");
    }
    Some((image, workspace.dir.clone()))
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::npm_workspace;
    use crate::rules::testing::{Repo, Vectors, case};

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "only the service is built",
                    npm_workspace("FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w api\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app ./\nCMD [\"node\", \"apps/api/dist/main.js\"]\n"),
                ),
                case(
                    "the shared package's manifest is never copied",
                    npm_workspace("FROM node:20 AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY apps/api apps/api\nRUN npm ci && npm run build -w api\nCMD [\"node\", \"apps/api/dist/main.js\"]\n"),
                ),
                case(
                    "built after the service, in the same RUN",
                    npm_workspace("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w api && npm run build -w @acme/shared\nCMD [\"node\", \"apps/api/dist/main.js\"]\n"),
                ),
            ],
            quiet: vec![
                case("the fixture builds shared, then api", Repo::fixture("docker-npm-argon2")),
                case(
                    "a recursive build",
                    npm_workspace("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build --workspaces\n"),
                ),
                case(
                    "turbo builds the service with its dependencies",
                    npm_workspace("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npx turbo run build --filter=api\n"),
                ),
                case(
                    "the shared output is copied from another stage",
                    npm_workspace("FROM node:20 AS shared\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w @acme/shared\nFROM node:20\nWORKDIR /app\nCOPY . .\nCOPY --from=shared /app/packages/shared/dist packages/shared/dist\nRUN npm ci && npm run build -w api\n"),
                ),
                case(
                    "the install runs the shared package's prepare script, which builds it",
                    npm_workspace("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w api\n").file(
                        "packages/shared/package.json",
                        "{\n  \"name\": \"@acme/shared\",\n  \"version\": \"1.0.0\",\n  \"main\": \"dist/index.js\",\n  \"scripts\": {\n    \"build\": \"tsc -p tsconfig.json\",\n    \"prepare\": \"tsc -p tsconfig.json\"\n  },\n  \"devDependencies\": {\n    \"typescript\": \"^5.6.3\"\n  }\n}\n",
                    ),
                ),
                case(
                    "a shared package whose entry is committed JavaScript",
                    npm_workspace("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w api\n").file("packages/shared/dist/index.js", "exports.greet = (n) => n;\n").file(".gitignore", "node_modules\n"),
                ),
            ],
        }
    }
}
