use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::model::Model;
use crate::model::compose::{Project, Service};
use crate::rules::compose::{Sink, applies, finding, infra, label};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `depends_on` on a stateful or slow-starting service (a database, broker,
    /// cache, search engine or workflow server, known by its image) that does not wait for it
    /// to be healthy: the short form, or `condition: service_started`. Also flags
    /// `condition: service_healthy` on a dependency that has no healthcheck to wait for
    /// (none in compose, none in its image), at error level: Compose refuses to start the
    /// project (`dependency failed to start: container … has no healthcheck configured`).
    ///
    /// ## Why is this bad?
    /// Compose starts a dependency and moves on as soon as its container runs, not when it
    /// accepts connections. Postgres needs seconds to initialise, Kafka and Elasticsearch
    /// longer: the service that connects at boot gets `ECONNREFUSED`, exits, and either
    /// crash-loops or stays down.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   auth:
    ///     build: ./services/auth
    ///     depends_on: [postgres]
    ///   postgres:
    ///     image: postgres:16
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   auth:
    ///     build: ./services/auth
    ///     depends_on:
    ///       postgres:
    ///         condition: service_healthy
    ///   postgres:
    ///     image: postgres:16
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -U postgres"]
    ///       interval: 5s
    ///       retries: 10
    /// ```
    pub struct DependsOnNotHealthy {
        id: "compose/depends-on-not-healthy",
        category: Orchestration,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Compose],
        summary: "`depends_on` a stateful or slow-starting service without `condition: service_healthy`, or on a dependency with no healthcheck",
    }
}

/// Whether the dependency has a healthcheck: in compose, or in the image it builds (a
/// `HEALTHCHECK` in its Dockerfile). `None` when the image is unknown.
fn has_healthcheck(model: &Model, project: &Project, dep: &Service) -> Option<bool> {
    if let Some(h) = dep.healthcheck() {
        if h.disabled {
            return Some(false);
        }
        if h.test.is_some() {
            return Some(true);
        }
    }
    if let Some((_, dockerfile)) = crate::rules::compose::build_paths(project, dep) {
        let df = model.dockerfiles.iter().find(|d| d.path == dockerfile)?;
        let has = df
            .instructions
            .iter()
            .any(|i| matches!(&i.op, crate::parse::dockerfile::Op::Healthcheck(Some(_))));
        return Some(has);
    }
    infra(dep).map(|i| i.healthcheck)
}

impl Rule for DependsOnNotHealthy {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                for dep in svc.depends_on() {
                    let Some(target) = project.service(dep.name) else {
                        continue;
                    };
                    match dep.condition.as_str() {
                        "service_healthy" => {
                            if has_healthcheck(model, project, target) == Some(false) {
                                sink.push(
                                    finding(
                                        &Self::META,
                                        model,
                                        svc,
                                        (dep.file, dep.span),
                                        dep.name,
                                        format!(
                                            "{} waits for `{}` to be healthy, but `{}` has no healthcheck: Compose refuses to start it",
                                            label(model, project, svc),
                                            dep.name,
                                            dep.name
                                        ),
                                    )
                                    .severity(Severity::Error)
                                    .related(&target.file, target.span.line, format!("`{}` defines no `healthcheck`", dep.name))
                                    .help(format!("add a `healthcheck` to `{}` (or use `condition: service_started`)", dep.name))
                                    .build(),
                                );
                            }
                        }
                        "service_completed_successfully" => {}
                        _ => {
                            let Some(kind) = infra(target) else { continue };
                            let image = target.image().unwrap_or_default();
                            let waits = match has_healthcheck(model, project, target) {
                                Some(true) => format!(
                                    "`{}` has a healthcheck: wait for it with `condition: service_healthy`",
                                    dep.name
                                ),
                                _ => format!(
                                    "give `{}` a healthcheck and wait with `condition: service_healthy`",
                                    dep.name
                                ),
                            };
                            sink.push(
                                finding(
                                    &Self::META,
                                    model,
                                    svc,
                                    (dep.file, dep.span),
                                    dep.name,
                                    format!(
                                        "{} starts as soon as `{}` ({image}, a {}) is running, not when it accepts connections",
                                        label(model, project, svc),
                                        dep.name,
                                        kind_name(kind.kind)
                                    ),
                                )
                                .related(&target.file, target.span.line, format!("`{}` is defined here", dep.name))
                                .help(waits)
                                .build(),
                            );
                        }
                    }
                }
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

fn kind_name(kind: crate::data::infra_images::Kind) -> &'static str {
    use crate::data::infra_images::Kind;
    match kind {
        Kind::Database => "database",
        Kind::Broker => "message broker",
        Kind::Cache => "cache",
        Kind::Search => "search engine",
        Kind::Server => "slow-starting server",
        Kind::ObjectStore => "object store",
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compose::fixtures::compose;
    use crate::rules::testing::{Vectors, case};

    const PG_HEALTHY: &str = "  postgres:\n    image: postgres:16\n    healthcheck:\n      test: [CMD-SHELL, pg_isready -U postgres]\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "the short form on postgres",
                    compose("services:\n  auth:\n    image: acme/auth:1\n    depends_on: [postgres]\n  postgres:\n    image: postgres:16\n"),
                ),
                case(
                    "service_started on kafka",
                    compose("services:\n  api:\n    image: acme/api:1\n    depends_on:\n      kafka:\n        condition: service_started\n  kafka:\n    image: bitnami/kafka:3.7\n"),
                ),
                case(
                    "service_healthy on a dependency with no healthcheck",
                    compose("services:\n  api:\n    image: acme/api:1\n    depends_on:\n      redis:\n        condition: service_healthy\n  redis:\n    image: redis:7\n"),
                ),
            ],
            quiet: vec![
                case(
                    "service_healthy on a dependency that has a healthcheck",
                    compose(&format!("services:\n  api:\n    image: acme/api:1\n    depends_on:\n      postgres:\n        condition: service_healthy\n{PG_HEALTHY}")),
                ),
                case(
                    "a dependency that is no stateful service",
                    compose("services:\n  web:\n    image: acme/web:1\n    depends_on: [api]\n  api:\n    image: acme/api:1\n"),
                ),
                case(
                    "a migration job waited for to complete",
                    compose(&format!("services:\n  api:\n    image: acme/api:1\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n  migrate:\n    image: acme/api:1\n    command: [npm, run, migrate]\n{PG_HEALTHY}")),
                ),
                case(
                    "service_healthy on a built service whose Dockerfile has a HEALTHCHECK",
                    compose("services:\n  web:\n    image: acme/web:1\n    depends_on:\n      api:\n        condition: service_healthy\n  api:\n    build: ./api\n")
                        .file("api/Dockerfile", "FROM node:20-slim\nHEALTHCHECK CMD node -e \"process.exit(0)\"\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "service_healthy on an image seaworthy does not know (it may define a HEALTHCHECK)",
                    compose("services:\n  api:\n    image: acme/api:1\n    depends_on:\n      vault:\n        condition: service_healthy\n  vault:\n    image: hashicorp/vault:1.15\n"),
                ),
            ],
        }
    }
}
