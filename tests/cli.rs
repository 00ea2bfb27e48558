//! The command line contract: exit codes, outputs, and the `rules` command.

mod common;

use std::process::Command;

use common::fixture;

/// The binary; its scans of fixtures in place write no `.seaworthy-cache` into them.
fn seaworthy() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seaworthy"));
    command.env("SEAWORTHY_NO_CACHE", "1");
    command
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
    assert!(
        stderr.contains("seaworthy: failed: 14 errors at or above --fail-on error"),
        "{stderr}"
    );
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
    let out = seaworthy()
        .args(["scan", "/nonexistent/seaworthy/root"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/nonexistent/seaworthy/root") && stderr.contains("No such file"),
        "names the path and why: {stderr}"
    );
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
        stderr.starts_with("seaworthy: no package.json under ")
            && stderr.contains(": nothing to audit"),
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

fn scan_fixture(extra: &[&str]) -> (Option<i32>, String, String) {
    let out = seaworthy()
        .args(["scan", "--color", "never"])
        .args(extra)
        .arg(fixture("pnpm-undeclared-prom-client"))
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The first line says the score, whether the gate passed and the counts; the verdict is the
/// exit code's.
#[test]
fn headline_comes_first_and_agrees_with_the_exit_code() {
    let (code, stdout, _) = scan_fixture(&[]);
    assert_eq!(code, Some(1));
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("seaworthy: ") && first.contains("gate FAILED (--fail-on error): "),
        "{first}"
    );
    assert!(
        first.contains(" errors, ") && first.contains(" info"),
        "{first}"
    );
    let (code, stdout, _) = scan_fixture(&["--fail-on", "never", "--output-format", "grouped"]);
    assert_eq!(code, Some(0));
    let first = stdout.lines().next().unwrap_or_default();
    assert!(first.contains("no gate (--fail-on never)"), "{first}");
}

/// concise: one `path:line:col: severity[rule] message` line per finding, sorted, no summary;
/// grouped: a file header, then one line per finding.
#[test]
fn output_formats_concise_and_grouped() {
    let (code, stdout, _) = scan_fixture(&["--output-format", "concise"]);
    assert_eq!(code, Some(1));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(!lines.is_empty());
    let line = regex_like(&lines);
    assert!(line, "{stdout}");
    let mut sorted = lines.clone();
    sorted.sort_by_key(|l| {
        let mut parts = l.splitn(3, ':');
        let path = parts.next().unwrap_or_default().to_string();
        let line: u32 = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        (path, line)
    });
    assert_eq!(lines, sorted, "sorted by path and line");
    assert!(
        !stdout.contains("Score") && !stdout.contains("-->"),
        "{stdout}"
    );
    assert!(
        stdout.contains("services/auth/src/modules/metrics/metrics.service.ts:2:1: error[deps/undeclared] `prom-client`"),
        "{stdout}"
    );

    let (_, stdout, _) = scan_fixture(&["--output-format", "grouped"]);
    assert!(
        stdout.contains("services/auth/src/broken.ts\n  1:1 error[deps/unresolved-import] "),
        "{stdout}"
    );
    assert!(!stdout.contains("-->"), "{stdout}");
}

fn regex_like(lines: &[&str]) -> bool {
    lines.iter().all(|l| {
        let mut parts = l.splitn(4, ':');
        let (Some(path), Some(line), Some(col), Some(rest)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        !path.is_empty()
            && line.parse::<u32>().is_ok()
            && col.parse::<u32>().is_ok()
            && (rest.starts_with(" error[")
                || rest.starts_with(" warning[")
                || rest.starts_with(" info["))
    })
}

/// --statistics: `count  rule  severity  summary`, most frequent first.
#[test]
fn statistics_counts_per_rule() {
    let (_, stdout, _) = scan_fixture(&["--statistics", "--output-format", "concise"]);
    let rows: Vec<(usize, &str)> = stdout
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some((it.next()?.parse().ok()?, it.next()?))
        })
        .collect();
    assert!(
        rows.iter()
            .any(|(n, r)| *n == 3 && *r == "docker/frozen-install-with-drift"),
        "{stdout}"
    );
    let counts: Vec<usize> = rows.iter().map(|r| r.0).collect();
    let mut desc = counts.clone();
    desc.sort_by(|a, b| b.cmp(a));
    assert_eq!(counts, desc, "{stdout}");
    assert!(
        stdout.contains("deps/undeclared") && stdout.contains(" error "),
        "{stdout}"
    );
}

