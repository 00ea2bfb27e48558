use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::model::nest::{ModuleKind, Nest};
use crate::parse::typescript::{ExprKind, decorator_args, decorator_name};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a deployable NestJS HTTP application (`NestFactory.create` in a package that a
    /// Dockerfile, a compose service or a `start` script runs) whose modules serve no health
    /// route: no `TerminusModule`, and no controller route whose path mentions `health`,
    /// `ready`, `live`, `ping` or `status`.
    ///
    /// ## Why is this bad?
    /// Orchestrators decide from a health endpoint whether to send traffic and when to
    /// restart. Without one, a process that is up but cannot reach its database keeps
    /// receiving requests. The audit behind this rule found 17 services missing `/health`.
    ///
    /// ## Example
    /// ```ts
    /// const app = await NestFactory.create(AppModule); // AppModule serves no health route
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// @Controller('health')
    /// export class HealthController {
    ///   constructor(private health: HealthCheckService, private db: TypeOrmHealthIndicator) {}
    ///   @Get() @HealthCheck() check() { return this.health.check([() => this.db.pingCheck('db')]); }
    /// }
    /// ```
    pub struct MissingHealthEndpoint {
        id: "nest/missing-health-endpoint",
        category: Nestjs,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Source { dts: false }],
        summary: "a deployable Nest application with no health route",
    }
}

/// Route path words that mean a health, readiness or liveness probe.
const HEALTH_WORDS: &[&str] = &["health", "ready", "live", "ping", "status"];

impl Rule for MissingHealthEndpoint {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let nest = &model.nest;
        for root in &nest.roots {
            let Some(start) = root.module else { continue };
            if root.call != "NestFactory.create" {
                continue;
            }
            let source = &model.sources[root.site.source];
            let Some(package) = source.package else {
                continue;
            };
            if !model.services.iter().any(|s| s.package == Some(package)) {
                continue;
            }
            if serves_health(model, nest, start) {
                continue;
            }
            let module = &nest.modules[start];
            let mut builder = FindingBuilder::new(
                &Self::META,
                &source.path,
                root.site.span,
                format!("{}|{}", source.path, module.name),
                format!(
                    "the Nest application bootstrapped with {} serves no health route: neither TerminusModule nor a controller path with health, ready, live, ping or status",
                    module.name
                ),
            )
            .help("add a health controller (`@nestjs/terminus`: `TerminusModule` and a `@Get('health')` with `@HealthCheck()`) and point the container's healthcheck at it");
            builder = super::in_package(builder, model, root.site.source);
            out.push(builder.build());
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        super::applies(cx, subject)
    }
}

/// Whether anything the root reaches serves a health route (or may: an opaque module).
fn serves_health(model: &Model, nest: &Nest, start: usize) -> bool {
    let mut seen = vec![false; nest.modules.len()];
    let mut stack = vec![start];
    while let Some(m) = stack.pop() {
        if std::mem::replace(&mut seen[m], true) {
            continue;
        }
        let module = &nest.modules[m];
        match &module.kind {
            ModuleKind::Library { class, .. } if class == "TerminusModule" => return true,
            ModuleKind::Opaque => {
                let name = module.name.to_ascii_lowercase();
                if HEALTH_WORDS.iter().any(|w| name.contains(w)) || name.contains("terminus") {
                    return true;
                }
            }
            _ => {}
        }
        // An `imports` list seaworthy could not read in full (a spread of a mutated array)
        // may hold the health module; a library's dynamic module it cannot read is not taken
        // to serve one.
        let unread_imports = !module.imports_known && matches!(module.kind, ModuleKind::Class(_));
        if serves_health_route(model, nest, module) || unread_imports {
            return true;
        }
        stack.extend(module.imports.iter().map(|e| e.module));
    }
    false
}

/// Whether a controller of `module` serves a path with a health word (on the controller or a
/// route).
fn serves_health_route(model: &Model, nest: &Nest, module: &crate::model::nest::Module) -> bool {
    module.controllers.iter().any(|(id, _)| {
        let r = nest.class(*id);
        let class = &model.sources[r.source].classes[r.index];
        let controller = class
            .decorators
            .iter()
            .filter(|d| decorator_name(d) == Some("Controller"));
        let routes = class
            .methods
            .iter()
            .flat_map(|m| m.decorators.iter())
            .filter(|d| matches!(decorator_name(d), Some("Get" | "Head" | "All" | "Post")));
        controller
            .chain(routes)
            .flat_map(|d| decorator_args(d).iter().flat_map(strings))
            .any(|path| {
                let path = path.to_ascii_lowercase();
                HEALTH_WORDS.iter().any(|w| path.contains(w))
            })
    })
}

/// String literals of a route argument (`'health'`, `['health', 'healthz']`, `{ path }`).
fn strings(expr: &crate::parse::typescript::Expr) -> Vec<String> {
    match &expr.kind {
        ExprKind::Str(s) => vec![s.clone()],
        ExprKind::Array(items) => items.iter().flat_map(strings).collect(),
        ExprKind::Object(_) => expr.prop("path").map(strings).unwrap_or_default(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::nest::fixtures::app;
    use crate::rules::testing::{Repo, Vectors, case};

    fn with_controller(decorator: &str, route: &str) -> Repo {
        app(&[
            (
                "src/app.module.ts",
                "import { Module } from '@nestjs/common';\nimport { AppController } from './app.controller';\n@Module({ controllers: [AppController] })\nexport class AppModule {}\n",
            ),
            (
                "src/app.controller.ts",
                &format!(
                    "import {{ Controller, Get }} from '@nestjs/common';\n@Controller({decorator})\nexport class AppController {{ @Get({route}) get() {{ return 'ok'; }} }}\n"
                ),
            ),
        ])
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case("only business routes", with_controller("'users'", "':id'")),
                case(
                    "an app whose @nestjs packages are declared only at the workspace root",
                    with_controller("'users'", "':id'")
                        .file("package.json", r#"{ "name": "root", "private": true, "workspaces": ["apps/*"], "dependencies": { "@nestjs/common": "^11.0.0", "@nestjs/core": "^11.0.0" } }"#)
                        .file("apps/api/package.json", r#"{ "name": "api", "scripts": { "start": "node dist/main.js" }, "dependencies": { "rxjs": "^7.0.0" } }"#)
                        .file("apps/api/src/main.ts", "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nNestFactory.create(AppModule);\n")
                        .file("apps/api/src/app.module.ts", "import { Module } from '@nestjs/common';\n@Module({})\nexport class AppModule {}\n"),
                ),
            ],
            quiet: vec![
                case("a health controller path", with_controller("'health'", "")),
                case("a health method route", with_controller("", "'healthz'")),
                case("Terminus", Repo::fixture("nest/boots-terminus-health")),
                case(
                    "a microservice is not an HTTP app",
                    with_controller("'users'", "").file(
                        "src/main.ts",
                        "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nNestFactory.createMicroservice(AppModule, {});\n",
                    ),
                ),
                case(
                    "a package nothing runs is no deployable",
                    with_controller("'users'", "").file("package.json", r#"{ "name": "lib", "dependencies": { "@nestjs/common": "^11.0.0" } }"#),
                ),
            ],
        }
    }
}
