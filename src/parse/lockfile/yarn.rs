//! `yarn.lock`: yarn v1's own format (`"name@range", "name@range2":` blocks of `key "value"`
//! lines) and yarn berry's YAML (`__metadata`, `"name@npm:range":` entries with `resolution`,
//! and workspace entries `"name@workspace:path"` listing the workspace's dependencies). An entry
//! answers every descriptor in its key.

use super::lines::{self, Line, split_yarn_keys};
use super::{child, children, split_name, string_map};
use crate::parse::ParseError;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct YarnEntry {
    /// The descriptors this entry resolves: `ms@^2.1.0` (v1), `ms@npm:^2.1.0` (berry).
    pub descriptors: Vec<String>,
    pub line: u32,
    pub version: String,
    /// Berry's `resolution` (`ms@npm:2.1.3`, `api@workspace:packages/api`); v1's `resolved` URL.
    pub resolution: Option<String>,
    pub dependencies: Vec<(String, String)>,
    pub optional_dependencies: Vec<(String, String)>,
    pub peer_dependencies: Vec<(String, String)>,
    /// Berry: `dependenciesMeta.<name>.optional` and the like, flattened to `name` → field.
    pub dependencies_meta: Vec<(String, String, String)>,
    /// Berry: `linkType: soft` for workspaces and links.
    pub link_type: Option<String>,
}

impl YarnEntry {
    /// The package name, from the first descriptor.
    pub fn name(&self) -> &str {
        self.descriptors
            .first()
            .and_then(|d| split_name(d))
            .map_or("", |(name, _)| name)
    }

