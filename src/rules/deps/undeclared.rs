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

#[cfg(test)]
mod tests {
    use super::Undeclared;
    use crate::rules::deps::common::incident;
    use crate::rules::testing::{Repo, Vectors, case, places};

    fn service(main: &str) -> Repo {
        Repo::new()
            .file(
                "package.json",
                r#"{ "name": "root", "private": true, "workspaces": ["services/*"] }"#,
            )
            .file(
                "services/auth/package.json",
                r#"{ "name": "auth", "scripts": { "start": "node dist/main.js" },
                     "dependencies": { "express": "^4.19.2" } }"#,
            )
            .file("services/auth/src/main.ts", main)
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "runtime import of an undeclared package",
                    service("import { Registry } from 'prom-client';\nexport const r = new Registry();\n"),
                ),
                case(
                    "require() and a subpath",
                    service("const fp = require('lodash/fp');\nmodule.exports = fp;\n"),
                ),
                case(
                    "undeclared in a test is a warning",
                    service("export {};\n").file(
                        "services/auth/src/metrics.spec.ts",
                        "import { Registry } from 'prom-client';\nnew Registry();\n",
                    ),
                ),
                case(
                    "the prom-client incident",
                    Repo::fixture("pnpm-undeclared-prom-client"),
                ),
                // sfc: emitDecoratorMetadata from the project a solution-style tsconfig.json references
                case(
                    "a constructor parameter type, with decorator metadata set in tsconfig.app.json",
                    service(
                        "import { Injectable } from '@nestjs/common';\nimport { Repository } from 'typeorm';\n@Injectable()\nexport class Users {\n  constructor(private readonly repo: Repository<unknown>) {}\n}\n",
                    )
                    .file(
                        "services/auth/package.json",
                        r#"{ "name": "auth", "scripts": { "start": "node dist/main.js" },
                             "dependencies": { "@nestjs/common": "^10.0.0" } }"#,
                    )
                    .file(
                        "services/auth/tsconfig.json",
                        r#"{ "files": [], "include": [], "references": [{ "path": "./tsconfig.app.json" }] }"#,
                    )
                    .file(
                        "services/auth/tsconfig.app.json",
                        r#"{ "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true }, "include": ["src/**/*.ts"] }"#,
                    ),
                ),
                // sfc: Vue, Svelte and Astro script blocks
                case(
                    "a Vue <script setup lang=\"ts\"> import the template uses",
                    service("export {};\n").file(
                        "services/auth/src/Star.vue",
                        "<template>\n  <GithubButton href=\"https://example.com\" />\n</template>\n\n<script setup lang=\"ts\">\nimport GithubButton from 'vue-github-button';\n</script>\n",
                    ),
                ),
                case(
                    "a Svelte component's module script",
                    service("export {};\n").file(
                        "services/auth/src/Chart.svelte",
                        "<script context=\"module\" lang=\"ts\">\n  import { Chart } from 'chart.js';\n  export const make = () => new Chart();\n</script>\n<canvas />\n",
                    ),
                ),
                case(
                    "an Astro page's frontmatter and its bundled client script",
                    service("export {};\n").file(
                        "services/auth/src/pages/index.astro",
                        "---\nimport { z } from 'zod';\nconst schema = z.string();\n---\n<h1>{schema.parse('hi')}</h1>\n<script>\n  import confetti from 'canvas-confetti';\n  confetti();\n</script>\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "declared, builtins, relative files",
                    service(
                        "import express from 'express';\nimport fs from 'node:fs';\nimport path from 'path';\nimport { x } from './x';\nexpress(); fs; path; x;\n",
                    )
                    .file("services/auth/src/x.ts", "export const x = 1;\n"),
                ),
                case(
                    "type-only imports are erased",
                    service("import type { Registry } from 'prom-client';\nexport type R = Registry;\n"),
                ),
                case(
                    "declared by the root package.json",
                    service("import { Registry } from 'prom-client';\nnew Registry();\n").file(
                        "package.json",
                        r#"{ "name": "root", "private": true, "workspaces": ["services/*"],
                             "dependencies": { "prom-client": "^15.1.0" } }"#,
                    ),
                ),
                case(
                    "a require() in try/catch is optional by design",
                    service("let ee;\ntry { ee = require('@novu/ee-auth'); } catch { ee = null; }\nexport { ee };\n"),
                ),
                case(
                    "a single-package repository",
                    Repo::fixture("single-package-express"),
                ),
                case(
                    "Nx integrated repository declaring everything at the root",
                    Repo::fixture("nx-integrated-root-deps"),
                ),
                // sfc: Vue, Svelte and Astro script blocks
                case(
                    "a Vue TypeScript import used only as a type, an Astro is:inline script",
                    service("export {};\n")
                        .file(
                            "services/auth/src/Form.vue",
                            "<template><form /></template>\n<script setup lang=\"ts\">\nimport { Schema } from 'yup';\nconst s: Schema | null = null;\n</script>\n",
                        )
                        .file(
                            "services/auth/src/pages/index.astro",
                            "---\nconst t = 1;\n---\n<script is:inline>import x from 'https-only-cdn';</script>\n",
                        ),
                ),
            ],
        }
    }

    #[test]
    fn the_incident_is_an_error_and_the_test_import_a_warning() {
        let found = Repo::fixture("pnpm-undeclared-prom-client").check(&Undeclared);
        let at: Vec<(String, &str)> = found
            .iter()
            .map(|f| {
                (
                    format!("{}:{}", f.location.path, f.location.line),
                    f.severity.as_str(),
                )
            })
            .collect();
        assert!(
            at.contains(&(
                "services/auth/src/modules/metrics/metrics.service.ts:2".to_string(),
                "error"
            )),
            "{at:?}"
        );
        assert!(
            at.contains(&("services/auth/src/metrics.spec.ts:1".to_string(), "warning")),
            "{at:?}"
        );
        assert!(places(&found).iter().all(|(_, m)| !m.contains("`express`")));
    }

    #[test]
    fn on_the_prom_client_incident_nothing_else_fires() {
        // `jest-mock-extended` in the spec and `prom-client` in the metrics service; builtins,
        // aliases, `#imports`, npm aliases, workspace packages and the optional require() stay
        // quiet (the other deps/ rules' tests pin the rest of the fixture's findings).
        assert_eq!(
            incident::check(&Undeclared),
            [
                (
                    "warning".to_string(),
                    "services/auth/src/metrics.spec.ts:1".to_string()
                ),
                (
                    "error".to_string(),
                    "services/auth/src/modules/metrics/metrics.service.ts:2".to_string()
                ),
            ]
        );
    }
}
