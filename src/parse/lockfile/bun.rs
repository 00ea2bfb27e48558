//! Bun's text lockfile, `bun.lock` (Bun 1.2 and later; `lockfileVersion` 0 to 2). It is JSONC:
//! JSON with trailing commas, read with the shared JSONC helper, which keeps the byte range of
//! every member, so each workspace and package entry keeps its line.
//!
//! Checked against lockfiles written by Bun 1.4.5:
//!
//! ```text
//! "workspaces": { "": { "name": "acme", "dependencies": { "ms": "^2.0.0" } },
//!                 "apps/api": { "name": "api", "version": "1.0.0", … } },
//! "trustedDependencies": ["esbuild"],
//! "packages": {
//!   "api": ["api@workspace:apps/api"],
//!   "ms": ["ms@2.1.3", "", {}, "sha512-…"],
//!   "debug/ms": ["ms@2.0.0", "", {}, "sha512-…"],
//!   "@acme/api/debug": ["debug@4.3.4", "", { "dependencies": { "ms": "2.1.2" } }, "sha512-…"],
//! }
//! ```
//!
//! `packages` keys are placements in Bun's hoisted tree: package names joined by `/` (a scoped
//! name is two parts), each level nested inside the one before it. A first level that is a
//! workspace package's name (`@acme/api/debug`) means the workspace's own `node_modules`;
//! otherwise the first level is the install root's `node_modules`. Workspaces are keyed by
//! their name, never by their path; the root workspace has no entry.
//!
//! Values are arrays whose first element is `name@reference`: `ms@2.1.3` (npm, then the
//! registry, `""` for the default, the dependency object and the integrity),
//! `api@workspace:apps/api` (nothing else), `x@file:lp`, `x@link:…`, `x@github:…` and
//! tarballs (the dependency object next). Entries that do not have this shape are skipped.

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;

use crate::parse::ParseError;
use crate::parse::json::{self, Dialect, Spans};

/// Keys nested deeper than this are not entries Bun writes (real trees stay under a dozen
/// levels); they are skipped so that resolving from them stays cheap.
const MAX_KEY_DEPTH: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BunWorkspace {
    /// Relative to the lockfile's directory: `""` for the root, `apps/api`.
    pub path: String,
    pub line: u32,
    pub name: Option<String>,
    pub version: Option<String>,
    pub dependencies: Vec<(String, String)>,
    pub dev_dependencies: Vec<(String, String)>,
    pub optional_dependencies: Vec<(String, String)>,
    pub peer_dependencies: Vec<(String, String)>,
}

