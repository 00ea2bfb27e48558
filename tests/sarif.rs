//! SARIF and GitLab Code Quality over the fixtures: the SARIF validates against the OASIS
//! SARIF 2.1.0 schema (`tests/schemas/sarif-schema-2.1.0.json`, from oasis-tcs/sarif-spec
//! `sarif-2.1/schema/`), and each property GitHub code scanning and GitLab rely on holds.

mod common;

use std::collections::BTreeSet;

use common::{copy_fixture, fixture, scan_fixture, snapshot_fixtures};
use seaworthy::report::{Analysis, Render, gitlab, sarif};
use serde_json::Value;

fn sarif_of(analysis: &Analysis) -> Value {
    let text = sarif::Sarif.render(analysis).expect("renders");
    serde_json::from_str(&text).expect("SARIF is JSON")
}

fn gitlab_of(analysis: &Analysis) -> Value {
    let text = gitlab::Gitlab.render(analysis).expect("renders");
    serde_json::from_str(&text).expect("Code Quality is JSON")
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

fn scan_with(path: &std::path::Path, baseline: Option<&str>) -> Analysis {
    let mut options = seaworthy::ScanOptions::new(path);
    options.root_display = "repo".to_string();
    options.config = seaworthy::config::Config::find(path, None).expect("config");
    if let Some(b) = baseline {
        options.baseline = Some(seaworthy::baseline::Baseline::read(b).expect("baseline"));
    }
    seaworthy::scan(&options, &|_| {}).expect("scans")
}

#[test]
fn every_fixture_validates_against_the_sarif_schema() {
    let schema: Value = serde_json::from_str(include_str!("schemas/sarif-schema-2.1.0.json"))
        .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for name in snapshot_fixtures() {
        let log = sarif_of(&scan_fixture(&name));
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn the_driver_lists_every_rule_that_ran_and_security_severity_only_on_security_rules() {
    let analysis = scan_fixture("pnpm-undeclared-prom-client");
    let log = sarif_of(&analysis);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "seaworthy");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"].as_str().is_some());
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let expected: Vec<&str> = analysis
        .report
        .rules
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(ids, expected);
    for (rule, info) in rules.iter().zip(&analysis.report.rules) {
        for key in ["shortDescription", "fullDescription"] {
            let text = rule[key]["text"].as_str().expect("description");
            assert!(!text.is_empty() && text.chars().count() <= 1024, "{key}");
        }
        assert!(rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(rule["help"]["markdown"].as_str().is_some());
        assert!(rule["defaultConfiguration"]["level"].as_str().is_some());
        let tags = rule["properties"]["tags"].as_array().expect("tags");
        assert!(tags.iter().any(|t| t == info.category.id()));
        let security = info.category == seaworthy::finding::Category::Security;
        assert_eq!(
            rule["properties"].get("security-severity").is_some(),
            security,
            "{}",
            info.id
        );
    }
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "seaworthy/");
    assert!(log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"].is_object());
}

#[test]
fn every_result_has_a_located_region_and_the_json_fingerprint() {
    for name in snapshot_fixtures() {
        let analysis = scan_fixture(&name);
        let log = sarif_of(&analysis);
        let results = results(&log);
        assert_eq!(results.len(), analysis.report.findings.len(), "{name}");
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules");
        let mut want: Vec<&str> = analysis
            .report
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        let mut got: Vec<&str> = Vec::new();
        for r in results {
            let location = &r["locations"][0]["physicalLocation"];
            assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert!(location["artifactLocation"]["uri"].as_str().is_some());
            assert!(
                location["region"]["startLine"]
                    .as_u64()
                    .is_some_and(|l| l >= 1)
            );
            let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[index]["id"], r["ruleId"]);
            assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap_or("")));
            got.push(
                r["partialFingerprints"][sarif::FINGERPRINT_KEY]
                    .as_str()
                    .expect("fingerprint"),
            );
            assert!(r.get("baselineState").is_none(), "no baseline given");
        }
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn the_same_analysis_gives_the_same_bytes() {
    let path = fixture("pnpm-undeclared-prom-client");
    let one = common::scan_path(&path, "x", Some(1));
    let many = common::scan_path(&path, "x", Some(8));
    assert_eq!(
        sarif::Sarif.render(&one).expect("renders"),
        sarif::Sarif.render(&many).expect("renders")
    );
    assert_eq!(
        gitlab::Gitlab.render(&one).expect("renders"),
        gitlab::Gitlab.render(&many).expect("renders")
    );
}

#[test]
fn a_baseline_gives_each_result_its_state() {
    let repo = copy_fixture("pnpm-undeclared-prom-client", "sarif-baseline");
    let first = scan_with(&repo, None);
    let baseline = repo.with_extension("sarif-baseline.json");
    std::fs::write(&baseline, seaworthy::report::json::render(&first.report)).expect("write");
    // One finding fixed, everything else unchanged; then a new one.
    let dockerfile = repo.join("services/auth/Dockerfile");
    let text = std::fs::read_to_string(&dockerfile).expect("Dockerfile");
    std::fs::write(&dockerfile, format!("{text}\nUSER root\n")).expect("write");
    let second = scan_with(&repo, Some(&baseline.to_string_lossy()));
    let log = sarif_of(&second);
    let states: BTreeSet<&str> = results(&log)
        .iter()
        .map(|r| r["baselineState"].as_str().expect("baselineState"))
        .collect();
    assert!(states.contains("unchanged"), "{states:?}");
    for (r, f) in results(&log).iter().zip(sorted_like_sarif(&second)) {
        let want = match f.baseline_state {
            Some(seaworthy::finding::BaselineState::Unchanged) => "unchanged",
            _ => "new",
        };
        assert_eq!(r["baselineState"], want);
    }
}

/// The findings in SARIF's order: by severity, errors first, then the report's order.
fn sorted_like_sarif(analysis: &Analysis) -> Vec<&seaworthy::finding::Finding> {
    let mut order: Vec<_> = analysis.report.findings.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.severity));
    order
}

