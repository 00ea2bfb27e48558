use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::compose::{Port, Service};
use crate::rules::compose::{Sink, applies, finding, label};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags two services of one compose project that publish the same host port (or
    /// overlapping ranges) on the same interface and protocol. `0.0.0.0` and an unset host IP
    /// collide with every interface. Services only in profiles that never run together (no
    /// profile in common) are alternatives, not a conflict.
    ///
    /// ## Why is this bad?
    /// The second container fails to start: `Bind for 0.0.0.0:5432 failed: port is already
    /// allocated`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:1
    ///     ports: ["3000:3000"]
    ///   web:
    ///     image: acme/web:1
    ///     ports: ["3000:80"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:1
    ///     ports: ["3000:3000"]
    ///   web:
    ///     image: acme/web:1
    ///     ports: ["8080:80"]
    /// ```
    pub struct PortConflict {
        id: "compose/port-conflict",
        category: Orchestration,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Compose],
        summary: "two services publishing the same host port (and interface)",
    }
}

fn collide(a: &Port<'_>, b: &Port<'_>) -> bool {
    let (Some((a1, a2)), Some((b1, b2))) = (a.published, b.published) else {
        return false;
    };
    let ip = |p: &Port<'_>| p.host_ip.clone().filter(|h| h != "0.0.0.0" && h != "::");
    let interfaces = match (ip(a), ip(b)) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    interfaces && a.protocol == b.protocol && a1 <= b2 && b1 <= a2
}

/// Whether two services can run at the same time.
fn together(a: &Service, b: &Service) -> bool {
    a.profiles.is_empty()
        || b.profiles.is_empty()
        || a.profiles.iter().any(|p| b.profiles.contains(p))
}

impl Rule for PortConflict {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            let ports: Vec<(&Service, Vec<Port<'_>>)> =
                project.services.iter().map(|s| (s, s.ports())).collect();
            for (i, (a, pa)) in ports.iter().enumerate() {
                for (b, pb) in &ports[i + 1..] {
                    if !together(a, b) {
                        continue;
                    }
                    for x in pa {
                        let Some(y) = pb.iter().find(|y| collide(x, y)) else {
                            continue;
                        };
                        let (Some(nx), Some(ny)) = (x.node, y.node) else {
                            continue;
                        };
                        let (p, _) = y.published.unwrap_or_default();
                        sink.push(
                            finding(
                                &Self::META,
                                model,
                                b,
                                (&ny.file, ny.span),
                                &format!("port/{p}/{}", a.name),
                                format!(
                                    "{} publishes host port {p}/{}, which `{}` publishes too: the second to start fails with \"port is already allocated\"",
                                    label(model, project, b),
                                    y.protocol,
                                    a.name
                                ),
                            )
                            .related(&nx.file, nx.span.line, format!("`{}` publishes it here", a.name))
                            .help("publish a different host port for one of them (the container port can stay)")
                            .build(),
                        );
                    }
                }
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
                    "the same host port",
                    compose("services:\n  api:\n    image: a:1\n    ports: ['3000:3000']\n  web:\n    image: w:1\n    ports: ['3000:80']\n"),
                ),
                case(
                    "a range that overlaps, all interfaces against one",
                    compose("services:\n  a:\n    image: a:1\n    ports: ['8000-8010:8000-8010']\n  b:\n    image: b:1\n    ports: ['127.0.0.1:8005:80']\n"),
                ),
                case(
                    "long form against short form, added by an override",
                    compose("services:\n  a:\n    image: a:1\n    ports:\n      - target: 5432\n        published: '5432'\n  b:\n    image: b:1\n").file(
                        "docker-compose.override.yml",
                        "services:\n  b:\n    ports: ['5432:5432']\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "different interfaces",
                    compose("services:\n  a:\n    image: a:1\n    ports: ['127.0.0.1:80:80']\n  b:\n    image: b:1\n    ports: ['127.0.0.2:80:80']\n"),
                ),
                case(
                    "different protocols and container-only ports",
                    compose("services:\n  a:\n    image: a:1\n    ports: ['53:53/udp', '3000']\n  b:\n    image: b:1\n    ports: ['53:53/tcp', '3000']\n"),
                ),
                case(
                    "alternatives in different profiles",
                    compose("services:\n  api-dev:\n    image: a:1\n    profiles: [dev]\n    ports: ['3000:3000']\n  api-prod:\n    image: a:2\n    profiles: [prod]\n    ports: ['3000:3000']\n"),
                ),
                case(
                    "two files that are separate projects",
                    compose("services:\n  a:\n    image: a:1\n    ports: ['3000:3000']\n").file("deploy/docker-compose.yml", "services:\n  b:\n    image: b:1\n    ports: ['3000:3000']\n"),
                ),
            ],
        }
    }
}
