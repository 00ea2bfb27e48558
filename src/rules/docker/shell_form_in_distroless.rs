use std::collections::BTreeSet;

use crate::data::base_images::{Has, NodeAt};
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::parse::dockerfile::{CommandForm, Op};
use crate::parse::shell;
use crate::rules::docker::{applies, for_service, images, sets_shell, stage_chain, stage_holding};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `RUN`, `CMD` and `ENTRYPOINT` in the shell form in a shipped stage whose image
    /// has no shell (distroless, Chainguard and other shell-less images): the `RUN`s of the
    /// stage and of the stages it is built on, and the `CMD`/`ENTRYPOINT` the image starts
    /// with. A stage that sets its own `SHELL` is not judged.
    ///
    /// ## Why is this bad?
    /// The shell form runs `/bin/sh -c "…"`, and there is no `/bin/sh`. A shell-form `RUN`
    /// fails the build (`/bin/sh: no such file or directory`); a shell-form `CMD` or
    /// `ENTRYPOINT` builds fine and fails when the container starts, every time. On
    /// distroless Node.js images a shell-form `CMD` is also handed to the image's
    /// `ENTRYPOINT` (node) as `node /bin/sh -c …`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM gcr.io/distroless/nodejs20-debian12
    /// COPY --from=build /app /app
    /// CMD node /app/dist/main.js
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM gcr.io/distroless/nodejs20-debian12
    /// COPY --from=build /app /app
    /// CMD ["/app/dist/main.js"]
    /// ```
    /// (the image's `ENTRYPOINT` is node), and run build commands in a builder stage.
    pub struct ShellFormInDistroless {
        id: "docker/shell-form-in-distroless",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile],
        summary: "`CMD`/`ENTRYPOINT`/`RUN` in shell form in a distroless final stage",
    }
}

