use std::collections::BTreeSet;

use crate::data::env_templates;
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Model;
use crate::model::compose::{Project, Service};
use crate::model::contract;
use crate::parse::dockerfile::Op;
use crate::parse::typescript::{EnvClass, EnvSource};
use crate::paths;
use crate::rules::compose::{Sink, applies, finding, label, ships};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an environment variable that the code a compose service ships requires, and the
    /// service does not provide. "Requires" means read with no fallback in a way that fails
    /// without it: `process.env.X!`, `if (!process.env.X) throw …` (or `process.exit`),
    /// `configService.getOrThrow('X')`, a required key of a zod, joi, class-validator or
    /// envalid env schema. The code is the package the image ships and the workspace packages
    /// it imports at runtime (a shared config library's reads count for each service that
    /// ships it).
    ///
    /// "Provides" means any of: a key in `environment` (a value, an interpolation, or a bare
    /// `KEY` taken from the shell), a key of an `env_file`, an `ENV` of the service's
    /// Dockerfile, or a committed `.env` file in the package's folder (which a `COPY` may put
    /// in the image). A service whose `env_file` cannot be read (gitignored, absent, or named
    /// by a variable) is not judged: the file may provide anything. Reads with a fallback,
    /// presence tests, and Vite's `import.meta.env` (replaced at build time) never count.
    ///
    /// ## Why is this bad?
    /// The container starts, the code reads the variable, and exits with `DATABASE_URL is not
    /// set` (or a schema validation error) before it serves anything: the service crash-loops
    /// under `restart: always`, and the error is in the container's log, not in the deploy.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   auth:
    ///     build: ./services/auth   # src/config.ts: process.env.DATABASE_URL!
    ///     environment:
    ///       PORT: "3000"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   auth:
    ///     build: ./services/auth
    ///     environment:
    ///       PORT: "3000"
    ///       DATABASE_URL: ${DATABASE_URL:?set DATABASE_URL}
    /// ```
    pub struct MissingEnv {
        id: "compose/missing-env",
        category: Orchestration,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Compose, FileKind::Source { dts: false }, FileKind::Env],
        summary: "an environment variable the service's code requires (read with no fallback) that the compose service does not provide",
    }
}

/// What the service is given, or `None` when an env file cannot be read (anything may come
/// from it).
fn provided(
    model: &Model,
    project: &Project,
    svc: &Service,
    dockerfile: &str,
    package_dir: &str,
) -> Option<BTreeSet<String>> {
    let mut names: BTreeSet<String> = svc
        .environment()
        .iter()
        .map(|v| v.name.to_string())
        .collect();
    for f in svc.env_files() {
        let path = project.resolve(f.node, f.path)?;
        match model.dotenvs.iter().find(|d| d.path == path) {
            Some(d) => names.extend(d.vars.iter().map(|v| v.name.clone())),
            None if !f.required && !model.exists_on_disk(&path) => {}
            None => return None,
        }
    }
    if let Some(df) = model.dockerfiles.iter().find(|d| d.path == dockerfile) {
        for i in &df.instructions {
            if let Op::Env(pairs) = &i.op {
                names.extend(pairs.iter().map(|p| p.key.clone()));
            }
        }
    }
    for d in &model.dotenvs {
        if paths::parent(&d.path) == package_dir
            && env_templates::holds_values(paths::file_name(&d.path))
        {
            names.extend(d.vars.iter().map(|v| v.name.clone()));
        }
    }
    Some(names)
}

fn how(source: EnvSource) -> &'static str {
    match source {
        EnvSource::ProcessEnv | EnvSource::ImportMetaEnv => "reads it with no fallback",
        EnvSource::ConfigService => "calls `getOrThrow` for it",
        EnvSource::Zod | EnvSource::Joi | EnvSource::ClassValidator | EnvSource::Envalid => {
            "requires it in its env schema"
        }
    }
}

