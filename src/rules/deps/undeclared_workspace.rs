use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::{SourceClass, Target};
use crate::paths;
use crate::rules::deps::common::{
    declaration, group_sites, is_bundled, more_sites, uses_nx, workspace_spec,
};
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags runtime code that imports a sibling workspace package — by its name, or through a
    /// tsconfig `paths` alias that lands in another workspace — without declaring it
    /// (`"@acme/shared": "workspace:*"` or a version). Not checked for packages whose build
    /// bundles their imports, nor in Nx workspaces, where Nx derives the build graph from
    /// the imports themselves.
    ///
    /// ## Why is this bad?
    /// Build orchestrators (`turbo`, `nx`, `pnpm --filter "app..."`) order builds by declared
    /// dependencies, and isolated installs (`pnpm deploy`, Docker stages) copy only declared
    /// workspaces: the shared package is not built, or not there, when the service needs it.
    ///
    /// ## Example
    /// ```ts
    /// // apps/finance/src/ledger.ts
    /// import { Money } from '@acme/shared'; // apps/finance/package.json does not declare it
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "dependencies": { "@acme/shared": "workspace:*" } }
    /// ```
    pub struct UndeclaredWorkspace {
        id: "deps/undeclared-workspace",
        category: Dependencies,
        severity: Error,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "a sibling workspace package is imported without being declared",
    }
}

