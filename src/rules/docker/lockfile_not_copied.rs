use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::lockfile_names;
use crate::rules::docker::{applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a frozen install (`npm ci`, `pnpm install --frozen-lockfile`, `pnpm fetch`,
    /// `yarn install --immutable`, `bun install --frozen-lockfile`) in a stage where the
    /// lockfile it needs is not in the install's directory (or a folder above it): no `COPY`
    /// put it there, and no `RUN --mount` binds it.
    ///
    /// ## Why is this bad?
    /// A frozen install refuses to run without the lockfile: `npm ci` stops with `The npm ci
    /// command can only install with an existing package-lock.json`, pnpm with
    /// `ERR_PNPM_NO_LOCKFILE`. The usual cause is a `COPY package.json ./` that forgot the
    /// lockfile, or a Dockerfile that runs another manager's command than the repository uses.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /app
    /// COPY package.json ./
    /// RUN npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    pub struct LockfileNotCopied {
        id: "docker/lockfile-not-copied",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile],
        summary: "a frozen/ci install in a stage where the lockfile has not been copied in",
    }
}

impl Rule for LockfileNotCopied {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut seen = std::collections::BTreeSet::new();
        for image in images(model) {
            for (s, stage) in image.build.stages.iter().enumerate() {
                for install in &stage.installs {
                    if image.build.lockfile_present(model, s, install) != Some(false) {
                        continue;
                    }
                    let names = lockfile_names(install.install.manager);
                    // A COPY of the lockfile that fails is the build's first error, and
                    // docker/copy-source-missing reports it.
                    let copy_fails =
                        image.build.sources.iter().any(|c| {
                            !c.exists && names.contains(&crate::paths::file_name(&c.path))
                        });
                    if copy_fails {
                        continue;
                    }
                    if !seen.insert((image.df.path.clone(), install.instruction)) {
                        continue;
                    }
                    let Some(instruction) = image.instruction(install.instruction) else {
                        continue;
                    };
                    let lockfile = names[0];
                    let repo_has: Vec<&str> = model
                        .lockfiles
                        .iter()
                        .map(|l| crate::paths::file_name(&l.path))
                        .collect();
                    let why = if model.lockfiles.is_empty() {
                        "the repository has no lockfile".to_string()
                    } else if !repo_has.iter().any(|n| names.contains(n)) {
                        format!(
                            "the repository has no {lockfile} at all (it has {}): the Dockerfile runs another package manager than the repository uses",
                            repo_has.join(", ")
                        )
                    } else {
                        format!(
                            "no COPY put {lockfile} in {} before it (from {})",
                            install.dir,
                            image.build.context.how.describe()
                        )
                    };
                    out.push(
                        for_service(
                            FindingBuilder::new(
                                &Self::META,
                                &image.df.path,
                                instruction.span(),
                                format!("{}:{}", install.install.manager.name(), install.dir),
                                format!(
                                    "`{}` in {} needs {lockfile} in {}, and it is not there: {why}",
                                    install.install.text,
                                    image.stage_label(s),
                                    install.dir
                                ),
                            )
                            .help(format!(
                                "copy the lockfile with the manifest before installing (`COPY package.json {lockfile} ./`), or install with the manager the repository's lockfile belongs to"
                            )),
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
    use crate::rules::testing::{Vectors, case};

    fn with_lock(dockerfile: &str) -> crate::rules::testing::Repo {
        npm_workspace(dockerfile)
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "npm ci after copying only package.json",
                    with_lock(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\n",
                    ),
                ),
                case(
                    "pnpm frozen install in a repository that uses npm",
                    with_lock(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN corepack enable && pnpm install --frozen-lockfile\n",
                    ),
                ),
                case(
                    "the lockfile copied into another folder",
                    with_lock(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY package-lock.json /tmp/\nCOPY package.json ./\nRUN npm ci --omit=dev\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "manifest and lockfile copied first",
                    with_lock(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n",
                    ),
                ),
                case(
                    "a glob that copies the lockfile",
                    with_lock(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n",
                    ),
                ),
                case(
                    "COPY . . (a context inferred at the repository root)",
                    with_lock("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"),
                ),
                case(
                    "bind mounts instead of copies",
                    with_lock(
                        "FROM node:20-slim\nWORKDIR /app\nRUN --mount=type=bind,source=package.json,target=package.json --mount=type=bind,source=package-lock.json,target=package-lock.json --mount=type=cache,target=/root/.npm npm ci\n",
                    ),
                ),
                case(
                    "turbo prune --docker writes the pruned lockfile",
                    with_lock(
                        "FROM node:20 AS pruner\nWORKDIR /app\nCOPY . .\nRUN npx turbo@2 prune api --docker\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=pruner /app/out/json/ .\nCOPY --from=pruner /app/out/package-lock.json ./package-lock.json\nRUN npm ci\n",
                    ),
                ),
                case(
                    "a non-frozen install needs no lockfile",
                    with_lock(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\n",
                    ),
                ),
                case(
                    "the lockfile comes from another stage",
                    with_lock(
                        "FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=deps /app ./\nRUN npm ci\n",
                    ),
                ),
                case(
                    "a base image the table does not know may hold it",
                    npm_workspace("FROM acme/node-deps:1\nWORKDIR /app\nRUN npm ci\n"),
                ),
            ],
        }
    }
}
