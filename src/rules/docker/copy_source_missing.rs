use std::collections::BTreeSet;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::model::docker::{Build, BuildContext, SourceCheck};
use crate::parse::dockerfile::{Copy, Dockerfile, Instruction, Op};
use crate::paths;
use crate::rules::docker::{Image, applies, every_build, for_service};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY`/`ADD` source that the build context does not hold: the context is the
    /// compose service's `build.context`, the one a CI workflow or a package script passes
    /// to `docker build`, or, when nothing declares one, the folder where the Dockerfile's
    /// sources are (reported only when that folder holds most of them). Sources are read the
    /// way BuildKit reads them: from the context root, `..` stopping there. A path that
    /// `.gitignore` excludes counts as present (a build output CI creates before `docker
    /// build`), and so does a wildcard that matches nothing (BuildKit copies nothing and goes
    /// on). Only the stages the build reaches are judged: BuildKit skips the others.
    ///
    /// ## Why is this bad?
    /// The build stops at that instruction with `failed to compute cache key: failed to
    /// calculate checksum of ref …: "/tsconfig.build.json": not found`. It usually means the
    /// Dockerfile was written for another context (the repository root rather than the
    /// service's folder), or a file was renamed and the Dockerfile was not.
    ///
    /// ## Example
    /// ```yaml
    /// # docker-compose.yml
    /// services:
    ///   api:
    ///     build: ./apps/api
    /// ```
    /// ```dockerfile
    /// # apps/api/Dockerfile
    /// FROM node:20-slim
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    /// where the lockfile is at the repository root, not in `apps/api`.
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     build:
    ///       context: .
    ///       dockerfile: apps/api/Dockerfile
    /// ```
    /// ```dockerfile
    /// COPY package.json package-lock.json ./
    /// COPY apps/api/package.json apps/api/
    /// ```
    pub struct CopySourceMissing {
        id: "docker/copy-source-missing",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::Compose],
        summary: "a `COPY`/`ADD` source (after glob expansion) that does not exist in the build context",
    }
}

impl Rule for CopySourceMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut seen = BTreeSet::new();
        for image in every_build(model) {
            let (build, df) = (image.build, image.df);
            if !build.context.trusted {
                continue;
            }
            for (check, instruction, copy, word) in judged_sources(build, df) {
                if check.exists || word.glob {
                    continue;
                }
                if !seen.insert((build.dockerfile, check.instruction, check.path.clone())) {
                    continue;
                }
                out.push(finding(model, &image, check, instruction, copy, word.word));
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

fn finding(
    model: &Model,
    image: &Image<'_>,
    check: &SourceCheck,
    instruction: &Instruction,
    copy: &Copy,
    word: usize,
) -> Finding {
    let context = &image.build.context;
    let written = copy
        .sources
        .get(word)
        .map_or(check.path.as_str(), |w| w.text.as_str());
    let keyword = if copy.add { "ADD" } else { "COPY" };
    let span = copy
        .sources
        .get(word)
        .map_or_else(|| instruction.span(), |w| instruction.span_of_word(w));
    let rel = paths::strip_dir(&check.path, &context.dir).unwrap_or(&check.path);
    let mut message = format!(
        "`{keyword} {written}`: `{rel}` is not in the context, so the build fails with `failed to compute cache key: \"/{rel}\": not found`"
    );
    if escapes(context, written) {
        message.push_str(&format!(
            " (a source cannot reach outside the context: BuildKit reads `{written}` from the context root, as `{rel}`; the classic builder fails with `forbidden path outside the build context`)"
        ));
    }
    message.push_str(&format!(
        "; {} is `{}`",
        context.how.describe(),
        paths::display_dir(&context.dir)
    ));
    let help = match elsewhere(model, context, written) {
        Some(found) => format!(
            "`{found}` exists, outside this context: build from a context that holds it (compose `build.context`, or `docker build -f {} <context>`) and write the source relative to that context",
            image.df.path
        ),
        None => format!(
            "create `{rel}` in the context (or the step that builds it before `docker build`), fix the path, or drop the source"
        ),
    };
    for_service(
        FindingBuilder::new(
            &CopySourceMissing::META,
            &image.df.path,
            span,
            format!("{keyword}:{}", check.path),
            message,
        )
        .help(help),
        model,
        image,
    )
    .build()
}

/// Which source word of a `COPY` a checked path came from, and whether that word is a
/// wildcard (which BuildKit lets match nothing, and whose excluded matches just drop out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SourceWord {
    pub(crate) word: usize,
    pub(crate) glob: bool,
}

pub(crate) fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// The source word that names `path` in `copy`: a literal word whose path it is, else a
/// wildcard matching it, else a word with variables (expanded by the stage, not here).
pub(crate) fn locate(copy: &Copy, context: &BuildContext, path: &str) -> Option<SourceWord> {
    let usable = |text: &str| !text.starts_with("<<") && !text.contains("://");
    let literal = copy.sources.iter().position(|w| {
        usable(&w.text)
            && !w.text.contains('$')
            && !is_glob(&w.text)
            && context.source_path(&w.text) == path
    });
    if let Some(word) = literal {
        return Some(SourceWord { word, glob: false });
    }
    let glob = copy.sources.iter().position(|w| {
        if !usable(&w.text) || w.text.contains('$') || !is_glob(&w.text) {
            return false;
        }
        let pattern = context.source_path(&w.text);
        pattern == path
            || globset::GlobBuilder::new(&pattern)
                .literal_separator(true)
                .build()
                .is_ok_and(|g| g.compile_matcher().is_match(path))
    });
    if let Some(word) = glob {
        return Some(SourceWord { word, glob: true });
    }
    let variables: Vec<usize> = copy
        .sources
        .iter()
        .enumerate()
        .filter(|(_, w)| usable(&w.text) && w.text.contains('$'))
        .map(|(i, _)| i)
        .collect();
    // With several, the one whose written tail (after its last variable) ends the path.
    let word = match variables.as_slice() {
        [] => return None,
        [one] => *one,
        many => *many
            .iter()
            .find(|&&i| {
                let text = &copy.sources[i].text;
                let tail = text.rsplit(['}', '$']).next().unwrap_or("");
                path.ends_with(tail.trim_end_matches('/'))
            })
            .unwrap_or(&many[0]),
    };
    Some(SourceWord {
        word,
        glob: is_glob(&copy.sources[word].text),
    })
}

/// The stage (index) holding an instruction.
pub(crate) fn stage_of(build: &Build, instruction: usize) -> Option<usize> {
    build
        .stages
        .iter()
        .position(|s| s.from <= instruction && instruction <= s.last)
}

/// The context sources of a build's reached stages, each with its `COPY` and source word.
pub(crate) fn judged_sources<'a>(
    build: &'a Build,
    df: &'a Dockerfile,
) -> Vec<(&'a SourceCheck, &'a Instruction, &'a Copy, SourceWord)> {
    let lineage = build.shipped_lineage();
    let mut out = Vec::new();
    for check in &build.sources {
        if !stage_of(build, check.instruction).is_some_and(|s| lineage.contains(&s)) {
            continue;
        }
        let Some(instruction) = df.instructions.get(check.instruction) else {
            continue;
        };
        let Op::Copy(copy) = &instruction.op else {
            continue;
        };
        let Some(word) = locate(copy, &build.context, &check.path) else {
            continue;
        };
        out.push((check, instruction, copy, word));
    }
    out
}

