//! `--threads N` is the number of threads of the whole scan (walk, parse, rules), and the
//! report does not depend on it.

mod common;

use std::path::Path;

use common::{fixture, snapshot_fixtures};

fn json(root: &Path, display: &str, threads: Option<usize>) -> String {
    let mut options = seaworthy::ScanOptions::new(root);
    options.root_display = display.to_string();
    if let Some(t) = threads {
        options.threads = t;
    }
    let mut report = seaworthy::scan(&options, &|_| {}).expect("scans").report;
    report.run.started_at = "1970-01-01T00:00:00Z".to_string();
    report.run.duration_ms = 0;
    seaworthy::report::json::render(&report)
}

/// `--threads 1` gives the default's report, byte for byte, on every fixture and the example.
#[test]
fn one_thread_gives_the_same_report() {
    let mut roots: Vec<(std::path::PathBuf, String)> = snapshot_fixtures()
        .into_iter()
        .map(|name| (fixture(&name), format!("tests/fixtures/{name}")))
        .collect();
    roots.push((
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/incidents"),
        "examples/incidents".to_string(),
    ));
    for (root, display) in roots {
        assert_eq!(
            json(&root, &display, Some(1)),
            json(&root, &display, None),
            "{display}"
        );
    }
}
