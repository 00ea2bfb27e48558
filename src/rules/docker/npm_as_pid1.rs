use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::model::docker::commands::{self, Manager, Step};
use crate::model::{Model, Package};
use crate::parse::shell::{self, Command};
use crate::paths;
use crate::rules::docker::{
    Image, Launch, Runner, applies, compose_flag, compose_runners, for_service, images, launch,
    process,
};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a shipped image whose `CMD`/`ENTRYPOINT` (or the compose `command`/`entrypoint`
    /// of a service that runs it) starts the app through a package manager: `npm start`,
    /// `npm run start:prod`, `yarn start`, `pnpm --filter api start`, in exec or shell form,
    /// also inside `sh -c "…"`. At info level, it also flags `node` started as PID 1 with no
    /// init: no `tini`/`dumb-init` before it and no compose `init: true`.
    ///
    /// An `ENTRYPOINT` script of the repository decides what runs (whether it `exec`s its
    /// arguments is not read), so such images are not judged; the node image's own
    /// `docker-entrypoint.sh` execs its arguments and is seen through. Migration and seed
    /// jobs run through npm are not flagged.
    ///
    /// ## Why is this bad?
    /// The package manager becomes PID 1 (or the shell's child) between the engine and node.
    /// npm and yarn do not reliably forward `SIGTERM` to the app, so `docker stop` and a
    /// rolling deploy never trigger its graceful shutdown: open requests are cut and the
    /// container is killed after the stop timeout. It is also one process more, for nothing.
    /// node itself as PID 1 has no default signal handlers and does not reap zombies, which
    /// an init does for it (docker-node's best practices).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY --from=build /app ./
    /// CMD ["npm", "run", "start:prod"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends tini
    /// COPY --from=build /app ./
    /// ENTRYPOINT ["tini", "--"]
    /// CMD ["node", "dist/main.js"]
    /// ```
    /// or `init: true` on the compose service.
    pub struct NpmAsPid1 {
        id: "docker/npm-as-pid1",
        category: Container,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::Compose, FileKind::PackageJson],
        summary: "`CMD`/`ENTRYPOINT` starting the app through npm/yarn/pnpm; `node` as PID 1 with no init (info)",
    }
}

/// Script names of one-off jobs, which need no graceful shutdown.
const ONE_OFF_MARKERS: &[&str] = &["migrat", "seed"];

/// How one way of running the image starts the app.
struct Start<'a> {
    launch: Launch,
    /// An init runs first (`tini`, `dumb-init`, compose `init: true`).
    init: bool,
    runner: Option<&'a Runner<'a>>,
    found: Found,
}

enum Found {
    /// A package manager running a script.
    Manager {
        manager: Manager,
        script: String,
        filters: Vec<String>,
        text: String,
    },
    /// node as PID 1 without an init.
    BareNode,
}

