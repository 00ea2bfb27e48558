use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::model::SourceClass;
use crate::parse::package_json::DepKind;
use crate::rules::deps::common::{
    Layout, add_dependency_help, ancestor_declaring, class_label, declaration, group_sites,
    installed_ad_hoc, isolated_install, layout, more_sites, package_target, sibling_declaring,
};
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a package that source code imports (`import`, `require`, `import()`, `export … from`)
    /// while neither the importing workspace's package.json nor any package.json above it
    /// declares it in `dependencies`, `devDependencies`, `optionalDependencies` or
    /// `peerDependencies`. Imports that only the type checker sees are ignored; in tests, scripts
    /// and dev-tool configs the finding is a warning. Seed and migration entry points (what
    /// `prisma.seed` or a `seed`/`migrate` script runs) count as scripts unless a start script or
    /// a Dockerfile runs them. A package installed by name where the file runs counts as
    /// declared: a workflow's `npm --prefix dir install x` for the scripts of `dir`, a
    /// Dockerfile's `npm install -g x` for the files that stage copies. An Nx or Angular
    /// executor (`"executor": "@nx/webpack:webpack"` in a `project.json`) whose package nothing
    /// declares is a warning at the executor.
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
        inputs: [FileKind::PackageJson, FileKind::TsConfig, FileKind::NxProject],
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
                || installed_ad_hoc(model, &source.path, name)
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
        executors(model, out);
    }
}

