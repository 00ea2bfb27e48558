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
    use crate::rules::testing::Vectors;

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![],
            quiet: vec![],
        }
    }
}
