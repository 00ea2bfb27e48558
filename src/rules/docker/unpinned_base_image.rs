use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::Base;
use crate::parse::dockerfile::Op;
use crate::rules::docker::{applies, dockerfiles, for_service};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image has no tag, or the `latest` tag, and no digest.
    ///
    /// ## Why is this bad?
    /// `node` and `node:latest` move: the next build may get a new Node.js major, a new
    /// Debian release, a new libc, and fail (or worse, behave differently) with no change in
    /// the repository. A version tag (`node:20-bookworm-slim`) changes only within that
    /// version; a digest (`@sha256:…`) never changes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20.18-bookworm-slim
    /// ```
    pub struct UnpinnedBaseImage {
        id: "docker/unpinned-base-image",
        category: Container,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Dockerfile],
        summary: "`FROM image` with no tag or `:latest` (a version tag or a digest is fine)",
    }
}

impl Rule for UnpinnedBaseImage {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for image in dockerfiles(cx.model) {
            for stage in &image.build.stages {
                let Base::Image { reference, .. } = &stage.base else {
                    continue;
                };
                if reference.digest.is_some() {
                    continue;
                }
                let tag = reference.tag.as_deref();
                if !matches!(tag, None | Some("latest")) {
                    continue;
                }
                let Some(instruction) = image.instruction(stage.from) else {
                    continue;
                };
                let Op::From(from) = &instruction.op else {
                    continue;
                };
                let name = reference.repository();
                let written = match tag {
                    None => format!("`{name}` has no tag"),
                    Some(_) => format!("`{name}:latest` is a moving tag"),
                };
                out.push(
                    for_service(
                        FindingBuilder::new(
                            &Self::META,
                            &image.df.path,
                            instruction.span_of_word(&from.image),
                            format!("{}:{name}", stage.name.as_deref().unwrap_or("")),
                            format!(
                                "{written}: each build may pull a different image (a new Node.js major, a new libc) with no change in the repository"
                            ),
                        )
                        .help(format!(
                            "pin a version tag (`{name}:<version>`) or a digest (`{name}@sha256:…`)"
                        )),
                        cx.model,
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

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case("no tag", api("FROM node\nCMD [\"node\", \"main.js\"]\n")),
                case(
                    "latest, in the builder",
                    api(
                        "FROM node:latest AS build\nRUN echo\nFROM node:20-slim\nCOPY --from=build /app /app\n",
                    ),
                ),
                case(
                    "an ARG default that leaves the tag off",
                    api("ARG BASE=node\nFROM ${BASE}\nCMD [\"node\", \"main.js\"]\n"),
                ),
            ],
            quiet: vec![
                case("a version tag", api("FROM node:20-bookworm-slim\n")),
                case(
                    "a digest",
                    api(
                        "FROM node@sha256:2b2b0bd3a3a3e5a1e6cf4c1ff6d1ad3c9f0c3b8b6a8a4e4f1c9d8e7f6a5b4c3d2\n",
                    ),
                ),
                case(
                    "an earlier stage and scratch",
                    api(
                        "FROM node:20 AS base\nFROM base\nFROM scratch\nCOPY --from=base /app /app\n",
                    ),
                ),
                case(
                    "an image the build decides",
                    api("ARG BASE\nFROM ${BASE}\n"),
                ),
            ],
        }
    }
}
