//! Never crash on input: every parser is fed every fixture file cut at many points (a
//! truncated download, a half-written file, a merge gone wrong) and with bytes flipped. A
//! parser may say the text is malformed; it may not panic.

use std::path::{Path, PathBuf};

use seaworthy::discover::{FileKind, LockfileKind, classify};
use seaworthy::parse;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn parse_as(kind: FileKind, name: &str, text: &str) {
    match kind {
        FileKind::PackageJson => drop(parse::package_json::parse(name, text)),
        FileKind::TsConfig => drop(parse::tsconfig::parse(name, text)),
        FileKind::PnpmWorkspace => drop(parse::pnpm_workspace::parse(name, text)),
        FileKind::Dockerfile => drop(parse::dockerfile::parse(name, text)),
        FileKind::Compose => drop(parse::compose::parse(name, text)),
        FileKind::Source { .. } => drop(parse::typescript::parse(name, text)),
        FileKind::Lockfile(
            lock @ (LockfileKind::Pnpm | LockfileKind::Npm | LockfileKind::Yarn),
        ) => {
            drop(parse::lockfile::parse(name, lock, text));
        }
        FileKind::Npmrc => drop(parse::npmrc::parse(name, text)),
        _ => {}
    }
}

#[test]
fn parsers_survive_truncated_and_corrupted_input() {
    // SEAWORTHY_TRUNCATION_DIR points the same test at a real repository (by hand, not in CI).
    let root = std::env::var_os("SEAWORTHY_TRUNCATION_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        PathBuf::from,
    );
    let mut all = Vec::new();
    files(&root, &mut all);
    all.retain(|p| {
        !p.components()
            .any(|c| c.as_os_str() == "node_modules" || c.as_os_str() == ".git")
    });
    all.sort();
    let mut fed = 0;
    for path in all {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let Some(kind) = classify(&name) else {
            continue;
        };
        // On a real repository, sources are sampled: their parser is tree-sitter's.
        if matches!(kind, FileKind::Source { .. })
            && fed % 50 != 0
            && std::env::var_os("SEAWORTHY_TRUNCATION_DIR").is_some()
        {
            fed += 1;
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // Cut points: every character for small files, 64 spread points for large ones.
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let step = (boundaries.len() / 64).max(1);
        for &cut in boundaries.iter().step_by(step) {
            parse_as(kind, &name, &text[..cut]);
            fed += 1;
        }
        // Structural characters swapped for each other, one position at a time.
        for (i, c) in text.char_indices().step_by(step.max(7)) {
            let swapped = match c {
                '{' => '[',
                '[' => '{',
                '"' => '\'',
                ':' => ' ',
                '\n' => ' ',
                ' ' => '\n',
                _ => '"',
            };
            let mut corrupted = String::with_capacity(text.len());
            corrupted.push_str(&text[..i]);
            corrupted.push(swapped);
            corrupted.push_str(&text[i + c.len_utf8()..]);
            parse_as(kind, &name, &corrupted);
            fed += 1;
        }
    }
    assert!(fed > 1000, "only {fed} inputs were tried");
}
