//! The command line contract: exit codes, outputs, and the `rules` command.

mod common;

use std::process::Command;

use common::fixture;

fn seaworthy() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seaworthy"))
}

#[test]
fn exit_codes_follow_the_gate() {
    // A workspace whose only finding is an info one (its lockfile is in sync).
    let mismatch = fixture("pnpm-in-sync-catalog-overrides");
    // Only info findings: the default gate (error) does not trip.
    let status = seaworthy()
        .arg("scan")
        .arg(&mismatch)
        .arg("--quiet")
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    let status = seaworthy()
        .args(["scan", "--quiet", "--fail-on", "info"])
        .arg(&mismatch)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(1));
    let status = seaworthy()
        .args([
            "scan",
            "--quiet",
            "--fail-on",
            "never",
            "--min-score",
            "100",
        ])
        .arg(&mismatch)
        .status()
        .expect("runs");
    assert_eq!(
        status.code(),
        Some(1),
        "score below --min-score trips the gate"
    );
    let status = seaworthy()
        .args(["scan", "--quiet", "--min-score", "10"])
        .arg(&mismatch)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn outputs_that_cannot_be_written_are_refused_before_the_scan() {
    let repo = fixture("pnpm-undeclared-prom-client");
    for args in [
        vec!["--html", "/nonexistent-seaworthy-dir/r.html"],
        vec!["--json", "/nonexistent-seaworthy-dir/r.json"],
        vec!["--json", "-", "--html", "-"],
    ] {
        let out = seaworthy()
            .arg("scan")
            .arg(&repo)
            .args(&args)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(out.stdout.is_empty(), "no scan ran: {args:?}");
    }
    // `--html -` writes the page to stdout, and nothing else.
    let out = seaworthy()
        .arg("scan")
        .arg(&repo)
        .args(["--html", "-", "--fail-on", "never"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("<!DOCTYPE html>") || stdout.starts_with("<!doctype html>"),
        "{}",
        &stdout[..stdout.len().min(80)]
    );
    assert!(!std::path::Path::new("-").exists());
}

#[test]
fn quiet_still_prints_what_trips_the_gate_and_why() {
    // One error (`prom-client` imported, declared nowhere) and some warnings and info.
    let repo = fixture("pnpm-undeclared-prom-client");
    let out = seaworthy()
        .args(["scan", "-q", "--color", "never"])
        .arg(&repo)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("error[deps/undeclared]"), "{stdout}");
    assert!(
        !stdout.contains("warning["),
        "only what trips the gate: {stdout}"
    );
    assert!(!stdout.contains("Score"), "no summary under -q: {stdout}");
    assert!(stderr.contains("at or above error (--fail-on)"), "{stderr}");
    assert!(
        !stderr.contains("(s)") && !stderr.contains("new finding"),
        "plain plurals, and no \"new\" without a baseline: {stderr}"
    );
    // Below the gate, quiet prints nothing at all.
    let out = seaworthy()
        .args(["scan", "-q", "--fail-on", "never"])
        .arg(&repo)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn a_scan_that_cannot_run_exits_2() {
    let status = seaworthy()
        .args(["scan", "/nonexistent/seaworthy/root"])
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(2));
    let status = seaworthy()
        .args(["scan", "--fail-on", "sometimes"])
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(2), "bad arguments");
    let status = seaworthy()
        .args(["scan", "--min-score", "101", "."])
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(2));
}

/// A folder with no package.json (a typo in a CI path) is not a perfect score: exit 2, with
/// the reason on stderr, unless an empty tree is expected.
#[test]
fn nothing_to_audit_exits_2_unless_allowed() {
    let dir = std::env::temp_dir().join(format!("seaworthy-empty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("temp dir");
    std::fs::write(dir.join("src/index.ts"), "export const a = 1;\n").expect("write");
    let output = seaworthy()
        .args(["scan", "--color", "never"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no package.json under") && stderr.contains("nothing to audit"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "no report for nothing");
    let status = seaworthy()
        .args(["scan", "--allow-empty", "-q"])
        .arg(&dir)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn broken_files_inside_the_repository_are_not_exit_2() {
    let out = seaworthy()
        .args(["scan", "--json", "-"])
        .arg(fixture("broken-input"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is only the JSON report");
    assert!(report["errors"].as_array().is_some_and(|e| !e.is_empty()));
}

#[test]
fn terminal_summary_shows_findings_with_their_source_line() {
    let out = seaworthy()
        .args(["scan", "--color", "never", "--verbose"])
        .arg(fixture("yarn-local-links"))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("warning[deps/broken-local-link]"), "{text}");
    assert!(
        text.contains("\"theme\": \"link:../../packages/theme\""),
        "the offending line is shown: {text}"
    );
    assert!(text.contains("apps/web/package.json:8:5"), "{text}");
    assert!(text.contains("Score"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour when asked for none");
    let coloured = seaworthy()
        .args(["scan", "--color", "always"])
        .arg(fixture("yarn-local-links"))
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&coloured.stdout).contains('\u{1b}'));
}

#[test]
fn json_and_html_files_are_written() {
    let dir = std::env::temp_dir().join(format!("seaworthy-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let json = dir.join("report.json");
    let html = dir.join("report.html");
    let status = seaworthy()
        .args(["scan", "--quiet", "--fail-on", "never", "--json"])
        .arg(&json)
        .arg("--html")
        .arg(&html)
        .arg(fixture("pnpm-nested-roots"))
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json written"))
            .expect("valid JSON");
    assert_eq!(report["tool"]["name"], "seaworthy");
    assert!(
        std::fs::read_to_string(&html)
            .expect("html written")
            .contains("<html")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rules_lists_every_rule_and_explains_one() {
    let out = seaworthy().arg("rules").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for rule in seaworthy::rules::REGISTRY {
        assert!(text.contains(rule.meta().id), "{text}");
    }
    let out = seaworthy()
        .args(["rules", "deps/broken-local-link"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("## Why is this bad?"), "{text}");
    let status = seaworthy()
        .args(["rules", "deps/nope"])
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(2));
}
