use crate::discover::FileKind;
use crate::finding::Finding;
use crate::rules::compose::{Sink, applies, finding, is_long_running, label};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a long-running compose service with no memory or CPU limit: none of
    /// `deploy.resources.limits`, `mem_limit` or `cpus`. One-off jobs and services only in a
    /// profile are not judged.
    ///
    /// ## Why is this bad?
    /// One service with a memory leak or a runaway loop takes the host's memory or CPU from
    /// every other service on it; the kernel's OOM killer then picks a victim that may not be
    /// the culprit. With a limit, only the service at fault is restarted.
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
    ///     deploy:
    ///       resources:
    ///         limits:
    ///           memory: 512M
    ///           cpus: "1.0"
    /// ```
    pub struct NoResourceLimits {
        id: "compose/no-resource-limits",
        category: Orchestration,
        severity: Info,
        scope: Service,
        inputs: [FileKind::Compose],
        summary: "no `deploy.resources.limits` / `mem_limit` / `cpus`",
    }
}

impl Rule for NoResourceLimits {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                if svc.has_limits() || !is_long_running(project, svc) {
                    continue;
                }
                sink.push(
                    finding(
                        &Self::META,
                        model,
                        svc,
                        (&svc.file, svc.span),
                        "limits",
                        format!("{} has no memory or CPU limit", label(model, project, svc)),
                    )
                    .help("set `deploy.resources.limits.memory` (and `cpus`), or `mem_limit`")
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
                "no limits",
                compose("services:\n  api:\n    image: acme/api:1\n"),
            )],
            quiet: vec![
                case(
                    "deploy.resources.limits",
                    compose(
                        "services:\n  api:\n    image: acme/api:1\n    deploy:\n      resources:\n        limits:\n          memory: 512M\n",
                    ),
                ),
                case(
                    "mem_limit",
                    compose("services:\n  api:\n    image: acme/api:1\n    mem_limit: 512m\n"),
                ),
                case(
                    "cpus",
                    compose("services:\n  api:\n    image: acme/api:1\n    cpus: 0.5\n"),
                ),
                case(
                    "a seed job",
                    compose(
                        "services:\n  seed:\n    image: acme/api:1\n    command: [node, dist/seed.js]\n",
                    ),
                ),
            ],
        }
    }
}
