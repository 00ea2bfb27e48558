//! `seaworthy merge`: the org-wide view of many repositories' JSON reports. Each test scans a
//! few fixtures with the binary (`scan --json`), then merges the reports as a CI job would.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::fixture;

const FIXTURES: [&str; 3] = [
    "pnpm-undeclared-prom-client",
    "single-package-express",
    "docker-musl",
];

/// The binary; its scans of fixtures in place write no `.seaworthy-cache` into them.
fn seaworthy() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seaworthy"));
    command.env("SEAWORTHY_NO_CACHE", "1");
    command
}

/// A fresh temporary directory for one test.
fn temp(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("seaworthy-merge-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Scans each fixture into `<dir>/<fixture>.json` and returns the report paths.
fn scan_all(dir: &Path, fixtures: &[&str]) -> Vec<String> {
    fixtures
        .iter()
        .map(|name| {
            let out = dir.join(format!("{name}.json"));
            let status = seaworthy()
                .arg("scan")
                .arg(fixture(name))
                .arg("--json")
                .arg(&out)
                .args(["--quiet", "--fail-on", "never"])
                .status()
                .expect("runs");
            assert_eq!(status.code(), Some(0), "{name} scans");
            out.to_string_lossy().into_owned()
        })
        .collect()
}

fn merge(args: &[String]) -> Output {
    seaworthy().arg("merge").args(args).output().expect("runs")
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON")
}

#[test]
fn per_repository_scores_and_rule_counts_add_up() {
    let dir = temp("sums");
    let reports = scan_all(&dir, &FIXTURES);
    let out = dir.join("org.json");
    let mut args = reports.clone();
    args.extend(["--json".to_string(), out.to_string_lossy().into_owned()]);
    let result = merge(&args);
    assert_eq!(result.status.code(), Some(0), "{result:?}");
    let merged = read_json(&out);

    let repos = merged["repositories"].as_array().expect("repositories");
    assert_eq!(repos.len(), FIXTURES.len());
    let names: Vec<&str> = repos.iter().filter_map(|r| r["name"].as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "repositories are sorted by name");

    let mut expected_rules: std::collections::BTreeMap<(String, String), usize> =
        std::collections::BTreeMap::new();
    let mut services = 0;
    for (name, path) in FIXTURES.iter().zip(&reports) {
        let report = read_json(Path::new(path));
        let repo = repos
            .iter()
            .find(|r| r["name"] == *name)
            .unwrap_or_else(|| panic!("{name} is merged"));
        assert_eq!(repo["score"], report["summary"]["score"], "{name}");
        assert_eq!(repo["rating"], report["summary"]["rating"], "{name}");
        assert_eq!(repo["counts"], report["summary"]["counts"], "{name}");
        let n = report["services"].as_array().map_or(0, Vec::len);
        assert_eq!(repo["services"], n, "{name}");
        services += n;
        for f in report["findings"].as_array().expect("findings") {
            if !f["suppressed"].is_null() {
                continue;
            }
            let key = (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
            );
            *expected_rules.entry(key).or_default() += 1;
        }
    }
    let rules: std::collections::BTreeMap<(String, String), usize> = merged["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| {
            (
                (
                    r["rule"].as_str().unwrap().to_string(),
                    r["severity"].as_str().unwrap().to_string(),
                ),
                r["findings"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert!(!rules.is_empty(), "the fixtures have findings");
    assert_eq!(rules, expected_rules);
    let total: usize = rules.values().sum();
    let counts = &merged["totals"]["counts"];
    let counted = ["error", "warning", "info"]
        .iter()
        .map(|k| counts[k].as_u64().unwrap() as usize)
        .sum::<usize>();
    assert_eq!(total, counted, "rule counts add up to the totals");
    assert_eq!(merged["totals"]["services"], services);
    assert_eq!(merged["totals"]["repositories"], FIXTURES.len());

    // The worst services: lowest score first.
    let worst: Vec<u64> = merged["worstServices"]
        .as_array()
        .expect("worstServices")
        .iter()
        .filter_map(|s| s["score"].as_u64())
        .collect();
    let mut ascending = worst.clone();
    ascending.sort_unstable();
    assert_eq!(worst, ascending);
}

#[test]
fn the_merged_json_matches_its_committed_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/merge.schema.json");
    let generated = seaworthy::report::merge::schema();
    if std::env::var_os("SEAWORTHY_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/merge.schema.json is stale; regenerate it with\n  SEAWORTHY_UPDATE_SCHEMA=1 cargo test --test merge"
    );

    let dir = temp("schema");
    let mut args = scan_all(&dir, &FIXTURES[..2]);
    let out = dir.join("org.json");
    args.extend(["--json".to_string(), out.to_string_lossy().into_owned()]);
    assert_eq!(merge(&args).status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_str(&generated).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&read_json(&out))
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.ends_with("}\n"), "pretty, with a trailing newline");
}

#[test]
fn output_does_not_depend_on_the_order_of_the_inputs() {
    let dir = temp("order");
    let reports = scan_all(&dir, &FIXTURES);
    let run = |inputs: Vec<String>, tag: &str| -> Vec<Vec<u8>> {
        let files = ["json", "html", "md"].map(|ext| dir.join(format!("{tag}.{ext}")));
        let mut args = inputs;
        for (flag, file) in ["--json", "--html", "--markdown"].iter().zip(&files) {
            args.push(flag.to_string());
            args.push(file.to_string_lossy().into_owned());
        }
        assert_eq!(merge(&args).status.code(), Some(0));
        let mut bytes: Vec<Vec<u8>> = files
            .iter()
            .map(|f| std::fs::read(f).expect("read"))
            .collect();
        // The terminal table too.
        bytes.push(merge(&args[..3]).stdout);
        bytes
    };
    let forward = run(reports.clone(), "forward");
    let reversed = run(reports.iter().rev().cloned().collect(), "reversed");
    assert_eq!(forward, reversed);
}

#[test]
fn without_an_output_flag_a_terminal_table_is_printed() {
    let dir = temp("table");
    let reports = scan_all(&dir, &FIXTURES[..2]);
    let result = merge(&reports);
    assert_eq!(result.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(stdout.starts_with("repository"), "{stdout}");
    for name in &FIXTURES[..2] {
        assert!(stdout.contains(name), "{stdout}");
    }
    assert!(stdout.contains("2 repositories"), "{stdout}");
}

#[test]
fn a_report_of_a_newer_schema_is_refused_naming_the_file() {
    let dir = temp("newer");
    let reports = scan_all(&dir, &FIXTURES[..1]);
    let mut report = read_json(Path::new(&reports[0]));
    report["schemaVersion"] = serde_json::json!(99);
    let newer = dir.join("newer.json");
    std::fs::write(&newer, report.to_string()).expect("write");
    let result = merge(&[reports[0].clone(), newer.to_string_lossy().into_owned()]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("newer.json"), "{stderr}");
    assert!(
        stderr.contains("schema 99, newer than this seaworthy reads"),
        "{stderr}"
    );
    assert!(
        result.stdout.is_empty(),
        "nothing is printed before the inputs are read"
    );
}

#[test]
fn json_that_is_not_a_seaworthy_report_is_refused() {
    let dir = temp("foreign");
    let cases = [
        (
            "eslint.json",
            r#"{"schemaVersion": 1, "tool": {"name": "eslint"}}"#,
            "not seaworthy",
        ),
        ("array.json", "[1, 2]", "no `schemaVersion`"),
        ("broken.json", "{", "not JSON"),
    ];
    for (file, text, says) in cases {
        let path = dir.join(file);
        std::fs::write(&path, text).expect("write");
        let result = merge(&[path.to_string_lossy().into_owned()]);
        assert_eq!(result.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            stderr.contains(file) && stderr.contains(says),
            "{file}: {stderr}"
        );
    }
    let missing = merge(&[dir.join("missing.json").to_string_lossy().into_owned()]);
    assert_eq!(missing.status.code(), Some(2));
    let no_input = seaworthy().arg("merge").output().expect("runs");
    assert_eq!(
        no_input.status.code(),
        Some(2),
        "at least one report is required"
    );
}

#[test]
fn outputs_that_cannot_be_written_are_refused_before_reading() {
    let dir = temp("outputs");
    let reports = scan_all(&dir, &FIXTURES[..1]);
    for args in [
        vec!["--html", "/nonexistent-seaworthy-dir/org.html"],
        vec!["--json", "-", "--markdown", "-"],
    ] {
        let mut all = reports.clone();
        all.extend(args.iter().map(|a| a.to_string()));
        let result = merge(&all);
        assert_eq!(result.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_hostile_repository_name_is_escaped() {
    let dir = temp("hostile");
    let reports = scan_all(&dir, &FIXTURES[..1]);
    let mut report = read_json(Path::new(&reports[0]));
    report["run"]["root"] = serde_json::json!("<script>x</script>");
    if let Some(service) = report["services"].get_mut(0) {
        service["name"] = serde_json::json!("<img src=x onerror=alert(1)>");
    }
    let hostile = dir.join("hostile.json");
    std::fs::write(&hostile, report.to_string()).expect("write");
    let (html, md) = (dir.join("org.html"), dir.join("org.md"));
    let result = merge(&[
        hostile.to_string_lossy().into_owned(),
        "--html".into(),
        html.to_string_lossy().into_owned(),
        "--markdown".into(),
        md.to_string_lossy().into_owned(),
    ]);
    assert_eq!(result.status.code(), Some(0), "{result:?}");
    let html = std::fs::read_to_string(&html).expect("read");
    assert!(
        !html.contains("<script"),
        "no script element, escaped or not"
    );
    assert!(!html.contains("<img"));
    assert!(
        html.contains("&lt;script&gt;x"),
        "the root is shown, escaped"
    );
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("default-src 'none'"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no remote load"
    );
    assert!(html.contains("<meter"), "a meter per score");
    let md = std::fs::read_to_string(&md).expect("read");
    assert!(!md.contains("<script") && !md.contains("<img"), "{md}");
}

#[test]
fn markdown_starts_with_the_marker_and_has_tables() {
    let dir = temp("markdown");
    let mut args = scan_all(&dir, &FIXTURES);
    let md = dir.join("org.md");
    args.extend(["--markdown".to_string(), md.to_string_lossy().into_owned()]);
    assert_eq!(merge(&args).status.code(), Some(0));
    let md = std::fs::read_to_string(&md).expect("read");
    assert!(md.starts_with("<!-- seaworthy:merge v1 -->\n"), "{md}");
    assert!(md.contains("| Repository | Score | Rating |"), "{md}");
    assert!(
        md.contains("| Rule | Severity | Findings | Repositories |"),
        "{md}"
    );
    assert!(md.contains("### Worst services"), "{md}");
    // Names go through the scan report's Markdown escaping: a hyphen inside a table cell is
    // plain text, so the name reads as written.
    assert!(md.contains("| single-package-express | "), "{md}");
}
