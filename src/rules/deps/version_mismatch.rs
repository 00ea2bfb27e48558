use std::collections::BTreeMap;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Package;
use crate::parse::package_json::{DepKind, Dependency};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an external package that workspaces installed from the same root declare with
    /// different version ranges: each declaration that differs from the range most workspaces
    /// use is reported, with the others as related locations.
    ///
    /// ## Why is this bad?
    /// Two ranges of one package install two copies, or one copy that satisfies only one of
    /// them after the next lockfile refresh. Singletons (`@nestjs/core`, `react`, `typeorm`)
    /// then break `instanceof` checks and dependency injection in ways that only show up at
    /// run time, and an upgrade lands in one service but not its neighbours.
    ///
    /// ## Example
    /// ```json
    /// // apps/api/package.json
    /// { "dependencies": { "zod": "^3.22.0" } }
    /// // apps/worker/package.json
    /// { "dependencies": { "zod": "^3.23.8" } }
    /// ```
    ///
    /// ## Use instead
    /// Declare one range everywhere (a pnpm `catalog:` or a tool such as syncpack keeps them in
    /// step). Peer dependency ranges and non-registry specifiers (`workspace:`, `file:`,
    /// `catalog:`, git URLs, `*`) are not compared.
    pub struct VersionMismatch {
        id: "deps/version-mismatch",
        category: Dependencies,
        severity: Info,
        scope: Repository,
        inputs: [FileKind::PackageJson],
        summary: "the same external package is declared with different ranges across workspaces",
    }
}

/// Declarations of one package name, grouped by the specifier they use.
type BySpec<'a> = BTreeMap<&'a str, Vec<(&'a Package, &'a Dependency)>>;

/// A specifier that names a version range on the registry, so two of them can be compared.
fn is_registry_range(spec: &str) -> bool {
    const NOT_RANGES: &[&str] = &[
        "workspace:",
        "file:",
        "link:",
        "portal:",
        "catalog:",
        "npm:",
        "patch:",
        "git",
        "github:",
        "http:",
        "https:",
        "exec:",
    ];
    let spec = spec.trim();
    !(spec.is_empty()
        || spec == "*"
        || spec == "latest"
        || spec == "x"
        || spec.contains('/')
        || NOT_RANGES.iter().any(|p| spec.starts_with(p)))
}

