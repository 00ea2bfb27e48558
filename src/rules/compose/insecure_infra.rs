use crate::data::infra_images::normalize;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::compose::service::VolumeKind;
use crate::model::compose::{EnvSource, Node, Service};
use crate::rules::compose::{Sink, applies, finding, key_at, label};
use crate::rules::{Context, Rule, Subject, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags infrastructure left open, each case at the exact key:
    /// - Traefik's API without authentication: `--api.insecure=true` (or `--api.insecure`)
    ///   in `command`, or `TRAEFIK_API_INSECURE=true`;
    /// - Elasticsearch without security: `xpack.security.enabled=false`; OpenSearch with
    ///   `DISABLE_SECURITY_PLUGIN=true` or `plugins.security.disabled=true`;
    /// - Postgres accepting anyone: `POSTGRES_HOST_AUTH_METHOD=trust`;
    /// - `privileged: true`;
    /// - the Docker socket mounted read-write (`/var/run/docker.sock` without `:ro`);
    /// - Redis or MongoDB published on every host interface with no authentication (no
    ///   `--requirepass`/`REDIS_PASSWORD`, `ALLOW_EMPTY_PASSWORD=yes`; no
    ///   `MONGO_INITDB_ROOT_PASSWORD`/`MONGODB_ROOT_PASSWORD`, no `--auth`).
    ///
    /// ## Why is this bad?
    /// Each one hands control to whoever reaches the port: Traefik's insecure API shows and
    /// changes the routing, an unauthenticated Elasticsearch, Postgres, Redis or MongoDB gives
    /// away (or deletes, or ransoms) the data, and a privileged container or a writable
    /// Docker socket is root on the host.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   elasticsearch:
    ///     image: docker.elastic.co/elasticsearch/elasticsearch:8.11.0
    ///     environment:
    ///       - xpack.security.enabled=false
    ///     ports: ["9200:9200"]
    /// ```
    ///
    /// ## Use instead
    /// Keep security on (`ELASTIC_PASSWORD: ${ELASTIC_PASSWORD:?}`) and publish only on
    /// loopback (`127.0.0.1:9200:9200`) or not at all.
    pub struct InsecureInfra {
        id: "compose/insecure-infra",
        category: Security,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Compose],
        summary: "Traefik's insecure API, Elasticsearch without security, Postgres trust auth, privileged containers, a writable Docker socket, Redis/Mongo published without auth",
    }
}

fn env<'a>(svc: &'a Service, name: &str) -> Option<(&'a str, Span, Option<&'a str>)> {
    svc.environment()
        .into_iter()
        .find(|v| v.name.eq_ignore_ascii_case(name))
        .map(|v| {
            let value = match v.source {
                EnvSource::Value(n) => n.text(),
                EnvSource::Shell => None,
            };
            (&**v.file, v.key_span, value)
        })
}

fn is_true(v: Option<&str>) -> bool {
    v.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "1" | "on"
        )
    })
}

/// The `command` words with where each is written.
fn command_nodes(svc: &Service) -> Vec<&Node> {
    svc.get("command").map(Node::scalars).unwrap_or_default()
}

