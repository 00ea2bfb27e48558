//! A project as `docker compose config` prints it, reduced to the keys the compose rules read
//! and normalized so that two tools' answers compare with `==`: what
//! `examples/compose_config.rs` prints, what `scripts/compose-differential.py` compares with
//! the real `docker-compose config`, and what `tests/compose.rs` holds the model to.
//!
//! Per service: `image`; `build` (`context` repository-relative, `dockerfile` defaulting to
//! `Dockerfile`, `target`); `environment` with its `env_file`s read in, as Compose resolves it
//! (compose-go `Project.WithServicesEnvironmentResolved`); `ports` one entry per port (a
//! `8080-8081:80-81` range is two, as Compose expands it), sorted; `expose` sorted; `volumes` with bind sources
//! repository-relative, sorted by target; `depends_on` as name → condition; the healthcheck
//! `test` as a list (a string is `["CMD-SHELL", …]`, `disable: true` is `["NONE"]`);
//! `profiles`. Values are interpolated with the shell assumed to set nothing, as
//! `docker compose config` prints them in an empty environment. Keys with nothing to say are
//! left out.

use serde_json::{Map, Value as Json, json};

use super::interpolate::interpolate;
use super::node::{Node, Value};
use super::service::{EnvSource, VolumeKind};
use super::{Project, Service};
use crate::parse::dotenv::{DotEnv, Quote};

/// `{"services": {name: {…}}}` for one project. `dotenvs` are the repository's env files
/// (the model's), which `env_file` and `.env` are read from.
pub fn config(project: &Project, dotenvs: &[DotEnv]) -> Json {
    let services: Map<String, Json> = project
        .services
        .iter()
        .map(|s| (s.name.clone(), service(project, s, dotenvs)))
        .collect();
    json!({ "services": services })
}

fn service(project: &Project, s: &Service, dotenvs: &[DotEnv]) -> Json {
    let mut out = Map::new();
    if let Some(image) = s.image() {
        out.insert("image".into(), json!(image));
    }
    if let Some(build) = s.get("build") {
        out.insert("build".into(), self::build(project, build));
    }
    let env = environment(project, s, dotenvs);
    if !env.is_empty() {
        out.insert("environment".into(), Json::Object(env));
    }
    let ports = ports(s);
    if !ports.is_empty() {
        out.insert("ports".into(), Json::Array(ports));
    }
    let mut expose: Vec<&str> = s
        .get("expose")
        .map(|e| e.items().iter().filter_map(Node::text).collect())
        .unwrap_or_default();
    expose.sort_unstable();
    if !expose.is_empty() {
        out.insert("expose".into(), json!(expose));
    }
    let volumes = volumes(project, s);
    if !volumes.is_empty() {
        out.insert("volumes".into(), Json::Array(volumes));
    }
    let deps: Map<String, Json> = s
        .depends_on()
        .into_iter()
        .map(|d| (d.name.to_string(), json!(d.condition)))
        .collect();
    if !deps.is_empty() {
        out.insert("depends_on".into(), Json::Object(deps));
    }
    if let Some(h) = s.get("healthcheck") {
        out.insert("healthcheck".into(), healthcheck(h));
    }
    if !s.profiles.is_empty() {
        out.insert("profiles".into(), json!(s.profiles));
    }
    Json::Object(out)
}

/// A path written in `node`, repository-relative (`.` for the root); one that leaves the
/// repository keeps its `../`; absolute paths, `~` paths and URLs as written.
fn path(project: &Project, node: &Node, written: &str) -> String {
    if written.starts_with(['/', '~']) || written.contains("://") || written.starts_with("git@") {
        return written.to_string();
    }
    let base = project.resolve(node, ".").unwrap_or_default();
    let mut up = 0;
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in written.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    up += 1;
                }
            }
            p => parts.push(p),
        }
    }
    let mut out: Vec<&str> = vec![".."; up];
    out.extend(parts);
    if out.is_empty() {
        ".".to_string()
    } else {
        out.join("/")
    }
}

fn build(project: &Project, build: &Node) -> Json {
    let context = match build.get("context") {
        Some(c) => c.text().map(|t| path(project, c, t)),
        None => Some(path(project, build, ".")),
    };
    json!({
        "context": context,
        "dockerfile": build.get("dockerfile").and_then(Node::text).unwrap_or("Dockerfile"),
        "target": build.get("target").and_then(Node::text),
    })
}

