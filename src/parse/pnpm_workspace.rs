//! `pnpm-workspace.yaml`: member globs (with `!` negations) and catalogs.

use std::collections::BTreeMap;

use super::ParseError;
use super::yaml::{self, YamlNode, YamlValue};

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PnpmWorkspace {
    pub path: String,
    pub packages: Vec<String>,
    /// `catalog:` (named `default`) and `catalogs.<name>`: package → specifier.
    pub catalogs: BTreeMap<String, BTreeMap<String, String>>,
    /// Install settings pnpm 10 reads from this file (pnpm 9 ignores them): `overrides`,
    /// `patchedDependencies` (keys), `ignoredOptionalDependencies`, whether `packageExtensions`
    /// is set, and top-level scalar settings (`autoInstallPeers`, `dedupePeers`, …).
    pub overrides: Option<BTreeMap<String, String>>,
    pub patched_dependencies: Option<Vec<String>>,
    pub ignored_optional_dependencies: Option<Vec<String>>,
    pub package_extensions: bool,
    pub settings: BTreeMap<String, String>,
}

pub fn parse(path: &str, text: &str) -> Result<PnpmWorkspace, ParseError> {
    let root = yaml::parse(text)?;
    if !matches!(root.value, YamlValue::Map(_) | YamlValue::Null) {
        return Err(ParseError::new("pnpm-workspace.yaml must be a mapping"));
    }
    let mut ws = PnpmWorkspace {
        path: path.to_string(),
        ..PnpmWorkspace::default()
    };
    if let Some(packages) = root.get("packages") {
        ws.packages = packages
            .items()
            .iter()
            .filter_map(YamlNode::as_str)
            .map(str::to_string)
            .collect();
    }
    if let Some(default) = root.get("catalog") {
        ws.catalogs.insert("default".to_string(), catalog(default));
    }
    if let Some(overrides) = root.get("overrides") {
        ws.overrides = Some(catalog(overrides));
    }
    if let Some(patches) = root.get("patchedDependencies") {
        ws.patched_dependencies = Some(
            patches
                .entries()
                .iter()
                .map(|(k, _, _)| k.clone())
                .collect(),
        );
    }
    if let Some(ignored) = root.get("ignoredOptionalDependencies") {
        ws.ignored_optional_dependencies = Some(
            ignored
                .items()
                .iter()
                .filter_map(YamlNode::as_str)
                .map(str::to_string)
                .collect(),
        );
    }
    ws.package_extensions = root
        .get("packageExtensions")
        .is_some_and(|p| !p.entries().is_empty());
    ws.settings = root
        .entries()
        .iter()
        .filter_map(|(k, _, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect();
    if let Some(named) = root.get("catalogs") {
        for (name, _, entries) in named.entries() {
            ws.catalogs.insert(name.clone(), catalog(entries));
        }
    }
    Ok(ws)
}

fn catalog(node: &YamlNode) -> BTreeMap<String, String> {
    node.entries()
        .iter()
        .filter_map(|(k, _, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}
