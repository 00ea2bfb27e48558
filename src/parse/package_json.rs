//! `package.json`: the facts every rule family needs, each with the span it was written at.

use std::collections::BTreeMap;

use jsonc_parser::ast::{Object, Value};

use super::ParseError;
use super::json::{self, Dialect, Spans};
use crate::source::{Located, Span};

/// The dependency field a dependency is declared in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum DepKind {
    Prod,
    Dev,
    Optional,
    Peer,
}

impl DepKind {
    pub const ALL: [DepKind; 4] = [
        DepKind::Prod,
        DepKind::Dev,
        DepKind::Optional,
        DepKind::Peer,
    ];

    pub fn field(self) -> &'static str {
        match self {
            DepKind::Prod => "dependencies",
            DepKind::Dev => "devDependencies",
            DepKind::Optional => "optionalDependencies",
            DepKind::Peer => "peerDependencies",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Dependency {
    pub name: String,
    /// The specifier exactly as written (`^1.2.0`, `workspace:*`, `npm:y@1`, `file:../x`).
    pub spec: String,
    pub kind: DepKind,
    /// Span of the whole `"name": "spec"` member.
    pub span: Span,
}

/// Protocols of dependencies that point at a folder or file instead of a registry.
const LOCAL_PROTOCOLS: &[&str] = &["file:", "link:", "portal:"];

impl Dependency {
    /// `(protocol, target)` of a `file:`/`link:`/`portal:` dependency. A `file://` URL
    /// (`file:///abs/path`) is local too, but points outside the repository: its target
    /// starts with `//`.
    pub fn local(&self) -> Option<(&'static str, &str)> {
        let protocol = LOCAL_PROTOCOLS
            .iter()
            .find(|p| self.spec.starts_with(**p))?;
        Some((protocol, &self.spec[protocol.len()..]))
    }

    /// The target of a local dependency that can lie inside the repository.
    pub fn local_target(&self) -> Option<(&'static str, &str)> {
        self.local().filter(|(_, target)| !target.starts_with("//"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Script {
    pub name: String,
    pub command: String,
    pub span: Span,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PackageJson {
    /// Repository-relative path of the manifest.
    pub path: String,
    pub name: Option<Located<String>>,
    pub version: Option<String>,
    pub private: bool,
    pub dependencies: Vec<Dependency>,
    pub scripts: Vec<Script>,
    /// `workspaces` globs, from the array form or the object form's `packages`.
    pub workspaces: Option<Located<Vec<String>>>,
    pub package_manager: Option<Located<String>>,
    pub engines: BTreeMap<String, String>,
    pub main: Option<Located<String>>,
    pub module: Option<Located<String>>,
    pub types: Option<Located<String>>,
    #[serde(with = "crate::parse::json_text")]
    pub exports: Option<serde_json::Value>,
    #[serde(with = "crate::parse::json_text")]
    pub imports: Option<serde_json::Value>,
    pub bin: Vec<String>,
    /// Install settings the lockfile records: `pnpm` (overrides, patchedDependencies, …),
    /// `resolutions` (yarn; pnpm reads it as overrides), `overrides` (npm), `dependenciesMeta`
    /// and `publishConfig.directory` (pnpm compares both with its importer entry).
    #[serde(with = "crate::parse::json_text")]
    pub pnpm: Option<Located<serde_json::Value>>,
    #[serde(with = "crate::parse::json_text")]
    pub resolutions: Option<Located<serde_json::Value>>,
    #[serde(with = "crate::parse::json_text")]
    pub overrides: Option<Located<serde_json::Value>>,
    #[serde(with = "crate::parse::json_text")]
    pub dependencies_meta: Option<serde_json::Value>,
    pub publish_directory: Option<String>,
    /// `prisma.seed`: the command `prisma db seed` (and `migrate reset`) runs.
    pub prisma_seed: Option<String>,
    /// Span of the opening of the manifest, for findings about the package as a whole.
    pub top: Span,
}

impl PackageJson {
    pub fn dependency(&self, name: &str) -> impl Iterator<Item = &Dependency> {
        self.dependencies.iter().filter(move |d| d.name == name)
    }

    pub fn script(&self, name: &str) -> Option<&Script> {
        self.scripts.iter().find(|s| s.name == name)
    }

    pub fn display_name(&self) -> &str {
        self.name
            .as_ref()
            .map_or(self.path.as_str(), |n| n.value.as_str())
    }
}

pub fn parse(path: &str, text: &str) -> Result<PackageJson, ParseError> {
    let root = json::parse(text, Dialect::Json)?;
    let Value::Object(object) = &root else {
        return Err(ParseError::new("package.json must contain a JSON object"));
    };
    let spans = Spans::new(text);
    let mut pkg = PackageJson {
        path: path.to_string(),
        top: spans.of(json::range_of(&root)),
        ..PackageJson::default()
    };
    pkg.top.end_line = pkg.top.line;
    pkg.top.end_column = pkg.top.column + 1;

    let located = |name: &str| -> Option<Located<String>> {
        let prop = object.get(name)?;
        let value = json::as_str(&prop.value)?;
        Some(Located {
            value: value.to_string(),
            span: spans.of(prop.range),
        })
    };
    pkg.name = located("name").filter(|n| !n.value.is_empty());
    pkg.version = located("version").map(|v| v.value);
    pkg.private = object.get_boolean("private").is_some_and(|b| b.value);
    pkg.package_manager = located("packageManager");
    pkg.main = located("main");
    pkg.module = located("module");
    pkg.types = located("types").or_else(|| located("typings"));
    pkg.exports = object.get("exports").map(|p| json::to_serde(&p.value));
    pkg.imports = object.get("imports").map(|p| json::to_serde(&p.value));
    let located_value = |name: &str| {
        object.get(name).map(|p| Located {
            value: json::to_serde(&p.value),
            span: spans.of(p.range),
        })
    };
    pkg.pnpm = located_value("pnpm");
    pkg.resolutions = located_value("resolutions");
    pkg.overrides = located_value("overrides");
    pkg.dependencies_meta = object
        .get("dependenciesMeta")
        .map(|p| json::to_serde(&p.value));
    pkg.prisma_seed = object
        .get_object("prisma")
        .and_then(|c| c.get("seed"))
        .and_then(|p| json::as_str(&p.value))
        .map(str::to_string);
    pkg.publish_directory = object
        .get_object("publishConfig")
        .and_then(|c| c.get("directory"))
        .and_then(|p| json::as_str(&p.value))
        .map(str::to_string);

    for kind in DepKind::ALL {
        let Some(deps) = object.get_object(kind.field()) else {
            continue;
        };
        for prop in &deps.properties {
            // npm ignores non-string specifiers; so do we rather than guess.
            let Some(spec) = json::as_str(&prop.value) else {
                continue;
            };
            pkg.dependencies.push(Dependency {
                name: prop.name.as_str().to_string(),
                spec: spec.to_string(),
                kind,
                span: spans.of(prop.range),
            });
        }
    }
    if let Some(scripts) = object.get_object("scripts") {
        for prop in &scripts.properties {
            let Some(command) = json::as_str(&prop.value) else {
                continue;
            };
            pkg.scripts.push(Script {
                name: prop.name.as_str().to_string(),
                command: command.to_string(),
                span: spans.of(prop.range),
            });
        }
    }
    if let Some(prop) = object.get("workspaces") {
        let globs = match &prop.value {
            Value::Array(_) => string_array(&prop.value),
            Value::Object(o) => o
                .get("packages")
                .map(|p| string_array(&p.value))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        pkg.workspaces = Some(Located {
            value: globs,
            span: spans.of(prop.range),
        });
    }
    if let Some(engines) = object.get_object("engines") {
        pkg.engines = string_map(engines);
    }
    pkg.bin = match object.get("bin").map(|p| &p.value) {
        Some(Value::StringLit(_)) => pkg.name.iter().map(|n| bin_name(&n.value)).collect(),
        Some(Value::Object(o)) => o
            .properties
            .iter()
            .map(|p| p.name.as_str().to_string())
            .collect(),
        _ => Vec::new(),
    };
    Ok(pkg)
}

/// `bin: "cli.js"` installs a binary named after the package, without its scope.
fn bin_name(package: &str) -> String {
    package.rsplit('/').next().unwrap_or(package).to_string()
}

fn string_array(value: &Value<'_>) -> Vec<String> {
    let Value::Array(array) = value else {
        return Vec::new();
    };
    array
        .elements
        .iter()
        .filter_map(json::as_str)
        .map(str::to_string)
        .collect()
}

fn string_map(object: &Object<'_>) -> BTreeMap<String, String> {
    json::string_entries(object)
        .filter_map(|(k, v)| Some((k.to_string(), json::as_str(v)?.to_string())))
        .collect()
}

/// Whether `name` is a valid npm package name: lowercase letters, digits and `-._~`, not
/// starting with `.`, at most 214 characters a part, with an optional `@scope/`.
pub fn is_package_name(name: &str) -> bool {
    let part = |p: &str| {
        !p.is_empty()
            && !p.starts_with('.')
            && p.len() <= 214
            && p.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_' | '~')
            })
    };
    match name.strip_prefix('@') {
        Some(scoped) => scoped
            .split_once('/')
            .is_some_and(|(scope, rest)| part(scope) && part(rest)),
        None => part(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dependencies_with_their_lines() -> Result<(), Box<dyn std::error::Error>> {
        let text = "{\n  \"name\": \"@acme/auth\",\n  \"workspaces\": {\"packages\": [\"a/*\"]},\n  \"dependencies\": {\n    \"prom-client\": \"^15.1.0\"\n  },\n  \"devDependencies\": {\"jest\": \"29\"}\n}\n";
        let pkg = parse("services/auth/package.json", text)?;
        assert_eq!(pkg.display_name(), "@acme/auth");
        assert_eq!(pkg.dependencies.len(), 2);
        assert_eq!(pkg.dependencies[0].name, "prom-client");
        assert_eq!(pkg.dependencies[0].span.line, 5);
        assert_eq!(pkg.dependencies[0].span.column, 5);
        assert_eq!(pkg.dependencies[1].kind, DepKind::Dev);
        assert_eq!(pkg.workspaces.ok_or("missing value")?.value, vec!["a/*"]);
        Ok(())
    }

    #[test]
    fn rejects_what_npm_rejects() {
        assert!(parse("package.json", "{\"a\": 1,}").is_err());
        assert!(parse("package.json", "// c\n{}").is_err());
        assert!(parse("package.json", "[1]").is_err());
        assert!(parse("package.json", "").is_err());
        assert!(parse("package.json", "\u{feff}{}").is_ok());
    }

    #[test]
    fn spans_count_a_lone_carriage_return() -> Result<(), Box<dyn std::error::Error>> {
        let text = "{\r  \"name\": \"a\",\r\n  \"dependencies\": {\r    \"ms\": \"^2\"\r  }\r}\r";
        let pkg = parse("package.json", text)?;
        assert_eq!(pkg.dependencies[0].span.line, 4);
        assert_eq!(pkg.dependencies[0].span.column, 5);
        Ok(())
    }
}
