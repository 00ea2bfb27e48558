use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::compose::Node;
use crate::model::compose::service::Test;
use crate::model::contract::{self, RouteTable, ServedRoute};
use crate::model::probe::{self, HttpProbe};
use crate::parse::typescript::HttpMethod;
use crate::rules::compose::{Sink, applies, finding, is_long_running, label, ships};
use crate::rules::docker::{Probe, argv_commands};
use crate::rules::{Context, Rule, Subject, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a healthcheck that probes an HTTP path the service's code does not serve. The
    /// probe is the compose service's `healthcheck.test`, or the `HEALTHCHECK` of the image it
    /// builds when compose sets none: a `curl`, `wget` or `node -e "require('http').get(…)"`
    /// (or `fetch(…)`) of a literal URL on the container itself (`localhost`, a loopback
    /// address, `0.0.0.0`, or the service's own name). The routes are those of the workspace
    /// package the image ships and the workspace packages it imports: Nest controllers and
    /// their method decorators under `setGlobalPrefix` (with its `exclude`) and URI
    /// versioning, and Express, Fastify, Koa and Hono routes joined to where their routers are
    /// mounted.
    ///
    /// Says nothing when the path cannot be read (a variable, a script file, a URL built by
    /// concatenation, a `nc` TCP check), when the probe asks another host, and when anything
    /// in the code may serve paths seaworthy cannot list under the probed one (a route whose
    /// path is not a literal, a middleware it does not know, a framework it does not read):
    /// the route table must be complete for the path before the rule speaks. The port is not
    /// compared: which port the code listens on is rarely a literal.
    ///
    /// ## Why is this bad?
    /// The probe gets a 404 every time, so the container never becomes healthy: services that
    /// wait for it with `condition: service_healthy` never start, orchestrators restart it in
    /// a loop, and load balancers take it out of rotation, while the service itself works.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     build: ./apps/api      # main.ts: app.setGlobalPrefix('api'); @Controller('health')
    ///     healthcheck:
    ///       test: ["CMD", "curl", "-f", "http://localhost:3000/health"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     build: ./apps/api
    ///     healthcheck:
    ///       test: ["CMD", "curl", "-f", "http://localhost:3000/api/health"]
    /// ```
    pub struct HealthcheckRouteMissing {
        id: "compose/healthcheck-route-missing",
        category: Orchestration,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Compose, FileKind::Dockerfile, FileKind::Source { dts: false }],
        summary: "a healthcheck probing an HTTP path that the service's code does not serve",
    }
}

/// Path words that name a health, readiness or liveness route.
const HEALTH_WORDS: &[&str] = &["health", "live", "ready", "ping", "status", "alive"];

/// The probe a service runs and where it is written: (file, span, what sets it).
struct Written {
    probe: HttpProbe,
    file: String,
    span: Span,
    /// `healthcheck.test` of compose, or the Dockerfile's `HEALTHCHECK`.
    from_image: bool,
}

