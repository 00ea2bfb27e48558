use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::{SourceClass, Target};
use crate::paths;
use crate::rules::deps::common::{
    declaration, group_sites, is_bundled, more_sites, uses_nx, workspace_spec,
};
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags runtime code that imports a sibling workspace package — by its name, or through a
    /// tsconfig `paths` alias that lands in another workspace — without declaring it
    /// (`"@acme/shared": "workspace:*"` or a version). Not checked for packages whose build
    /// bundles their imports, nor in Nx workspaces, where Nx derives the build graph from
    /// the imports themselves.
    ///
    /// ## Why is this bad?
    /// Build orchestrators (`turbo`, `nx`, `pnpm --filter "app..."`) order builds by declared
    /// dependencies, and isolated installs (`pnpm deploy`, Docker stages) copy only declared
    /// workspaces: the shared package is not built, or not there, when the service needs it.
    ///
    /// ## Example
    /// ```ts
    /// // apps/finance/src/ledger.ts
    /// import { Money } from '@acme/shared'; // apps/finance/package.json does not declare it
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "dependencies": { "@acme/shared": "workspace:*" } }
    /// ```
    pub struct UndeclaredWorkspace {
        id: "deps/undeclared-workspace",
        category: Dependencies,
        severity: Error,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "a sibling workspace package is imported without being declared",
    }
}

impl Rule for UndeclaredWorkspace {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let groups = group_sites(model, |source, import| {
            let Target::Workspace(target) = import.target else {
                return None;
            };
            let importer = source.package?;
            let name = model.packages[target].manifest.name.as_ref()?;
            let package = &model.packages[importer];
            let related = target != importer
                && package.workspace.is_some()
                && package.workspace == model.packages[target].workspace;
            if !import.runtime
                || source.class != SourceClass::Runtime
                || !related
                || declaration(package, &name.value).is_some()
            {
                return None;
            }
            // Bundlers resolve the import themselves, and Nx orders builds by the imports it
            // sees in the source, so neither needs the declaration to build in order.
            if is_bundled(package) || uses_nx(model, package) {
                return None;
            }
            Some(name.value.clone())
        });
        for ((index, name), sites) in groups {
            let package = &model.packages[index];
            let Some((source, import)) = sites.first() else {
                continue;
            };
            let Some(target) = model.package_named(&name) else {
                continue;
            };
            let via = if import.import.specifier.starts_with(&name) {
                String::new()
            } else {
                format!(" (through the path alias `{}`)", import.import.specifier)
            };
            out.push(
                FindingBuilder::new(
                    &Self::META,
                    &source.path,
                    import.import.span,
                    format!("{}:{name}", package.dir),
                    format!(
                        "workspace package `{name}` ({}) is imported{via} but not declared in {}{}",
                        paths::display_dir(&target.dir),
                        package.manifest.path,
                        more_sites(&sites)
                    ),
                )
                .help(format!(
                    "add \"{name}\": \"{}\" to {} dependencies",
                    workspace_spec(model, package, target),
                    package.manifest.path
                ))
                .package(package)
                .build(),
            );
        }
    }
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
