//! The score, end to end through the binary: errors dominate it, it agrees with the gate, it
//! only falls as findings are added, each finding counts for the services that ship its file,
//! and a failing check's impact is the points that fixing it recovers.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::copy_fixture;
use serde_json::Value;

fn scan(repo: &Path) -> (Option<i32>, Value) {
    let out_file = repo.with_extension("score.json");
    let out = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
        .arg("scan")
        .arg(repo)
        .arg("--json")
        .arg(&out_file)
        .args(["--no-progress", "-q"])
        .output()
        .expect("runs");
    let text = std::fs::read_to_string(&out_file).expect("a report");
    (
        out.status.code(),
        serde_json::from_str(&text).expect("JSON"),
    )
}

fn write(repo: &Path, path: &str, text: &str) {
    let path = repo.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn score(report: &Value) -> u64 {
    report["summary"]["score"].as_u64().expect("a score")
}

fn rating(report: &Value) -> &str {
    report["summary"]["rating"].as_str().expect("a rating")
}

/// A clean pnpm workspace (lockfile written by pnpm) whose one service requires a declared
/// package and then `undeclared` packages nobody declares.
fn workspace(name: &str, undeclared: usize) -> PathBuf {
    let repo = copy_fixture("pnpm-in-sync-catalog-overrides", &format!("score-{name}"));
    let mut main = String::from("require('ms');\nrequire('is-number');\n");
    for i in 0..undeclared {
        main.push_str(&format!("require('undeclared-{i}');\n"));
    }
    write(&repo, "apps/api/main.js", &main);
    repo
}

#[test]
fn one_error_never_rates_pass() {
    let (_, clean) = scan(&workspace("clean", 0));
    assert_eq!(clean["summary"]["counts"]["error"], 0, "{clean:#}");
    assert_eq!(rating(&clean), "pass", "the clean workspace passes");
    let (code, one) = scan(&workspace("one", 1));
    assert_eq!(one["summary"]["counts"]["error"], 1);
    assert_eq!(code, Some(1), "the default gate fails");
    assert!(score(&one) <= 89, "score {} with an error", score(&one));
    assert_ne!(rating(&one), "pass");
    for service in one["services"].as_array().expect("services") {
        if service["counts"]["error"].as_u64() > Some(0) {
            assert_ne!(service["rating"], "pass", "{service:#}");
        }
    }
    let deps = one["categories"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "dependencies"))
        .expect("dependencies");
    assert!(deps["score"].as_u64() <= Some(89), "{deps:#}");
}

#[test]
fn errors_dominate_the_score() {
    let (_, many) = scan(&workspace("sixteen", 16));
    assert_eq!(many["summary"]["counts"]["error"], 16);
    assert!(score(&many) <= 49, "16 errors scored {}", score(&many));
    assert_eq!(rating(&many), "fail");
}

#[test]
fn more_findings_never_raise_the_score_and_each_error_costs() {
    let mut last = u64::MAX;
    for n in [0, 1, 2, 3, 5, 8, 13] {
        let (_, report) = scan(&workspace(&format!("mono-{n}"), n));
        let s = score(&report);
        assert!(s < last, "{n} errors scored {s}, not below {last}");
        last = s;
    }
}

#[test]
fn every_fixture_rates_no_better_than_its_gate() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let repo = copy_fixture(&name, &format!("score-gate-{name}"));
        let (code, report) = scan(&repo);
        let errors = report["summary"]["counts"]["error"].as_u64().unwrap_or(0);
        if errors > 0 {
            assert_eq!(code, Some(1), "{name}: errors but the gate passed");
            assert_ne!(
                report["summary"]["rating"], "pass",
                "{name}: pass over a failing gate"
            );
        }
        for service in report["services"].as_array().into_iter().flatten() {
            if service["counts"]["error"].as_u64() > Some(0) {
                assert_ne!(service["rating"], "pass", "{name}: {service:#}");
            }
        }
    }
}

