use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::model::{SourceClass, Target};
use crate::parse::package_json::DepKind;
use crate::rules::deps::common::{
    group_sites, is_bundled, is_shipped, more_sites, prod_only_install, provided_by_runtime,
    uses_nx,
};
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags runtime code that imports a package its workspace declares only in
    /// `devDependencies`. It is an error when the service's Dockerfile installs production
    /// dependencies only (`npm ci --omit=dev`, `--production`, `pnpm install --prod`,
    /// `pnpm deploy --prod`, `yarn workspaces focus --production`, `npm prune --omit=dev`).
    /// Packages whose build bundles their dependencies (Vite, webpack, Next.js, esbuild, tsup,
    /// …) are not checked: the bundle carries the code.
    ///
    /// ## Why is this bad?
    /// Production installs leave devDependencies out, so the import that worked in development
    /// throws `Cannot find module` in the container.
    ///
    /// ## Example
    /// ```json
    /// { "devDependencies": { "class-transformer": "^0.5.1" } }
    /// ```
    /// while `src/dto/user.dto.ts` imports `class-transformer`.
    ///
    /// ## Use instead
    /// Move it to `dependencies`.
    pub struct DevOnlyAtRuntime {
        id: "deps/dev-only-at-runtime",
        category: Dependencies,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "runtime code imports a package declared only in devDependencies",
    }
}

impl Rule for DevOnlyAtRuntime {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let groups = group_sites(model, |source, import| {
            let name = match &import.target {
                Target::Package(name) => name.clone(),
                Target::Workspace(i) => model.packages[*i].manifest.name.as_ref()?.value.clone(),
                _ => return None,
            };
            let package = &model.packages[source.package?];
            // In an Nx integrated repository the root manifest serves every project, and Nx's
            // executors generate each deployable's package.json from the imports.
            if package.dir.is_empty() && uses_nx(model, package) {
                return None;
            }
            if !import.runtime
                || source.class != SourceClass::Runtime
                || !is_shipped(package, &source.path)
                || is_bundled(package)
                || provided_by_runtime(&name)
            {
                return None;
            }
            let kinds: Vec<DepKind> = package.declared(&name).map(|d| d.kind).collect();
            (!kinds.is_empty() && kinds.iter().all(|k| *k == DepKind::Dev)).then_some(name)
        });
        for ((index, name), sites) in groups {
            let package = &model.packages[index];
            let Some((source, import)) = sites.first() else {
                continue;
            };
            let Some(dep) = package.declared(&name).next() else {
                continue;
            };
            let mut builder = FindingBuilder::new(
                &Self::META,
                &source.path,
                import.import.span,
                format!("{}:{name}", package.dir),
                format!(
                    "`{name}` is imported by runtime code but declared only in devDependencies of {}{}",
                    package.manifest.path,
                    more_sites(&sites)
                ),
            )
            .help(format!("move \"{name}\": \"{}\" from devDependencies to dependencies in {}", dep.spec, package.manifest.path))
            .related(&package.manifest.path, dep.span.line, format!("`{name}` is a devDependency here"))
            .package(package);
            if let Some((dockerfile, line)) = prod_only_install(model, package) {
                builder = builder.severity(Severity::Error).related(
                    &dockerfile,
                    line,
                    "this install leaves devDependencies out",
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
