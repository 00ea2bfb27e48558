//! What the compose model makes of a repository's compose files, one JSON object per project:
//! its files, directory, `.env` and problems, and its services as `docker compose config`
//! prints them, normalized for comparison (`seaworthy::model::compose::config`: image, build,
//! environment with env files read in, ports, volumes, depends_on, healthcheck test, profiles;
//! the shell assumed to set nothing). Read by `scripts/compose-differential.py`.
//!
//! ```text
//! cargo run --release --example compose_config -- path/to/monorepo [--project FILE]
//! ```

use std::process::ExitCode;

use seaworthy::model::compose::config::config;
use serde_json::{Value as Json, json};

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
    let model = &prepared.model;
    let out: Vec<Json> = model
        .compose
        .projects
        .iter()
        .filter(|p| only.is_none() || p.files.first() == only.as_ref())
        .map(|project| {
            let mut entry = json!({
                "files": project.files,
                "dir": project.dir,
                "dotenv": project.dotenv,
                "problems": project
                    .problems
                    .iter()
                    .map(|p| format!("{}:{}: {}", p.file, p.span.line, p.message))
                    .collect::<Vec<_>>(),
            });
            entry["services"] = config(project, &model.dotenvs)["services"].take();
            entry
        })
        .collect();
    match serde_json::to_string_pretty(&out) {
        Ok(s) => println!("{s}"),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