/// An Nx-style repository: one root package.json, two Dockerfile services built from the root.
fn nx(name: &str, undeclared_in_api: usize) -> PathBuf {
    let repo = copy_fixture("nx-integrated-root-deps", &format!("score-nx-{name}"));
    for app in ["api", "web"] {
        write(
            &repo,
            &format!("apps/{app}/Dockerfile"),
            &format!(
                "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nUSER node\nHEALTHCHECK CMD node -e \"1\"\nCMD [\"node\", \"dist/apps/{app}/main.js\"]\n"
            ),
        );
    }
    let mut main = std::fs::read_to_string(repo.join("apps/api/src/main.ts")).expect("main");
    for i in 0..undeclared_in_api {
        main.push_str(&format!("import 'undeclared-{i}';\n"));
    }
    write(&repo, "apps/api/src/main.ts", &main);
    write(&repo, "apps/web/src/main.ts", "export const web = 1;\n");
    repo
}

fn checks<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["rule"] == rule)
        .collect()
}

#[test]
fn a_finding_counts_for_the_service_that_ships_its_file() {
    let (_, report) = scan(&nx("attribution", 1));
    let undeclared = checks(&report, "deps/undeclared");
    assert_eq!(undeclared.len(), 1, "{undeclared:#?}");
    assert_eq!(undeclared[0]["service"], "api");
    let services = report["services"].as_array().expect("services");
    let api = services.iter().find(|s| s["name"] == "api").expect("api");
    let web = services.iter().find(|s| s["name"] == "web").expect("web");
    assert_eq!(
        api["counts"]["error"].as_u64().expect("n"),
        web["counts"]["error"].as_u64().expect("n") + 1,
        "the undeclared import in apps/api counts for api only\n{services:#?}"
    );
}

#[test]
fn impact_is_the_points_fixing_the_check_recovers() {
    let (_, before) = scan(&nx("impact", 3));
    let undeclared = checks(&before, "deps/undeclared");
    assert_eq!(undeclared[0]["findings"], 3);
    let impact = undeclared[0]["impact"].as_f64().expect("impact");
    let single = checks(&before, "docker/start-file-missing")
        .into_iter()
        .find(|c| c["service"] == "web")
        .expect("web's missing start file");
    assert_eq!(single["findings"], 1);
    assert!(
        impact > single["impact"].as_f64().expect("impact"),
        "three errors fixed recover more than one: {undeclared:#?} {single:#}"
    );
    let (_, after) = scan(&nx("impact-fixed", 0));
    let gained = score(&after) as f64 - score(&before) as f64;
    assert!(
        (gained - impact).abs() <= 1.0,
        "impact {impact} but fixing it gained {gained} points"
    );
}

#[test]
fn a_category_whose_rules_are_all_off_is_not_checked() {
    let repo = workspace("not-checked", 0);
    let (_, report) = scan(&repo);
    let off: Vec<String> = report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["category"] == "orchestration")
        .map(|r| format!("{} = \"off\"\n", r["id"]))
        .collect();
    assert!(!off.is_empty(), "there are orchestration rules");
    write(
        &repo,
        "seaworthy.toml",
        &format!("[rules]\n{}", off.concat()),
    );
    let (_, report) = scan(&repo);
    let orchestration = report["categories"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "orchestration"))
        .expect("orchestration");
    assert_eq!(orchestration["status"], "notChecked", "{orchestration:#}");
    assert_eq!(orchestration["score"], Value::Null);
}

#[test]
fn a_compose_finding_about_an_unbuilt_service_counts_for_the_repository() {
    let copy = copy_fixture("../../examples/incidents", "score-compose");
    let (_, report) = scan(&copy);
    let secret = checks(&report, "compose/hardcoded-secret");
    assert_eq!(
        secret.len(),
        1,
        "postgres's password is one finding: {secret:#?}"
    );
    assert_eq!(secret[0]["service"], Value::Null, "{secret:#?}");
    let auth = report["services"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "auth"))
        .expect("auth");
    // auth's own errors: the undeclared prom-client and argon2 on the slim runtime.
    assert_eq!(auth["counts"]["error"], 2, "{auth:#}");
}

#[test]
fn a_lib_file_that_several_root_built_services_may_ship_counts_for_the_repository() {
    let repo = nx("lib", 0);
    let util = repo.join("libs/util/src/index.ts");
    let mut text = std::fs::read_to_string(&util).expect("util");
    text.push_str("import 'undeclared-in-lib';\n");
    std::fs::write(&util, text).expect("write");
    let (_, report) = scan(&repo);
    let undeclared = checks(&report, "deps/undeclared");
    assert_eq!(undeclared.len(), 1, "{undeclared:#?}");
    assert_eq!(
        undeclared[0]["service"],
        Value::Null,
        "not api's, not web's"
    );
}
