//! The HTML report in a real browser: Debian's `chromium` driven by puppeteer-core
//! (`scripts/browser-check.mjs`). It renders with the network off and without console errors;
//! the severity, service and rule filters, the URL hash, anchors, "Show all" and print work;
//! nothing in a hostile fixture (markup in package names, paths and messages) executes; and
//! the findings are readable with JavaScript off. Screenshots at 1280 and 390 pixels wide are
//! kept in `target/browser-artifacts/`.
//!
//! It runs when `PUPPETEER_DIR` holds the npm package `puppeteer-core` (`.ci/run` installs it
//! and sets `SEAWORTHY_REQUIRE_BROWSER=1`, so there a missing browser is a failure, not a skip).

use std::path::{Path, PathBuf};
use std::process::Command;

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a file path")).expect("create dir");
    std::fs::write(path, text).expect("write file");
}

/// The report of `root`; findings under `packages/<x>/` are given service `services[x]`, as
/// the service attribution does for files a service ships (the fixture's rules are
/// repository-wide, and the filters need services).
fn render(root: &Path, services: &[(&str, &str)]) -> String {
    let mut analysis =
        seaworthy::scan(&seaworthy::ScanOptions::new(root), &|_| {}).expect("scan runs");
    for f in &mut analysis.report.findings {
        for (dir, service) in services {
            if f.location.path.starts_with(&format!("packages/{dir}/")) {
                f.service = Some((*service).to_string());
            }
        }
    }
    seaworthy::report::html::render(&analysis).expect("the report renders")
}

/// A workspace where one rule has more findings than are rendered, two services, several
/// rules, and markup in a package name.
fn many(root: &Path) {
    // A GitHub remote (with a token that must appear nowhere) and a HEAD commit.
    write(
        root,
        ".git/config",
        "[remote \"origin\"]\n\turl = https://x-access-token:ghs_s3cr3t@github.com/acme/shop.git\n",
    );
    write(root, ".git/HEAD", "ref: refs/heads/main\n");
    write(
        root,
        ".git/refs/heads/main",
        "0123456789abcdef0123456789abcdef01234567\n",
    );
    write(
        root,
        "package.json",
        r#"{"name": "root", "private": true, "workspaces": ["packages/*"]}"#,
    );
    let deps = |range: &str| -> String {
        (0..210)
            .map(|i| format!(r#""dep-{i}": "{range}""#))
            .collect::<Vec<_>>()
            .join(",\n    ")
    };
    for (dir, name, range) in [
        ("a", "api", "^1.0.0"),
        (
            "b",
            "web<img src=x onerror=\\\"window.__pwned=1\\\">",
            "^2.0.0",
        ),
        ("c", "c", "^2.0.0"),
    ] {
        write(
            root,
            &format!("packages/{dir}/package.json"),
            &format!(
                "{{\n  \"name\": \"{name}\",\n  \"scripts\": {{\"start\": \"node index.js\"}},\n  \"dependencies\": {{\n    {},\n    \"linked\": \"file:../nowhere<script>window.__pwned=1</script>\"\n  }}\n}}\n",
                deps(range)
            ),
        );
    }
}

#[test]
fn the_report_works_in_chromium() {
    let Some(puppeteer) = std::env::var_os("PUPPETEER_DIR") else {
        assert!(
            std::env::var_os("SEAWORTHY_REQUIRE_BROWSER").is_none(),
            "SEAWORTHY_REQUIRE_BROWSER is set but PUPPETEER_DIR is not"
        );
        eprintln!("PUPPETEER_DIR not set: the browser test did not run");
        return;
    };
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out: PathBuf = manifest.join("target/browser-artifacts");
    std::fs::create_dir_all(&out).expect("artifacts dir");
    let tmp = std::env::temp_dir().join(format!("seaworthy-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    many(&tmp);
    let many_html = out.join("many.html");
    std::fs::write(
        &many_html,
        render(
            &tmp,
            &[
                ("a", "api"),
                ("b", "web<img src=x onerror=\"window.__pwned=1\">"),
            ],
        ),
    )
    .expect("write report");
    let _ = std::fs::remove_dir_all(&tmp);
    let hostile_html = out.join("hostile.html");
    std::fs::write(
        &hostile_html,
        render(
            &manifest.join("tests/fixtures/html-escaping"),
            &[("a", "svc<script>window.__pwned=1</script>")],
        ),
    )
    .expect("write report");

    let result = Command::new("node")
        .arg(manifest.join("scripts/browser-check.mjs"))
        .arg(&out)
        .arg(&many_html)
        .arg(&hostile_html)
        .env("PUPPETEER_DIR", puppeteer)
        .output()
        .expect("node runs");
    assert!(
        result.status.success(),
        "browser check failed:\n{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    for shot in [
        "many-1280.png",
        "many-390.png",
        "hostile-1280.png",
        "hostile-390.png",
    ] {
        assert!(out.join(shot).is_file(), "no screenshot {shot}");
    }
}
