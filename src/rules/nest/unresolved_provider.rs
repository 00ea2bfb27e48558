use crate::data::nest_modules;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::model::nest::{Consumer, ModuleKind, Nest, Role, Token, Why};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Resolves every constructor dependency of every provider, controller and enhancer in
    /// the module context Nest resolves it in, the way Nest's injector does at boot: the
    /// module's own providers, then each imported module that both provides and exports the
    /// token (descending into the modules it re-exports), then the global modules the
    /// application imports. Guards, interceptors, pipes and filters named by class resolve in
    /// the module of the controller that uses them; constructors are inherited through
    /// `extends`; `imports` inside `registerAsync({ imports })` feed only that module.
    ///
    /// ## Why is this bad?
    /// Nest reports a missing provider only when the application boots, one at a time:
    /// `Nest can't resolve dependencies of the HealthController (RedisHealthIndicator, ?)`.
    /// In production that is a crash loop. The message names the token, the index and the
    /// module, as Nest would, then says why it is missing and what to change.
    ///
    /// A module, token or decorator seaworthy cannot see into (a library module it does not
    /// know, a spread of a function's result) may provide anything, so it never causes this
    /// finding.
    ///
    /// ## Example
    /// ```ts
    /// @Module({
    ///   imports: [TerminusModule],
    ///   controllers: [HealthController], // injects KafkaHealthIndicator
    ///   providers: [
    ///     RedisHealthIndicator,
    ///     // KafkaHealthIndicator,
    ///   ],
    /// })
    /// export class HealthModule {}
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// @Module({
    ///   imports: [TerminusModule],
    ///   controllers: [HealthController],
    ///   providers: [RedisHealthIndicator, KafkaHealthIndicator],
    /// })
    /// export class HealthModule {}
    /// ```
    pub struct UnresolvedProvider {
        id: "nest/unresolved-provider",
        category: Nestjs,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Source { dts: false }],
        summary: "a constructor dependency that its module context cannot supply",
    }
}

