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
    use super::is_registry_range;
    use crate::rules::testing::Vectors;

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![],
            quiet: vec![],
        }
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
