//! What the compose model makes of a repository's compose files, one JSON object per project,
//! in the shape `docker-compose config` prints (services with their image, build, environment,
//! ports, volumes, depends_on, healthcheck and profiles; values interpolated with the shell
//! assumed empty). For `scripts/compose-differential.py`.
//!
//! ```text
//! cargo run --release --example compose_config -- path/to/monorepo [--project FILE]
//! ```

use std::process::ExitCode;

use seaworthy::model::compose::{Node, Value};
use serde_json::{Map, Value as Json, json};

fn plain(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Scalar(s) => Json::String(s.text().to_string()),
        Value::Seq(items) => Json::Array(items.iter().map(plain).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), plain(&e.value)))
                .collect(),
        ),
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: compose_config PATH [--project FILE]");
        return ExitCode::from(2);
    };
    let rest: Vec<String> = args.collect();
    let only = rest
        .iter()
        .position(|a| a == "--project")
        .and_then(|i| rest.get(i + 1).cloned());
    let options = seaworthy::ScanOptions::new(&root);
    let prepared = match seaworthy::prepare(&options, &|_| {}) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut out = Vec::new();
    for project in &prepared.model.compose.projects {
        if only
            .as_ref()
            .is_some_and(|o| project.files.first() != Some(o))
        {
            continue;
        }
        let mut services = Map::new();
        for s in &project.services {
            let mut svc = Map::new();
            if let Some(image) = s.image() {
                svc.insert("image".into(), json!(image));
            }
            if let Some(build) = s.get("build") {
                let context = build.get("context").and_then(|c| {
                    let written = c.text()?;
                    Some(if written.contains("://") {
                        written.to_string()
                    } else {
                        project.resolve(c, written)?
                    })
                });
                svc.insert(
                    "build".into(),
                    json!({
                        "context": context,
                        "dockerfile": build.get("dockerfile").and_then(Node::text),
                        "target": build.get("target").and_then(Node::text),
                    }),
                );
            }
            let env: Map<String, Json> = s
                .environment()
                .iter()
                .map(|e| {
                    let v = match &e.source {
                        seaworthy::model::compose::EnvSource::Value(n) => {
                            n.text().map_or(Json::Null, |t| json!(t))
                        }
                        seaworthy::model::compose::EnvSource::Shell => Json::Null,
                    };
                    (e.name.to_string(), v)
                })
                .collect();
            if !env.is_empty() {
                svc.insert("environment".into(), Json::Object(env));
            }
            let env_files: Vec<Json> = s
                .env_files()
                .iter()
                .map(|f| {
                    json!({
                        "path": project.resolve(f.node, f.path),
                        "required": f.required,
                    })
                })
                .collect();
            if !env_files.is_empty() {
                svc.insert("env_file".into(), Json::Array(env_files));
            }
            let ports: Vec<Json> = s
                .ports()
                .iter()
                .map(|p| {
                    json!({
                        "host_ip": p.host_ip,
                        "published": p.published.map(|(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }),
                        "target": p.target,
                        "protocol": p.protocol,
                    })
                })
                .collect();
            if !ports.is_empty() {
                svc.insert("ports".into(), Json::Array(ports));
            }
            let volumes: Vec<Json> = s
                .volumes()
                .iter()
                .map(|(v, _)| {
                    json!({
                        "type": format!("{:?}", v.kind).to_lowercase(),
                        "source": v.source,
                        "target": v.target,
                        "read_only": v.read_only,
                    })
                })
                .collect();
            if !volumes.is_empty() {
                svc.insert("volumes".into(), Json::Array(volumes));
            }
            let deps: Map<String, Json> = s
                .depends_on()
                .iter()
                .map(|d| {
                    (
                        d.name.to_string(),
                        json!({ "condition": d.condition, "required": d.required }),
                    )
                })
                .collect();
            if !deps.is_empty() {
                svc.insert("depends_on".into(), Json::Object(deps));
            }
            if let Some(h) = s.get("healthcheck") {
                svc.insert("healthcheck".into(), plain(h));
            }
            for key in [
                "command",
                "entrypoint",
                "restart",
                "user",
                "privileged",
                "network_mode",
                "init",
                "mem_limit",
                "cpus",
            ] {
                if let Some(v) = s.get(key) {
                    svc.insert(key.into(), plain(v));
                }
            }
            if !s.profiles.is_empty() {
                svc.insert("profiles".into(), json!(s.profiles));
            }
            services.insert(s.name.clone(), Json::Object(svc));
        }
        out.push(json!({
            "files": project.files,
            "dir": project.dir,
            "dotenv": project.dotenv,
            "services": services,
            "problems": project.problems.iter().map(|p| format!("{}:{}: {}", p.file, p.span.line, p.message)).collect::<Vec<_>>(),
        }));
    }
    match serde_json::to_string_pretty(&out) {
        Ok(s) => println!("{s}"),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
