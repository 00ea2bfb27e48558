use crate::discover::FileKind;
use crate::finding::Finding;
use crate::paths;
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a deployable package (one a Dockerfile or compose service builds, or one with a
    /// `start`/`start:prod` script) whose install root has no lockfile: neither the package's
    /// own folder (a standalone service) nor the workspace root it is installed from has a
    /// `pnpm-lock.yaml`, `package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock` or `bun.lock`.
    ///
    /// ## Why is this bad?
    /// `npm ci` and every frozen install refuse to run without a lockfile, and a plain install
    /// resolves whatever versions the registry serves that day: two builds of the same commit
    /// ship different dependencies, and a broken release of a transitive dependency breaks
    /// production without any change in the repository.
    ///
    /// ## Example
    /// ```text
    /// services/billing/package.json   (a "start" script, a Dockerfile)
    /// services/billing/Dockerfile     RUN npm install
    /// ```
    /// and no lockfile in `services/billing` or above it.
    ///
    /// ## Use instead
    /// Run the install once at the install root (`npm install`, `pnpm install`, `yarn install`)
    /// and commit the lockfile it writes; install with `npm ci` or a frozen lockfile in CI and
    /// Docker.
    pub struct Missing {
        id: "lockfile/missing",
        category: Lockfile,
        severity: Error,
        scope: Service,
        inputs: [FileKind::PackageJson],
        summary: "a deployable package has no lockfile at its root or at its workspace root",
    }
}

impl Rule for Missing {
    fn applies(&self, _cx: &Context<'_>, subject: Subject<'_>) -> bool {
        match subject {
            Subject::Repository => false,
            Subject::Service(service) => service.package.is_some(),
        }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut reported = std::collections::BTreeSet::new();
        for service in &model.services {
            let Some(index) = service.package else {
                continue;
            };
            let package = &model.packages[index];
            // A package no install root claims is a nested manifest, not something installed.
            let Some(workspace) = package.workspace.map(|w| &model.workspaces[w]) else {
                continue;
            };
            if workspace.lockfile.is_some() || !reported.insert(index) {
                continue;
            }
            let message = if workspace.dir == package.dir {
                format!(
                    "`{}` is deployable but has no lockfile in {}",
                    package.name(),
                    paths::display_dir(&package.dir)
                )
            } else {
                format!(
                    "`{}` is deployable but its install root {} has no lockfile",
                    package.name(),
                    paths::display_dir(&workspace.dir)
                )
            };
            out.push(
                FindingBuilder::new(
                    &Self::META,
                    &package.manifest.path,
                    package.manifest.top,
                    package.dir.clone(),
                    message,
                )
                .help(format!(
                    "run {} and commit the lockfile; install with a frozen lockfile in CI and Docker",
                    super::regenerate(model, workspace)
                ))
                .package(package)
                .build(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::Vectors;

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![],
            quiet: vec![],
        }
    }
}
