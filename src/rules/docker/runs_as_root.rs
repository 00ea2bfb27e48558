use crate::data::process_wrappers::USER_SWITCHES;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::parse::dockerfile::CommandForm;
use crate::rules::docker::{applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an image whose shipped stage runs as root: it has no `USER` and its base image
    /// runs as root (every `node:*` image, distroless without `:nonroot`), or its last `USER`
    /// is `root` or `0`. Builder stages are not judged, and a compose `user:` for the service
    /// counts.
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container is root on every file the container
    /// can reach; one remote-code-execution bug in the app or a dependency becomes a
    /// container (and often host) compromise. The incident reports found two thirds of the
    /// services running as root, though every Node image ships an unprivileged `node` user.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY --from=build /app/dist ./dist
    /// CMD ["node", "dist/main.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY --from=build --chown=node:node /app/dist ./dist
    /// USER node
    /// CMD ["node", "dist/main.js"]
    /// ```
    pub struct RunsAsRoot {
        id: "docker/runs-as-root",
        category: Security,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::Compose],
        summary: "the final stage has no `USER`, or `USER root`/`0`",
    }
}

impl Rule for RunsAsRoot {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        for image in images(model) {
            let Some(stage) = image.build.final_stage() else {
                continue;
            };
            let compose_user = image.build.services.iter().any(|(file, service)| {
                model
                    .compose_files
                    .iter()
                    .filter(|c| &c.path == file)
                    .flat_map(|c| &c.services)
                    .filter(|s| &s.name == service)
                    .any(|s| {
                        s.node
                            .get("user")
                            .and_then(|u| u.as_str())
                            .is_some_and(|u| !is_root(u))
                    })
            });
            if compose_user {
                continue;
            }
            let (line_of, why) = match &stage.user {
                Some((user, at)) if is_root(user) => (*at, format!("its last `USER` is `{user}`")),
                Some(_) => continue,
                None => match stage.facts {
                    Some(facts) if facts.default_user == "root" => (
                        stage.from,
                        format!(
                            "it has no `USER` and its base image ({}) runs as root",
                            facts.kind
                        ),
                    ),
                    _ => continue,
                },
            };
            let drops = [&stage.entrypoint, &stage.cmd]
                .into_iter()
                .flatten()
                .any(|(_, form)| {
                    let words: Vec<String> = match form {
                        CommandForm::Exec(w) => w.clone(),
                        CommandForm::Shell(s) => s.split_whitespace().map(str::to_string).collect(),
                    };
                    words.iter().any(|w| {
                        crate::data::contains(USER_SWITCHES, w.rsplit('/').next().unwrap_or(w))
                    })
                });
            if drops {
                continue;
            }
            let Some(instruction) = image.instruction(line_of) else {
                continue;
            };
            let subject = if image.build.stages.len() == 1 {
                "the image".to_string()
            } else {
                format!(
                    "{}, the stage the image ships,",
                    image.stage_label(image.build.target)
                )
            };
            let user_hint = match stage.facts.map(|f| f.kind) {
                Some(kind) if kind.starts_with("node") => {
                    "`USER node` (the image's unprivileged user, uid 1000)"
                }
                Some(kind) if kind.starts_with("distroless") => {
                    "the `:nonroot` tag, or `USER nonroot` (uid 65532)"
                }
                _ => {
                    "a `USER` with a numeric id (`USER 10001`), created with adduser/useradd if needed"
                }
            };
            out.push(
                for_service(
                    FindingBuilder::new(
                        &Self::META,
                        &image.df.path,
                        instruction.span(),
                        format!("root:{}", stage.name.as_deref().unwrap_or("")),
                        format!("{subject} runs as root: {why}"),
                    )
                    .help(format!(
                        "run the app unprivileged: add {user_hint} before CMD, and `--chown` the files it must write"
                    )),
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

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "no USER on a node image",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"dist/main.js\"]\n"),
                ),
                case(
                    "USER root last",
                    api("FROM node:20-alpine\nUSER node\nRUN echo\nUSER root\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "distroless without nonroot",
                    api("FROM node:20 AS build\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app\nCMD [\"/app/main.js\"]\n"),
                ),
            ],
            quiet: vec![
                case(
                    "USER node",
                    api("FROM node:20-slim\nUSER node\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "numeric USER",
                    api("FROM node:20-slim\nUSER 10001:10001\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "nonroot distroless",
                    api("FROM gcr.io/distroless/nodejs20-debian12:nonroot\nCMD [\"main.js\"]\n"),
                ),
                case(
                    "a builder that runs as root, a final stage that does not",
                    api("FROM node:20 AS build\nUSER root\nRUN echo\nFROM node:20-slim\nUSER node\nCOPY --from=build /app /app\n"),
                ),
                case(
                    "a base image the table does not know",
                    api("FROM acme/node-base:3\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "compose runs it as another user",
                    api("FROM node:20-slim\nCMD [\"node\", \"main.js\"]\n").file(
                        "docker-compose.yml",
                        "services:\n  api:\n    build:\n      context: apps/api\n    user: \"1000:1000\"\n",
                    ),
                ),
                case(
                    "an entrypoint that drops privileges",
                    api("FROM node:20-alpine\nRUN apk add --no-cache su-exec\nENTRYPOINT [\"su-exec\", \"node\", \"node\", \"main.js\"]\n"),
                ),
            ],
        }
    }
}
