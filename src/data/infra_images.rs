//! Images of stateful and slow-starting infrastructure that compose files run beside the
//! services: databases, brokers, caches, search engines, workflow servers. Matched by the
//! image's repository name after [`normalize`] (registry `docker.io`, `library/`, tag and
//! digest removed), exactly.
//!
//! `data`: where the image keeps its data (a volume must cover it, or the data is lost when the
//! container is recreated); empty for images whose state is a cache by default. `healthcheck`:
//! whether the image itself defines a `HEALTHCHECK` (none of these do: their Dockerfiles, read
//! on Docker Hub's official-images repository and the vendors' repositories, have none).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Database,
    Broker,
    Cache,
    Search,
    /// Workflow and coordination servers (Temporal, ZooKeeper).
    Server,
    ObjectStore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Infra {
    pub(crate) names: &'static [&'static str],
    pub(crate) kind: Kind,
    /// The data directories, in the image's defaults.
    pub(crate) data: &'static [&'static str],
    /// An environment variable that moves the data directory (`PGDATA`).
    pub(crate) data_env: Option<&'static str>,
    pub(crate) healthcheck: bool,
    pub(crate) source: &'static str,
}

pub(crate) const INFRA: &[Infra] = &[
    Infra {
        names: &[
            "postgres",
            "postgis/postgis",
            "pgvector/pgvector",
            "ankane/pgvector",
            "timescale/timescaledb",
            "timescale/timescaledb-ha",
            "supabase/postgres",
            "tensorchord/pgvecto-rs",
        ],
        kind: Kind::Database,
        data: &["/var/lib/postgresql/data", "/var/lib/postgresql"],
        data_env: Some("PGDATA"),
        healthcheck: false,
        source: "docker-library/postgres Dockerfile: VOLUME /var/lib/postgresql/data, PGDATA; no HEALTHCHECK",
    },
    Infra {
        names: &["bitnami/postgresql", "bitnami/postgresql-repmgr"],
        kind: Kind::Database,
        data: &["/bitnami/postgresql", "/bitnami"],
        data_env: None,
        healthcheck: false,
        source: "bitnami/containers postgresql README: persisting your database (/bitnami/postgresql)",
    },
    Infra {
        names: &["mysql", "mariadb", "percona", "mysql/mysql-server"],
        kind: Kind::Database,
        data: &["/var/lib/mysql"],
        data_env: None,
        healthcheck: false,
        source: "docker-library/mysql and mariadb Dockerfiles: VOLUME /var/lib/mysql",
    },
    Infra {
        names: &["bitnami/mysql", "bitnami/mariadb"],
        kind: Kind::Database,
        data: &["/bitnami/mysql", "/bitnami/mariadb", "/bitnami"],
        data_env: None,
        healthcheck: false,
        source: "bitnami/containers mysql README: persisting your database",
    },
    Infra {
        names: &["mongo", "mongodb/mongodb-community-server"],
        kind: Kind::Database,
        data: &["/data/db", "/data"],
        data_env: None,
        healthcheck: false,
        source: "docker-library/mongo Dockerfile: VOLUME /data/db /data/configdb",
    },
    Infra {
        names: &["bitnami/mongodb"],
        kind: Kind::Database,
        data: &["/bitnami/mongodb", "/bitnami"],
        data_env: None,
        healthcheck: false,
        source: "bitnami/containers mongodb README: persisting your database",
    },
    Infra {
        names: &["clickhouse/clickhouse-server", "yandex/clickhouse-server"],
        kind: Kind::Database,
        data: &["/var/lib/clickhouse"],
        data_env: None,
        healthcheck: false,
        source: "ClickHouse/ClickHouse docker/server README: volumes (/var/lib/clickhouse)",
    },
    Infra {
        names: &["cassandra", "scylladb/scylla"],
        kind: Kind::Database,
        data: &["/var/lib/cassandra", "/var/lib/scylla"],
        data_env: None,
        healthcheck: false,
        source: "docker-library/cassandra Dockerfile: VOLUME /var/lib/cassandra",
    },
    Infra {
        names: &["neo4j"],
        kind: Kind::Database,
        data: &["/data"],
        data_env: None,
        healthcheck: false,
        source: "neo4j docker docs: /data volume",
    },
    Infra {
        names: &[
            "redis",
            "redis/redis-stack",
            "redis/redis-stack-server",
            "valkey/valkey",
            "bitnami/redis",
            "eqalpha/keydb",
            "docker.dragonflydb.io/dragonflydb/dragonfly",
        ],
        kind: Kind::Cache,
        data: &[],
        data_env: None,
        healthcheck: false,
        source: "docker-library/redis Dockerfile: VOLUME /data, no HEALTHCHECK; a cache unless persistence is configured",
    },
    Infra {
        names: &["memcached"],
        kind: Kind::Cache,
        data: &[],
        data_env: None,
        healthcheck: false,
        source: "docker-library/memcached: in-memory only",
    },
    Infra {
        names: &["rabbitmq", "bitnami/rabbitmq"],
        kind: Kind::Broker,
        data: &["/var/lib/rabbitmq", "/bitnami/rabbitmq", "/bitnami"],
        data_env: None,
        healthcheck: false,
        source: "docker-library/rabbitmq Dockerfile: VOLUME /var/lib/rabbitmq",
    },
    Infra {
        names: &[
            "confluentinc/cp-kafka",
            "bitnami/kafka",
            "apache/kafka",
            "apache/kafka-native",
            "wurstmeister/kafka",
        ],
        kind: Kind::Broker,
        data: &[
            "/var/lib/kafka/data",
            "/var/lib/kafka",
            "/bitnami/kafka",
            "/bitnami",
            "/tmp/kraft-combined-logs",
            "/kafka",
        ],
        data_env: Some("KAFKA_LOG_DIRS"),
        healthcheck: false,
        source: "confluentinc/kafka-images: VOLUME /var/lib/kafka/data; bitnami kafka README: /bitnami/kafka",
    },
    Infra {
        names: &[
            "redpandadata/redpanda",
            "vectorized/redpanda",
            "docker.redpanda.com/redpandadata/redpanda",
        ],
        kind: Kind::Broker,
        data: &["/var/lib/redpanda/data", "/var/lib/redpanda"],
        data_env: None,
        healthcheck: false,
        source: "Redpanda docs: docker-compose quickstart (volume at /var/lib/redpanda/data)",
    },
    Infra {
        names: &["nats"],
        kind: Kind::Broker,
        data: &[],
        data_env: None,
        healthcheck: false,
        source: "nats-io/nats-docker: in-memory unless JetStream has a store directory",
    },
    Infra {
        names: &[
            "elasticsearch",
            "docker.elastic.co/elasticsearch/elasticsearch",
            "bitnami/elasticsearch",
        ],
        kind: Kind::Search,
        data: &["/usr/share/elasticsearch/data", "/bitnami/elasticsearch"],
        data_env: None,
        healthcheck: false,
        source: "Elastic docs: install Elasticsearch with Docker (/usr/share/elasticsearch/data)",
    },
    Infra {
        names: &["opensearchproject/opensearch"],
        kind: Kind::Search,
        data: &["/usr/share/opensearch/data"],
        data_env: None,
        healthcheck: false,
        source: "OpenSearch docs: Docker (/usr/share/opensearch/data)",
    },
    Infra {
        names: &["getmeili/meilisearch"],
        kind: Kind::Search,
        data: &["/meili_data"],
        data_env: None,
        healthcheck: false,
        source: "Meilisearch docs: Docker (/meili_data)",
    },
    Infra {
        names: &["typesense/typesense"],
        kind: Kind::Search,
        data: &["/data"],
        data_env: None,
        healthcheck: false,
        source: "Typesense docs: Docker (--data-dir /data)",
    },
    Infra {
        names: &["temporalio/auto-setup", "temporalio/server"],
        kind: Kind::Server,
        data: &[],
        data_env: None,
        healthcheck: false,
        source: "temporalio/docker-compose: the server keeps its state in the database it is given",
    },
    Infra {
        names: &[
            "zookeeper",
            "confluentinc/cp-zookeeper",
            "bitnami/zookeeper",
        ],
        kind: Kind::Server,
        data: &[],
        data_env: None,
        healthcheck: false,
        source: "docker-library/zookeeper: slow to elect a leader; state is Kafka's metadata",
    },
    Infra {
        names: &["minio/minio", "bitnami/minio", "quay.io/minio/minio"],
        kind: Kind::ObjectStore,
        data: &["/data", "/bitnami/minio/data"],
        data_env: None,
        healthcheck: false,
        source: "MinIO docs: deploy MinIO in a container (server /data)",
    },
];