/// Nx and Angular executors (`"executor": "@nx/webpack:webpack"`) whose package no manifest
/// Nx could resolve it through declares: `nx build` fails with "Unable to resolve
/// @nx/webpack:webpack" once the install stops pulling it in transitively. A warning, as for
/// any dev tool's import. A workspace package or a tsconfig `paths` alias is a local plugin.
fn executors(model: &crate::model::Model, out: &mut Vec<Finding>) {
    use std::collections::BTreeMap;
    type Site<'a> = (&'a str, &'a crate::parse::config_refs::Executor);
    let mut groups: BTreeMap<(usize, &str), Vec<Site<'_>>> = BTreeMap::new();
    for refs in &model.config_refs {
        let Some(index) = model.owner_of(&refs.path) else {
            continue;
        };
        let package = &model.packages[index];
        for executor in &refs.executors {
            let name = executor.package.as_str();
            if declaration(package, name).is_some()
                || ancestor_declaring(model, package, name).is_some()
                || model.package_named(name).is_some()
                || model
                    .tsconfigs
                    .iter()
                    .any(|t| t.paths.matching(name).is_some())
            {
                continue;
            }
            groups
                .entry((index, name))
                .or_default()
                .push((refs.path.as_str(), executor));
        }
    }
    for ((index, name), sites) in groups {
        let package = &model.packages[index];
        let Some(&(path, executor)) = sites.first() else {
            continue;
        };
        let files: std::collections::BTreeSet<&str> = sites.iter().map(|(p, _)| *p).collect();
        let more = match files.len() {
            0 | 1 => String::new(),
            2 => " (and 1 other project)".to_string(),
            n => format!(" (and {} other projects)", n - 1),
        };
        let mut hoisting = String::new();
        if let Some(sibling) = sibling_declaring(model, package, name) {
            hoisting = format!(
                "; it resolves only if {} declares it and the install hoists it",
                sibling.manifest.path
            );
        }
        let mut builder = FindingBuilder::new(
            &Undeclared::META,
            path,
            executor.span,
            format!("{}:{name}:executor", package.dir),
            format!(
                "the executor `{}` comes from `{name}`, which is not declared in {}{more}{hoisting}",
                executor.executor, package.manifest.path
            ),
        )
        .severity(Severity::Warning)
        .help(add_dependency_help(model, package, name, DepKind::Dev))
        .package(package);
        for (other, other_executor) in sites.iter().skip(1).take(5) {
            builder = builder.related(
                other,
                other_executor.span.line,
                format!("also runs `{}`", other_executor.executor),
            );
        }
        out.push(builder.build());
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

    #[test]
    fn a_seed_script_is_dev_tooling_unless_the_start_script_seeds() {
        let seeded = |start: &str| {
            service("export {};\n")
                .file(
                    "services/auth/package.json",
                    &format!(
                        r#"{{ "name": "auth", "scripts": {{ "start": "{start}", "db:seed": "prisma db seed" }},
                             "prisma": {{ "seed": "tsx prisma/seed.ts" }} }}"#
                    ),
                )
                .file(
                    "services/auth/prisma/seed.ts",
                    "import { faker } from '@faker-js/faker';\nfaker.person.firstName();\n",
                )
                .check(&Undeclared)
        };
        let dev = seeded("node dist/main.js");
        assert_eq!(dev.len(), 1, "{dev:?}");
        assert_eq!(dev[0].severity.as_str(), "warning", "{}", dev[0].message);
        assert!(
            dev[0].message.contains("(imported from a script)"),
            "{}",
            dev[0].message
        );
        let at_start = seeded("npm run db:seed && node dist/main.js");
        assert_eq!(at_start.len(), 1, "{at_start:?}");
        assert_eq!(
            at_start[0].severity.as_str(),
            "error",
            "{}",
            at_start[0].message
        );
    }

    #[test]
    fn an_undeclared_executor_points_at_its_project_json() {
        let found = service("export {};\n")
            .file(
                "services/auth/project.json",
                "{\n  \"targets\": {\n    \"lint\": { \"executor\": \"@nx/eslint:lint\" }\n  }\n}\n",
            )
            .check(&Undeclared);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location.path, "services/auth/project.json");
        assert_eq!(found[0].location.line, 3);
        assert_eq!(found[0].severity.as_str(), "warning");
        assert!(
            found[0]
                .message
                .contains("`@nx/eslint:lint` comes from `@nx/eslint`"),
            "{}",
            found[0].message
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
                // Nx executors are packages the workspace runs.
                case(
                    "an Nx executor no manifest declares",
                    service("export {};\n").file(
                        "services/auth/project.json",
                        r#"{ "name": "auth", "targets": { "lint": { "executor": "@nx/eslint:lint" },
                             "build": { "executor": "@nx/webpack:webpack", "options": {} } } }"#,
                    ),
                ),
                case(
                    "an Angular builder in angular.json",
                    service("export {};\n").file(
                        "angular.json",
                        r#"{ "projects": { "web": { "architect": { "build": { "builder": "@angular-devkit/build-angular:browser" } } } } }"#,
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "executors the root declares, nx's own, local and path executors",
                    service("export {};\n")
                        .file(
                            "package.json",
                            r#"{ "name": "root", "private": true, "workspaces": ["services/*", "tools/*"],
                                 "devDependencies": { "nx": "20.0.0", "@nx/jest": "20.0.0" } }"#,
                        )
                        .file("tools/plugin/package.json", r#"{ "name": "@acme/plugin" }"#)
                        .file(
                            "tsconfig.base.json",
                            r#"{ "compilerOptions": { "paths": { "@acme/executors": ["tools/executors/src/index.ts"] } } }"#,
                        )
                        .file(
                            "services/auth/project.json",
                            r#"{ "targets": {
                                 "test": { "executor": "@nx/jest:jest" },
                                 "run": { "executor": "nx:run-commands", "options": { "command": "node x" } },
                                 "gen": { "executor": "@acme/plugin:gen" },
                                 "pack": { "executor": "@acme/executors:pack" },
                                 "echo": { "executor": "./tools/executors/echo:echo" },
                                 "opts": { "executor": "@nx/jest:jest", "options": { "builder": "@not/real:x" } } } }"#,
                        ),
                ),
                // Packages installed by name where the script runs.
                case(
                    "a workflow installs the package into the scripts' folder",
                    service("export {};\n")
                        .file(
                            ".github/workflows/label.yml",
                            "on: issues\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm --prefix .github/workflows/scripts install @octokit/action@6\n      - run: node .github/workflows/scripts/label.js\n",
                        )
                        .file(
                            ".github/workflows/scripts/label.js",
                            "const { Octokit } = require('@octokit/action');\nnew Octokit();\n",
                        ),
                ),
                case(
                    "a Dockerfile installs the packages of the one script it copies",
                    service("export {};\n")
                        .file(
                            "Dockerfile.migrate",
                            "FROM node:20-bookworm-slim\nRUN npm install -g zx @httpx/dsn-parser@1 && ln -s /usr/local/lib/node_modules node_modules\nCOPY scripts/db-migrate.mjs ./scripts/db-migrate.mjs\nCMD [\"scripts/db-migrate.mjs\"]\n",
                        )
                        .file(
                            "docker-compose.yml",
                            "services:\n  migrate:\n    build:\n      context: .\n      dockerfile: Dockerfile.migrate\n",
                        )
                        .file(
                            "scripts/db-migrate.mjs",
                            "import { parseDsn } from '@httpx/dsn-parser';\nparseDsn(process.env.DATABASE_URL);\n",
                        ),
                ),
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
