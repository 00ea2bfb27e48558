use std::collections::BTreeSet;

use crate::data::base_images::{Has, ImageFacts, NodeAt};
use crate::data::os_packages;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::StageSim;
use crate::rules::docker::{
    Image, Probe, applies, compose_probe, compose_runners, for_service, images, may_hold_program,
    sets_shell, stage_holding,
};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a healthcheck that calls a program the shipped image does not have: the
    /// Dockerfile's `HEALTHCHECK` of the shipped stage (its own or one it inherits from the
    /// stage it is built on), or the `healthcheck.test` of a compose service that runs the
    /// image. The image's contents are its base image's (from the built-in table) plus the OS
    /// packages the stage installs with `apt-get`/`apk`:
    /// - `curl` on slim, alpine and distroless images;
    /// - `wget` on slim and distroless images (alpine has busybox `wget`);
    /// - any shell form (`HEALTHCHECK CMD curl …`, compose `CMD-SHELL` or a string) on
    ///   distroless, which has no `/bin/sh`;
    /// - `node` by bare name on distroless, where it is `/nodejs/bin/node` and not on `PATH`
    ///   (unless `ENV PATH` adds `/nodejs/bin`).
    ///
    /// Base images the table does not know are not judged.
    ///
    /// ## Why is this bad?
    /// The check fails every time ("executable file not found in $PATH", `/bin/sh: not
    /// found`), so the container is marked unhealthy forever: orchestrators restart it in a
    /// loop or never route traffic to it, and `depends_on: condition: service_healthy` waits
    /// forever. Nothing in the build warns; only the running container shows it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-alpine
    /// COPY --from=build /app/dist ./dist
    /// HEALTHCHECK CMD curl -f http://localhost:3000/health || exit 1
    /// CMD ["node", "dist/main.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-alpine
    /// COPY --from=build /app/dist ./dist
    /// HEALTHCHECK CMD wget -q --spider http://127.0.0.1:3000/health || exit 1
    /// CMD ["node", "dist/main.js"]
    /// ```
    /// On slim images use `node -e "require('http').get(…)"` (or install curl); on
    /// distroless the exec form with the absolute path:
    /// `HEALTHCHECK CMD ["/nodejs/bin/node", "healthcheck.js"]`.
    pub struct HealthcheckToolMissing {
        id: "docker/healthcheck-tool-missing",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::Compose],
        summary: "a healthcheck (Dockerfile or compose) that calls a program the final image lacks: `curl`/`wget` not installed, a shell form on distroless, bare `node` off `PATH`",
    }
}

