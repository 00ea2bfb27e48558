//! `seaworthy.toml`: rule severities and `off`, path ignores, per-path rule ignores and policy
//! knobs. Typed (serde, unknown keys rejected); every mistake is reported with the file, line
//! and column it is at, as cargo-deny does, and the scan does not run (exit 2).
//!
//! ```toml
//! ignore = ["legacy/**"]                  # findings under these paths are suppressed
//!
//! [rules]
//! "deps/unused" = "off"                   # the rule does not run
//! "docker/no-healthcheck" = "info"        # its findings are reported at this severity
//!
//! [[overrides]]                           # per-path rule ignores
//! paths = ["apps/admin/**"]
//! ignore = ["deps/relies-on-hoisting"]
//! reason = "admin is only ever run from the monorepo checkout"
//!
//! [policy]
//! root-dependencies = ["apps/web"]        # root-declared dependencies are fine for these
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use globset::{Glob, GlobMatcher};
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::finding::Severity;
use crate::rules;

/// The file looked for at the root when `--config` is not given.
pub const FILE_NAME: &str = "seaworthy.toml";

/// Larger than any hand-written config; a bigger file is refused rather than read.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// `seaworthy.toml`: the configuration of a seaworthy scan, read from the repository root or
/// given with `--config`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Path globs (repository-relative, `/`-separated): every finding located under one is
    /// suppressed, and stays in the JSON with the reason.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub ignore: Vec<Spanned<String>>,
    /// Rule ID → `off`, `error`, `warning` or `info`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Level>")]
    pub rules: BTreeMap<Spanned<String>, Spanned<Level>>,
    /// Per-path rule ignores.
    #[serde(default)]
    pub overrides: Vec<Override>,
    #[serde(default)]
    pub policy: PolicyFile,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Error,
    Warning,
    Info,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Override {
    /// Path globs the override applies to.
    #[schemars(with = "Vec<String>")]
    pub paths: Vec<Spanned<String>>,
    /// Rule IDs whose findings under `paths` are suppressed.
    #[schemars(with = "Vec<String>")]
    pub ignore: Vec<Spanned<String>>,
    /// Why: shown with every finding the override suppresses.
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyFile {
    /// Globs of workspace package directories for which a dependency declared only at the
    /// workspace root is fine: `deps/relies-on-hoisting` stays silent for them.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub root_dependencies: Vec<Spanned<String>>,
}

/// A mistake in the config file, at its line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A path glob, with where it is written (for the reason of what it suppresses).
#[derive(Debug, Clone)]
pub struct PathGlob {
    pub pattern: String,
    pub line: u32,
    matchers: Vec<GlobMatcher>,
}

impl PathGlob {
    pub fn matches(&self, path: &str) -> bool {
        self.matchers.iter().any(|m| m.is_match(path))
    }
}

#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub paths: Vec<PathGlob>,
    pub rules: Vec<String>,
    pub reason: String,
    pub line: u32,
}

/// Rule policy knobs, read by the rules they concern (never severity: that is applied after).
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub root_dependencies: Vec<PathGlob>,
}

/// The policy without a config file.
pub static NO_POLICY: Policy = Policy {
    root_dependencies: Vec::new(),
};

impl Policy {
    /// Whether root-declared dependencies are fine for the package in `dir` (`""` the root).
    pub fn root_dependencies_ok(&self, dir: &str) -> bool {
        self.root_dependencies.iter().any(|g| g.matches(dir))
    }
}

/// The configuration a scan runs with: the default (no file) or a checked file.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from, as given (`None`: no file, the defaults).
    pub path: Option<String>,
    pub severities: BTreeMap<String, Level>,
    pub ignore: Vec<PathGlob>,
    pub overrides: Vec<PathIgnore>,
    pub policy: Policy,
}

impl Config {
    /// The severity a rule's findings are reported at: `None` when the rule is off, `Some(None)`
    /// when the config leaves the rule's own severities alone.
    pub fn level(&self, rule: &str) -> Option<Option<Severity>> {
        match self.severities.get(rule) {
            None => Some(None),
            Some(Level::Off) => None,
            Some(Level::Error) => Some(Some(Severity::Error)),
            Some(Level::Warning) => Some(Some(Severity::Warning)),
            Some(Level::Info) => Some(Some(Severity::Info)),
        }
    }

    pub fn is_off(&self, rule: &str) -> bool {
        self.level(rule).is_none()
    }