impl Rule for HealthcheckRouteMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                if !is_long_running(project, svc) {
                    continue;
                }
                let Some(shipped) = ships(cx, project, svc) else {
                    continue;
                };
                let Some(written) = probe_of(svc, &shipped) else {
                    continue;
                };
                let mut own: Vec<&str> = vec![svc.name.as_str()];
                for key in ["hostname", "container_name"] {
                    if let Some(name) = svc.get(key).and_then(Node::known) {
                        own.push(name);
                    }
                }
                let p = &written.probe;
                if !p.is_local(&own) {
                    continue;
                }
                let table = contract::routes(model, shipped.package);
                if table.serves(p.method_is_get, &p.path) != Some(false) {
                    continue;
                }
                let package = &model.packages[shipped.package];
                let health = health_routes(&table);
                let serves = match health.as_slice() {
                    [] => format!(
                        "{} serves {} route{} and none matches",
                        package.name(),
                        table.routes.len(),
                        if table.routes.len() == 1 { "" } else { "s" }
                    ),
                    some => format!(
                        "its health route{} {} {}",
                        if some.len() == 1 { "" } else { "s" },
                        if some.len() == 1 { "is" } else { "are" },
                        some.iter()
                            .take(3)
                            .map(|r| format!(
                                "`{} {}` ({}:{})",
                                method(r.method),
                                r.path,
                                r.file,
                                r.span.line
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let whose = if written.from_image {
                    format!("the `HEALTHCHECK` of {}", written.file)
                } else {
                    "its healthcheck".to_string()
                };
                let mut builder = finding(
                    &Self::META,
                    model,
                    svc,
                    (&written.file, written.span),
                    &format!("healthcheck:{}", p.path),
                    format!(
                        "{}: {whose} probes `{}` with {}, but the code it ships does not serve that path ({serves}): the check fails every time and the service never becomes healthy",
                        label(model, project, svc),
                        p.describe(),
                        p.tool,
                    ),
                );
                if let Some(first) = health.first() {
                    builder = builder
                        .related(
                            &first.file,
                            first.span.line,
                            format!("`{}` is served here", first.path),
                        )
                        .help(format!(
                            "probe `{}` instead (or serve `{}`)",
                            first.path, p.path
                        ));
                } else {
                    builder = builder.help(format!(
                        "serve `{}` (a health controller or `app.get('{}', …)`), or point the probe at a route the service serves",
                        p.path, p.path
                    ));
                }
                sink.push(builder.build());
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

fn method(m: HttpMethod) -> &'static str {
    match m {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Put => "PUT",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Delete => "DELETE",
        HttpMethod::Head => "HEAD",
        HttpMethod::Options => "OPTIONS",
        HttpMethod::All | HttpMethod::Other => "ALL",
    }
}

/// The served routes whose path names a health check, shortest first.
fn health_routes(table: &RouteTable) -> Vec<&ServedRoute> {
    let mut out: Vec<&ServedRoute> = table
        .routes
        .iter()
        .filter(|r| {
            let lower = r.path.to_ascii_lowercase();
            HEALTH_WORDS.iter().any(|w| lower.contains(w))
        })
        .collect();
    out.sort_by_key(|r| (r.path.len(), r.path.clone()));
    out.dedup_by(|a, b| a.path == b.path);
    out
}

/// The HTTP probe a service runs: its compose `healthcheck.test`, else its image's
/// `HEALTHCHECK`. `None` when it is turned off, not HTTP, or not read.
fn probe_of(svc: &crate::model::compose::Service, shipped: &super::Ships<'_>) -> Option<Written> {
    if let Some(hc) = svc.healthcheck() {
        if hc.disabled {
            return None;
        }
        if let Some((test, node)) = &hc.test {
            let commands = match test {
                Test::Exec(words) => argv_commands(words),
                Test::Shell(text) => crate::parse::shell::commands(text),
                Test::None => return None,
            };
            return Some(Written {
                probe: probe::http_probe(&commands)?,
                file: node.file.to_string(),
                span: node.span,
                from_image: false,
            });
        }
    }
    let image = shipped.image.as_ref()?;
    let (at, hc) = image.build.final_stage()?.healthcheck.as_ref()?;
    let commands = Probe::from_form(&hc.as_ref()?.cmd).commands();
    Some(Written {
        probe: probe::http_probe(&commands)?,
        file: image.df.path.clone(),
        span: image.instruction(*at)?.span(),
        from_image: true,
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{Repo, Vectors, case};

    /// A workspace whose Nest service `api` (apps/api) serves `GET /api/health` and
    /// `GET /api/users/:id`, built by compose with `compose`.
    fn nest(compose: &str) -> Repo {
        Repo::new()
            .file("package.json", r#"{ "name": "acme", "private": true, "workspaces": ["apps/*"] }"#)
            .file(
                "apps/api/package.json",
                r#"{ "name": "api", "version": "1.0.0", "scripts": { "start": "node dist/main.js" }, "dependencies": { "@nestjs/common": "^10.0.0", "@nestjs/core": "^10.0.0" } }"#,
            )
            .file(
                "apps/api/src/main.ts",
                "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.setGlobalPrefix('api');\n  await app.listen(3000);\n}\nbootstrap();\n",
            )
            .file(
                "apps/api/src/app.module.ts",
                "import { Module } from '@nestjs/common';\nimport { HealthController } from './health.controller';\nimport { UsersController } from './users.controller';\n@Module({ controllers: [HealthController, UsersController] })\nexport class AppModule {}\n",
            )
            .file(
                "apps/api/src/health.controller.ts",
                "import { Controller, Get } from '@nestjs/common';\n@Controller('health')\nexport class HealthController {\n  @Get()\n  check() { return { ok: true }; }\n}\n",
            )
            .file(
                "apps/api/src/users.controller.ts",
                "import { Controller, Get, Param } from '@nestjs/common';\n@Controller('users')\nexport class UsersController {\n  @Get(':id')\n  one(@Param('id') id: string) { return id; }\n}\n",
            )
            .file("apps/api/Dockerfile", "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"dist/main.js\"]\n")
            .file("docker-compose.yml", compose)
    }

    /// An Express service `web` (apps/web) serving `GET /healthz` and a router under `/v1`.
    fn express(compose: &str, main: &str) -> Repo {
        Repo::new()
            .file("package.json", r#"{ "name": "acme", "private": true, "workspaces": ["apps/*"] }"#)
            .file(
                "apps/web/package.json",
                r#"{ "name": "web", "version": "1.0.0", "main": "src/main.js", "dependencies": { "express": "^4.19.2" } }"#,
            )
            .file("apps/web/src/main.js", main)
            .file("apps/web/Dockerfile", "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nHEALTHCHECK CMD wget -qO- http://localhost:8080/healthz || exit 1\nCMD [\"node\", \"src/main.js\"]\n")
            .file("docker-compose.yml", compose)
    }

    const EXPRESS: &str = "const express = require('express');\nconst app = express();\napp.get('/healthz', (req, res) => res.send('ok'));\nconst v1 = express.Router();\nv1.get('/items', (req, res) => res.json([]));\napp.use('/v1', v1);\napp.listen(8080);\n";

    fn compose_test(test: &str) -> String {
        format!("services:\n  api:\n    build: ./apps/api\n    healthcheck:\n      test: {test}\n")
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a probe that misses the global prefix",
                    nest(&compose_test(r#"["CMD", "curl", "-f", "http://localhost:3000/health"]"#)),
                ),
                case(
                    "a wget probe of a path no controller serves (shell form)",
                    nest(&compose_test("wget -qO- http://127.0.0.1:3000/api/healthz || exit 1")),
                ),
                case(
                    "a node one-liner probe",
                    nest(&compose_test(
                        r#"["CMD", "node", "-e", "require('http').get('http://localhost:3000/status', r => process.exit(r.statusCode === 200 ? 0 : 1))"]"#,
                    )),
                ),
                case(
                    "the Dockerfile HEALTHCHECK of an Express service probes a path it does not serve",
                    express("services:\n  web:\n    build: ./apps/web\n", EXPRESS)
                        .file("apps/web/Dockerfile", "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nHEALTHCHECK CMD wget -qO- http://localhost:8080/health || exit 1\nCMD [\"node\", \"src/main.js\"]\n"),
                ),
                case(
                    "a prebuilt image the repository builds, probed at a wrong path",
                    nest(
                        "services:\n  api-build:\n    image: ghcr.io/acme/api:dev\n    build: ./apps/api\n    healthcheck:\n      test: curl -f http://localhost:3000/api/health\n  api:\n    image: ghcr.io/acme/api:1.4.0\n    healthcheck:\n      test: curl -f http://localhost:3000/healthcheck\n",
                    ),
                ),
                case(
                    "a prebuilt image a CI workflow builds and tags",
                    nest("services:\n  api:\n    image: ghcr.io/acme/api:latest\n    healthcheck:\n      test: curl -f http://localhost:3000/health\n")
                        .file(
                            ".github/workflows/release.yml",
                            "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: apps/api\n          tags: |\n            ghcr.io/acme/api:${{ github.sha }}\n            ghcr.io/acme/api:latest\n",
                        ),
                ),
            ],
            quiet: vec![
                case(
                    "a healthcheck whose route lives under a global prefix that the probe includes",
                    nest(&compose_test(r#"["CMD", "curl", "-f", "http://localhost:3000/api/health"]"#)),
                ),
                case(
                    "a route parameter matches any segment",
                    nest(&compose_test("curl -f http://localhost:3000/api/users/1")),
                ),
                case(
                    "a path read from a variable",
                    nest(&compose_test("curl -f http://localhost:3000/$$HEALTH_PATH")),
                ),
                case(
                    "a script file",
                    nest(&compose_test(r#"["CMD", "node", "healthcheck.js"]"#)),
                ),
                case(
                    "a TCP check",
                    nest(&compose_test(r#"["CMD-SHELL", "nc -z localhost 3000"]"#)),
                ),
                case(
                    "a probe of another host",
                    nest(&compose_test("curl -f http://gateway:8080/health")),
                ),
                case(
                    "a profile-only service",
                    nest("services:\n  api:\n    build: ./apps/api\n    profiles: [debug]\n    healthcheck:\n      test: curl -f http://localhost:3000/health\n"),
                ),
                case(
                    "a healthcheck that is turned off",
                    nest("services:\n  api:\n    build: ./apps/api\n    healthcheck:\n      disable: true\n"),
                ),
                case(
                    "the Dockerfile HEALTHCHECK of an Express service that serves the path",
                    express("services:\n  web:\n    build: ./apps/web\n", EXPRESS),
                ),
                case(
                    "a route under a mounted router",
                    express("services:\n  web:\n    build: ./apps/web\n    healthcheck:\n      test: curl -f http://localhost:8080/v1/items\n", EXPRESS),
                ),
                case(
                    "a middleware seaworthy does not know may serve it",
                    express(
                        "services:\n  web:\n    build: ./apps/web\n    healthcheck:\n      test: curl -f http://localhost:8080/health\n",
                        "const express = require('express');\nconst app = express();\nconst probes = require('./probes');\napp.use(probes());\napp.get('/healthz', (req, res) => res.send('ok'));\napp.listen(8080);\n",
                    )
                    .file("apps/web/src/probes.js", "module.exports = () => (req, res, next) => next();\n"),
                ),
                case(
                    "a service whose image is not built here",
                    Repo::new()
                        .file("package.json", r#"{ "name": "acme", "private": true }"#)
                        .file("docker-compose.yml", "services:\n  kc:\n    image: quay.io/keycloak/keycloak:24\n    healthcheck:\n      test: curl -f http://localhost:8080/health/ready\n"),
                ),
            ],
        }
    }
}
