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
pub fn runtime_entry(package: &Package) -> Option<String> {
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
    if !model.services.iter().any(|s| s.package == Some(index)) || is_bundled(package) {
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
    use crate::rules::testing::Vectors;

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![],
            quiet: vec![],
        }
    }
}
