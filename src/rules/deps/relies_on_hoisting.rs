use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::model::SourceClass;
use crate::parse::package_json::DepKind;
use crate::paths;
use crate::rules::deps::common::{
    ancestor_declaring, declaration, group_sites, is_bundled, is_shipped, isolated_install,
    more_sites, package_target, provided_by_runtime,
};
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a runtime import of a package that the importing workspace does not declare, but
    /// that the workspace root (or another package.json above it) does: the import resolves
    /// only because Node walks up to the root's `node_modules`. It is an error when the
    /// service's Dockerfile installs the workspace in isolation (`pnpm deploy`, `turbo prune`,
    /// `yarn workspaces focus`). Nx integrated repositories, where projects have no
    /// package.json and the root declares everything by design, are not affected.
    ///
    /// ## Why is this bad?
    /// Isolated installs (`pnpm deploy --prod`, `turbo prune`, `yarn workspaces focus
    /// --production`, a Docker stage that copies one workspace) install what the workspace
    /// declares and nothing from the root, and the service fails to start.
    ///
    /// ## Example
    /// ```json
    /// // package.json (root)
    /// { "dependencies": { "ioredis": "^5.4.1" } }
    /// // apps/api/src/cache.ts imports 'ioredis'; apps/api/package.json does not declare it
    /// ```
    ///
    /// ## Use instead
    /// Declare the dependency in the workspace that imports it (keep the root's range).
    pub struct ReliesOnHoisting {
        id: "deps/relies-on-hoisting",
        category: Dependencies,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "a runtime import is satisfied only by a dependency declared at the workspace root",
    }
}

impl Rule for ReliesOnHoisting {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let groups = group_sites(model, |source, import| {
            let name = package_target(import)?;
            let package = &model.packages[source.package?];
            if !import.runtime
                || source.class != SourceClass::Runtime
                || !is_shipped(package, &source.path)
                || declaration(package, name).is_some()
            {
                return None;
            }
            // A bundler resolves hoisted packages at build time inside the monorepo; only an
            // isolated install breaks it, and that is checked below.
            if provided_by_runtime(name)
                || (is_bundled(package) && isolated_install(model, package).is_none())
            {
                return None;
            }
            ancestor_declaring(model, package, name)?;
            Some(name.to_string())
        });
        for ((index, name), sites) in groups {
            let package = &model.packages[index];
            let Some((ancestor, dep)) = ancestor_declaring(model, package, &name) else {
                continue;
            };
            let Some((source, import)) = sites.first() else {
                continue;
            };
            let field = if dep.kind == DepKind::Dev {
                DepKind::Dev
            } else {
                DepKind::Prod
            };
            let mut builder = FindingBuilder::new(
                &Self::META,
                &source.path,
                import.import.span,
                format!("{}:{name}", package.dir),
                format!(
                    "`{name}` is imported by {} but declared only in {}{}",
                    paths::display_dir(&package.dir),
                    ancestor.manifest.path,
                    more_sites(&sites)
                ),
            )
            .help(format!(
                "add \"{name}\": \"{}\" to {} {}",
                dep.spec,
                package.manifest.path,
                field.field()
            ))
            .related(
                &ancestor.manifest.path,
                dep.span.line,
                format!("`{name}` is declared here"),
            )
            .package(package);
            if let Some((dockerfile, line)) = isolated_install(model, package) {
                builder = builder.severity(Severity::Error).related(
                    &dockerfile,
                    line,
                    "this install includes only what the workspace declares",
                );
            }
            out.push(builder.build());
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