impl Rule for UndeclaredWorkspace {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let groups = group_sites(model, |source, import| {
            let Target::Workspace(target) = import.target else {
                return None;
            };
            let importer = source.package?;
            let name = model.packages[target].manifest.name.as_ref()?;
            let package = &model.packages[importer];
            let related = target != importer
                && package.workspace.is_some()
                && package.workspace == model.packages[target].workspace;
            if !import.runtime
                || source.class != SourceClass::Runtime
                || !related
                || declaration(package, &name.value).is_some()
            {
                return None;
            }
            // Bundlers resolve the import themselves, and Nx orders builds by the imports it
            // sees in the source, so neither needs the declaration to build in order.
            if is_bundled(model, package) || uses_nx(model, package) {
                return None;
            }
            Some(name.value.clone())
        });
        for ((index, name), sites) in groups {
            let package = &model.packages[index];
            let Some((source, import)) = sites.first() else {
                continue;
            };
            let Some(target) = model.package_named(&name) else {
                continue;
            };
            let via = if import.import.specifier.starts_with(&name) {
                String::new()
            } else {
                format!(" (through the path alias `{}`)", import.import.specifier)
            };
            out.push(
                FindingBuilder::new(
                    &Self::META,
                    &source.path,
                    import.import.span,
                    format!("{}:{name}", package.dir),
                    format!(
                        "workspace package `{name}` ({}) is imported{via} but not declared in {}{}",
                        paths::display_dir(&target.dir),
                        package.manifest.path,
                        more_sites(&sites)
                    ),
                )
                .help(format!(
                    "add \"{name}\": \"{}\" to {} dependencies",
                    workspace_spec(model, package, target),
                    package.manifest.path
                ))
                .package(package)
                .build(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::UndeclaredWorkspace;
    use crate::rules::deps::common::incident;
    use crate::rules::testing::{Repo, Vectors, case};

    const FINANCE: &str = r#"{
  "name": "@acme/finance",
  "scripts": { "build": "tsc", "start": "node dist/main.js" },
  "dependencies": {
    "express": "^4.19.2"
  }
}"#;

    /// A pnpm workspace with the shared package `@acme/shared` and the service `apps/finance`,
    /// which does not declare it; `ledger` is the service's `src/ledger.ts`.
    fn finance(ledger: &str) -> Repo {
        Repo::new()
            .file("package.json", r#"{ "name": "acme", "private": true }"#)
            .file(
                "pnpm-workspace.yaml",
                "packages:\n  - 'apps/*'\n  - 'packages/*'\n",
            )
            .file(
                "packages/shared/package.json",
                r#"{ "name": "@acme/shared", "version": "1.0.0", "main": "dist/index.js", "scripts": { "build": "tsc" } }"#,
            )
            .file("packages/shared/src/index.ts", "export const money = 100;\n")
            .file("packages/shared/src/money.ts", "export class Money {}\n")
            .file("apps/finance/package.json", FINANCE)
            .file("apps/finance/src/ledger.ts", ledger)
    }

    /// `finance` declaring `@acme/shared` as `spec`.
    fn declaring(repo: Repo, spec: &str) -> Repo {
        repo.file(
            "apps/finance/package.json",
            &FINANCE.replace(
                r#""express": "^4.19.2""#,
                &format!(
                    r#""express": "^4.19.2",
    "@acme/shared": "{spec}""#
                ),
            ),
        )
    }

    /// The same repository installed by npm (`workspaces` in the root package.json).
    fn with_npm(repo: Repo) -> Repo {
        repo.without("pnpm-workspace.yaml").file(
            "package.json",
            r#"{ "name": "acme", "private": true, "workspaces": ["apps/*", "packages/*"] }"#,
        )
    }

    const BY_NAME: &str = "import { money } from '@acme/shared';\nexport const total = money;\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case("a sibling imported by name", finance(BY_NAME)),
                case(
                    "a tsconfig path alias that lands in another workspace",
                    finance("import { Money } from '@shared/money';\nexport const m = new Money();\n")
                        .file(
                            "apps/finance/tsconfig.json",
                            r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@shared/*": ["../../packages/shared/src/*"] } } }"#,
                        ),
                ),
                case(
                    "npm workspaces: the fix names the version, not workspace:",
                    with_npm(finance(BY_NAME)),
                ),
                case(
                    "the prom-client incident: billing imports @acme/shared",
                    Repo::fixture("pnpm-undeclared-prom-client"),
                ),
            ],
            quiet: vec![
                case(
                    "the seed data a prisma.seed entry loads from the seed/ folder beside it",
                    finance("export {};\n")
                        .file(
                            "apps/finance/package.json",
                            &FINANCE.replace(
                                r#""scripts": {"#,
                                r#""prisma": { "seed": "tsx ./seed-database.ts" },
  "scripts": {"#,
                            ),
                        )
                        .file(
                            "apps/finance/seed-database.ts",
                            "import { readdirSync } from 'node:fs';\nfor (const f of readdirSync('./seed')) require(`./seed/${f}`);\n",
                        )
                        .file("apps/finance/seed/ledgers.ts", BY_NAME),
                ),
                case(
                    "declared as workspace:*",
                    declaring(finance(BY_NAME), "workspace:*"),
                ),
                case(
                    "declared with a version (npm)",
                    with_npm(declaring(finance(BY_NAME), "^1.0.0")),
                ),
                case(
                    "type-only imports are erased",
                    finance("import type { Money } from '@acme/shared';\nexport type M = Money;\n"),
                ),
                case(
                    "tests and scripts may import siblings",
                    finance("export {};\n")
                        .file(
                            "apps/finance/src/ledger.spec.ts",
                            "import { money } from '@acme/shared';\nit('adds', () => expect(money).toBe(100));\n",
                        )
                        .file(
                            "apps/finance/scripts/seed.ts",
                            "import { money } from '@acme/shared';\nconsole.log(money);\n",
                        ),
                ),
                case(
                    "a package importing itself by name",
                    finance("export {};\n").file(
                        "packages/shared/src/re-export.ts",
                        "export { money } from '@acme/shared';\n",
                    ),
                ),
                case(
                    "a bundled app: the bundler resolves the sibling",
                    finance(BY_NAME).file(
                        "apps/finance/package.json",
                        &FINANCE.replace(r#""build": "tsc""#, r#""build": "vite build""#),
                    ),
                ),
                case(
                    "an Nx workspace orders builds by the imports",
                    finance(BY_NAME).file("nx.json", "{}\n"),
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
    fn on_the_prom_client_incident_billing_imports_an_undeclared_sibling() {
        // auth declares `@acme/shared` (workspace:*); billing imports it without declaring it.
        assert_eq!(
            incident::check(&UndeclaredWorkspace),
            [(
                "error".to_string(),
                "services/billing/src/index.ts:2".to_string()
            )]
        );
    }
}