impl Rule for VersionMismatch {
    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        subject == Subject::Repository && cx.model.workspaces.iter().any(|w| w.members.len() > 1)
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        for workspace in model.workspaces.iter().filter(|w| w.members.len() > 1) {
            let members: Vec<&Package> = workspace
                .members
                .iter()
                .map(|&i| &model.packages[i])
                .collect();
            // name → spec → declarations (package, dependency)
            let mut by_name: BTreeMap<&str, BySpec<'_>> = BTreeMap::new();
            for package in &members {
                let mut seen_in_package = std::collections::BTreeSet::new();
                for dep in &package.manifest.dependencies {
                    let internal = members.iter().any(|m| {
                        m.manifest
                            .name
                            .as_ref()
                            .is_some_and(|n| n.value == dep.name)
                    });
                    if dep.kind == DepKind::Peer || internal || !is_registry_range(&dep.spec) {
                        continue;
                    }
                    if !seen_in_package.insert(dep.name.as_str()) {
                        continue;
                    }
                    by_name
                        .entry(&dep.name)
                        .or_default()
                        .entry(&dep.spec)
                        .or_default()
                        .push((package, dep));
                }
            }
            for (name, specs) in by_name {
                if specs.len() < 2 {
                    continue;
                }
                // The range most workspaces use; ties go to the later string (usually newer).
                let Some((prevailing, users)) = specs
                    .iter()
                    .max_by(|a, b| a.1.len().cmp(&b.1.len()).then(a.0.cmp(b.0)))
                else {
                    continue;
                };
                for (spec, declarations) in &specs {
                    if spec == prevailing {
                        continue;
                    }
                    for (package, dep) in declarations {
                        let others = users.len();
                        let plural = if others == 1 { "" } else { "s" };
                        let mut builder = FindingBuilder::new(
                            &Self::META,
                            &package.manifest.path,
                            dep.span,
                            format!("{}:{}", package.dir, name),
                            format!(
                                "`{name}` is declared as `{spec}` here but as `{prevailing}` in {others} other workspace{plural}"
                            ),
                        )
                        .help(format!(
                            "use one range across the workspace: set \"{name}\": \"{prevailing}\" in {} {}",
                            package.manifest.path,
                            dep.kind.field()
                        ))
                        .package(package);
                        for (other, other_dep) in users.iter().take(5) {
                            builder = builder.related(
                                &other.manifest.path,
                                other_dep.span.line,
                                format!("`{name}` declared as `{prevailing}`"),
                            );
                        }
                        out.push(builder.build());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{VersionMismatch, is_registry_range};
    use crate::rules::testing::{Repo, Vectors, case, places};

    /// An npm workspace of `api`, `worker` and `shared`, each declaring `deps` (the body of
    /// its `dependencies`) in the order given.
    fn workspace(api: &str, worker: &str, shared: &str) -> Repo {
        let manifest = |name: &str, deps: &str| {
            format!(
                "{{\n  \"name\": \"@acme/{name}\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {{\n    {deps}\n  }}\n}}\n"
            )
        };
        Repo::new()
            .file(
                "package.json",
                r#"{ "name": "acme", "private": true, "workspaces": ["apps/*", "packages/*"] }"#,
            )
            .file("apps/api/package.json", &manifest("api", api))
            .file("apps/worker/package.json", &manifest("worker", worker))
            .file("packages/shared/package.json", &manifest("shared", shared))
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "one workspace behind the other two",
                    workspace(
                        r#""zod": "^3.22.0""#,
                        r#""zod": "^3.23.8""#,
                        r#""zod": "^3.23.8""#,
                    ),
                ),
                case(
                    "a devDependency range differs from the root's",
                    workspace(r#""zod": "^3.23.8""#, r#""zod": "^3.23.8""#, r#""zod": "^3.23.8""#)
                        .file(
                            "package.json",
                            r#"{ "name": "acme", "private": true, "workspaces": ["apps/*", "packages/*"],
                                 "devDependencies": { "typescript": "^5.4.5" } }"#,
                        )
                        .file(
                            "apps/worker/package.json",
                            r#"{
  "name": "@acme/worker",
  "dependencies": { "zod": "^3.23.8" },
  "devDependencies": {
    "typescript": "^5.2.0"
  }
}"#,
                        ),
                ),
                case(
                    "two workspaces, two ranges: the tie goes to the later range",
                    workspace(
                        r#""ioredis": "^5.3.2""#,
                        r#""ioredis": "^5.4.1""#,
                        r#""lodash": "^4.17.21""#,
                    ),
                ),
                case(
                    "npm-workspaces-version-mismatch: zod and typescript",
                    Repo::fixture("npm-workspaces-version-mismatch"),
                ),
            ],
            quiet: vec![
                case(
                    "one range everywhere",
                    workspace(
                        r#""zod": "^3.23.8", "lodash": "^4.17.21""#,
                        r#""zod": "^3.23.8""#,
                        r#""lodash": "^4.17.21""#,
                    ),
                ),
                case(
                    "peer ranges are not compared",
                    workspace(r#""react": "^18.2.0""#, r#""react": "^18.2.0""#, "")
                        .file(
                            "packages/shared/package.json",
                            r#"{ "name": "@acme/shared", "peerDependencies": { "react": "^17.0.0 || ^18.0.0" } }"#,
                        ),
                ),
                case(
                    "workspace packages are not external",
                    workspace(r#""@acme/shared": "^1.0.0""#, r#""@acme/shared": "1.0.0""#, ""),
                ),
                case(
                    "non-registry specifiers are not ranges",
                    workspace(
                        r#""left-pad": "github:stevemao/left-pad", "zod": "catalog:", "tool": "file:../../vendor/tool-1.0.0.tgz""#,
                        r#""left-pad": "*", "zod": "^3.23.8", "tool": "latest""#,
                        r#""left-pad": "^1.3.0", "zod": "npm:zod@^3.22.0""#,
                    )
                    .file("vendor/tool-1.0.0.tgz", "committed\n"),
                ),
                case(
                    "separately installed roots (pnpm-nested-roots)",
                    Repo::fixture("pnpm-nested-roots"),
                ),
                case(
                    "one install root with one package",
                    Repo::fixture("single-package-express"),
                ),
                case(
                    "the prom-client incident declares each package once",
                    Repo::fixture("pnpm-undeclared-prom-client"),
                ),
                case(
                    "Nx integrated repository declaring everything at the root",
                    Repo::fixture("nx-integrated-root-deps"),
                ),
            ],
        }
    }

    #[test]
    fn flags_the_minority_range_only() {
        let found =
            places(&Repo::fixture("npm-workspaces-version-mismatch").check(&VersionMismatch));
        let messages: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
        // zod: ^3.22.0 in api against ^3.23.8 in worker and shared. typescript: ^5.2.0 in worker
        // against ^5.4.5 in the root and api.
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`zod` is declared as `^3.22.0`")),
            "{messages:#?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`typescript` is declared as `^5.2.0`")),
            "{messages:#?}"
        );
        // Not flagged: peer ranges (react), `*` and git specifiers (left-pad), same ranges
        // (lodash), and workspace packages (@acme/shared at `*` and `1.0.0`).
        for quiet in ["react", "left-pad", "lodash", "@acme/shared"] {
            assert!(
                !messages.iter().any(|m| m.contains(&format!("`{quiet}`"))),
                "{quiet} flagged: {messages:#?}"
            );
        }
    }

    #[test]
    fn does_not_fire_across_separate_install_roots() {
        // express differs between the pnpm workspace, the standalone billing service and the
        // excluded legacy app, but they are installed separately.
        assert!(
            Repo::fixture("pnpm-nested-roots")
                .check(&VersionMismatch)
                .is_empty()
        );
    }

    #[test]
    fn only_registry_ranges_are_compared() {
        for spec in ["^1.2.3", "~1", "1.x", ">=2 <3", "1.2.3 || 2", "next"] {
            assert!(is_registry_range(spec), "{spec}");
        }
        for spec in [
            "workspace:*",
            "file:../a",
            "catalog:",
            "npm:b@1",
            "github:a/b",
            "a/b",
            "*",
            "",
            "latest",
        ] {
            assert!(!is_registry_range(spec), "{spec}");
        }
    }
}
