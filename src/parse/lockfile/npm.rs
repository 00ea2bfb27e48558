//! `package-lock.json` and `npm-shrinkwrap.json`. Versions 2 and 3 are read from `packages`,
//! keyed by install location (`""` for the root, `packages/api` for a workspace,
//! `node_modules/a/node_modules/b` for a nested copy). Version 1 (npm 5 and 6) only records its
//! version: npm 7+ rebuilds its tree from the registry, so there is nothing exact to check.
//!
//! `serde_json` reads the structure (several times faster than a positional AST on a
//! multi-megabyte lockfile); the line of each entry comes from one pass over the text, which npm
//! always writes with two-space indentation, so every `packages` key sits on a line of its own.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::parse::ParseError;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NpmEntry {
    /// The install location: `""`, `node_modules/a`, `packages/api/node_modules/b`.
    pub location: String,
    pub line: u32,
    /// `name` when recorded (aliases, workspaces, the root); otherwise see [`NpmEntry::name`].
    pub declared_name: Option<String>,
    pub version: Option<String>,
    pub resolved: Option<String>,
    pub link: bool,
    pub dev: bool,
    pub optional: bool,
    pub dev_optional: bool,
    pub peer: bool,
    pub extraneous: bool,
    pub in_bundle: bool,
    pub has_install_script: bool,
    pub dependencies: Vec<(String, String)>,
    pub optional_dependencies: Vec<(String, String)>,
    pub dev_dependencies: Vec<(String, String)>,
    pub peer_dependencies: Vec<(String, String)>,
    /// Peers marked `peerDependenciesMeta.<name>.optional`.
    pub optional_peers: Vec<String>,
    pub bundle_dependencies: Vec<String>,
    /// The command names of its `bin` map.
    pub bins: Vec<String>,
}

impl NpmEntry {
    /// The package name: the recorded `name`, else the last `node_modules/` segment.
    pub fn name(&self) -> &str {
        if let Some(name) = &self.declared_name {
            return name;
        }
        self.folder_name()
    }

    /// The name the package is installed under (its folder), which differs from
    /// [`NpmEntry::name`] for aliases (`"x": "npm:y@1"` installs `y` in `node_modules/x`).
    pub fn folder_name(&self) -> &str {
        match self.location.rfind("node_modules/") {
            Some(i) => &self.location[i + "node_modules/".len()..],
            None => &self.location,
        }
    }

    /// Whether this entry is installed in a `node_modules` folder (not a workspace or the root).
    pub fn is_installed(&self) -> bool {
        self.location.contains("node_modules/")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NpmLockfile {
    pub path: String,
    pub lockfile_version: u32,
    pub version_line: u32,
    pub name: Option<String>,
    /// Sorted by location.
    pub entries: Vec<NpmEntry>,
    /// Locations by hash, built at the first lookup: resolving every edge of a large lockfile
    /// walks up several `node_modules` levels per edge, and binary searches over locations
    /// sharing long prefixes were a tenth of a warm scan of amplication.
    #[serde(skip)]
    pub index: super::KeyIndex,
}

impl NpmLockfile {
    pub fn entry(&self, location: &str) -> Option<&NpmEntry> {
        self.index
            .find(&self.entries, location, |e| &e.location, true)
            .map(|i| &self.entries[i])
    }

    /// Resolves `name` as Node does from the package installed at `from`: the nearest
    /// `node_modules/name` walking up the locations, the way npm's arborist resolves an edge
    /// inside the lockfile's tree. Workspace folders (`packages/api`) continue at the nearest
    /// ancestor folder that is an entry, and finally the root.
    pub fn resolve(&self, from: &str, name: &str) -> Option<&NpmEntry> {
        let mut at = from;
        let mut candidate = String::with_capacity(from.len() + name.len() + 14);
        loop {
            candidate.clear();
            if !at.is_empty() {
                candidate.push_str(at);
                candidate.push('/');
            }
            candidate.push_str("node_modules/");
            candidate.push_str(name);
            if let Some(entry) = self.entry(&candidate) {
                return Some(entry);
            }
            if at.is_empty() {
                return None;
            }
            at = self.parent_of(at);
        }
    }

    /// The location whose `node_modules` the package at `location` falls back on.
    pub fn parent_location(&self, location: &str) -> String {
        self.parent_of(location).to_string()
    }

    fn parent_of<'a>(&self, location: &'a str) -> &'a str {
        if let Some(i) = location.rfind("/node_modules/") {
            return &location[..i];
        }
        if location.starts_with("node_modules/") {
            return "";
        }
        // A folder outside node_modules (a workspace): its nearest ancestor entry, else the root.
        let mut dir = location;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if self.entry(parent).is_some() {
                return parent;
            }
            dir = parent;
        }
        ""
    }

    /// The entry a link points at (`node_modules/api` → `packages/api`), or the entry itself.
    pub fn target<'a>(&'a self, entry: &'a NpmEntry) -> &'a NpmEntry {
        if !entry.link {
            return entry;
        }
        entry
            .resolved
            .as_deref()
            .and_then(|r| self.entry(r))
            .unwrap_or(entry)
    }
}