    /// For a berry workspace entry, its path relative to the lockfile (`.` for the root).
    pub fn workspace_path(&self) -> Option<&str> {
        self.resolution
            .as_deref()
            .and_then(|r| split_name(r))
            .and_then(|(_, range)| range.strip_prefix("workspace:"))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct YarnLockfile {
    pub path: String,
    /// Berry (`__metadata` present) rather than v1.
    pub berry: bool,
    /// Berry's `__metadata.version` (lockfile format: 4 for yarn 2, 6 for yarn 3, 8 for yarn 4).
    pub metadata_version: Option<String>,
    pub metadata_line: u32,
    pub cache_key: Option<String>,
    pub entries: Vec<YarnEntry>,
    /// Descriptor → index into `entries`, sorted by descriptor.
    index: Vec<(String, usize)>,
}

impl YarnLockfile {
    /// The entry a descriptor resolves to (`ms@^2.1.0` for v1, `ms@npm:^2.1.0` for berry).
    pub fn entry(&self, descriptor: &str) -> Option<&YarnEntry> {
        self.entry_index(descriptor).map(|i| &self.entries[i])
    }

    /// The index into `entries` of the entry a descriptor resolves to.
    pub fn entry_index(&self, descriptor: &str) -> Option<usize> {
        self.index
            .binary_search_by(|(d, _)| d.as_str().cmp(descriptor))
            .ok()
            .map(|i| self.index[i].1)
    }

    /// Berry's workspace entry for a workspace path relative to the lockfile (`.` for the root).
    pub fn workspace(&self, path: &str) -> Option<&YarnEntry> {
        self.entries
            .iter()
            .find(|e| e.workspace_path() == Some(path))
    }

    /// The major yarn version that writes this lockfile format.
    pub fn yarn_major(&self) -> Option<u32> {
        if !self.berry {
            return Some(1);
        }
        let version: u32 = self.metadata_version.as_deref()?.parse().ok()?;
        // yarn 2 writes 4, yarn 3 writes 6, yarn 4 writes 8 (yarnpkg/berry Project.ts,
        // LOCKFILE_VERSION); 5 and 7 were transitional.
        Some(match version {
            0..=4 => 2,
            5 | 6 => 3,
            _ => 4,
        })
    }
}

pub fn parse(path: &str, text: &str) -> Result<YarnLockfile, ParseError> {
    let berry = crate::source::lines(text)
        .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"));
    let mut lock = YarnLockfile {
        path: path.to_string(),
        berry,
        ..YarnLockfile::default()
    };
    if berry {
        match lines::yaml(text) {
            Ok(lines) => read(&mut lock, &lines),
            Err(_) => {
                let tree = crate::parse::yaml::parse(text)?;
                read(&mut lock, &lines::from_tree(&tree));
            }
        }
    } else {
        if text.contains("\n<<<<<<< ") || text.starts_with("<<<<<<< ") {
            return Err(ParseError::new("unresolved merge conflict markers"));
        }
        let lines = lines::yarn_v1(text).map_err(|e| {
            ParseError::new(format!(
                "invalid yarn.lock at line {}: {}",
                e.line, e.reason
            ))
            .at(e.line, 1)
        })?;
        read(&mut lock, &lines);
    }
    lock.index = lock
        .entries
        .iter()
        .enumerate()
        .flat_map(|(i, e)| e.descriptors.iter().map(move |d| (d.clone(), i)))
        .collect();
    lock.index.sort();
    lock.index.dedup_by(|a, b| a.0 == b.0);
    Ok(lock)
}

fn read(lock: &mut YarnLockfile, lines: &[Line<'_>]) {
    for top in children(lines, None) {
        let line = &lines[top];
        if line.key() == "__metadata" {
            lock.metadata_line = line.line;
            let get = |k| {
                child(lines, Some(top), k)
                    .and_then(|i| lines[i].scalar())
                    .map(str::to_string)
            };
            lock.metadata_version = get("version");
            lock.cache_key = get("cacheKey");
            continue;
        }
        let mut entry = YarnEntry {
            descriptors: split_yarn_keys(line.key()),
            line: line.line,
            ..YarnEntry::default()
        };
        for field in children(lines, Some(top)) {
            let l = &lines[field];
            match l.key() {
                "version" => entry.version = l.scalar().unwrap_or_default().to_string(),
                "resolution" | "resolved" => entry.resolution = l.scalar().map(str::to_string),
                "dependencies" => entry.dependencies = string_map(lines, Some(field)),
                "optionalDependencies" => {
                    entry.optional_dependencies = string_map(lines, Some(field))
                }
                "peerDependencies" => entry.peer_dependencies = string_map(lines, Some(field)),
                "dependenciesMeta" => {
                    for dep in children(lines, Some(field)) {
                        for (k, v) in string_map(lines, Some(dep)) {
                            entry
                                .dependencies_meta
                                .push((lines[dep].key().to_string(), k, v));
                        }
                    }
                }
                "linkType" => entry.link_type = l.scalar().map(str::to_string),
                _ => {}
            }
        }
        lock.entries.push(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_collections_are_a_parse_error_on_a_small_stack() {
        use crate::parse::deep_nesting::{nested, on_small_stack};
        // berry's `{a: ` 100,000 times aborted the scan (stack overflow in the line reader).
        let text = nested(
            "__metadata:\n  version: 8\n\n\"a@npm:1\":\n  resolution: ",
            "{a: ",
            "1",
            "}",
            "\n",
        );
        let result = on_small_stack(move || parse("yarn.lock", &text).map(|_| ()));
        let err = result.unwrap_err();
        assert_eq!(err.at.map(|p| p.line), Some(5), "{err}");
    }

    #[test]
    fn reads_v1_entries_and_descriptors() -> Result<(), Box<dyn std::error::Error>> {
        let text = "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n\"@a/b@^1.0.0\", \"@a/b@^1.1.0\":\n  version \"1.2.0\"\n  resolved \"https://registry.yarnpkg.com/@a/b/-/b-1.2.0.tgz#abc\"\n  dependencies:\n    ms \"^2.0.0\"\n  optionalDependencies:\n    fsevents \"~2.3.2\"\n\nms@^2.0.0:\n  version \"2.1.3\"\n";
        let lock = parse("yarn.lock", text)?;
        assert!(!lock.berry);
        assert_eq!(lock.yarn_major(), Some(1));
        let b = lock.entry("@a/b@^1.1.0").ok_or("missing value")?;
        assert_eq!(b.name(), "@a/b");
        assert_eq!(b.version, "1.2.0");
        assert_eq!(b.line, 5);
        assert_eq!(
            b.dependencies,
            vec![("ms".to_string(), "^2.0.0".to_string())]
        );
        assert_eq!(b.optional_dependencies.len(), 1);
        assert_eq!(lock.entry("ms@^2.0.0").ok_or("missing value")?.line, 13);
        assert!(lock.entry("ms@^3.0.0").is_none());
        assert!(parse("yarn.lock", "<<<<<<< HEAD\na:\n").is_err());
        assert!(parse("yarn.lock", "")?.entries.is_empty());
        Ok(())
    }

    #[test]
    fn reads_berry_workspaces_and_metadata() -> Result<(), Box<dyn std::error::Error>> {
        let text = "# This file is generated by running \"yarn install\" inside your project.\n\n__metadata:\n  version: 8\n  cacheKey: 10c0\n\n\"api@workspace:packages/api\":\n  version: 0.0.0-use.local\n  resolution: \"api@workspace:packages/api\"\n  dependencies:\n    ms: \"npm:^2.1.0\"\n  languageName: unknown\n  linkType: soft\n\n\"ms@npm:^2.1.0, ms@npm:^2.1.1\":\n  version: 2.1.3\n  resolution: \"ms@npm:2.1.3\"\n  checksum: 10c0/abc\n  languageName: node\n  linkType: hard\n";
        let lock = parse("yarn.lock", text)?;
        assert!(lock.berry);
        assert_eq!(lock.yarn_major(), Some(4));
        let ws = lock.workspace("packages/api").ok_or("missing value")?;
        assert_eq!(ws.name(), "api");
        assert_eq!(
            ws.dependencies,
            vec![("ms".to_string(), "npm:^2.1.0".to_string())]
        );
        assert_eq!(
            lock.entry("ms@npm:^2.1.1").ok_or("missing value")?.version,
            "2.1.3"
        );
        assert_eq!(lock.entry("ms@npm:^2.1.0").ok_or("missing value")?.line, 15);
        Ok(())
    }

    #[test]
    fn lines_end_at_a_lone_carriage_return_in_v1_and_berry()
    -> Result<(), Box<dyn std::error::Error>> {
        // yarn v1's tokenizer counts `\r` alone as a newline (yarnpkg/yarn
        // src/lockfile/parse.js, `tokenise`); berry's YAML does too (YAML 1.2 `b-break`).
        let v1 = "# yarn lockfile v1\r\r\"ms@^2.0.0\":\r  version \"2.1.3\"\r";
        let lock = parse("yarn.lock", v1)?;
        assert!(!lock.berry);
        let ms = lock.entry("ms@^2.0.0").ok_or("missing value")?;
        assert_eq!((ms.line, ms.version.as_str()), (3, "2.1.3"));
        let berry = "__metadata:\r  version: 8\r\r\"ms@npm:^2.1.0\":\r  version: 2.1.3\r";
        let lock = parse("yarn.lock", berry)?;
        assert!(
            lock.berry,
            "`__metadata:` starts the first of several lines"
        );
        assert_eq!(lock.metadata_version.as_deref(), Some("8"));
        assert_eq!(lock.entry("ms@npm:^2.1.0").ok_or("missing value")?.line, 4);
        Ok(())
    }
}
