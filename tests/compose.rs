//! The compose model against what `docker-compose config` said about each fixture under
//! `tests/fixtures/compose-merge/`: `scripts/compose-differential.py --write-expected` ran
//! docker-compose 1.29 on every fixture and wrote its answer, normalized, to
//! `expected.docker-compose.json`. This test runs offline: it builds the model of each fixture
//! and compares `seaworthy::model::compose::config` of every project with the recorded answer,
//! the same comparison the script makes live. Where v1.29 predates a feature a fixture uses
//! (`include`, `!reset`, `${VAR:+alt}`, …) the recorded answer is the current compose spec's,
//! which the script gets by translating the files (the project's `translated` list says how).

mod common;

use common::fixture;
use serde_json::Value;

const EXPECTED: &str = "expected.docker-compose.json";

fn scenarios() -> Vec<String> {
    let dir = fixture("compose-merge");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/compose-merge")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `(files, services)` of every project the model finds in a fixture.
fn model_projects(name: &str) -> Vec<(Value, Value)> {
    let root = fixture(&format!("compose-merge/{name}"));
    let prepared = seaworthy::prepare(&seaworthy::ScanOptions::new(&root), &|_| {})
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let model = &prepared.model;
    model
        .compose
        .projects
        .iter()
        .map(|p| {
            let services = seaworthy::model::compose::config::config(p, &model.dotenvs);
            (serde_json::json!(p.files), services["services"].clone())
        })
        .collect()
}

fn expected_projects(name: &str) -> Vec<(Value, Value)> {
    let path = fixture(&format!("compose-merge/{name}")).join(EXPECTED);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{name}: no {EXPECTED} ({e}); run scripts/compose-differential.py --write-expected")
    });
    let doc: Value = serde_json::from_str(&text).expect("expected file is JSON");
    doc["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| (p["files"].clone(), p["services"].clone()))
        .collect()
}

/// `service.key: model …, docker-compose …` lines, as the script prints them.
fn differences(model: &Value, expected: &Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (m, e) = (
        model.as_object().unwrap_or(&empty),
        expected.as_object().unwrap_or(&empty),
    );
    let mut out = Vec::new();
    let names: std::collections::BTreeSet<&String> = m.keys().chain(e.keys()).collect();
    for name in names {
        let (a, b) = (&m.get(name), &e.get(name));
        let (Some(a), Some(b)) = (a, b) else {
            out.push(format!(
                "{name}: only in {}",
                if a.is_some() {
                    "the model"
                } else {
                    "docker-compose"
                }
            ));
            continue;
        };
        let keys: std::collections::BTreeSet<&String> = a
            .as_object()
            .into_iter()
            .chain(b.as_object())
            .flat_map(|o| o.keys())
            .collect();
        for key in keys {
            if a.get(key) != b.get(key) {
                out.push(format!(
                    "{name}.{key}: model {}, docker-compose {}",
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null)
                ));
            }
        }
    }
    out
}

#[test]
fn every_fixture_agrees_with_docker_compose_config() {
    let names = scenarios();
    assert!(names.len() >= 6, "the compose-merge fixtures: {names:?}");
    let mut failures = Vec::new();
    for name in &names {
        let model = model_projects(name);
        let expected = expected_projects(name);
        let files = |ps: &[(Value, Value)]| ps.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
        if files(&model) != files(&expected) {
            failures.push(format!(
                "{name}: projects {:?}, recorded {:?}",
                files(&model),
                files(&expected)
            ));
            continue;
        }
        for ((files, m), (_, e)) in model.iter().zip(&expected) {
            for d in differences(m, e) {
                failures.push(format!("{name} {files}: {d}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "the model disagrees with the recorded docker-compose config:\n{}",
        failures.join("\n")
    );
}
