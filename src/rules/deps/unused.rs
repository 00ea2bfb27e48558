use std::collections::BTreeSet;

use crate::data::{self, config_referenced::CONFIG_REFERENCED};
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Target;
use crate::model::{Model, Package};
use crate::parse::dockerfile::{CommandForm, Op};
use crate::parse::package_json::DepKind;
use crate::parse::shell;
use crate::paths;
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a declared dependency (`dependencies`, `devDependencies`,
    /// `optionalDependencies`) of a workspace package that nothing uses: no source file of the
    /// package imports it (type imports count), no script of the package or the root names it
    /// or its binary, no Dockerfile of its services mentions it. `@types/x` counts as used
    /// when `x` is, or when the tsconfig does not restrict `types` (TypeScript then loads every
    /// `@types` package). Tooling that is referenced from configuration rather than imported
    /// (linters and their plugins, test runners, bundler plugins, compilers) is never flagged,
    /// and neither are workspace roots, whose dependencies serve every member.
    ///
    /// ## Why is this bad?
    /// Every unused dependency is install time, image size and attack surface, and it hides
    /// which packages a service really needs.
    ///
    /// ## Example
    /// ```json
    /// { "dependencies": { "moment": "^2.30.1" } }
    /// ```
    /// in a package whose code no longer imports `moment`.
    ///
    /// ## Use instead
    /// Remove it (`pnpm remove moment`, `npm uninstall moment -w <workspace>`).
    pub struct Unused {
        id: "deps/unused",
        category: Dependencies,
        severity: Info,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "a declared dependency is used by no source file, script, config or Dockerfile",
    }
}

fn config_referenced(name: &str) -> bool {
    data::names(CONFIG_REFERENCED).any(|p| {
        if p.ends_with('/') || p.ends_with('-') {
            name.starts_with(p)
        } else {
            name == p || name.starts_with(&format!("{p}-"))
        }
    }) || name.contains("plugin")
        || name.contains("preset")
        || name.contains("config")
        || name.ends_with("-loader")
}

impl Rule for Unused {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let imported = imported_by_package(model);
        let root_scripts: Vec<&str> = model
            .workspaces
            .iter()
            .filter_map(|w| w.package)
            .flat_map(|i| {
                model.packages[i]
                    .manifest
                    .scripts
                    .iter()
                    .map(|s| s.command.as_str())
            })
            .collect();
        for (index, package) in model.packages.iter().enumerate() {
            let is_root = model
                .workspaces
                .iter()
                .any(|w| w.package == Some(index) && w.members.len() > 1);
            // Without any source file the package's code is not in the repository to judge.
            let Some(used) = imported.get(index).filter(|u| !u.is_empty()) else {
                continue;
            };
            if is_root {
                continue;
            }
            let restricted_types = model
                .tsconfig_for(&format!("{}/index.ts", package.dir))
                .and_then(|t| t.types.clone());
            for dep in package
                .manifest
                .dependencies
                .iter()
                .filter(|d| d.kind != DepKind::Peer)
            {
                let name = dep.name.as_str();
                if used.contains(name) || config_referenced(name) && !name.starts_with("@types/") {
                    continue;
                }
                if let Some(base) = name.strip_prefix("@types/") {
                    let base_name = types_package_base(base);
                    let listed = restricted_types
                        .as_ref()
                        .is_none_or(|t| t.iter().any(|x| x == base));
                    if listed || used.contains(&base_name) {
                        continue;
                    }
                }
                if mentioned(model, package, name, &root_scripts) {
                    continue;
                }
                out.push(
                    FindingBuilder::new(
                        &Self::META,
                        &package.manifest.path,
                        dep.span,
                        format!("{}:{name}", package.dir),
                        format!(
                            "`{name}` is declared in {} but nothing in {} uses it",
                            dep.kind.field(),
                            paths::display_dir(&package.dir)
                        ),
                    )
                    .help(format!(
                        "remove \"{name}\" from {} {}",
                        package.manifest.path,
                        dep.kind.field()
                    ))
                    .package(package)
                    .build(),
                );
            }
        }
    }
}

/// `@types/babel__core` types `@babel/core`.
fn types_package_base(base: &str) -> String {
    match base.split_once("__") {
        Some((scope, name)) => format!("@{scope}/{name}"),
        None => base.to_string(),
    }
}

