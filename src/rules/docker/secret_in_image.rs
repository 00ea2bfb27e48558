use std::collections::BTreeSet;

use crate::data::secrets::{self, PUBLIC_ENV_PREFIXES};
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::model::docker::Entry;
use crate::model::docker::sim::absolute;
use crate::parse::dockerfile::Op;
use crate::paths;
use crate::rules::docker::{Image, applies, for_service, images, stage_chain};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags secrets baked into the shipped image:
    /// - an `ENV` or `ARG` with a secret-like name (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`,
    ///   `*_KEY`, …) and a literal value, in the shipped stage or a stage it is built on.
    ///   Not a value: an empty one, one that uses a variable (`$NPM_TOKEN`, `${X:-…}`),
    ///   `true`/`false`, a number, a path (`/run/secrets/db`); not a secret: names ending in
    ///   `_FILE`/`_PATH`/`_DIR`, and the variables frameworks inline into browser bundles
    ///   (`NEXT_PUBLIC_`, `VITE_`, …). An `ARG NPM_TOKEN` with no default is fine.
    /// - a `COPY`/`ADD` from the build context of `.env`, `.env.local`, `*.pem`, an SSH
    ///   private key (`id_rsa`, …), or an `.npmrc` holding a literal auth token, that ends up
    ///   in the shipped image: copied into its stage (or a stage it is built on), or into a
    ///   builder stage and carried over by a `COPY --from`. A directory copy (`COPY . .`)
    ///   counts for the tracked files of that kind that the context's `.dockerignore` does
    ///   not exclude.
    ///
    /// The value is never shown, in messages or anywhere else.
    ///
    /// ## Why is this bad?
    /// Everything in an image is readable by whoever can pull it: `ENV` is in the image's
    /// config (`docker inspect`), an `ARG`'s value is recorded in `docker history` for every
    /// `RUN` that follows it, and copied files are in a layer even if a later step deletes
    /// them. A literal in a Dockerfile is in the repository's history as well.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// ARG NPM_TOKEN=npm_1234567890abcdef
    /// COPY .npmrc .env ./
    /// RUN npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    /// built with `docker build --secret id=npmrc,src=$HOME/.npmrc`, with `.env` in
    /// `.dockerignore` and the runtime values passed with compose `env_file:` or a secret
    /// store. Rotate a secret that was committed.
    pub struct SecretInImage {
        id: "docker/secret-in-image",
        category: Security,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::DockerIgnore, FileKind::Npmrc],
        summary: "`ENV`/`ARG` with a secret-like name and a literal value; `COPY` of `.env`, `*.pem`, `id_rsa`, `.npmrc` with a token into an image",
    }
}

/// Name endings that point at where a secret is, not at the secret.
const LOCATION_SUFFIXES: &[&str] = &["_FILE", "_PATH", "_DIR"];

