//! The rule workbench: a repository written inline (or read from a fixture folder) turned into
//! the model in memory, one rule run over it, and its findings rendered for snapshots.
//!
//! Every rule file ends with a `tests` module whose `vectors()` lists repositories the rule
//! must flag (`fires`) and repositories it must stay silent on (`quiet`); `declare_rule!`
//! wires that function into the rule, so a rule without it does not compile under test, and
//! the registry test fails when either list is empty or a vector does not hold. The same test
//! snapshots each rule's findings on its `fires` vectors, alone (`src/rules/snapshots/`).
//!
//! ```ignore
//! Repo::new()
//!     .file("package.json", r#"{ "name": "api", "dependencies": {} }"#)
//!     .file("src/main.ts", "import client from 'prom-client';")
//!     .check(&Undeclared)
//! ```

use std::fmt::Write as _;
use std::path::Path;

use crate::discover::{self, Discovered, WalkedFile};
use crate::finding::Finding;
use crate::load::{Limits, Memory};
use crate::model::Model;
use crate::paths;
use crate::rules::{Context, Rule};

/// Where the in-memory repository pretends to live; nothing is ever read from it.
const ROOT: &str = "/seaworthy-test-repo";

/// A repository held in memory.
#[derive(Debug, Clone, Default)]
pub struct Repo {
    pub(crate) files: Memory,
    /// The `seaworthy.toml` the rules run with (its policy knobs), parsed as a scan would.
    config: Option<String>,
    /// Symbolic links the walk could not follow (dangling: a submodule not checked out).
    links: Vec<String>,
}

impl Repo {
    pub fn new() -> Self {
        Repo::default()
    }

    /// Adds (or replaces) a file.
    #[must_use]
    pub fn file(mut self, path: &str, text: &str) -> Self {
        self.files
            .files
            .insert(path.to_string(), text.as_bytes().to_vec());
        self
    }

    /// Runs the rules with this `seaworthy.toml` (the file is not added to the repository).
    #[must_use]
    pub fn config(mut self, toml: &str) -> Self {
        self.config = Some(toml.to_string());
        self
    }

    /// Adds a dangling symbolic link at `path`, which the walk skips (and records).
    #[must_use]
    pub fn dangling_link(mut self, path: &str) -> Self {
        self.links.push(path.to_string());
        self
    }

    /// Removes a file (to derive a vector from a fixture).
    #[must_use]
    pub fn without(mut self, path: &str) -> Self {
        self.files.files.remove(path);
        self
    }

    /// The files of `tests/fixtures/<name>`, read into memory: fixtures whose lockfiles the
    /// real package managers wrote, so vectors built from them stay true to those tools.
    pub fn fixture(name: &str) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let mut repo = Repo::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                panic!("fixture `{name}`: cannot read {}", dir.display());
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let (Ok(rel), Ok(bytes)) =
                    (path.strip_prefix(&root), std::fs::read(&path))
                {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    repo.files.files.insert(rel, bytes);
                }
            }
        }
        assert!(!repo.files.files.is_empty(), "fixture `{name}` is empty");
        repo
    }

    /// What the walk would see: every file but those under `node_modules`, `.git` or a
    /// gitignored path, classified by name.
    fn discover(&self) -> Discovered {
        let root = Path::new(ROOT);
        let texts: Vec<(String, String)> = self
            .files
            .files
            .iter()
            .filter(|(p, _)| paths::file_name(p) == ".gitignore")
            .map(|(p, text)| (p.clone(), String::from_utf8_lossy(text).into_owned()))
            .collect();
        let ignores = crate::discover::GitignoreSet::new(root, &texts);
        let ignored = |path: &str| ignores.is_ignored(path, false);
        let mut discovered = Discovered::default();
        let mut dirs = std::collections::BTreeSet::from([String::new()]);
        for (path, bytes) in &self.files.files {
            let skipped = path
                .split('/')
                .any(|part| part == "node_modules" || part == ".git");
            if skipped || ignored(path) {
                continue;
            }
            dirs.extend(paths::ancestors(path).map(str::to_string));
            discovered.files.push(WalkedFile {
                path: path.clone(),
                kind: discover::classify_path(path),
                size: bytes.len() as u64,
            });
        }
        discovered.dirs = dirs.into_iter().collect();
        discovered.skipped_links = self.links.len();
        discovered.skipped_link_paths = self.links.clone();
        discovered.skipped_link_paths.sort();
        discovered.gitignores = texts.into_iter().filter(|(p, _)| !ignored(p)).collect();
        discovered
    }

    /// What `load` makes of the files, with the walk it was given.
    pub fn load(&self) -> (Discovered, crate::load::Loaded) {
        let discovered = self.discover();
        let loaded = crate::load::load_from(&self.files, &discovered, Limits::default());
        (discovered, loaded)
    }

    /// The model, built exactly as a scan builds it.
    pub fn model(&self) -> Model {
        let (discovered, loaded) = self.load();
        // The one note load writes about a file it parsed fine: a bun.lockb is not read.
        let bun_lockb =
            |e: &crate::diagnostic::ErrorEntry| e.kind.is_none() && e.path.ends_with(".lockb");
        assert!(
            loaded.errors.iter().all(bun_lockb),
            "the vector's files must parse: {:?}",
            loaded.errors
        );
        Model::build(Path::new(ROOT), discovered, loaded)
    }

    /// One rule's findings on this repository, sorted and fingerprinted as in a scan.
    pub fn check(&self, rule: &dyn Rule) -> Vec<Finding> {
        let model = self.model();
        let config = self
            .config
            .as_deref()
            .map_or_else(crate::config::Config::default, |t| {
                crate::config::parse("seaworthy.toml", t).expect("the vector's config parses")
            });
        let cx = Context {
            model: &model,
            policy: &config.policy,
        };
        let mut out = Vec::new();
        rule.check(&cx, &mut out);
        crate::finding::finalize(&mut out);
        out
    }
}

/// A named repository for a rule's vectors.
pub struct Case {
    pub name: &'static str,
    pub repo: Repo,
}

pub fn case(name: &'static str, repo: Repo) -> Case {
    Case { name, repo }
}

/// What a rule must flag and what it must leave alone.
pub struct Vectors {
    pub fires: Vec<Case>,
    pub quiet: Vec<Case>,
}

/// Findings as a snapshot shows them: one block per finding, everything a user reads.
pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(
            out,
            "{} {} {}:{}:{}",
            f.severity.as_str(),
            f.rule,
            f.location.path,
            f.location.line,
            f.location.column
        );
        let _ = writeln!(out, "  message: {}", f.message);
        if !f.help.is_empty() {
            let _ = writeln!(out, "  help: {}", f.help);
        }
        for r in &f.related {
            let _ = writeln!(out, "  related: {}:{} {}", r.path, r.line, r.message);
        }
        if let Some(service) = &f.service {
            let _ = writeln!(out, "  service: {service}");
        }
        if let Some(workspace) = &f.workspace {
            let _ = writeln!(out, "  workspace: {workspace}");
        }
        let _ = writeln!(out, "  key: {}", f.key);
    }
    out
}

/// (path:line, message) of each finding, for assertions that name exact places.
pub fn places(findings: &[Finding]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                format!("{}:{}", f.location.path, f.location.line),
                f.message.clone(),
            )
        })
        .collect()
}