/// --severity and --rule change what is shown, never the gate, the exit code or the JSON.
#[test]
fn display_filters_never_change_the_gate() {
    let dir = std::env::temp_dir().join(format!("seaworthy-filter-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let plain = dir.join("plain.json");
    let filtered = dir.join("filtered.json");
    let (code, _, _) = scan_fixture(&["--json", plain.to_str().unwrap_or_default()]);
    let (fcode, stdout, stderr) = scan_fixture(&[
        "--rule",
        "docker/",
        "--severity",
        "warning",
        "--json",
        filtered.to_str().unwrap_or_default(),
    ]);
    assert_eq!(code, fcode);
    assert!(stderr.contains("seaworthy: failed: 14 errors"), "{stderr}");
    assert!(
        stdout.contains("docker/no-healthcheck") && !stdout.contains("[deps/"),
        "{stdout}"
    );
    assert!(stdout.contains("hidden by --severity/--rule"), "{stdout}");
    let strip = |p: &std::path::Path| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p).expect("json")).expect("json");
        v["run"]["startedAt"] = serde_json::Value::Null;
        v["run"]["durationMs"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(&plain), strip(&filtered), "the JSON is not filtered");
    let (_, stdout, _) = scan_fixture(&["--rule", "deps/undeclared", "--output-format", "concise"]);
    assert!(
        stdout
            .lines()
            .filter(|l| l.contains("[deps/"))
            .all(|l| l.contains("[deps/undeclared]")),
        "{stdout}"
    );
    assert!(
        stdout.contains("note: ") && stdout.contains("hidden by --severity/--rule"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The Services table has a header row and aligned columns; no "(s)" plurals anywhere.
#[test]
fn services_table_has_a_header_and_plurals_are_plain() {
    let (_, stdout, stderr) = scan_fixture(&["--verbose"]);
    assert!(
        !stdout.contains("(s)") && !stderr.contains("(s)"),
        "{stdout}"
    );
    let table: Vec<&str> = stdout
        .lines()
        .skip_while(|l| *l != "Services")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(table.len() >= 2, "{stdout}");
    assert!(
        table[0].trim_start().starts_with("service") && table[0].contains("score"),
        "{}",
        table[0]
    );
    let col = |l: &str, word: &str| l.find(word);
    let score_col = col(table[0], "score");
    for row in &table[1..] {
        assert_eq!(
            col(row, "(average)")
                .or(col(row, "(pass)"))
                .or(col(row, "(fail)"))
                .map(|c| row[..c].trim_end().rfind(' ').unwrap_or(0) + 1),
            score_col,
            "{row}"
        );
    }
    assert!(
        !stdout.contains(" new") && !stderr.contains(" new"),
        "no baseline, no \"new\""
    );
}

/// An output folder that does not take a new file is refused before the scan, naming it.
#[cfg(unix)]
#[test]
fn an_output_folder_that_is_not_writable_is_refused_before_the_scan() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("seaworthy-ro-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    // root writes anywhere: then there is nothing to test.
    let writable = std::fs::write(dir.join("probe"), "").is_ok();
    if !writable {
        let target = dir.join("r.html");
        let (code, stdout, stderr) = scan_fixture(&["--html", target.to_str().unwrap_or_default()]);
        assert_eq!(code, Some(2));
        assert!(stdout.is_empty(), "no scan ran");
        assert!(
            stderr.contains("r.html") && stderr.contains("not writable"),
            "{stderr}"
        );
        assert!(!target.exists());
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_rule_filter_that_names_no_rule_is_refused() {
    let out = seaworthy()
        .args([
            "scan",
            "tests/fixtures/single-package-express",
            "--no-progress",
        ])
        .args(["--rule", "deps/undeclraed"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--rule `deps/undeclraed` names no rule"),
        "{err}"
    );
    let ok = seaworthy()
        .args([
            "scan",
            "tests/fixtures/single-package-express",
            "--no-progress",
        ])
        .args([
            "--rule",
            "docker/",
            "--rule",
            "deps/undeclared",
            "--fail-on",
            "never",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}
