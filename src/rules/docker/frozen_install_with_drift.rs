use std::collections::BTreeMap;

use crate::discover::{FileKind, LockfileKind};
use crate::finding::Finding;
use crate::model::docker::lockfile_names;
use crate::model::docker::sim::absolute;
use crate::model::frozen::{self, Drift};
use crate::rules::docker::{applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a frozen install in a Dockerfile (`npm ci`, `pnpm install --frozen-lockfile`,
    /// `yarn install --frozen-lockfile`/`--immutable`) whose lockfile, traced back to the
    /// repository, is out of sync with the manifests that install sees: the same replay of
    /// each package manager's check that `lockfile/out-of-sync` runs, narrowed to the
    /// packages whose manifests the stage holds.
    ///
    /// ## Why is this bad?
    /// The image cannot be built: the install stops with `ERR_PNPM_OUTDATED_LOCKFILE`, or
    /// `npm ci can only install packages when your package.json and package-lock.json are in
    /// sync`, and every deploy of the service is blocked until someone regenerates the
    /// lockfile. The finding points at the RUN line that fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY . .
    /// RUN pnpm install --frozen-lockfile   # services/auth/package.json added prom-client
    /// ```
    ///
    /// ## Use instead
    /// Run `pnpm install` locally and commit the updated `pnpm-lock.yaml`.
    pub struct FrozenInstallWithDrift {
        id: "docker/frozen-install-with-drift",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::PackageJson, FileKind::Lockfile(LockfileKind::Npm), FileKind::Lockfile(LockfileKind::Pnpm), FileKind::Lockfile(LockfileKind::Yarn)],
        summary: "a frozen install in a Dockerfile whose lockfile is out of sync with the manifests it installs",
    }
}

impl Rule for FrozenInstallWithDrift {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut drifts: BTreeMap<usize, Vec<Drift>> = BTreeMap::new();
        let mut seen = std::collections::BTreeSet::new();
        for image in images(model) {
            for (s, stage) in image.build.stages.iter().enumerate() {
                for install in &stage.installs {
                    if !install.install.frozen || !install.install.installs_tree() {
                        continue;
                    }
                    // The repository lockfile the install reads: in its folder or above.
                    let mut lockfile = None;
                    let mut dir = install.dir.clone();
                    'find: loop {
                        for name in lockfile_names(install.install.manager) {
                            let path = absolute(&dir, name);
                            if let Some(origin) = image.build.origin_until(
                                model,
                                s,
                                &path,
                                install.instruction.saturating_sub(1),
                            ) {
                                lockfile = Some(origin);
                                break 'find;
                            }
                        }
                        if dir == "/" {
                            break;
                        }
                        dir = absolute(&dir, "..");
                    }
                    let Some(lockfile) = lockfile else { continue };
                    let Some(w) = model
                        .workspaces
                        .iter()
                        .position(|w| w.lockfile.as_deref() == Some(lockfile.as_str()))
                    else {
                        continue;
                    };
                    let all = drifts
                        .entry(w)
                        .or_insert_with(|| frozen::check(model, &model.workspaces[w]));
                    let packages = model
                        .docker
                        .install_packages(model, image.index, s, install);
                    // What the install sees must be known: an install of `turbo prune`
                    // output sees a pruned lockfile and only the members it kept.
                    let pruned = image.build.stages.iter().any(|stage| {
                        stage
                            .entries
                            .iter()
                            .any(|e| matches!(e.entry, crate::model::docker::Entry::Pruned { .. }))
                    });
                    if packages.is_empty() || pruned {
                        continue;
                    }
                    let relevant: Vec<&Drift> = all
                        .iter()
                        .filter(|d| d.package.is_none_or(|p| packages.contains(&p)))
                        .collect();
                    let Some(first) = relevant.first() else {
                        continue;
                    };
                    if !seen.insert((image.df.path.clone(), install.instruction)) {
                        continue;
                    }
                    let Some(instruction) = image.instruction(install.instruction) else {
                        continue;
                    };
                    let more = match relevant.len() {
                        1 => String::new(),
                        n => format!(" (and {} more)", n - 1),
                    };
                    let mut builder = FindingBuilder::new(
                        &Self::META,
                        &image.df.path,
                        instruction.span(),
                        format!("{}:{lockfile}", install.install.manager.name()),
                        format!(
                            "`{}` in {} stops the build: {lockfile} is out of sync with the manifests it installs. {}{more}",
                            install.install.text,
                            image.stage_label(s),
                            first.message
                        ),
                    )
                    .help(format!(
                        "regenerate {lockfile} (run the install without the frozen flag, or `{}`) and commit it",
                        match install.install.manager {
                            crate::model::docker::commands::Manager::Npm => "npm install",
                            crate::model::docker::commands::Manager::Pnpm => "pnpm install",
                            crate::model::docker::commands::Manager::Yarn => "yarn install",
                            crate::model::docker::commands::Manager::Bun => "bun install",
                        }
                    ));
                    for d in relevant.iter().take(5) {
                        builder = builder.related(
                            &d.path,
                            d.span.line,
                            "where the manifest and the lockfile disagree",
                        );
                    }
                    out.push(for_service(builder, model, &image).build());
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
    use crate::rules::testing::{Repo, Vectors, case};

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "pnpm: the fixture's Dockerfile installs frozen with prom-client missing from the lockfile",
                    Repo::fixture("pnpm-outdated-lockfile-prom-client"),
                ),
                case(
                    "npm ci with prom-client missing from package-lock.json",
                    Repo::fixture("npm-ci-missing-prom-client").file(
                        "apps/api/Dockerfile",
                        "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY apps/api/package.json apps/api/\nCOPY packages packages\nRUN npm ci\nCOPY . .\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "a lockfile in sync",
                    Repo::fixture("npm-ci-range-still-satisfied").file(
                        "Dockerfile",
                        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
                    ),
                ),
                case(
                    "a non-frozen install rewrites the lockfile",
                    Repo::fixture("pnpm-outdated-lockfile-prom-client").file(
                        "services/auth/Dockerfile",
                        "FROM node:20-bookworm\nWORKDIR /app\nCOPY . .\nRUN corepack enable && pnpm install --no-frozen-lockfile\n",
                    ),
                ),
            ],
        }
    }
}
