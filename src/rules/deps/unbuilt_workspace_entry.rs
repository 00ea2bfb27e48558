use crate::data::{self, ts_runners::TS_RUNNERS};
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::{Model, Package};
use crate::model::{SourceClass, Target};
use crate::paths;
use crate::rules::deps::common::{group_sites, is_bundled, more_sites};
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a compiled service (built with `tsc`/`nest build` and started with `node`) whose
    /// runtime code imports a workspace package whose entry point (`exports`, else `main`,
    /// else `index.js`) is TypeScript source, or is build output that the package has no
    /// build script for. Services that run TypeScript directly (`ts-node`, `tsx`, `bun`) or
    /// bundle their dependencies are not affected, nor are packages built by Nx
    /// (`project.json`) or by the service's own `tsc -b` project references.
    ///
    /// ## Why is this bad?
    /// Node cannot load `.ts` files, and build output that nothing builds does not exist in a
    /// fresh clone or a Docker stage: the service starts and dies with `Unknown file extension
    /// ".ts"` or `Cannot find module`.
    ///
    /// ## Example
    /// ```json
    /// // packages/shared/package.json
    /// { "name": "@acme/shared", "main": "src/index.ts" }
    /// ```
    ///
    /// ## Use instead
    /// Give the package a build (`"build": "tsc -p tsconfig.build.json"`) and point `main` /
    /// `exports` at its output (`dist/index.js`), or bundle the service.
    pub struct UnbuiltWorkspaceEntry {
        id: "deps/unbuilt-workspace-entry",
        category: Dependencies,
        severity: Error,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "a compiled service imports a workspace package whose entry is TypeScript or unbuilt output",
    }
}

/// The entry Node loads for `require`/`import` of the package root.
pub(crate) fn runtime_entry(package: &Package) -> Option<String> {
    fn pick(value: &serde_json::Value) -> Option<String> {
        match value {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Object(map) => {
                if let Some(root) = map.get(".") {
                    return pick(root);
                }
                ["node", "require", "import", "default"]
                    .iter()
                    .find_map(|k| map.get(*k).and_then(pick))
            }
            serde_json::Value::Array(items) => items.iter().find_map(pick),
            _ => None,
        }
    }
    if let Some(exports) = &package.manifest.exports {
        return pick(exports);
    }
    Some(
        package
            .manifest
            .main
            .as_ref()
            .map_or_else(|| "index.js".to_string(), |m| m.value.clone()),
    )
}

fn is_typescript_source(path: &str) -> bool {
    let ts = [".ts", ".tsx", ".mts", ".cts"]
        .iter()
        .any(|e| path.ends_with(e));
    ts && !path.contains(".d.")
}

/// Built with tsc / nest build and started with node on the output.
fn is_compiled_service(model: &Model, index: usize, package: &Package) -> bool {
    if !model.services.iter().any(|s| s.package == Some(index)) || is_bundled(model, package) {
        return false;
    }
    let scripts = &package.manifest.scripts;
    let start = scripts
        .iter()
        .filter(|s| s.name == "start" || s.name == "start:prod")
        .map(|s| s.command.as_str());
    let runs_ts = start
        .clone()
        .any(|c| data::names(TS_RUNNERS).any(|r| format!("{c} ").contains(r)));
    let compiles = scripts.iter().any(|s| {
        s.name.starts_with("build")
            && (s.command.contains("tsc") || s.command.contains("nest build"))
    });
    compiles && !runs_ts
}

fn has_build(model: &Model, service: &Package, target: &Package) -> bool {
    let scripts = &target.manifest.scripts;
    if scripts.iter().any(|s| {
        s.name.starts_with("build")
            || s.name == "prepare"
            || s.name == "prepack"
            || s.name == "compile"
    }) {
        return true;
    }
    let project_json = if target.dir.is_empty() {
        "project.json".to_string()
    } else {
        format!("{}/project.json", target.dir)
    };
    if model.files.is_file(&project_json) {
        return true;
    }
    // `tsc -b` in the service follows project references into the package.
    let service_tsconfig =
        model.tsconfig(format!("{}/tsconfig.json", service.dir).trim_start_matches('/'));
    service_tsconfig.is_some_and(|t| {
        t.references
            .iter()
            .any(|r| paths::is_within(r, &target.dir))
    })
}

