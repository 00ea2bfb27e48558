//! `pnpm-lock.yaml`: lockfile v9 (pnpm 9 and 10: `importers`, `packages` for metadata,
//! `snapshots` for the resolved graph), v6 (pnpm 8: `packages` keyed `/name@version(peers)`)
//! and v5.x (a `specifiers` map per importer). Read with the fast line reader, falling back to
//! the full YAML tree for anything hand-edited outside the shape pnpm writes.

use std::collections::BTreeMap;

use super::lines::{self, Line};
use super::{child, children, split_name, string_map};
use crate::parse::ParseError;
use crate::parse::package_json::DepKind;

/// `settings:` as recorded by the pnpm that wrote the lockfile. `None` when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PnpmSettings {
    pub auto_install_peers: Option<bool>,
    pub exclude_links_from_lockfile: Option<bool>,
    pub peers_suffix_max_length: Option<u64>,
    pub dedupe_peers: Option<bool>,
    pub inject_workspace_packages: Option<bool>,
}

/// One dependency of an importer (a workspace project).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImporterDep {
    pub name: String,
    pub kind: DepKind,
    /// The specifier recorded for it (`^1.2.0`, `workspace:*`, `catalog:`); `None` when a v5
    /// lockfile has no `specifiers` entry for it.
    pub specifier: Option<String>,
    /// The resolved reference: `1.2.3(peer@1.0.0)`, `link:../shared`, `other@1.0.0` (alias).
    pub version: String,
    pub line: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PnpmImporter {
    /// The project's directory relative to the lockfile (`.` for the root).
    pub id: String,
    pub line: u32,
    pub deps: Vec<ImporterDep>,
    /// `dependenciesMeta`: name → field → scalar text.
    pub dependencies_meta: BTreeMap<String, BTreeMap<String, String>>,
    pub publish_directory: Option<String>,
}

