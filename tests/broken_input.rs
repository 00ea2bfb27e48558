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

/// Ignore files go through the same guards as every other file: a FIFO, a link to `/dev/zero`,
/// a link out of the root and an oversized file are error entries whose patterns do not apply,
/// and the walk goes on. Before, the FIFO hung the scan, `/dev/zero` read until the allocation
/// failed, and an outside file containing `*` hid the whole repository.
#[test]
fn hostile_ignore_files_are_guarded_and_special_files_counted() {
    let root = copy_fixture("single-package-express", "ignores");
    let outside = std::env::temp_dir().join(format!("seaworthy-outside-{}", std::process::id()));
    std::fs::write(&outside, "*\n").expect("outside ignore file");
    std::fs::create_dir_all(root.join("fifo")).expect("dir");
    std::fs::create_dir_all(root.join("zero")).expect("dir");
    std::fs::create_dir_all(root.join("big")).expect("dir");
    // The test makes FIFOs with coreutils' mkfifo (seaworthy itself never runs a program).
    for name in ["fifo/.gitignore", "fifo/package.json"] {
        let made = std::process::Command::new("mkfifo")
            .arg(root.join(name))
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo {name}");
    }
    std::os::unix::fs::symlink("/dev/zero", root.join("zero/.gitignore")).expect("zero link");
    std::os::unix::fs::symlink(&outside, root.join(".gitignore")).expect("outside link");
    std::fs::write(
        root.join("big/.gitignore"),
        "*.generated.ts\n".repeat(200_000),
    )
    .expect("big ignore file");
    std::fs::write(root.join("big/keep.generated.ts"), "export {};\n").expect("file");

    let report = scan_path(&root, "ignores", Some(2)).report;
    let errors: Vec<(String, String)> = report
        .errors
        .iter()
        .map(|e| (e.path.clone(), e.message.clone()))
        .collect();
    let has =
        |path: &str, needle: &str| errors.iter().any(|(p, m)| p == path && m.contains(needle));
    assert!(has("fifo/.gitignore", "not a regular file"), "{errors:#?}");
    assert!(
        has("zero/.gitignore", "out of the repository"),
        "{errors:#?}"
    );
    assert!(has(".gitignore", "out of the repository"), "{errors:#?}");
    assert!(has("big/.gitignore", "limit"), "{errors:#?}");
    // The outside `*` did not apply: the repository was walked, and so was what the oversized
    // file would have ignored.
    assert!(report.run.stats.files_walked >= 3, "{:?}", report.run.stats);
    assert!(
        report
            .findings
            .iter()
            .all(|f| !f.location.path.starts_with("fifo/")),
        "nothing is read from a FIFO"
    );
    // The FIFO named package.json (and the one named .gitignore) are counted, not read.
    assert_eq!(
        report.run.stats.skipped_special, 2,
        "{:?}",
        report.run.stats
    );
    let _ = std::fs::remove_file(&outside);
    let _ = std::fs::remove_dir_all(&root);
}
