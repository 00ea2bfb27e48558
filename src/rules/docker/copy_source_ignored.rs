use std::collections::BTreeSet;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::model::docker::{BuildContext, SourceCheck};
use crate::parse::dockerignore::DockerIgnore;
use crate::paths;
use crate::rules::docker::copy_source_missing::judged_sources;
use crate::rules::docker::{applies, every_build, for_service};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY`/`ADD` source that exists in the repository but that the build
    /// context's ignore file keeps out: `<Dockerfile>.dockerignore` beside the Dockerfile
    /// when there is one, else the context's `.dockerignore`, matched by Docker's rules
    /// (patterns anchored at the context root, the last matching line deciding, `!`
    /// re-including). A directory source counts as ignored only when nothing below it is
    /// re-included: an exception such as `!apps/api/package.json` brings the directory back
    /// into the context, and the `COPY` then copies what is left. Wildcard sources are not
    /// judged: excluded matches just drop out of them.
    ///
    /// ## Why is this bad?
    /// The file is not sent to the builder, so the build fails exactly as if it were
    /// missing (`failed to compute cache key: "/prisma": not found`) while `ls` shows it
    /// right there, which makes this one hard to see. BuildKit's own `CopyIgnoredFile`
    /// check is experimental and off by default.
    ///
    /// ## Example
    /// ```text
    /// # .dockerignore
    /// dist
    /// ```
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY dist ./dist
    /// ```
    ///
    /// ## Use instead
    /// Build `dist` inside the image (a builder stage), or re-include it:
    /// ```text
    /// # .dockerignore
    /// dist
    /// !dist/apps/api
    /// ```
    pub struct CopySourceIgnored {
        id: "docker/copy-source-ignored",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::Compose],
        summary: "a `COPY`/`ADD` source excluded by the context's `.dockerignore` (Docker's pattern rules, not gitignore's)",
    }
}

