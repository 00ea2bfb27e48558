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
    use super::UnsatisfiedEntry;
    use crate::rules::lockfile::fixtures::{derived, read, under};
    use crate::rules::testing::{Repo, Vectors, case, places};

    /// package-lock.json whose `node_modules/is-odd/node_modules/is-number` (6.0.0) was lost:
    /// `is-odd@3.0.1` needs `is-number@^6.0.0` and finds the hoisted 7.0.0.
    const LOST: &str = "npm-unsatisfied-entry-nested-copy-lost";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a nested copy lost from package-lock.json",
                    Repo::fixture(LOST),
                ),
                case(
                    "the same lockfile as npm-shrinkwrap.json (what `npm shrinkwrap` makes of it)",
                    Repo::fixture(LOST)
                        .without("package-lock.json")
                        .file("npm-shrinkwrap.json", &read(LOST, "package-lock.json")),
                ),
                case(
                    "the same project in a subfolder of the repository",
                    under(LOST, "services/shop"),
                ),
            ],
            quiet: vec![
                case(
                    "entries that satisfy each other, the nested copy in place",
                    Repo::fixture("npm-ci-range-still-satisfied"),
                ),
                case(
                    "a broken entry only a workspace reaches is installed as locked",
                    derived(
                        LOST,
                        &[
                            ("package.json", ",\n    \"is-odd\": \"^3.0.1\"", ""),
                            (
                                "apps/api/package.json",
                                "\"ms\": \"^2.1.0\"",
                                "\"ms\": \"^2.1.0\",\n    \"is-odd\": \"^3.0.1\"",
                            ),
                        ],
                    ),
                ),
                case(
                    "an override that the hoisted copy satisfies",
                    derived(
                        LOST,
                        &[(
                            "package.json",
                            r#""private": true,"#,
                            r#""private": true,
  "overrides": { "is-number": "^7.0.0" },"#,
                        )],
                    ),
                ),
                case(
                    "pnpm-lock.yaml is not judged",
                    Repo::fixture("pnpm-in-sync-catalog-overrides"),
                ),
                case(
                    "yarn.lock is not judged",
                    Repo::fixture("yarn-v1-frozen-new-dependency"),
                ),
            ],
        }
    }

    #[test]
    fn npm_entries_that_do_not_satisfy_each_other() {
        let found = Repo::fixture(LOST).check(&UnsatisfiedEntry);
        assert_eq!(found.len(), 1, "{:#?}", places(&found));
        assert_eq!(found[0].location.path, "package-lock.json");
        let message = &found[0].message;
        assert!(message.contains("`is-odd@3.0.1`") && message.contains("`is-number@^6.0.0`"));
        assert!(
            Repo::fixture("npm-ci-range-still-satisfied")
                .check(&UnsatisfiedEntry)
                .is_empty()
        );
    }
}
