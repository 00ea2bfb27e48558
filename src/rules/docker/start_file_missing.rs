use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::sim::absolute;
use crate::model::docker::{Entry, Presence};
use crate::parse::shell;
use crate::rules::docker::{Image, applies, for_service, images, launch, process};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags an image whose `CMD`/`ENTRYPOINT` runs a file with `node` (`node dist/main.js`,
    /// a distroless image's `CMD ["dist/main.js"]`, or the file the `start` script it calls
    /// with npm/yarn/pnpm names) that the shipped stage does not contain: nothing copied
    /// into the stage, built in it, or present in its base puts the file (or `file.js`,
    /// `file/index.js`) there. Paths a build or a command this reader does not follow may
    /// have written are not judged.
    ///
    /// ## Why is this bad?
    /// The image builds, and the container exits at once with `Error: Cannot find module
    /// '/app/dist/main.js'`: usually the build output was copied to another folder than the
    /// command expects (`COPY --from=build /app/apps/api/dist ./build`), or not copied at all.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20 AS build
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci && npm run build
    ///
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY --from=build /app/node_modules ./node_modules
    /// CMD ["node", "dist/main.js"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY --from=build /app/dist ./dist
    /// CMD ["node", "dist/main.js"]
    /// ```
    pub struct StartFileMissing {
        id: "docker/start-file-missing",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile, FileKind::PackageJson],
        summary: "the final stage's CMD/ENTRYPOINT runs a file (`node dist/main.js`, or the file its start script names) that the final stage does not contain",
    }
}

/// Node flags that take the next word as their value.
const NODE_VALUE_FLAGS: &[&str] = &[
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "-C",
    "--conditions",
    "--env-file",
    "--title",
];

