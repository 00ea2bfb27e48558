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
                || is_bundled(model, package)
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
            let escalated = prod_only_install(model, package);
            // Why this one is an error and the rule's others are warnings.
            let why = escalated.as_ref().map_or(String::new(), |(dockerfile, line)| {
                format!("; an error because {dockerfile}:{line} installs without devDependencies, so the image lacks it")
            });
            let mut builder = FindingBuilder::new(
                &Self::META,
                &source.path,
                import.import.span,
                format!("{}:{name}", package.dir),
                format!(
                    "`{name}` is imported by runtime code but declared only in devDependencies of {}{}{why}",
                    package.manifest.path,
                    more_sites(&sites)
                ),
            )
            .help(format!("move \"{name}\": \"{}\" from devDependencies to dependencies in {}", dep.spec, package.manifest.path))
            .related(&package.manifest.path, dep.span.line, format!("`{name}` is a devDependency here"))
            .package(package);
            if let Some((dockerfile, line)) = escalated {
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
    use super::DevOnlyAtRuntime;
    use crate::rules::deps::common::incident;
    use crate::rules::testing::{Repo, Vectors, case};

    const MANIFEST: &str = r#"{
  "name": "api",
  "scripts": { "build": "tsc", "start": "node dist/main.js" },
  "dependencies": {
    "express": "^4.19.2"
  },
  "devDependencies": {
    "class-transformer": "^0.5.1",
    "supertest": "^7.0.0",
    "jest": "^29.7.0"
  }
}"#;

    /// An npm workspace whose deployable `apps/api` declares `class-transformer` as a
    /// devDependency, with `main` as its `src/main.ts`.
    fn api(main: &str) -> Repo {
        Repo::new()
            .file(
                "package.json",
                r#"{ "name": "acme", "private": true, "workspaces": ["apps/*", "packages/*"] }"#,
            )
            .file("apps/api/package.json", MANIFEST)
            .file("apps/api/src/main.ts", main)
    }

    const RUNTIME_IMPORT: &str = "import { plainToInstance } from 'class-transformer';\nexport const dto = plainToInstance(Object, {});\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case("runtime import of a devDependency", api(RUNTIME_IMPORT)),
                case(
                    "a production-only install in the Dockerfile makes it an error",
                    api(RUNTIME_IMPORT).file(
                        "apps/api/Dockerfile",
                        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD [\"node\", \"dist/main.js\"]\n",
                    ),
                ),
                case(
                    "require() in a JavaScript service",
                    api("export {};\n").file(
                        "apps/api/src/dto.js",
                        "const { plainToInstance } = require('class-transformer');\nmodule.exports = plainToInstance;\n",
                    ),
                ),
                case(
                    "a workspace package declared only in devDependencies",
                    api("import { money } from '@acme/shared';\nexport const m = money;\n")
                        .file(
                            "apps/api/package.json",
                            &MANIFEST.replace(
                                r#""jest": "^29.7.0""#,
                                r#""jest": "^29.7.0",
    "@acme/shared": "^1.0.0""#,
                            ),
                        )
                        .file(
                            "packages/shared/package.json",
                            r#"{ "name": "@acme/shared", "version": "1.0.0", "main": "dist/index.js", "scripts": { "build": "tsc" } }"#,
                        )
                        .file("packages/shared/src/index.ts", "export const money = 100;\n"),
                ),
                case(
                    "the prom-client incident: pnpm install --prod",
                    Repo::fixture("pnpm-undeclared-prom-client"),
                ),
            ],
            quiet: vec![
                case(
                    "declared in dependencies",
                    api(RUNTIME_IMPORT).file(
                        "apps/api/package.json",
                        &MANIFEST.replace(
                            r#""express": "^4.19.2""#,
                            r#""express": "^4.19.2",
    "class-transformer": "^0.5.1""#,
                        ),
                    ),
                ),
                case(
                    "type-only and type-position-only imports are erased",
                    api(
                        "import type { ClassConstructor } from 'class-transformer';\nimport { TransformFnParams } from 'class-transformer';\nexport type C = ClassConstructor<object>;\nexport type P = TransformFnParams;\n",
                    ),
                ),
                case(
                    "tests, dev-tool configs and scripts import devDependencies",
                    api("export {};\n")
                        .file(
                            "apps/api/src/app.spec.ts",
                            "import request from 'supertest';\nimport { plainToInstance } from 'class-transformer';\nit('runs', () => request(plainToInstance));\n",
                        )
                        .file(
                            "apps/api/test/app.e2e.ts",
                            "import request from 'supertest';\nexport const agent = request('http://localhost:3000');\n",
                        )
                        .file(
                            "apps/api/jest.config.ts",
                            "import { defaults } from 'jest';\nexport default defaults;\n",
                        )
                        .file(
                            "apps/api/scripts/seed.ts",
                            "import { plainToInstance } from 'class-transformer';\nplainToInstance(Object, {});\n",
                        ),
                ),
                case(
                    "a top-level dev script the package does not ship",
                    api("export {};\n").file(
                        "apps/api/check-dto.mjs",
                        "import { plainToInstance } from 'class-transformer';\nplainToInstance(Object, {});\n",
                    ),
                ),
                case(
                    "a bundled app carries its devDependencies in the bundle",
                    api(RUNTIME_IMPORT).file(
                        "apps/api/package.json",
                        &MANIFEST.replace(r#""build": "tsc""#, r#""build": "vite build""#),
                    ),
                ),
                case(
                    "a require() in try/catch is optional by design",
                    api(
                        "let ct;\ntry { ct = require('class-transformer'); } catch { ct = null; }\nexport { ct };\n",
                    ),
                ),
                case("a single-package repository", Repo::fixture("single-package-express")),
                case(
                    "Nx integrated repository declaring everything at the root",
                    Repo::fixture("nx-integrated-root-deps"),
                ),
            ],
        }
    }

    /// The install's facts decide, not its text: `--production=false` installs
    /// devDependencies, and `ENV NODE_ENV=production` before `npm ci` leaves them out.
    #[test]
    fn the_install_facts_decide_whether_the_image_lacks_devdependencies() {
        let severity = |dockerfile: &str| -> Vec<String> {
            api(RUNTIME_IMPORT)
                .file("apps/api/Dockerfile", dockerfile)
                .check(&DevOnlyAtRuntime)
                .iter()
                .map(|f| f.severity.as_str().to_string())
                .collect()
        };
        assert_eq!(
            severity(
                "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --production=false\nCMD [\"node\", \"dist/main.js\"]\n"
            ),
            ["warning"]
        );
        assert_eq!(
            severity(
                "FROM node:20-slim\nENV NODE_ENV=production\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"dist/main.js\"]\n"
            ),
            ["error"]
        );
        // A production install in a builder stage the image does not ship does not count.
        assert_eq!(
            severity(
                "FROM node:20 AS lint\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nFROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"dist/main.js\"]\n"
            ),
            ["warning"]
        );
    }

    #[test]
    fn on_the_prom_client_incident_the_prod_install_makes_it_an_error() {
        // `class-transformer` is a devDependency imported by runtime code, and the service's
        // Dockerfile runs `pnpm install --prod`; the type-only imports of `express` (a
        // devDependency) and the tests importing `supertest` stay quiet.
        assert_eq!(
            incident::check(&DevOnlyAtRuntime),
            [(
                "error".to_string(),
                "services/auth/src/app.module.ts:4".to_string()
            )]
        );
    }
}
