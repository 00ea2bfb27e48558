use std::collections::BTreeSet;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::nest::ModuleKind;
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a module that exports a token it neither provides nor imports as a module (a
    /// module re-export names the imported module's class).
    ///
    /// ## Why is this bad?
    /// Nest validates every export while it scans the modules, and stops the boot:
    /// `Nest cannot export a provider/module that is not a part of the currently processed
    /// module (PaymentsModule). Please verify whether the exported StripeClient is available in
    /// this particular context.` Exporting a provider that an imported module supplies is the
    /// usual slip: Nest wants the module re-exported instead.
    ///
    /// ## Example
    /// ```ts
    /// @Module({ imports: [StripeModule], exports: [StripeClient] })
    /// export class PaymentsModule {}
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// @Module({ imports: [StripeModule], exports: [StripeModule] })
    /// export class PaymentsModule {}
    /// ```
    pub struct ExportNotProvided {
        id: "nest/export-not-provided",
        category: Nestjs,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Source { dts: false }],
        summary: "a module exporting a token it neither provides nor imports",
    }
}

impl Rule for ExportNotProvided {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let nest = &model.nest;
        let mut seen = BTreeSet::new();
        for (m, module) in nest.modules.iter().enumerate() {
            if !matches!(
                module.kind,
                ModuleKind::Class(_) | ModuleKind::Dynamic { .. }
            ) || !module.providers_known
                || !module.imports_known
                || !super::is_judged(nest, m)
            {
                continue;
            }
            for export in &module.exports {
                let token = &export.token;
                let imported_module = module
                    .imports
                    .iter()
                    .any(|e| nest.modules[e.module].class_token.as_ref() == Some(token));
                if module.provides(token)
                    || imported_module
                    || module.class_token.as_ref() == Some(token)
                {
                    continue;
                }
                let name = nest.token_name(token);
                if !seen.insert((
                    export.site.source,
                    export.site.span.line,
                    export.site.span.column,
                )) {
                    continue;
                }
                let supplier = module.imports.iter().find(|e| {
                    let i = &nest.modules[e.module];
                    i.provides(token) && i.exports_token(token)
                });
                let help = match supplier {
                    Some(edge) => {
                        let s = nest.modules[edge.module].name.as_str();
                        format!(
                            "{name} comes from {s}, which {} imports: export the module instead (`exports: [{s}]`)",
                            module.name
                        )
                    }
                    None => format!(
                        "add {name} to the providers of {}, or import the module that provides it and export that module",
                        module.name
                    ),
                };
                let path = super::path(model, export.site);
                let mut builder = FindingBuilder::new(
                    &Self::META,
                    path,
                    export.site.span,
                    format!("{path}:{}|{name}", module.name),
                    format!(
                        "Nest cannot export a provider/module that is not a part of the currently processed module ({}). Please verify whether the exported {name} is available in this particular context.{}",
                        module.name,
                        super::unreached_note(nest, m)
                    ),
                )
                .help(help);
                builder = super::in_package(builder, model, export.site.source);
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
    use crate::rules::nest::fixtures::app;
    use crate::rules::testing::{Repo, Vectors, case};

    fn module(meta: &str) -> Repo {
        app(&[
            (
                "src/app.module.ts",
                &format!(
                    "import {{ Module }} from '@nestjs/common';\nimport {{ ConfigModule, ConfigService }} from '@nestjs/config';\nimport {{ S }} from './s';\n@Module({meta})\nexport class AppModule {{}}\n"
                ),
            ),
            (
                "src/s.ts",
                "import { Injectable } from '@nestjs/common';\n@Injectable()\nexport class S {}\n",
            ),
        ])
    }

    pub(super) fn vectors() -> Vectors {
        let mut quiet = crate::rules::nest::fixtures::boots_cases();
        quiet.push(case(
            "exports its own provider",
            module("{ providers: [S], exports: [S] }"),
        ));
        quiet.push(case(
            "re-exports an imported module",
            module("{ imports: [ConfigModule], exports: [ConfigModule] }"),
        ));
        quiet.push(case(
            "providers it cannot read",
            module("{ providers: [...load()], exports: [S] }"),
        ));
        Vectors {
            fires: vec![
                case(
                    "the Nest-verified scenario",
                    Repo::fixture("nest/fails-unknown-export"),
                ),
                case(
                    "exports a class it does not provide",
                    module("{ exports: [S] }"),
                ),
                case(
                    "exports a provider of an imported module",
                    module("{ imports: [ConfigModule], exports: [ConfigService] }"),
                ),
            ],
            quiet,
        }
    }
}
