//! `lockfile/`: package.json against the lockfile, judged the way each package manager's
//! frozen install judges it (see [`crate::model::frozen`]).

pub(crate) mod missing;
pub(crate) mod multiple_managers;
pub(crate) mod out_of_sync;
pub(crate) mod package_manager_drift;
pub(crate) mod unsatisfied_entry;

use crate::model::{Model, Workspace, frozen};

/// The command that rewrites the lockfile of an install root, run where it must be run.
pub(crate) fn regenerate(model: &Model, workspace: &Workspace) -> String {
    let command = match model.lock_for(workspace).map(|l| &l.file) {
        Some(lockfile) => frozen::fix_command(workspace, lockfile).0,
        None => match workspace.package_manager {
            Some(crate::model::PackageManager::Pnpm) => "pnpm install",
            Some(crate::model::PackageManager::Yarn) => "yarn install",
            Some(crate::model::PackageManager::Bun) => "bun install",
            _ => "npm install",
        },
    };
    if workspace.dir.is_empty() {
        format!("`{command}` at the repository root")
    } else {
        format!("`{command}` in {}", workspace.dir)
    }
}

/// What the `lockfile/` vectors are built from: the fixtures whose lockfiles pnpm 9.15.9,
/// npm 11, yarn 1.22.22 and yarn 4.9.1 wrote, changed only outside their lockfiles (a
/// package.json, a Dockerfile, a `.gitignore`), as `scripts/lockfile-differential.py` mutates
/// them. No lockfile text is written by hand.
#[cfg(test)]
pub(crate) mod fixtures {
    use std::path::Path;

    use crate::rules::testing::Repo;

    fn root(fixture: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture)
    }

    /// The text of one file of a fixture.
    pub(crate) fn read(fixture: &str, path: &str) -> String {
        let file = root(fixture).join(path);
        std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("fixture `{fixture}`: cannot read {path}: {e}"))
    }

    /// A fixture with text edits: each `(path, from, to)` replaces the one occurrence of
    /// `from` in that file (edits of one file apply in order).
    pub(crate) fn derived(fixture: &str, edits: &[(&str, &str, &str)]) -> Repo {
        let mut texts: Vec<(&str, String)> = Vec::new();
        for &(path, from, to) in edits {
            let i = match texts.iter().position(|(p, _)| *p == path) {
                Some(i) => i,
                None => {
                    texts.push((path, read(fixture, path)));
                    texts.len() - 1
                }
            };
            let text = &mut texts[i].1;
            assert_eq!(
                text.matches(from).count(),
                1,
                "fixture `{fixture}`: {path} must contain {from:?} exactly once"
            );
            *text = text.replacen(from, to, 1);
        }
        texts
            .into_iter()
            .fold(Repo::fixture(fixture), |repo, (path, text)| {
                repo.file(path, &text)
            })
    }

    /// A fixture moved into a folder of a larger repository, unchanged: its lockfile holds
    /// only paths relative to itself, so it reads the same there.
    /// `fixture` with `"packageManager": "<package_manager>"` added to its root package.json
    /// (after its `"private": true,` line).
    pub(crate) fn declaring(fixture: &str, package_manager: &str) -> Repo {
        derived(
            fixture,
            &[(
                "package.json",
                r#""private": true,"#,
                &format!(
                    r#""private": true,
  "packageManager": "{package_manager}","#
                ),
            )],
        )
    }

    pub(crate) fn under(fixture: &str, dir: &str) -> Repo {
        let base = root(fixture);
        let mut repo = Repo::new();
        let mut stack = vec![base.clone()];
        while let Some(folder) = stack.pop() {
            let entries = std::fs::read_dir(&folder)
                .unwrap_or_else(|e| panic!("fixture `{fixture}`: {}: {e}", folder.display()));
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let Ok(rel) = path.strip_prefix(&base) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                repo = repo.file(&format!("{dir}/{rel}"), &read(fixture, &rel));
            }
        }
        repo
    }

    /// Every `lockfile/` rule's findings, as `rule message`.
    pub(crate) fn lockfile_findings(repo: &Repo) -> Vec<String> {
        crate::rules::REGISTRY
            .iter()
            .filter(|r| r.meta().id.starts_with("lockfile/"))
            .flat_map(|rule| repo.check(*rule))
            .map(|f| format!("{} {}", f.rule, f.message))
            .collect()
    }
}