impl Rule for InsecureInfra {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                let image = svc.image().map(normalize).unwrap_or_default();
                let who = label(model, project, svc);
                let mut report = |at: (&str, Span), key: &str, message: String, help: &str| {
                    sink.push(
                        finding(&Self::META, model, svc, at, key, format!("{who} {message}"))
                            .help(help)
                            .build(),
                    );
                };
                // Traefik.
                for n in command_nodes(svc) {
                    let Some(t) = n.text() else { continue };
                    for word in t.split_whitespace() {
                        let w = word.trim_matches(['"', '\'']);
                        if w == "--api.insecure" || w.eq_ignore_ascii_case("--api.insecure=true") {
                            report(
                                (&n.file, n.span),
                                "api.insecure",
                                format!(
                                    "runs Traefik with `{w}`: its API and dashboard answer anyone, with no authentication"
                                ),
                                "drop `--api.insecure`; expose the dashboard through a router with an auth middleware",
                            );
                        }
                    }
                }
                if let Some((file, span, v)) = env(svc, "TRAEFIK_API_INSECURE")
                    && is_true(v)
                {
                    report((file, span), "api.insecure", "sets `TRAEFIK_API_INSECURE=true`: Traefik's API and dashboard answer anyone".into(), "drop it; expose the dashboard through a router with an auth middleware");
                }
                // Elasticsearch and OpenSearch.
                if let Some((file, span, v)) = env(svc, "xpack.security.enabled")
                    && v.is_some_and(|v| v.trim().eq_ignore_ascii_case("false"))
                {
                    report((file, span), "xpack.security.enabled", "sets `xpack.security.enabled=false`: Elasticsearch answers without authentication or TLS".into(), "keep security on and set `ELASTIC_PASSWORD` from the environment");
                }
                for key in ["DISABLE_SECURITY_PLUGIN", "plugins.security.disabled"] {
                    if let Some((file, span, v)) = env(svc, key)
                        && is_true(v)
                    {
                        report(
                            (file, span),
                            key,
                            format!("sets `{key}=true`: OpenSearch answers without authentication"),
                            "keep the security plugin on and set `OPENSEARCH_INITIAL_ADMIN_PASSWORD` from the environment",
                        );
                    }
                }
                // Postgres.
                if let Some((file, span, v)) = env(svc, "POSTGRES_HOST_AUTH_METHOD")
                    && v.is_some_and(|v| v.trim().eq_ignore_ascii_case("trust"))
                {
                    report((file, span), "POSTGRES_HOST_AUTH_METHOD", "sets `POSTGRES_HOST_AUTH_METHOD=trust`: Postgres lets anyone in as any user, with no password".into(), "remove it and set `POSTGRES_PASSWORD` from the environment");
                }
                // Privileged.
                if svc.get("privileged").is_some_and(Node::is_true) {
                    report(key_at(svc, "privileged"), "privileged", "runs `privileged: true`: the container has every capability and the host's devices".into(), "drop `privileged`; add only the capabilities it needs with `cap_add`");
                }
                // The Docker socket.
                for (v, n) in svc.volumes() {
                    let source = v.source.as_deref().unwrap_or_default();
                    if v.kind == VolumeKind::Bind
                        && (source.ends_with("/docker.sock") || v.target.ends_with("/docker.sock"))
                        && source.ends_with("docker.sock")
                        && !v.read_only
                    {
                        report((&n.file, n.span), "docker.sock", "mounts the Docker socket read-write: whoever controls the container controls the host".into(), "mount it `:ro` if only events are read, or use a socket proxy that allows only the calls needed");
                    }
                }
                // Redis and MongoDB published without auth.
                let published = svc
                    .ports()
                    .into_iter()
                    .find(|p| p.published.is_some() && p.all_interfaces());
                let Some(port) = published else { continue };
                let Some(port_node) = port.node else { continue };
                let command = svc.command_words().join(" ");
                let redis = matches!(
                    image,
                    "redis"
                        | "bitnami/redis"
                        | "valkey/valkey"
                        | "redis/redis-stack-server"
                        | "redis/redis-stack"
                );
                let mongo = matches!(
                    image,
                    "mongo" | "bitnami/mongodb" | "mongodb/mongodb-community-server"
                );
                let open = if redis {
                    let password = env(svc, "REDIS_PASSWORD").is_some()
                        || env(svc, "REDIS_ARGS")
                            .is_some_and(|(_, _, v)| v.unwrap_or_default().contains("requirepass"))
                        || command.contains("requirepass")
                        || command.contains(".conf");
                    let empty_ok =
                        env(svc, "ALLOW_EMPTY_PASSWORD").is_some_and(|(_, _, v)| is_true(v));
                    (!password || empty_ok).then_some("Redis")
                } else if mongo {
                    let auth = env(svc, "MONGO_INITDB_ROOT_PASSWORD").is_some()
                        || env(svc, "MONGODB_ROOT_PASSWORD").is_some()
                        || env(svc, "MONGO_INITDB_ROOT_PASSWORD_FILE").is_some()
                        || command.contains("--auth")
                        || command.contains("--keyFile");
                    (!auth).then_some("MongoDB")
                } else {
                    None
                };
                if let Some(what) = open {
                    let (p, _) = port.published.unwrap_or_default();
                    report(
                        (&port_node.file, port_node.span),
                        "published",
                        format!(
                            "publishes {what} on port {p} of every host interface with no authentication"
                        ),
                        "require a password (`--requirepass ${REDIS_PASSWORD:?}`, `MONGO_INITDB_ROOT_PASSWORD`) and publish on `127.0.0.1` only, or not at all",
                    );
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
                    "Traefik's insecure API",
                    compose(
                        "services:\n  traefik:\n    image: traefik:v3.0\n    command:\n      - --api.insecure=true\n      - --providers.docker\n",
                    ),
                ),
                case(
                    "Elasticsearch without security, list form",
                    compose(
                        "services:\n  es:\n    image: docker.elastic.co/elasticsearch/elasticsearch:8.11.0\n    environment:\n      - discovery.type=single-node\n      - xpack.security.enabled=false\n",
                    ),
                ),
                case(
                    "Postgres trust auth",
                    compose(
                        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_HOST_AUTH_METHOD: trust\n",
                    ),
                ),
                case(
                    "privileged",
                    compose("services:\n  agent:\n    image: acme/agent:1\n    privileged: true\n"),
                ),
                case(
                    "a writable Docker socket",
                    compose(
                        "services:\n  portainer:\n    image: portainer/portainer-ce:2.19.4\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
                    ),
                ),
                case(
                    "Redis published with no password",
                    compose("services:\n  redis:\n    image: redis:7\n    ports: ['6379:6379']\n"),
                ),
                case(
                    "Mongo published with no root password",
                    compose(
                        "services:\n  mongo:\n    image: mongo:7\n    ports: ['27017:27017']\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "Traefik's secure API and a read-only socket",
                    compose(
                        "services:\n  traefik:\n    image: traefik:v3.0\n    command: --api.dashboard=true --providers.docker\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n",
                    ),
                ),
                case(
                    "Elasticsearch with security on",
                    compose(
                        "services:\n  es:\n    image: elasticsearch:8.11.0\n    environment:\n      xpack.security.enabled: 'true'\n      ELASTIC_PASSWORD: ${ELASTIC_PASSWORD:?}\n",
                    ),
                ),
                case(
                    "Redis with a password, on loopback, or unpublished",
                    compose(
                        "services:\n  a:\n    image: redis:7\n    command: redis-server --requirepass ${REDIS_PASSWORD:?}\n    ports: ['6379:6379']\n  b:\n    image: redis:7\n    ports: ['127.0.0.1:6380:6379']\n  c:\n    image: redis:7\n",
                    ),
                ),
                case(
                    "Mongo with a root password",
                    compose(
                        "services:\n  mongo:\n    image: mongo:7\n    environment:\n      MONGO_INITDB_ROOT_USERNAME: root\n      MONGO_INITDB_ROOT_PASSWORD: ${MONGO_PASSWORD:?}\n    ports: ['27017:27017']\n",
                    ),
                ),
                case(
                    "privileged false",
                    compose("services:\n  a:\n    image: acme/a:1\n    privileged: false\n"),
                ),
            ],
        }
    }
}