impl Rule for MissingEnv {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                let Some(shipped) = ships(cx, project, svc) else {
                    continue;
                };
                let package = shipped.package;
                let pkg = &model.packages[package];
                // A `.env` in the image's working directory (copied, or written by a `RUN cp
                // env-example .env`) may provide anything: dotenv and `ConfigModule` load it.
                if let Some(image) = &shipped.image
                    && let Some(stage) = image.build.final_stage()
                {
                    let dotenv = crate::model::docker::sim::absolute(&stage.workdir, ".env");
                    if image
                        .build
                        .presence(model, image.build.target, &dotenv, usize::MAX)
                        != crate::model::docker::Presence::Absent
                    {
                        continue;
                    }
                }
                let Some(given) = provided(model, project, svc, &shipped.dockerfile, &pkg.dir)
                else {
                    continue;
                };
                let mut reported = BTreeSet::new();
                for read in contract::env_reads(model, package) {
                    if read.class != EnvClass::Required
                        || read.source == EnvSource::ImportMetaEnv
                        || given.contains(&read.name)
                        || !reported.insert(read.name.clone())
                    {
                        continue;
                    }
                    let via = read
                        .via
                        .as_deref()
                        .map(|v| format!(" (from {v}, which it imports)"))
                        .unwrap_or_default();
                    let at = match svc.entry("environment") {
                        Some(e) => (&*e.value.file, e.key_span),
                        None => (&*svc.file, svc.span),
                    };
                    sink.push(
                        finding(
                            &Self::META,
                            model,
                            svc,
                            at,
                            &format!("env/{}", read.name),
                            format!(
                                "{} does not provide `{}`, which its code requires: {}:{}{via} {}",
                                label(model, project, svc),
                                read.name,
                                read.path,
                                read.span.line,
                                how(read.source)
                            ),
                        )
                        .related(&read.path, read.span.line, format!("`{}` is required here", read.name))
                        .help(format!("add `{0}: ${{{0}:?set {0}}}` to the service's `environment` (or an `env_file` that sets it)", read.name))
                        .build(),
                    );
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
    use crate::rules::testing::{Repo, Vectors, case};

    /// A workspace whose service `api` requires `DATABASE_URL` in `src/main.ts`, built by
    /// compose from `apps/api`.
    fn api(compose: &str, main: &str) -> Repo {
        Repo::new()
            .file("package.json", r#"{ "name": "acme", "private": true, "workspaces": ["apps/*", "packages/*"] }"#)
            .file(
                "apps/api/package.json",
                r#"{ "name": "api", "version": "1.0.0", "scripts": { "start": "node dist/main.js" }, "dependencies": { "@acme/config": "*" } }"#,
            )
            .file("apps/api/src/main.ts", main)
            .file("apps/api/Dockerfile", "FROM node:20-slim\nENV NODE_ENV=production\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"dist/main.js\"]\n")
            .file("packages/config/package.json", r#"{ "name": "@acme/config", "version": "1.0.0", "main": "src/index.ts" }"#)
            .file(
                "packages/config/src/index.ts",
                "if (!process.env.REDIS_URL) {\n  throw new Error('REDIS_URL is required');\n}\nexport const redis = process.env.REDIS_URL;\n",
            )
            .file("docker-compose.yml", compose)
    }

    const MAIN: &str = "const url = process.env.DATABASE_URL!;\nconsole.log(url);\n";
    const SHARED: &str = "import { redis } from '@acme/config';\nconsole.log(redis);\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a required variable the service is not given",
                    api("services:\n  api:\n    build: ./apps/api\n    environment:\n      PORT: '3000'\n", MAIN),
                ),
                case(
                    "a shared config package's required read",
                    api("services:\n  api:\n    build: ./apps/api\n", SHARED),
                ),
                case(
                    "getOrThrow",
                    api(
                        "services:\n  api:\n    build: ./apps/api\n",
                        "export class A { constructor(private configService: ConfigService) {}\n  url() { return this.configService.getOrThrow('JWT_SECRET'); } }\n",
                    ),
                ),
                case(
                    "a single-package repository's own image",
                    Repo::new()
                        .file("package.json", r#"{ "name": "api", "version": "1.0.0", "scripts": { "start": "node dist/main.js" } }"#)
                        .file("src/main.ts", MAIN)
                        .file("Dockerfile", "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"dist/main.js\"]\n")
                        .file("docker-compose.yml", "services:\n  api:\n    build: .\n"),
                ),
                case(
                    "a Dockerfile outside the package whose CMD starts the package's build output",
                    api("services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api.Dockerfile\n", MAIN)
                        .file(
                            "docker/api.Dockerfile",
                            "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w api\nCMD [\"node\", \"apps/api/dist/main.js\"]\n",
                        ),
                ),
            ],
            quiet: vec![
                case(
                    "an image that ships none of the repository's code",
                    Repo::new()
                        .file("package.json", r#"{ "name": "api", "version": "1.0.0", "scripts": { "start": "node dist/main.js" } }"#)
                        .file("src/main.ts", MAIN)
                        .file("maildev.Dockerfile", "FROM node:20-alpine\nRUN npm i -g maildev@2.0.5\nCMD maildev\n")
                        .file("docker-compose.yml", "services:\n  mail:\n    build:\n      context: .\n      dockerfile: maildev.Dockerfile\n"),
                ),
                case(
                    "a single-package repository's own image (the root is the service)",
                    Repo::new()
                        .file("package.json", r#"{ "name": "api", "version": "1.0.0", "scripts": { "start": "node dist/main.js" } }"#)
                        .file("src/main.ts", MAIN)
                        .file("Dockerfile", "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"dist/main.js\"]\n")
                        .file("docker-compose.yml", "services:\n  api:\n    build: .\n    environment:\n      DATABASE_URL: postgres://db/app\n"),
                ),
                case(
                    "an image that writes a `.env` in its working directory",
                    api("services:\n  api:\n    build: ./apps/api\n", MAIN).file(
                        "apps/api/Dockerfile",
                        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN if [ ! -f .env ]; then cp env-example .env; fi\nCMD [\"node\", \"dist/main.js\"]\n",
                    ),
                ),
                case(
                    "provided in environment",
                    api("services:\n  api:\n    build: ./apps/api\n    environment:\n      DATABASE_URL: ${DATABASE_URL:?}\n", MAIN),
                ),
                case(
                    "`<<` merges that supply environment",
                    api("x-env: &env\n  DATABASE_URL: postgres://db/app\nservices:\n  api:\n    build: ./apps/api\n    environment:\n      <<: *env\n", MAIN),
                ),
                case(
                    "an env_file that provides the variable",
                    api("services:\n  api:\n    build: ./apps/api\n    env_file: ./apps/api/.env.docker\n", MAIN)
                        .file("apps/api/.env.docker", "DATABASE_URL=postgres://db/app\n"),
                ),
                case(
                    "an env_file that cannot be read",
                    api("services:\n  api:\n    build: ./apps/api\n    env_file: ./apps/api/.env.missing\n", MAIN),
                ),
                case(
                    "a variable provided by the Dockerfile ENV",
                    api("services:\n  api:\n    build: ./apps/api\n", MAIN)
                        .file("apps/api/Dockerfile", "FROM node:20-slim\nENV DATABASE_URL=postgres://db/app\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"dist/main.js\"]\n"),
                ),
                case(
                    "env reads with defaults",
                    api(
                        "services:\n  api:\n    build: ./apps/api\n",
                        "const url = process.env.DATABASE_URL ?? 'postgres://localhost/app';\nconst port = process.env.PORT || 3000;\nconsole.log(url, port);\n",
                    ),
                ),
                case(
                    "a plain read (not provably required)",
                    api("services:\n  api:\n    build: ./apps/api\n", "const url = process.env.DATABASE_URL;\nconsole.log(url);\n"),
                ),
            ],
        }
    }
}