impl Rule for UnbuiltWorkspaceEntry {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let groups = group_sites(model, |source, import| {
            let Target::Workspace(target) = import.target else {
                return None;
            };
            let importer = source.package?;
            let ok = import.runtime && source.class == SourceClass::Runtime && target != importer;
            (ok && is_compiled_service(model, importer, &model.packages[importer]))
                .then(|| target.to_string())
        });
        for ((index, target), sites) in groups {
            let Ok(target) = target.parse::<usize>() else {
                continue;
            };
            let (service, package) = (&model.packages[index], &model.packages[target]);
            let Some(entry) = runtime_entry(package) else {
                continue;
            };
            let Some(entry_path) = paths::join(&package.dir, &entry) else {
                continue;
            };
            let problem = if is_typescript_source(&entry) {
                format!("its entry `{entry}` is TypeScript source, which Node cannot load")
            } else if !model.files.is_file(&entry_path) && !has_build(model, service, package) {
                format!(
                    "its entry `{entry}` is build output, but {} has no build script",
                    package.manifest.path
                )
            } else {
                continue;
            };
            let Some((source, import)) = sites.first() else {
                continue;
            };
            let line = package.manifest.exports.as_ref().map_or_else(
                || {
                    package
                        .manifest
                        .main
                        .as_ref()
                        .map_or(package.manifest.top.line, |m| m.span.line)
                },
                |_| package.manifest.top.line,
            );
            out.push(
                FindingBuilder::new(
                    &Self::META,
                    &source.path,
                    import.import.span,
                    format!("{}:{}", service.dir, package.name()),
                    format!(
                        "`{}` is imported by the compiled service {} but {problem}{}",
                        package.name(),
                        paths::display_dir(&service.dir),
                        more_sites(&sites)
                    ),
                )
                .help(format!(
                    "give {} a build script and point `main`/`exports` at its output (e.g. `dist/index.js`), or bundle the service",
                    package.manifest.path
                ))
                .related(&package.manifest.path, line, "the package's entry point")
                .package(service)
                .build(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UnbuiltWorkspaceEntry;
    use crate::rules::deps::common::incident;
    use crate::rules::testing::{Repo, Vectors, case};

    const API: &str = r#"{
  "name": "@acme/api",
  "scripts": { "build": "tsc -p tsconfig.json", "start": "node dist/main.js" },
  "dependencies": {
    "@acme/shared": "workspace:*"
  }
}"#;

    /// A pnpm workspace whose compiled service `apps/api` imports `@acme/shared`, described by
    /// `shared` (its package.json).
    fn api(shared: &str) -> Repo {
        Repo::new()
            .file("package.json", r#"{ "name": "acme", "private": true }"#)
            .file(
                "pnpm-workspace.yaml",
                "packages:\n  - 'apps/*'\n  - 'packages/*'\n",
            )
            .file("apps/api/package.json", API)
            .file(
                "apps/api/src/main.ts",
                "import { money } from '@acme/shared';\nconsole.log(money);\n",
            )
            .file("packages/shared/package.json", shared)
            .file(
                "packages/shared/src/index.ts",
                "export const money = 100;\n",
            )
    }

    const TS_MAIN: &str = r#"{
  "name": "@acme/shared",
  "version": "1.0.0",
  "main": "src/index.ts"
}"#;

    const DIST_MAIN: &str = r#"{
  "name": "@acme/shared",
  "version": "1.0.0",
  "main": "dist/index.js"
}"#;

    /// `apps/api` with `from` in its package.json replaced by `to`.
    fn api_with(shared: &str, from: &str, to: &str) -> Repo {
        api(shared).file("apps/api/package.json", &API.replace(from, to))
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case("main points at TypeScript source", api(TS_MAIN)),
                case(
                    "exports point at TypeScript source",
                    api(r#"{
  "name": "@acme/shared",
  "version": "1.0.0",
  "exports": { ".": { "types": "./src/index.ts", "import": "./src/index.ts" } }
}"#),
                ),
                case(
                    "main points at build output nothing builds",
                    api(DIST_MAIN),
                ),
                case(
                    "the prom-client incident: @acme/shared ships src/index.ts",
                    Repo::fixture("pnpm-undeclared-prom-client"),
                ),
            ],
            quiet: vec![
                case(
                    "build output with a build script",
                    api(&DIST_MAIN.replace(
                        r#""main": "dist/index.js""#,
                        r#""main": "dist/index.js",
  "scripts": { "build": "tsc" }"#,
                    )),
                ),
                case(
                    "committed build output",
                    api(DIST_MAIN).file("packages/shared/dist/index.js", "exports.money = 100;\n"),
                ),
                case(
                    "an Nx project.json builds the package",
                    api(DIST_MAIN).file(
                        "packages/shared/project.json",
                        r#"{ "name": "shared", "targets": { "build": { "executor": "@nx/js:tsc" } } }"#,
                    ),
                ),
                case(
                    "the service's tsc -b follows project references into the package",
                    api(DIST_MAIN).file(
                        "apps/api/tsconfig.json",
                        r#"{ "compilerOptions": { "outDir": "dist" }, "references": [{ "path": "../../packages/shared" }] }"#,
                    ),
                ),
                case(
                    "a service that runs TypeScript directly (tsx)",
                    api_with(TS_MAIN, r#""start": "node dist/main.js""#, r#""start": "tsx src/main.ts""#),
                ),
                case(
                    "a bundled service (esbuild) carries the source in its bundle",
                    api_with(
                        TS_MAIN,
                        r#""build": "tsc -p tsconfig.json""#,
                        r#""build": "tsc --noEmit && esbuild src/main.ts --bundle --platform=node --outfile=dist/main.js""#,
                    ),
                ),
                case(
                    "a library is no compiled service",
                    api_with(TS_MAIN, r#", "start": "node dist/main.js""#, ""),
                ),
                case(
                    "type-only imports and tests are not run by the service",
                    api(TS_MAIN)
                        .file(
                            "apps/api/src/main.ts",
                            "import type { money } from '@acme/shared';\nexport type Money = typeof money;\n",
                        )
                        .file(
                            "apps/api/src/main.spec.ts",
                            "import { money } from '@acme/shared';\nit('is 100', () => expect(money).toBe(100));\n",
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

    #[test]
    fn on_the_prom_client_incident_both_services_import_typescript_source() {
        // `@acme/shared` has `"main": "src/index.ts"`; `@acme/lib-built` points at its
        // gitignored `dist/` and has a build script, so importing it is fine.
        assert_eq!(
            incident::check(&UnbuiltWorkspaceEntry),
            [
                (
                    "error".to_string(),
                    "services/auth/src/main.ts:12".to_string()
                ),
                (
                    "error".to_string(),
                    "services/billing/src/index.ts:2".to_string()
                ),
            ]
        );
    }
}
