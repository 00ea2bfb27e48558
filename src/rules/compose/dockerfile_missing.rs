use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::compose::Node;
use crate::rules::compose::{Sink, applies, finding, label};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a compose service whose `build.context` folder does not exist, or whose
    /// `build.dockerfile` is not in the context. Compose resolves the context from the project
    /// directory and the Dockerfile from the context (not from the compose file).
    ///
    /// Not judged: remote contexts (git URLs), `dockerfile_inline`, and paths with a variable
    /// the `.env` does not decide.
    ///
    /// ## Why is this bad?
    /// `docker compose build` (and `up`, which builds what is missing) stops with `unable to
    /// prepare context: path "…" not found` or `failed to read dockerfile`: the service never
    /// starts. It usually follows a move of the service's folder or a renamed Dockerfile.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     build:
    ///       context: .
    ///       dockerfile: apps/api/Dockerfile.prod   # the file is apps/api/Dockerfile
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     build:
    ///       context: .
    ///       dockerfile: apps/api/Dockerfile
    /// ```
    pub struct DockerfileMissing {
        id: "compose/dockerfile-missing",
        category: Orchestration,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Compose, FileKind::Dockerfile],
        summary: "`build.context` or `build.dockerfile` that does not exist",
    }
}

impl Rule for DockerfileMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        let exists = |p: &str| model.exists_on_disk(p);
        for project in &model.compose.projects {
            for svc in &project.services {
                let Some(build) = svc.get("build") else {
                    continue;
                };
                if build.get("dockerfile_inline").is_some() {
                    continue;
                }
                let context = build.get("context");
                let written = match context {
                    Some(c) => match c.known() {
                        Some(w) => w,
                        None => continue,
                    },
                    None => ".",
                };
                if written.contains("://")
                    || written.starts_with("git@")
                    || written.starts_with('/')
                {
                    continue;
                }
                let Some(context_path) = project.resolve(context.unwrap_or(build), written) else {
                    continue;
                };
                let context_node: &Node = context.unwrap_or(build);
                if !context_path.is_empty() && !exists(&context_path) {
                    sink.push(
                        finding(
                            &Self::META,
                            model,
                            svc,
                            (&context_node.file, context_node.span),
                            "context",
                            format!(
                                "{} builds from `{written}`, which does not exist ({context_path})",
                                label(model, project, svc)
                            ),
                        )
                        .help("point `build.context` at the folder that holds the service's sources; it is resolved from the compose file's folder")
                        .build(),
                    );
                    continue;
                }
                let dockerfile_node = build.get("dockerfile");
                let dockerfile = match dockerfile_node {
                    Some(d) => match d.known() {
                        Some(w) => w,
                        None => continue,
                    },
                    None => "Dockerfile",
                };
                if dockerfile.starts_with('/') {
                    continue;
                }
                let Some(path) = crate::paths::join(
                    &context_path,
                    dockerfile.strip_prefix("./").unwrap_or(dockerfile),
                ) else {
                    continue;
                };
                if exists(&path) {
                    continue;
                }
                // Docker also accepts `dockerfile` (lower case) when `Dockerfile` is absent.
                if dockerfile_node.is_none()
                    && crate::paths::join(&context_path, "dockerfile").is_some_and(|p| exists(&p))
                {
                    continue;
                }
                // Written relative to the compose file instead of the context: name it.
                let beside = project
                    .resolve(dockerfile_node.unwrap_or(build), dockerfile)
                    .filter(|p| exists(p));
                let hint = match &beside {
                    Some(p) => format!(
                        "; `dockerfile` is resolved from the context, and {p} exists relative to the compose file"
                    ),
                    None => String::new(),
                };
                let at = dockerfile_node.unwrap_or(build);
                sink.push(
                    finding(
                        &Self::META,
                        model,
                        svc,
                        (&at.file, at.span),
                        "dockerfile",
                        format!(
                            "{}: the Dockerfile {path} does not exist{hint}",
                            label(model, project, svc)
                        ),
                    )
                    .help("set `build.dockerfile` relative to `build.context`, or move the Dockerfile there")
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
        let api = |text: &str| {
            compose(text)
                .file("apps/api/package.json", r#"{ "name": "api" }"#)
                .file("apps/api/Dockerfile", "FROM node:20\n")
        };
        Vectors {
            fires: vec![
                case(
                    "a context folder that does not exist",
                    api("services:\n  api:\n    build: ./apps/server\n"),
                ),
                case(
                    "a Dockerfile missing from the context",
                    api(
                        "services:\n  api:\n    build:\n      context: apps/api\n      dockerfile: Dockerfile.prod\n",
                    ),
                ),
                case(
                    "a Dockerfile written relative to the compose file, not the context",
                    api(
                        "services:\n  api:\n    build:\n      context: apps/api\n      dockerfile: apps/api/Dockerfile\n",
                    ),
                ),
                case(
                    "an override points at a Dockerfile that is gone",
                    api("services:\n  api:\n    build: apps/api\n").file(
                        "docker-compose.override.yml",
                        "services:\n  api:\n    build:\n      dockerfile: Dockerfile.dev\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "the default Dockerfile in the context",
                    api("services:\n  api:\n    build: ./apps/api\n"),
                ),
                case(
                    "a Dockerfile relative to a root context",
                    api(
                        "services:\n  api:\n    build:\n      context: .\n      dockerfile: apps/api/Dockerfile\n",
                    ),
                ),
                case(
                    "a remote context, an inline Dockerfile, a variable path",
                    api(
                        "services:\n  a:\n    build: https://github.com/acme/api.git#main\n  b:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM node:20\n  c:\n    build:\n      context: ${API_DIR}\n",
                    ),
                ),
                case(
                    "a path decided by the .env",
                    api("services:\n  api:\n    build:\n      context: ${API_DIR}\n")
                        .file(".env", "API_DIR=apps/api\n"),
                ),
                case(
                    "a service that runs an image",
                    compose("services:\n  db:\n    image: postgres:16\n"),
                ),
            ],
        }
    }
}
