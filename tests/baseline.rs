//! Baselines, the config file and inline suppressions, end to end through the binary: what a
//! team gating merges on seaworthy relies on.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::copy_fixture;
use serde_json::Value;

/// The binary; its scans of fixtures in place write no `.seaworthy-cache` into them.
fn seaworthy() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seaworthy"));
    command.env("SEAWORTHY_NO_CACHE", "1");
    command
}

fn scan(repo: &Path, extra: &[&str]) -> (Output, Value) {
    let out_file = repo.with_extension("report.json");
    let out = seaworthy()
        .arg("scan")
        .arg(repo)
        .arg("--json")
        .arg(&out_file)
        .args(["--no-progress", "-q"])
        .args(extra)
        .output()
        .expect("runs");
    let json = std::fs::read_to_string(&out_file)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    (out, json)
}

fn write(repo: &Path, path: &str, text: &str) {
    let path = repo.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn edit(repo: &Path, path: &str, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(repo.join(path)).expect("read");
    write(repo, path, &f(text));
}

fn states(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["location"]["path"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                f["baselineState"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

fn baseline_from(repo: &Path, tag: &str) -> String {
    let (_, report) = scan(repo, &[]);
    let path = repo.with_extension(format!("{tag}.baseline.json"));
    std::fs::write(&path, serde_json::to_string(&report).expect("serializes")).expect("write");
    path.to_string_lossy().into_owned()
}

#[test]
fn a_scan_against_its_own_report_has_nothing_new_and_passes_the_gate() {
    let repo = copy_fixture("pnpm-undeclared-prom-client", "baseline-self");
    let (out, first) = scan(&repo, &[]);
    assert_eq!(out.status.code(), Some(1), "the fixture trips the gate");
    let baseline = baseline_from(&repo, "self");
    let (out, second) = scan(&repo, &["--baseline", &baseline]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "only new findings trip the gate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = &second["summary"];
    assert_eq!(summary["new"], 0);
    assert_eq!(summary["fixed"], 0);
    assert_eq!(summary["baseline"]["scoreDelta"], 0);
    assert_eq!(summary["baseline"]["score"], first["summary"]["score"]);
    assert!(second["fixed"].as_array().is_some_and(Vec::is_empty));
    assert!(
        states(&second).iter().all(|s| s.2 == "unchanged"),
        "{:?}",
        states(&second)
    );
    assert!(
        second["services"]
            .as_array()
            .expect("services")
            .iter()
            .all(|s| s["scoreDelta"] == 0)
    );
}

#[test]
fn moving_code_reordering_files_and_an_unrelated_finding_do_not_make_findings_new() {
    let repo = copy_fixture("pnpm-undeclared-prom-client", "baseline-move");
    let baseline = baseline_from(&repo, "move");
    // Move the incident's import down, reorder a manifest's dependencies, and add an
    // unrelated undeclared import in a new file.
    edit(
        &repo,
        "services/auth/src/modules/metrics/metrics.service.ts",
        |t| {
            format!("// metrics\n\n\n{}", t.replace("import { Injectable } from '@nestjs/common';\nimport { Registry } from 'prom-client';", "import { Registry } from 'prom-client';\nimport { Injectable } from '@nestjs/common';"))
        },
    );
    edit(&repo, "services/billing/src/index.ts", |t| {
        let mut lines: Vec<&str> = t.lines().collect();
        lines.swap(1, 2);
        lines.join("\n") + "\n"
    });
    write(
        &repo,
        "services/auth/src/extra.ts",
        "import { z } from 'zod-undeclared-here';\nexport const s = z;\n",
    );
    let (out, report) = scan(&repo, &["--baseline", &baseline]);
    let found = states(&report);
    let new: Vec<_> = found.iter().filter(|s| s.2 == "new").collect();
    assert_eq!(
        new,
        [&(
            "deps/undeclared".to_string(),
            "services/auth/src/extra.ts".to_string(),
            "new".to_string()
        )],
        "{found:?}"
    );
    assert_eq!(report["summary"]["new"], 1);
    assert_eq!(report["summary"]["fixed"], 0, "{}", report["fixed"]);
    assert_eq!(out.status.code(), Some(1), "the new error trips the gate");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 new error at or above --fail-on error"),
        "{stderr}"
    );
}

#[test]
fn a_fixed_finding_is_listed_and_the_score_delta_is_given() {
    let repo = copy_fixture("pnpm-undeclared-prom-client", "baseline-fixed");
    let baseline = baseline_from(&repo, "fixed");
    edit(&repo, "services/auth/package.json", |t| {
        t.replacen(
            "\"dependencies\": {",
            "\"dependencies\": {\n    \"prom-client\": \"^15.1.0\",",
            1,
        )
    });
    let (_, report) = scan(&repo, &["--baseline", &baseline]);
    let fixed = report["fixed"].as_array().expect("fixed listed");
    assert!(
        fixed.iter().any(|f| f["rule"] == "deps/undeclared"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("prom-client"))),
        "{fixed:?}"
    );
    assert_eq!(report["summary"]["fixed"], fixed.len());
    assert!(
        report["summary"]["baseline"]["scoreDelta"]
            .as_i64()
            .is_some_and(|d| d >= 0),
        "{}",
        report["summary"]
    );
}

#[test]
fn a_baseline_that_cannot_be_read_is_refused_with_a_clear_message() {
    let repo = copy_fixture("pnpm-undeclared-prom-client", "baseline-bad");
    for (text, says) in [
        (r#"{"schemaVersion": 7}"#, "newer than this seaworthy reads"),
        ("[1, 2]", "not a seaworthy JSON report"),
        ("{", "not JSON"),
    ] {
        let path = repo.with_extension("bad.json");
        std::fs::write(&path, text).expect("write");
        let out = seaworthy()
            .arg("scan")
            .arg(&repo)
            .arg("--baseline")
            .arg(&path)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with("error: cannot use the baseline") && stderr.contains(says),
            "{stderr}"
        );
    }
}

#[test]
fn the_config_file_overrides_severities_turns_rules_off_and_ignores_paths() {
    let repo = copy_fixture("pnpm-undeclared-prom-client", "config");
    write(
        &repo,
        "seaworthy.toml",
        r#"ignore = ["services/billing"]

[rules]
"deps/undeclared" = "warning"
"docker/npm-as-pid1" = "off"

[[overrides]]
paths = ["services/auth/test/**"]
ignore = ["deps/dev-only-at-runtime", "deps/undeclared"]
reason = "e2e tests run from the checkout"
"#,
    );
    let (_, report) = scan(&repo, &[]);
    assert_eq!(
        report["run"]["config"],
        repo.join("seaworthy.toml").to_string_lossy().as_ref()
    );
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.iter().all(|f| f["rule"] != "docker/npm-as-pid1"));
    assert!(
        report["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .all(|r| r["id"] != "docker/npm-as-pid1"),
        "a rule that is off did not run"
    );
    let undeclared: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "deps/undeclared")
        .collect();
    assert!(!undeclared.is_empty());
    assert!(undeclared.iter().all(|f| f["severity"] == "warning"));
    for f in findings {
        let path = f["location"]["path"].as_str().unwrap_or_default();
        if path.starts_with("services/billing/") {
            assert_eq!(f["suppressed"]["source"], "config", "{f}");
            assert!(
                f["suppressed"]["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("services/billing")),
                "{f}"
            );
        }
    }
    let counted: usize = ["error", "warning", "info"]
        .iter()
        .map(|k| report["summary"]["counts"][k].as_u64().unwrap_or(0) as usize)
        .sum();
    let suppressed = findings
        .iter()
        .filter(|f| !f["suppressed"].is_null())
        .count();
    assert!(suppressed > 0);
    assert_eq!(report["summary"]["suppressed"], suppressed);
    assert_eq!(
        counted + suppressed,
        findings.len(),
        "suppressed findings do not count"
    );
}

#[test]
fn a_bad_config_file_stops_the_scan_with_its_line_and_column() {
    let repo = copy_fixture("pnpm-undeclared-prom-client", "config-bad");
    write(
        &repo,
        "seaworthy.toml",
        "[rules]\n\"deps/undeclared\" = \"loud\"\n",
    );
    let out = seaworthy().arg("scan").arg(&repo).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("seaworthy.toml:2:21: unknown variant `loud`"),
        "{stderr}"
    );
    // --config names another file; a missing one is an error, not the defaults.
    let out = seaworthy()
        .arg("scan")
        .arg(&repo)
        .args(["--config", "/nonexistent/seaworthy.toml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn inline_suppressions_need_a_reason_and_must_suppress_something() {
    let repo = copy_fixture("pnpm-undeclared-prom-client", "inline");
    edit(
        &repo,
        "services/auth/src/modules/metrics/metrics.service.ts",
        |t| {
            t.replace(
                "import { Registry }",
                "// seaworthy-ignore deps/undeclared: bundled by the build\nimport { Registry }",
            )
        },
    );
    edit(&repo, "services/billing/src/index.ts", |t| {
        format!(
            "// seaworthy-ignore deps/relies-on-hoisting\n{t}// seaworthy-ignore deps/undeclared: stale\nexport const x = 1;\n"
        )
    });
    edit(&repo, "services/auth/Dockerfile", |t| {
        t.replacen(
            "CMD",
            "# seaworthy-ignore docker/npm-as-pid1: tini is the entrypoint of the base image\nCMD",
            1,
        )
    });
    let (_, report) = scan(&repo, &[]);
    let findings = report["findings"].as_array().expect("findings");
    let prom = findings
        .iter()
        .find(|f| {
            f["rule"] == "deps/undeclared"
                && f["location"]["path"] == "services/auth/src/modules/metrics/metrics.service.ts"
        })
        .expect("still in the JSON");
    assert_eq!(prom["suppressed"]["reason"], "bundled by the build");
    assert_eq!(prom["suppressed"]["source"], "inline");
    assert_eq!(prom["suppressed"]["line"], 2);
    let rules_at = |rule: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| {
                format!(
                    "{}:{}",
                    f["location"]["path"].as_str().unwrap_or(""),
                    f["location"]["line"]
                )
            })
            .collect()
    };
    assert_eq!(
        rules_at("suppression/missing-reason"),
        ["services/billing/src/index.ts:1"]
    );
    assert_eq!(
        rules_at("suppression/unused"),
        ["services/billing/src/index.ts:8"]
    );
    let hoisting = findings
        .iter()
        .find(|f| f["rule"] == "deps/relies-on-hoisting")
        .expect("a suppression without a reason suppresses nothing");
    assert!(hoisting["suppressed"].is_null());
    let pid1: Vec<&Value> = findings
        .iter()
        .filter(|f| {
            f["rule"] == "docker/npm-as-pid1" && f["location"]["path"] == "services/auth/Dockerfile"
        })
        .collect();
    assert_eq!(pid1.len(), 1);
    assert_eq!(
        pid1[0]["suppressed"]["reason"], "tini is the entrypoint of the base image",
        "a Dockerfile comment above the instruction"
    );
}
