use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::model::SourceClass;
use crate::parse::package_json::DepKind;
use crate::rules::deps::common::{
    Layout, add_dependency_help, ancestor_declaring, class_label, declaration, group_sites,
    isolated_install, layout, more_sites, package_target, sibling_declaring,
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
    /// The severity says what breaks. Declared nowhere in the repository (it resolves, if at
    /// all, as some package's transitive dependency): an error. Declared by a sibling workspace
    /// of the same install root, so that today's install satisfies it only because the package
    /// manager hoists it (npm, Yarn 1, Bun, pnpm `node-linker=hoisted`, Yarn 2+ `nodeLinker:
    /// node-modules`): a warning that names the sibling. It stays an error when the layout
    /// isolates workspaces (pnpm's default, Yarn Plug'n'Play) or the service's Dockerfile
    /// installs the workspace on its own (`pnpm deploy`, `turbo prune`, `yarn workspaces focus`).
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
            let (mut severity, chosen, field) = if runtime.is_empty() {
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
            // Declared by a sibling workspace: today's install satisfies it when the package
            // manager hoists, so it breaks only when the install changes (a warning), unless
            // the layout or the service's Dockerfile isolates the workspace (an error).
            let mut hoisting = String::new();
            if let Some(sibling) = sibling_declaring(model, package, &name) {
                let by = sibling.manifest.path.as_str();
                hoisting = match (layout(model, package), isolated_install(model, package)) {
                    (_, Some((dockerfile, line))) => {
                        format!(
                            "; {by} declares it, but {dockerfile}:{line} installs this workspace in isolation, where nothing is hoisted from it"
                        )
                    }
                    (Layout::Isolated(why), None) => {
                        format!("; {by} declares it, but {why}")
                    }
                    (Layout::Hoisted(manager), None) => {
                        severity = Severity::Warning;
                        format!(
                            "; it resolves only because {by} declares it and {manager} hoists it to the shared node_modules"
                        )
                    }
                };
            }
            let mut builder = FindingBuilder::new(
                &Self::META,
                &source.path,
                import.import.span,
                format!("{}:{name}", package.dir),
                format!(
                    "`{name}` is imported but not declared in {}{where_}{}{hoisting}",
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

    /// `services/auth` imports `ioredis`, which only `services/cache` declares; `manager`
    /// `pnpm` makes it a pnpm workspace.
    fn sibling(manager: &str) -> Repo {
        let repo = service("import Redis from 'ioredis';\nexport const r = new Redis();\n").file(
            "services/cache/package.json",
            r#"{ "name": "cache", "dependencies": { "ioredis": "^5.4.1" } }"#,
        );
        if manager == "pnpm" {
            repo.file("pnpm-workspace.yaml", "packages:\n  - services/*\n")
        } else {
            repo
        }
    }

    #[test]
    fn a_sibling_declaration_is_a_warning_only_where_the_manager_hoists() {
        let npm = sibling("").check(&Undeclared);
        assert_eq!(npm.len(), 1, "{npm:?}");
        assert_eq!(npm[0].severity.as_str(), "warning");
        assert!(
            npm[0]
                .message
                .contains("services/cache/package.json declares it and npm hoists it"),
            "{}",
            npm[0].message
        );
        let pnpm = sibling("pnpm").check(&Undeclared);
        assert_eq!(pnpm.len(), 1, "{pnpm:?}");
        assert_eq!(pnpm[0].severity.as_str(), "error");
        assert!(
            pnpm[0].message.contains("pnpm links only declared"),
            "{}",
            pnpm[0].message
        );
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
                case(
                    "declared only by a sibling, hoisted by npm: a warning naming it",
                    sibling(""),
                ),
                case(
                    "declared only by a sibling under pnpm's isolated layout: an error",
                    sibling("pnpm"),
                ),
                // documenso's `packages/email/templates/` are rendered by `packages/lib`.
                case(
                    "a templates/ file that code of the repository imports runs",
                    service("import { Invite } from './templates/invite';\nexport const t = Invite;\n")
                        .file(
                            "services/auth/src/templates/invite.tsx",
                            "import { Trans } from '@lingui/macro';\nexport const Invite = () => <Trans>Hi</Trans>;\n",
                        ),
                ),
                // A bundler config makes a name an alias only when it declares that alias.
                case(
                    "an empty vite.config.js hides nothing",
                    service("import x from 'undeclared-pkg';\nx();\n")
                        .file("services/auth/vite.config.js", "export default {};\n"),
                ),
                case(
                    "a name the config does not alias is a package",
                    service("import { Registry } from 'prom-client';\nnew Registry();\n").file(
                        "services/auth/vite.config.ts",
                        "export default { resolve: { alias: { '@helpers': '/src/helpers', prom: './p' } } };\n",
                    ),
                ),
                case(
                    "an import in the bundler config itself",
                    service("export {};\n").file(
                        "services/auth/webpack.config.js",
                        "const glob = require('glob');\nmodule.exports = { entry: glob.sync('./src/*.ts') };\n",
                    ),
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
                case(
                    "a scaffolding template nothing imports belongs to the generated project",
                    service("export {};\n").file(
                        "services/auth/src/templates/invite.tsx",
                        "import { Trans } from '@lingui/macro';\nexport const Invite = () => <Trans>Hi</Trans>;\n",
                    ),
                ),
                case(
                    "names a vite config aliases, in object and array forms",
                    service(
                        "import h from '@helpers/format';\nimport u from 'utils';\nimport l from 'lib/x';\nimport 'uno.css';\nh(u, l);\n",
                    )
                    .file(
                        "services/auth/vite.config.ts",
                        "export default ({ resolve: { alias: [{ find: /^@helpers\\//, replacement: '/src/h/' }, { find: 'utils', replacement: '/src/u' }] } });\n",
                    )
                    .file(
                        "services/auth/webpack.config.js",
                        "module.exports = { resolve: { alias: { lib: require('path').resolve(__dirname, 'src/lib') } } };\n",
                    ),
                ),
                case(
                    "aliases the config builds at run time may be any undeclared name",
                    service("import h from 'helpers';\nh();\n").file(
                        "services/auth/vite.config.ts",
                        "import { aliases } from './aliases';\nexport default { resolve: { alias: aliases } };\n",
                    ),
                ),
                case(
                    "babel module-resolver aliases",
                    service("import c from 'components/button';\nc();\n").file(
                        "services/auth/babel.config.js",
                        "module.exports = { plugins: [['module-resolver', { alias: { components: './src/components' } }]] };\n",
                    ),
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