/// Package names each package's own source files reference, type-only imports included.
fn imported_by_package(model: &Model) -> Vec<BTreeSet<String>> {
    let mut used = vec![BTreeSet::new(); model.packages.len()];
    for source in &model.sources {
        let Some(index) = source.package else {
            continue;
        };
        for import in &source.imports {
            let name = match &import.target {
                Target::Package(name) => name.clone(),
                Target::Workspace(i) => match &model.packages[*i].manifest.name {
                    Some(n) => n.value.clone(),
                    None => continue,
                },
                _ => crate::parse::tsconfig::split_package_specifier(&import.import.specifier)
                    .0
                    .to_string(),
            };
            used[index].insert(name);
        }
    }
    used
}

/// Named in a script (as the package or its likely binary), or in a Dockerfile of the package.
fn mentioned(model: &Model, package: &Package, name: &str, root_scripts: &[&str]) -> bool {
    let short = name.rsplit('/').next().unwrap_or(name);
    let in_text = |text: &str| {
        text.contains(name)
            || text
                .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
                .any(|w| w == short)
    };
    if package.manifest.scripts.iter().any(|s| in_text(&s.command))
        || root_scripts.iter().any(|s| in_text(s))
    {
        return true;
    }
    // The commands a Dockerfile of the package runs (RUN, CMD, ENTRYPOINT, HEALTHCHECK),
    // word by word.
    model
        .dockerfiles
        .iter()
        .filter(|d| paths::is_within(&d.path, &package.dir))
        .any(|d| {
            d.instructions.iter().any(|i| {
                let script = match &i.op {
                    Op::Run(run) => run.script.clone(),
                    Op::Cmd(form) | Op::Entrypoint(form) => form_text(form),
                    Op::Healthcheck(Some(hc)) => form_text(&hc.cmd),
                    _ => return false,
                };
                shell::commands(&script)
                    .iter()
                    .any(|c| c.words.iter().any(|w| in_text(w)))
            })
        })
}

