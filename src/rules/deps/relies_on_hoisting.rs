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
    ///
    /// ## Configuration
    /// A workspace that is only ever run from the monorepo checkout can be allowed root-declared
    /// dependencies in `seaworthy.toml`: `[policy] root-dependencies = ["apps/admin"]`.
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
                || cx.policy.root_dependencies_ok(&package.dir)
            {
                return None;
            }
            // A bundler resolves hoisted packages at build time inside the monorepo; only an
            // isolated install breaks it, and that is checked below.
            // A babel macro (`@lingui/core/macro`, `twin.macro`) is compiled away by the build:
            // nothing resolves it when the service runs.
            if provided_by_runtime(name)
                || is_macro(&import.import.specifier)
                || (is_bundled(model, package) && isolated_install(model, package).is_none())
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
            let escalated = isolated_install(model, package);
            // Why this one is an error and the rule's others are warnings.
            let why = escalated.as_ref().map_or(String::new(), |(dockerfile, line)| {
                format!("; an error because {dockerfile}:{line} installs only what the workspace declares, so the image lacks it")
            });
            let mut builder = FindingBuilder::new(
                &Self::META,
                &source.path,
                import.import.span,
                format!("{}:{name}", package.dir),
                format!(
                    "`{name}` is imported by {} but declared only in {}{}{why}",
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
            if let Some((dockerfile, line)) = escalated {
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

/// `@lingui/macro`, `@lingui/core/macro`, `styled-components/macro`, `twin.macro`: the
/// babel-plugin-macros naming convention (a last segment `macro`, or a name ending `.macro`).
fn is_macro(specifier: &str) -> bool {
    let last = specifier.rsplit('/').next().unwrap_or(specifier);
    last == "macro" || last.ends_with(".macro")
}

#[cfg(test)]
mod tests {
    use super::ReliesOnHoisting;
    use crate::rules::deps::common::incident;
    use crate::rules::testing::{Repo, Vectors, case};

    const API: &str = r#"{
  "name": "@acme/api",
  "scripts": { "build": "tsc", "start": "node dist/main.js" },
  "dependencies": {
    "express": "^4.19.2"
  }
}"#;

    /// A pnpm workspace whose root declares `ioredis` (and `vitest` for development), and
    /// whose deployable `apps/api` declares neither; `main` is its `src/main.ts`.
    fn api(main: &str) -> Repo {
        Repo::new()
            .file(
                "package.json",
                r#"{
  "name": "acme",
  "private": true,
  "dependencies": {
    "ioredis": "^5.4.1"
  },
  "devDependencies": {
    "vitest": "^1.6.0"
  }
}"#,
            )
            .file("pnpm-workspace.yaml", "packages:\n  - 'apps/*'\n")
            .file("apps/api/package.json", API)
            .file("apps/api/src/main.ts", main)
    }

    const RUNTIME_IMPORT: &str =
        "import Redis from 'ioredis';\nexport const redis = new Redis();\n";

    /// An Nx app importing `zone.js` (declared only at the root) whose `project.json` builds
    /// it with `executor`; its scripts only run `nx`.
    fn nx_app(executor: &str) -> Repo {
        api("import 'zone.js';\nexport {};\n")
            .file(
                "package.json",
                r#"{ "name": "acme", "private": true, "dependencies": { "zone.js": "^0.14.0" } }"#,
            )
            .file(
                "apps/api/package.json",
                r#"{ "name": "@acme/web", "scripts": { "build": "yarn nx build web" } }"#,
            )
            .file(
                "apps/api/project.json",
                &format!(r#"{{ "targets": {{ "build": {{ "executor": "{executor}" }} }} }}"#),
            )
    }

    #[test]
    fn only_the_bundling_executor_silences_the_angular_app() {
        let app = |executor: &str| nx_app(executor).check(&super::ReliesOnHoisting);
        assert_eq!(app("@nx/js:tsc").len(), 1);
        assert!(app("@angular-devkit/build-angular:application").is_empty());
        assert!(super::is_macro("@lingui/react/macro") && super::is_macro("twin.macro"));
        assert!(!super::is_macro("macro-lib") && !super::is_macro("@acme/macros"));
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case("a runtime import declared only at the root", api(RUNTIME_IMPORT)),
                case(
                    "a Node app its project.json builds with webpack keeps node_modules external",
                    api(RUNTIME_IMPORT).file(
                        "apps/api/project.json",
                        r#"{ "targets": { "build": { "executor": "@nx/webpack:webpack" } } }"#,
                    ),
                ),
                case(
                    "the policy allows root-declared dependencies for another workspace only",
                    api(RUNTIME_IMPORT).config("[policy]\nroot-dependencies = [\"apps/web\"]\n"),
                ),
                case(
                    "pnpm deploy in the Dockerfile makes it an error",
                    api(RUNTIME_IMPORT).file(
                        "apps/api/Dockerfile",
                        "FROM node:20-slim AS build\nWORKDIR /repo\nCOPY . .\nRUN corepack enable && pnpm install --frozen-lockfile && pnpm --filter @acme/api build\nRUN pnpm deploy --filter @acme/api --prod /out\n\nFROM node:20-slim\nCOPY --from=build /out /app\nCMD [\"node\", \"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "a require() from a subpath, in several files",
                    api("export {};\n")
                        .file(
                            "apps/api/src/cache.js",
                            "const Redis = require('ioredis/built/Redis');\nmodule.exports = new Redis();\n",
                        )
                        .file(
                            "apps/api/src/queue.ts",
                            "import Redis from 'ioredis';\nexport const queue = new Redis();\n",
                        ),
                ),
                case(
                    "the prom-client incident: hoisted ioredis, and pnpm deploy for billing",
                    Repo::fixture("pnpm-undeclared-prom-client"),
                ),
            ],
            quiet: vec![
                case(
                    "the policy allows root-declared dependencies for the workspace",
                    api(RUNTIME_IMPORT).config("[policy]\nroot-dependencies = [\"apps/*\"]\n"),
                ),
                case(
                    "declared by the importing workspace too",
                    api(RUNTIME_IMPORT).file(
                        "apps/api/package.json",
                        &API.replace(
                            r#""express": "^4.19.2""#,
                            r#""express": "^4.19.2",
    "ioredis": "^5.4.1""#,
                        ),
                    ),
                ),
                case(
                    "a babel macro the build compiles away",
                    api("import { msg } from '@lingui/core/macro';\nexport const m = msg`Hi`;\n").file(
                        "package.json",
                        r#"{ "name": "acme", "private": true, "dependencies": { "@lingui/core": "^5.0.0" } }"#,
                    ),
                ),
                case(
                    "an Angular app its project.json builds with a bundling builder",
                    nx_app("@angular-builders/custom-webpack:browser"),
                ),
                case(
                    "a private Angular library ng-packagr packages for the repository's apps",
                    api("import { of } from 'rxjs';\nexport const x = of(1);\n")
                        .file(
                            "package.json",
                            r#"{ "name": "acme", "private": true, "dependencies": { "rxjs": "^7.8.0" } }"#,
                        )
                        .file(
                            "apps/api/package.json",
                            r#"{ "name": "@acme/ui", "private": true, "main": "src/index.ts" }"#,
                        )
                        .file(
                            "apps/api/project.json",
                            r#"{ "targets": { "build": { "executor": "@nx/angular:package" } } }"#,
                        ),
                ),
                case(
                    "declared nowhere is deps/undeclared's finding",
                    api("import { Registry } from 'prom-client';\nexport const r = new Registry();\n"),
                ),
                case(
                    "type-only imports are erased",
                    api("import type { RedisOptions } from 'ioredis';\nexport const options: RedisOptions = {};\n"),
                ),
                case(
                    "tests and dev-tool configs use the root's devDependencies",
                    api("export {};\n")
                        .file(
                            "apps/api/src/main.spec.ts",
                            "import { it } from 'vitest';\nimport Redis from 'ioredis';\nit('connects', () => void new Redis());\n",
                        )
                        .file(
                            "apps/api/vitest.config.ts",
                            "import { defineConfig } from 'vitest/config';\nexport default defineConfig({});\n",
                        ),
                ),
                case(
                    "a top-level dev script the package does not ship",
                    api("export {};\n").file(
                        "apps/api/flush-cache.mjs",
                        "import Redis from 'ioredis';\nawait new Redis().flushall();\n",
                    ),
                ),
                case(
                    "a bundled app resolves hoisted packages at build time",
                    api(RUNTIME_IMPORT).file(
                        "apps/api/package.json",
                        &API.replace(
                            r#""build": "tsc""#,
                            r#""build": "esbuild src/main.ts --bundle --platform=node --outfile=dist/main.js""#,
                        ),
                    ),
                ),
                case(
                    "the root package importing its own dependency",
                    api("export {};\n").file("src/index.ts", RUNTIME_IMPORT),
                ),
                case("a single-package repository", Repo::fixture("single-package-express")),
                case(
                    "Nx integrated repository declaring everything at the root",
                    Repo::fixture("nx-integrated-root-deps"),
                ),
            ],
        }
    }

    #[test]
    fn on_the_prom_client_incident_pnpm_deploy_makes_it_an_error() {
        // Root-only `ioredis`: a warning in auth, an error in billing, whose Dockerfile
        // installs it in isolation with `pnpm deploy`.
        assert_eq!(
            incident::check(&ReliesOnHoisting),
            [
                (
                    "warning".to_string(),
                    "services/auth/src/main.ts:10".to_string()
                ),
                (
                    "error".to_string(),
                    "services/billing/src/index.ts:1".to_string()
                ),
            ]
        );
    }
}