impl Rule for NpmAsPid1 {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        for image in images(model) {
            let runners = compose_runners(model, &image);
            let ways: Vec<Option<&Runner<'_>>> = if runners.is_empty() {
                vec![None]
            } else {
                runners.iter().map(Some).collect()
            };
            let mut starts: Vec<Start<'_>> = Vec::new();
            for way in ways {
                let Some(l) = launch(&image, way) else {
                    continue;
                };
                let p = process(&image, &l);
                if p.script.is_some() {
                    continue;
                }
                let Some(main) = p.main() else { continue };
                let init = p.init.is_some() || way.is_some_and(|r| compose_flag(r, "init"));
                let found = match commands::step(main, &|_| None) {
                    Step::RunScript {
                        manager: manager @ (Manager::Npm | Manager::Yarn | Manager::Pnpm),
                        script,
                        filters,
                        text,
                        ..
                    } if !ONE_OFF_MARKERS.iter().any(|m| script.contains(m)) => Found::Manager {
                        manager,
                        script,
                        filters,
                        text,
                    },
                    _ if main.program() == "node" && !init => Found::BareNode,
                    _ => continue,
                };
                starts.push(Start {
                    launch: l,
                    init,
                    runner: way,
                    found,
                });
            }
            // Once per image: the package manager if any way runs it, else a bare node.
            let chosen: Vec<&Start<'_>> = if starts
                .iter()
                .any(|s| matches!(s.found, Found::Manager { .. }))
            {
                starts
                    .iter()
                    .filter(|s| matches!(s.found, Found::Manager { .. }))
                    .collect()
            } else {
                starts.iter().collect()
            };
            let Some(first) = chosen.first() else {
                continue;
            };
            let services: Vec<String> = chosen
                .iter()
                .filter_map(|s| s.runner.map(|r| format!("`{}`", r.name())))
                .collect();
            let Some((path, span)) = place(&image, first) else {
                continue;
            };
            let subject = subject(&image, first, &services);
            let init_hint = "an init as PID 1 (`init: true` on the compose service, `docker run --init`, or `ENTRYPOINT [\"tini\", \"--\"]` with tini installed)";
            let finding = match &first.found {
                Found::Manager {
                    manager,
                    script,
                    filters,
                    text,
                } => {
                    let key = if first.launch.compose {
                        "command:"
                    } else {
                        "CMD"
                    };
                    let direct = direct_command(model, &image, script, filters);
                    let run = match &direct {
                        Some((argv, why)) => format!("run node directly: `{key} {argv}` ({why})"),
                        None => format!(
                            "run node directly: `{key} [\"node\", \"<file>\"]`, with the file the `{script}` script runs"
                        ),
                    };
                    let help = if first.init {
                        run
                    } else {
                        format!("{run}, under {init_hint}")
                    };
                    FindingBuilder::new(
                        &Self::META,
                        &path,
                        span,
                        format!("pm:{}", image.build.stages[image.build.target].name.as_deref().unwrap_or("")),
                        format!(
                            "{subject} starts the app through {} (`{}`): {} stays between the engine and node and does not reliably forward `SIGTERM`, so `docker stop` and rolling deploys skip the app's graceful shutdown and kill it after the timeout",
                            manager.name(),
                            cut(text),
                            manager.name()
                        ),
                    )
                    .help(help)
                }
                Found::BareNode => FindingBuilder::new(
                    &Self::META,
                    &path,
                    span,
                    format!("init:{}", image.build.stages[image.build.target].name.as_deref().unwrap_or("")),
                    format!(
                        "{subject} runs node as PID 1 with no init: node installs no default signal handlers there and reaps no zombie processes, so `SIGTERM` is ignored unless the app handles it"
                    ),
                )
                .severity(Severity::Info)
                .help(format!("start it under {init_hint}")),
            };
            let finding = match first.runner {
                Some(r) if first.launch.compose => finding.service(r.name()),
                _ => for_service(finding, model, &image),
            };
            out.push(finding.build());
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

/// Where to point: the `CMD`/`ENTRYPOINT` line, or the compose key that sets the command.
fn place(image: &Image<'_>, start: &Start<'_>) -> Option<(String, Span)> {
    if start.launch.compose
        && let Some(runner) = start.runner
    {
        let (file, span) = runner
            .get("command")
            .or_else(|| runner.get("entrypoint"))
            .map_or((runner.file, runner.service.span), |(f, span, _)| (f, span));
        return Some((file.to_string(), span));
    }
    let at = start.launch.at.unwrap_or(image.build.final_stage()?.from);
    Some((image.df.path.clone(), image.instruction(at)?.span()))
}

fn subject(image: &Image<'_>, start: &Start<'_>, services: &[String]) -> String {
    let stage = if image.build.stages.len() == 1 {
        "the image".to_string()
    } else {
        format!(
            "{}, the stage the image ships,",
            image.stage_label(image.build.target)
        )
    };
    match (start.launch.compose, services) {
        (true, [one, ..]) => format!("compose service {one} (running {})", image.df.path),
        (false, []) => stage,
        (false, many) => format!("{stage} (run by compose {})", many.join(", ")),
        (true, []) => stage,
    }
}

/// `CMD ["node", "dist/main.js"]` when the script the package manager runs is one `node`
/// command, with where that was read.
fn direct_command(
    model: &Model,
    image: &Image<'_>,
    script: &str,
    filters: &[String],
) -> Option<(String, String)> {
    let (package, prefix) = package_run(model, image, filters)?;
    let found = package.manifest.scripts.iter().find(|s| s.name == script)?;
    let commands: Vec<Command> = shell::commands(&found.command);
    let [only] = commands.as_slice() else {
        return None;
    };
    if only.program() != "node" || only.args().is_empty() {
        return None;
    }
    let mut argv = vec!["node".to_string()];
    for (i, arg) in only.args().iter().enumerate() {
        // The script's file is relative to its package; the CMD runs where npm ran.
        let is_file = i
            == only
                .args()
                .iter()
                .position(|a| !a.starts_with('-'))
                .unwrap_or(usize::MAX);
        if is_file && !prefix.is_empty() && !arg.starts_with('/') {
            argv.push(format!("{prefix}/{arg}"));
        } else {
            argv.push(arg.clone());
        }
    }
    let json = serde_json::to_string(&argv)
        .unwrap_or_default()
        .replace("\",\"", "\", \"");
    Some((
        json,
        format!(
            "what the `{script}` script of {} runs: `{}`",
            package.manifest.path,
            cut(&found.command)
        ),
    ))
}

/// The package whose script runs, and the path from where the command runs to it: the
/// `--filter`/workspace named, else the package.json at the stage's `WORKDIR` (traced to
/// the repository through the stage's copies), else the Dockerfile's package.
fn package_run<'a>(
    model: &'a Model,
    image: &Image<'_>,
    filters: &[String],
) -> Option<(&'a Package, String)> {
    if let Some(filter) = filters.first() {
        let name = filter
            .trim_end_matches("...")
            .trim_start_matches("...")
            .trim_start_matches("./")
            .trim_matches(['{', '}']);
        let package = model
            .package_named(name)
            .or_else(|| model.package_at(name))?;
        let prefix = paths::strip_dir(&package.dir, &image.build.context.dir)
            .unwrap_or(&package.dir)
            .to_string();
        return Some((package, prefix));
    }
    let stage = image.build.final_stage()?;
    let manifest = if stage.workdir == "/" {
        "/package.json".to_string()
    } else {
        format!("{}/package.json", stage.workdir.trim_end_matches('/'))
    };
    if let Some(origin) = model
        .docker
        .origin(model, image.index, image.build.target, &manifest)
        && let Some(package) = model.package_at(paths::parent(&origin))
    {
        return Some((package, String::new()));
    }
    let owner = model.owner_of(&image.df.path)?;
    model.packages.get(owner).map(|p| (p, String::new()))
}

