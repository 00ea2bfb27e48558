use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::model::{SourceClass, Target};
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a relative import, a tsconfig `paths` alias or a package.json `imports` (`#x`)
    /// specifier that resolves to no file, after trying what TypeScript and Node try: the
    /// `.js`→`.ts`/`.tsx`, `.mjs`→`.mts`, `.cjs`→`.cts` substitutions, the usual extensions,
    /// a directory's `package.json` `types`/`main` and its `index.*`. Targets that are
    /// gitignored (generated code, build output) are accepted. Warning level in tests,
    /// scripts and dev-tool configs, and for imports only the type checker sees. Templates,
    /// fixtures and examples, and `require()` inside `try`, are not checked.
    ///
    /// ## Why is this bad?
    /// The build fails (`TS2307: Cannot find module`), or a JavaScript service throws at the
    /// first `require` — typically after a rename, a case-only change that only a
    /// case-insensitive file system forgave, or a file that was never committed.
    ///
    /// ## Example
    /// ```ts
    /// import { UserService } from './user.servce';
    /// ```
    ///
    /// ## Use instead
    /// Point the import at the file that exists (`./user.service`), or commit the file.
    pub struct UnresolvedImport {
        id: "deps/unresolved-import",
        category: Dependencies,
        severity: Error,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "a relative or aliased import resolves to no file",
    }
}

