//! The fact cache changes how long a scan takes, never what it reports: the JSON report is
//! byte-identical cold, warm and without the cache, on every fixture; an edit, another option,
//! a damaged pack and two scans at once all give the report a scan without the cache gives.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{copy_fixture, fixture, snapshot_fixtures};
use seaworthy::cache::Setting;

/// The JSON report, with the run's start time and duration (the only fields that differ from
/// run to run) fixed.
fn json(
    root: &Path,
    display: &str,
    cache: Setting,
    threads: Option<usize>,
    max: Option<u64>,
) -> String {
    let mut options = seaworthy::ScanOptions::new(root);
    options.root_display = display.to_string();
    options.cache = cache;
    if let Some(t) = threads {
        options.threads = t;
    }
    if let Some(max) = max {
        options.limits.max_file_size = max;
    }
    let mut report = seaworthy::scan(&options, &|_| {}).expect("scans").report;
    report.run.started_at = "1970-01-01T00:00:00Z".to_string();
    report.run.duration_ms = 0;
    seaworthy::report::json::render(&report)
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("seaworthy-cache-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn packs(dir: &Path) -> Vec<PathBuf> {
    let mut packs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("facts-"))
                })
                .collect()
        })
        .unwrap_or_default();
    packs.sort();
    packs
}

fn all_roots() -> Vec<(PathBuf, String)> {
    let mut roots: Vec<(PathBuf, String)> = snapshot_fixtures()
        .into_iter()
        .map(|name| (fixture(&name), format!("tests/fixtures/{name}")))
        .collect();
    roots.push((
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/incidents"),
        "examples/incidents".to_string(),
    ));
    roots
}

/// Cold, warm and without the cache, on every fixture and the example: the same bytes. The
/// warm run uses every entry and parses nothing, so it leaves the pack as it was.
#[test]
fn the_report_is_byte_identical_cold_warm_and_without_the_cache() {
    let cache = temp_dir("identical");
    for (i, (root, display)) in all_roots().into_iter().enumerate() {
        let dir = cache.join(i.to_string());
        let setting = Setting::Dir(dir.clone());
        let none = json(&root, &display, Setting::Off, None, None);
        let cold = json(&root, &display, setting.clone(), None, None);
        let written = packs(&dir);
        assert_eq!(written.len(), 1, "{display}: one pack");
        let pack = std::fs::read(&written[0]).expect("pack");
        let warm = json(&root, &display, setting, None, None);
        assert_eq!(cold, none, "{display}: cold");
        assert_eq!(warm, none, "{display}: warm");
        assert_eq!(
            std::fs::read(&written[0]).expect("pack"),
            pack,
            "{display}: warm rewrote the pack"
        );
    }
    std::fs::remove_dir_all(&cache).ok();
}

