//! `nest/`: NestJS dependency injection, resolved the way Nest resolves it at boot
//! (`model::nest`), reported in Nest's own words so a finding can be matched against a boot log.

pub(crate) mod circular_import;
pub(crate) mod controller_not_in_module;
pub(crate) mod export_not_provided;
pub(crate) mod missing_health_endpoint;
pub(crate) mod primitive_injection;
pub(crate) mod provider_not_in_module;
pub(crate) mod unresolved_provider;

use crate::model::Model;
use crate::model::nest::{Consumer, ModuleId, ModuleKind, Nest, Site, Token};
use crate::rules::{Context, FindingBuilder, Subject};

/// The nest rules apply where there is NestJS code: the repository when it has a `@Module`
/// or a root, a service when its package has one.
pub(crate) fn applies(cx: &Context<'_>, subject: Subject<'_>) -> bool {
    let nest = &cx.model.nest;
    match subject {
        Subject::Repository => !nest.nest_packages.is_empty(),
        Subject::Service(service) => service
            .package
            .is_some_and(|p| nest.nest_packages.contains(&p)),
    }
}

/// The finding belongs to the package that owns source file `source`.
pub(crate) fn in_package(builder: FindingBuilder, model: &Model, source: usize) -> FindingBuilder {
    match model.sources[source]
        .package
        .and_then(|p| model.packages.get(p))
    {
        Some(package) => builder.package(package),
        None => builder,
    }
}

pub(crate) fn path(model: &Model, site: Site) -> &str {
    &model.sources[site.source].path
}

/// Whether a module's findings are Nest's at boot: the module is instantiated by a root of
/// the repository, or no root reaches it (its app lives elsewhere) and it is not merely the
/// static face of a module that is only ever imported dynamically.
pub(crate) fn is_judged(nest: &Nest, m: ModuleId) -> bool {
    let module = &nest.modules[m];
    match &module.kind {
        ModuleKind::Class(class) => {
            module.reachable
                || !nest.modules.iter().any(|other| {
                    other.reachable
                        || matches!(&other.kind, ModuleKind::Dynamic { class: c, .. } if c == class)
                        || other.imports.iter().any(|e| e.module == m)
                })
        }
        ModuleKind::Dynamic { .. } => module.reachable || !nest.modules.iter().any(|o| o.reachable),
        _ => false,
    }
}

/// The sentence that says a module is judged without a root.
pub(crate) fn unreached_note(nest: &Nest, m: ModuleId) -> &'static str {
    if nest.modules[m].reachable {
        ""
    } else {
        " (no `NestFactory.create` in this repository reaches this module, so it is judged on its own imports)"
    }
}

/// `(RedisHealthIndicator, ?)`: the consumer's dependencies as Nest lists them, `?` at the
/// failing index.
pub(crate) fn dependency_list(nest: &Nest, consumer: &Consumer, failing: usize) -> String {
    let names: Vec<String> = consumer
        .deps
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if i == failing {
                "?".to_string()
            } else {
                d.token
                    .as_ref()
                    .map_or_else(|| "+".to_string(), |t| nest.token_name(t))
            }
        })
        .collect();
    names.join(", ")
}

/// Nest's "can't resolve" sentence (Nest 11.1.16 and later; 12 says the same).
pub(crate) fn cannot_resolve(
    nest: &Nest,
    consumer: &Consumer,
    index: usize,
    token: &Token,
) -> String {
    let module = nest.modules[consumer.module].name.as_str();
    let list = dependency_list(nest, consumer, index);
    match token {
        Token::Object => format!(
            "Nest can't resolve dependencies of the {} ({list}). Please make sure that the argument at index [{index}] is available in the current module.",
            consumer.name
        ),
        _ => format!(
            "Nest can't resolve dependencies of the {} ({list}). Please make sure that the argument {} at index [{index}] is available in the {module} module.",
            consumer.name,
            nest.token_name(token)
        ),
    }
}

/// `text` with its first letter in upper case.
pub(crate) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The module's file and line, for messages (`src/health/health.module.ts:8`).
pub(crate) fn module_place(model: &Model, m: ModuleId) -> String {
    match model.nest.modules[m].site {
        Some(site) => format!("{}:{}", path(model, site), site.span.line),
        None => model.nest.modules[m].display(),
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Shared vector builders: small Nest apps written inline.
    use crate::rules::testing::Repo;

    pub(crate) const PACKAGE: &str = r#"{
  "name": "api",
  "private": true,
  "scripts": { "start": "node dist/main.js" },
  "dependencies": {
    "@nestjs/common": "^11.0.0",
    "@nestjs/core": "^11.0.0",
    "@nestjs/config": "^4.0.0",
    "@nestjs/terminus": "^11.0.0",
    "reflect-metadata": "^0.2.0"
  }
}"#;

    pub(crate) const TSCONFIG: &str = r#"{ "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true } }"#;

    /// The Nest-verified scenarios that boot (`tests/fixtures/nest/boots-*`).
    pub(crate) fn boots() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nest");
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("boots-"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The boots scenarios as `quiet` cases: Nest boots them, so no nest/ rule may fire.
    pub(crate) fn boots_cases() -> Vec<crate::rules::testing::Case> {
        boots()
            .into_iter()
            .map(|name| {
                let repo = Repo::fixture(&format!("nest/{name}"));
                // Case names are static; these few live for the test run.
                crate::rules::testing::case(Box::leak(name.into_boxed_str()), repo)
            })
            .collect()
    }

    /// A Nest app: package.json, tsconfig, `src/main.ts` bootstrapping `AppModule` from
    /// `src/app.module.ts`, plus `files`.
    pub(crate) fn app(files: &[(&str, &str)]) -> Repo {
        let mut repo = Repo::new()
            .file("package.json", PACKAGE)
            .file("tsconfig.json", TSCONFIG)
            .file(
                "src/main.ts",
                "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  await app.listen(3000);\n}\nbootstrap();\n",
            );
        for (path, text) in files {
            repo = repo.file(path, text);
        }
        repo
    }
}
