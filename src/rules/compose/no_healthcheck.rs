use crate::discover::FileKind;
use crate::finding::Finding;
use crate::rules::compose::{Sink, applies, finding, infra, is_long_running, label};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a long-running compose service that runs an infrastructure image (a database,
    /// broker, cache, search engine), has no `healthcheck` in compose, and whose image defines
    /// none (the table of known images says so).
    ///
    /// Services that build an image of the repository are judged by `docker/no-healthcheck`,
    /// which reads their Dockerfile, so each service is reported once. Not judged: images the
    /// table does not know (they may define a `HEALTHCHECK`), services only in a profile,
    /// and one-off jobs.
    ///
    /// ## Why is this bad?
    /// Without a healthcheck, `docker compose ps` shows the database "running" while it is
    /// still initialising or has stopped accepting connections, and no other service can wait
    /// for it with `condition: service_healthy`: the startup race is built in.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   postgres:
    ///     image: postgres:16
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   postgres:
    ///     image: postgres:16
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -U postgres"]
    ///       interval: 5s
    ///       timeout: 3s
    ///       retries: 10
    /// ```
    pub struct NoHealthcheck {
        id: "compose/no-healthcheck",
        category: Orchestration,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Compose],
        summary: "a long-running service with no healthcheck in compose and none in its image",
    }
}

impl Rule for NoHealthcheck {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                let Some(known) = infra(svc) else { continue };
                if known.healthcheck || !is_long_running(project, svc) {
                    continue;
                }
                let own = svc.healthcheck();
                if own
                    .as_ref()
                    .is_some_and(|h| h.test.is_some() && !h.disabled)
                {
                    continue;
                }
                let what = if own.is_some_and(|h| h.disabled) {
                    "turns its healthcheck off"
                } else {
                    "has no healthcheck, and its image defines none"
                };
                sink.push(
                    finding(
                        &Self::META,
                        model,
                        svc,
                        (&svc.file, svc.span),
                        "healthcheck",
                        format!("{} {what}", label(model, project, svc)),
                    )
                    .help("add a `healthcheck` (for example `pg_isready`, `redis-cli ping`, `mongosh --eval 'db.runCommand(\"ping\")'`) so dependents can wait with `condition: service_healthy`")
                    .build(),
                );
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::compose::fixtures::compose;
    use crate::rules::testing::{Vectors, case};

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "postgres without a healthcheck",
                    compose("services:\n  db:\n    image: postgres:16\n"),
                ),
                case(
                    "a healthcheck turned off",
                    compose(
                        "services:\n  cache:\n    image: redis:7\n    healthcheck:\n      disable: true\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "a healthcheck in compose",
                    compose(
                        "services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: pg_isready\n",
                    ),
                ),
                case(
                    "an image the table does not know",
                    compose("services:\n  mail:\n    image: mailhog/mailhog\n"),
                ),
                case(
                    "a profile-only service",
                    compose("services:\n  db:\n    image: postgres:16\n    profiles: [tools]\n"),
                ),
                case(
                    "a built service (docker/no-healthcheck judges it)",
                    compose("services:\n  api:\n    build: .\n")
                        .file("Dockerfile", "FROM node:20\nCMD [\"node\", \"main.js\"]\n"),
                ),
            ],
        }
    }
}
