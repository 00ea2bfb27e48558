use crate::discover::FileKind;
use crate::finding::Finding;
use crate::rules::compose::{Sink, applies, finding, key_at, label};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a compose service that pulls an image with no tag or with `:latest` (after
    /// interpolation, defaults applied). A digest (`@sha256:…`) or a version tag is fine. A
    /// service that also has `build` is not judged: its `image` names what the build
    /// produces. A tag that only the shell decides (`${TAG}`) is not judged either.
    ///
    /// ## Why is this bad?
    /// `latest` is whatever was pushed last: two `docker compose pull`s a day apart run
    /// different software, a breaking major version arrives unannounced, and a rollback has
    /// nothing to roll back to.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   redis:
    ///     image: redis
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   redis:
    ///     image: redis:7.2-alpine
    /// ```
    pub struct UnpinnedImage {
        id: "compose/unpinned-image",
        category: Orchestration,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Compose],
        summary: "`image:` with no tag or `:latest`",
    }
}

/// The tag of an image reference, `None` when it has none (a registry port is no tag).
pub(crate) fn tag(image: &str) -> Option<&str> {
    let name = image.split('@').next().unwrap_or(image);
    let last = name.rsplit('/').next().unwrap_or(name);
    last.split_once(':').map(|(_, t)| t)
}

impl Rule for UnpinnedImage {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                if svc.builds() {
                    continue;
                }
                let Some(node) = svc.get("image") else {
                    continue;
                };
                let Some(scalar) = node.scalar() else {
                    continue;
                };
                let image = scalar.text();
                if image.is_empty() || image.contains('@') {
                    continue;
                }
                // A reference the shell decides is judged only by its default: `latest` when
                // no variable is set.
                let shell_decides = scalar.value.text.is_none();
                if shell_decides && tag(image) != Some("latest") {
                    continue;
                }
                let problem = match tag(image) {
                    None => "has no tag, so it is `latest`".to_string(),
                    Some("latest") => "is `latest`".to_string(),
                    Some(_) => continue,
                };
                sink.push(
                    finding(
                        &Self::META,
                        model,
                        svc,
                        key_at(svc, "image"),
                        "image",
                        format!(
                            "{}: the image `{image}` {problem}",
                            label(model, project, svc)
                        ),
                    )
                    .help("pin a version tag (`redis:7.2-alpine`) or a digest (`@sha256:…`)")
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
    use crate::rules::compose::fixtures::compose;
    use crate::rules::testing::{Vectors, case};

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case("no tag", compose("services:\n  redis:\n    image: redis\n")),
                case(
                    "latest",
                    compose("services:\n  mongo:\n    image: mongo:latest\n"),
                ),
                case(
                    "latest as the default of a variable",
                    compose("services:\n  api:\n    image: acme/api:${TAG:-latest}\n"),
                ),
                case(
                    "a registry port and no tag",
                    compose("services:\n  api:\n    image: localhost:5000/acme/api\n"),
                ),
            ],
            quiet: vec![
                case(
                    "a version tag",
                    compose("services:\n  redis:\n    image: redis:7.2-alpine\n"),
                ),
                case(
                    "a digest",
                    compose("services:\n  redis:\n    image: redis@sha256:0123456789abcdef\n"),
                ),
                case(
                    "a tag the shell decides",
                    compose("services:\n  api:\n    image: acme/api:${TAG}\n"),
                ),
                case(
                    "the name of a build's result",
                    compose("services:\n  api:\n    build: .\n    image: acme/api\n")
                        .file("Dockerfile", "FROM node:20\n"),
                ),
            ],
        }
    }
}