fn form_text(form: &CommandForm) -> String {
    match form {
        CommandForm::Exec(words) => words
            .iter()
            .map(|w| shell::quote(w))
            .collect::<Vec<_>>()
            .join(" "),
        CommandForm::Shell(text) => text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::Unused;
    use crate::rules::deps::common::incident;
    use crate::rules::testing::{Repo, Vectors, case};

    /// An npm workspace whose `apps/api` declares `manifest` (the body of its package.json
    /// after the name and scripts) and whose `src/main.ts` imports `express`.
    fn api(manifest: &str) -> Repo {
        api_running(r#""build": "tsc", "start": "node dist/main.js""#, manifest)
    }

    /// `api` with `scripts` as the body of its `scripts`.
    fn api_running(scripts: &str, manifest: &str) -> Repo {
        Repo::new()
            .file(
                "package.json",
                r#"{ "name": "acme", "private": true, "workspaces": ["apps/*"] }"#,
            )
            .file(
                "apps/api/package.json",
                &format!(
                    "{{\n  \"name\": \"api\",\n  \"scripts\": {{ {scripts} }},\n{manifest}\n}}\n"
                ),
            )
            .file(
                "apps/api/src/main.ts",
                "import express from 'express';\nexpress().listen(3000);\n",
            )
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a dependency nothing imports",
                    api(r#"  "dependencies": {
    "express": "^4.19.2",
    "moment": "^2.30.1"
  }"#),
                ),
                case(
                    "a devDependency nothing uses",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "supertest": "^7.0.0"
  }"#),
                ),
                case(
                    "@types/x for an unused x, where tsconfig restricts types",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "@types/lodash": "^4.17.0"
  }"#)
                    .file(
                        "apps/api/tsconfig.json",
                        r#"{ "compilerOptions": { "types": ["node"] } }"#,
                    ),
                ),
                case(
                    "a standalone package",
                    Repo::new()
                        .file(
                            "package.json",
                            r#"{
  "name": "worker",
  "scripts": { "start": "node index.js" },
  "dependencies": {
    "axios": "^1.7.2"
  }
}"#,
                        )
                        .file("index.js", "const os = require('os');\nconsole.log(os.hostname());\n"),
                ),
                case(
                    "the prom-client incident: moment",
                    Repo::fixture("pnpm-undeclared-prom-client"),
                ),
            ],
            quiet: vec![
                case(
                    "imported, type-only imports and npm aliases included",
                    api(r#"  "dependencies": {
    "express": "^4.19.2",
    "utils": "npm:lodash@^4.17.21"
  },
  "devDependencies": { "class-validator": "^0.14.1" }"#)
                    .file(
                        "apps/api/src/dto.ts",
                        "import type { ValidatorOptions } from 'class-validator';\nimport { chunk } from 'utils';\nexport const o: ValidatorOptions = {};\nexport const c = chunk;\n",
                    ),
                ),
                case(
                    "a binary named in the package's or the root's scripts",
                    api_running(
                        r#""start": "node dist/main.js", "migrate": "knex migrate:latest""#,
                        r#"  "dependencies": { "express": "^4.19.2", "knex": "^3.1.0" },
  "devDependencies": { "openapi-typescript": "^7.0.0" }"#,
                    )
                    .file(
                        "package.json",
                        r#"{ "name": "acme", "private": true, "workspaces": ["apps/*"],
                             "scripts": { "gen": "openapi-typescript api.yaml -o apps/api/src/api.d.ts" } }"#,
                    ),
                ),
                case(
                    "a program the package's Dockerfile runs",
                    api(r#"  "dependencies": {
    "express": "^4.19.2",
    "pm2": "^5.4.0"
  }"#)
                    .file(
                        "apps/api/Dockerfile",
                        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD [\"pm2-runtime\", \"dist/main.js\"]\n",
                    ),
                ),
                case(
                    "@types/x for a used x, or listed in the tsconfig's types",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "@types/express": "^4.17.21",
    "@types/jest": "^29.5.12"
  }"#)
                    .file(
                        "apps/api/tsconfig.json",
                        r#"{ "compilerOptions": { "types": ["node", "jest"] } }"#,
                    ),
                ),
                case(
                    "any @types package when the tsconfig does not restrict types",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "@types/jest": "^29.5.12"
  }"#),
                ),
                case(
                    "tooling referenced from configuration",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "eslint-plugin-import": "^2.29.1",
    "@babel/preset-env": "^7.24.0",
    "ts-jest": "^29.1.2",
    "typescript": "^5.4.5"
  }"#),
                ),
                case(
                    "peer dependencies are the consumer's to install",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "peerDependencies": { "reflect-metadata": "^0.2.0", "rxjs": "^7.8.1" }"#),
                ),
                case(
                    "a workspace root's dependencies serve every member",
                    api(r#"  "dependencies": { "express": "^4.19.2" }"#)
                        .file(
                            "package.json",
                            r#"{ "name": "acme", "private": true, "workspaces": ["apps/*"],
                                 "dependencies": { "moment": "^2.30.1" } }"#,
                        )
                        .file("index.ts", "import { readFileSync } from 'node:fs';\nreadFileSync('x');\n"),
                ),
                case(
                    "a package whose code is not in the repository",
                    api(r#"  "dependencies": { "express": "^4.19.2", "moment": "^2.30.1" }"#)
                        .without("apps/api/src/main.ts"),
                ),
                case("a single-package repository", Repo::fixture("single-package-express")),
                case(
                    "Nx integrated repository declaring everything at the root",
                    Repo::fixture("nx-integrated-root-deps"),
                ),
                // Vue/Svelte/Astro (sfc)
                case(
                    "a dependency used only in a Vue component's template",
                    api(r#"  "dependencies": { "express": "^4.19.2", "vue-github-button": "^3.1.0" }"#)
                        .file(
                            "apps/api/src/Star.vue",
                            "<template>\n  <GithubButton href=\"https://example.com\" />\n</template>\n<script setup lang=\"ts\">\nimport GithubButton from 'vue-github-button';\n</script>\n",
                        ),
                ),
                case(
                    "dependencies used only in a Svelte component and an Astro page",
                    api(r#"  "dependencies": { "express": "^4.19.2", "chart.js": "^4.4.0", "canvas-confetti": "^1.9.0" }"#)
                        .file(
                            "apps/api/src/Chart.svelte",
                            "<script lang=\"ts\">\n  import { Chart } from 'chart.js';\n</script>\n<canvas />\n",
                        )
                        .file(
                            "apps/api/src/pages/index.astro",
                            "---\nconst title = 'Home';\n---\n<h1>{title}</h1>\n<script>\n  import confetti from 'canvas-confetti';\n  confetti();\n</script>\n",
                        ),
                ),
            ],
        }
    }

    #[test]
    fn on_the_prom_client_incident_only_moment() {
        // `utils-alias` is used through its npm alias, `@types/express` with `express`,
        // `supertest` by the e2e test and `ts-jest` by the Jest preset.
        assert_eq!(
            incident::check(&Unused),
            [(
                "info".to_string(),
                "services/auth/package.json:18".to_string()
            )]
        );
    }
}
