//! Package names that tool configs and non-JS files mention without importing them: the string
//! literals of linter, formatter, compiler, bundler and test-runner configs (`plugins:
//! ['prettier-plugin-tailwindcss']`, `testEnvironment: 'jsdom'`), the bare scalars of YAML
//! configs (graphql-codegen's `plugins: [typescript]`), Prisma `generator` providers, SCSS/Less
//! `@import`/`@use`, `index.html` `src`/`href`, Angular `styles`/`scripts`/`assets` and
//! `ngsw-config.json`. Nothing is interpreted: the file is cut into candidate strings, and
//! `deps/unused` matches them against declared names by each tool's naming convention.

/// The candidate strings of one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConfigRefs {
    pub path: String,
    /// Each distinct candidate string, sorted.
    pub strings: Vec<String>,
    /// The executors (builders) an Nx or Angular project file runs, in file order.
    pub executors: Vec<Executor>,
}

/// One target's `executor` (Nx `project.json`, `workspace.json`) or `builder` (`angular.json`):
/// `@nx/webpack:webpack` runs the `webpack` executor of the package `@nx/webpack`, which Nx
/// resolves from the workspace root's `node_modules` like any `require`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Executor {
    /// As written: `@nx/eslint:lint`.
    pub executor: String,
    /// The package it names: `@nx/eslint` (`nx` for `nx:run-commands`).
    pub package: String,
    pub span: crate::source::Span,
}

/// A candidate string longer than this is not a package reference.
const MAX_STRING: usize = 300;

/// Fields of a package.json that hold tool configuration (not its dependency lists).
const MANIFEST_CONFIG_FIELDS: &[&str] = &[
    "eslintConfig",
    "prettier",
    "babel",
    "jest",
    "stylelint",
    "size-limit",
    "postcss",
    "browserslist",
    "commitlint",
    "lint-staged",
    "nodemonConfig",
    "mocha",
    "ava",
    "c8",
    "nyc",
    "remarkConfig",
    "xo",
];

/// Whether the file at `path` is one whose strings name packages: a tool config, a stylesheet,
/// an `index.html`, an Angular or Nx project file, or a package.json (its config fields only).
pub fn is_reference_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "package.json"
            | "index.html"
            | "angular.json"
            | "project.json"
            | "workspace.json"
            | ".babelrc"
            | ".eslintrc"
            | ".prettierrc"
            | ".postcssrc"
            | ".stylelintrc"
            | ".swcrc"
            | ".size-limit"
            | ".mocharc"
    ) {
        return true;
    }
    let (stem, ext) = match lower.rsplit_once('.') {
        Some(split) => split,
        None => return false,
    };
    if matches!(ext, "scss" | "sass" | "less" | "prisma") {
        return true;
    }
    // `.css` only at the conventional entry names: most stylesheets import nothing.
    if ext == "css" {
        return matches!(
            stem,
            "styles" | "style" | "global" | "globals" | "index" | "main" | "app" | "tailwind"
        );
    }
    let config_ext = matches!(
        ext,
        "js" | "cjs" | "mjs" | "ts" | "cts" | "mts" | "json" | "json5" | "yml" | "yaml" | "toml"
    );
    if !config_ext {
        return false;
    }
    // `.eslintrc.json`, `.prettierrc.yaml`, `.size-limit.json`, `.lintstagedrc.js`.
    if stem.starts_with('.') && (stem.ends_with("rc") || stem == ".size-limit") {
        return true;
    }
    // `vite.config.ts`, `jest.config.base.js`, `codegen.yml`, `ngsw-config.json`,
    // `karma.conf.js`, `jest.preset.js`.
    stem.contains(".config")
        || stem.contains(".conf")
        || stem.ends_with("-config")
        || stem == "jest.preset"
        || stem == "codegen"
        || stem.starts_with("codegen.")
        || stem.starts_with("codegen-")
        || stem.ends_with("codegen")
        || stem == "main" && path.contains(".storybook/")
}

