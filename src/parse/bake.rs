//! `docker buildx bake` files (`docker-bake.hcl`, `docker-bake.json`, and their `.override`
//! variants): the targets they build, each with its context, Dockerfile, stage and build
//! arguments, `inherits` followed. Read with hcl-rs for HCL and serde_json for JSON. A value
//! that is a template (`"${TAG}"`) or any other expression is decided when bake runs, and is
//! left unknown; so is a target that `inherits` more than eight levels deep.

use std::collections::BTreeMap;

use super::ParseError;

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct BakeTarget {
    pub name: String,
    /// As written, relative to the bake file's folder; `None` when not given (bake's default
    /// is `.`) or decided by an expression.
    pub context: Option<String>,
    /// Relative to the context; `None` for bake's default `Dockerfile`.
    pub dockerfile: Option<String>,
    pub target: Option<String>,
    pub args: BTreeMap<String, String>,
    /// Whether `context` was written as something other than a plain string.
    pub context_unknown: bool,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct BakeFile {
    pub path: String,
    pub targets: Vec<BakeTarget>,
}

#[derive(Debug, Clone, Default)]
struct Raw {
    context: Option<Option<String>>,
    dockerfile: Option<Option<String>>,
    target: Option<Option<String>>,
    args: BTreeMap<String, String>,
    inherits: Vec<String>,
}

const MAX_INHERITS: usize = 8;

pub fn parse(path: &str, text: &str) -> Result<BakeFile, ParseError> {
    let raw = if path.ends_with(".json") {
        from_json(text)?
    } else {
        from_hcl(text)?
    };
    let mut targets = Vec::new();
    for name in raw.keys() {
        let mut merged = Raw::default();
        resolve(&raw, name, 0, &mut merged);
        let known = |v: Option<Option<String>>| v.flatten();
        targets.push(BakeTarget {
            name: name.clone(),
            context_unknown: matches!(merged.context, Some(None)),
            context: known(merged.context),
            dockerfile: known(merged.dockerfile),
            target: known(merged.target),
            args: merged.args,
        });
    }
    Ok(BakeFile {
        path: path.to_string(),
        targets,
    })
}

/// Fills `out` with the target's settings over those it inherits.
fn resolve(raw: &BTreeMap<String, Raw>, name: &str, depth: usize, out: &mut Raw) {
    let Some(target) = raw.get(name) else { return };
    if depth < MAX_INHERITS {
        for parent in &target.inherits {
            resolve(raw, parent, depth + 1, out);
        }
    }
    if target.context.is_some() {
        out.context = target.context.clone();
    }
    if target.dockerfile.is_some() {
        out.dockerfile = target.dockerfile.clone();
    }
    if target.target.is_some() {
        out.target = target.target.clone();
    }
    out.args.extend(target.args.clone());
}

/// A plain string, else `None` (an expression or a template bake evaluates).
fn literal(text: Option<&str>) -> Option<String> {
    text.filter(|t| !t.contains("${")).map(str::to_string)
}

/// The deepest `{`/`[`/`(` nesting of HCL text, counted outside strings and comments, with
/// the position where it first passes [`MAX_NESTING`](super::MAX_NESTING): hcl-rs's parser
/// and its expression tree recurse once per level, so deeper text is refused before it.
fn too_deep(text: &str) -> Option<(u32, u32)> {
    let mut depth = 0usize;
    let (mut line, mut column) = (1u32, 0u32);
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            line += 1;
            column = 0;
            continue;
        }
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                    column += 1;
                }
                '"' => in_string = false,
                // `${…}` inside a string opens an expression.
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        } else {
            match c {
                '"' => in_string = true,
                '#' => {
                    for n in chars.by_ref() {
                        if n == '\n' {
                            line += 1;
                            column = 0;
                            break;
                        }
                    }
                    continue;
                }
                '{' | '[' | '(' => depth += 1,
                '}' | ']' | ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if depth > super::MAX_NESTING {
            return Some((line, column));
        }
    }
    None
}

