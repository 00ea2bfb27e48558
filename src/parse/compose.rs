//! docker-compose files: the services and how each is built. The whole tree is kept so the
//! compose rules can read any key with its position.

use super::ParseError;
use super::yaml::{self, YamlNode, YamlValue};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ComposeService {
    pub name: String,
    pub span: Span,
    /// `build` (string form or `build.context`), relative to the compose file, as written.
    pub build_context: Option<String>,
    /// `build.dockerfile`, relative to the context, as written.
    pub build_dockerfile: Option<String>,
    pub image: Option<String>,
    pub node: YamlNode,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ComposeFile {
    pub path: String,
    pub services: Vec<ComposeService>,
    pub root: YamlNode,
    /// Found by the walk (a `docker-compose*.yml`/`compose*.yaml` name); `false` for a file
    /// read only because another names it (`extends.file`, `include`).
    pub discovered: bool,
}

pub fn parse(path: &str, text: &str) -> Result<ComposeFile, ParseError> {
    let root = yaml::parse(text)?;
    match &root.value {
        YamlValue::Map(_) => {}
        YamlValue::Null => return Err(ParseError::new("empty compose file")),
        _ => {
            return Err(ParseError::new(
                "a compose file must be a mapping at the top level",
            ));
        }
    }
    let mut services = Vec::new();
    if let Some(node) = root.get("services") {
        for (name, span, service) in node.entries() {
            let build = service.get("build");
            let (build_context, build_dockerfile) = match build.map(|b| &b.value) {
                Some(YamlValue::Scalar(context)) => (Some(context.clone()), None),
                Some(YamlValue::Map(_)) => {
                    let b = build.map(|b| (b.get("context"), b.get("dockerfile")));
                    let (context, dockerfile) = b.unwrap_or((None, None));
                    (
                        Some(
                            context
                                .and_then(YamlNode::as_str)
                                .unwrap_or(".")
                                .to_string(),
                        ),
                        dockerfile.and_then(YamlNode::as_str).map(str::to_string),
                    )
                }
                _ => (None, None),
            };
            services.push(ComposeService {
                name: name.clone(),
                span: *span,
                build_context,
                build_dockerfile,
                image: service
                    .get("image")
                    .and_then(YamlNode::as_str)
                    .map(str::to_string),
                node: service.clone(),
            });
        }
    }
    Ok(ComposeFile {
        path: path.to_string(),
        services,
        root,
        discovered: true,
    })
}

/// The files a compose file names, repository-relative, with whether each is a compose file
/// (`extends.file`, `include`) or an env file (`env_file`). Paths with variables are left out.
/// Relative paths resolve from the file's folder.
pub fn references(file: &ComposeFile) -> Vec<(String, bool)> {
    let dir = crate::paths::parent(&file.path);
    let mut out = Vec::new();
    let mut push = |written: Option<&str>, is_compose: bool| {
        if let Some(w) = written.filter(|w| !w.contains('$') && !w.is_empty())
            && let Some(p) = crate::paths::join(dir, w.strip_prefix("./").unwrap_or(w))
        {
            out.push((p, is_compose));
        }
    };
    for item in file.root.get("include").map_or(&[][..], YamlNode::items) {
        match item.get("path") {
            Some(p) if p.as_str().is_some() => push(p.as_str(), true),
            Some(p) => p.items().iter().for_each(|i| push(i.as_str(), true)),
            None => push(item.as_str(), true),
        }
        if let Some(env) = item.get("env_file") {
            push(env.as_str(), false);
            env.items().iter().for_each(|i| push(i.as_str(), false));
        }
    }
    for svc in &file.services {
        if let Some(f) = svc.node.get("extends").and_then(|e| e.get("file")) {
            push(f.as_str(), true);
        }
        if let Some(env) = svc.node.get("env_file") {
            push(env.as_str(), false);
            for i in env.items() {
                push(
                    i.as_str()
                        .or_else(|| i.get("path").and_then(YamlNode::as_str)),
                    false,
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_build_in_both_forms() -> Result<(), Box<dyn std::error::Error>> {
        let text = "services:\n  api:\n    build:\n      context: ./apps/api\n      dockerfile: Dockerfile.prod\n  web:\n    build: ./apps/web\n  db:\n    image: postgres:16\n";
        let compose = parse("docker-compose.yml", text)?;
        let api = &compose.services[0];
        assert_eq!(api.build_context.as_deref(), Some("./apps/api"));
        assert_eq!(api.build_dockerfile.as_deref(), Some("Dockerfile.prod"));
        assert_eq!(
            compose.services[1].build_context.as_deref(),
            Some("./apps/web")
        );
        assert_eq!(compose.services[2].image.as_deref(), Some("postgres:16"));
        assert_eq!(compose.services[2].span.line, 8);
        assert!(parse("x.yml", "services: [").is_err());
        Ok(())
    }
}
