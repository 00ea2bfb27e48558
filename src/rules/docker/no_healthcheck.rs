use crate::data::base_images::{Has, ImageFacts, NodeAt};
use crate::data::os_packages;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::StageSim;
use crate::parse::dockerfile::Op;
use crate::parse::shell::Command;
use crate::rules::docker::{
    Image, Probe, applies, compose_probe, compose_runners, for_service, images, launch, process,
    stage_chain,
};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags, once per image, a service image with no healthcheck: the shipped stage (and the
    /// stages it is built on) has no `HEALTHCHECK` (`HEALTHCHECK NONE` counts as none), and
    /// no compose service that runs the image sets `healthcheck.test`.
    ///
    /// Not judged: images whose base the table does not know (it may define a healthcheck);
    /// images that say nothing about what they run (no `CMD`/`ENTRYPOINT` in the Dockerfile
    /// or in compose: the command comes from elsewhere); and one-off jobs, whose main command
    /// runs migrations or seeds (`prisma migrate deploy`, `npm run db:migrate`, a target
    /// named `migrate`) or idles (`sleep infinity`, `tail -f /dev/null`). A service that runs
    /// migrations before starting (`prisma migrate deploy && node dist/main.js`) is a server.
    ///
    /// ## Why is this bad?
    /// Without a healthcheck the engine only knows the process is running: a server that is
    /// still booting, deadlocked, or has lost its database gets traffic anyway, a rolling
    /// deploy swaps in a broken version, and `depends_on: condition: service_healthy` cannot
    /// wait for it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-alpine
    /// COPY --from=build /app/dist ./dist
    /// CMD ["node", "dist/main.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-alpine
    /// COPY --from=build /app/dist ./dist
    /// HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    ///   CMD wget -q --spider http://127.0.0.1:3000/health || exit 1
    /// CMD ["node", "dist/main.js"]
    /// ```
    /// or a `healthcheck:` on the compose service.
    pub struct NoHealthcheck {
        id: "docker/no-healthcheck",
        category: Container,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::Compose],
        summary: "neither the image nor the compose service that runs it defines a healthcheck",
    }
}

/// Words of a main command that make it a one-off job rather than a server.
const ONE_OFF_MARKERS: &[&str] = &["migrat", "seed"];

/// Programs that keep a container alive doing nothing (a development or debug container).
const IDLE: &[&str] = &["sleep", "tail", "true", "sh", "bash", "ash", "cat"];