fn cut(text: &str) -> String {
    crate::source::cut(text, 80)
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "npm start in the exec form",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"npm\", \"start\"]\n"),
                ),
                case(
                    "npm run start:prod in the shell form",
                    api("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD npm run start:prod\n"),
                ),
                case(
                    "yarn start inside sh -c, after migrations",
                    api(
                        "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"-c\", \"npx prisma migrate deploy && yarn start\"]\n",
                    ),
                ),
                case(
                    "pnpm --filter from the repository root",
                    api("FROM node:20-alpine\nWORKDIR /repo\nCOPY . .\nCMD [\"pnpm\", \"--filter\", \"api\", \"start\"]\n")
                        .file(
                            "docker-compose.yml",
                            "services:\n  api:\n    build:\n      context: .\n      dockerfile: apps/api/Dockerfile\n",
                        ),
                ),
                case(
                    "npm under the node image's docker-entrypoint.sh",
                    api(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"npm\", \"start\"]\n",
                    ),
                ),
                case(
                    "a compose command through npm",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"dist/main.js\"]\n").file(
                        "docker-compose.yml",
                        "services:\n  api:\n    build:\n      context: apps/api\n    init: true\n    command: npm run start:prod\n",
                    ),
                ),
                case(
                    "node as PID 1 with no init (info)",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"dist/main.js\"]\n"),
                ),
                case(
                    "node as PID 1 on distroless (info)",
                    api(
                        "FROM node:20 AS build\nCOPY . /app\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app\nCMD [\"/app/dist/main.js\"]\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "node under tini",
                    api(
                        "FROM node:20-alpine\nRUN apk add --no-cache tini\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"/sbin/tini\", \"--\"]\nCMD [\"node\", \"dist/main.js\"]\n",
                    ),
                ),
                case(
                    "node under dumb-init in the CMD",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"dumb-init\", \"node\", \"dist/main.js\"]\n"),
                ),
                case(
                    "node with compose init: true",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"dist/main.js\"]\n").file(
                        "docker-compose.yml",
                        "services:\n  api:\n    build:\n      context: apps/api\n    init: true\n",
                    ),
                ),
                case(
                    "an entrypoint script of the repository",
                    api(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"npm\", \"start\"]\n",
                    ),
                ),
                case(
                    "an npm migration job",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"npm\", \"run\", \"db:migrate\"]\n"),
                ),
                case(
                    "no CMD at all",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"),
                ),
                case(
                    "npm only in a builder stage",
                    api(
                        "FROM node:20 AS build\nCMD [\"npm\", \"start\"]\nFROM node:20-slim\nRUN apt-get update && apt-get install -y tini\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"node\", \"main.js\"]\n",
                    ),
                ),
            ],
        }
    }
}
