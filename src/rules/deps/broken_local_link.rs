use crate::discover::FileKind;
use crate::finding::Finding;
use crate::paths;
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `file:`, `link:` or `portal:` dependency whose target does not exist in the
    /// repository, or lies outside it.
    ///
    /// ## Why is this bad?
    /// The install that needs the target cannot see it: a fresh clone, a CI runner or a Docker
    /// build context only holds the repository. The install fails, or (with `link:`) a dangling
    /// symlink surfaces later as "Cannot find module".
    ///
    /// ## Example
    /// ```json
    /// { "dependencies": { "@acme/shared": "file:../../shared" } }
    /// ```
    /// where `../../shared` is not in the repository.
    ///
    /// ## Use instead
    /// Point the specifier at the package's real folder, or use `workspace:*` and list the
    /// package in the workspace globs. A gitignored target (build output such as
    /// `file:../../dist/packages/utils`) is accepted: the build creates it before installing.
    pub struct BrokenLocalLink {
        id: "deps/broken-local-link",
        category: Dependencies,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::PackageJson],
        summary: "a link:/file:/portal: dependency points at nothing in the repository",
    }
}

impl Rule for BrokenLocalLink {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for package in &cx.model.packages {
            for link in package
                .local_links
                .iter()
                .filter(|l| !l.exists && !l.build_output)
            {
                let Some(dep) = package.manifest.dependencies.get(link.dependency) else {
                    continue;
                };
                let (what, help) = match &link.resolved {
                    Some(target) if is_tarball(target) => (
                        format!("`{target}`, which does not exist in the repository"),
                        format!(
                            "commit the tarball at `{target}` or fix the path in {}",
                            package.manifest.path
                        ),
                    ),
                    Some(target) => (
                        format!(
                            "`{}`, which does not exist in the repository",
                            paths::display_dir(target)
                        ),
                        format!(
                            "fix the path in {} or add the package at `{}`; with workspaces, declare it as \"{}\": \"workspace:*\"",
                            package.manifest.path,
                            paths::display_dir(target),
                            dep.name
                        ),
                    ),
                    None => (
                        "a path outside the repository".to_string(),
                        format!(
                            "builds only see the repository: move `{}` into it, or depend on a published version",
                            link.target
                        ),
                    ),
                };
                out.push(
                    FindingBuilder::new(
                        &Self::META,
                        &package.manifest.path,
                        dep.span,
                        format!("{}:{}", package.dir, dep.name),
                        format!(
                            "`{}` points at `{}{}`: {what}",
                            dep.name, link.protocol, link.target
                        ),
                    )
                    .help(help)
                    .package(package)
                    .build(),
                );
            }
        }
    }
}

fn is_tarball(path: &str) -> bool {
    [".tgz", ".tar.gz", ".tar"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::BrokenLocalLink;
    use crate::rules::testing::{Repo, Vectors, case, places};

    /// A yarn workspace whose `apps/web` declares `deps` (the body of its `dependencies`).
    fn web(deps: &str) -> Repo {
        Repo::new()
            .file(
                "package.json",
                r#"{ "name": "links", "private": true, "workspaces": ["apps/*", "packages/*"] }"#,
            )
            .file(
                "apps/web/package.json",
                &format!(
                    "{{\n  \"name\": \"web\",\n  \"scripts\": {{ \"start\": \"node server.js\" }},\n  \"dependencies\": {{\n    {deps}\n  }}\n}}\n"
                ),
            )
            .file("apps/web/server.js", "module.exports = {};\n")
    }

    /// `packages/ui`, a workspace package the links can point at.
    fn with_ui(repo: Repo) -> Repo {
        repo.file(
            "packages/ui/package.json",
            r#"{ "name": "ui", "version": "0.0.1", "main": "index.js" }"#,
        )
        .file("packages/ui/index.js", "module.exports = {};\n")
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a link: to a folder the repository does not have",
                    web(r#""theme": "link:../../packages/theme""#),
                ),
                case(
                    "a portal: that climbs out of the repository",
                    web(r#""vendored": "portal:../../../outside-the-repo/vendored""#),
                ),
                case(
                    "a file: tarball that was never committed",
                    web(r#""tool": "file:../../vendor/tool-1.0.0.tgz""#),
                ),
                case(
                    "a file:// URL to an absolute path",
                    web(r#""shared": "file:///opt/packages/shared""#),
                ),
                case(
                    "a devDependency link is as broken",
                    web(r#""ui": "workspace:*""#).file(
                        "apps/web/package.json",
                        r#"{
  "name": "web",
  "devDependencies": {
    "@acme/eslint-config": "file:../../tools/eslint-config"
  }
}"#,
                    ),
                ),
                case(
                    "yarn-local-links: missing, escaping and uncommitted targets",
                    Repo::fixture("yarn-local-links"),
                ),
            ],
            quiet: vec![
                case(
                    "a file: link to a workspace folder that exists",
                    with_ui(web(r#""ui": "file:../../packages/ui""#)),
                ),
                case(
                    "link: and portal: to folders that exist",
                    with_ui(web(
                        r#""ui": "link:../../packages/ui", "ui-portal": "portal:../../packages/ui""#,
                    )),
                ),
                case(
                    "a gitignored build-output target",
                    web(r#""icons": "file:../../dist/packages/icons""#)
                        .file(".gitignore", "node_modules\ndist\n"),
                ),
                case(
                    "a committed tarball",
                    web(r#""tool": "file:../../vendor/tool-1.0.0.tgz""#)
                        .file("vendor/tool-1.0.0.tgz", "not really gzip, but committed\n"),
                ),
                case(
                    "workspace:, registry, git and npm: specifiers are not local links",
                    with_ui(web(
                        r#""ui": "workspace:*", "lodash": "^4.17.21", "left-pad": "github:stevemao/left-pad", "utils": "npm:lodash@^4.17.21""#,
                    )),
                ),
                case(
                    "the prom-client incident has no local links",
                    Repo::fixture("pnpm-undeclared-prom-client"),
                ),
                case(
                    "a single-package repository",
                    Repo::fixture("single-package-express"),
                ),
                case(
                    "Nx integrated repository declaring everything at the root",
                    Repo::fixture("nx-integrated-root-deps"),
                ),
            ],
        }
    }

    #[test]
    fn flags_missing_and_escaping_targets() {
        let found = places(&Repo::fixture("yarn-local-links").check(&BrokenLocalLink));
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found
                .iter()
                .any(|(_, m)| m.contains("`theme` points at `link:../../packages/theme`")),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|(_, m)| m.contains("`vendored`") && m.contains("outside the repository")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(|(_, m)| m.contains("`tarball`")),
            "{found:#?}"
        );
        // Not flagged: an existing workspace folder (ui) and gitignored build output (icons).
        assert!(
            !found
                .iter()
                .any(|(_, m)| m.contains("`ui`") || m.contains("`icons`")),
            "{found:#?}"
        );
    }
}