/// A resolved package instance: a v9 snapshot (with its `packages` metadata) or a v6 package.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PnpmPackage {
    /// The dependency path without v6's leading `/`: `ms@2.1.3`, `a@1.0.0(b@2.0.0)`.
    pub key: String,
    pub name: String,
    /// The version (or the non-registry reference) without the peer suffix.
    pub version: String,
    pub line: u32,
    pub dependencies: Vec<(String, String)>,
    pub optional_dependencies: Vec<(String, String)>,
    /// Declared peer ranges (from `packages` metadata).
    pub peer_dependencies: Vec<(String, String)>,
    pub requires_build: bool,
    pub has_bin: bool,
    /// v6 records whether a package is only reachable through devDependencies.
    pub dev: Option<bool>,
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CatalogEntry {
    pub specifier: String,
    pub version: String,
    pub line: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PnpmLockfile {
    pub path: String,
    /// `lockfileVersion` as written (`9.0`, `6.0`, `5.4`).
    pub version: String,
    pub version_line: u32,
    pub settings: PnpmSettings,
    /// `overrides` (selector → specifier), with the line of the `overrides:` key.
    pub overrides: Option<(BTreeMap<String, String>, u32)>,
    pub package_extensions_checksum: Option<String>,
    pub pnpmfile_checksum: Option<String>,
    pub ignored_optional_dependencies: Option<Vec<String>>,
    /// `patchedDependencies`: `name@version` → patch path (when recorded), with the key's line.
    pub patched_dependencies: Option<(BTreeMap<String, Option<String>>, u32)>,
    /// `catalogs`: catalog name → alias → entry.
    pub catalogs: BTreeMap<String, BTreeMap<String, CatalogEntry>>,
    pub importers: Vec<PnpmImporter>,
    /// [`PnpmLockfile::importers`] by id: a lookup per dependency edge, over hundreds of
    /// importers in a large workspace.
    #[serde(skip)]
    pub importer_index: super::KeyIndex,
    /// Sorted by key.
    pub packages: Vec<PnpmPackage>,
}

impl PnpmLockfile {
    /// The major of `lockfileVersion` (`9` for `9.0`).
    pub fn major(&self) -> Option<u32> {
        self.version.split('.').next()?.parse().ok()
    }

    pub fn importer(&self, id: &str) -> Option<&PnpmImporter> {
        self.importer_index
            .find(&self.importers, id, |i| &i.id, false)
            .map(|i| &self.importers[i])
    }

    pub fn package(&self, key: &str) -> Option<&PnpmPackage> {
        self.packages
            .binary_search_by(|p| p.key.as_str().cmp(key))
            .ok()
            .map(|i| &self.packages[i])
    }
}

pub fn parse(path: &str, text: &str) -> Result<PnpmLockfile, ParseError> {
    match lines::yaml(text) {
        Ok(lines) => Ok(read(path, &lines)),
        Err(_) => {
            let tree = crate::parse::yaml::parse(text)?;
            Ok(read(path, &lines::from_tree(&tree)))
        }
    }
}

fn read(path: &str, lines: &[Line<'_>]) -> PnpmLockfile {
    let mut lock = PnpmLockfile {
        path: path.to_string(),
        ..PnpmLockfile::default()
    };
    // Metadata of v9 `packages`, merged into the snapshots afterwards.
    let mut metadata: BTreeMap<String, PnpmPackage> = BTreeMap::new();
    let mut snapshots: Vec<PnpmPackage> = Vec::new();
    let mut root_importer = PnpmImporter {
        id: ".".to_string(),
        ..PnpmImporter::default()
    };
    let mut root_specifiers: Vec<(String, String)> = Vec::new();
    for top in children(lines, None) {
        let line = &lines[top];
        match line.key() {
            "lockfileVersion" => {
                lock.version = line.scalar().unwrap_or_default().to_string();
                lock.version_line = line.line;
            }
            "settings" => lock.settings = settings(lines, top),
            "overrides" => {
                lock.overrides = Some((
                    string_map(lines, Some(top)).into_iter().collect(),
                    line.line,
                ))
            }
            "packageExtensionsChecksum" => {
                lock.package_extensions_checksum = line.scalar().map(str::to_string)
            }
            "pnpmfileChecksum" => lock.pnpmfile_checksum = line.scalar().map(str::to_string),
            "ignoredOptionalDependencies" => {
                lock.ignored_optional_dependencies = Some(
                    children(lines, Some(top))
                        .filter_map(|i| lines[i].scalar().map(str::to_string))
                        .collect(),
                );
            }
            "patchedDependencies" => {
                let patches = children(lines, Some(top))
                    .map(|i| {
                        let l = &lines[i];
                        let path = child(lines, Some(i), "path").and_then(|p| lines[p].scalar());
                        (l.key().to_string(), path.map(str::to_string))
                    })
                    .collect();
                lock.patched_dependencies = Some((patches, line.line));
            }
            "catalogs" => {
                for catalog in children(lines, Some(top)) {
                    let entries = children(lines, Some(catalog))
                        .map(|e| {
                            let get = |k| {
                                child(lines, Some(e), k)
                                    .and_then(|i| lines[i].scalar())
                                    .unwrap_or_default()
                                    .to_string()
                            };
                            (
                                lines[e].key().to_string(),
                                CatalogEntry {
                                    specifier: get("specifier"),
                                    version: get("version"),
                                    line: lines[e].line,
                                },
                            )
                        })
                        .collect();
                    lock.catalogs
                        .insert(lines[catalog].key().to_string(), entries);
                }
            }
            "importers" => {
                for importer in children(lines, Some(top)) {
                    lock.importers.push(read_importer(lines, importer));
                }
            }
            // A single-project lockfile (v5, v6) puts the root importer at the top level.
            "specifiers" => root_specifiers = string_map(lines, Some(top)),
            field @ ("dependencies" | "devDependencies" | "optionalDependencies") => {
                if root_importer.line == 0 {
                    root_importer.line = line.line;
                }
                read_deps(lines, top, kind_of(field), &mut root_importer.deps);
            }
            "dependenciesMeta" => root_importer.dependencies_meta = meta(lines, top),
            "publishDirectory" => {
                root_importer.publish_directory = line.scalar().map(str::to_string)
            }
            "packages" => {
                for entry in children(lines, Some(top)) {
                    metadata.insert(package_key(lines[entry].key()), read_package(lines, entry));
                }
            }
            "snapshots" => {
                for entry in children(lines, Some(top)) {
                    snapshots.push(read_package(lines, entry));
                }
            }
            _ => {}
        }
    }
    if lock.importers.is_empty() && (!root_importer.deps.is_empty() || !root_specifiers.is_empty())
    {
        apply_specifiers(&mut root_importer, &root_specifiers);
        lock.importers.push(root_importer);
    }
    lock.packages = if snapshots.is_empty() {
        // v5/v6: `packages` holds both metadata and dependencies.
        metadata.into_values().collect()
    } else {
        snapshots
            .into_iter()
            .map(|mut snapshot| {
                let base = format!("{}@{}", snapshot.name, snapshot.version);
                if let Some(meta) = metadata.get(&base) {
                    snapshot.peer_dependencies = meta.peer_dependencies.clone();
                    snapshot.has_bin = meta.has_bin;
                    snapshot.requires_build |= meta.requires_build;
                }
                snapshot
            })
            .collect()
    };
    lock.packages.sort_by(|a, b| a.key.cmp(&b.key));
    lock.packages.dedup_by(|a, b| a.key == b.key);
    lock
}

fn kind_of(field: &str) -> DepKind {
    match field {
        "devDependencies" => DepKind::Dev,
        "optionalDependencies" => DepKind::Optional,
        _ => DepKind::Prod,
    }
}

fn settings(lines: &[Line<'_>], at: usize) -> PnpmSettings {
    let flag = |key| {
        child(lines, Some(at), key)
            .and_then(|i| lines[i].scalar())
            .map(|v| v == "true")
    };
    PnpmSettings {
        auto_install_peers: flag("autoInstallPeers"),
        exclude_links_from_lockfile: flag("excludeLinksFromLockfile"),
        peers_suffix_max_length: child(lines, Some(at), "peersSuffixMaxLength")
            .and_then(|i| lines[i].scalar())
            .and_then(|v| v.parse().ok()),
        dedupe_peers: flag("dedupePeers"),
        inject_workspace_packages: flag("injectWorkspacePackages"),
    }
}

fn read_importer(lines: &[Line<'_>], at: usize) -> PnpmImporter {
    let mut importer = PnpmImporter {
        id: lines[at].key().to_string(),
        line: lines[at].line,
        ..PnpmImporter::default()
    };
    let mut specifiers = Vec::new();
    for field in children(lines, Some(at)) {
        match lines[field].key() {
            f @ ("dependencies" | "devDependencies" | "optionalDependencies") => {
                read_deps(lines, field, kind_of(f), &mut importer.deps);
            }
            "specifiers" => specifiers = string_map(lines, Some(field)),
            "dependenciesMeta" => importer.dependencies_meta = meta(lines, field),
            "publishDirectory" => {
                importer.publish_directory = lines[field].scalar().map(str::to_string)
            }
            _ => {}
        }
    }
    apply_specifiers(&mut importer, &specifiers);
    importer
}

/// v5 keeps specifiers in a separate map; v6+ inline them.
fn apply_specifiers(importer: &mut PnpmImporter, specifiers: &[(String, String)]) {
    for (name, spec) in specifiers {
        for dep in importer.deps.iter_mut().filter(|d| &d.name == name) {
            dep.specifier.get_or_insert_with(|| spec.clone());
        }
    }
}

fn read_deps(lines: &[Line<'_>], field: usize, kind: DepKind, out: &mut Vec<ImporterDep>) {
    for dep in children(lines, Some(field)) {
        let l = &lines[dep];
        let (specifier, version) = match l.scalar() {
            // v5: `name: version`
            Some(version) => (None, version.to_string()),
            None => (
                child(lines, Some(dep), "specifier")
                    .and_then(|i| lines[i].scalar())
                    .map(str::to_string),
                child(lines, Some(dep), "version")
                    .and_then(|i| lines[i].scalar())
                    .unwrap_or_default()
                    .to_string(),
            ),
        };
        out.push(ImporterDep {
            name: l.key().to_string(),
            kind,
            specifier,
            version,
            line: l.line,
        });
    }
}

fn meta(lines: &[Line<'_>], at: usize) -> BTreeMap<String, BTreeMap<String, String>> {
    children(lines, Some(at))
        .map(|i| {
            (
                lines[i].key().to_string(),
                string_map(lines, Some(i)).into_iter().collect(),
            )
        })
        .collect()
}

/// v6 keys start with `/`; v5 keys are `/name/version_peers`.
fn package_key(raw: &str) -> String {
    let key = raw.strip_prefix('/').unwrap_or(raw);
    if split_name(key).is_some() {
        return key.to_string();
    }
    // v5: `/name/1.0.0` or `/@scope/name/1.0.0_peer`.
    match key.rsplit_once('/') {
        Some((name, version)) if !name.is_empty() => format!("{name}@{version}"),
        _ => key.to_string(),
    }
}

fn read_package(lines: &[Line<'_>], at: usize) -> PnpmPackage {
    let key = package_key(lines[at].key());
    let (name, version) = split_name(&key).unwrap_or((&key, ""));
    let version = version.split('(').next().unwrap_or(version);
    let mut pkg = PnpmPackage {
        name: name.to_string(),
        version: version.to_string(),
        key: key.clone(),
        line: lines[at].line,
        ..PnpmPackage::default()
    };
    for field in children(lines, Some(at)) {
        let l = &lines[field];
        match l.key() {
            "dependencies" => pkg.dependencies = string_map(lines, Some(field)),
            "optionalDependencies" => pkg.optional_dependencies = string_map(lines, Some(field)),
            "peerDependencies" => pkg.peer_dependencies = string_map(lines, Some(field)),
            "requiresBuild" => pkg.requires_build = l.scalar() == Some("true"),
            "hasBin" => pkg.has_bin = l.scalar() == Some("true"),
            "dev" => pkg.dev = l.scalar().map(|v| v == "true"),
            "optional" => pkg.optional = l.scalar() == Some("true"),
            // v6 records a non-registry package's name and version separately.
            "name" => {
                if let Some(n) = l.scalar() {
                    pkg.name = n.to_string();
                }
            }
            "version" => {
                if let Some(v) = l.scalar() {
                    pkg.version = v.to_string();
                }
            }
            _ => {}
        }
    }
    pkg
}

/// The dependency path a reference from `name` points at, as pnpm's `refToRelative` computes
/// it; `None` for `link:` references (workspace links).
pub fn ref_to_key(name: &str, reference: &str) -> Option<String> {
    if reference.starts_with("link:") {
        return None;
    }
    let reference = reference.strip_prefix('/').unwrap_or(reference);
    if reference.starts_with('@') {
        return Some(reference.to_string());
    }
    match reference.find('@') {
        None => Some(format!("{name}@{reference}")),
        Some(at) => {
            let before = |c| reference.find(c).is_none_or(|i| at < i);
            if before(':') && before('(') {
                Some(reference.to_string())
            } else {
                Some(format!("{name}@{reference}"))
            }
        }
    }
}

/// The version part of a reference without its peer suffix: `1.2.3` for `1.2.3(b@1)`,
/// `1.0.0` for the alias `other@1.0.0`.
pub fn ref_version(name: &str, reference: &str) -> Option<String> {
    let key = ref_to_key(name, reference)?;
    let (_, version) = split_name(&key)?;
    Some(version.split('(').next().unwrap_or(version).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_collections_are_a_parse_error_on_a_small_stack() {
        use crate::parse::deep_nesting::{nested, on_small_stack};
        // `a: ` and 100,000 `[` aborted the scan (stack overflow in the line reader).
        let text = nested("lockfileVersion: '9.0'\na: ", "[", "1", "]", "\n");
        let result = on_small_stack(move || parse("pnpm-lock.yaml", &text).map(|_| ()));
        let err = result.unwrap_err();
        assert_eq!(err.at.map(|p| p.line), Some(2), "{err}");
        // Past the line reader's limit but within the YAML scanner's, the depth limit speaks.
        let depth = 100;
        let text = format!("a: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        let err = parse("pnpm-lock.yaml", &text).unwrap_err();
        assert!(err.message.contains("levels deep"), "{err}");
    }

    const V9: &str = "lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

overrides:
  ms@<2: ^2.1.0

catalogs:
  default:
    zod:
      specifier: ^3.23.8
      version: 3.23.8

importers:

  .:
    devDependencies:
      typescript:
        specifier: ^5.4.0
        version: 5.4.5

  apps/api:
    dependencies:
      '@acme/shared':
        specifier: workspace:*
        version: link:../../packages/shared
      debug:
        specifier: ^4.3.0
        version: 4.3.7(supports-color@8.1.1)
      zod:
        specifier: 'catalog:'
        version: 3.23.8
    dependenciesMeta:
      '@acme/shared':
        injected: true

packages:

  debug@4.3.7:
    resolution: {integrity: sha512-x}
    engines: {node: '>=6.0'}
    peerDependencies:
      supports-color: '*'
    peerDependenciesMeta:
      supports-color:
        optional: true

  ms@2.1.3:
    resolution: {integrity: sha512-y}

snapshots:

  debug@4.3.7(supports-color@8.1.1):
    dependencies:
      ms: 2.1.3

  ms@2.1.3: {}
";

    #[test]
    fn reads_v9_importers_snapshots_and_settings() -> Result<(), Box<dyn std::error::Error>> {
        let lock = parse("pnpm-lock.yaml", V9)?;
        assert_eq!(lock.version, "9.0");
        assert_eq!(lock.major(), Some(9));
        assert_eq!(lock.settings.auto_install_peers, Some(true));
        let (overrides, line) = lock.overrides.clone().ok_or("missing value")?;
        assert_eq!(overrides.get("ms@<2").map(String::as_str), Some("^2.1.0"));
        assert_eq!(line, 7);
        assert_eq!(lock.catalogs["default"]["zod"].specifier, "^3.23.8");
        let api = lock.importer("apps/api").ok_or("missing value")?;
        assert_eq!(api.line, 24);
        let debug = api
            .deps
            .iter()
            .find(|d| d.name == "debug")
            .ok_or("missing value")?;
        assert_eq!(debug.specifier.as_deref(), Some("^4.3.0"));
        assert_eq!(debug.version, "4.3.7(supports-color@8.1.1)");
        assert_eq!(debug.line, 29);
        assert_eq!(api.dependencies_meta["@acme/shared"]["injected"], "true");
        let snap = lock
            .package("debug@4.3.7(supports-color@8.1.1)")
            .ok_or("missing value")?;
        assert_eq!(snap.name, "debug");
        assert_eq!(snap.version, "4.3.7");
        assert_eq!(
            snap.dependencies,
            vec![("ms".to_string(), "2.1.3".to_string())]
        );
        assert_eq!(
            snap.peer_dependencies,
            vec![("supports-color".to_string(), "*".to_string())]
        );
        assert!(lock.package("ms@2.1.3").is_some());
        Ok(())
    }

    #[test]
    fn reads_v6_and_v5_single_project_lockfiles() -> Result<(), Box<dyn std::error::Error>> {
        let v6 = "lockfileVersion: '6.0'\n\ndependencies:\n  ms:\n    specifier: ^2.1.0\n    version: 2.1.3\n\npackages:\n\n  /ms@2.1.3:\n    resolution: {integrity: sha512-y}\n    dev: false\n    requiresBuild: true\n";
        let lock = parse("pnpm-lock.yaml", v6)?;
        assert_eq!(lock.importers.len(), 1);
        assert_eq!(
            lock.importers[0].deps[0].specifier.as_deref(),
            Some("^2.1.0")
        );
        let ms = lock.package("ms@2.1.3").ok_or("missing value")?;
        assert!(ms.requires_build);
        assert_eq!(ms.dev, Some(false));

        let v5 = "lockfileVersion: 5.4\n\nspecifiers:\n  ms: ^2.1.0\n\ndependencies:\n  ms: 2.1.3\n\npackages:\n\n  /ms/2.1.3:\n    resolution: {integrity: sha512-y}\n";
        let lock = parse("pnpm-lock.yaml", v5)?;
        assert_eq!(lock.version, "5.4");
        assert_eq!(
            lock.importers[0].deps[0].specifier.as_deref(),
            Some("^2.1.0")
        );
        assert!(lock.package("ms@2.1.3").is_some());
        Ok(())
    }

    #[test]
    fn resolves_references_as_pnpm_does() {
        assert_eq!(ref_to_key("ms", "2.1.3").as_deref(), Some("ms@2.1.3"));
        assert_eq!(
            ref_to_key("a", "1.0.0(b@2.0.0)").as_deref(),
            Some("a@1.0.0(b@2.0.0)")
        );
        assert_eq!(ref_to_key("a", "b@1.0.0").as_deref(), Some("b@1.0.0"));
        assert_eq!(ref_to_key("a", "@s/b@1.0.0").as_deref(), Some("@s/b@1.0.0"));
        assert_eq!(ref_to_key("a", "link:../a"), None);
        assert_eq!(
            ref_version("a", "b@1.0.0(c@1.0.0)").as_deref(),
            Some("1.0.0")
        );
        assert_eq!(ref_version("a", "file:../a").as_deref(), Some("file:../a"));
    }

    #[test]
    fn falls_back_to_the_tree_for_hand_edited_yaml() -> Result<(), Box<dyn std::error::Error>> {
        let text = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      ms: {specifier: ^2.1.0,\n        version: 2.1.3}\n";
        let lock = parse("pnpm-lock.yaml", text)?;
        assert_eq!(lock.importers[0].deps[0].version, "2.1.3");
        assert!(parse("pnpm-lock.yaml", "a: [\n").is_err());
        Ok(())
    }
}
