use crate::discover::{FileKind, LockfileKind};
use crate::finding::Finding;
use crate::paths;
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

use crate::model::frozen;

declare_rule! {
    /// ## What it does
    /// Flags a package.json whose dependencies disagree with its lockfile in a way that makes
    /// the package manager's frozen install fail, judged as that manager judges it:
    ///
    /// - **pnpm** (`pnpm install --frozen-lockfile`): each importer's specifiers must equal the
    ///   package.json's exactly, field by field (`^1.2.0` is not `^1.2.3`; a dependency moved
    ///   from devDependencies to dependencies is a change), after `pnpm.overrides`; and the
    ///   lockfile's settings (`overrides`, `patchedDependencies`, `autoInstallPeers`, …) must
    ///   match the configuration (ERR_PNPM_LOCKFILE_CONFIG_MISMATCH).
    /// - **npm** (`npm ci`): semantic. Every dependency of the root and of each workspace must
    ///   resolve, through the lockfile's `node_modules` layout, to a version that satisfies its
    ///   range, and every workspace must have its link. A changed range the locked version still
    ///   satisfies passes; so does a removed dependency.
    /// - **yarn v1** (`yarn install --frozen-lockfile`): every `name@range` of the root and the
    ///   workspaces must be a key of yarn.lock (removals pass).
    /// - **yarn berry** (`yarn install --immutable`): each workspace's entry must list exactly its
    ///   dependencies, and no entry may remain for a removed workspace.
    ///
    /// ## Why is this bad?
    /// Every CI run and Docker build that installs with a frozen lockfile fails
    /// (`ERR_PNPM_OUTDATED_LOCKFILE`, "`npm ci` can only install packages when your
    /// package.json and package-lock.json are in sync", "Your lockfile needs to be updated").
    /// A dependency added to one service's package.json without regenerating the lockfile
    /// blocks every image build of the repository until someone runs the install at the root.
    ///
    /// ## Example
    /// ```json
    /// // services/auth/package.json: prom-client added by hand
    /// { "dependencies": { "prom-client": "^15.1.0" } }
    /// ```
    /// while pnpm-lock.yaml's `services/auth` importer has no `prom-client`.
    ///
    /// ## Use instead
    /// Run the install at the workspace root (`pnpm install`, `npm install`, `yarn install`)
    /// and commit the regenerated lockfile with the package.json change.
    pub struct OutOfSync {
        id: "lockfile/out-of-sync",
        category: Lockfile,
        severity: Error,
        scope: Service,
        inputs: [
            FileKind::PackageJson,
            FileKind::Lockfile(LockfileKind::Pnpm),
            FileKind::Lockfile(LockfileKind::Npm),
            FileKind::Lockfile(LockfileKind::Yarn),
        ],
        summary: "package.json and the lockfile disagree: the frozen install (`pnpm install --frozen-lockfile`, `npm ci`, `yarn --immutable`) fails",
    }
}

impl Rule for OutOfSync {
    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        match subject {
            Subject::Repository => true,
            Subject::Service(service) => service
                .package
                .and_then(|p| cx.model.packages[p].workspace)
                .is_some_and(|w| cx.model.lock_for(&cx.model.workspaces[w]).is_some()),
        }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        for workspace in &model.workspaces {
            let Some(lock) = model.lock_for(workspace) else {
                continue;
            };
            let fix = super::regenerate(model, workspace);
            let lock_name = paths::file_name(lock.path());
            for drift in frozen::check(model, workspace) {
                let mut builder = FindingBuilder::new(
                    &Self::META,
                    &drift.path,
                    drift.span,
                    drift.key,
                    drift.message,
                )
                .help(format!("run {fix} and commit {lock_name}"));
                if let Some(line) = drift.lock_line {
                    builder =
                        builder.related(lock.path(), line, format!("the entry in {lock_name}"));
                }
                if let Some(package) = drift.package.or(workspace.package) {
                    builder = builder.package(&model.packages[package]);
                }
                out.push(builder.build());
            }
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