impl Rule for StartFileMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        for image in images(model) {
            let Some(stage) = image.build.final_stage() else {
                continue;
            };
            let Some((instruction_index, words, from_script)) = start(cx, &image) else {
                continue;
            };
            let Some(file) = node_file(&words) else {
                continue;
            };
            if file.contains('$') || file.contains('`') {
                continue;
            }
            let path = absolute(&stage.workdir, &file);
            let candidates = [
                path.clone(),
                format!("{path}.js"),
                format!("{path}.cjs"),
                format!("{path}.mjs"),
                format!("{path}/index.js"),
            ];
            let presences: Vec<Presence> = candidates
                .iter()
                .map(|c| {
                    image
                        .build
                        .presence(model, image.build.target, c, usize::MAX)
                })
                .collect();
            if presences.iter().any(|p| *p != Presence::Absent) {
                continue;
            }
            let Some(instruction) = image.instruction(instruction_index) else {
                continue;
            };
            let copies: Vec<String> = stage
                .entries
                .iter()
                .filter_map(|e| match &e.entry {
                    Entry::Stage { stage: s, path } => Some(format!(
                        "{path} from {} to {}",
                        image.stage_label(*s).trim_start_matches("stage "),
                        e.dest
                    )),
                    _ => None,
                })
                .take(4)
                .collect();
            let copied = if copies.is_empty() {
                "nothing is copied into it from another stage".to_string()
            } else {
                format!("it copies {}", copies.join(", "))
            };
            let via = match &from_script {
                Some(script) => format!(" (through the `{script}` script)"),
                None => String::new(),
            };
            out.push(
                for_service(
                    FindingBuilder::new(
                        &Self::META,
                        &image.df.path,
                        instruction.span(),
                        format!("start:{path}"),
                        format!(
                            "{}{via} runs {path}, which {} does not contain: no COPY, build or base image puts it there ({copied}); the container would exit with `Cannot find module '{path}'`",
                            instruction.keyword,
                            image.stage_label(image.build.target)
                        ),
                    )
                    .help(format!(
                        "copy the build output to where the command expects it (`COPY --from=<build stage> <its output folder> {}`), or point the command at where the output is",
                        crate::paths::parent(&path)
                    )),
                    model,
                    &image,
                )
                .build(),
            );
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

/// The command line the container starts with, its instruction, and the script it went
/// through (`npm start` → the `start` script's `node …`). Read through inits, user switches
/// and `sh -c` as [`process`] does; an entrypoint script of the repository, which may run
/// anything, is not followed.
pub(crate) fn start(
    cx: &Context<'_>,
    image: &Image<'_>,
) -> Option<(usize, Vec<String>, Option<String>)> {
    let stage = image.build.final_stage()?;
    let launch = launch(image, None)?;
    let at = launch.at?;
    let process = process(image, &launch);
    if process.script.is_some() {
        return None;
    }
    let words = process.main()?.words.clone();
    let program = words.first()?.rsplit('/').next().unwrap_or("").to_string();
    if matches!(program.as_str(), "npm" | "yarn" | "pnpm") {
        let script = match words.get(1).map(String::as_str) {
            Some("start") => "start".to_string(),
            Some("run" | "run-script") => words.get(2)?.clone(),
            _ => return None,
        };
        let manifest = absolute(&stage.workdir, "package.json");
        let origin = image
            .build
            .origin(cx.model, image.build.target, &manifest)?;
        let package = cx.model.package_at(crate::paths::parent(&origin))?;
        let command = package.manifest.script(&script)?;
        let commands = shell::commands(&command.command);
        let last = commands.last()?;
        return Some((at, last.words.clone(), Some(script)));
    }
    Some((at, words, None))
}

/// The file `node` runs, when the words are a `node` command line.
pub(crate) fn node_file(words: &[String]) -> Option<String> {
    let program = words.first()?.rsplit('/').next().unwrap_or("");
    if program != "node" && program != "nodejs" {
        return None;
    }
    let mut i = 1;
    while let Some(w) = words.get(i) {
        if w == "-e"
            || w == "--eval"
            || w == "-p"
            || w == "--print"
            || w == "-i"
            || w == "--interactive"
        {
            return None;
        }
        if w == "--" {
            return words.get(i + 1).cloned();
        }
        if NODE_VALUE_FLAGS.contains(&w.as_str()) {
            i += 2;
            continue;
        }
        if w.starts_with('-') {
            i += 1;
            continue;
        }
        return Some(w.clone());
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::npm_workspace;
    use crate::rules::testing::{Repo, Vectors, case};

    const BUILD: &str = "FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w @acme/shared && npm run build -w api\n";

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "the build output copied to another folder",
                    npm_workspace(&format!("{BUILD}FROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY --from=build /app/apps/api/dist ./build\nCMD [\"node\", \"dist/main.js\"]\n")),
                ),
                case(
                    "never copied, started through npm start",
                    npm_workspace(&format!("{BUILD}FROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY apps/api/package.json ./\nCMD [\"npm\", \"start\"]\n")),
                ),
                case(
                    "distroless, the file is the CMD",
                    npm_workspace(&format!("{BUILD}FROM gcr.io/distroless/nodejs20-debian12\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCMD [\"apps/api/dist/main.js\"]\n")),
                ),
                case(
                    "through an entrypoint script that execs its arguments",
                    npm_workspace(&format!("{BUILD}FROM node:20-slim\nWORKDIR /app\nCOPY --from=build /app/node_modules ./node_modules\nCOPY apps/api/docker-entrypoint.sh ./\nENTRYPOINT [\"./docker-entrypoint.sh\"]\nCMD [\"node\", \"dist/main.js\"]\n"))
                        .file("apps/api/docker-entrypoint.sh", "#!/bin/sh\nset -e\nnode migrate.js\nexec \"$@\"\n"),
                ),
            ],
            quiet: vec![
                case(
                    "an entrypoint script that runs something else",
                    npm_workspace(&format!("{BUILD}FROM node:20-slim\nWORKDIR /app\nCOPY apps/api/docker-entrypoint.sh ./\nENTRYPOINT [\"./docker-entrypoint.sh\"]\nCMD [\"node\", \"dist/main.js\"]\n"))
                        .file("apps/api/docker-entrypoint.sh", "#!/bin/sh\nexec node /opt/app/server.js\n"),
                ),
                case("the fixture: output copied where CMD expects it", Repo::fixture("docker-npm-argon2")),
                case(
                    "a single stage that builds where it runs",
                    npm_workspace("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w api\nCMD [\"node\", \"apps/api/dist/main.js\"]\n"),
                ),
                case(
                    "committed JavaScript copied from the context",
                    npm_workspace("FROM node:20-slim\nWORKDIR /app\nCOPY apps/api/src ./src\nCMD [\"node\", \"src/main.ts\"]\n").file("apps/api/src/server.js", "require('http');\n"),
                ),
                case(
                    "a gitignored build output made before docker build",
                    npm_workspace("FROM node:20-slim\nWORKDIR /app\nCOPY apps/api/dist ./dist\nCMD [\"node\", \"dist/main\"]\n"),
                ),
                case(
                    "an entrypoint script and node -e",
                    npm_workspace("FROM node:20-slim\nCOPY docker-entrypoint.sh /\nENTRYPOINT [\"/docker-entrypoint.sh\"]\nCMD [\"node\", \"-e\", \"console.log(1)\"]\n").file("docker-entrypoint.sh", "#!/bin/sh\nexec \"$@\"\n"),
                ),
                case(
                    "a command this reader does not follow wrote the folder",
                    npm_workspace("FROM node:20-slim\nWORKDIR /app\nRUN ./fetch-release.sh\nCMD [\"node\", \"dist/main.js\"]\n"),
                ),
                case(
                    "a base image the table does not know",
                    npm_workspace("FROM acme/prebuilt-api:1\nCMD [\"node\", \"dist/main.js\"]\n"),
                ),
            ],
        }
    }

    #[test]
    fn node_file_skips_flags() {
        let w = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            super::node_file(&w(
                "node --enable-source-maps -r dotenv/config dist/main.js"
            ))
            .as_deref(),
            Some("dist/main.js")
        );
        assert_eq!(super::node_file(&w("node -e 1")), None);
        assert_eq!(super::node_file(&w("npm start")), None);
    }
}