pub fn parse(path: &str, text: &str) -> Result<NpmLockfile, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root: Value = serde_json::from_str(text).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        let error = ParseError::new(format!("invalid JSON: {e}"));
        // serde_json counts lines from 1 and columns from 1 (0 when the error is at a line end).
        match (u32::try_from(line), u32::try_from(column.max(1))) {
            (Ok(line), Ok(column)) if line > 0 => error.at(line, column),
            _ => error,
        }
    })?;
    let Value::Object(root) = root else {
        return Err(ParseError::new("a lockfile must contain a JSON object"));
    };
    let lockfile_version = root
        .get("lockfileVersion")
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(1);
    let lines = key_lines(text);
    let mut lock = NpmLockfile {
        path: path.to_string(),
        lockfile_version,
        version_line: lines.version_line,
        name: root.get("name").and_then(Value::as_str).map(str::to_string),
        entries: Vec::new(),
        index: super::KeyIndex::default(),
    };
    if let Some(Value::Object(packages)) = root.get("packages") {
        for (location, value) in packages {
            let Value::Object(fields) = value else {
                continue;
            };
            let line = lines.entries.get(location.as_str()).copied().unwrap_or(1);
            lock.entries.push(entry(location, line, fields));
        }
    }
    lock.entries.sort_by(|a, b| a.location.cmp(&b.location));
    Ok(lock)
}