impl Rule for SecretInImage {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut seen: BTreeSet<(String, usize, String)> = BTreeSet::new();
        // The repository's secret files, found once: a `COPY . .` would otherwise look at
        // every file of the walk, once per image.
        let secret_files: Vec<(&str, &'static str)> = model
            .files
            .files()
            .iter()
            .filter_map(|f| Some((f.path.as_str(), secret_kind(model, &f.path)?)))
            .collect();
        for image in images(model) {
            variables(model, &image, &mut seen, out);
            files(model, &image, &secret_files, &mut seen, out);
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

/// `ENV`/`ARG` literals in the shipped stage and the stages it is built on.
fn variables(
    model: &Model,
    image: &Image<'_>,
    seen: &mut BTreeSet<(String, usize, String)>,
    out: &mut Vec<Finding>,
) {
    let target = image.build.target;
    for s in stage_chain(image.build, target) {
        let Some(stage) = image.build.stages.get(s) else {
            continue;
        };
        for i in stage.from + 1..=stage.last {
            let Some(instruction) = image.instruction(i) else {
                continue;
            };
            let found: Vec<(&str, usize, &str)> = match &instruction.op {
                Op::Env(pairs) => pairs
                    .iter()
                    .map(|p| (p.key.as_str(), p.offset, p.value.as_str()))
                    .collect(),
                Op::Arg(decls) => decls
                    .iter()
                    .filter_map(|d| Some((d.name.as_str(), d.offset, d.default.as_deref()?)))
                    .collect(),
                _ => continue,
            };
            for (name, offset, value) in found {
                if !is_secret(name) || !is_literal(value) {
                    continue;
                }
                if !seen.insert((image.df.path.clone(), i, name.to_string())) {
                    continue;
                }
                let place = if s == target {
                    shipped_label(image)
                } else {
                    format!(
                        "{}, which {} (the stage the image ships) is built on,",
                        image.stage_label(s),
                        image.stage_label(target)
                    )
                };
                let keyword = instruction.keyword.as_str();
                let (what, exposed) = if keyword == "ENV" {
                    (
                        "sets it to a literal value",
                        "it is stored in the image's config, where `docker inspect` shows it to anyone who can pull the image",
                    )
                } else {
                    (
                        "gives it a literal default",
                        "it is recorded in the image's history (`docker history`) for every `RUN` after it",
                    )
                };
                let help = if keyword == "ENV" {
                    format!(
                        "remove the value from the Dockerfile and pass `{name}` when the container starts (compose `environment:`/`env_file:`, a secret store); rotate it, since it is in the repository's history"
                    )
                } else {
                    format!(
                        "declare `ARG {name}` without a default, or better, read it from a build secret: `RUN --mount=type=secret,id={id},env={name} …` with `docker build --secret id={id},env={name}`; rotate it, since it is in the repository's history",
                        id = name.to_ascii_lowercase()
                    )
                };
                out.push(
                    for_service(
                        FindingBuilder::new(
                            &SecretInImage::META,
                            &image.df.path,
                            instruction.span_of(offset, name.len()),
                            format!("{keyword}:{name}"),
                            format!(
                                "`{keyword} {name}` in {place} {what}: {exposed}, and it is committed in {}",
                                image.df.path
                            ),
                        )
                        .help(help),
                        model,
                        image,
                    )
                    .build(),
                );
            }
        }
    }
}

fn shipped_label(image: &Image<'_>) -> String {
    if image.build.stages.len() == 1 {
        "the image".to_string()
    } else {
        format!(
            "{}, the stage the image ships",
            image.stage_label(image.build.target)
        )
    }
}

fn is_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    secrets::is_secret_name(name)
        && !LOCATION_SUFFIXES.iter().any(|s| upper.ends_with(s))
        && !PUBLIC_ENV_PREFIXES
            .iter()
            .any(|p| upper.starts_with(p.name))
}

/// A value written out: not empty, no variable in it, not a boolean, a number or a path.
fn is_literal(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && !v.contains('$')
        && !v.eq_ignore_ascii_case("true")
        && !v.eq_ignore_ascii_case("false")
        && !v.chars().all(|c| c.is_ascii_digit())
        && !v.starts_with('/')
}

/// A secret file of the context placed in a stage.
struct Placed {
    stage: usize,
    instruction: usize,
    /// Repository path of the file.
    file: String,
    /// Absolute path in the stage.
    dest: String,
    /// The source word as written (`.env`, `.`).
    source: String,
    why: &'static str,
}

/// Secret files the build copies from its context, in the stages that can reach the
/// shipped image, and whether (and how) they reach it.
fn files(
    model: &Model,
    image: &Image<'_>,
    secret_files: &[(&str, &'static str)],
    seen: &mut BTreeSet<(String, usize, String)>,
    out: &mut Vec<Finding>,
) {
    let build = image.build;
    let context = &build.context;
    let mut placed: Vec<Placed> = Vec::new();
    for s in build.shipped_lineage() {
        let Some(stage) = build.stages.get(s) else {
            continue;
        };
        for e in &stage.entries {
            let Entry::Context { path, dir } = &e.entry else {
                continue;
            };
            let Some(Op::Copy(copy)) = image.instruction(e.instruction).map(|i| &i.op) else {
                continue;
            };
            let source = build
                .sources
                .iter()
                .find(|c| c.instruction == e.instruction && &c.path == path)
                .and_then(|c| copy.sources.get(c.word))
                .map_or_else(|| paths::file_name(path).to_string(), |w| w.text.clone());
            // A gitignored source the walk did not see is taken for a directory (a build
            // output); one named like a secret file is that file, written before the build.
            let as_file = !dir || (!model.files.is_dir(path) && secret_kind(model, path).is_some());
            if as_file {
                let Some(why) = secret_kind(model, path) else {
                    continue;
                };
                let usable = build
                    .sources
                    .iter()
                    .find(|c| c.instruction == e.instruction && &c.path == path)
                    .is_some_and(|c| c.exists && c.ignored.is_none());
                if usable {
                    placed.push(Placed {
                        stage: s,
                        instruction: e.instruction,
                        file: path.clone(),
                        dest: e.dest.clone(),
                        source,
                        why,
                    });
                }
                continue;
            }
            if !copy.exclude.is_empty() {
                // `COPY --exclude=…`: which files it keeps out is not read.
                continue;
            }
            for &(file, why) in secret_files {
                let Some(rel) = paths::strip_dir(file, path).filter(|r| !r.is_empty()) else {
                    continue;
                };
                if context.ignored_by(model, file).is_some()
                    || paths::strip_dir(file, &context.dir).is_none()
                {
                    continue;
                }
                placed.push(Placed {
                    stage: s,
                    instruction: e.instruction,
                    file: file.to_string(),
                    dest: absolute(&e.dest, rel),
                    source: source.clone(),
                    why,
                });
            }
        }
    }
    let shipped = stage_chain(build, build.target);
    for p in placed {
        let Some(route) = route(image, &shipped, p.stage, &p.dest, 0) else {
            continue;
        };
        if !seen.insert((image.df.path.clone(), p.instruction, p.file.clone())) {
            continue;
        }
        let Some(instruction) = image.instruction(p.instruction) else {
            continue;
        };
        let span = match &instruction.op {
            Op::Copy(copy) => copy
                .sources
                .iter()
                .find(|w| w.text == p.source)
                .map_or_else(|| instruction.span(), |w| instruction.span_of_word(w)),
            _ => instruction.span(),
        };
        let carried = match route {
            None => format!("into {}", stage_place(image, &shipped, p.stage)),
            Some(at) => format!(
                "into {}, and `{}` carries it on into {}",
                image.stage_label(p.stage),
                image
                    .instruction(at)
                    .map_or_else(String::new, |i| cut(&format!("{} {}", i.keyword, i.args))),
                shipped_label(image)
            ),
        };
        let via = if paths::file_name(&p.file) == paths::file_name(&p.source) {
            String::new()
        } else {
            " (the directory copy takes it: the context's .dockerignore does not exclude it)"
                .to_string()
        };
        let name = paths::file_name(&p.file);
        let rel = paths::strip_dir(&p.file, &context.dir).unwrap_or(&p.file);
        let ignore = match context
            .dockerignore
            .and_then(|d| model.dockerignores.get(d))
        {
            Some(d) => format!("add `{rel}` (or `**/{name}`) to {}", d.path),
            None => format!(
                "add a .dockerignore to the context ({}) with `{rel}` (or `**/{name}`)",
                if context.dir.is_empty() {
                    "the repository root"
                } else {
                    &context.dir
                }
            ),
        };
        let explicit = via.is_empty();
        let ignore = if explicit {
            format!(
                "remove it from `{} {}`",
                instruction.keyword,
                cut(&instruction.args)
            )
        } else {
            ignore
        };
        let help = if name == ".npmrc" {
            "keep the token out of the image: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` with `docker build --secret id=npmrc,src=.npmrc`, and write the token in .npmrc as `${NPM_TOKEN}`; rotate it".to_string()
        } else if p.why == DOTENV {
            format!(
                "do not copy it: {ignore}, and pass the values when the container starts (compose `env_file:`, a secret store); a build step that needs them can mount the file: `RUN --mount=type=secret,id=dotenv,target=/app/.env …`"
            )
        } else {
            format!(
                "do not copy it: {ignore}, and give the key to the container when it starts (compose `secrets:`, a mounted volume); a build step that needs it can mount it: `RUN --mount=type=secret,id=key,target=/run/secrets/key …`; rotate it"
            )
        };
        out.push(
            for_service(
                FindingBuilder::new(
                    &SecretInImage::META,
                    &image.df.path,
                    span,
                    format!("file:{}", p.file),
                    format!(
                        "`{} {}` puts {} ({}) {carried}{via}: anyone who can pull the image can read it, and deleting it in a later step does not remove it from the layer",
                        instruction.keyword,
                        cut(&instruction.args),
                        p.file,
                        p.why
                    ),
                )
                .help(help),
                model,
                image,
            )
            .build(),
        );
    }
}

fn stage_place(image: &Image<'_>, shipped: &[usize], stage: usize) -> String {
    if stage == image.build.target {
        shipped_label(image)
    } else if shipped.contains(&stage) {
        format!(
            "{}, which {} (the stage the image ships) is built on",
            image.stage_label(stage),
            image.stage_label(image.build.target)
        )
    } else {
        image.stage_label(stage)
    }
}

/// How a path of a stage reaches the shipped image: `Some(None)` when the stage is the
/// shipped one or one it is built on, `Some(Some(i))` when it gets there through stage
/// copies, `i` being the `COPY --from` that brings it into the shipped stages; `None` when
/// it does not get there.
fn route(
    image: &Image<'_>,
    shipped: &[usize],
    stage: usize,
    dest: &str,
    depth: usize,
) -> Option<Option<usize>> {
    if shipped.contains(&stage) {
        return Some(None);
    }
    if depth > 8 {
        return None;
    }
    for (t, into) in image.build.stages.iter().enumerate() {
        for e in &into.entries {
            let Entry::Stage { stage: from, path } = &e.entry else {
                continue;
            };
            if !stage_chain(image.build, *from).contains(&stage) {
                continue;
            }
            let rest = if path == "/" {
                Some(dest.trim_start_matches('/'))
            } else if dest == path {
                Some("")
            } else {
                dest.strip_prefix(path.as_str())
                    .and_then(|r| r.strip_prefix('/'))
            };
            let Some(rest) = rest else { continue };
            let moved = if rest.is_empty() {
                e.dest.clone()
            } else {
                absolute(&e.dest, rest)
            };
            // Name the copy that brings it into the shipped stages.
            if let Some(last) = route(image, shipped, t, &moved, depth + 1) {
                return Some(Some(last.unwrap_or(e.instruction)));
            }
        }
    }
    None
}

const DOTENV: &str = "a dotenv file";

/// Why a context file is a secret, or `None`.
fn secret_kind(model: &Model, path: &str) -> Option<&'static str> {
    let name = paths::file_name(path);
    if name == ".npmrc" {
        return model
            .npmrcs
            .iter()
            .any(|n| n.path == path && n.literal_auth)
            .then_some("an .npmrc with a literal auth token");
    }
    secrets::secret_file(name).map(|e| match e.name {
        ".env" | ".env.local" => DOTENV,
        "*.pem" => "a PEM key or certificate",
        _ => "an SSH private key",
    })
}

fn cut(text: &str) -> String {
    crate::source::cut(text, 60)
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Repo, Vectors, case};

    fn root(dockerfile: &str) -> Repo {
        api("FROM node:20-slim\n")
            .without("apps/api/Dockerfile")
            .file("Dockerfile", dockerfile)
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "ENV with a literal secret",
                    api("FROM node:20-slim\nENV NODE_ENV=production JWT_SECRET=s3cr3t-value\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "ARG with a literal default, legacy ENV form, in the stage the image is built on",
                    api("FROM node:20-slim AS base\nARG NPM_TOKEN=npm_abcdefghijklmnopqrstu\nENV DB_PASSWORD hunter2\nFROM base\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "COPY .env into the image",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY .env package.json ./\nCMD [\"node\", \"main.js\"]\n")
                        .file("apps/api/.env", "DATABASE_URL=postgres://u:p@db/x\n"),
                ),
                case(
                    "COPY of a gitignored .env the operator writes before the build, into a stage the shipped one is built on",
                    root("FROM node:20 AS builder\nWORKDIR /usr/src/app\nCOPY .env .\nCOPY package.json .\nFROM builder AS prod\nCMD [\"node\", \"main.js\"]\n")
                        .file(".gitignore", ".env\n"),
                ),
                case(
                    "COPY . . takes a tracked .env the .dockerignore does not exclude",
                    root("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"apps/api/main.js\"]\n")
                        .file(".dockerignore", "node_modules\n")
                        .file("apps/api/.env", "API_KEY=abc\n"),
                ),
                case(
                    "a key copied into a builder and carried over by COPY --from",
                    api("FROM node:20 AS build\nWORKDIR /src\nCOPY . .\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /src /app\nCMD [\"node\", \"/app/main.js\"]\n")
                        .file("apps/api/certs/server.pem", "-----BEGIN PRIVATE KEY-----\n"),
                ),
                case(
                    "an .npmrc with a literal token",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY .npmrc package.json ./\nRUN npm ci\n")
                        .file("apps/api/.npmrc", "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstu\n"),
                ),
            ],
            quiet: vec![
                case(
                    "ARG without a value, and ENV from it",
                    api("FROM node:20-slim\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\nENV API_KEY=${API_KEY:-}\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "values that are not secrets",
                    api("FROM node:20-slim\nENV SECRET_SCANNING=false API_KEY= TOKEN_TTL=3600 DB_PASSWORD_FILE=/run/secrets/db JWT_SECRET_PATH=/etc/jwt CERT_DIR=certs PASSWORD_STORE=/secrets\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "variables inlined into the browser bundle",
                    api("FROM node:20-slim\nENV NEXT_PUBLIC_POSTHOG_KEY=phc_abc VITE_STRIPE_KEY=pk_live_x\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "a literal secret only in a builder stage",
                    api("FROM node:20 AS build\nARG NEXT_PRIVATE_ENCRYPTION_KEY=CAFEBABE\nRUN npm run build\nFROM node:20-slim\nCOPY --from=build /app/dist /app/dist\nCMD [\"node\", \"/app/dist/main.js\"]\n"),
                ),
                case(
                    "a .env the .dockerignore excludes",
                    root("FROM node:20-slim\nWORKDIR /app\nCOPY . .\n")
                        .file(".dockerignore", "node_modules\n**/.env\n")
                        .file("apps/api/.env", "API_KEY=abc\n"),
                ),
                case(
                    "a .env.example and a .npmrc with an ${ENV} token",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY .env.example .npmrc package.json ./\nRUN npm ci\n")
                        .file("apps/api/.env.example", "API_KEY=\n")
                        .file("apps/api/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"),
                ),
                case(
                    "a key in a builder that the final stage does not take",
                    api("FROM node:20 AS build\nWORKDIR /src\nCOPY . .\nRUN npm run build\nFROM node:20-slim\nCOPY --from=build /src/dist /app/dist\nCMD [\"node\", \"/app/dist/main.js\"]\n")
                        .file("apps/api/localhost.pem", "-----BEGIN PRIVATE KEY-----\n"),
                ),
                case(
                    "a secret mount instead of a copy",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n")
                        .file("apps/api/.npmrc", "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstu\n"),
                ),
            ],
        }
    }
}
