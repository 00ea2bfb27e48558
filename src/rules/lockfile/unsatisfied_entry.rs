use crate::discover::{FileKind, LockfileKind};
use crate::finding::Finding;
use crate::model::PackageManager;
use crate::parse::lockfile::Lockfile;
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

use crate::model::frozen;

declare_rule! {
    /// ## What it does
    /// Flags a package-lock.json (v2/v3) whose entries do not satisfy each other: resolving an
    /// entry's dependency or optional dependency by walking up the `node_modules/…` locations
    /// inside the lockfile (as Node and npm do) lands on a version outside the declared range,
    /// or a dependency or non-optional peer lands on nothing. A peer that resolves to a
    /// version outside its range is only a warning for npm, and is not flagged. Only the entries `npm ci` judges are judged:
    /// those reachable from the root package without crossing a link (npm 10 and 11 install
    /// entries only workspaces reach as locked, even broken ones); bundled dependencies and
    /// packages named in `overrides` are not.
    ///
    /// ## Why is this bad?
    /// `npm ci` rebuilds every invalid edge from the registry, then refuses to install because
    /// the result differs from the lockfile: "Missing: x@1.2.3 from lock file" or "Invalid:
    /// lock file's x@1.0.0 does not satisfy x@2.0.0", although no package.json changed. It
    /// typically follows a hand-resolved merge conflict or an `npm install` run with
    /// `--legacy-peer-deps` that was committed without it.
    ///
    /// ## Example
    /// ```json
    /// "node_modules/a": { "version": "1.0.0", "dependencies": { "b": "^2.0.0" } },
    /// "node_modules/b": { "version": "1.4.0" }
    /// ```
    ///
    /// ## Use instead
    /// Regenerate the lockfile with `npm install` (delete the broken entries first if it keeps
    /// them) and commit it.
    pub struct UnsatisfiedEntry {
        id: "lockfile/unsatisfied-entry",
        category: Lockfile,
        severity: Error,
        scope: Repository,
        inputs: [FileKind::PackageJson, FileKind::Lockfile(LockfileKind::Npm)],
        summary: "package-lock.json entries do not satisfy each other: `npm ci` fails with \"Missing: … from lock file\"",
    }
}

impl Rule for UnsatisfiedEntry {
    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        subject == Subject::Repository
            && cx
                .model
                .locks
                .iter()
                .any(|l| matches!(l.file, Lockfile::Npm(_)))
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        for workspace in &model.workspaces {
            if workspace.package_manager != Some(PackageManager::Npm) {
                continue;
            }
            let Some(lock) = model.lock_for(workspace) else {
                continue;
            };
            let Lockfile::Npm(npm) = &lock.file else {
                continue;
            };
            let fix = super::regenerate(model, workspace);
            for problem in frozen::entry_problems(model, workspace, npm) {
                let mut builder = FindingBuilder::new(
                    &Self::META,
                    &problem.path,
                    problem.span,
                    problem.key,
                    problem.message,
                )
                .help(format!("run {fix} and commit {}", lock.path()));
                if let Some(package) = workspace.package {
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
