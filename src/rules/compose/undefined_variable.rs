use std::collections::BTreeSet;

use crate::data::env_templates;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::compose::interpolate::{Op, Source};
use crate::model::compose::{Node, Project};
use crate::paths;
use crate::rules::compose::{Sink, applies};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `${VAR}` or `$VAR` in a compose file with no default (`:-`), no `:?` guard, and
    /// no value in the project's `.env`: Compose substitutes an empty string and only prints
    /// a warning. Reported once per variable and file, at its first use.
    ///
    /// The shell is unknown to a static audit: a variable set only in the shell or in CI is
    /// reported, since nothing in the repository says it is needed. Not flagged: variables
    /// listed in an env template beside the compose file or at the root (`.env.example`,
    /// `.env.sample`, …), which document that the user provides them, and variables every
    /// shell sets (`HOME`, `PWD`, `USER`, `UID`, `GID`).
    ///
    /// ## Why is this bad?
    /// The service starts with an empty value: `image: acme/api:` fails to pull, an empty
    /// `DATABASE_URL` fails at the first query, an empty port mapping publishes a random
    /// port. The warning scrolls by in a CI log.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:${TAG}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:${TAG:?set TAG to the release to run}
    /// ```
    pub struct UndefinedVariable {
        id: "compose/undefined-variable",
        category: Orchestration,
        severity: Warning,
        scope: Repository,
        inputs: [FileKind::Compose, FileKind::Env],
        summary: "`${VAR}` with no default, not in `.env`, so compose substitutes an empty string",
    }
}

/// Variables every shell that runs `docker compose` sets.
const SHELL_SET: &[&str] = &[
    "HOME", "PWD", "USER", "UID", "GID", "PATH", "HOSTNAME", "SHELL",
];

/// Variables a template beside the project (or at the root) documents.
fn documented(cx: &Context<'_>, project: &Project) -> BTreeSet<String> {
    cx.model
        .dotenvs
        .iter()
        .filter(|d| {
            let dir = paths::parent(&d.path);
            (dir == project.dir || dir.is_empty())
                && !env_templates::holds_values(paths::file_name(&d.path))
        })
        .flat_map(|d| d.vars.iter().map(|v| v.name.clone()))
        .collect()
}

impl Rule for UndefinedVariable {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut sink = Sink::new(out);
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        for project in &cx.model.compose.projects {
            let documented = documented(cx, project);
            // The raw files of the project, so every scalar is seen once with its own file.
            let mut roots: Vec<&Node> = Vec::new();
            for svc in &project.services {
                roots.push(&svc.node);
            }
            for root in roots {
                for n in root.scalars() {
                    let Some(s) = n.scalar() else { continue };
                    for u in &s.value.uses {
                        if u.op != Op::Plain || u.source != Source::Shell {
                            continue;
                        }
                        if SHELL_SET.contains(&u.name.as_str()) || documented.contains(&u.name) {
                            continue;
                        }
                        if !seen.insert((n.file.to_string(), u.name.clone())) {
                            continue;
                        }
                        let env = project.dotenv.clone().unwrap_or_else(|| {
                            format!(
                                "{}.env",
                                if project.dir.is_empty() {
                                    String::new()
                                } else {
                                    format!("{}/", project.dir)
                                }
                            )
                        });
                        sink.push(
                            FindingBuilder::new(
                                &Self::META,
                                &n.file,
                                n.span,
                                format!("{}/{}", n.file, u.name),
                                format!(
                                    "`${{{}}}` has no default and no value in {env}: Compose substitutes an empty string",
                                    u.name
                                ),
                            )
                            .help(format!(
                                "give it a default (`${{{0}:-value}}`), make it required (`${{{0}:?set {0}}}`), or list it in a committed `.env.example`",
                                u.name
                            ))
                            .build(),
                        );
                    }
                }
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
                case(
                    "a bare variable",
                    compose("services:\n  api:\n    image: acme/api:${TAG}\n"),
                ),
                case(
                    "`$VAR` in environment, list form",
                    compose(
                        "services:\n  api:\n    image: acme/api:1\n    environment:\n      - DATABASE_URL=$DATABASE_URL\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "defaults and guards",
                    compose(
                        "services:\n  api:\n    image: acme/api:${TAG:-1.0}\n    environment:\n      A: ${A:?set A}\n      B: ${B-x}\n      C: $$literal\n",
                    ),
                ),
                case(
                    "a value in .env",
                    compose("services:\n  api:\n    image: acme/api:${TAG}\n")
                        .file(".env", "TAG=1.4\n"),
                ),
                case(
                    "documented in .env.example",
                    compose("services:\n  api:\n    image: acme/api:${TAG}\n")
                        .file(".env.example", "TAG=\n"),
                ),
                case(
                    "a shell variable",
                    compose("services:\n  api:\n    image: acme/api:1\n    user: ${UID}:${GID}\n"),
                ),
            ],
        }
    }
}