/// The candidate strings of a reference file.
pub fn parse(path: &str, text: &str) -> ConfigRefs {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut strings: Vec<String> = if name == "package.json" {
        manifest_strings(text)
    } else {
        let mut out = quoted(text);
        let lower = name.to_ascii_lowercase();
        // Nx `nx:run-commands` and Angular builder options hold shell commands (`shx rm -rf
        // dist`): each word of them may be a package's command.
        if matches!(
            lower.as_str(),
            "project.json" | "workspace.json" | "angular.json"
        ) {
            let words: Vec<String> = out
                .iter()
                .filter(|s| s.contains(' '))
                .flat_map(|s| s.split_whitespace().map(str::to_string))
                .collect();
            out.extend(words);
        }
        if lower.ends_with(".yml") || lower.ends_with(".yaml") || !lower.contains('.') {
            out.extend(yaml_scalars(text));
        }
        out
    };
    strings.retain(|s| !s.is_empty() && s.len() <= MAX_STRING);
    strings.sort();
    strings.dedup();
    let lower = name.to_ascii_lowercase();
    let executors = if matches!(
        lower.as_str(),
        "project.json" | "workspace.json" | "angular.json"
    ) {
        executors(text)
    } else {
        Vec::new()
    };
    ConfigRefs {
        path: path.to_string(),
        strings,
        executors,
    }
}

/// The `executor`/`builder` of every target: `targets.<name>.executor` in a `project.json`,
/// and `projects.<name>.targets|architect.<name>.executor|builder` in a `workspace.json` or
/// `angular.json`. A local executor (`./tools/executors:build`, a path) names no package. Text
/// that is not JSON gives none.
fn executors(text: &str) -> Vec<Executor> {
    use crate::parse::json::{self, Dialect, Spans};
    use jsonc_parser::ast::Value;
    let Ok(Value::Object(root)) = json::parse(text, Dialect::Jsonc) else {
        return Vec::new();
    };
    let spans = Spans::new(text);
    let mut out = Vec::new();
    let mut targets_of = |project: &jsonc_parser::ast::Object<'_>| {
        for field in ["targets", "architect"] {
            let Some(Value::Object(targets)) = project.get(field).map(|p| &p.value) else {
                continue;
            };
            for target in &targets.properties {
                let Value::Object(target) = &target.value else {
                    continue;
                };
                for key in ["executor", "builder"] {
                    let Some(value) = target.get(key).map(|p| &p.value) else {
                        continue;
                    };
                    let Some(executor) = json::as_str(value) else {
                        continue;
                    };
                    if let Some(package) = executor_package(executor) {
                        out.push(Executor {
                            executor: executor.to_string(),
                            package: package.to_string(),
                            span: spans.of(json::range_of(value)),
                        });
                    }
                }
            }
        }
    };
    targets_of(&root);
    if let Some(Value::Object(projects)) = root.get("projects").map(|p| &p.value) {
        for project in &projects.properties {
            if let Value::Object(project) = &project.value {
                targets_of(project);
            }
        }
    }
    out
}

/// The package an executor string names: `@nx/jest:jest` → `@nx/jest`, `nx:run-commands` →
/// `nx`. None for a path (`./tools/executors:echo`) or a string that is no package name.
fn executor_package(executor: &str) -> Option<&str> {
    let (package, name) = executor.rsplit_once(':')?;
    (!name.is_empty() && crate::parse::package_json::is_package_name(package)).then_some(package)
}

/// The contents of every `'…'`, `"…"` and `` `…` `` on one line (no escapes interpreted; a
/// string never spans lines here).
fn quoted(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(start) = rest.find(['\'', '"', '`']) {
            let quote = rest[start..].chars().next().unwrap_or('"');
            let after = &rest[start + 1..];
            let Some(end) = after.find(quote) else {
                break;
            };
            out.push(after[..end].trim().to_string());
            rest = &after[end + 1..];
        }
    }
    out
}

/// Unquoted YAML scalars: list items (`- typescript`), flow items (`[typescript, add]`) and
/// mapping values and keys (`preset: client`, `- typescript-operations:`).
fn yaml_scalars(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or(line);
        if line.trim_start().starts_with('#') {
            continue;
        }
        for word in line.split([' ', ',', '[', ']', '{', '}', '\t']) {
            let word = word.trim_matches(|c| c == '-' || c == ':' || c == '\'' || c == '"');
            if !word.is_empty() {
                out.push(word.to_string());
            }
        }
    }
    out
}

