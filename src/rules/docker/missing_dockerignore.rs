use rayon::prelude::*;
use std::collections::BTreeMap;

use crate::data::env_templates;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::model::docker::{Build, Entry};
use crate::parse::dockerfile::Op;
use crate::parse::dockerignore::DockerIgnore;
use crate::paths;
use crate::rules::docker::copy_source_missing::{locate, stage_of};
use crate::rules::docker::{Image, applies, for_service};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a build context whose Dockerfile copies whole directories (`COPY . .`,
    /// `COPY apps/api ./`) while nothing keeps out what those directories hold and no image
    /// should: `node_modules` (wherever a package.json is, since installs create it),
    /// `.git` (when the context is the repository root), and tracked environment files
    /// (`.env`, `.env.production`; templates such as `.env.example` are fine). Either the
    /// context has no `.dockerignore` (nor a `<Dockerfile>.dockerignore`), or its ignore file
    /// misses one of them. Nested packages count: Docker's `node_modules` pattern matches at
    /// the context root only, so a workspace whose `apps/*/node_modules` are not excluded
    /// (`**/node_modules`) still sends them. Reported once per context, however many
    /// Dockerfiles share it. Python contexts (`__pycache__`) are not judged.
    ///
    /// ## Why is this bad?
    /// BuildKit sends what a `COPY` names: with `COPY . .` that is the host's whole tree.
    /// The host's `node_modules` then lands on top of the one the image installed, carrying
    /// binaries built for another OS or libc (`invalid ELF header`, `Cannot find module
    /// @rollup/rollup-linux-x64-musl`); `.git` and local `.env` files go into a layer anyone
    /// with the image can read; and every change anywhere busts the layer cache.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY package*.json ./
    /// RUN npm ci
    /// COPY . .
    /// ```
    /// with no `.dockerignore` next to it.
    ///
    /// ## Use instead
    /// ```text
    /// # .dockerignore
    /// **/node_modules
    /// .git
    /// **/.env*
    /// !**/.env.example
    /// **/dist
    /// ```
    pub struct MissingDockerignore {
        id: "docker/missing-dockerignore",
        category: Container,
        severity: Warning,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::DockerIgnore, FileKind::Compose],
        summary: "a build context with no `.dockerignore`, or one that does not exclude `node_modules`, `.git`, `.env` while the context holds them",
    }
}

/// What a whole-directory copy would carry that an ignore file should keep out.
#[derive(Debug, Default)]
struct Carried {
    git: bool,
    /// The context's own `node_modules` (its root has a package.json).
    root_modules: bool,
    /// Nested packages (context-relative) whose `node_modules` is not excluded.
    nested_modules: Vec<String>,
    /// Environment files (context-relative).
    env: Vec<String>,
}

impl Carried {
    fn is_empty(&self) -> bool {
        !self.git && !self.root_modules && self.nested_modules.is_empty() && self.env.is_empty()
    }

    fn add(&mut self, other: Carried) {
        self.git |= other.git;
        self.root_modules |= other.root_modules;
        for n in other.nested_modules {
            if !self.nested_modules.contains(&n) {
                self.nested_modules.push(n);
            }
        }
        for e in other.env {
            if !self.env.contains(&e) {
                self.env.push(e);
            }
        }
    }
}

/// One context (with the ignore file that applies) and what its builds copy whole.
struct Group<'a> {
    image: Image<'a>,
    /// The first whole-directory copy that carries something: (instruction, span).
    copy: (usize, Span),
    copy_text: String,
    /// How many whole-directory copies (of any Dockerfile of the context) carry something.
    copies: usize,
    carried: Carried,
}

