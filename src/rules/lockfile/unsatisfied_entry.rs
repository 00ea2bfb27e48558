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
    /// or a dependency or non-optional peer lands on nothing. Only the entries `npm ci` judges
    /// are judged: those reachable from the root package without crossing a link (npm 10 and
    /// 11 install entries only workspaces reach as locked, even broken ones); bundled
    /// dependencies and packages named in `overrides` are not.
    ///
    /// A non-optional peer that resolves to a version outside its range is judged as npm 7+
    /// (arborist) places peers: a satisfying copy must go at the dependent's nesting target,
    /// the nearest ancestor without a peer on the same name (the root for a hoisted
    /// dependent). When it fits there (nothing at that location, or the locked copy can be
    /// replaced because every other edge into it accepts the new version or can keep a nested
    /// copy of its own), npm places it and `npm ci` fails with "Missing" or "Invalid". When an
    /// edge from the target itself (the root's own range, for a hoisted dependent) needs the
    /// locked copy, the conflict is fatal only if the dependent is a direct dependency of the
    /// root project or a workspace, or `.npmrc` sets `strict-peer-deps=true`: then `npm ci`
    /// fails with ERESOLVE; otherwise (and always with `force=true`) npm only warns and keeps
    /// the lockfile, and nothing is flagged. The version npm would fetch is not known offline,
    /// so another range counts as accepting it only when it contains the whole peer range; a
    /// case that depends on the fetched version is flagged only when both outcomes fail. An
    /// optional peer (`peerDependenciesMeta`) at a wrong version is judged the same way only
    /// when `packageManager` declares npm 10 or older: npm 11's `npm ci` keeps it as locked,
    /// npm 10's rebuilds it. With `legacy-peer-deps=true` in `.npmrc`, peers are not judged.
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

    /// Written by npm: `schema-utils@3` and its `ajv@6` and `ajv-keywords@3` (peer `ajv@^6.9.1`)
    /// hoisted to the root; `ws@8` with its optional peers `utf-8-validate` (locked) and
    /// `bufferutil` (absent).
    const HOISTED: &str = "npm-peer-deps-hoisted";

    /// Written by npm: `ajv@8` and `ajv-keywords@5` (peer `ajv@^8.8.2`) direct at the root,
    /// `schema-utils@3` with its own `ajv@6` and `ajv-keywords@3` nested under it.
    const NESTED: &str = "npm-peer-deps-nested";

    /// The hoisted `ajv-keywords` now wants `ajv@^8`, but only `ajv@6` is at the root.
    const HOISTED_PEER_WRONG: (&str, &str, &str) = (
        "package-lock.json",
        r#""ajv": "^6.9.1""#,
        r#""ajv": "^8.0.0""#,
    );

    /// `ws`'s optional peer `utf-8-validate` now wants `^6`, but `5.0.10` (the root's) is locked.
    const OPTIONAL_PEER_WRONG: (&str, &str, &str) = (
        "package-lock.json",
        r#""utf-8-validate": ">=5.0.2""#,
        r#""utf-8-validate": "^6.0.0""#,
    );

    /// The root project itself depends on the `ajv@6` the peer conflicts with.
    fn root_pins_ajv6() -> [(&'static str, &'static str, &'static str); 3] {
        [
            HOISTED_PEER_WRONG,
            (
                "package.json",
                r#""schema-utils": "^3.3.0","#,
                r#""ajv": "^6.12.6",
    "schema-utils": "^3.3.0","#,
            ),
            (
                "package-lock.json",
                r#""schema-utils": "^3.3.0","#,
                r#""ajv": "^6.12.6",
        "schema-utils": "^3.3.0","#,
            ),
        ]
    }

    /// The direct `ajv-keywords@5` peers on `ajv@^6.9.1` while the root requires `ajv@^8.12.0`,
    /// as `npm install --legacy-peer-deps` leaves it.
    const DIRECT_PEER_CONFLICT: (&str, &str, &str) = (
        "package-lock.json",
        r#""ajv": "^8.8.2""#,
        r#""ajv": "^6.9.1""#,
    );

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
                case(
                    "a hoisted peer at a wrong version that npm replaces at the root (Invalid)",
                    derived(HOISTED, &[HOISTED_PEER_WRONG]),
                ),
                case(
                    "a hoisted peer whose range may or may not accept the pinned copy: replaced either way",
                    derived(
                        HOISTED,
                        &[(
                            "package-lock.json",
                            r#""ajv": "^6.9.1""#,
                            r#""ajv": "^6.20.0 || ^8.0.0""#,
                        )],
                    ),
                ),
                case(
                    "a nested dependent's peer at a wrong version: npm nests a copy beside it (Missing)",
                    derived(
                        NESTED,
                        &[
                            (
                                "package-lock.json",
                                "\"@types/json-schema\": \"^7.0.8\",\n        \"ajv\": \"^6.12.5\",\n",
                                "\"@types/json-schema\": \"^7.0.8\",\n",
                            ),
                            (
                                "package-lock.json",
                                "\"node_modules/schema-utils/node_modules/ajv\": {",
                                "\"node_modules/schema-utils/node_modules/unused-ajv\": {",
                            ),
                        ],
                    ),
                ),
                case(
                    "a direct dependency's peer conflicting with the root's own range (ERESOLVE)",
                    derived(NESTED, &[DIRECT_PEER_CONFLICT]),
                ),
                case(
                    "a transitive peer conflict made fatal by the root depending on the dependent too",
                    derived(
                        HOISTED,
                        &[
                            root_pins_ajv6()[0],
                            root_pins_ajv6()[1],
                            root_pins_ajv6()[2],
                            (
                                "package.json",
                                r#""ajv": "^6.12.6","#,
                                r#""ajv": "^6.12.6",
    "ajv-keywords": "^3.5.2","#,
                            ),
                            (
                                "package-lock.json",
                                r#""ajv": "^6.12.6","#,
                                r#""ajv": "^6.12.6",
        "ajv-keywords": "^3.5.2","#,
                            ),
                        ],
                    ),
                ),
                case(
                    "a direct dependency's peer that may take the root's copy or not: fails either way",
                    derived(
                        NESTED,
                        &[(
                            "package-lock.json",
                            r#""ajv": "^8.8.2""#,
                            r#""ajv": "^8.30.0 || ^6.9.1""#,
                        )],
                    ),
                ),
                case(
                    "an optional peer at a wrong version under packageManager npm@10 (ERESOLVE)",
                    derived(
                        HOISTED,
                        &[
                            OPTIONAL_PEER_WRONG,
                            (
                                "package.json",
                                r#""private": true,"#,
                                r#""private": true,
  "packageManager": "npm@10.9.9","#,
                            ),
                        ],
                    ),
                ),
                case(
                    "a transitive peer conflict with strict-peer-deps=true (ERESOLVE)",
                    derived(HOISTED, &root_pins_ajv6()).file(".npmrc", "strict-peer-deps=true\n"),
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
                    "peers that resolve within their ranges (optional peer bufferutil absent)",
                    Repo::fixture(HOISTED),
                ),
                case(
                    "a transitive peer conflict deep in the tree: npm warns and overrides it",
                    derived(HOISTED, &root_pins_ajv6()),
                ),
                case(
                    "a transitive peer that may or may not fit the root's pinned copy",
                    derived(
                        HOISTED,
                        &[
                            (
                                "package-lock.json",
                                r#""ajv": "^6.9.1""#,
                                r#""ajv": "^8.0.0 || ^6.30.0""#,
                            ),
                            root_pins_ajv6()[1],
                            root_pins_ajv6()[2],
                        ],
                    ),
                ),
                case(
                    "a nested peer conflicting with its dependent's own range: npm warns",
                    derived(
                        NESTED,
                        &[(
                            "package-lock.json",
                            r#""ajv": "^6.9.1""#,
                            r#""ajv": "^8.0.0""#,
                        )],
                    ),
                ),
                case(
                    "an optional peer at a wrong version: npm 11's ci keeps it",
                    derived(HOISTED, &[OPTIONAL_PEER_WRONG]),
                ),
                case(
                    "a peer at a wrong version with legacy-peer-deps=true",
                    derived(HOISTED, &[HOISTED_PEER_WRONG])
                        .file(".npmrc", "legacy-peer-deps=true\n"),
                ),
                case(
                    "a direct dependency's peer conflict with force=true: npm warns",
                    derived(NESTED, &[DIRECT_PEER_CONFLICT]).file(".npmrc", "force=true\n"),
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