impl Rule for UnresolvedImport {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for source in cx
            .model
            .sources
            .iter()
            .filter(|s| s.class != SourceClass::Fixture)
        {
            for import in source.imports.iter().filter(|i| !i.import.guarded) {
                let Target::Unresolved(reason) = &import.target else {
                    continue;
                };
                // Only an import that survives compilation breaks the running service; a
                // type-only one breaks the type check.
                let severity = if source.class == SourceClass::Runtime && import.runtime {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                let mut builder = FindingBuilder::new(
                    &Self::META,
                    &source.path,
                    import.import.span,
                    import.import.specifier.clone(),
                    format!("cannot resolve `{}`: {reason}", import.import.specifier),
                )
                .severity(severity)
                .help("point the import at a file that exists (check the spelling and letter case), or commit the missing file");
                if let Some(package) = source.package.map(|i| &cx.model.packages[i]) {
                    builder = builder.package(package);
                }
                out.push(builder.build());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UnresolvedImport;
    use crate::rules::deps::common::incident;
    use crate::rules::testing::{Repo, Vectors, case};

    /// A NodeNext service with tsconfig aliases (`@app/*`, `@/*`, `~/*`), a package.json
    /// `imports` map (`#internal/*`) and `src/user.service.ts`; `main` is its `src/main.ts`.
    fn api(main: &str) -> Repo {
        Repo::new()
            .file(
                "package.json",
                r##"{
  "name": "api",
  "type": "module",
  "scripts": { "build": "tsc", "start": "node dist/main.js" },
  "imports": { "#internal/*": "./src/internal/*.js" },
  "dependencies": { "express": "^4.19.2" }
}"##,
            )
            .file(
                "tsconfig.json",
                r#"{
  "compilerOptions": {
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "baseUrl": ".",
    "paths": { "@app/*": ["src/app/*"], "@/*": ["src/*"], "~/*": ["src/*"] },
    "outDir": "dist"
  }
}"#,
            )
            .file("src/user.service.ts", "export class UserService {}\n")
            .file("src/app/health.ts", "export const health = 'ok';\n")
            .file("src/internal/helper.ts", "export const helper = 1;\n")
            .file("src/main.ts", main)
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a misspelled relative import",
                    api("import { UserService } from './user.servce';\nnew UserService();\n"),
                ),
                case(
                    "a letter-case difference only a case-insensitive disk forgives",
                    api("import { UserService } from './User.service.js';\nnew UserService();\n"),
                ),
                case(
                    "a tsconfig path alias whose targets do not exist",
                    api("import { metrics } from '@app/metrics';\nconsole.log(metrics);\n"),
                ),
                case(
                    "a #import that no imports entry matches",
                    api("import { clock } from '#utils/clock';\nconsole.log(clock);\n"),
                ),
                case(
                    "in a test it is a warning",
                    api("export {};\n").file(
                        "src/user.service.spec.ts",
                        "import { UserService } from './user.servce';\nit('builds', () => new UserService());\n",
                    ),
                ),
                case(
                    "a folder with no index file: the message says so, not that `..` is no file",
                    api("import { UserService } from '../src/lib';\nnew UserService();\n")
                        .file("src/lib/README.md", "helpers, to be written\n"),
                ),
                case(
                    "the prom-client incident: a missing file and a dangling alias",
                    Repo::fixture("pnpm-undeclared-prom-client"),
                ),
                case(
                    "rootDirs whose other root is committed but lacks the file",
                    api("import { a } from './a';\nconsole.log(a);\n")
                        .file(
                            "tsconfig.json",
                            r#"{ "compilerOptions": { "rootDirs": ["src", "generated"] } }"#,
                        )
                        .file("generated/b.ts", "export const b = 1;\n"),
                ),
                case(
                    "a folder import whose package entry is missing and no build creates",
                    api("import { seed } from '../';\nseed();\n")
                        .file(
                            "package.json",
                            r#"{ "name": "api", "main": "lib/index.js", "scripts": { "start": "node src/main.ts" } }"#,
                        ),
                ),
            ],
            quiet: vec![
                case(
                    "`.js` resolves to `.ts` under NodeNext, folders to their index",
                    api(
                        "import { UserService } from './user.service.js';\nimport { a } from './lib/index.js';\nimport { b } from './lib';\nimport { c } from './mod.mjs';\nconsole.log(UserService, a, b, c);\n",
                    )
                    .file("src/lib/index.ts", "export const a = 1, b = 2;\n")
                    .file("src/mod.mts", "export const c = 3;\n"),
                ),
                case(
                    "JSON imports and import x = require()",
                    api(
                        "import config from './config.json';\nimport data = require('./data.json');\nconsole.log(config, data);\n",
                    )
                    .file("src/config.json", "{ \"port\": 3000 }\n")
                    .file("src/data.json", "[1, 2, 3]\n"),
                ),
                case(
                    "tsconfig aliases and #imports that exist",
                    api(
                        "import { health } from '@app/health';\nimport { UserService } from '@/user.service';\nimport { helper } from '~/internal/helper';\nimport { helper as h } from '#internal/helper';\nconsole.log(health, UserService, helper, h);\n",
                    ),
                ),
                case(
                    "a folder whose package.json names the entry",
                    api("import { vendored } from './vendor/clock';\nconsole.log(vendored);\n")
                        .file("src/vendor/clock/package.json", r#"{ "name": "clock", "main": "lib/clock.js" }"#)
                        .file("src/vendor/clock/lib/clock.js", "export const vendored = 1;\n"),
                ),
                case(
                    "gitignored generated code",
                    api("import { PrismaClient } from './generated/client';\nnew PrismaClient();\n")
                        .file(".gitignore", "src/generated/\ndist/\n"),
                ),
                case(
                    "a require() in try/catch is optional by design",
                    api("let ee;\ntry { ee = require('./ee/license'); } catch { ee = null; }\nexport { ee };\n"),
                ),
                case(
                    "a dynamic import whose specifier is not a string literal",
                    api("const plugin = process.env.PLUGIN ?? './plugins/none';\nvoid import(plugin);\n"),
                ),
                case(
                    "templates are data for another project",
                    api("export {};\n").file(
                        "src/templates/controller.ts",
                        "import { Service } from './service';\nexport class Controller { constructor(readonly s: Service) {} }\n",
                    ),
                ),
                case(
                    "builtins and packages are not files",
                    api(
                        "import { readFileSync } from 'node:fs';\nimport path from 'path';\nimport express from 'express';\nconsole.log(readFileSync, path, express);\n",
                    ),
                ),
                case("a single-package repository", Repo::fixture("single-package-express")),
                case(
                    "Nx integrated repository declaring everything at the root",
                    Repo::fixture("nx-integrated-root-deps"),
                ),
                case(
                    "React Router 7 `./+types/*`, through rootDirs into gitignored typegen output",
                    api("import type { Route } from './+types/root';\nexport const meta = (a: Route.MetaArgs) => a;\n")
                        .file(
                            "tsconfig.json",
                            r#"{ "compilerOptions": { "rootDirs": [".", "./.react-router/types"] } }"#,
                        )
                        .file(".gitignore", "/.react-router/\n/build/\n"),
                ),
                case(
                    "rootDirs whose other root is not in the repository (a build generates it)",
                    api("import type { Route } from './+types/home';\nexport type R = Route.LoaderArgs;\n")
                        .file(
                            "tsconfig.json",
                            r#"{ "compilerOptions": { "rootDirs": ["src", "types-out/src"] } }"#,
                        ),
                ),
                case(
                    "rootDirs whose other root holds the file",
                    api("import { strings } from './strings';\nconsole.log(strings);\n")
                        .file(
                            "tsconfig.json",
                            r#"{ "compilerOptions": { "rootDirs": ["src", "i18n"] } }"#,
                        )
                        .file("i18n/strings.ts", "export const strings = {};\n"),
                ),
                case(
                    "`../` to a package whose main is gitignored build output",
                    api("export {};\n")
                        .file(
                            "prisma/seed.ts",
                            "import { db } from '../';\ndb.connect();\n",
                        )
                        .file(
                            "package.json",
                            r#"{ "name": "api", "main": "dist/index.js", "scripts": { "build": "tsc" } }"#,
                        )
                        .file(".gitignore", "dist/\n"),
                ),
                case(
                    "a file its start script runs from the build folder it is copied into",
                    api("export {};\n")
                        .file(
                            "server/main.js",
                            "import { router } from './hono/router.js';\nimport * as build from './index.js';\nrouter(build);\n",
                        )
                        .file(
                            "package.json",
                            r#"{ "name": "api", "type": "module", "scripts": { "build": "vite build", "start": "cross-env NODE_ENV=production node build/server/main.js" } }"#,
                        )
                        .file(".gitignore", "/build/\n"),
                ),
            ],
        }
    }

    #[test]
    fn on_the_prom_client_incident_only_the_two_broken_imports() {
        // `./does-not-exist` and `@app/missing`; the `.js` → `.ts`, JSON, alias, `#imports`,
        // generated-code and try/catch imports around them resolve or are accepted.
        assert_eq!(
            incident::check(&UnresolvedImport),
            [
                (
                    "error".to_string(),
                    "services/auth/src/broken.ts:1".to_string()
                ),
                (
                    "error".to_string(),
                    "services/auth/src/broken.ts:2".to_string()
                ),
            ]
        );
    }
}
