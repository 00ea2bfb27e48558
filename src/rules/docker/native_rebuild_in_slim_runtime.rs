use std::collections::BTreeSet;

use crate::data::base_images::Has;
use crate::data::os_packages::{CXX, MAKE, PYTHON};
use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::model::docker::commands::Tri;
use crate::rules::docker::{applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a dependency install (`npm ci`, `npm install`, `pnpm install`, `yarn install`,
    /// `bun install`) in a stage built on an image without a native toolchain (slim, alpine,
    /// distroless) and without python3, make and g++ installed in the stage before it, when
    /// what it installs (read from the lockfile) includes a native module: a package that
    /// compiles with node-gyp when no prebuilt binary matches (it depends on
    /// `node-gyp-build`, `node-addon-api`, `nan`, `prebuild-install` or
    /// `@mapbox/node-pre-gyp`, or is known to build: `node-sass`, `re2`, …). Installs with
    /// `--ignore-scripts` build nothing and are not flagged, nor are installs over a
    /// `node_modules` copied from another stage (already built there). Optional dependencies
    /// are left out: an install skips one that fails to build (`cpu-features` under `ssh2`).
    ///
    /// It is an error for the packages that compile: argon2, bcrypt, canvas, better-sqlite3,
    /// sqlite3, node-rdkafka, gl, the packages known to build, and addons that have no
    /// prebuilt-binary loader. Packages that only load prebuilt binaries (`node-gyp-build`,
    /// `prebuild-install`, `node-pre-gyp`) compile only when no binary matches: a warning.
    ///
    /// ## Why is this bad?
    /// When the prebuilt binary does not match (another Node ABI, libc or architecture, a
    /// registry mirror without the binaries), the package falls back to node-gyp, which needs
    /// python3, make and a C++ compiler. On a slim image the build fails with `gyp ERR! find
    /// Python`: the argon2 incident of the seeds, on `node:20-bullseye-slim`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-bullseye-slim
    /// COPY package.json package-lock.json ./
    /// RUN npm ci --omit=dev
    /// ```
    ///
    /// ## Use instead
    /// Install in a full image and copy the result:
    /// ```dockerfile
    /// FROM node:20-bullseye AS deps
    /// COPY package.json package-lock.json ./
    /// RUN npm ci --omit=dev
    ///
    /// FROM node:20-bullseye-slim
    /// COPY --from=deps /app/node_modules ./node_modules
    /// ```
    /// or install the toolchain first (`apt-get install -y python3 make g++`, `apk add
    /// --virtual .gyp python3 make g++`).
    pub struct NativeRebuildInSlimRuntime {
        id: "docker/native-rebuild-in-slim-runtime",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::Lockfile(crate::discover::LockfileKind::Npm), FileKind::Lockfile(crate::discover::LockfileKind::Pnpm), FileKind::Lockfile(crate::discover::LockfileKind::Yarn)],
        summary: "a dependency install on a slim/alpine/distroless stage without python3/make/g++ while the dependencies include a native module",
    }
}

/// Whether the package's install compiles where the stage has no toolchain, as the incidents
/// show: the packages of `data/native_compiles.rs`, the packages known to compile, and
/// addons with headers but no prebuilt-binary loader. A package that only loads prebuilt
/// binaries (`node-gyp-build`, `prebuild-install`, `@mapbox/node-pre-gyp`) compiles only when
/// none matches the platform, which for most (`@datadog/*`, `@parcel/watcher`) does not
/// happen on linux x64 or arm64: a warning, not an error.
fn compiles_for_sure(
    name: &str,
    dependencies: &[String],
    reason: &crate::model::native::NativeReason,
) -> bool {
    use crate::model::native::NativeReason;
    if crate::data::contains(crate::data::native_compiles::NATIVE_COMPILES, name)
        || matches!(reason, NativeReason::Known(_))
    {
        return true;
    }
    let loads_prebuilt = dependencies.iter().any(|d| {
        matches!(
            d.as_str(),
            "node-gyp-build" | "prebuild-install" | "@mapbox/node-pre-gyp" | "node-pre-gyp"
        )
    });
    !loads_prebuilt
}