/// What a healthcheck needs that the image lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lack {
    /// A shell (`/bin/sh` for a shell form, or `sh`/`bash` named in the exec form).
    Shell(&'static str),
    Tool(&'static str),
    /// `node` by bare name where it is only at this absolute path.
    NodeOffPath(&'static str),
}

impl Lack {
    fn program(self) -> &'static str {
        match self {
            Lack::Shell(p) | Lack::Tool(p) => p,
            Lack::NodeOffPath(_) => "node",
        }
    }
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh"];

impl Rule for HealthcheckToolMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut seen: BTreeSet<(String, String, &'static str)> = BTreeSet::new();
        for image in images(model) {
            let target = image.build.target;
            let Some(stage) = image.build.final_stage() else {
                continue;
            };
            let Some(facts) = stage.facts else { continue };
            let shell_replaced = sets_shell(&image, target);
            let kind = facts.kind;
            if let Some((at, Some(hc))) = &stage.healthcheck {
                let probe = Probe::from_form(&hc.cmd);
                if let Some(lack) = lacks(&image, stage, facts, &probe, shell_replaced)
                    && seen.insert((image.df.path.clone(), at.to_string(), lack.program()))
                    && let Some(instruction) = image.instruction(*at)
                {
                    let own = stage_holding(image.build, *at).unwrap_or(target);
                    let place = if own == target {
                        image.stage_label(target)
                    } else {
                        format!(
                            "{} (inherited by {}, the stage the image ships)",
                            image.stage_label(own),
                            image.stage_label(target)
                        )
                    };
                    let written = match &hc.cmd {
                        crate::parse::dockerfile::CommandForm::Shell(s) => s.clone(),
                        crate::parse::dockerfile::CommandForm::Exec(w) => {
                            serde_json::to_string(w).unwrap_or_default()
                        }
                    };
                    out.push(
                        for_service(
                            FindingBuilder::new(
                                &Self::META,
                                &image.df.path,
                                instruction.span(),
                                format!("HEALTHCHECK:{}", lack.program()),
                                {
                                    let (does, lacking) = why(lack, kind, stage);
                                    format!(
                                        "`HEALTHCHECK CMD {}` in {place} {does}, but {lacking}: the check fails every time and the container stays unhealthy",
                                        cut(&written)
                                    )
                                },
                            )
                            .help(fix(lack, facts, stage, &probe, false)),
                            model,
                            &image,
                        )
                        .build(),
                    );
                }
            }
            for runner in compose_runners(model, &image) {
                let Some((probe, file, span)) = compose_probe(&runner) else {
                    continue;
                };
                let service = runner.service;
                let Some(lack) = lacks(&image, stage, facts, &probe, shell_replaced) else {
                    continue;
                };
                if !seen.insert((file.to_string(), service.name.clone(), lack.program())) {
                    continue;
                }
                let (does, lacking) = why(lack, kind, stage);
                let via = if file == runner.file {
                    String::new()
                } else {
                    format!(" ({}, through `extends`)", runner.file)
                };
                let runs = if image.build.stages.len() == 1 {
                    image.df.path.clone()
                } else {
                    format!("{} of {}", image.stage_label(target), image.df.path)
                };
                out.push(
                    FindingBuilder::new(
                        &Self::META,
                        file,
                        span,
                        format!("compose:{}:{}", service.name, lack.program()),
                        format!(
                            "the healthcheck `test` of compose service `{}`{via} {does}, but the service runs {runs}, and {lacking}: the check fails every time and the service stays unhealthy",
                            service.name,
                        ),
                    )
                    .help(fix(lack, facts, stage, &probe, true))
                    .service(&service.name)
                    .build(),
                );
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

/// The first program the probe needs that the image lacks.
fn lacks(
    image: &Image<'_>,
    stage: &StageSim,
    facts: &ImageFacts,
    probe: &Probe,
    shell_replaced: bool,
) -> Option<Lack> {
    let no_shell = facts.shell == Has::No && !shell_replaced;
    match probe {
        Probe::Disabled => return None,
        Probe::Shell(_) if no_shell => return Some(Lack::Shell("/bin/sh")),
        Probe::Exec(words) => {
            let first = words.first()?;
            let name = crate::paths::file_name(first);
            if no_shell
                && let Some(shell) = SHELLS.iter().find(|s| **s == name)
                && !may_hold_program(image, image.build.target, shell)
            {
                return Some(Lack::Shell(shell));
            }
        }
        Probe::Shell(_) => {}
    }
    for command in probe.commands() {
        // `a || b`: b runs only when a failed, and the check fails then anyway.
        if command.after_or {
            continue;
        }
        let written = command.words.first().map_or("", String::as_str);
        let program = command.program();
        let lack = match program {
            "curl" | "wget" => {
                let (tool, has) = if program == "curl" {
                    (os_packages::CURL, facts.curl)
                } else {
                    (os_packages::WGET, facts.wget)
                };
                if has != Has::No
                    || stage.has_tool(tool)
                    || may_hold_program(image, image.build.target, tool)
                {
                    continue;
                }
                Lack::Tool(tool)
            }
            "node" if !written.contains('/') => {
                let NodeAt::Absolute(at) = facts.node else {
                    continue;
                };
                let dir = crate::paths::parent(at);
                let on_path = stage
                    .env
                    .get("PATH")
                    .is_some_and(|p| p.split(':').any(|d| d.trim_end_matches('/') == dir));
                if on_path || may_hold_program(image, image.build.target, "node") {
                    continue;
                }
                Lack::NodeOffPath(at)
            }
            _ => continue,
        };
        return Some(lack);
    }
    None
}

/// What the probe does, and what the image lacks for it: (`calls `curl``, `the node alpine
/// image has no `curl` …`).
fn why(lack: Lack, kind: &str, stage: &StageSim) -> (String, String) {
    match lack {
        Lack::Shell("/bin/sh") => (
            "is a shell form, run by `/bin/sh -c`".to_string(),
            format!("the {kind} image has no `/bin/sh`"),
        ),
        Lack::Shell(shell) => (
            format!("calls `{shell}`"),
            format!("the {kind} image has no shell"),
        ),
        Lack::Tool(tool) => {
            let installer = match stage.facts.and_then(|f| f.os_packages) {
                Some(pm) => format!(" (and nothing the stage installs with `{pm}` provides it)"),
                None => String::new(),
            };
            (
                format!("calls `{tool}`"),
                format!("the {kind} image has no `{tool}`{installer}"),
            )
        }
        Lack::NodeOffPath(at) => (
            "calls `node` by bare name".to_string(),
            format!("the {kind} image has node only at `{at}`, not on `PATH`"),
        ),
    }
}

/// The fix for this image: a probe with what it has, written the way the finding's place
/// writes it (a Dockerfile `HEALTHCHECK`, or a compose `test`).
fn fix(lack: Lack, facts: &ImageFacts, stage: &StageSim, probe: &Probe, compose: bool) -> String {
    let commands = probe.commands();
    let url = commands
        .iter()
        .flat_map(|c| c.args().iter())
        .find(|a| a.starts_with("http://") || a.starts_with("https://"))
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:<port>/health".to_string());
    let exec = |argv: Vec<String>| {
        let list = if compose {
            std::iter::once("CMD".to_string()).chain(argv).collect()
        } else {
            argv
        };
        let json = serde_json::to_string(&list)
            .unwrap_or_default()
            .replace("\",\"", "\", \"");
        if compose {
            format!("`test: {json}`")
        } else {
            format!("`HEALTHCHECK CMD {json}`")
        }
    };
    // The node script the probe already runs, if it runs one: `node /app/healthcheck.js`.
    let node_args: Option<Vec<String>> = commands
        .iter()
        .find(|c| c.program() == "node" && !c.after_or)
        .map(|c| c.args().to_vec())
        .filter(|a| !a.is_empty());
    let exec_node = |node: &str| match &node_args {
        Some(args) => format!(
            "use the exec form with `{node}`: {}",
            exec(
                std::iter::once(node.to_string())
                    .chain(args.iter().cloned())
                    .collect()
            )
        ),
        None => format!(
            "use the exec form with `{node}`: {}, where healthcheck.js requests {url} and exits 1 on failure",
            exec(vec![node.to_string(), "healthcheck.js".to_string()])
        ),
    };
    let sh = |text: &str| {
        if compose {
            format!("`test: [\"CMD-SHELL\", \"{}\"]`", text.replace('"', "\\\""))
        } else {
            format!("`HEALTHCHECK CMD {text}`")
        }
    };
    match lack {
        Lack::Shell(_) => match facts.node {
            NodeAt::Absolute(at) => exec_node(at),
            NodeAt::Path => exec_node("node"),
            _ => "use the exec form with a program the image has".to_string(),
        },
        Lack::NodeOffPath(at) => format!(
            "{}, or add `ENV PATH=/nodejs/bin:$PATH` to the stage",
            exec_node(at)
        ),
        Lack::Tool(tool) => {
            let has_wget = facts.wget == Has::Yes || stage.has_tool(os_packages::WGET);
            let install = match facts.os_packages {
                Some("apk") => format!(", or install it: `RUN apk add --no-cache {tool}`"),
                Some(pm) => format!(
                    ", or install it: `RUN {pm} update && {pm} install -y --no-install-recommends {tool} && rm -rf /var/lib/apt/lists/*`"
                ),
                None => String::new(),
            };
            if tool == os_packages::CURL && has_wget {
                format!(
                    "use the busybox `wget` the image has: {}{install}",
                    sh(&format!("wget -q --spider {url} || exit 1"))
                )
            } else if facts.shell == Has::No {
                match facts.node {
                    NodeAt::Absolute(at) => exec_node(at),
                    NodeAt::Path => exec_node("node"),
                    _ => "use the exec form with a program the image has".to_string(),
                }
            } else if facts.node == NodeAt::Path {
                let node_probe = format!(
                    "node -e \"require('http').get('{url}', r => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))\""
                );
                format!(
                    "probe with Node.js, which the image has: {}{install}",
                    sh(&node_probe)
                )
            } else if install.is_empty() {
                "probe with a program the image has".to_string()
            } else {
                install.trim_start_matches(", or ").to_string()
            }
        }
    }
}

fn cut(text: &str) -> String {
    crate::source::cut(text, 80)
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    const COMPOSE_BUILD: &str = "services:\n  api:\n    build:\n      context: apps/api\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "curl on alpine",
                    api(
                        "FROM node:20-alpine\nCOPY . /app\nHEALTHCHECK CMD curl -f http://localhost:3000/health || exit 1\nCMD [\"node\", \"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "wget on slim, exec form",
                    api(
                        "FROM node:20-slim\nCOPY . /app\nHEALTHCHECK --interval=30s CMD [\"wget\", \"-q\", \"--spider\", \"http://127.0.0.1:3000/health\"]\nCMD [\"node\", \"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "a shell form on distroless",
                    api(
                        "FROM node:20 AS build\nCOPY . /app\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app\nHEALTHCHECK CMD node /app/healthcheck.js\nCMD [\"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "bare node in the exec form on distroless",
                    api(
                        "FROM gcr.io/distroless/nodejs20-debian12:nonroot\nCOPY . /app\nHEALTHCHECK CMD [\"node\", \"/app/healthcheck.js\"]\nCMD [\"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "a HEALTHCHECK inherited from the stage it is built on",
                    api(
                        "FROM node:20-slim AS base\nHEALTHCHECK CMD curl -fsS http://localhost:3000/health\nFROM base\nCOPY . /app\nCMD [\"node\", \"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "a compose test with curl on alpine (list form)",
                    api("FROM node:20-alpine\nCOPY . /app\nCMD [\"node\", \"/app/dist/main.js\"]\n").file(
                        "docker-compose.yml",
                        "services:\n  api:\n    build:\n      context: apps/api\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:3000/health\"]\n",
                    ),
                ),
                case(
                    "a compose test inherited through extends",
                    api("FROM node:20-slim\nCOPY . /app\nCMD [\"node\", \"/app/dist/main.js\"]\n")
                        .file(
                            "docker/compose.yml",
                            "services:\n  api:\n    image: acme/api:1\n    healthcheck:\n      test: ['CMD-SHELL', 'curl -f http://localhost:3000/health']\n",
                        )
                        .file(
                            "docker/compose.build.yml",
                            "services:\n  api:\n    build: ../apps/api\n    extends:\n      file: compose.yml\n      service: api\n    healthcheck:\n      interval: 5s\n",
                        ),
                ),
                case(
                    "a compose string test on distroless",
                    api("FROM gcr.io/distroless/nodejs20-debian12\nCOPY . /app\nCMD [\"/app/dist/main.js\"]\n").file(
                        "docker-compose.yml",
                        "services:\n  api:\n    build:\n      context: apps/api\n    healthcheck:\n      test: /nodejs/bin/node /app/healthcheck.js\n",
                    ),
                ),
                case(
                    "a tool removed with its virtual package",
                    api(
                        "FROM node:20-alpine\nRUN apk add --no-cache --virtual .tools curl && apk del .tools\nHEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1\nCMD [\"node\", \"main.js\"]\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "node healthcheck on slim",
                    api(
                        "FROM node:20-slim\nCOPY . /app\nHEALTHCHECK CMD node -e \"require('http').get('http://127.0.0.1:3000/health', r => process.exit(r.statusCode === 200 ? 0 : 1))\"\nCMD [\"node\", \"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "node healthcheck on alpine",
                    api(
                        "FROM node:20-alpine\nCOPY . /app\nHEALTHCHECK CMD [\"node\", \"/app/healthcheck.js\"]\nCMD [\"node\", \"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "wget on alpine",
                    api(
                        "FROM node:20-alpine\nCOPY . /app\nHEALTHCHECK CMD wget -q --spider http://127.0.0.1:3000/health || exit 1\nCMD [\"node\", \"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "the exec form with the absolute node path on distroless",
                    api(
                        "FROM gcr.io/distroless/nodejs20-debian12\nCOPY . /app\nHEALTHCHECK CMD [\"/nodejs/bin/node\", \"/app/healthcheck.js\"]\nCMD [\"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "bare node on distroless with PATH set",
                    api(
                        "FROM gcr.io/distroless/nodejs20-debian12\nENV PATH=/nodejs/bin:$PATH\nCOPY . /app\nHEALTHCHECK CMD [\"node\", \"/app/healthcheck.js\"]\nCMD [\"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "a base image the table does not know",
                    api(
                        "FROM acme/node:20\nHEALTHCHECK CMD curl -f http://localhost:3000/health || exit 1\nCMD [\"node\", \"main.js\"]\n",
                    ),
                ),
                case(
                    "curl installed with apt-get in the stage",
                    api(
                        "FROM node:20-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nHEALTHCHECK CMD curl -f http://localhost:3000/health || exit 1\nCMD [\"node\", \"main.js\"]\n",
                    ),
                ),
                case(
                    "curl installed with apk in the stage it is built on",
                    api(
                        "FROM node:20-alpine AS base\nRUN apk add --no-cache curl\nFROM base\nCOPY . /app\nHEALTHCHECK CMD curl -f http://localhost:3000/health || exit 1\nCMD [\"node\", \"/app/main.js\"]\n",
                    ),
                ),
                case(
                    "curl in the full node image",
                    api(
                        "FROM node:20\nHEALTHCHECK CMD curl -f http://localhost:3000/health || exit 1\nCMD [\"node\", \"main.js\"]\n",
                    ),
                ),
                case(
                    "HEALTHCHECK NONE",
                    api("FROM node:20-alpine\nHEALTHCHECK NONE\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "curl only in a builder stage's healthcheck",
                    api(
                        "FROM node:20-alpine AS build\nHEALTHCHECK CMD curl -f http://localhost/\nFROM node:20\nCMD [\"node\", \"main.js\"]\n",
                    ),
                ),
                case(
                    "compose disables the healthcheck, or tests with wget on alpine",
                    api("FROM node:20-alpine\nCMD [\"node\", \"main.js\"]\n").file(
                        "docker-compose.yml",
                        "services:\n  api:\n    build:\n      context: apps/api\n    healthcheck:\n      disable: true\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:3000\"]\n  worker:\n    build:\n      context: apps/api\n    healthcheck:\n      test: [\"CMD-SHELL\", \"wget -q --spider http://127.0.0.1:3000/health || exit 1\"]\n  other:\n    build:\n      context: apps/api\n    healthcheck:\n      test: [\"NONE\"]\n",
                    ),
                ),
                case(
                    "a compose healthcheck that only changes the timing",
                    api("FROM node:20-alpine\nHEALTHCHECK CMD wget -q --spider http://127.0.0.1:3000/ || exit 1\nCMD [\"node\", \"main.js\"]\n")
                        .file(
                            "docker-compose.yml",
                            &format!("{COMPOSE_BUILD}    healthcheck:\n      interval: 10s\n"),
                        ),
                ),
                case(
                    "a compose healthcheck of an image service (not built here)",
                    api("FROM node:20-alpine\nCMD [\"node\", \"main.js\"]\n").file(
                        "docker-compose.yml",
                        "services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: [\"CMD-SHELL\", \"curl -f http://localhost:5432 || pg_isready\"]\n",
                    ),
                ),
                case(
                    "curl as a fallback after wget",
                    api(
                        "FROM node:20-alpine\nHEALTHCHECK CMD wget -q --spider http://127.0.0.1:3000/ || curl -f http://127.0.0.1:3000/\nCMD [\"node\", \"main.js\"]\n",
                    ),
                ),
                case(
                    "curl copied in from another image",
                    api(
                        "FROM node:20-slim\nCOPY --from=curlimages/curl:8.8.0 /usr/bin/curl /usr/local/bin/curl\nHEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1\nCMD [\"node\", \"main.js\"]\n",
                    ),
                ),
            ],
        }
    }
}