/// Every string (values, and keys of objects below the top) under a package.json's tool
/// config fields.
fn manifest_strings(text: &str) -> Vec<String> {
    let Ok(serde_json::Value::Object(root)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for field in MANIFEST_CONFIG_FIELDS {
        if let Some(value) = root.get(*field) {
            collect_json(value, &mut out, 0);
        }
    }
    out
}

fn collect_json(value: &serde_json::Value, out: &mut Vec<String>, depth: usize) {
    if depth > crate::parse::MAX_NESTING {
        return;
    }
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => {
            for item in items {
                collect_json(item, out, depth + 1);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                out.push(key.clone());
                collect_json(item, out, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_files_by_name() {
        for path in [
            "apps/web/.eslintrc.json",
            ".eslintrc",
            "eslint.config.mjs",
            ".prettierrc.yaml",
            "babel.config.js",
            "postcss.config.cjs",
            "tailwind.config.ts",
            "codegen.yml",
            "packages/x/gql-codegen.yml",
            "prisma/schema.prisma",
            "src/styles.scss",
            "src/index.html",
            "angular.json",
            "apps/web/project.json",
            "ngsw-config.json",
            ".size-limit.json",
            "vitest.config.mts",
            "package.json",
        ] {
            assert!(is_reference_file(path), "{path}");
        }
        for path in [
            "src/main.ts",
            "src/app.component.css",
            "README.md",
            "data.json",
        ] {
            assert!(!is_reference_file(path), "{path}");
        }
    }

    #[test]
    fn strings_of_a_js_config_and_a_yaml_config() {
        let js = parse(
            "tailwind.config.js",
            "module.exports = { plugins: [require('@tailwindcss/forms'), require(\"daisyui\")] };\n",
        );
        assert_eq!(js.strings, ["@tailwindcss/forms", "daisyui"]);
        let yaml = parse(
            "codegen.yml",
            "generates:\n  src/gql.ts:\n    plugins:\n      - typescript\n      - add:\n          content: '// x'\n    config: [typescript-operations]\n",
        );
        for s in ["typescript", "add", "typescript-operations", "// x"] {
            assert!(
                yaml.strings.iter().any(|x| x == s),
                "{s}: {:?}",
                yaml.strings
            );
        }
    }

    #[test]
    fn the_commands_of_a_project_json_give_their_words() {
        let refs = parse(
            "apps/api/project.json",
            r#"{ "targets": { "clean": { "options": { "command": "shx rm -rf dist" } } } }"#,
        );
        assert!(
            refs.strings.iter().any(|s| s == "shx"),
            "{:?}",
            refs.strings
        );
    }

    #[test]
    fn executors_of_project_workspace_and_angular_files() {
        let refs = parse(
            "apps/api/project.json",
            "{\n  // a comment\n  \"targets\": {\n    \"lint\": { \"executor\": \"@nx/eslint:lint\" },\n    \"run\": { \"executor\": \"nx:run-commands\", \"options\": { \"executor\": \"@no/pe:x\" } },\n    \"local\": { \"executor\": \"./tools/x:y\" },\n    \"bare\": { \"executor\": \"no-colon\" }\n  }\n}\n",
        );
        let found: Vec<(&str, &str, u32)> = refs
            .executors
            .iter()
            .map(|e| (e.executor.as_str(), e.package.as_str(), e.span.line))
            .collect();
        assert_eq!(
            found,
            [
                ("@nx/eslint:lint", "@nx/eslint", 4),
                ("nx:run-commands", "nx", 5)
            ]
        );
        let angular = parse(
            "angular.json",
            r#"{ "projects": { "web": { "architect": { "build": { "builder": "@angular-devkit/build-angular:browser" } } } } }"#,
        );
        assert_eq!(angular.executors.len(), 1);
        assert_eq!(
            angular.executors[0].package,
            "@angular-devkit/build-angular"
        );
        assert!(parse("project.json", "{ not json").executors.is_empty());
        assert!(
            parse(
                "vite.config.json",
                r#"{ "targets": { "a": { "executor": "@nx/x:y" } } }"#
            )
            .executors
            .is_empty()
        );
    }

    #[test]
    fn a_manifest_gives_only_its_config_fields() {
        let refs = parse(
            "package.json",
            r#"{ "name": "x", "dependencies": { "jsdom": "1" }, "jest": { "testEnvironment": "jsdom" }, "prettier": "@acme/prettier-config" }"#,
        );
        assert_eq!(
            refs.strings,
            ["@acme/prettier-config", "jsdom", "testEnvironment"]
        );
        assert!(parse("package.json", "{ not json").strings.is_empty());
    }
}
