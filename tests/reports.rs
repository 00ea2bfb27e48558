//! Every fixture's JSON report: its scenario snapshotted, the whole report valid against the
//! committed JSON Schema and byte-identical across runs and thread counts. The schema itself
//! must match the report type, and the rule list has one snapshot of its own.

mod common;

use common::{
    fixture, scan_fixture, scan_path, scenario_json, snapshot_fixtures, snapshot_name, stable_json,
};

#[test]
fn json_reports_match_snapshots() {
    for name in snapshot_fixtures() {
        let analysis = scan_fixture(&name);
        insta::assert_snapshot!(snapshot_name(&name), scenario_json(&analysis.report));
    }
}

/// The rules every report lists, with their metadata: it changes when a rule is added.
#[test]
fn rule_list() {
    let report = scan_fixture("single-package-express").report;
    let rules: Vec<String> = report
        .rules
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r.id,
                r.severity.as_str(),
                r.category.id(),
                r.summary
            )
        })
        .collect();
    insta::assert_snapshot!("rules", rules.join("\n") + "\n");
}

#[test]
fn committed_schema_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json");
    let generated = seaworthy::report::json::schema();
    if std::env::var_os("SEAWORTHY_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/report.schema.json is stale; regenerate it with\n  SEAWORTHY_UPDATE_SCHEMA=1 cargo test --test reports committed_schema_is_current"
    );
}

#[test]
fn every_fixture_report_validates_against_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&seaworthy::report::json::schema()).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for name in snapshot_fixtures() {
        let report: serde_json::Value =
            serde_json::from_str(&stable_json(&scan_fixture(&name).report))
                .expect("report is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    for name in snapshot_fixtures() {
        let display = format!("tests/fixtures/{name}");
        let one = stable_json(&scan_path(&fixture(&name), &display, Some(1)).report);
        let many = stable_json(&scan_path(&fixture(&name), &display, Some(8)).report);
        assert_eq!(one, many, "{name}: output depends on thread count");
        let again = stable_json(&scan_path(&fixture(&name), &display, Some(8)).report);
        assert_eq!(many, again, "{name}: output differs between runs");
    }
}

#[test]
fn fingerprints_survive_moving_lines() {
    let fingerprints = |root: &std::path::Path| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = scan_path(root, "fixture", Some(2))
            .report
            .findings
            .iter()
            .map(|f| (f.rule.clone(), f.fingerprint.clone()))
            .collect();
        out.sort();
        out
    };
    let root = common::copy_fixture("pnpm-undeclared-prom-client", "moved");
    let before = fingerprints(&root);
    assert!(!before.is_empty());
    // Push every finding down: blank lines and a comment on top of the sources and manifests.
    for file in [
        "services/auth/package.json",
        "services/auth/src/main.ts",
        "services/auth/src/app.module.ts",
        "services/auth/src/broken.ts",
        "services/auth/src/modules/metrics/metrics.service.ts",
        "services/billing/src/index.ts",
    ] {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).expect("fixture file");
        let prefix = if file.ends_with(".json") {
            "\n\n\n"
        } else {
            "// moved\n\n"
        };
        std::fs::write(&path, format!("{prefix}{text}")).expect("rewrite");
    }
    let after = fingerprints(&root);
    assert_eq!(before, after, "moving lines must not change fingerprints");
    let _ = std::fs::remove_dir_all(&root);
}