impl Rule for ShellFormInDistroless {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut seen: BTreeSet<(String, usize)> = BTreeSet::new();
        for image in images(model) {
            let target = image.build.target;
            let Some(final_stage) = image.build.final_stage() else {
                continue;
            };
            let mut flagged: Vec<usize> = Vec::new();
            for s in stage_chain(image.build, target) {
                let Some(stage) = image.build.stages.get(s) else {
                    continue;
                };
                let Some(facts) = stage.facts else { continue };
                if facts.shell != Has::No || sets_shell(&image, s) {
                    continue;
                }
                for i in stage.from + 1..=stage.last {
                    if let Some(Op::Run(run)) = image.instruction(i).map(|ins| &ins.op)
                        && run.form.is_shell()
                    {
                        flagged.push(i);
                    }
                }
            }
            let no_shell = final_stage.facts.is_some_and(|f| f.shell == Has::No)
                && !sets_shell(&image, target);
            if no_shell {
                for (at, form) in [&final_stage.entrypoint, &final_stage.cmd]
                    .into_iter()
                    .flatten()
                {
                    if form.is_shell() {
                        flagged.push(*at);
                    }
                }
            }
            flagged.sort_unstable();
            for at in flagged {
                if !seen.insert((image.df.path.clone(), at)) {
                    continue;
                }
                let Some(instruction) = image.instruction(at) else {
                    continue;
                };
                let own = stage_holding(image.build, at).unwrap_or(target);
                let Some(facts) = image.build.stages.get(own).and_then(|s| s.facts) else {
                    continue;
                };
                let keyword = instruction.keyword.as_str();
                let text = match &instruction.op {
                    Op::Run(run) => match &run.form {
                        CommandForm::Shell(s) => s.clone(),
                        CommandForm::Exec(_) => continue,
                    },
                    Op::Cmd(CommandForm::Shell(s)) | Op::Entrypoint(CommandForm::Shell(s)) => {
                        s.clone()
                    }
                    _ => continue,
                };
                let place = if own == target {
                    image.stage_label(own)
                } else {
                    format!(
                        "{}, which {} (the stage the image ships) is built on,",
                        image.stage_label(own),
                        image.stage_label(target)
                    )
                };
                let consequence = if keyword == "RUN" {
                    "the build fails (`/bin/sh: no such file or directory`)"
                } else {
                    "the container fails at start, every time"
                };
                let help = match keyword {
                    "RUN" => format!(
                        "run it in a builder stage with a shell (`FROM node:… AS build`) and `COPY --from=build` the result, or use the exec form (`RUN [\"{}\", …]`) with a program the {} image has",
                        node_path(facts).unwrap_or("/path/to/program"),
                        facts.kind
                    ),
                    _ => format!(
                        "use the exec form: `{keyword} {}`",
                        exec_form(&text, keyword, facts, final_stage.entrypoint.is_some())
                    ),
                };
                out.push(
                    for_service(
                        FindingBuilder::new(
                            &Self::META,
                            &image.df.path,
                            instruction.span(),
                            format!("{keyword}:{}", stage_name(&image, own)),
                            format!(
                                "`{keyword} {}` in {place} is in the shell form, run by `/bin/sh -c`, and the {} image has no shell: {consequence}",
                                cut(&text),
                                facts.kind
                            ),
                        )
                        .help(help),
                        model,
                        &image,
                    )
                    .build(),
                );
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

fn stage_name(image: &crate::rules::docker::Image<'_>, stage: usize) -> String {
    image
        .build
        .stages
        .get(stage)
        .and_then(|s| s.name.clone())
        .unwrap_or_else(|| stage.to_string())
}

/// The shell form's words as an exec form. On an image whose `ENTRYPOINT` is node
/// (distroless Node.js) and a Dockerfile that sets none, `CMD node x.js` becomes
/// `CMD ["x.js"]`.
fn exec_form(
    text: &str,
    keyword: &str,
    facts: &crate::data::base_images::ImageFacts,
    own_entrypoint: bool,
) -> String {
    let commands = shell::commands(text);
    let words: Vec<String> = match commands.as_slice() {
        [only] if only.env.is_empty() => only.words.clone(),
        _ => return "[\"…\"]".to_string(),
    };
    let node_entrypoint = matches!(facts.node, NodeAt::Absolute(_)) && !own_entrypoint;
    let words: Vec<String> = match words.split_first() {
        Some((first, rest)) if crate::paths::file_name(first) == "node" => {
            if keyword == "CMD" && node_entrypoint {
                rest.to_vec()
            } else {
                std::iter::once(node_path(facts).unwrap_or("node").to_string())
                    .chain(rest.iter().cloned())
                    .collect()
            }
        }
        _ => words,
    };
    serde_json::to_string(&words)
        .unwrap_or_default()
        .replace("\",\"", "\", \"")
}

fn node_path(facts: &crate::data::base_images::ImageFacts) -> Option<&'static str> {
    match facts.node {
        NodeAt::Absolute(at) => Some(at),
        NodeAt::Path => Some("node"),
        _ => None,
    }
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
                    "a shell-form CMD on distroless",
                    api(
                        "FROM node:20 AS build\nCOPY . /app\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app\nCMD node /app/dist/main.js\n",
                    ),
                ),
                case(
                    "a shell-form RUN on distroless",
                    api(
                        "FROM gcr.io/distroless/nodejs20-debian12:nonroot\nCOPY . /app\nRUN mkdir -p /app/tmp\nCMD [\"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "a shell-form ENTRYPOINT on distroless",
                    api(
                        "FROM gcr.io/distroless/nodejs22-debian12\nCOPY . /app\nENTRYPOINT /nodejs/bin/node /app/dist/main.js\n",
                    ),
                ),
                case(
                    "a CMD inherited from the distroless stage the image is built on",
                    api(
                        "FROM gcr.io/distroless/nodejs20-debian12 AS base\nCMD node /app/main.js\nFROM base\nCOPY . /app\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "the exec form on distroless",
                    api(
                        "FROM node:20 AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app\nCMD [\"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "shell forms in the builder stage",
                    api(
                        "FROM node:20-slim AS build\nRUN npm ci && npm run build\nCMD npm start\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app\nCMD [\"/app/dist/main.js\"]\n",
                    ),
                ),
                case(
                    "the debug tag has a busybox shell",
                    api(
                        "FROM gcr.io/distroless/nodejs20-debian12:debug\nRUN mkdir -p /app\nCMD node /app/main.js\n",
                    ),
                ),
                case(
                    "a shell form on a slim image",
                    api("FROM node:20-slim\nRUN mkdir /app\nCMD node /app/main.js\n"),
                ),
                case(
                    "a stage that sets its own SHELL",
                    api(
                        "FROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=busybox:1.36 /bin/busybox /busybox/sh\nSHELL [\"/busybox/sh\", \"-c\"]\nRUN mkdir /app\n",
                    ),
                ),
                case(
                    "a CMD the final stage replaces",
                    api(
                        "FROM gcr.io/distroless/nodejs20-debian12 AS base\nCMD node /app/main.js\nFROM base\nCMD [\"/app/main.js\"]\n",
                    ),
                ),
            ],
        }
    }
}
