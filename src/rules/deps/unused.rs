use std::collections::BTreeSet;

use crate::data::{self, config_referenced::CONFIG_REFERENCED};
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Target;
use crate::model::{Model, Package};
use crate::parse::package_json::DepKind;
use crate::paths;
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a declared dependency (`dependencies`, `devDependencies`,
    /// `optionalDependencies`) of a workspace package that nothing uses: no source file of the
    /// package imports it (type imports count), no script of the package or the root names it
    /// or its binary, no Dockerfile of its services mentions it. `@types/x` counts as used
    /// when `x` is, or when the tsconfig does not restrict `types` (TypeScript then loads every
    /// `@types` package). Tooling that is referenced from configuration rather than imported
    /// (linters and their plugins, test runners, bundler plugins, compilers) is never flagged,
    /// and neither are workspace roots, whose dependencies serve every member.
    ///
    /// ## Why is this bad?
    /// Every unused dependency is install time, image size and attack surface, and it hides
    /// which packages a service really needs.
    ///
    /// ## Example
    /// ```json
    /// { "dependencies": { "moment": "^2.30.1" } }
    /// ```
    /// in a package whose code no longer imports `moment`.
    ///
    /// ## Use instead
    /// Remove it (`pnpm remove moment`, `npm uninstall moment -w <workspace>`).
    pub struct Unused {
        id: "deps/unused",
        category: Dependencies,
        severity: Info,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "a declared dependency is used by no source file, script, config or Dockerfile",
    }
}

fn config_referenced(name: &str) -> bool {
    data::names(CONFIG_REFERENCED).any(|p| {
        if p.ends_with('/') || p.ends_with('-') {
            name.starts_with(p)
        } else {
            name == p || name.starts_with(&format!("{p}-"))
        }
    }) || name.contains("plugin")
        || name.contains("preset")
        || name.contains("config")
        || name.ends_with("-loader")
}

impl Rule for Unused {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let imported = imported_by_package(model);
        let root_scripts: Vec<&str> = model
            .workspaces
            .iter()
            .filter_map(|w| w.package)
            .flat_map(|i| {
                model.packages[i]
                    .manifest
                    .scripts
                    .iter()
                    .map(|s| s.command.as_str())
            })
            .collect();
        for (index, package) in model.packages.iter().enumerate() {
            let is_root = model
                .workspaces
                .iter()
                .any(|w| w.package == Some(index) && w.members.len() > 1);
            // Without any source file the package's code is not in the repository to judge.
            let Some(used) = imported.get(index).filter(|u| !u.is_empty()) else {
                continue;
            };
            if is_root {
                continue;
            }
            let restricted_types = model
                .tsconfig_for(&format!("{}/index.ts", package.dir))
                .and_then(|t| t.types.clone());
            for dep in package
                .manifest
                .dependencies
                .iter()
                .filter(|d| d.kind != DepKind::Peer)
            {
                let name = dep.name.as_str();
                if used.contains(name) || config_referenced(name) && !name.starts_with("@types/") {
                    continue;
                }
                if let Some(base) = name.strip_prefix("@types/") {
                    let base_name = types_package_base(base);
                    let listed = restricted_types
                        .as_ref()
                        .is_none_or(|t| t.iter().any(|x| x == base));
                    if listed || used.contains(&base_name) {
                        continue;
                    }
                }
                if mentioned(model, package, name, &root_scripts) {
                    continue;
                }
                out.push(
                    FindingBuilder::new(
                        &Self::META,
                        &package.manifest.path,
                        dep.span,
                        format!("{}:{name}", package.dir),
                        format!(
                            "`{name}` is declared in {} but nothing in {} uses it",
                            dep.kind.field(),
                            paths::display_dir(&package.dir)
                        ),
                    )
                    .help(format!(
                        "remove \"{name}\" from {} {}",
                        package.manifest.path,
                        dep.kind.field()
                    ))
                    .package(package)
                    .build(),
                );
            }
        }
    }
}

/// `@types/babel__core` types `@babel/core`.
fn types_package_base(base: &str) -> String {
    match base.split_once("__") {
        Some((scope, name)) => format!("@{scope}/{name}"),
        None => base.to_string(),
    }
}

/// Package names each package's own source files reference, type-only imports included.
fn imported_by_package(model: &Model) -> Vec<BTreeSet<String>> {
    let mut used = vec![BTreeSet::new(); model.packages.len()];
    for source in &model.sources {
        let Some(index) = source.package else {
            continue;
        };
        for import in &source.imports {
            let name = match &import.target {
                Target::Package(name) => name.clone(),
                Target::Workspace(i) => match &model.packages[*i].manifest.name {
                    Some(n) => n.value.clone(),
                    None => continue,
                },
                _ => crate::parse::tsconfig::split_package_specifier(&import.import.specifier)
                    .0
                    .to_string(),
            };
            used[index].insert(name);
        }
    }
    used
}

/// Named in a script (as the package or its likely binary), or in a Dockerfile of the package.
fn mentioned(model: &Model, package: &Package, name: &str, root_scripts: &[&str]) -> bool {
    let short = name.rsplit('/').next().unwrap_or(name);
    let in_text = |text: &str| {
        text.contains(name)
            || text
                .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
                .any(|w| w == short)
    };
    if package.manifest.scripts.iter().any(|s| in_text(&s.command))
        || root_scripts.iter().any(|s| in_text(s))
    {
        return true;
    }
    model
        .dockerfiles
        .iter()
        .filter(|d| paths::is_within(&d.path, &package.dir))
        .any(|d| d.instructions.iter().any(|i| in_text(&i.args)))
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
