use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::compose::EnvSource;
use crate::rules::compose::{Sink, applies, finding, label};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags Kafka settings of 1 for replication: `KAFKA_*REPLICATION_FACTOR` (offsets,
    /// transaction state, default, confluent license topics), `KAFKA_MIN_INSYNC_REPLICAS`, and
    /// their Bitnami `KAFKA_CFG_*` forms, with the value 1 in a service's `environment`.
    ///
    /// ## Why is this bad?
    /// With one replica, the loss of the broker's disk loses the topic, consumer offsets and
    /// transaction state; with `min.insync.replicas=1` an acknowledged write can be lost on a
    /// leader change. Fine for a laptop's single broker, lossy anywhere that matters.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   kafka:
    ///     image: confluentinc/cp-kafka:7.6.0
    ///     environment:
    ///       KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1
    /// ```
    ///
    /// ## Use instead
    /// Run three brokers with `KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 3` and
    /// `KAFKA_MIN_INSYNC_REPLICAS: 2`, or keep this file for local development only.
    pub struct SingleReplicaKafka {
        id: "compose/single-replica-kafka",
        category: Orchestration,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Compose],
        summary: "Kafka replication/min-ISR settings of 1 (`*_REPLICATION_FACTOR: 1`)",
    }
}

fn is_replication_key(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    let n = n
        .strip_prefix("KAFKA_CFG_")
        .or_else(|| n.strip_prefix("KAFKA_"))
        .unwrap_or("");
    !n.is_empty() && (n.ends_with("REPLICATION_FACTOR") || n == "MIN_INSYNC_REPLICAS")
}

impl Rule for SingleReplicaKafka {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                for var in svc.environment() {
                    if !is_replication_key(var.name) {
                        continue;
                    }
                    let EnvSource::Value(v) = var.source else {
                        continue;
                    };
                    if v.text().map(str::trim) != Some("1") {
                        continue;
                    }
                    sink.push(
                        finding(
                            &Self::META,
                            model,
                            svc,
                            (var.file, var.key_span),
                            var.name,
                            format!("{} sets `{}` to 1: one broker's loss loses the data", label(model, project, svc), var.name),
                        )
                        .help("replicate to 3 brokers (`min.insync.replicas` 2) outside local development")
                        .build(),
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
                    "offsets topic replication factor 1",
                    compose(
                        "services:\n  kafka:\n    image: confluentinc/cp-kafka:7.6.0\n    environment:\n      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1\n      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: 1\n",
                    ),
                ),
                case(
                    "bitnami list form",
                    compose(
                        "services:\n  kafka:\n    image: bitnami/kafka:3.7\n    environment:\n      - KAFKA_CFG_DEFAULT_REPLICATION_FACTOR=1\n      - KAFKA_CFG_MIN_INSYNC_REPLICAS=1\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "replication factor 3",
                    compose(
                        "services:\n  kafka:\n    image: bitnami/kafka:3.7\n    environment:\n      KAFKA_CFG_DEFAULT_REPLICATION_FACTOR: 3\n",
                    ),
                ),
                case(
                    "a variable the shell sets",
                    compose(
                        "services:\n  kafka:\n    image: bitnami/kafka:3.7\n    environment:\n      KAFKA_CFG_DEFAULT_REPLICATION_FACTOR: ${RF}\n",
                    ),
                ),
                case(
                    "another setting of 1",
                    compose(
                        "services:\n  kafka:\n    image: bitnami/kafka:3.7\n    environment:\n      KAFKA_CFG_NODE_ID: 1\n",
                    ),
                ),
            ],
        }
    }
}