impl Rule for CopySourceIgnored {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut seen = BTreeSet::new();
        for image in every_build(model) {
            let (build, df) = (image.build, image.df);
            if !build.context.trusted {
                continue;
            }
            let Some(ignore) = build
                .context
                .dockerignore
                .and_then(|i| model.dockerignores.get(i))
            else {
                continue;
            };
            for (check, instruction, copy, word) in judged_sources(build, df) {
                let Some((file, line)) = &check.ignored else {
                    continue;
                };
                if !check.exists || word.glob {
                    continue;
                }
                if reincluded_below(model, &build.context, ignore, check) {
                    continue;
                }
                if !seen.insert((build.dockerfile, check.instruction, check.path.clone())) {
                    continue;
                }
                let keyword = if copy.add { "ADD" } else { "COPY" };
                let written = copy
                    .sources
                    .get(word.word)
                    .map_or(check.path.as_str(), |w| w.text.as_str());
                let span = copy
                    .sources
                    .get(word.word)
                    .map_or_else(|| instruction.span(), |w| instruction.span_of_word(w));
                let rel = paths::strip_dir(&check.path, &build.context.dir).unwrap_or("");
                let there = if model.exists_on_disk(&check.path) {
                    "exists"
                } else {
                    "is gitignored (a build output made before `docker build`)"
                };
                let pattern = ignore
                    .patterns
                    .iter()
                    .find(|p| p.line == *line && !p.exception)
                    .map_or(String::new(), |p| format!(" (`{}`)", p.text));
                out.push(
                    for_service(
                        FindingBuilder::new(
                            &Self::META,
                            &image.df.path,
                            span,
                            format!("{keyword}:{}", check.path),
                            format!(
                                "`{keyword} {written}`: `{rel}` {there} but {file} line {line}{pattern} keeps it out of the context, so the build fails with `failed to compute cache key: \"/{rel}\": not found`; {} is `{}`",
                                build.context.how.describe(),
                                paths::display_dir(&build.context.dir)
                            ),
                        )
                        .help(format!(
                            "remove the pattern from {file}, or re-include the source with a later line `!{rel}`"
                        ))
                        .related(file, *line, "the pattern that excludes it"),
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

/// Whether a directory source comes back into the context through an exception for
/// something below it: Docker sends the parents of every path it keeps.
fn reincluded_below(
    model: &Model,
    context: &BuildContext,
    ignore: &DockerIgnore,
    check: &SourceCheck,
) -> bool {
    let Some(rel) = paths::strip_dir(&check.path, &context.dir) else {
        return false;
    };
    let prefix = format!("{}/", check.path);
    let walked = model.files.is_dir(&check.path);
    if walked {
        let files = model.files.files();
        let start = files.partition_point(|f| f.path.as_str() < prefix.as_str());
        return files[start..]
            .iter()
            .take_while(|f| f.path.starts_with(&prefix))
            .filter_map(|f| paths::strip_dir(&f.path, &context.dir))
            .any(|f| ignore.excluded_by(f).is_none());
    }
    if model.files.is_file(&check.path) {
        return false;
    }
    // A folder the walk did not see (a build output): any exception that may reach below.
    let below = format!("{rel}/");
    ignore.patterns.iter().any(|p| {
        if !p.exception {
            return false;
        }
        let literal: &str = p.text.split(['*', '?', '[']).next().unwrap_or("");
        p.text.starts_with(&below) || below.starts_with(literal)
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    const COMPOSE_ROOT: &str =
        "services:\n  api:\n    build:\n      context: .\n      dockerfile: apps/api/Dockerfile\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a build output the ignore file excludes",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY apps/api/dist ./dist\n")
                        .file(".gitignore", "dist\n")
                        .file(".dockerignore", "node_modules\n**/dist\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "a file excluded after an exception re-included it",
                    api("FROM node:20-slim\nCOPY package.json apps/api/package.json ./\n")
                        .file(".dockerignore", "*\n!package.json\n!apps\napps/*/package.json\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "a host node_modules copied in while the ignore file excludes it",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY apps/api/node_modules ./node_modules\n")
                        .file(".gitignore", "node_modules\n")
                        .file(".dockerignore", "**/node_modules\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "the Dockerfile's own ignore file wins over the context's",
                    api("FROM node:20-slim\nCOPY apps/api/src ./src\n")
                        .file(".dockerignore", "node_modules\n")
                        .file("apps/api/Dockerfile.dockerignore", "apps/api/src\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
            ],
            quiet: vec![
                case(
                    "a directory whose node_modules only is excluded",
                    api("FROM node:20-slim\nCOPY apps/api ./\n")
                        .file(".dockerignore", "**/node_modules\n.git\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "a node_modules built in a stage, and a cache-mounted install",
                    api("FROM node:20-slim AS deps\nWORKDIR /app\nCOPY package.json ./\nRUN --mount=type=cache,target=/root/.npm npm install\nFROM node:20-slim\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY apps/api/src ./src\n")
                        .file(".dockerignore", "**/node_modules\n.git\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "a directory excluded but re-included below",
                    api("FROM node:20-slim\nCOPY apps ./apps\n")
                        .file(".dockerignore", "apps\n!apps/api/package.json\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "an allow-list ignore file that lets the sources through",
                    api("FROM node:20-slim\nCOPY package.json ./\nCOPY apps/api ./apps/api\n")
                        .file(".dockerignore", "*\n!package.json\n!apps/api\napps/api/node_modules\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "a wildcard whose matches are excluded",
                    api("FROM node:20-slim\nCOPY apps/api/*.json ./\n")
                        .file(".dockerignore", "apps/api/package.json\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "an ignore file of another context",
                    api("FROM node:20-slim\nCOPY package.json src ./\n")
                        .file(".dockerignore", "apps\n")
                        .file("docker-compose.yml", "services:\n  api:\n    build: ./apps/api\n"),
                ),
                case(
                    "a context inferred at the repository root, its ignore file excluding other things",
                    api("FROM node:20-slim\nCOPY package.json ./\nCOPY apps/api ./apps/api\n")
                        .file(".dockerignore", "node_modules\napps/web\n"),
                ),
            ],
        }
    }
}
