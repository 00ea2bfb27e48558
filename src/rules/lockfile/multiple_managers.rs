use std::collections::BTreeMap;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::PackageManager;
use crate::paths;
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a folder holding lockfiles of more than one package manager (`pnpm-lock.yaml`
    /// next to `package-lock.json`, say), and an install root whose lockfile belongs to another
    /// manager than its `packageManager` field names.
    ///
    /// ## Why is this bad?
    /// Developers, CI and Dockerfiles pick different managers and so install different trees;
    /// the lockfile nobody uses drifts silently and gets "fixed" by whoever touches it next.
    /// With corepack, `packageManager` decides which manager runs: a lockfile of another
    /// manager is not read at all, and the install is not reproducible.
    ///
    /// ## Example
    /// ```text
    /// package.json        "packageManager": "pnpm@9.12.0"
    /// package-lock.json   (left over from before the switch)
    /// ```
    ///
    /// ## Use instead
    /// Keep the one lockfile of the manager the repository uses, delete the others, and add
    /// them to `.gitignore` if tools keep recreating them.
    pub struct MultipleManagers {
        id: "lockfile/multiple-managers",
        category: Lockfile,
        severity: Warning,
        scope: Repository,
        inputs: [FileKind::PackageJson],
        summary: "lockfiles of more than one package manager at one root, or one that disagrees with `packageManager`",
    }
}

impl Rule for MultipleManagers {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut by_dir: BTreeMap<&str, Vec<&crate::load::LockfileRef>> = BTreeMap::new();
        for lockfile in &model.lockfiles {
            by_dir
                .entry(paths::parent(&lockfile.path))
                .or_default()
                .push(lockfile);
        }
        for (dir, lockfiles) in by_dir {
            let workspace = model.workspaces.iter().find(|w| w.dir == dir);
            let declared = workspace
                .filter(|w| w.package_manager_version.is_some())
                .and_then(|w| w.package_manager);
            let used = workspace.and_then(|w| w.lockfile.as_deref());
            let mut managers: Vec<PackageManager> = lockfiles
                .iter()
                .map(|l| PackageManager::from_lockfile(l.kind))
                .collect();
            managers.sort();
            managers.dedup();
            if managers.len() > 1 {
                for lockfile in &lockfiles {
                    // Point at every lockfile but the one the root installs from.
                    if Some(lockfile.path.as_str()) == used {
                        continue;
                    }
                    let manager = PackageManager::from_lockfile(lockfile.kind);
                    let others: Vec<&str> = lockfiles
                        .iter()
                        .filter(|l| PackageManager::from_lockfile(l.kind) != manager)
                        .map(|l| paths::file_name(&l.path))
                        .collect();
                    out.push(
                        FindingBuilder::new(
                            &Self::META,
                            &lockfile.path,
                            Span::point(1, 1),
                            format!("{dir}:{}", manager.as_str()),
                            format!(
                                "{} ({}) sits next to {} of another package manager in {}",
                                paths::file_name(&lockfile.path),
                                manager.as_str(),
                                others.join(", "),
                                paths::display_dir(dir)
                            ),
                        )
                        .help(format!(
                            "keep the lockfile of the manager {} uses and delete {}",
                            paths::display_dir(dir),
                            paths::file_name(&lockfile.path)
                        ))
                        .build(),
                    );
                }
            } else if let (Some(declared), Some(found)) = (declared, managers.first())
                && declared != *found
                && let Some(package) = workspace
                    .and_then(|w| w.package)
                    .map(|i| &model.packages[i])
            {
                let span = package
                    .manifest
                    .package_manager
                    .as_ref()
                    .map_or(package.manifest.top, |p| p.span);
                let lockfile = lockfiles.first().map_or("", |l| paths::file_name(&l.path));
                out.push(
                    FindingBuilder::new(
                        &Self::META,
                        &package.manifest.path,
                        span,
                        format!("{dir}:packageManager"),
                        format!(
                            "`packageManager` names {} but the lockfile here is {lockfile} ({})",
                            declared.as_str(),
                            found.as_str()
                        ),
                    )
                    .help(format!(
                        "run `{} install` and commit its lockfile, deleting {lockfile}, or fix `packageManager`",
                        declared.as_str()
                    ))
                    .package(package)
                    .build(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MultipleManagers;
    use crate::rules::lockfile::fixtures::{declaring, derived};
    use crate::rules::testing::{Repo, Vectors, case, places};

    /// npm-ci-range-still-satisfied (package-lock.json by npm 11) declaring a `packageManager`.
    fn npm_root_declaring(package_manager: &str) -> Repo {
        declaring("npm-ci-range-still-satisfied", package_manager)
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a package-lock.json left next to pnpm-lock.yaml",
                    Repo::fixture("pnpm-with-leftover-package-lock"),
                ),
                case(
                    "`packageManager` names pnpm but the root's lockfile is package-lock.json",
                    npm_root_declaring("pnpm@9.15.9"),
                ),
                case(
                    "`packageManager` names yarn but the root's lockfile is pnpm-lock.yaml",
                    derived(
                        "pnpm-in-sync-catalog-overrides",
                        &[("package.json", "pnpm@9.15.9", "yarn@4.9.1")],
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "one pnpm-lock.yaml and `packageManager` pnpm",
                    Repo::fixture("pnpm-outdated-lockfile-prom-client"),
                ),
                case(
                    "`packageManager` npm and package-lock.json",
                    npm_root_declaring("npm@11.0.0"),
                ),
                case(
                    "package-lock.json without `packageManager`",
                    Repo::fixture("npm-ci-range-still-satisfied"),
                ),
                case(
                    "`packageManager` yarn 4 and a berry yarn.lock",
                    Repo::fixture("yarn-berry-dependency-moved-to-dev"),
                ),
                case(
                    "a standalone service's package-lock.json in a folder of a pnpm monorepo",
                    Repo::fixture("pnpm-nested-roots"),
                ),
                case(
                    "`packageManager` pnpm and no lockfile at all (lockfile/missing's business)",
                    Repo::fixture("pnpm-outdated-lockfile-prom-client").without("pnpm-lock.yaml"),
                ),
                case(
                    "a leftover package-lock.json that .gitignore keeps out of the repository",
                    Repo::fixture("pnpm-with-leftover-package-lock")
                        .file(".gitignore", "node_modules\npackage-lock.json\n"),
                ),
            ],
        }
    }

    #[test]
    fn the_leftover_lockfile_is_the_one_reported() {
        let found = Repo::fixture("pnpm-with-leftover-package-lock").check(&MultipleManagers);
        assert_eq!(found.len(), 1, "{:#?}", places(&found));
        assert_eq!(found[0].location.path, "package-lock.json");
        assert!(
            Repo::fixture("pnpm-outdated-lockfile-prom-client")
                .check(&MultipleManagers)
                .is_empty()
        );
    }
}
