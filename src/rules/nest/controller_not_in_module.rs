use crate::discover::FileKind;
use crate::finding::Finding;
use crate::parse::typescript::decorator_name;
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `@Controller()` class that no module lists in `controllers` and that no module
    /// metadata or dynamic module seaworthy can see names at all.
    ///
    /// ## Why is this bad?
    /// Nest registers routes only for the controllers its modules list. A controller that
    /// fell out of its module compiles, boots and serves nothing: its routes answer 404.
    ///
    /// ## Example
    /// ```ts
    /// @Controller('invoices') export class InvoicesController { @Get() list() {} }
    /// @Module({ providers: [InvoicesService] }) export class InvoicesModule {}
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// @Module({ controllers: [InvoicesController], providers: [InvoicesService] })
    /// export class InvoicesModule {}
    /// ```
    pub struct ControllerNotInModule {
        id: "nest/controller-not-in-module",
        category: Nestjs,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Source { dts: false }],
        summary: "a `@Controller()` listed in no module: its routes do not exist",
    }
}

impl Rule for ControllerNotInModule {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let nest = &model.nest;
        for (id, class_ref) in nest.classes.iter().enumerate() {
            let source = &model.sources[class_ref.source];
            let class = &source.classes[class_ref.index];
            if class.is_abstract
                || !class.top_level
                || !class
                    .decorators
                    .iter()
                    .any(|d| decorator_name(d) == Some("Controller"))
                || nest.listed_controllers.contains(&id)
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
                    "{} is a @Controller() that no module lists in `controllers`: its routes do not exist",
                    class.name
                ),
            )
            .help(format!("add {} to the controllers of its feature module", class.name));
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

    fn with(controllers: &str) -> Repo {
        let (import, list) = if controllers.is_empty() {
            ("", "")
        } else {
            (
                "import { InvoicesController } from './invoices.controller';\nconst CONTROLLERS = [InvoicesController];\n",
                controllers,
            )
        };
        app(&[
            (
                "src/app.module.ts",
                &format!(
                    "import {{ Module }} from '@nestjs/common';\n{import}@Module({{ controllers: [{list}] }})\nexport class AppModule {{}}\n"
                ),
            ),
            (
                "src/invoices.controller.ts",
                "import { Controller, Get } from '@nestjs/common';\n@Controller('invoices')\nexport class InvoicesController { @Get() list() { return []; } }\n",
            ),
        ])
    }

    pub(super) fn vectors() -> Vectors {
        let mut quiet = crate::rules::nest::fixtures::boots_cases();
        quiet.push(case("listed", with("InvoicesController")));
        quiet.push(case("listed through a const", with("...CONTROLLERS")));
        quiet.push(case(
            "registered by code seaworthy does not read (used as a value elsewhere)",
            with("").file("src/register.ts", "import { InvoicesController } from './invoices.controller';\nexport const all = () => [InvoicesController];\n"),
        ));
        Vectors {
            fires: vec![
                case("in no module", with("")),
                case(
                    "imported by a module file only as a type",
                    with("").file("src/types.ts", "import type { InvoicesController } from './invoices.controller';\nexport type C = InvoicesController;\n"),
                ),
            ],
            quiet,
        }
    }
}