/// The repository name of an image reference: `docker.io/library/postgres:16@sha256:…` →
/// `postgres`; `docker.elastic.co/elasticsearch/elasticsearch:8` keeps its registry.
pub(crate) fn normalize(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    // A tag follows the last `:` after the last `/` (a registry may have a port).
    let name = match image.rfind(':') {
        Some(c) if !image[c..].contains('/') => &image[..c],
        _ => image,
    };
    let name = name
        .strip_prefix("docker.io/")
        .or_else(|| name.strip_prefix("index.docker.io/"))
        .or_else(|| name.strip_prefix("registry-1.docker.io/"))
        .or_else(|| name.strip_prefix("mirror.gcr.io/"))
        .or_else(|| name.strip_prefix("public.ecr.aws/docker/"))
        .unwrap_or(name);
    name.strip_prefix("library/").unwrap_or(name)
}

pub(crate) fn lookup(image: &str) -> Option<&'static Infra> {
    let name = normalize(image);
    INFRA.iter().find(|i| i.names.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_by_repository_name() {
        assert_eq!(
            normalize("docker.io/library/postgres:16@sha256:abc"),
            "postgres"
        );
        assert_eq!(normalize("localhost:5000/redis"), "localhost:5000/redis");
        assert_eq!(
            lookup("postgres:16-alpine").map(|i| i.kind),
            Some(Kind::Database)
        );
        assert_eq!(
            lookup("bitnami/kafka:3.6").map(|i| i.kind),
            Some(Kind::Broker)
        );
        assert!(lookup("docker.elastic.co/elasticsearch/elasticsearch:8.11.0").is_some());
        assert!(lookup("postgrest/postgrest").is_none());
        assert!(lookup("acme/postgres-backup").is_none());
        for i in INFRA {
            assert!(!i.source.is_empty());
            assert!(i.data.iter().all(|d| d.starts_with('/')));
        }
    }
}
