use crate::discover::FileKind;
use crate::finding::Finding;
use crate::rules::compose::{Sink, applies, finding, is_long_running, label};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a long-running compose service with neither `restart` nor
    /// `deploy.restart_policy`. One-off jobs (migrations, seeders, services another waits on
    /// with `service_completed_successfully`) and services only in a profile are not judged.
    ///
    /// ## Why is this bad?
    /// The default is `restart: "no"`: after a crash, an out-of-memory kill or a host reboot
    /// the service stays down until someone notices.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:1.4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:1.4
    ///     restart: unless-stopped
    /// ```
    pub struct NoRestartPolicy {
        id: "compose/no-restart-policy",
        category: Orchestration,
        severity: Info,
        scope: Service,
        inputs: [FileKind::Compose],
        summary: "no `restart` / `deploy.restart_policy` on a long-running service",
    }
}

impl Rule for NoRestartPolicy {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                if svc.has_restart_policy() || !is_long_running(project, svc) {
                    continue;
                }
                sink.push(
                    finding(
                        &Self::META,
                        model,
                        svc,
                        (&svc.file, svc.span),
                        "restart",
                        format!(
                            "{} has no restart policy: it stays down after a crash",
                            label(model, project, svc)
                        ),
                    )
                    .help("add `restart: unless-stopped` (or `deploy.restart_policy`)")
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
            fires: vec![case(
                "no restart key",
                compose("services:\n  api:\n    image: acme/api:1\n"),
            )],
            quiet: vec![
                case(
                    "restart set",
                    compose("services:\n  api:\n    image: acme/api:1\n    restart: always\n"),
                ),
                case(
                    "deploy.restart_policy set",
                    compose(
                        "services:\n  api:\n    image: acme/api:1\n    deploy:\n      restart_policy:\n        condition: on-failure\n",
                    ),
                ),
                case(
                    "a migration job",
                    compose(
                        "services:\n  migrate:\n    image: acme/api:1\n    command: npx prisma migrate deploy\n",
                    ),
                ),
                case(
                    "a profile-only service",
                    compose(
                        "services:\n  admin:\n    image: dpage/pgadmin4\n    profiles: [tools]\n",
                    ),
                ),
            ],
        }
    }
}