    /// Reads `--config FILE` (which must exist) or, without one, `seaworthy.toml` at the root
    /// if there is one. A root file that is a link or not a regular file is refused: the
    /// config is read from the repository, and nothing outside it may be.
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not valid TOML, or says something seaworthy does not accept.
    pub fn find(root: &std::path::Path, explicit: Option<&str>) -> Result<Config, ConfigError> {
        let (path, shown) = match explicit {
            Some(p) => (std::path::PathBuf::from(p), p.to_string()),
            None => {
                let p = root.join(FILE_NAME);
                match std::fs::symlink_metadata(&p) {
                    Err(_) => return Ok(Config::default()),
                    Ok(m) if !m.file_type().is_file() => {
                        return Err(whole_file(
                            &p.to_string_lossy(),
                            "not a regular file (a link or a folder); pass --config to use it",
                        ));
                    }
                    Ok(_) => {}
                }
                let shown = p.to_string_lossy().into_owned();
                (p, shown)
            }
        };
        let size = std::fs::metadata(&path)
            .map_err(|e| whole_file(&shown, &format!("cannot read: {e}")))?
            .len();
        if size > MAX_CONFIG_BYTES {
            return Err(whole_file(
                &shown,
                &format!("{size} bytes is over the {MAX_CONFIG_BYTES}-byte limit"),
            ));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| whole_file(&shown, &format!("cannot read: {e}")))?;
        parse(&shown, &text)
    }
}

