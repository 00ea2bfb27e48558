use std::collections::BTreeSet;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::nest::Token;
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a constructor parameter of a provider, controller or enhancer whose type is a
    /// primitive (`number`, `string`, `boolean`, `bigint`, `symbol`) and that has no
    /// `@Inject(TOKEN)`, whatever its default value.
    ///
    /// ## Why is this bad?
    /// With `emitDecoratorMetadata`, TypeScript records the parameter's type as the global
    /// `Number`, `String`, … and Nest asks the container for that constructor as a token. No
    /// module provides it, so the application fails at boot: `Nest can't resolve dependencies
    /// of the ServerInfoService (?). Please make sure that the argument Number at index [0] is
    /// available in the ServerModule module.` A default value does not help: Nest always
    /// passes the resolved arguments.
    ///
    /// ## Example
    /// ```ts
    /// @Injectable()
    /// export class ServerInfoService {
    ///   constructor(private readonly port: number = 3000) {}
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// @Injectable()
    /// export class ServerInfoService {
    ///   constructor(@Inject(PORT) private readonly port: number) {}
    /// }
    /// // and in the module: providers: [{ provide: PORT, useValue: 3000 }]
    /// ```
    pub struct PrimitiveInjection {
        id: "nest/primitive-injection",
        category: Nestjs,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Source { dts: false }],
        summary: "a constructor parameter of primitive type without `@Inject(TOKEN)`",
    }
}

impl Rule for PrimitiveInjection {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let nest = &model.nest;
        // A class provided in several modules has one constructor: report it once.
        let mut seen = BTreeSet::new();
        for consumer in &nest.consumers {
            if !super::is_judged(nest, consumer.module) {
                continue;
            }
            for (index, dep) in consumer.deps.iter().enumerate() {
                let Some(token @ Token::Primitive(name)) = &dep.token else {
                    continue;
                };
                if dep.optional
                    || !seen.insert((dep.site.source, dep.site.span.line, dep.site.span.column))
                {
                    continue;
                }
                let path = super::path(model, dep.site);
                let message = format!(
                    "{} The parameter's type is a primitive, which compiles to the global `{name}`, and no `@Inject(TOKEN)` names what to inject.",
                    super::cannot_resolve(nest, consumer, index, token)
                );
                let mut builder = FindingBuilder::new(
                    &Self::META,
                    path,
                    dep.site.span,
                    format!("{path}|{}|{index}", consumer.name),
                    message,
                )
                .help(
                    "inject a token with `@Inject(TOKEN)` and provide it ({ provide: TOKEN, useValue: … }), or read the value from a config provider; a default value is never used",
                );
                builder = super::in_package(builder, model, dep.site.source);
                out.push(builder.build());
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        super::applies(cx, subject)
    }
}

#[cfg(test)]
mod tests {
    use super::PrimitiveInjection;
    use crate::rules::nest::fixtures::app;
    use crate::rules::testing::{Repo, Vectors, case, places};

    fn service(params: &str) -> Repo {
        app(&[
            (
                "src/app.module.ts",
                "import { Module } from '@nestjs/common';\nimport { S } from './s';\n@Module({ providers: [S, { provide: 'PORT', useValue: 3000 }] })\nexport class AppModule {}\n",
            ),
            (
                "src/s.ts",
                &format!(
                    "import {{ Injectable, Inject, Optional }} from '@nestjs/common';\n@Injectable()\nexport class S {{\n  constructor({params}) {{}}\n}}\n"
                ),
            ),
        ])
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "the Nest-verified scenario",
                    Repo::fixture("nest/fails-primitive-parameter"),
                ),
                case(
                    "a string with a default value",
                    service("private readonly name: string = 'api'"),
                ),
                case("a boolean", service("private readonly debug: boolean")),
            ],
            quiet: vec![
                case(
                    "@Inject names the token",
                    service("@Inject('PORT') private readonly port: number"),
                ),
                case(
                    "@Optional",
                    service("@Optional() private readonly port?: number"),
                ),
                case("a class type", service("private readonly s2: Date")),
                case("no parameters", service("")),
                case(
                    "a class in no module is not constructed by Nest",
                    app(&[
                        (
                            "src/app.module.ts",
                            "import { Module } from '@nestjs/common';\n@Module({})\nexport class AppModule {}\n",
                        ),
                        (
                            "src/t.ts",
                            "import { Injectable } from '@nestjs/common';\n@Injectable()\nexport class T { constructor(private readonly n: number) {} }\n",
                        ),
                    ]),
                ),
            ],
        }
    }

    #[test]
    fn names_number_as_nest_does() {
        let found = service("private readonly port: number = 3000").check(&PrimitiveInjection);
        assert_eq!(
            places(&found),
            vec![(
                "src/s.ts:4".to_string(),
                "Nest can't resolve dependencies of the S (?). Please make sure that the argument Number at index [0] is available in the AppModule module. The parameter's type is a primitive, which compiles to the global `Number`, and no `@Inject(TOKEN)` names what to inject.".to_string()
            )]
        );
    }
}