/// An edited file is parsed again: the warm report is the one a scan without the cache gives
/// of the edited tree, and differs from the first.
#[test]
fn a_changed_file_is_parsed_again() {
    let root = copy_fixture("pnpm-undeclared-prom-client", "cache-edit");
    let dir = temp_dir("edit");
    let setting = Setting::Dir(dir.clone());
    let before = json(&root, "r", setting.clone(), None, None);
    let source = walk(&root)
        .into_iter()
        .find(|p| {
            p.extension().is_some_and(|e| e == "ts")
                && std::fs::read_to_string(p).is_ok_and(|t| t.contains("prom-client"))
        })
        .expect("a source importing prom-client");
    let text = std::fs::read_to_string(&source).expect("source");
    std::fs::write(&source, text.replace("prom-client", "node:fs")).expect("edit");
    let after = json(&root, "r", setting, None, None);
    assert_eq!(after, json(&root, "r", Setting::Off, None, None));
    assert_ne!(after, before, "the edit changes the report");
    std::fs::remove_dir_all(&root).ok();
    std::fs::remove_dir_all(&dir).ok();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Another `--max-file-size` is another pack: nothing written under the first is read under
/// the second, and each gives the report a scan without the cache gives.
#[test]
fn another_option_is_another_pack() {
    let root = fixture("single-package-express");
    let dir = temp_dir("option");
    let setting = Setting::Dir(dir.clone());
    let small = Some(200);
    assert_eq!(
        json(&root, "r", setting.clone(), None, None),
        json(&root, "r", Setting::Off, None, None)
    );
    assert_eq!(packs(&dir).len(), 1);
    assert_eq!(
        json(&root, "r", setting.clone(), None, small),
        json(&root, "r", Setting::Off, None, small)
    );
    assert_eq!(packs(&dir).len(), 2, "a pack per option set");
    assert_eq!(
        json(&root, "r", setting, None, None),
        json(&root, "r", Setting::Off, None, None)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A truncated, garbled, emptied or foreign pack is ignored, and rewritten whole.
/// A pack's header (magic and fingerprint) and its entries, sorted: fresh entries are
/// written in the order the parallel load produces them.
fn entries(pack: &[u8]) -> (Vec<u8>, Vec<&[u8]>) {
    let mut entries = Vec::new();
    let mut at = 72;
    while at < pack.len() {
        let len = u32::from_le_bytes(pack[at + 32..at + 36].try_into().expect("len")) as usize;
        entries.push(&pack[at..at + 36 + len]);
        at += 36 + len;
    }
    entries.sort_unstable();
    (pack[..40].to_vec(), entries)
}

#[test]
fn a_damaged_pack_is_ignored_and_rewritten() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/incidents");
    let dir = temp_dir("damaged");
    let setting = Setting::Dir(dir.clone());
    let expected = json(&root, "r", Setting::Off, None, None);
    assert_eq!(json(&root, "r", setting.clone(), None, None), expected);
    let pack = packs(&dir).remove(0);
    let good = std::fs::read(&pack).expect("pack");
    let mut garbled = good.clone();
    for i in (100..garbled.len()).step_by(97) {
        garbled[i] ^= 0x5a;
    }
    let damaged = [
        good[..good.len() / 2].to_vec(),
        garbled,
        Vec::new(),
        b"not a pack at all".to_vec(),
    ];
    for bytes in damaged {
        std::fs::write(&pack, &bytes).expect("damage");
        assert_eq!(json(&root, "r", setting.clone(), None, None), expected);
        let rewritten = std::fs::read(&pack).expect("pack");
        assert!(entries(&rewritten) == entries(&good), "rewritten");
    }
    // A pack written under another key (another machine's, or a repository's own) is foreign.
    std::fs::write(dir.join("key"), [1u8; 32]).expect("key");
    assert_eq!(json(&root, "r", setting, None, None), expected);
    assert_ne!(
        std::fs::read(&pack).expect("pack"),
        good,
        "rewritten under the new key"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Two scans at once on one cache directory, cold and then warm: every report is right, and
/// the pack they leave serves a third.
#[test]
fn concurrent_scans_share_a_cache_directory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/incidents");
    let dir = temp_dir("concurrent");
    let setting = Setting::Dir(dir.clone());
    let expected = json(&root, "r", Setting::Off, None, None);
    for _ in 0..3 {
        let reports: Vec<String> = std::thread::scope(|s| {
            let scans: Vec<_> = (0..2)
                .map(|_| s.spawn(|| json(&root, "r", setting.clone(), Some(2), None)))
                .collect();
            scans.into_iter().map(|h| h.join().expect("scan")).collect()
        });
        assert!(reports.iter().all(|r| *r == expected));
    }
    assert_eq!(json(&root, "r", setting, None, None), expected);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files are renamed or removed"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The command line's default: `.seaworthy-cache/` at the root, gitignored and tagged, keyed
/// with the user's key (outside the repository), never scanned itself; `--no-cache` and
/// `--cache-dir` give the same report.
#[test]
fn the_command_line_caches_at_the_root_by_default() {
    let root = copy_fixture("pnpm-undeclared-prom-client", "cache-cli");
    let home = temp_dir("cli-home");
    let elsewhere = temp_dir("cli-dir");
    let run_with = |extra: &[&str], vars: &[(&str, &std::path::Path)]| -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
            .arg("scan")
            .arg(&root)
            .args(["--json", "-", "--fail-on", "never", "--no-progress", "-q"])
            .args(extra)
            .env("XDG_CACHE_HOME", &home)
            .env("HOME", &home)
            .env_remove("SEAWORTHY_NO_CACHE")
            .env_remove("SEAWORTHY_CACHE_DIR")
            .envs(vars.iter().copied())
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        report["run"]["startedAt"] = serde_json::Value::Null;
        report["run"]["durationMs"] = serde_json::Value::Null;
        report.to_string()
    };
    let run = |extra: &[&str]| run_with(extra, &[]);
    let cold = run(&[]);
    let dir = root.join(".seaworthy-cache");
    assert!(dir.join(".gitignore").is_file());
    assert!(dir.join("CACHEDIR.TAG").is_file());
    assert_eq!(packs(&dir).len(), 1);
    assert!(
        !dir.join("key").exists(),
        "the default directory's key is not in the repository"
    );
    assert!(home.join("seaworthy/key").is_file());
    assert_eq!(run(&[]), cold, "warm");
    assert_eq!(run(&["--no-cache"]), cold);
    let elsewhere_arg = elsewhere.to_string_lossy().into_owned();
    assert_eq!(run(&["--cache-dir", &elsewhere_arg]), cold);
    assert!(
        elsewhere.join("key").is_file(),
        "an explicit directory keeps its key"
    );
    assert_eq!(packs(&elsewhere).len(), 1);
    // The environment says the same as the flags (CI sets it once for every step).
    let by_env = temp_dir("cli-env-dir");
    assert_eq!(run_with(&[], &[("SEAWORTHY_CACHE_DIR", &by_env)]), cold);
    assert_eq!(packs(&by_env).len(), 1, "SEAWORTHY_CACHE_DIR is used");
    std::fs::remove_dir_all(&dir).expect("remove the default cache");
    assert_eq!(
        run_with(&[], &[("SEAWORTHY_NO_CACHE", std::path::Path::new("1"))]),
        cold
    );
    assert!(!dir.exists(), "SEAWORTHY_NO_CACHE=1 writes no cache");
    std::fs::remove_dir_all(&root).ok();
    std::fs::remove_dir_all(&home).ok();
    std::fs::remove_dir_all(&elsewhere).ok();
    std::fs::remove_dir_all(&by_env).ok();
}

/// A `.seaworthy-cache` the repository ships (a link out of the root here) is neither followed
/// nor written through.
#[cfg(unix)]
#[test]
fn a_linked_cache_directory_is_not_used() {
    let root = copy_fixture("single-package-express", "cache-link");
    let outside = temp_dir("link-outside");
    std::fs::create_dir_all(&outside).expect("outside");
    std::os::unix::fs::symlink(&outside, root.join(".seaworthy-cache")).expect("link");
    let expected = json(&root, "r", Setting::Off, None, None);
    assert_eq!(json(&root, "r", Setting::Root, None, None), expected);
    assert_eq!(std::fs::read_dir(&outside).expect("dir").count(), 0);
    std::fs::remove_dir_all(&root).ok();
    std::fs::remove_dir_all(&outside).ok();
}
