//! `examples/incidents`, the README's first command: a small pnpm workspace (lockfile written by
//! pnpm, then one dependency added by hand) that reproduces the incidents of the seed reports.
//! Every incident must be found, at the file it happened in. The example is a showcase, not a
//! fixture to tune to: this test asserts only that each incident is found, never the rest.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// (incident, rule, file the finding is located in, a word of its message)
const INCIDENTS: &[(&str, &str, &str, &str)] = &[
    (
        "undeclared prom-client",
        "deps/undeclared",
        "services/auth/src/metrics/metrics.service.ts",
        "prom-client",
    ),
    (
        "KafkaHealthIndicator commented out of its module",
        "nest/unresolved-provider",
        "services/master-data/src/health/health.controller.ts",
        "KafkaHealthIndicator",
    ),
    (
        "shared package not built in Docker",
        "docker/workspace-dep-not-built",
        "services/master-data/Dockerfile",
        "@incidents/shared",
    ),
    (
        "lockfile drift",
        "lockfile/out-of-sync",
        "services/master-data/package.json",
        "kafkajs",
    ),
    (
        "lockfile drift under --frozen-lockfile in Docker",
        "docker/frozen-install-with-drift",
        "services/master-data/Dockerfile",
        "kafkajs",
    ),
    (
        "argon2 reinstalled on a slim runtime",
        "docker/native-rebuild-in-slim-runtime",
        "services/auth/Dockerfile",
        "argon2",
    ),
    (
        "distroless healthcheck calling curl",
        "docker/healthcheck-tool-missing",
        "services/master-data/Dockerfile",
        "curl",
    ),
    (
        "compose start race",
        "compose/depends-on-not-healthy",
        "docker-compose.yml",
        "kafka",
    ),
    (
        "compose secret",
        "compose/hardcoded-secret",
        "docker-compose.yml",
        "POSTGRES_PASSWORD",
    ),
];

#[test]
fn every_incident_in_the_example_is_found() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/incidents");
    let out = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
        .arg("scan")
        .arg(&root)
        .args(["--json", "-", "--no-progress", "-q", "--no-cache"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "the incidents fail the gate");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let findings = report["findings"].as_array().expect("findings");
    let mut missing = Vec::new();
    for (incident, rule, path, word) in INCIDENTS {
        let found = findings.iter().any(|f| {
            f["rule"] == *rule
                && f["location"]["path"] == *path
                && f["message"].as_str().is_some_and(|m| m.contains(word))
        });
        if !found {
            missing.push(format!("{incident}: no {rule} in {path} about {word}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    assert_ne!(report["summary"]["rating"], "pass");
    assert!(
        report["errors"].as_array().is_some_and(Vec::is_empty),
        "{:#}",
        report["errors"]
    );
}