impl Rule for NoHealthcheck {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        for image in images(model) {
            let target = image.build.target;
            let Some(stage) = image.build.final_stage() else {
                continue;
            };
            let Some(facts) = stage.facts else { continue };
            if facts.healthcheck != Has::No {
                continue;
            }
            if stage
                .name
                .as_deref()
                .is_some_and(|n| ONE_OFF_MARKERS.iter().any(|m| n.contains(m)))
            {
                continue;
            }
            let image_check = match &stage.healthcheck {
                Some((_, Some(_))) => continue,
                Some((at, None)) => Some(*at),
                None => None,
            };
            let runners = compose_runners(model, &image);
            // Each way the image runs: a compose service that runs it, else the image alone.
            let mut unchecked: Vec<Option<&str>> = Vec::new();
            let mut at = None;
            if runners.is_empty() {
                let Some(l) = launch(&image, None) else {
                    continue;
                };
                if is_server(&image, &l) {
                    at = l.at;
                    unchecked.push(None);
                }
            } else {
                for runner in &runners {
                    if let Some((probe, _, _)) = compose_probe(runner)
                        && probe != Probe::Disabled
                    {
                        continue;
                    }
                    let Some(l) = launch(&image, Some(runner)) else {
                        continue;
                    };
                    if is_server(&image, &l) {
                        at = at.or(l.at);
                        unchecked.push(Some(runner.name()));
                    }
                }
            }
            if unchecked.is_empty() {
                continue;
            }
            let at = image_check.or(at).unwrap_or(stage.from);
            let Some(instruction) = image.instruction(at) else {
                continue;
            };
            let subject = if image.build.stages.len() == 1 {
                format!("the image of {}", image.df.path)
            } else {
                format!(
                    "{} of {}, the stage the image ships,",
                    image.stage_label(target),
                    image.df.path
                )
            };
            let own = match image_check {
                Some(_) => "turns the healthcheck off (`HEALTHCHECK NONE`)",
                None => "defines no `HEALTHCHECK`",
            };
            let services: Vec<String> = unchecked
                .iter()
                .flatten()
                .map(|s| format!("`{s}`"))
                .collect();
            let compose = match services.as_slice() {
                [] => String::new(),
                [one] => format!(
                    ", and compose service {one}, which runs it, sets no `healthcheck.test`"
                ),
                many => format!(
                    ", and compose services {}, which run it, set no `healthcheck.test`",
                    many.join(", ")
                ),
            };
            let port = exposed_port(&image, target);
            out.push(
                for_service(
                    FindingBuilder::new(
                        &Self::META,
                        &image.df.path,
                        instruction.span(),
                        format!("healthcheck:{}", stage.name.as_deref().unwrap_or("")),
                        format!(
                            "{subject} {own}{compose}: nothing tells the engine whether the server is ready, or hung"
                        ),
                    )
                    .help(suggestion(facts, stage, port.as_deref())),
                    model,
                    &image,
                )
                .build(),
            );
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

/// Whether the launch keeps a server running, as far as its main command shows: not a
/// migration or seed job, not an idle container, not an entrypoint script whose command is
/// not read.
fn is_server(image: &Image<'_>, launch: &crate::rules::docker::Launch) -> bool {
    let p = process(image, launch);
    let Some(main) = p.main() else {
        return false;
    };
    !is_one_off(main) && !IDLE.contains(&main.program())
}

fn is_one_off(command: &Command) -> bool {
    command.words.iter().any(|w| {
        let w = w.to_ascii_lowercase();
        ONE_OFF_MARKERS.iter().any(|m| w.contains(m))
    })
}

/// The first port the shipped stage (or a stage it is built on) `EXPOSE`s.
fn exposed_port(image: &Image<'_>, stage: usize) -> Option<String> {
    for s in stage_chain(image.build, stage) {
        let st = image.build.stages.get(s)?;
        for i in st.from..=st.last {
            if let Some(Op::Expose(ports)) = image.instruction(i).map(|ins| &ins.op)
                && let Some(p) = ports.first()
            {
                let port = p.text.split('/').next().unwrap_or(&p.text);
                if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) {
                    return Some(port.to_string());
                }
            }
        }
    }
    None
}

/// A healthcheck the image can run, from what it has.
fn suggestion(facts: &ImageFacts, stage: &StageSim, port: Option<&str>) -> String {
    let url = format!("http://127.0.0.1:{}/health", port.unwrap_or("<port>"));
    let timing = "--interval=30s --timeout=5s --start-period=30s";
    let has = |tool: &str, fact: Has| fact == Has::Yes || stage.has_tool(tool);
    let probe = if facts.shell == Has::No {
        match facts.node {
            NodeAt::Absolute(at) => format!(
                "`HEALTHCHECK {timing} CMD [\"{at}\", \"healthcheck.js\"]` (the exec form: the image has no shell), where healthcheck.js requests {url} and exits 1 on failure"
            ),
            NodeAt::Path => format!(
                "`HEALTHCHECK {timing} CMD [\"node\", \"healthcheck.js\"]` (the exec form: the image has no shell), where healthcheck.js requests {url} and exits 1 on failure"
            ),
            _ => "an exec-form `HEALTHCHECK CMD [\"/path/to/probe\"]` with a program the image has"
                .to_string(),
        }
    } else if has(os_packages::WGET, facts.wget) && facts.curl != Has::Yes {
        format!("`HEALTHCHECK {timing} CMD wget -q --spider {url} || exit 1`")
    } else if has(os_packages::CURL, facts.curl) {
        format!("`HEALTHCHECK {timing} CMD curl -fsS {url} || exit 1`")
    } else if facts.node == NodeAt::Path {
        format!(
            "`HEALTHCHECK {timing} CMD node -e \"require('http').get('{url}', r => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))\"`"
        )
    } else {
        format!("a `HEALTHCHECK {timing} CMD …` that requests {url}")
    };
    format!("add {probe}, or a `healthcheck:` to the compose service that runs it")
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    const SERVER: &str = "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nEXPOSE 3000\nCMD [\"node\", \"dist/main.js\"]\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case("a node server with no healthcheck", api(SERVER)),
                case(
                    "HEALTHCHECK NONE, on a multi-stage build",
                    api(
                        "FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim AS runner\nCOPY --from=build /app /app\nHEALTHCHECK NONE\nCMD node /app/dist/main.js\n",
                    ),
                ),
                case(
                    "compose runs it without a healthcheck",
                    api(SERVER).file(
                        "docker-compose.yml",
                        "services:\n  api:\n    build:\n      context: apps/api\n    restart: always\n",
                    ),
                ),
                case(
                    "migrations before the server still make a server",
                    api(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"-c\", \"npx prisma migrate deploy && node dist/main.js\"]\n",
                    ),
                ),
                case(
                    "a distroless server",
                    api(
                        "FROM node:20 AS build\nCOPY . /app\nFROM gcr.io/distroless/nodejs20-debian12:nonroot\nCOPY --from=build /app /app\nCMD [\"/app/dist/main.js\"]\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "a HEALTHCHECK in the image",
                    api(
                        "FROM node:20-alpine\nHEALTHCHECK CMD wget -q --spider http://127.0.0.1:3000/health || exit 1\nCMD [\"node\", \"main.js\"]\n",
                    ),
                ),
                case(
                    "a HEALTHCHECK inherited from the stage it is built on",
                    api(
                        "FROM node:20-alpine AS base\nHEALTHCHECK CMD wget -q --spider http://127.0.0.1:3000/ || exit 1\nFROM base\nCMD [\"node\", \"main.js\"]\n",
                    ),
                ),
                case(
                    "a healthcheck in the compose service",
                    api(SERVER).file(
                        "docker-compose.yml",
                        "services:\n  api:\n    build:\n      context: apps/api\n    healthcheck:\n      test: [\"CMD\", \"wget\", \"-q\", \"--spider\", \"http://127.0.0.1:3000/health\"]\n",
                    ),
                ),
                case(
                    "a healthcheck from the service it extends, in another compose file",
                    api(SERVER)
                        .file(
                            "docker/compose.yml",
                            "services:\n  api:\n    image: acme/api:1\n    healthcheck:\n      test: [\"CMD\", \"wget\", \"-q\", \"--spider\", \"http://127.0.0.1:3000/health\"]\n",
                        )
                        .file(
                            "docker/compose.build.yml",
                            "services:\n  api:\n    build: ../apps/api\n    extends:\n      file: compose.yml\n      service: api\n",
                        ),
                ),
                case(
                    "a base image the table does not know",
                    api("FROM acme/node:20\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "no CMD or ENTRYPOINT: the command comes from elsewhere",
                    api("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"),
                ),
                case(
                    "a migration job",
                    api("FROM node:20-alpine\nCOPY . /app\nCMD [\"npx\", \"prisma\", \"migrate\", \"deploy\"]\n"),
                ),
                case(
                    "a migration script",
                    api("FROM node:20-alpine\nCOPY . /app\nCMD npm run db:migrate\n"),
                ),
                case(
                    "a stage named for migrations",
                    api("FROM node:20-alpine AS migrate\nCOPY . /app\nCMD [\"node\", \"/app/run.js\"]\n"),
                ),
                case(
                    "compose runs it as a one-off job",
                    api(SERVER).file(
                        "docker-compose.yml",
                        "services:\n  migrate:\n    build:\n      context: apps/api\n    command: npx prisma migrate deploy\n",
                    ),
                ),
                case(
                    "an idle development container",
                    api("FROM node:20\nCMD [\"sleep\", \"infinity\"]\n"),
                ),
            ],
        }
    }
}