/// Whether a written source climbs above the context root (or is absolute).
fn escapes(context: &BuildContext, written: &str) -> bool {
    if written.contains('$') {
        return false;
    }
    written.starts_with('/')
        || paths::join(&context.dir, written).as_deref() != Some(&context.source_path(written))
}

/// Where the source would be if it were read against the repository instead: from the
/// repository root, or (for a `..` source) from the context folder upwards.
fn elsewhere(model: &Model, context: &BuildContext, written: &str) -> Option<String> {
    if written.contains('$') || is_glob(written) {
        return None;
    }
    let candidates = [
        paths::join(&context.dir, written),
        paths::join("", written.trim_start_matches('/')),
    ];
    candidates
        .into_iter()
        .flatten()
        .filter(|p| paths::strip_dir(p, &context.dir).is_none())
        .find(|p| !p.is_empty() && model.files.exists(p))
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    const COMPOSE_API: &str = "services:\n  api:\n    build: ./apps/api\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a lockfile at the root, the context is the service folder",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n")
                        .file("package-lock.json", "{}")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a renamed file, context inferred from the other sources",
                    api(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json tsconfig.json ./\nCOPY src ./src\nCOPY tsconfig.build.json ./\n",
                    )
                    .file("apps/api/tsconfig.json", "{}"),
                ),
                case(
                    "a parent path: BuildKit reads it from the context root",
                    api("FROM node:20-slim\nCOPY ../../packages/shared /app/shared\nCOPY . /app\n")
                        .file("packages/shared/package.json", r#"{ "name": "shared" }"#)
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a stage the compose target builds on",
                    api(
                        "FROM node:20-slim AS deps\nCOPY package.json yarn.lock ./\nFROM deps AS runtime\nCOPY . .\nFROM node:20-slim AS other\nCOPY missing.txt ./\n",
                    )
                    .file(
                        "docker-compose.yml",
                        "services:\n  api:\n    build:\n      context: apps/api\n      target: runtime\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "every source in the declared context",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY src ./src\nCOPY . .\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a context inferred at the repository root",
                    api(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY apps/api ./apps/api\nRUN npm ci\n",
                    )
                    .file("package-lock.json", "{}"),
                ),
                case(
                    "a gitignored build output made before docker build",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY dist ./dist\nCOPY package.json ./\n")
                        .file(".gitignore", "dist\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a wildcard that matches nothing",
                    api("FROM node:20-slim\nCOPY package.json yarn.lock* .npmrc* ./\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "copying a prebuilt node_modules from a stage and a cache-mounted install",
                    api(
                        "FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json ./\nRUN --mount=type=cache,target=/root/.npm npm install\nFROM node:20-slim\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY --from=deps /nowhere ./x\n",
                    )
                    .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a stage the build never reaches",
                    api(
                        "FROM node:20-slim AS dev\nCOPY nodemon.json ./\nFROM node:20-slim\nCOPY package.json ./\n",
                    )
                    .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "sources the build decides, heredocs and URLs",
                    api(
                        "FROM node:20-slim\nARG APP\nCOPY ${APP}/package.json ./\nCOPY <<EOF /app/x\nhi\nEOF\nADD https://example.com/x.tgz /tmp/\n",
                    )
                    .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a context mostly elsewhere is not trusted",
                    api("FROM node:20-slim\nCOPY a.txt b.txt c.txt package.json ./\n"),
                ),
            ],
        }
    }
}