#[test]
fn suppressed_findings_carry_their_suppression_and_are_left_out_of_gitlab() {
    let repo = copy_fixture("pnpm-undeclared-prom-client", "sarif-suppress");
    let dockerfile = repo.join("services/auth/Dockerfile");
    let text = std::fs::read_to_string(&dockerfile).expect("Dockerfile");
    std::fs::write(
        &dockerfile,
        text.replacen(
            "CMD",
            "# seaworthy-ignore docker/npm-as-pid1: tini is the entrypoint of the base image\nCMD",
            1,
        ),
    )
    .expect("write");
    std::fs::write(
        repo.join("seaworthy.toml"),
        "ignore = [\"services/billing\"]\n",
    )
    .expect("write");
    let analysis = scan_with(&repo, None);
    let suppressed: Vec<_> = analysis
        .report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .collect();
    assert!(
        !suppressed.is_empty(),
        "the fixture has suppressed findings"
    );
    let log = sarif_of(&analysis);
    let kinds: BTreeSet<&str> = results(&log)
        .iter()
        .filter_map(|r| r["suppressions"][0]["kind"].as_str())
        .collect();
    let mut want = BTreeSet::new();
    for f in &suppressed {
        want.insert(match f.suppressed.as_ref().map(|s| s.source) {
            Some(seaworthy::finding::SuppressionSource::Inline) => "inSource",
            _ => "external",
        });
    }
    assert_eq!(kinds, want);
    assert!(kinds.contains("inSource"), "{kinds:?}");
    let entries = gitlab_of(&analysis);
    let entries = entries.as_array().expect("array");
    assert_eq!(
        entries.len(),
        analysis.report.findings.len() - suppressed.len()
    );
    for f in suppressed {
        assert!(
            entries
                .iter()
                .all(|e| e["fingerprint"] != f.fingerprint.as_str())
        );
    }
}

#[test]
fn gitlab_entries_have_the_code_quality_shape_and_unique_fingerprints() {
    for name in snapshot_fixtures() {
        let analysis = scan_fixture(&name);
        let entries = gitlab_of(&analysis);
        let entries = entries.as_array().expect("a JSON array");
        let mut fingerprints = BTreeSet::new();
        for (e, f) in entries.iter().zip(
            analysis
                .report
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none()),
        ) {
            assert_eq!(e["description"], f.message.as_str());
            assert_eq!(e["check_name"], format!("seaworthy/{}", f.rule));
            let severity = match f.severity {
                seaworthy::finding::Severity::Error => "critical",
                seaworthy::finding::Severity::Warning => "major",
                seaworthy::finding::Severity::Info => "info",
            };
            assert_eq!(e["severity"], severity);
            assert!(
                e["location"]["path"]
                    .as_str()
                    .is_some_and(|p| !p.is_empty())
            );
            assert!(
                e["location"]["lines"]["begin"]
                    .as_u64()
                    .is_some_and(|l| l >= 1)
            );
            assert!(fingerprints.insert(e["fingerprint"].as_str().expect("fp").to_string()));
        }
    }
}

#[test]
fn the_sarif_results_of_a_fixture_match_their_snapshot() {
    // The results only: the driver holds every rule and the version, which change on their own.
    let log = sarif_of(&scan_fixture("pnpm-undeclared-prom-client"));
    let results = serde_json::to_string_pretty(results(&log)).expect("serializes");
    insta::assert_snapshot!(results);
}