fn entry(location: &str, line: u32, fields: &Map<String, Value>) -> NpmEntry {
    let text = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_string);
    let flag = |k: &str| fields.get(k).and_then(Value::as_bool).unwrap_or(false);
    let deps = |k: &str| -> Vec<(String, String)> {
        match fields.get(k) {
            Some(Value::Object(map)) => map
                .iter()
                .filter_map(|(n, v)| Some((n.clone(), v.as_str()?.to_string())))
                .collect(),
            _ => Vec::new(),
        }
    };
    let optional_peers = match fields.get("peerDependenciesMeta") {
        Some(Value::Object(meta)) => meta
            .iter()
            .filter(|(_, v)| v.get("optional").and_then(Value::as_bool) == Some(true))
            .map(|(n, _)| n.clone())
            .collect(),
        _ => Vec::new(),
    };
    let bundle_dependencies = match fields
        .get("bundleDependencies")
        .or_else(|| fields.get("bundledDependencies"))
    {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    let bins = match fields.get("bin") {
        Some(Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    NpmEntry {
        bins,
        location: location.to_string(),
        line,
        declared_name: text("name"),
        version: text("version"),
        resolved: text("resolved"),
        link: flag("link"),
        dev: flag("dev"),
        optional: flag("optional"),
        dev_optional: flag("devOptional"),
        peer: flag("peer"),
        extraneous: flag("extraneous"),
        in_bundle: flag("inBundle"),
        has_install_script: flag("hasInstallScript"),
        dependencies: deps("dependencies"),
        optional_dependencies: deps("optionalDependencies"),
        dev_dependencies: deps("devDependencies"),
        peer_dependencies: deps("peerDependencies"),
        optional_peers,
        bundle_dependencies,
    }
}

struct KeyLines<'a> {
    version_line: u32,
    entries: BTreeMap<&'a str, u32>,
}

/// Lines of the `packages` keys (`    "node_modules/a": {`) and of `lockfileVersion`.
fn key_lines(text: &str) -> KeyLines<'_> {
    let mut out = KeyLines {
        version_line: 1,
        entries: BTreeMap::new(),
    };
    let mut in_packages = false;
    for (i, line) in crate::source::lines(text).enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.starts_with("  \"lockfileVersion\"") {
            out.version_line = number;
        } else if line.starts_with("  \"packages\"") {
            in_packages = true;
        } else if line.starts_with("  \"") {
            in_packages = false;
        } else if in_packages
            && let Some(rest) = line.strip_prefix("    \"")
            && let Some(end) = rest.find("\": {")
        {
            // Locations are paths; npm never needs to escape them.
            out.entries.insert(&rest[..end], number);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
  "name": "acme",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "acme",
      "workspaces": ["packages/*"],
      "dependencies": { "ms": "^2.1.0" }
    },
    "node_modules/api": {
      "resolved": "packages/api",
      "link": true
    },
    "node_modules/ms": {
      "version": "2.1.3",
      "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz"
    },
    "node_modules/x": {
      "name": "y",
      "version": "1.0.0",
      "hasInstallScript": true,
      "dev": true,
      "dependencies": { "ms": "2.0.0" },
      "peerDependencies": { "z": "^1" },
      "peerDependenciesMeta": { "z": { "optional": true } }
    },
    "node_modules/x/node_modules/ms": {
      "version": "2.0.0"
    },
    "packages/api": {
      "name": "api",
      "version": "1.0.0",
      "dependencies": { "ms": "^2.0.0" }
    },
    "packages/api/node_modules/ms": {
      "version": "2.0.0"
    }
  }
}
"#;

    #[test]
    fn reads_entries_with_lines_and_flags() -> Result<(), Box<dyn std::error::Error>> {
        let lock = parse("package-lock.json", LOCK)?;
        assert_eq!(lock.lockfile_version, 3);
        assert_eq!(lock.version_line, 3);
        let x = lock.entry("node_modules/x").ok_or("missing value")?;
        assert_eq!(x.line, 19);
        assert_eq!(x.name(), "y");
        assert_eq!(x.folder_name(), "x");
        assert!(x.has_install_script && x.dev);
        assert_eq!(x.optional_peers, vec!["z".to_string()]);
        let link = lock.entry("node_modules/api").ok_or("missing value")?;
        assert_eq!(lock.target(link).location, "packages/api");
        Ok(())
    }

    #[test]
    fn resolves_by_walking_up_node_modules() -> Result<(), Box<dyn std::error::Error>> {
        let lock = parse("package-lock.json", LOCK)?;
        let at = |from, name| lock.resolve(from, name).map(|e| e.location.as_str());
        assert_eq!(
            at("node_modules/x", "ms"),
            Some("node_modules/x/node_modules/ms")
        );
        assert_eq!(at("", "ms"), Some("node_modules/ms"));
        assert_eq!(
            at("packages/api", "ms"),
            Some("packages/api/node_modules/ms")
        );
        assert_eq!(
            at("packages/api/node_modules/ms", "x"),
            Some("node_modules/x")
        );
        assert_eq!(at("node_modules/x/node_modules/ms", "nope"), None);
        Ok(())
    }

    #[test]
    fn v1_lockfiles_have_no_entries() -> Result<(), Box<dyn std::error::Error>> {
        let lock = parse(
            "package-lock.json",
            "{\"lockfileVersion\": 1, \"dependencies\": {}}",
        )?;
        assert_eq!(lock.lockfile_version, 1);
        assert!(lock.entries.is_empty());
        assert!(parse("package-lock.json", "[").is_err());
        Ok(())
    }

    #[test]
    fn entry_lines_count_a_lone_carriage_return() -> Result<(), Box<dyn std::error::Error>> {
        for eol in ["\r", "\r\n"] {
            let text = LOCK.replace('\n', eol);
            let lock = parse("package-lock.json", &text)?;
            assert_eq!(lock.version_line, 3, "{eol:?}");
            assert_eq!(
                lock.entry("node_modules/x").ok_or("missing value")?.line,
                19
            );
        }
        Ok(())
    }
}