impl Rule for UnresolvedProvider {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let nest = &model.nest;
        let mut seen = std::collections::BTreeSet::new();
        for consumer in &nest.consumers {
            if !super::is_judged(nest, consumer.module) {
                continue;
            }
            for (index, dep) in consumer.deps.iter().enumerate() {
                let Some(token) = &dep.token else { continue };
                if dep.optional || !judged_token(token) {
                    continue;
                }
                let itself = consumer.class.is_some_and(|c| token == &Token::Class(c))
                    && consumer.role != Role::Alias;
                if !itself
                    && nest.lookup(consumer.module, token) != crate::model::nest::Lookup::Missing
                {
                    continue;
                }
                let found = finding(model, consumer, index, token, itself);
                // One module class imported dynamically twice in one file is one context.
                if seen.insert((found.key.clone(), found.location.clone())) {
                    out.push(found);
                }
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        super::applies(cx, subject)
    }
}

/// Tokens this rule judges: primitives are `nest/primitive-injection`'s; a class of an
/// external package only when the built-in table knows which module provides it.
fn judged_token(token: &Token) -> bool {
    match token {
        Token::Primitive(_) => false,
        Token::External { package, name } => nest_modules::is_known_token(package, name),
        _ => true,
    }
}

fn finding(
    model: &Model,
    consumer: &Consumer,
    index: usize,
    token: &Token,
    itself: bool,
) -> Finding {
    let nest = &model.nest;
    let dep = &consumer.deps[index];
    let module = &nest.modules[consumer.module];
    let module_name = module.display();
    let label = nest.token_label(token);
    let module_file = module
        .site
        .map(|s| super::path(model, s).to_string())
        .unwrap_or_default();
    let (why, fix, related) = if itself {
        (
            format!("{} asks for itself", consumer.name),
            format!(
                "remove the parameter, or inject what {} needs instead",
                consumer.name
            ),
            None,
        )
    } else if *token == Token::Object {
        (
            "the parameter's type is an interface, a type alias, `any` or an `import type`, which compiles to `Object`, and no token names it".to_string(),
            "inject it with `@Inject(TOKEN)` and provide TOKEN, or type it with a class (imported with a plain `import`)".to_string(),
            None,
        )
    } else {
        explain(
            model,
            nest,
            consumer,
            token,
            &label,
            &module_name,
            &module_file,
        )
    };
    let message = format!(
        "{} {}{}{}.",
        super::cannot_resolve(nest, consumer, index, token),
        super::capitalized(&why),
        match consumer.role {
            Role::Enhancer => format!(
                " ({} is an enhancer of a controller or provider of {module_name}, so it resolves there)",
                consumer.name
            ),
            _ => String::new(),
        },
        super::unreached_note(nest, consumer.module),
    );
    let key = format!(
        "{module_file}:{module_name}|{}|{}",
        nest.token_name(token),
        consumer.name
    );
    let mut builder = FindingBuilder::new(
        &UnresolvedProvider::META,
        super::path(model, dep.site),
        dep.site.span,
        key,
        message,
    )
    .help(fix);
    builder = super::in_package(builder, model, dep.site.source);
    if let Some(site) = module.site {
        builder = builder.related(
            super::path(model, site),
            site.span.line,
            format!("the module context: {module_name}"),
        );
    }
    if consumer.site != dep.site {
        builder = builder.related(
            super::path(model, consumer.site),
            consumer.site.span.line,
            format!("{} is listed here", consumer.name),
        );
    }
    if let Some((path, line, text)) = related {
        builder = builder.related(&path, line, text);
    }
    builder.build()
}

/// The reason, the fix, and where the token is supplied (if anywhere).
fn explain(
    model: &Model,
    nest: &Nest,
    consumer: &Consumer,
    token: &Token,
    label: &str,
    module_name: &str,
    module_file: &str,
) -> (String, String, Option<(String, u32, String)>) {
    let place = |m: usize| super::module_place(model, m);
    let site_of = |m: usize, text: String| {
        nest.modules[m]
            .site
            .map(|s| (super::path(model, s).to_string(), s.span.line, text))
    };
    match nest.explain(consumer.module, token) {
        Why::CommentedOut { line } => (
            format!("{label} is commented out of `providers` on line {line}"),
            format!("add {label} to providers in {module_file}"),
            None,
        ),
        Why::OnlyInOptions { host, module } => {
            let host_name = nest.modules[host].display();
            let supplier = nest.modules[module].display();
            (
                format!(
                    "{supplier} is imported only inside the options of {host_name}, which feed only that module's factory"
                ),
                format!(
                    "import {} in {module_name} ({module_file})",
                    nest.modules[module].name
                ),
                site_of(
                    host,
                    format!("{supplier} is imported here, for {host_name} only"),
                ),
            )
        }
        Why::NotExported { module } => {
            let name = nest.modules[module].display();
            (
                format!("{label} is provided in {name}, but {name} does not export it"),
                format!("add {label} to the exports of {name} ({})", place(module)),
                site_of(
                    module,
                    format!("{name} provides {label} without exporting it"),
                ),
            )
        }
        Why::NotReExported { via, module } => {
            let via_name = nest.modules[via].display();
            let name = nest.modules[module].display();
            (
                format!(
                    "{name} exports {label}, and {via_name} imports {name} but does not re-export it"
                ),
                format!(
                    "import {name} in {module_name} ({module_file}), or add {name} to the exports of {via_name}"
                ),
                site_of(module, format!("{name} exports {label}")),
            )
        }
        Why::GlobalNotImported { module } => {
            let name = nest.modules[module].display();
            (
                format!(
                    "{name} is global and exports {label}, but no module of the application imports {name}, and a global module counts only once it is imported"
                ),
                format!("import {name} once, in the root module"),
                site_of(module, format!("{name} is declared here")),
            )
        }
        Why::NotImported { module } => {
            let supplier = &nest.modules[module];
            let name = supplier.display();
            let not_global = match &supplier.kind {
                ModuleKind::Library {
                    global_option: Some(option),
                    ..
                } => format!(" ({name} is not global: `{option}` is not set)"),
                _ => String::new(),
            };
            (
                format!(
                    "{} exports {label}, but {module_name} does not import it{not_global}",
                    name
                ),
                format!("import {} in {module_name} ({module_file})", supplier.name),
                site_of(module, format!("{name} exports {label}")),
            )
        }
        Why::Nowhere if matches!(token, Token::ModuleOptions { .. }) => (
            format!(
                "{label} is provided only by the dynamic module that the ConfigurableModuleBuilder's static methods return, and {module_name} is imported as a plain class"
            ),
            format!(
                "import {module_name}.register(…) (or the method `setClassMethodName` names) instead of {module_name}"
            ),
            None,
        ),
        Why::Nowhere => match library_feature(token) {
            Some((decorator, import)) => (
                format!("no module provides {label}: {module_name} imports no {import}"),
                format!("for {decorator}, import {import} in {module_name} ({module_file})"),
                None,
            ),
            None => (
                format!("no module provides {label}"),
                format!("add {label} to providers in {module_file}"),
                None,
            ),
        },
    }
}

/// The library registration a derived token comes from (`"UserRepository"` is what
/// `@InjectRepository(User)` asks for, and `TypeOrmModule.forFeature([User])` provides).
fn library_feature(token: &Token) -> Option<(String, String)> {
    let Token::Str(s) = token else { return None };
    if let Some(queue) = s.strip_prefix("BullQueue_") {
        return Some((
            format!("@InjectQueue('{queue}')"),
            format!("BullModule.registerQueue({{ name: '{queue}' }})"),
        ));
    }
    if let Some(entity) = s
        .strip_suffix("Repository")
        .filter(|e| !e.is_empty() && !e.contains('_'))
    {
        return Some((
            format!("@InjectRepository({entity})"),
            format!("TypeOrmModule.forFeature([{entity}])"),
        ));
    }
    if let Some(model) = s
        .strip_suffix("Model")
        .filter(|m| !m.is_empty() && !m.contains('/'))
    {
        return Some((
            format!("@InjectModel('{model}')"),
            format!("MongooseModule.forFeature([{{ name: '{model}', … }}])"),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::UnresolvedProvider;
    use crate::rules::nest::fixtures::app;
    use crate::rules::testing::{Repo, Vectors, case, places};

    /// The Nest-verified scenarios (`scripts/nest-differential.sh` recorded what Nest says).
    const FIRES: &[&str] = &[
        "fails-incident-kafka-commented-out",
        "fails-provided-not-exported",
        "fails-exported-not-imported",
        "fails-not-reexported",
        "fails-global-never-imported",
        "fails-config-not-global",
        "fails-config-only-in-jwt-async",
        "fails-guard-on-controller-missing-dep",
        "fails-guard-on-method-missing-dep",
        "fails-inherited-deps-missing",
        "fails-use-existing-target-missing",
        "fails-factory-inject-missing",
        "fails-string-token-missing",
        "fails-symbol-token-missing",
        "fails-interface-parameter",
        "fails-inject-repository-without-feature",
        "fails-inject-queue-without-register",
        "fails-self-injection",
        "fails-spread-const-missing",
        "fails-cross-package-not-exported",
    ];

    pub(super) fn vectors() -> Vectors {
        let mut fires: Vec<_> = FIRES
            .iter()
            .map(|name| case(name, Repo::fixture(&format!("nest/{name}"))))
            .collect();
        fires.push(case(
            "a service injected in another module's provider, never imported",
            app(&[
                (
                    "src/app.module.ts",
                    "import { Module } from '@nestjs/common';\nimport { UsersModule } from './users/users.module';\nimport { OrdersModule } from './orders/orders.module';\n@Module({ imports: [UsersModule, OrdersModule] })\nexport class AppModule {}\n",
                ),
                (
                    "src/users/users.module.ts",
                    "import { Module } from '@nestjs/common';\nimport { UsersService } from './users.service';\n@Module({ providers: [UsersService], exports: [UsersService] })\nexport class UsersModule {}\n",
                ),
                (
                    "src/users/users.service.ts",
                    "import { Injectable } from '@nestjs/common';\n@Injectable()\nexport class UsersService {}\n",
                ),
                (
                    "src/orders/orders.module.ts",
                    "import { Module } from '@nestjs/common';\nimport { OrdersService } from './orders.service';\n@Module({ providers: [OrdersService] })\nexport class OrdersModule {}\n",
                ),
                (
                    "src/orders/orders.service.ts",
                    "import { Injectable } from '@nestjs/common';\nimport { UsersService } from '../users/users.service';\n@Injectable()\nexport class OrdersService {\n  constructor(private readonly users: UsersService) {}\n}\n",
                ),
            ]),
        ));
        fires.push(case(
            "a ConfigurableModuleBuilder module imported as a class: no options provider",
            Repo::fixture("nest/boots-configurable-module-builder").file(
                "src/app.module.ts",
                "import { Module } from '@nestjs/common';\nimport { WebhooksModule } from './webhooks/webhooks.module';\n@Module({ imports: [WebhooksModule] })\nexport class AppModule {}\n",
            ),
        ));
        let mut quiet = crate::rules::nest::fixtures::boots_cases();
        quiet.push(case(
            "an unknown library module may provide anything",
            app(&[
                (
                    "src/app.module.ts",
                    "import { Module } from '@nestjs/common';\nimport { ClsModule } from 'nestjs-cls';\nimport { S } from './s';\n@Module({ imports: [ClsModule.forRoot({ global: true })], providers: [S] })\nexport class AppModule {}\n",
                ),
                (
                    "src/s.ts",
                    "import { Injectable } from '@nestjs/common';\nimport { ClsService } from 'nestjs-cls';\n@Injectable()\nexport class S { constructor(private readonly cls: ClsService) {} }\n",
                ),
            ]),
        ));
        quiet.push(case(
            "providers from a function call cannot be judged",
            app(&[
                (
                    "src/app.module.ts",
                    "import { Module } from '@nestjs/common';\nimport { S } from './s';\nimport { makeProviders } from './make';\n@Module({ providers: [S, ...makeProviders()] })\nexport class AppModule {}\n",
                ),
                (
                    "src/s.ts",
                    "import { Injectable, Inject } from '@nestjs/common';\n@Injectable()\nexport class S { constructor(@Inject('DB') private readonly db: unknown) {} }\n",
                ),
                ("src/make.ts", "export function makeProviders() { return []; }\n"),
            ]),
        ));
        quiet.push(case(
            "a custom provider held in a const and listed by name",
            app(&[
                (
                    "src/app.module.ts",
                    "import { Module, Provider } from '@nestjs/common';\nimport { Db } from './db';\nimport { S } from './s';\nexport const DbProvider: Provider = { provide: Db, useFactory: () => new Db() };\n@Module({ providers: [DbProvider, S], exports: [DbProvider] })\nexport class AppModule {}\n",
                ),
                ("src/db.ts", "export class Db {}\n"),
                (
                    "src/s.ts",
                    "import { Injectable } from '@nestjs/common';\nimport { Db } from './db';\n@Injectable()\nexport class S { constructor(private readonly db: Db) {} }\n",
                ),
            ]),
        ));
        quiet.push(case(
            "a provider array the module mutates before returning it",
            app(&[
                (
                    "src/app.module.ts",
                    "import { Module } from '@nestjs/common';\nimport { QueuesModule } from './queues.module';\nimport { S } from './s';\n@Module({ imports: [QueuesModule.forRoot()], providers: [S] })\nexport class AppModule {}\n",
                ),
                (
                    "src/queues.module.ts",
                    "import { Module, DynamicModule } from '@nestjs/common';\nimport { Queue } from './queue';\n@Module({})\nexport class QueuesModule {\n  static forRoot(): DynamicModule {\n    const PROVIDERS = [];\n    PROVIDERS.push(Queue);\n    return { module: QueuesModule, providers: PROVIDERS, exports: PROVIDERS };\n  }\n}\n",
                ),
                ("src/queue.ts", "import { Injectable } from '@nestjs/common';\n@Injectable()\nexport class Queue {}\n"),
                (
                    "src/s.ts",
                    "import { Injectable } from '@nestjs/common';\nimport { Queue } from './queue';\n@Injectable()\nexport class S { constructor(private readonly q: Queue) {} }\n",
                ),
            ]),
        ));
        quiet.push(case(
            "a test module never counts, for or against",
            app(&[
                (
                    "src/app.module.ts",
                    "import { Module } from '@nestjs/common';\n@Module({})\nexport class AppModule {}\n",
                ),
                (
                    "src/s.spec.ts",
                    "import { Module, Injectable } from '@nestjs/common';\n@Injectable() class A { constructor(b: B) {} }\nclass B {}\n@Module({ providers: [A] }) class TestModule {}\n",
                ),
            ]),
        ));
        Vectors { fires, quiet }
    }

    #[test]
    fn speaks_nests_words_and_says_why() {
        let found =
            Repo::fixture("nest/fails-incident-kafka-commented-out").check(&UnresolvedProvider);
        assert_eq!(
            places(&found),
            vec![(
                "src/health/health.controller.ts:9".to_string(),
                "Nest can't resolve dependencies of the HealthController (RedisHealthIndicator, ?). Please make sure that the argument KafkaHealthIndicator at index [1] is available in the HealthModule module. KafkaHealthIndicator is commented out of `providers` on line 13.".to_string()
            )]
        );
        assert_eq!(
            found[0].help,
            "add KafkaHealthIndicator to providers in src/health/health.module.ts"
        );
    }
}
