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
    use super::Missing;
    use crate::rules::testing::{Repo, Vectors, case, places};

    /// An npm workspace root with one member; `scripts` is the member's scripts object.
    fn npm_workspace(scripts: &str) -> Repo {
        Repo::new()
            .file(
                "package.json",
                r#"{ "name": "shop", "private": true, "workspaces": ["apps/*"] }"#,
            )
            .file(
                "apps/api/package.json",
                &format!(
                    r#"{{ "name": "api", "version": "1.0.0", "scripts": {scripts},
                         "dependencies": {{ "ms": "^2.1.0" }} }}"#
                ),
            )
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a standalone service with a Dockerfile and no lockfile",
                    Repo::fixture("npm-service-without-lockfile"),
                ),
                case(
                    "a service folder built by its Dockerfile, in a repository without a root package.json",
                    Repo::new()
                        .file(
                            "services/billing/package.json",
                            r#"{ "name": "billing", "version": "1.0.0", "dependencies": { "ms": "^2.1.0" } }"#,
                        )
                        .file(
                            "services/billing/Dockerfile",
                            "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"node\", \"main.js\"]\n",
                        ),
                ),
                case(
                    "a workspace member with a start script, and no lockfile at the workspace root",
                    npm_workspace(r#"{ "start": "node main.js" }"#),
                ),
                case(
                    "a pnpm workspace whose pnpm-lock.yaml was deleted",
                    Repo::fixture("pnpm-outdated-lockfile-prom-client").without("pnpm-lock.yaml"),
                ),
            ],
            quiet: vec![
                case(
                    "a member service installed from the workspace root's pnpm-lock.yaml",
                    Repo::fixture("pnpm-outdated-lockfile-prom-client"),
                ),
                case(
                    "a service with its own package-lock.json inside a pnpm monorepo",
                    Repo::fixture("pnpm-nested-roots").without("apps/legacy/package.json"),
                ),
                case(
                    "members covered by the root's yarn.lock",
                    Repo::fixture("yarn-v1-frozen-new-dependency"),
                ),
                case(
                    "a workspace without a lockfile whose packages nothing deploys",
                    npm_workspace(r#"{ "build": "tsc", "test": "node --test" }"#),
                ),
                case(
                    // load records a bun.lockb without reading it: no content is made up here.
                    "a Bun root: its binary bun.lockb is a lockfile, though not read",
                    Repo::new()
                        .file(
                            "package.json",
                            r#"{ "name": "api", "scripts": { "start": "bun run main.ts" }, "dependencies": { "ms": "^2.1.0" } }"#,
                        )
                        .file("bun.lockb", ""),
                ),
                case(
                    "an npm workspace whose member is deployable, with its package-lock.json",
                    Repo::fixture("npm-ci-range-still-satisfied"),
                ),
            ],
        }
    }

    #[test]
    fn a_deployable_without_lockfile_is_named_and_one_under_a_root_lockfile_is_not() {
        let found = places(&Repo::fixture("npm-service-without-lockfile").check(&Missing));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].1.contains("`billing` is deployable"));
        assert!(
            Repo::fixture("pnpm-outdated-lockfile-prom-client")
                .check(&Missing)
                .is_empty()
        );
    }
}
