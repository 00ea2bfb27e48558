use std::collections::BTreeMap;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::nest::{Site, Token};
use crate::parse::typescript::decorator_name;
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an `@Injectable()` class that some provider or controller injects but that no
    /// module lists: not in any `providers` (directly or as a `useClass`), and not named in any
    /// module metadata or dynamic module seaworthy can see.
    ///
    /// ## Why is this bad?
    /// Nest instantiates only what a module provides. The class that injects it fails at boot
    /// (`nest/unresolved-provider` reports where); this finding points at the class itself,
    /// which usually lost its place in a module during a refactor.
    ///
    /// ## Example
    /// ```ts
    /// @Injectable() export class AuditService {}
    /// @Injectable() export class UsersService { constructor(private audit: AuditService) {} }
    /// @Module({ providers: [UsersService] }) export class UsersModule {}
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// @Module({ providers: [UsersService, AuditService] }) export class UsersModule {}
    /// ```
    pub struct ProviderNotInModule {
        id: "nest/provider-not-in-module",
        category: Nestjs,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Source { dts: false }],
        summary: "an `@Injectable()` class injected somewhere but listed in no module's providers",
    }
}

impl Rule for ProviderNotInModule {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let nest = &model.nest;
        // Each injected repository class, with the first place that injects it.
        let mut injected: BTreeMap<usize, (String, Site)> = BTreeMap::new();
        for consumer in &nest.consumers {
            for dep in &consumer.deps {
                if let Some(Token::Class(id)) = dep.token
                    && !dep.optional
                {
                    injected
                        .entry(id)
                        .or_insert((consumer.name.clone(), dep.site));
                }
            }
        }
        for (id, (consumer, site)) in injected {
            let class_ref = nest.class(id);
            let source = &model.sources[class_ref.source];
            let class = &source.classes[class_ref.index];
            let injectable = class
                .decorators
                .iter()
                .any(|d| decorator_name(d) == Some("Injectable"));
            if !injectable
                || nest.provided.contains(&id)
                || nest.mentioned.contains(&id)
                || nest.value_used.contains(&id)
                || !source
                    .package
                    .is_some_and(|p| nest.nest_packages.contains(&p))
            {
                continue;
            }
            let mut builder = FindingBuilder::new(
                &Self::META,
                &source.path,
                class.span,
                format!("{}|{}", source.path, class.name),
                format!(
                    "{} is @Injectable() and {consumer} injects it, but no module lists it in `providers`: Nest never creates it",
                    class.name
                ),
            )
            .help(format!(
                "add {} to the providers of the module that uses it (and export it from there if other modules inject it)",
                class.name
            ))
            .related(super::path(model, site), site.span.line, format!("{consumer} injects it here"));
            builder = super::in_package(builder, model, class_ref.source);
            out.push(builder.build());
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

    fn with_audit(providers: &str) -> Repo {
        app(&[
            (
                "src/app.module.ts",
                &format!(
                    "import {{ Module }} from '@nestjs/common';\nimport {{ UsersService }} from './users.service';\nimport {{ AuditService }} from './audit.service';\n@Module({{ providers: [{providers}] }})\nexport class AppModule {{}}\n"
                ),
            ),
            (
                "src/users.service.ts",
                "import { Injectable } from '@nestjs/common';\nimport { AuditService } from './audit.service';\n@Injectable()\nexport class UsersService { constructor(private readonly audit: AuditService) {} }\n",
            ),
            (
                "src/audit.service.ts",
                "import { Injectable } from '@nestjs/common';\n@Injectable()\nexport class AuditService {}\n",
            ),
        ])
    }

    pub(super) fn vectors() -> Vectors {
        let mut quiet = crate::rules::nest::fixtures::boots_cases();
        quiet.push(case("listed", with_audit("UsersService, AuditService")));
        quiet.push(case(
            "as a useClass",
            with_audit("UsersService, { provide: AuditService, useClass: AuditService }"),
        ));
        quiet.push(case(
            "passed to a helper",
            with_audit("UsersService, ...register([AuditService])"),
        ));
        Vectors {
            fires: vec![case("injected, listed nowhere", with_audit("UsersService"))],
            quiet,
        }
    }
}
