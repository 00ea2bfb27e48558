//! `tsconfig*.json` / `jsconfig.json` as written (JSONC: comments and trailing commas). The
//! `extends` chain is resolved later, in the model, where other files and packages are known.

use jsonc_parser::ast::Value;

use super::ParseError;
use super::json::{self, Dialect, Spans};
use crate::source::Located;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RawTsConfig {
    pub path: String,
    /// `extends` as written: one string, or an array (TypeScript 5).
    pub extends: Vec<Located<String>>,
    pub compiler_options: CompilerOptions,
    /// `references[].path` as written.
    pub references: Vec<Located<String>>,
    /// `files`, `include` and `exclude` as written (`None`: not set).
    pub files: Option<Vec<String>>,
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
}

/// The compiler options seaworthy reads. `None` means "not set here" (inherit).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CompilerOptions {
    pub base_url: Option<String>,
    /// `paths` patterns and their targets, in file order.
    pub paths: Option<Vec<(String, Vec<String>)>>,
    pub types: Option<Vec<String>>,
    pub module: Option<String>,
    pub module_resolution: Option<String>,
    pub out_dir: Option<String>,
    pub root_dir: Option<String>,
    /// `rootDirs` as written: folders whose contents TypeScript merges into one virtual tree.
    pub root_dirs: Option<Vec<String>>,
    pub composite: Option<bool>,
    pub emit_decorator_metadata: Option<bool>,
    pub verbatim_module_syntax: Option<bool>,
}

/// Where an `extends` value written in a config of `dir` points: a relative file, or a file
/// inside a workspace package (`package_dir` maps a package name to its directory). `is_file`
/// says whether the walk saw a path. TypeScript tries the path, `.json` added, and a folder's
/// `tsconfig.json`.
pub fn locate_extends<'a>(
    dir: &str,
    spec: &str,
    is_file: impl Fn(&str) -> bool,
    package_dir: impl Fn(&str) -> Option<&'a str>,
) -> Option<String> {
    let base = if spec.starts_with('.') || spec.starts_with('/') {
        crate::paths::join(dir, spec)?
    } else {
        let (name, subpath) = split_package_specifier(spec);
        let package = package_dir(name)?;
        crate::paths::join(
            package,
            if subpath.is_empty() {
                "tsconfig.json"
            } else {
                subpath
            },
        )?
    };
    [
        base.clone(),
        format!("{base}.json"),
        format!("{base}/tsconfig.json"),
    ]
    .into_iter()
    .find(|c| is_file(c))
}

/// `@scope/name/sub/path` → (`@scope/name`, `sub/path`); `name/sub` → (`name`, `sub`).
pub fn split_package_specifier(spec: &str) -> (&str, &str) {
    let mut slashes = spec.match_indices('/').map(|(i, _)| i);
    let cut = if spec.starts_with('@') {
        slashes.nth(1)
    } else {
        slashes.next()
    };
    match cut {
        Some(i) => (&spec[..i], &spec[i + 1..]),
        None => (spec, ""),
    }
}

pub fn parse(path: &str, text: &str) -> Result<RawTsConfig, ParseError> {
    let root = json::parse(text, Dialect::Jsonc)?;
    let Value::Object(object) = &root else {
        return Err(ParseError::new("tsconfig must contain a JSON object"));
    };
    let spans = Spans::new(text);
    let mut config = RawTsConfig {
        path: path.to_string(),
        ..RawTsConfig::default()
    };

    if let Some(prop) = object.get("extends") {
        let span = spans.of(prop.range);
        match &prop.value {
            Value::StringLit(s) => config.extends.push(Located {
                value: s.value.to_string(),
                span,
            }),
            Value::Array(a) => {
                config
                    .extends
                    .extend(a.elements.iter().filter_map(json::as_str).map(|s| Located {
                        value: s.to_string(),
                        span,
                    }))
            }
            _ => {}
        }
    }
    let strings = |name: &str| {
        object.get_array(name).map(|a| {
            a.elements
                .iter()
                .filter_map(json::as_str)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
    };
    config.files = strings("files");
    config.include = strings("include");
    config.exclude = strings("exclude");
    if let Some(refs) = object.get_array("references") {
        for element in &refs.elements {
            let Value::Object(reference) = element else {
                continue;
            };
            let Some(p) = reference.get_string("path") else {
                continue;
            };
            config.references.push(Located {
                value: p.value.to_string(),
                span: spans.of(p.range),
            });
        }
    }
    if let Some(options) = object.get_object("compilerOptions") {
        let string = |name: &str| options.get_string(name).map(|s| s.value.to_string());
        let o = &mut config.compiler_options;
        o.base_url = string("baseUrl");
        o.module = string("module").map(|m| m.to_ascii_lowercase());
        o.module_resolution = string("moduleResolution").map(|m| m.to_ascii_lowercase());
        o.out_dir = string("outDir");
        o.root_dir = string("rootDir");
        o.composite = options.get_boolean("composite").map(|b| b.value);
        o.emit_decorator_metadata = options
            .get_boolean("emitDecoratorMetadata")
            .map(|b| b.value);
        o.verbatim_module_syntax = options.get_boolean("verbatimModuleSyntax").map(|b| b.value);
        o.root_dirs = options.get_array("rootDirs").map(|a| {
            a.elements
                .iter()
                .filter_map(json::as_str)
                .map(str::to_string)
                .collect()
        });
        o.types = options.get_array("types").map(|a| {
            a.elements
                .iter()
                .filter_map(json::as_str)
                .map(str::to_string)
                .collect()
        });
        o.paths = options.get_object("paths").map(|paths| {
            paths
                .properties
                .iter()
                .map(|p| {
                    let targets = match &p.value {
                        Value::Array(a) => a
                            .elements
                            .iter()
                            .filter_map(json::as_str)
                            .map(str::to_string)
                            .collect(),
                        _ => Vec::new(),
                    };
                    (p.name.as_str().to_string(), targets)
                })
                .collect()
        });
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_comments_and_trailing_commas() -> Result<(), Box<dyn std::error::Error>> {
        let text = r#"{
  // base config
  "extends": ["./base.json", "@acme/tsconfig/node.json"],
  "compilerOptions": {
    "baseUrl": ".",
    "paths": { "@app/*": ["src/app/*"], },
    /* block */ "moduleResolution": "NodeNext",
  },
  "references": [{ "path": "../shared" }],
}"#;
        let config = parse("apps/api/tsconfig.json", text)?;
        assert_eq!(config.extends.len(), 2);
        assert_eq!(config.compiler_options.base_url.as_deref(), Some("."));
        assert_eq!(
            config.compiler_options.module_resolution.as_deref(),
            Some("nodenext")
        );
        assert_eq!(
            config.compiler_options.paths,
            Some(vec![("@app/*".to_string(), vec!["src/app/*".to_string()])])
        );
        assert_eq!(config.references[0].value, "../shared");
        Ok(())
    }

    #[test]
    fn splits_scoped_and_plain_specifiers() {
        assert_eq!(split_package_specifier("@a/b/c/d"), ("@a/b", "c/d"));
        assert_eq!(split_package_specifier("@a/b"), ("@a/b", ""));
        assert_eq!(split_package_specifier("lodash/fp"), ("lodash", "fp"));
        assert_eq!(split_package_specifier("lodash"), ("lodash", ""));
    }
}