impl BunWorkspace {
    /// Whether the workspace declares `name` in any dependency field.
    pub fn declares(&self, name: &str) -> bool {
        [
            &self.dependencies,
            &self.dev_dependencies,
            &self.optional_dependencies,
            &self.peer_dependencies,
        ]
        .iter()
        .any(|deps| deps.iter().any(|(n, _)| n == name))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BunPackage {
    /// The placement key: `ms`, `debug/ms`, `@acme/api/debug`.
    pub key: String,
    pub line: u32,
    pub name: String,
    /// What follows the name: a version (`2.1.3`) or a protocol (`workspace:apps/api`,
    /// `file:lp`, `github:user/repo#…`).
    pub reference: String,
    /// The registry of an npm package (`""` for the default one).
    pub registry: Option<String>,
    pub integrity: Option<String>,
    pub dependencies: Vec<(String, String)>,
    pub optional_dependencies: Vec<(String, String)>,
    pub peer_dependencies: Vec<(String, String)>,
    /// Peers listed in `optionalPeers`.
    pub optional_peers: Vec<String>,
    pub os: Vec<String>,
    pub cpu: Vec<String>,
}

impl BunPackage {
    /// The workspace path of a workspace package (`api@workspace:apps/api` → `apps/api`).
    pub fn workspace_path(&self) -> Option<&str> {
        self.reference.strip_prefix("workspace:")
    }

    /// A version, for registry packages (a reference without a protocol).
    pub fn version(&self) -> Option<&str> {
        (!self.reference.contains(':')).then_some(self.reference.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BunLockfile {
    pub path: String,
    pub lockfile_version: u32,
    pub version_line: u32,
    /// `configVersion`: 0 when absent (projects created before Bun 1.3.2). With 1, a project
    /// with workspaces installs with the isolated linker by default.
    pub config_version: u32,
    /// Sorted by path; the root is `""`.
    pub workspaces: Vec<BunWorkspace>,
    /// Sorted by key.
    pub packages: Vec<BunPackage>,
    /// The dependencies whose lifecycle scripts Bun runs (it runs no dependency's scripts
    /// otherwise, except those on its built-in allow list, which is not replayed here).
    pub trusted_dependencies: Vec<String>,
    pub overrides: Vec<(String, String)>,
    /// `name@version` → patch file.
    pub patched_dependencies: Vec<(String, String)>,
}

impl BunLockfile {
    pub fn package(&self, key: &str) -> Option<&BunPackage> {
        self.package_index(key).map(|i| &self.packages[i])
    }

    pub fn package_index(&self, key: &str) -> Option<usize> {
        self.packages
            .binary_search_by(|p| p.key.as_str().cmp(key))
            .ok()
    }

    /// The workspace at `path` (`""` for the root).
    pub fn workspace(&self, path: &str) -> Option<&BunWorkspace> {
        self.workspaces
            .binary_search_by(|w| w.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.workspaces[i])
    }

    /// The key that places the workspace at `path` in the tree: its package entry's key, `""`
    /// for the root (which has none).
    pub fn workspace_key(&self, path: &str) -> Option<&str> {
        if path.is_empty() {
            return Some("");
        }
        self.packages
            .iter()
            .find(|p| p.workspace_path() == Some(path))
            .map(|p| p.key.as_str())
    }

    /// Resolves `name` from the package placed at `from` (`""` for the root) as Node does in
    /// Bun's hoisted tree: `from/name`, then each enclosing level's, then the root's `name`.
    pub fn resolve(&self, from: &str, name: &str) -> Option<&BunPackage> {
        let mut levels = key_levels(from);
        loop {
            let mut candidate = levels.join("/");
            if !candidate.is_empty() {
                candidate.push('/');
            }
            candidate.push_str(name);
            if let Some(found) = self.package(&candidate) {
                return Some(found);
            }
            levels.pop()?;
        }
    }

    /// The folder the package placed at `key` has under the hoisted linker, relative to the
    /// lockfile: `node_modules/debug/node_modules/ms`, `apps/api/node_modules/debug`.
    pub fn hoisted_folder(&self, key: &str) -> String {
        let levels = key_levels(key);
        let mut out = String::new();
        for (i, level) in levels.iter().enumerate() {
            let workspace = (i == 0 && levels.len() > 1)
                .then(|| self.package(level).and_then(BunPackage::workspace_path))
                .flatten();
            match workspace {
                Some(path) => out.push_str(path),
                None => {
                    if !out.is_empty() {
                        out.push('/');
                    }
                    out.push_str("node_modules/");
                    out.push_str(level);
                }
            }
        }
        out
    }

    /// Whether installs use Bun's isolated linker by default: `configVersion` 1 with
    /// workspaces. `bunfig.toml`'s `install.linker` and `--linker` can choose otherwise and
    /// are not read.
    pub fn isolated(&self) -> bool {
        self.config_version >= 1 && self.workspaces.iter().any(|w| !w.path.is_empty())
    }
}

/// The levels of a placement key: `@a/b/c/@d/e` → `["@a/b", "c", "@d/e"]`.
pub fn key_levels(key: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = key;
    while !rest.is_empty() {
        let mut end = rest.find('/').unwrap_or(rest.len());
        if rest.starts_with('@') && end < rest.len() {
            end = rest[end + 1..]
                .find('/')
                .map_or(rest.len(), |e| end + 1 + e);
        }
        out.push(&rest[..end]);
        rest = rest.get(end + 1..).unwrap_or("");
    }
    out
}

pub fn parse(path: &str, text: &str) -> Result<BunLockfile, ParseError> {
    let value = json::parse(text, Dialect::Jsonc)?;
    let Value::Object(root) = &value else {
        return Err(ParseError::new("a lockfile must contain a JSON object"));
    };
    let spans = Spans::new(text);
    let line_of = |range: jsonc_parser::common::Range| spans.of(range).line;
    let mut lock = BunLockfile {
        path: path.to_string(),
        version_line: 1,
        ..BunLockfile::default()
    };
    for prop in &root.properties {
        match prop.name.as_str() {
            "lockfileVersion" => {
                lock.version_line = line_of(prop.range());
                lock.lockfile_version = number(&prop.value).ok_or_else(|| {
                    ParseError::new("`lockfileVersion` must be a number").at(lock.version_line, 1)
                })?;
            }
            "configVersion" => lock.config_version = number(&prop.value).unwrap_or(0),
            "workspaces" => {
                for (ws_path, ws) in members(&prop.value) {
                    let Value::Object(fields) = ws else {
                        continue;
                    };
                    lock.workspaces.push(BunWorkspace {
                        path: ws_path.to_string(),
                        line: line_of(ws.range()),
                        name: string_field(fields, "name"),
                        version: string_field(fields, "version"),
                        dependencies: string_map(fields.get("dependencies").map(|p| &p.value)),
                        dev_dependencies: string_map(
                            fields.get("devDependencies").map(|p| &p.value),
                        ),
                        optional_dependencies: string_map(
                            fields.get("optionalDependencies").map(|p| &p.value),
                        ),
                        peer_dependencies: string_map(
                            fields.get("peerDependencies").map(|p| &p.value),
                        ),
                    });
                }
            }
            "packages" => {
                if let Value::Object(packages) = &prop.value {
                    for entry in &packages.properties {
                        let key = entry.name.as_str();
                        if key.is_empty() || key_levels(key).len() > MAX_KEY_DEPTH {
                            continue;
                        }
                        if let Some(package) = package(key, line_of(entry.range()), &entry.value) {
                            lock.packages.push(package);
                        }
                    }
                }
            }
            "trustedDependencies" => lock.trusted_dependencies = strings(&prop.value),
            "overrides" => lock.overrides = string_map(Some(&prop.value)),
            "patchedDependencies" => lock.patched_dependencies = string_map(Some(&prop.value)),
            _ => {}
        }
    }
    if !root
        .properties
        .iter()
        .any(|p| p.name.as_str() == "lockfileVersion")
    {
        return Err(ParseError::new("not a bun.lock: no `lockfileVersion`"));
    }
    // Duplicate keys: the last one wins, as in JSON.parse.
    lock.workspaces.reverse();
    lock.workspaces.sort_by(|a, b| a.path.cmp(&b.path));
    lock.workspaces.dedup_by(|a, b| a.path == b.path);
    lock.packages.reverse();
    lock.packages.sort_by(|a, b| a.key.cmp(&b.key));
    lock.packages.dedup_by(|a, b| a.key == b.key);
    Ok(lock)
}

fn package(key: &str, line: u32, value: &Value<'_>) -> Option<BunPackage> {
    let Value::Array(array) = value else {
        return None;
    };
    let mut elements = array.elements.iter();
    let descriptor = json::as_str(elements.next()?)?;
    let (name, reference) = super::split_name(descriptor)?;
    let mut out = BunPackage {
        key: key.to_string(),
        line,
        name: name.to_string(),
        reference: reference.to_string(),
        ..BunPackage::default()
    };
    let mut info = None;
    for element in elements {
        match element {
            Value::Object(o) if info.is_none() => info = Some(o),
            Value::StringLit(s) if info.is_none() && out.registry.is_none() => {
                out.registry = Some(s.value.to_string());
            }
            Value::StringLit(s) if info.is_some() && out.integrity.is_none() => {
                out.integrity = Some(s.value.to_string());
            }
            _ => {}
        }
    }
    if let Some(info) = info {
        let field = |k: &str| info.get(k).map(|p| &p.value);
        out.dependencies = string_map(field("dependencies"));
        out.optional_dependencies = string_map(field("optionalDependencies"));
        out.peer_dependencies = string_map(field("peerDependencies"));
        out.optional_peers = field("optionalPeers").map(strings).unwrap_or_default();
        // `os` and `cpu` are a string or a list.
        let list = |v: Option<&Value<'_>>| match v {
            Some(Value::StringLit(s)) => vec![s.value.to_string()],
            Some(v) => strings(v),
            None => Vec::new(),
        };
        out.os = list(field("os"));
        out.cpu = list(field("cpu"));
    }
    Some(out)
}

fn number(value: &Value<'_>) -> Option<u32> {
    match value {
        Value::NumberLit(n) => n.value.parse().ok(),
        _ => None,
    }
}

fn string_field(object: &Object<'_>, key: &str) -> Option<String> {
    object
        .get(key)
        .and_then(|p| json::as_str(&p.value))
        .map(str::to_string)
}

fn members<'v>(value: &'v Value<'v>) -> impl Iterator<Item = (&'v str, &'v Value<'v>)> + 'v {
    let object = match value {
        Value::Object(o) => Some(o),
        _ => None,
    };
    object.into_iter().flat_map(json::string_entries)
}

/// `name: "string"` members, in file order; other values are skipped.
fn string_map(value: Option<&Value<'_>>) -> Vec<(String, String)> {
    let Some(Value::Object(object)) = value else {
        return Vec::new();
    };
    object
        .properties
        .iter()
        .filter_map(|p| {
            Some((
                p.name.as_str().to_string(),
                json::as_str(&p.value)?.to_string(),
            ))
        })
        .collect()
}

fn strings(value: &Value<'_>) -> Vec<String> {
    match value {
        Value::Array(a) => a
            .elements
            .iter()
            .filter_map(|e| json::as_str(e).map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape Bun 1.4.5 writes (trailing commas, blank lines between packages).
    const LOCK: &str = r#"{
  "lockfileVersion": 1,
  "configVersion": 1,
  "workspaces": {
    "": {
      "name": "acme",
      "dependencies": {
        "ms": "^2.0.0",
      },
    },
    "apps/api": {
      "name": "@acme/api",
      "version": "1.0.0",
      "dependencies": {
        "@acme/shared": "workspace:*",
        "debug": "4.3.4",
      },
    },
    "packages/shared": {
      "name": "@acme/shared",
      "dependencies": {
        "@types/ms": "0.7.34",
      },
      "peerDependencies": {
        "ms": "*",
      },
    },
  },
  "trustedDependencies": [
    "esbuild",
  ],
  "overrides": {
    "bytes": "3.1.2",
  },
  "packages": {
    "@acme/api": ["@acme/api@workspace:apps/api"],

    "@acme/shared": ["@acme/shared@workspace:packages/shared"],

    "@types/ms": ["@types/ms@0.7.31", "", {}, "sha512-a"],

    "lp": ["lp@file:lp", {}],

    "ms": ["ms@2.0.0", "", {}, "sha512-b"],

    "@acme/api/debug": ["debug@4.3.4", "", { "dependencies": { "ms": "2.1.2" }, "peerDependencies": { "supports-color": "*" }, "optionalPeers": ["supports-color"], "os": "linux" }, "sha512-c"],

    "@acme/shared/@types/ms": ["@types/ms@0.7.34", "", {}, "sha512-d"],

    "@acme/api/debug/ms": ["ms@2.1.2", "", {}, "sha512-e"],
  }
}
"#;

    #[test]
    fn splits_keys_into_levels() {
        assert_eq!(key_levels("ms"), vec!["ms"]);
        assert_eq!(key_levels("debug/ms"), vec!["debug", "ms"]);
        assert_eq!(
            key_levels("@acme/api/debug/@types/ms"),
            vec!["@acme/api", "debug", "@types/ms"]
        );
        assert_eq!(key_levels("@scope"), vec!["@scope"]);
        assert_eq!(key_levels(""), Vec::<&str>::new());
        assert_eq!(key_levels("a//b"), vec!["a", "", "b"]);
    }

    #[test]
    fn reads_workspaces_packages_and_settings() -> Result<(), Box<dyn std::error::Error>> {
        let lock = parse("bun.lock", LOCK)?;
        assert_eq!((lock.lockfile_version, lock.version_line), (1, 2));
        assert_eq!(lock.config_version, 1);
        assert!(lock.isolated());
        let paths: Vec<_> = lock.workspaces.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(paths, ["", "apps/api", "packages/shared"]);
        let api = lock.workspace("apps/api").ok_or("no api")?;
        assert_eq!((api.line, api.name.as_deref()), (11, Some("@acme/api")));
        assert!(api.declares("debug") && !api.declares("ms"));
        let shared = lock.workspace("packages/shared").ok_or("no shared")?;
        assert_eq!(shared.peer_dependencies, [("ms".into(), "*".into())]);
        assert_eq!(lock.trusted_dependencies, ["esbuild"]);
        assert_eq!(lock.overrides, [("bytes".into(), "3.1.2".into())]);

        let debug = lock.package("@acme/api/debug").ok_or("no debug")?;
        assert_eq!(debug.line, 46);
        assert_eq!(
            (debug.name.as_str(), debug.version()),
            ("debug", Some("4.3.4"))
        );
        assert_eq!(debug.registry.as_deref(), Some(""));
        assert_eq!(debug.integrity.as_deref(), Some("sha512-c"));
        assert_eq!(debug.dependencies, [("ms".into(), "2.1.2".into())]);
        assert_eq!(debug.optional_peers, ["supports-color"]);
        assert_eq!(debug.os, ["linux"]);
        let ws = lock.package("@acme/api").ok_or("no ws")?;
        assert_eq!(
            (ws.workspace_path(), ws.version()),
            (Some("apps/api"), None)
        );
        let local = lock.package("lp").ok_or("no lp")?;
        assert_eq!(
            (local.reference.as_str(), local.registry.as_deref()),
            ("file:lp", None)
        );
        Ok(())
    }

    #[test]
    fn resolves_nearest_placement_first() -> Result<(), Box<dyn std::error::Error>> {
        let lock = parse("bun.lock", LOCK)?;
        let at = |from, name| lock.resolve(from, name).map(|p| p.key.as_str());
        assert_eq!(at("", "ms"), Some("ms"));
        assert_eq!(at("@acme/api", "debug"), Some("@acme/api/debug"));
        assert_eq!(at("@acme/api/debug", "ms"), Some("@acme/api/debug/ms"));
        assert_eq!(at("@acme/api", "ms"), Some("ms"));
        assert_eq!(
            at("@acme/shared", "@types/ms"),
            Some("@acme/shared/@types/ms")
        );
        assert_eq!(at("", "@types/ms"), Some("@types/ms"));
        assert_eq!(at("", "debug"), None);
        assert_eq!(lock.workspace_key("apps/api"), Some("@acme/api"));
        assert_eq!(lock.workspace_key(""), Some(""));
        assert_eq!(lock.workspace_key("gone"), None);
        Ok(())
    }

    #[test]
    fn hoisted_folders_follow_the_tree() -> Result<(), Box<dyn std::error::Error>> {
        let lock = parse("bun.lock", LOCK)?;
        assert_eq!(lock.hoisted_folder("ms"), "node_modules/ms");
        assert_eq!(
            lock.hoisted_folder("@acme/api/debug/ms"),
            "apps/api/node_modules/debug/node_modules/ms"
        );
        assert_eq!(
            lock.hoisted_folder("@acme/shared/@types/ms"),
            "packages/shared/node_modules/@types/ms"
        );
        assert_eq!(lock.hoisted_folder("@acme/api"), "node_modules/@acme/api");
        assert_eq!(
            lock.hoisted_folder("ms/x"),
            "node_modules/ms/node_modules/x"
        );
        Ok(())
    }

    #[test]
    fn malformed_input_is_an_error_or_skipped() {
        assert!(parse("bun.lock", "").is_err());
        assert!(parse("bun.lock", "[]").is_err());
        assert!(parse("bun.lock", "{").is_err());
        assert!(parse("bun.lock", "{}").is_err());
        assert!(parse("bun.lock", r#"{"lockfileVersion": "x"}"#).is_err());
        let err = parse(
            "bun.lock",
            "{\n  \"lockfileVersion\": 1,\n  \"packages\": { \"a\" }\n}",
        );
        assert!(err.is_err_and(|e| e.to_string().contains('3')));
        // Entries of the wrong shape are skipped, not fatal.
        let text = r#"{"lockfileVersion": 1, "configVersion": "?", "workspaces": [1],
            "packages": {"": ["x@1"], "a": 1, "b": [], "c": [2], "d": ["nameless"],
            "e": ["e@1", 3, [], "x"], "f": ["f@1", {"dependencies": [1], "os": 3}]},
            "trustedDependencies": {"a": 1}, "overrides": [] }"#;
        let lock = parse("bun.lock", text).unwrap_or_default();
        let keys: Vec<_> = lock.packages.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["e", "f"]);
        assert!(lock.workspaces.is_empty() && lock.trusted_dependencies.is_empty());
        assert_eq!(lock.config_version, 0);
        // Keys deeper than any tree Bun writes are skipped.
        let deep = vec!["a"; MAX_KEY_DEPTH + 1].join("/");
        let text = format!(r#"{{"lockfileVersion": 1, "packages": {{"{deep}": ["a@1"]}}}}"#);
        assert!(parse("bun.lock", &text).is_ok_and(|l| l.packages.is_empty()));
    }

    #[test]
    fn lines_count_carriage_returns_and_duplicates_keep_the_last()
    -> Result<(), Box<dyn std::error::Error>> {
        for eol in ["\r", "\r\n"] {
            let lock = parse("bun.lock", &LOCK.replace('\n', eol))?;
            assert_eq!(lock.package("@acme/api/debug").map(|p| p.line), Some(46));
        }
        let text =
            "{\"lockfileVersion\": 1, \"packages\": {\"ms\": [\"ms@1\"], \"ms\": [\"ms@2\"]}}";
        let lock = parse("bun.lock", text)?;
        assert_eq!(lock.packages.len(), 1);
        assert_eq!(lock.packages[0].reference, "2");
        Ok(())
    }
}
