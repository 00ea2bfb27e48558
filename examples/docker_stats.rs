//! What the Docker model makes of a repository's image builds: each Dockerfile with the
//! context it is built from and how that was found, and each stage with its base, user, the
//! installs and builds it runs, and what lands where. For corpus audits of the docker/ rules.
//!
//! ```text
//! cargo run --release --example docker_stats -- path/to/monorepo [--entries] [--only PATH] [--time]
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: docker_stats PATH [--entries] [--only DOCKERFILE]");
        return ExitCode::from(2);
    };
    let rest: Vec<String> = args.collect();
    let entries = rest.iter().any(|a| a == "--entries");
    let only = rest
        .iter()
        .position(|a| a == "--only")
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
    if rest.iter().any(|a| a == "--time") {
        // The Dockerfile stages alone: read and parse every Dockerfile, then build the Docker
        // model (contexts and the simulation), best of 10 runs each.
        let texts: Vec<(String, String)> = model
            .dockerfiles
            .iter()
            .filter_map(|d| {
                std::fs::read_to_string(std::path::Path::new(&root).join(&d.path))
                    .ok()
                    .map(|t| (d.path.clone(), t))
            })
            .collect();
        let best = |f: &dyn Fn()| {
            (0..10)
                .map(|_| {
                    let start = std::time::Instant::now();
                    f();
                    start.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        let parse = best(&|| {
            for (path, text) in &texts {
                let _ = seaworthy::parse::dockerfile::parse(path, text);
            }
        });
        let build = best(&|| {
            let _ = seaworthy::model::docker::Docker::build(model);
        });
        println!(
            "{} Dockerfiles: parse {:.2} ms, contexts and simulation {:.2} ms, {} builds",
            texts.len(),
            parse.as_secs_f64() * 1000.0,
            build.as_secs_f64() * 1000.0,
            model.docker.builds.len()
        );
        return ExitCode::SUCCESS;
    }
    for (i, build) in model.docker.builds.iter().enumerate() {
        let Some(df) = model.dockerfiles.get(build.dockerfile) else {
            continue;
        };
        if only.as_deref().is_some_and(|o| o != df.path) {
            continue;
        }
        let missing = build.sources.iter().filter(|s| !s.exists).count();
        println!(
            "#{i} {} context={:?} ({}) trusted={} target={} sources={} missing={missing} services={:?}",
            df.path,
            build.context.dir,
            build.context.how.describe(),
            build.context.trusted,
            build.target,
            build.sources.len(),
            build.services
        );
        for (s, stage) in build.stages.iter().enumerate() {
            println!(
                "  stage {s} {:?} kind={} user={:?} workdir={} opaque={:?} tools={:?}",
                stage.name,
                stage.base_kind().unwrap_or("unknown"),
                stage.effective_user(),
                stage.workdir,
                stage.opaque,
                stage.tools
            );
            for install in &stage.installs {
                let packages: Vec<&str> = model
                    .docker
                    .install_packages(model, i, s, install)
                    .into_iter()
                    .map(|p| model.packages[p].name())
                    .collect();
                println!(
                    "    install@{} `{}` in {} frozen={} production={:?} packages={packages:?} lockfile={:?}",
                    install.instruction + 1,
                    install.install.text,
                    install.dir,
                    install.install.frozen,
                    install.install.production,
                    build.lockfile_present(model, s, install)
                );
            }
            for b in &stage.builds {
                println!("    build@{} in {}: {:?}", b.instruction + 1, b.dir, b.step);
            }
            if entries {
                for e in &stage.entries {
                    println!(
                        "    entry@{} {} <- {:?}",
                        e.instruction + 1,
                        e.dest,
                        e.entry
                    );
                }
            }
        }
        for s in build
            .sources
            .iter()
            .filter(|s| !s.exists || s.ignored.is_some())
        {
            println!(
                "  source line {} `{}` exists={} ignored={:?}",
                df.instructions.get(s.instruction).map_or(0, |i| i.line),
                s.path,
                s.exists,
                s.ignored
            );
        }
    }
    ExitCode::SUCCESS
}
