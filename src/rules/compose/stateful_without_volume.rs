use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::compose::EnvSource;
use crate::model::compose::service::VolumeKind;
use crate::rules::compose::{Sink, applies, finding, infra, is_long_running, label};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a database, broker or search service (known by its image) whose data directory
    /// is on no volume: no named volume or bind mount at the directory or a parent of it
    /// (`PGDATA`-style overrides are followed). A `tmpfs` at the data directory says the data
    /// is meant to be thrown away, and is not flagged, nor are the databases of compose files
    /// for tests (`docker-compose.test.yml`, `testing/`, `e2e`), which start empty on purpose. Caches (Redis, Memcached) are not
    /// judged, nor services only in a profile.
    ///
    /// ## Why is this bad?
    /// The data lives in the container's writable layer. `docker compose down`, a recreate
    /// after an image update or a config change, or `up --force-recreate` deletes it: the
    /// database comes back empty.
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
    ///     volumes:
    ///       - pgdata:/var/lib/postgresql/data
    /// volumes:
    ///   pgdata:
    /// ```
    pub struct StatefulWithoutVolume {
        id: "compose/stateful-without-volume",
        category: Orchestration,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Compose],
        summary: "a database/broker service whose data directory is not on a volume",
    }
}

/// A compose file for tests (`docker-compose.test.yml`, `docker/testing/compose.yml`,
/// `compose.e2e.yaml`, `ci/`): its databases are meant to start empty.
fn is_for_tests(path: &str) -> bool {
    path.to_ascii_lowercase()
        .split(['/', '.', '-', '_'])
        .any(|w| {
            matches!(
                w,
                "test" | "tests" | "testing" | "e2e" | "ci" | "integration"
            )
        })
}

fn covers(mount: &str, dir: &str) -> bool {
    let mount = mount.trim_end_matches('/');
    let dir = dir.trim_end_matches('/');
    dir == mount || dir.starts_with(&format!("{mount}/")) || mount.starts_with(&format!("{dir}/"))
}

impl Rule for StatefulWithoutVolume {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                let Some(known) = infra(svc) else { continue };
                if known.data.is_empty()
                    || !is_long_running(project, svc)
                    || is_for_tests(&svc.file)
                {
                    continue;
                }
                let mut dirs: Vec<String> = known.data.iter().map(|d| d.to_string()).collect();
                if let Some(env) = known.data_env
                    && let Some(v) = svc.environment().iter().find(|v| v.name == env)
                    && let EnvSource::Value(n) = v.source
                    && let Some(dir) = n.text().filter(|d| d.starts_with('/'))
                {
                    dirs = vec![dir.split(',').next().unwrap_or(dir).to_string()];
                }
                let volumes = svc.volumes();
                if volumes
                    .iter()
                    .any(|(v, _)| dirs.iter().any(|d| covers(&v.target, d)))
                {
                    continue;
                }
                if volumes.iter().any(|(v, _)| v.kind == VolumeKind::Tmpfs)
                    || svc.get("tmpfs").is_some()
                {
                    continue;
                }
                let image = svc.image().unwrap_or_default();
                sink.push(
                    finding(
                        &Self::META,
                        model,
                        svc,
                        (&svc.file, svc.span),
                        "volume",
                        format!(
                            "{} keeps its data in {} with no volume there: recreating the container loses it",
                            label(model, project, svc),
                            dirs[0]
                        ),
                    )
                    .help(format!("mount a named volume at {} (`- {}-data:{}` and a top-level `volumes:` entry); the image is {image}", dirs[0], svc.name, dirs[0]))
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
                    "postgres without volumes",
                    compose("services:\n  db:\n    image: postgres:16\n"),
                ),
                case(
                    "a volume elsewhere than the data directory",
                    compose(
                        "services:\n  db:\n    image: mongo:7\n    volumes:\n      - ./init.js:/docker-entrypoint-initdb.d/init.js:ro\n",
                    ),
                ),
                case(
                    "PGDATA moved off the volume",
                    compose(
                        "services:\n  db:\n    image: postgres:16\n    environment:\n      PGDATA: /pgdata\n    volumes:\n      - pg:/var/lib/postgresql/data\nvolumes:\n  pg:\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "a named volume at the data directory",
                    compose(
                        "services:\n  db:\n    image: postgres:16\n    volumes:\n      - pg:/var/lib/postgresql/data\nvolumes:\n  pg:\n",
                    ),
                ),
                case(
                    "a bind mount at a parent, long form",
                    compose(
                        "services:\n  es:\n    image: docker.elastic.co/elasticsearch/elasticsearch:8.11.0\n    volumes:\n      - type: bind\n        source: ./es\n        target: /usr/share/elasticsearch\n",
                    ),
                ),
                case(
                    "a tmpfs: the data is meant to go",
                    compose(
                        "services:\n  db:\n    image: postgres:16\n    tmpfs:\n      - /var/lib/postgresql/data\n",
                    ),
                ),
                case(
                    "a compose file for tests",
                    compose("services:\n  api:\n    image: acme/api:1\n").file(
                        "docker/testing/compose.yml",
                        "services:\n  db:\n    image: postgres:16\n",
                    ),
                ),
                case(
                    "a cache",
                    compose("services:\n  redis:\n    image: redis:7\n"),
                ),
                case(
                    "a profile-only service",
                    compose("services:\n  db:\n    image: mysql:8\n    profiles: [legacy]\n"),
                ),
            ],
        }
    }
}