fn whole_file(path: &str, message: &str) -> ConfigError {
    ConfigError {
        path: path.to_string(),
        line: 1,
        column: 1,
        message: message.to_string(),
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Parses and checks a config file's text; `path` is how it is named in errors.
///
/// # Errors
///
/// The first mistake, at its line and column.
pub fn parse(path: &str, text: &str) -> Result<Config, ConfigError> {
    let at = |span: Range<usize>, message: String| {
        let (line, column) = line_column(text, span.start);
        ConfigError {
            path: path.to_string(),
            line,
            column,
            message,
        }
    };
    let file: ConfigFile = toml::from_str(text).map_err(|e| {
        // toml's message repeats the file excerpt; the first line says what is wrong.
        let message = e.message().trim().to_string();
        at(e.span().unwrap_or(0..0), message)
    })?;
    let line_of = |span: Range<usize>| u32::try_from(line_column(text, span.start).0).unwrap_or(0);
    let rule_id = |id: &Spanned<String>| -> Result<String, ConfigError> {
        let name = id.get_ref();
        if rules::find(name).is_some() || rules::suppression::find(name).is_some() {
            Ok(name.clone())
        } else {
            Err(at(id.span(), unknown_rule(name)))
        }
    };
    let glob = |g: &Spanned<String>| -> Result<PathGlob, ConfigError> {
        let pattern = g.get_ref().trim_start_matches("./").trim_end_matches('/');
        let compiled = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| {
                at(
                    g.span(),
                    format!("bad glob `{}`: {}", g.get_ref(), e.kind()),
                )
            })?;
        // `legacy/**` and `legacy` both mean the folder and all below it.
        let mut matchers = vec![compiled.compile_matcher()];
        if !pattern.ends_with("/**") {
            let below = Glob::new(&format!("{pattern}/**")).map_err(|e| {
                at(
                    g.span(),
                    format!("bad glob `{}`: {}", g.get_ref(), e.kind()),
                )
            })?;
            matchers.push(below.compile_matcher());
        }
        Ok(PathGlob {
            pattern: g.get_ref().clone(),
            line: line_of(g.span()),
            matchers,
        })
    };

    let mut config = Config {
        path: Some(path.to_string()),
        ..Config::default()
    };
    for (id, level) in &file.rules {
        let id = rule_id(id)?;
        if rules::suppression::find(&id).is_some() && *level.get_ref() == Level::Error {
            return Err(at(
                level.span(),
                format!("`{id}` can be off, warning or info, not error"),
            ));
        }
        config.severities.insert(id, *level.get_ref());
    }
    config.ignore = file.ignore.iter().map(glob).collect::<Result<_, _>>()?;
    for o in &file.overrides {
        if o.reason.trim().is_empty() {
            let span = o.paths.first().map_or(0..0, Spanned::span);
            return Err(at(span, "an override needs a reason".to_string()));
        }
        config.overrides.push(PathIgnore {
            paths: o.paths.iter().map(glob).collect::<Result<_, _>>()?,
            rules: o.ignore.iter().map(rule_id).collect::<Result<_, _>>()?,
            reason: o.reason.trim().to_string(),
            line: o.paths.first().map_or(0, |p| line_of(p.span())),
        });
    }
    config.policy.root_dependencies = file
        .policy
        .root_dependencies
        .iter()
        .map(glob)
        .collect::<Result<_, _>>()?;
    Ok(config)
}

fn unknown_rule(name: &str) -> String {
    let known = rules::REGISTRY
        .iter()
        .map(|r| r.meta().id)
        .chain(rules::suppression::RULES.iter().map(|m| m.id));
    // The closest ID by a plain edit distance, as cargo suggests a misspelt command.
    let closest = known
        .map(|id| {
            (
                crate::rules::docker::stage_name_unknown::distance(name, id),
                id,
            )
        })
        .filter(|(d, _)| *d <= 3)
        .min();
    match closest {
        Some((_, id)) => format!("no rule `{name}`; did you mean `{id}`?"),
        None => format!("no rule `{name}`; `seaworthy rules` lists them"),
    }
}

/// The JSON Schema of the config file, as committed in `schemas/config.schema.json`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(ConfigFile);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse("seaworthy.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn reads_every_section() {
        let config = parse(
            "seaworthy.toml",
            r#"
ignore = ["legacy/**", "vendor"]

[rules]
"deps/unused" = "off"
"docker/no-healthcheck" = "info"

[[overrides]]
paths = ["apps/admin/**"]
ignore = ["deps/relies-on-hoisting"]
reason = "run from the checkout only"

[policy]
root-dependencies = ["apps/web"]
"#,
        )
        .unwrap();
        assert!(config.is_off("deps/unused"));
        assert_eq!(
            config.level("docker/no-healthcheck"),
            Some(Some(Severity::Info))
        );
        assert_eq!(config.level("deps/undeclared"), Some(None));
        assert!(config.ignore[0].matches("legacy/a/b.ts"));
        assert!(config.ignore[1].matches("vendor/x.js"), "a bare folder");
        assert!(config.ignore[1].matches("vendor"));
        assert!(!config.ignore[1].matches("vendors/x.js"));
        assert_eq!(config.ignore[0].line, 2);
        assert!(config.overrides[0].paths[0].matches("apps/admin/src/main.ts"));
        assert_eq!(config.overrides[0].line, 9);
        assert!(config.policy.root_dependencies_ok("apps/web"));
        assert!(!config.policy.root_dependencies_ok("apps/api"));
    }

    #[test]
    fn mistakes_name_their_line_and_column() {
        assert_eq!(
            error("[rules]\n\"deps/undeclard\" = \"off\"\n"),
            "seaworthy.toml:2:1: no rule `deps/undeclard`; did you mean `deps/undeclared`?"
        );
        assert_eq!(
            error("[rules]\n\"deps/undeclared\" = \"loud\"\n"),
            "seaworthy.toml:2:21: unknown variant `loud`, expected one of `off`, `error`, `warning`, `info`"
        );
        let unknown = error("ignore = []\n[rulez]\n");
        assert!(
            unknown.starts_with("seaworthy.toml:2:2: unknown field `rulez`"),
            "{unknown}"
        );
        let bad_glob = error("ignore = [\"a/[b\"]\n");
        assert!(
            bad_glob.starts_with("seaworthy.toml:1:11: bad glob `a/[b`"),
            "{bad_glob}"
        );
        let syntax = error("[rules\n");
        assert!(syntax.starts_with("seaworthy.toml:1:"), "{syntax}");
        let no_reason =
            error("[[overrides]]\npaths = [\"a\"]\nignore = [\"deps/unused\"]\nreason = \" \"\n");
        assert_eq!(no_reason, "seaworthy.toml:2:10: an override needs a reason");
        let policy = error("[policy]\nroot-deps = []\n");
        assert!(
            policy.starts_with("seaworthy.toml:2:1: unknown field `root-deps`"),
            "{policy}"
        );
    }

    #[test]
    fn an_empty_file_is_the_default() {
        let config = parse("seaworthy.toml", "").unwrap();
        assert!(config.severities.is_empty() && config.ignore.is_empty());
    }

    #[test]
    fn the_committed_config_schema_is_current() {
        let committed = include_str!("../schemas/config.schema.json");
        if std::env::var_os("SEAWORTHY_UPDATE_SCHEMA").is_some() {
            std::fs::write(
                concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/config.schema.json"),
                schema(),
            )
            .unwrap();
            return;
        }
        assert_eq!(
            committed,
            schema(),
            "run SEAWORTHY_UPDATE_SCHEMA=1 cargo test --lib config"
        );
    }
}