impl Rule for MissingDockerignore {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut order: Vec<usize> = (0..model.docker.builds.len()).collect();
        order.sort_by_key(|&i| {
            let b = &model.docker.builds[i];
            (b.context.how.is_inferred(), b.dockerfile, i)
        });
        // What each build's whole-context copies carry, computed in parallel (each one matches
        // every package and file of the context against the build's ignore file), then grouped
        // in order.
        // The files whose names say they hold values (`.env`, `.env.local`), found once: each
        // whole-context copy filters these, not every file of the repository.
        let env_files: Vec<&str> = model
            .files
            .files()
            .iter()
            .map(|f| f.path.as_str())
            .filter(|p| env_templates::holds_values(paths::file_name(p)))
            .collect();
        let per_build: Vec<_> = order
            .par_iter()
            .filter_map(|&index| {
                let build = &model.docker.builds[index];
                if !build.context.trusted {
                    return None;
                }
                let df = model.dockerfiles.get(build.dockerfile)?;
                let ignore = build
                    .context
                    .dockerignore
                    .and_then(|i| model.dockerignores.get(i));
                let copies: Vec<_> = whole_copies(model, build, df)
                    .into_iter()
                    .map(|(instruction, path, span, text)| {
                        let carried = carried(model, build, ignore, &path, &env_files);
                        (instruction, span, text, carried)
                    })
                    .collect();
                Some((index, build, df, copies))
            })
            .collect();
        let mut groups: BTreeMap<(String, Option<usize>), Group<'_>> = BTreeMap::new();
        for (index, build, df, copies) in per_build {
            for (instruction, span, text, carried) in copies {
                if carried.is_empty() {
                    continue;
                }
                let key = (build.context.dir.clone(), build.context.dockerignore);
                match groups.get_mut(&key) {
                    Some(group) => {
                        group.carried.add(carried);
                        group.copies += 1;
                    }
                    None => {
                        groups.insert(
                            key,
                            Group {
                                image: Image {
                                    index,
                                    build,
                                    df,
                                    model,
                                },
                                copy: (instruction, span),
                                copy_text: text,
                                copies: 1,
                                carried,
                            },
                        );
                    }
                }
            }
        }
        for ((dir, ignore), group) in groups {
            let ignore = ignore.and_then(|i| model.dockerignores.get(i));
            out.push(finding(model, &dir, ignore, &group));
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

/// The directory sources a build copies in the stages it reaches: (instruction, repository
/// path, span of the source word, the `COPY` as written).
fn whole_copies(
    model: &Model,
    build: &Build,
    df: &crate::parse::dockerfile::Dockerfile,
) -> Vec<(usize, String, Span, String)> {
    let lineage = build.shipped_lineage();
    let mut out: Vec<(usize, String, Span, String)> = Vec::new();
    for &s in &lineage {
        let Some(stage) = build.stages.get(s) else {
            continue;
        };
        for entry in &stage.entries {
            let Entry::Context { path, dir: true } = &entry.entry else {
                continue;
            };
            if stage_of(build, entry.instruction) != Some(s)
                || out
                    .iter()
                    .any(|(i, p, _, _)| *i == entry.instruction && p == path)
                || !build.context.exists(model, path)
            {
                continue;
            }
            let Some(instruction) = df.instructions.get(entry.instruction) else {
                continue;
            };
            let Op::Copy(copy) = &instruction.op else {
                continue;
            };
            let word = locate(copy, &build.context, path).and_then(|w| copy.sources.get(w.word));
            let span = word.map_or_else(|| instruction.span(), |w| instruction.span_of_word(w));
            let text = format!(
                "{} {} {}",
                instruction.keyword,
                word.map_or(path.as_str(), |w| w.text.as_str()),
                copy.dest.text
            );
            out.push((entry.instruction, path.clone(), span, text));
        }
    }
    out.sort_by_key(|(i, ..)| *i);
    out
}

/// What copying the context directory `path` carries that `ignore` does not keep out.
fn carried(
    model: &Model,
    build: &Build,
    ignore: Option<&DockerIgnore>,
    path: &str,
    env_files: &[&str],
) -> Carried {
    let dir = &build.context.dir;
    let kept_out = |rel: &str| ignore.is_some_and(|i| i.excluded_by(rel).is_some());
    let within = |p: &str| paths::strip_dir(p, path).is_some();
    let mut out = Carried {
        git: path.is_empty() && !kept_out(".git"),
        ..Carried::default()
    };
    for package in &model.packages {
        if !within(&package.dir) {
            continue;
        }
        let Some(rel) = paths::strip_dir(&package.dir, dir) else {
            continue;
        };
        // The ignore file is asked only about a node_modules an install would create: this
        // runs for every package under every `COPY .`.
        if rel.is_empty() {
            out.root_modules |= !kept_out("node_modules");
        } else if installs_into(model, package) && !kept_out(&format!("{rel}/node_modules")) {
            out.nested_modules.push(rel.to_string());
        }
    }
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    };
    for file in env_files {
        if !file.starts_with(&prefix) {
            continue;
        }
        let Some(rel) = paths::strip_dir(file, dir) else {
            continue;
        };
        if !kept_out(rel) {
            out.env.push(rel.to_string());
        }
    }
    out
}

/// Whether an install creates a `node_modules` in the package's folder: it is an install
/// root with a lockfile, or a member of a workspace root.
fn installs_into(model: &Model, package: &crate::model::Package) -> bool {
    let Some(workspace) = package.workspace.and_then(|w| model.workspaces.get(w)) else {
        return false;
    };
    if workspace.dir == package.dir {
        workspace.lockfile.is_some()
    } else {
        true
    }
}

fn finding(model: &Model, dir: &str, ignore: Option<&DockerIgnore>, group: &Group<'_>) -> Finding {
    let image = &group.image;
    let carried = &group.carried;
    let context = format!(
        "{} is `{}`",
        image.build.context.how.describe(),
        paths::display_dir(dir)
    );
    let mut items: Vec<String> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    let nested = !carried.nested_modules.is_empty();
    if carried.root_modules {
        items.push("`node_modules`".to_string());
    }
    if nested {
        let shown: Vec<String> = carried
            .nested_modules
            .iter()
            .take(3)
            .map(|p| format!("`{p}/node_modules`"))
            .collect();
        let more = carried.nested_modules.len().saturating_sub(3);
        let mut text = shown.join(", ");
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        if ignore.is_some_and(|i| i.excludes("node_modules")) {
            text.push_str(" (a `node_modules` line matches at the context root only)");
        }
        items.push(text);
    }
    if carried.root_modules || nested {
        lines.push(
            if nested {
                "**/node_modules"
            } else {
                "node_modules"
            }
            .to_string(),
        );
    }
    if carried.git {
        items.push("`.git`".to_string());
        lines.push(".git".to_string());
    }
    if !carried.env.is_empty() {
        let shown: Vec<String> = carried
            .env
            .iter()
            .take(3)
            .map(|p| format!("`{p}`"))
            .collect();
        items.push(shown.join(", "));
        let nested_env = carried.env.iter().any(|e| e.contains('/'));
        lines.push(if nested_env { "**/.env*" } else { ".env*" }.to_string());
        lines.push(
            if nested_env {
                "!**/.env.example"
            } else {
                "!.env.example"
            }
            .to_string(),
        );
    }
    let what = items.join(", ");
    let others = match group.copies {
        1 => String::new(),
        2 => " (with one more whole-directory copy)".to_string(),
        n => format!(" (with {} more whole-directory copies)", n - 1),
    };
    let (copy_at, copy_span) = group.copy;
    let copy_line = image
        .instruction(copy_at)
        .map_or(copy_span.line, |i| i.line);
    let (path, span, message) = match ignore {
        None => (
            image.df.path.clone(),
            copy_span,
            format!(
                "{context} and has no .dockerignore: `{}`{others} copies {what} into the image with the rest",
                group.copy_text
            ),
        ),
        Some(ignore) => (
            ignore.path.clone(),
            Span::point(1, 1),
            format!(
                "{} does not exclude {what}, which `{}` ({}:{copy_line}){others} copies into the image; {context}",
                ignore.path, group.copy_text, image.df.path
            ),
        ),
    };
    let file = ignore.map_or_else(
        || {
            if dir.is_empty() {
                ".dockerignore".to_string()
            } else {
                format!("{dir}/.dockerignore")
            }
        },
        |i| i.path.clone(),
    );
    let mut builder = FindingBuilder::new(
        &MissingDockerignore::META,
        &path,
        span,
        format!("context:{}", paths::display_dir(dir)),
        message,
    )
    .help(format!(
        "add to {file}: {}",
        lines
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if ignore.is_some() {
        builder = builder.related(&image.df.path, copy_line, "the whole-directory copy");
    }
    for_service(builder, model, image).build()
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    const COMPOSE_ROOT: &str =
        "services:\n  api:\n    build:\n      context: .\n      dockerfile: apps/api/Dockerfile\n";
    const COMPOSE_API: &str = "services:\n  api:\n    build: ./apps/api\n";
    const COPY_ALL: &str =
        "FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "no ignore file, COPY . . of the service folder",
                    api(COPY_ALL).file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a root context whose ignore file misses .git and nested node_modules",
                    api(COPY_ALL)
                        .file("apps/web/package.json", r#"{ "name": "web" }"#)
                        .file(".dockerignore", "node_modules\ndist\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "a tracked .env in a copied directory",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY apps/api ./\n")
                        .file("apps/api/.env.production", "API_URL=https://api.example.com\n")
                        .file("apps/api/.env.example", "API_URL=\n")
                        .file(".dockerignore", "**/node_modules\n.git\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "two Dockerfiles sharing one context: one finding",
                    api(COPY_ALL)
                        .file(
                            "apps/web/package.json",
                            r#"{ "name": "web", "scripts": { "start": "node x" } }"#,
                        )
                        .file("apps/web/Dockerfile", COPY_ALL)
                        .file(
                            "docker-compose.yml",
                            "services:\n  api:\n    build:\n      context: .\n      dockerfile: apps/api/Dockerfile\n  web:\n    build:\n      context: .\n      dockerfile: apps/web/Dockerfile\n",
                        ),
                ),
            ],
            quiet: vec![
                case(
                    "an ignore file that excludes everything the context holds",
                    api(COPY_ALL)
                        .file("apps/web/package.json", r#"{ "name": "web" }"#)
                        .file(".dockerignore", "**/node_modules\n.git\n**/.env*\n")
                        .file(".env", "SECRET=1\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
                case(
                    "a context inferred at the repository root, with an allow-list ignore file",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY apps/api ./apps/api\nCOPY . .\n")
                        .file(".dockerignore", "*\n!package.json\n!apps/api\n**/node_modules\n"),
                ),
                case(
                    "only files are copied",
                    api("FROM node:20-slim\nCOPY package.json package-lock.json ./\nRUN npm ci\n")
                        .file("apps/api/package-lock.json", "{}")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "copying a prebuilt node_modules and a gitignored dist",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY node_modules ./node_modules\nCOPY dist ./dist\n")
                        .file(".gitignore", "node_modules\ndist\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "a static folder with no packages",
                    api("FROM nginx:1.27\nCOPY public /usr/share/nginx/html\n")
                        .file("apps/api/public/index.html", "<p>hi</p>\n")
                        .file("docker-compose.yml", COMPOSE_API),
                ),
                case(
                    "the Dockerfile's own ignore file covers the context, cache-mounted install",
                    api("FROM node:20-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\n")
                        .file("apps/api/Dockerfile.dockerignore", "**/node_modules\n.git\n")
                        .file("docker-compose.yml", COMPOSE_ROOT),
                ),
            ],
        }
    }
}
