//! Broken input never stops a scan: malformed JSON and YAML, a binary package.json, empty,
//! truncated and FROM-less Dockerfiles, a symlink loop, a non-UTF-8 file name, dangling links
//! and links out of the repository. Each is an error entry (or a counted skip); nothing panics.

mod common;

use std::os::unix::ffi::OsStrExt;

use common::{copy_fixture, scan_path};

#[test]
fn malformed_files_become_errors_and_the_scan_goes_on() {
    let root = copy_fixture("broken-input", "broken");
    // What git cannot carry portably is made here: a loop, a non-UTF-8 name, dangling and
    // escaping links.
    std::os::unix::fs::symlink(".", root.join("packages/loop")).expect("symlink loop");
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9.ts");
    std::fs::write(root.join("packages/good").join(odd), "export {};\n").expect("odd name");
    std::os::unix::fs::symlink("../../.source/missing", root.join("packages/dangling"))
        .expect("dangling");
    std::os::unix::fs::symlink("/etc", root.join("packages/escape")).expect("escape");

    let analysis = scan_path(&root, "broken-input", Some(2));
    let report = &analysis.report;
    let errors: Vec<(String, String)> = report
        .errors
        .iter()
        .map(|e| (e.path.clone(), e.message.clone()))
        .collect();
    let has =
        |path: &str, needle: &str| errors.iter().any(|(p, m)| p == path && m.contains(needle));
    assert!(
        has("packages/bad-json/package.json", "invalid JSON"),
        "{errors:#?}"
    );
    assert!(has("packages/binary/package.json", "binary"), "{errors:#?}");
    assert!(
        has("docker/empty/Dockerfile", "empty Dockerfile"),
        "{errors:#?}"
    );
    assert!(
        has("docker/truncated/Dockerfile", "never closed"),
        "{errors:#?}"
    );
    assert!(
        has("docker/no-from/Dockerfile", "before any FROM"),
        "{errors:#?}"
    );
    assert!(
        has("packages/truncated-yaml/docker-compose.yml", "invalid YAML"),
        "{errors:#?}"
    );
    assert!(has("tsconfig.json", "invalid JSON"), "{errors:#?}");
    assert!(
        errors
            .iter()
            .any(|(p, m)| p.starts_with("packages/loop") && m.contains("loop")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|(p, m)| p.contains("caf") && m.contains("UTF-8")),
        "{errors:#?}"
    );
    assert_eq!(
        report.run.stats.skipped_links, 2,
        "dangling and escaping links are counted, not followed"
    );
    assert!(
        !errors
            .iter()
            .any(|(p, _)| p.contains("escape") || p.contains("dangling")),
        "{errors:#?}"
    );
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.location.path.starts_with("packages/escape")),
        "nothing outside the root is read"
    );

    // The good package is still analysed.
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "deps/broken-local-link"
                && f.location.path == "packages/good/package.json"),
        "{:#?}",
        report.findings
    );
    // Its input failed to parse, so the dependencies score is unknown, not 0.
    let deps = report
        .categories
        .iter()
        .find(|c| c.id.id() == "dependencies")
        .expect("category");
    assert_eq!(deps.score, None);
    let _ = std::fs::remove_dir_all(&root);
}
