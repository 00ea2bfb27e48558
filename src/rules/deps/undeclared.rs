use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::model::SourceClass;
use crate::parse::package_json::DepKind;
use crate::rules::deps::common::{
    add_dependency_help, ancestor_declaring, class_label, declaration, group_sites, more_sites,
    package_target,
};
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a package that source code imports (`import`, `require`, `import()`, `export … from`)
    /// while neither the importing workspace's package.json nor any package.json above it
    /// declares it in `dependencies`, `devDependencies`, `optionalDependencies` or
    /// `peerDependencies`. Imports that only the type checker sees are ignored; in tests, scripts
    /// and dev-tool configs the finding is a warning.
    ///
    /// ## Why is this bad?
    /// The import works on a developer machine because some other package pulled the dependency
    /// into `node_modules`, and fails the moment the install changes: a container built from
    /// the service's own manifest crash-loops with `Cannot find module 'prom-client'`.
    ///
    /// ## Example
    /// ```ts
    /// // services/auth/src/modules/metrics/metrics.service.ts
    /// import { Registry } from 'prom-client'; // services/auth/package.json does not declare it
    /// ```
    ///
    /// ## Use instead
    /// Declare it where it is imported:
    /// ```json
    /// { "dependencies": { "prom-client": "^15.1.0" } }
    /// ```
    pub struct Undeclared {
        id: "deps/undeclared",
        category: Dependencies,
        severity: Error,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "an imported package is declared in no package.json that Node could find it through",
    }
}

impl Rule for Undeclared {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let groups = group_sites(model, |source, import| {
            let name = package_target(import)?;
            let package = &model.packages[source.package?];
            if !import.runtime
                || declaration(package, name).is_some()
                || ancestor_declaring(model, package, name).is_some()
            {
                return None;
            }
            Some(name.to_string())
        });
        for ((index, name), sites) in groups {
            let package = &model.packages[index];
            let runtime: Vec<_> = sites
                .iter()
                .copied()
                .filter(|(s, _)| s.class == SourceClass::Runtime)
                .collect();
            let (severity, chosen, field) = if runtime.is_empty() {
                (Severity::Warning, sites.clone(), DepKind::Dev)
            } else {
                (Severity::Error, runtime, DepKind::Prod)
            };
            let Some((source, import)) = chosen.first() else {
                continue;
            };
            let where_ = if severity == Severity::Warning {
                format!(" (imported from {})", class_label(source.class))
            } else {
                String::new()
            };
            let mut builder = FindingBuilder::new(
                &Self::META,
                &source.path,
                import.import.span,
                format!("{}:{name}", package.dir),
                format!(
                    "`{name}` is imported but not declared in {}{where_}{}",
                    package.manifest.path,
                    more_sites(&chosen)
                ),
            )
            .severity(severity)
            .help(add_dependency_help(model, package, &name, field))
            .package(package);
            for (other, other_import) in chosen.iter().skip(1).take(5) {
                builder = builder.related(
                    &other.path,
                    other_import.import.span.line,
                    format!("also imports `{name}`"),
                );
            }
            out.push(builder.build());
        }
    }
}
