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
    use super::OutOfSync;
    use crate::rules::lockfile::fixtures::{derived, lockfile_findings};
    use crate::rules::testing::{Repo, Vectors, case, places};

    /// A workspace the lockfile has never seen, as the differential script adds one.
    const NEW_WORKSPACE: &str = "{\n  \"name\": \"newpkg\",\n  \"version\": \"1.0.0\"\n}\n";

    /// npm-ci-range-still-satisfied with `overrides` for `ms` (locked at 2.1.3) in the root.
    fn npm_overriding_ms(version: &str) -> Repo {
        derived(
            "npm-ci-range-still-satisfied",
            &[(
                "package.json",
                r#""private": true,"#,
                &format!(
                    r#""private": true,
  "overrides": {{ "ms": "{version}" }},"#
                ),
            )],
        )
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "pnpm: a dependency added without `pnpm install`",
                    Repo::fixture("pnpm-outdated-lockfile-prom-client"),
                ),
                case(
                    "pnpm: a specifier changed, though the locked version still satisfies it",
                    Repo::fixture("pnpm-specifier-changed-still-satisfied"),
                ),
                case(
                    "pnpm: a dependency moved from devDependencies to dependencies",
                    derived(
                        "pnpm-in-sync-catalog-overrides",
                        &[(
                            "apps/api/package.json",
                            "\"is-number\": \"^6.0.0\"\n  },\n  \"devDependencies\": {\n    \"left-pad\": \"1.3.0\"\n  }",
                            "\"is-number\": \"^6.0.0\",\n    \"left-pad\": \"1.3.0\"\n  }",
                        )],
                    ),
                ),
                case(
                    "pnpm: a dependency removed from a workspace",
                    derived(
                        "pnpm-in-sync-catalog-overrides",
                        &[("apps/api/package.json", "\"left-pad\": \"1.3.0\"", "")],
                    ),
                ),
                case(
                    "pnpm: `pnpm.overrides` changed since the lockfile was written",
                    Repo::fixture("pnpm-overrides-changed"),
                ),
                case(
                    "npm: a dependency with no entry in package-lock.json",
                    Repo::fixture("npm-ci-missing-prom-client"),
                ),
                case(
                    "npm: a range the locked version does not satisfy",
                    Repo::fixture("npm-ci-range-not-satisfied"),
                ),
                case(
                    "npm: a workspace with no link in package-lock.json",
                    Repo::fixture("npm-ci-range-still-satisfied")
                        .file("packages/newpkg/package.json", NEW_WORKSPACE),
                ),
                case(
                    "npm: an override the locked version does not satisfy",
                    npm_overriding_ms("2.1.2"),
                ),
                case(
                    "yarn v1: a root dependency whose `name@range` is no key of yarn.lock",
                    Repo::fixture("yarn-v1-frozen-new-dependency"),
                ),
                case(
                    "yarn berry: a dependency missing from the workspace entry",
                    Repo::fixture("yarn-berry-immutable-new-dependency"),
                ),
                case(
                    "yarn berry: a workspace with no entry in yarn.lock",
                    Repo::fixture("yarn-berry-dependency-moved-to-dev")
                        .file("packages/newpkg/package.json", NEW_WORKSPACE),
                ),
            ],
            quiet: vec![
                case(
                    "pnpm: catalogs, overrides, auto-installed peers and `workspace:^`, in sync",
                    Repo::fixture("pnpm-in-sync-catalog-overrides"),
                ),
                case(
                    "pnpm: a new workspace without dependencies gets an empty importer",
                    Repo::fixture("pnpm-in-sync-catalog-overrides")
                        .file("packages/newpkg/package.json", NEW_WORKSPACE),
                ),
                case(
                    "npm: a range the locked version still satisfies, and a removed dependency",
                    Repo::fixture("npm-ci-range-still-satisfied"),
                ),
                case(
                    "npm: an override the locked version satisfies",
                    npm_overriding_ms("2.1.3"),
                ),
                case(
                    "yarn v1: `--frozen-lockfile` does not read workspace manifests",
                    Repo::fixture("yarn-v1-frozen-ignores-workspace-manifests"),
                ),
                case(
                    "yarn berry: a dependency moved to devDependencies stays in the workspace entry",
                    Repo::fixture("yarn-berry-dependency-moved-to-dev"),
                ),
                case(
                    "a package-lock.json at a root whose `packageManager` is pnpm (lockfile/multiple-managers' business)",
                    derived(
                        "npm-ci-missing-prom-client",
                        &[(
                            "package.json",
                            r#""private": true,"#,
                            r#""private": true,
  "packageManager": "pnpm@9.15.9","#,
                        )],
                    ),
                ),
                case(
                    // load records a bun.lockb without reading it: no content is made up here.
                    "a Bun root: its binary bun.lockb is not read, so not judged",
                    Repo::new()
                        .file(
                            "package.json",
                            r#"{ "name": "api", "scripts": { "start": "bun run main.ts" }, "dependencies": { "ms": "^2.1.0" } }"#,
                        )
                        .file("bun.lockb", ""),
                ),
            ],
        }
    }

    /// (path, line, message) of the rule's findings on a fixture, as the scan tests read them.
    fn findings_of(fixture: &str) -> Vec<(String, u32, String)> {
        Repo::fixture(fixture)
            .check(&OutOfSync)
            .into_iter()
            .map(|f| (f.location.path, f.location.line, f.message))
            .collect()
    }

    #[test]
    fn pnpm_added_dependency_is_out_of_sync() {
        // ERR_PNPM_OUTDATED_LOCKFILE: prom-client added to services/auth without `pnpm install`.
        let findings = Repo::fixture("pnpm-outdated-lockfile-prom-client").check(&OutOfSync);
        assert_eq!(findings.len(), 1, "{:#?}", places(&findings));
        let finding = &findings[0];
        assert_eq!(
            (finding.location.path.as_str(), finding.location.line),
            ("services/auth/package.json", 9)
        );
        let message = &finding.message;
        assert!(
            message.contains("`prom-client` (`^15.1.0`)")
                && message.contains("importer `services/auth`"),
            "{message}"
        );
        assert!(
            finding
                .help
                .contains("`pnpm install` at the repository root"),
            "{}",
            finding.help
        );
    }

    #[test]
    fn pnpm_compares_specifiers_exactly_and_checks_overrides() {
        // ^2.1.0 → ^2.1.1 still matches the locked 2.1.3, but pnpm compares strings.
        let found = findings_of("pnpm-specifier-changed-still-satisfied");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].2.contains("declared as `^2.1.1`") && found[0].2.contains("`^2.1.0`"));
        // ERR_PNPM_LOCKFILE_CONFIG_MISMATCH for `overrides`.
        let found = findings_of("pnpm-overrides-changed");
        assert!(
            found
                .iter()
                .any(|(p, _, m)| p == "pnpm-lock.yaml" && m.contains("`overrides` differ")),
            "{found:#?}"
        );
    }

    #[test]
    fn pnpm_in_sync_workspace_with_catalogs_overrides_and_peers_is_quiet() {
        // Catalog specifiers, an override rewriting a workspace's range, auto-installed peers,
        // `workspace:^` and a project without dependencies: pnpm's frozen install accepts it.
        assert_eq!(
            lockfile_findings(&Repo::fixture("pnpm-in-sync-catalog-overrides")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn npm_ci_is_semantic() {
        // A range the locked version still satisfies, and a removed dependency: npm ci passes.
        assert_eq!(
            lockfile_findings(&Repo::fixture("npm-ci-range-still-satisfied")),
            Vec::<String>::new()
        );
        let found = findings_of("npm-ci-missing-prom-client");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].2.contains("`prom-client`") && found[0].2.contains("Missing"));
        let found = findings_of("npm-ci-range-not-satisfied");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].2.contains("declared as `~2.0.0`") && found[0].2.contains("locks `2.1.3`")
        );
    }

    #[test]
    fn yarn_frozen_installs() {
        let found = findings_of("yarn-v1-frozen-new-dependency");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].2.contains("`is-odd@^3.0.1`"));
        // yarn 1's --frozen-lockfile does not look at workspace manifests (yarnpkg/yarn#5840).
        assert_eq!(
            lockfile_findings(&Repo::fixture("yarn-v1-frozen-ignores-workspace-manifests")),
            Vec::<String>::new()
        );
        let found = findings_of("yarn-berry-immutable-new-dependency");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].2.contains("`is-odd`") && found[0].2.contains("--immutable"));
        // Berry merges dependencies and devDependencies in the workspace entry: a move passes.
        assert_eq!(
            lockfile_findings(&Repo::fixture("yarn-berry-dependency-moved-to-dev")),
            Vec::<String>::new()
        );
    }
}