/// `env_file`s in order (a later file wins), then `environment` over them. A bare `KEY` takes
/// its value from the project environment (its `.env`, the shell being empty);
/// unresolved, it stays `null` in `environment` and is dropped from an env file (compose-go
/// `dotenv` keeps an inherited key only when the lookup finds it). Env-file values are
/// interpolated like compose values, unless single-quoted, from the project environment, then
/// the service's `environment`, then the env files' earlier variables (compose-go
/// `dotenv.expandVariables`).
fn environment(project: &Project, s: &Service, dotenvs: &[DotEnv]) -> Map<String, Json> {
    let project_env = |name: &str| -> Option<String> { project.environment.get(name).cloned() };
    let own: Vec<(&str, Option<String>)> = s
        .environment()
        .iter()
        .map(|e| {
            let value = match &e.source {
                EnvSource::Value(n) => n.text().map(str::to_string),
                EnvSource::Shell => project_env(e.name),
            };
            (e.name, value)
        })
        .collect();
    let mut out = Map::new();
    for f in s.env_files() {
        let Some(file) = project
            .resolve(f.node, f.path)
            .and_then(|p| dotenvs.iter().find(|d| d.path == p))
        else {
            continue;
        };
        for var in &file.vars {
            let value = match (&var.value, var.quote) {
                (None, _) => project_env(&var.name),
                (Some(v), Quote::Single) => Some(v.clone()),
                (Some(v), _) => {
                    let lookup = |name: &str| {
                        project_env(name)
                            .or_else(|| {
                                own.iter()
                                    .find(|(k, _)| *k == name)
                                    .and_then(|(_, v)| v.clone())
                            })
                            .or_else(|| out.get(name).and_then(Json::as_str).map(str::to_string))
                    };
                    Some(interpolate(v, &lookup).assumed)
                }
            };
            if let Some(value) = value {
                out.insert(var.name.clone(), json!(value));
            }
        }
    }
    for (name, value) in own {
        out.insert(name.to_string(), json!(value));
    }
    out
}

/// One entry per port: a range mapped onto a range of the same length is expanded.
fn ports(s: &Service) -> Vec<Json> {
    let mut out = Vec::new();
    for p in s.ports() {
        let entry = |published: Option<String>, target: String| {
            json!({
                "host_ip": p.host_ip,
                "published": published,
                "target": target,
                "protocol": p.protocol,
            })
        };
        let targets = range(&p.target);
        match (targets, p.published) {
            (Some((a, b)), None) if a < b => {
                out.extend((a..=b).map(|t| entry(None, t.to_string())));
            }
            (Some((a, b)), Some((pa, pb))) if a < b && pb - pa == b - a => {
                out.extend(
                    (a..=b)
                        .zip(pa..=pb)
                        .map(|(t, p)| entry(Some(p.to_string()), t.to_string())),
                );
            }
            (_, published) => {
                let published = published.map(|(a, b)| {
                    if a == b {
                        a.to_string()
                    } else {
                        format!("{a}-{b}")
                    }
                });
                out.push(entry(published, p.target.clone()));
            }
        }
    }
    out.sort_by_key(Json::to_string);
    out
}

fn range(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

fn volumes(project: &Project, s: &Service) -> Vec<Json> {
    let mut out: Vec<Json> = s
        .volumes()
        .into_iter()
        .map(|(v, node)| {
            let source = match (&v.source, v.kind) {
                (Some(src), VolumeKind::Bind) => Some(path(project, node, src)),
                (source, _) => source.clone(),
            };
            json!({
                "type": format!("{:?}", v.kind).to_lowercase(),
                "source": source,
                "target": v.target,
                "read_only": v.read_only,
            })
        })
        .collect();
    out.sort_by_key(|v| v["target"].to_string());
    out
}

fn healthcheck(h: &Node) -> Json {
    if h.get("disable").is_some_and(Node::is_true) {
        return json!(["NONE"]);
    }
    match h.get("test").map(|t| &t.value) {
        Some(Value::Scalar(s)) => json!(["CMD-SHELL", s.text()]),
        Some(Value::Seq(items)) => Json::Array(
            items
                .iter()
                .map(|i| json!(i.text().unwrap_or("")))
                .collect(),
        ),
        _ => Json::Null,
    }
}
