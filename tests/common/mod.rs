//! Helpers shared by the integration tests.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::{Path, PathBuf};

use seaworthy::report::{Analysis, Report};

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Scans a fixture, showing its root as `tests/fixtures/<name>` so reports do not depend on
/// where the repository is checked out.
pub(crate) fn scan_fixture(name: &str) -> Analysis {
    scan_path(&fixture(name), &format!("tests/fixtures/{name}"), None)
}

pub(crate) fn scan_path(path: &Path, display: &str, threads: Option<usize>) -> Analysis {
    let mut options = seaworthy::ScanOptions::new(path);
    options.root_display = display.to_string();
    if let Some(t) = threads {
        options.threads = t;
    }
    seaworthy::scan(&options, &|_| {}).expect("fixture scans")
}

/// The JSON report with the only run-dependent fields (time and duration) fixed, and the
/// rules' help text left out (it is the rules' doc comments, tested on its own), so that
/// snapshots show what a scan found.
pub(crate) fn stable_json(report: &Report) -> String {
    let mut report = report.clone();
    report.run.started_at = "1970-01-01T00:00:00Z".to_string();
    report.run.duration_ms = 0;
    for rule in &mut report.rules {
        rule.help = String::from("(see `seaworthy rules ID`)");
    }
    seaworthy::report::json::render(&report)
}

/// What a fixture's scenario is about, for its snapshot: findings, errors, scores and services
/// (and the install roots found). The rule list and the counts of passing and inapplicable
/// checks are left out, so that adding a rule does not rewrite every fixture's snapshot; the
/// rule list has a snapshot of its own.
pub(crate) fn scenario_json(report: &Report) -> String {
    let mut value = serde_json::to_value(report).expect("report serializes");
    let object = value.as_object_mut().expect("report is an object");
    for key in ["schemaVersion", "tool", "run", "rules"] {
        object.remove(key);
    }
    if let Some(summary) = object.get_mut("summary").and_then(|s| s.as_object_mut()) {
        summary.remove("scoring");
    }
    if let Some(categories) = object.get_mut("categories").and_then(|c| c.as_array_mut()) {
        for category in categories.iter_mut().filter_map(|c| c.as_object_mut()) {
            category.remove("checks");
        }
    }
    serde_json::to_string_pretty(&value).expect("value serializes") + "\n"
}

/// Copies a fixture into a fresh temporary directory (for tests that add links or odd names).
pub(crate) fn copy_fixture(name: &str, tag: &str) -> PathBuf {
    let dest = std::env::temp_dir().join(format!("seaworthy-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dest);
    copy_dir(&fixture(name), &dest);
    dest
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create temp dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        // Scans of the fixture in place (CLI tests) leave their fact cache in it.
        if entry.file_name() == ".seaworthy-cache" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Fixtures that scan as they are committed (some need set-up and have their own tests). A
/// folder without a `package.json` groups fixtures (`nest/boots-global-module`).
pub(crate) fn snapshot_fixtures() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dirs = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .expect("fixtures dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    let mut names = Vec::new();
    for name in dirs(&root) {
        let dir = root.join(&name);
        if dir.join("package.json").exists() {
            names.push(name);
        } else {
            names.extend(dirs(&dir).into_iter().map(|sub| format!("{name}/{sub}")));
        }
    }
    names.sort();
    names
}

/// A fixture's name as a snapshot name (`nest/boots-x` → `nest__boots-x`).
pub(crate) fn snapshot_name(fixture: &str) -> String {
    fixture.replace('/', "__")
}

/// (path, line, message) of a fixture's findings of one rule.
pub(crate) fn findings(fixture: &str, rule: &str) -> Vec<(String, u32, String)> {
    scan_fixture(fixture)
        .report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.location.path.clone(), f.location.line, f.message.clone()))
        .collect()
}