fn from_hcl(text: &str) -> Result<BTreeMap<String, Raw>, ParseError> {
    if let Some((line, column)) = too_deep(text) {
        return Err(super::too_deep(line, column));
    }
    let body: hcl::Body = hcl::from_str(text)
        .map_err(|e| ParseError::new(format!("not valid HCL: {}", first_line(&e.to_string()))))?;
    let mut out = BTreeMap::new();
    for block in body.blocks().filter(|b| b.identifier() == "target") {
        let Some(name) = block.labels().first().map(|l| l.as_str().to_string()) else {
            continue;
        };
        let mut raw = Raw::default();
        for attr in block.body().attributes() {
            let string = match attr.expr() {
                hcl::Expression::String(s) => literal(Some(s)),
                _ => None,
            };
            match attr.key() {
                "context" => raw.context = Some(string),
                "dockerfile" => raw.dockerfile = Some(string),
                "target" => raw.target = Some(string),
                "inherits" => {
                    if let hcl::Expression::Array(items) = attr.expr() {
                        raw.inherits = items
                            .iter()
                            .filter_map(|i| match i {
                                hcl::Expression::String(s) => Some(s.clone()),
                                _ => None,
                            })
                            .collect();
                    }
                }
                "args" => {
                    if let hcl::Expression::Object(map) = attr.expr() {
                        for (k, v) in map {
                            let key = match k {
                                hcl::ObjectKey::Identifier(i) => i.as_str().to_string(),
                                hcl::ObjectKey::Expression(hcl::Expression::String(s)) => s.clone(),
                                _ => continue,
                            };
                            if let hcl::Expression::String(v) = v
                                && let Some(v) = literal(Some(v))
                            {
                                raw.args.insert(key, v);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out.insert(name, raw);
    }
    Ok(out)
}

fn from_json(text: &str) -> Result<BTreeMap<String, Raw>, ParseError> {
    let value = crate::parse::json::to_serde(&crate::parse::json::parse(
        text,
        crate::parse::json::Dialect::Json,
    )?);
    let mut out = BTreeMap::new();
    let Some(targets) = value.get("target").and_then(|t| t.as_object()) else {
        return Ok(out);
    };
    for (name, t) in targets {
        let field = |k: &str| t.get(k).map(|v| literal(v.as_str()));
        out.insert(
            name.clone(),
            Raw {
                context: field("context"),
                dockerfile: field("dockerfile"),
                target: field("target"),
                args: t
                    .get("args")
                    .and_then(|a| a.as_object())
                    .map(|a| {
                        a.iter()
                            .filter_map(|(k, v)| Some((k.clone(), literal(v.as_str())?)))
                            .collect()
                    })
                    .unwrap_or_default(),
                inherits: t
                    .get("inherits")
                    .and_then(|i| i.as_array())
                    .map(|i| {
                        i.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            },
        );
    }
    Ok(out)
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_targets_with_inheritance_and_leaves_templates_unknown() -> Result<(), ParseError> {
        let text = r#"
variable "TAG" { default = "latest" }
group "default" { targets = ["api", "web"] }
target "base" {
  context = "."
  args = { NODE_VERSION = "20", TAG = "${TAG}" }
}
target "api" {
  inherits = ["base"]
  dockerfile = "apps/api/Dockerfile"
  target = "runner"
}
target "web" {
  context = "${CTX}"
}
"#;
        let bake = parse("docker-bake.hcl", text)?;
        let api = bake
            .targets
            .iter()
            .find(|t| t.name == "api")
            .cloned()
            .unwrap_or_default();
        assert_eq!(api.context.as_deref(), Some("."));
        assert_eq!(api.dockerfile.as_deref(), Some("apps/api/Dockerfile"));
        assert_eq!(api.target.as_deref(), Some("runner"));
        assert_eq!(api.args.get("NODE_VERSION").map(String::as_str), Some("20"));
        assert!(!api.args.contains_key("TAG"));
        let web = bake
            .targets
            .iter()
            .find(|t| t.name == "web")
            .cloned()
            .unwrap_or_default();
        assert!(web.context_unknown && web.context.is_none());
        assert!(parse("docker-bake.hcl", "target {").is_err());
        Ok(())
    }

    #[test]
    fn reads_the_json_form_and_survives_inheritance_cycles() -> Result<(), ParseError> {
        let json = r#"{ "target": { "a": { "inherits": ["b"], "context": "apps/a" }, "b": { "inherits": ["a"], "dockerfile": "Dockerfile.prod" } } }"#;
        let bake = parse("docker-bake.json", json)?;
        let a = bake
            .targets
            .iter()
            .find(|t| t.name == "a")
            .cloned()
            .unwrap_or_default();
        assert_eq!(a.context.as_deref(), Some("apps/a"));
        assert_eq!(a.dockerfile.as_deref(), Some("Dockerfile.prod"));
        Ok(())
    }
}