impl Rule for NativeRebuildInSlimRuntime {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut seen = BTreeSet::new();
        for image in images(model) {
            for (s, stage) in image.build.stages.iter().enumerate() {
                let Some(facts) = stage.facts else { continue };
                if facts.toolchain != Has::No {
                    continue;
                }
                for install in &stage.installs {
                    if !install.install.installs_tree() || install.install.ignore_scripts {
                        continue;
                    }
                    let missing: Vec<&str> = [PYTHON, MAKE, CXX]
                        .into_iter()
                        .filter(|t| !install.tools.contains(t))
                        .collect();
                    if missing.is_empty() {
                        continue;
                    }
                    // Over a node_modules copied from another stage, the install keeps what is
                    // built there (it prunes or adds), and compiles nothing again.
                    let prebuilt = format!("{}/node_modules", install.dir.trim_end_matches('/'));
                    if image.build.presence(
                        model,
                        s,
                        &prebuilt,
                        install.instruction.saturating_sub(1),
                    ) == crate::model::docker::Presence::Present
                    {
                        continue;
                    }
                    let packages = model
                        .docker
                        .install_packages(model, image.index, s, install);
                    let include_dev = install.install.production != Tri::Yes;
                    let mut native: Vec<(String, String)> = Vec::new();
                    let mut certain = false;
                    for &p in &packages {
                        let package = &model.packages[p];
                        let Some(lock) = model.lock_of(package) else {
                            continue;
                        };
                        for node in model.installed(package, include_dev) {
                            if let Some(reason) = lock.native_build(node) {
                                let n = &lock.nodes()[node];
                                // An optional dependency that fails to build is skipped by
                                // the install (cpu-features under ssh2).
                                if n.optional {
                                    continue;
                                }
                                // Nor does a build helper that is itself optional (ssh2's
                                // optional `nan`: its addon is an optional speed-up).
                                if let crate::model::native::NativeReason::Helper(helper) = &reason
                                {
                                    let required = n.dependencies.iter().any(|&d| {
                                        lock.nodes()
                                            .get(d)
                                            .is_some_and(|h| h.name == *helper && !h.optional)
                                    });
                                    if !required {
                                        continue;
                                    }
                                }
                                certain |= compiles_for_sure(&n.name, &n.dependency_names, &reason);
                                let name = n.name.clone();
                                if !native.iter().any(|(n, _)| *n == name) {
                                    native.push((name, reason.describe()));
                                }
                            }
                        }
                    }
                    if native.is_empty()
                        || !seen.insert((image.df.path.clone(), install.instruction))
                    {
                        continue;
                    }
                    native.sort();
                    let Some(instruction) = image.instruction(install.instruction) else {
                        continue;
                    };
                    let (first, why) = &native[0];
                    let others = match native.len() {
                        1 => String::new(),
                        n => format!(
                            " (and {} more: {})",
                            n - 1,
                            native[1..]
                                .iter()
                                .map(|(n, _)| n.as_str())
                                .take(5)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    let base = match &stage.base {
                        crate::model::docker::Base::Image { reference, .. } => {
                            let tag = reference
                                .tag
                                .as_deref()
                                .map(|t| format!(":{t}"))
                                .unwrap_or_default();
                            format!("{}{tag}", reference.repository())
                        }
                        _ => facts.kind.to_string(),
                    };
                    // A stage with a toolchain that installed the same tree: copy from it.
                    let builder =
                        image
                            .build
                            .stages
                            .iter()
                            .enumerate()
                            .take(s)
                            .find(|(_, other)| {
                                other.facts.is_some_and(|f| f.toolchain == Has::Yes)
                                    && other.installs.iter().any(|i| i.install.installs_tree())
                            });
                    let help = match builder {
                        Some((b, other)) => {
                            let name = other.name.clone().unwrap_or_else(|| b.to_string());
                            let dir = other
                                .installs
                                .iter()
                                .find(|i| i.install.installs_tree())
                                .map_or("/app", |i| i.dir.as_str());
                            format!(
                                "copy the prebuilt node_modules from the `{name}` stage (`COPY --from={name} {dir}/node_modules ./node_modules`, after `npm prune --omit=dev` there) instead of running `{}` on {base}, which lacks {} that {first} needs to compile",
                                install.install.text,
                                missing.join("/")
                            )
                        }
                        None => format!(
                            "install the toolchain before it (`{}`), or install in a full `node` image and copy node_modules into {base}, which lacks {}",
                            if facts.os_packages == Some("apk") {
                                "apk add --no-cache --virtual .gyp python3 make g++"
                            } else {
                                "apt-get update && apt-get install -y python3 make g++"
                            },
                            missing.join("/")
                        ),
                    };
                    let severity = if certain {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    out.push(
                        for_service(
                            FindingBuilder::new(
                                &Self::META,
                                &image.df.path,
                                instruction.span(),
                                format!("{}:{first}", stage.name.as_deref().unwrap_or("")),
                                format!(
                                    "`{}` in {} ({base}) installs {first}{others}, which compiles with node-gyp when no prebuilt binary matches ({why}), and the stage has no {}",
                                    install.install.text,
                                    image.stage_label(s),
                                    missing.join("/")
                                ),
                            )
                            .help(help)
                            .severity(severity),
                            model,
                            &image,
                        )
                        .build(),
                    );
                }
            }
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

    const MANIFESTS: &str = "COPY package.json package-lock.json ./\nCOPY apps/api/package.json apps/api/\nCOPY packages/shared/package.json packages/shared/\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "the argon2 incident (the fixture as written)",
                    Repo::fixture("docker-npm-argon2"),
                ),
                case(
                    "alpine, one stage",
                    npm_workspace(&format!(
                        "FROM node:20-alpine\nWORKDIR /app\n{MANIFESTS}RUN npm ci\n"
                    )),
                ),
                case(
                    "the toolchain removed before the install",
                    npm_workspace(&format!(
                        "FROM node:20-alpine\nWORKDIR /app\nRUN apk add --no-cache --virtual .gyp python3 make g++ && apk del .gyp\n{MANIFESTS}RUN npm ci\n"
                    )),
                ),
            ],
            quiet: vec![
                case(
                    "a prebuilt node_modules copied from a full builder",
                    npm_workspace(&format!(
                        "FROM node:20-bullseye AS deps\nWORKDIR /app\n{MANIFESTS}RUN npm ci --omit=dev\nFROM node:20-bullseye-slim\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY . .\n"
                    )),
                ),
                case(
                    "a prebuilt node_modules pruned in place",
                    npm_workspace(&format!(
                        "FROM node:20-bullseye AS deps\nWORKDIR /app\n{MANIFESTS}RUN npm ci\nFROM node:20-bullseye-slim\nWORKDIR /app\nCOPY --from=deps /app ./\nRUN npm install --omit=dev\n"
                    )),
                ),
                case(
                    "the toolchain installed in the stage",
                    npm_workspace(&format!(
                        "FROM node:20-alpine\nWORKDIR /app\nRUN apk add --no-cache --virtual .gyp python3 make g++\n{MANIFESTS}RUN npm ci && apk del .gyp\n"
                    )),
                ),
                case(
                    "a full image has the toolchain",
                    npm_workspace(&format!(
                        "FROM node:20-bookworm\nWORKDIR /app\n{MANIFESTS}RUN --mount=type=cache,target=/root/.npm npm ci\n"
                    )),
                ),
                case(
                    "--ignore-scripts builds nothing",
                    npm_workspace(&format!(
                        "FROM node:20-slim\nWORKDIR /app\n{MANIFESTS}RUN npm ci --ignore-scripts\n"
                    )),
                ),
            ],
        }
    }
}
