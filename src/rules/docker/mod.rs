//! `docker/`: Dockerfiles against the repository, read through the Docker model
//! (`model::docker`): each image build with its context, simulated stage by stage. Runtime
//! properties (user, healthcheck, command) are judged on the shipped stage only; builder
//! stages are not.

pub(crate) mod chown_unknown_user;
pub(crate) mod copy_all_before_install;
pub(crate) mod copy_source_ignored;
pub(crate) mod copy_source_missing;
pub(crate) mod dev_deps_in_final_image;
pub(crate) mod frozen_install_with_drift;
pub(crate) mod healthcheck_tool_missing;
pub(crate) mod lockfile_not_copied;
pub(crate) mod missing_dockerignore;
pub(crate) mod musl_incompatible_dependency;
pub(crate) mod native_rebuild_in_slim_runtime;
pub(crate) mod no_healthcheck;
pub(crate) mod non_reproducible_install;
pub(crate) mod npm_as_pid1;
pub(crate) mod runs_as_root;
pub(crate) mod runtime_module_missing;
pub(crate) mod secret_in_image;
pub(crate) mod shell_form_in_distroless;
pub(crate) mod stage_name_unknown;
pub(crate) mod start_file_missing;
pub(crate) mod unpinned_base_image;
pub(crate) mod workspace_dep_not_built;

use std::collections::BTreeSet;

use crate::model::docker::{Base, Build};
use crate::model::{Model, Service};
use crate::parse::compose::ComposeService;
use crate::parse::dockerfile::{CommandForm, Dockerfile, Instruction};
use crate::parse::shell::{self, Command};
use crate::parse::yaml::YamlNode;
use crate::rules::{Context, FindingBuilder, Subject};
use crate::source::Span;

/// One image build with what the rules look at.
pub(crate) struct Image<'a> {
    pub(crate) index: usize,
    pub(crate) build: &'a Build,
    pub(crate) df: &'a Dockerfile,
    pub(crate) model: &'a Model,
}

impl<'a> Image<'a> {
    pub(crate) fn instruction(&self, index: usize) -> Option<&'a Instruction> {
        self.df.instructions.get(index)
    }

    /// The stage's name for messages: `runner`, or `stage 2` when it has none.
    pub(crate) fn stage_label(&self, stage: usize) -> String {
        match self.build.stages.get(stage).and_then(|s| s.name.as_deref()) {
            Some(name) => format!("stage `{name}`"),
            None if self.build.stages.len() == 1 => "the image".to_string(),
            None => format!("stage {}", stage + 1),
        }
    }
}

/// Every build, each Dockerfile once per shipped stage: a Dockerfile built by three compose
/// services with the same target is judged once, and declared contexts come before inferred
/// ones.
pub(crate) fn images(model: &Model) -> Vec<Image<'_>> {
    let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut order: Vec<usize> = (0..model.docker.builds.len()).collect();
    order.sort_by_key(|&i| {
        let b = &model.docker.builds[i];
        (b.dockerfile, b.context.how.is_inferred(), i)
    });
    let mut out = Vec::new();
    for i in order {
        let build = &model.docker.builds[i];
        if !seen.insert((build.dockerfile, build.target)) {
            continue;
        }
        if let Some(df) = model.dockerfiles.get(build.dockerfile) {
            out.push(Image {
                index: i,
                build,
                df,
                model,
            });
        }
    }
    out.sort_by_key(|img| (img.build.dockerfile, img.build.target));
    out
}

/// Every build, each with its own context (a Dockerfile built from two contexts comes twice),
/// for facts of the context.
pub(crate) fn every_build(model: &Model) -> impl Iterator<Item = Image<'_>> {
    model
        .docker
        .builds
        .iter()
        .enumerate()
        .filter_map(move |(index, build)| {
            Some(Image {
                index,
                build,
                df: model.dockerfiles.get(build.dockerfile)?,
                model,
            })
        })
}

/// Every Dockerfile once (its first declared build), for facts of the file itself.
pub(crate) fn dockerfiles(model: &Model) -> Vec<Image<'_>> {
    let mut seen = BTreeSet::new();
    images(model)
        .into_iter()
        .filter(|img| seen.insert(img.build.dockerfile))
        .collect()
}

/// The service that runs this image (a compose service building it, else the Dockerfile's).
pub(crate) fn service_of<'a>(model: &'a Model, image: &Image<'_>) -> Option<&'a Service> {
    let named: Vec<&str> = image
        .build
        .services
        .iter()
        .map(|(_, s)| s.as_str())
        .collect();
    model
        .services
        .iter()
        .filter(|s| s.dockerfile.as_deref() == Some(image.df.path.as_str()))
        .find(|s| {
            named.is_empty()
                || named
                    .iter()
                    .any(|n| s.name == *n || s.name.starts_with(&format!("{n} (")))
        })
        .or_else(|| {
            model
                .services
                .iter()
                .find(|s| s.dockerfile.as_deref() == Some(image.df.path.as_str()))
        })
}

/// Attributes a finding to the image's service.
pub(crate) fn for_service(
    builder: FindingBuilder,
    model: &Model,
    image: &Image<'_>,
) -> FindingBuilder {
    match service_of(model, image) {
        Some(service) => builder.service(&service.name),
        None => builder,
    }
}

/// The docker rules apply where there are Dockerfiles: the repository when it has one, a
/// service when an image is built for it.
pub(crate) fn applies(cx: &Context<'_>, subject: Subject<'_>) -> bool {
    match subject {
        Subject::Repository => !cx.model.dockerfiles.is_empty(),
        Subject::Service(service) => service.dockerfile.is_some(),
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::rules::testing::Repo;

    /// A workspace with one service, `apps/api`, whose Dockerfile is `dockerfile`.
    pub(crate) fn api(dockerfile: &str) -> Repo {
        Repo::new()
            .file(
                "package.json",
                r#"{ "name": "acme", "private": true, "workspaces": ["apps/*"] }"#,
            )
            .file(
                "apps/api/package.json",
                r#"{ "name": "api", "version": "1.0.0", "scripts": { "build": "tsc", "start": "node dist/main.js" }, "dependencies": { "express": "^4.19.2" } }"#,
            )
            .file("apps/api/src/main.ts", "import express from 'express';\nexpress();\n")
            .file("apps/api/Dockerfile", dockerfile)
    }

    /// `tests/fixtures/docker-npm-argon2` (an npm workspace whose lockfile npm wrote: `api`
    /// depends on `argon2`, `express` and the workspace package `@acme/shared`) with its
    /// Dockerfile replaced; the context is the repository root.
    pub(crate) fn npm_workspace(dockerfile: &str) -> Repo {
        Repo::fixture("docker-npm-argon2").file("apps/api/Dockerfile", dockerfile)
    }
}

/// A compose service that runs an image, with the services it `extends` (nearest first):
/// a key it does not set comes from them.
#[derive(Debug, Clone)]
pub(crate) struct Runner<'a> {
    pub(crate) file: &'a str,
    pub(crate) service: &'a ComposeService,
    /// The service itself, then what it extends, each with its compose file.
    chain: Vec<(&'a str, &'a ComposeService)>,
}

impl<'a> Runner<'a> {
    pub(crate) fn name(&self) -> &'a str {
        &self.service.name
    }

    /// A key of the service, or of the nearest service it extends that sets it: (the compose
    /// file it is in, the key's span, the value).
    pub(crate) fn get(&self, key: &str) -> Option<(&'a str, Span, &'a YamlNode)> {
        self.chain.iter().find_map(|(file, svc)| {
            svc.node
                .entries()
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, span, value)| (*file, *span, value))
        })
    }

    /// A key under a mapping (`healthcheck.test`), merged the way `extends` merges mappings:
    /// the nearest service that sets the sub-key wins.
    pub(crate) fn get_in(&self, key: &str, sub: &str) -> Option<(&'a str, Span, &'a YamlNode)> {
        self.chain.iter().find_map(|(file, svc)| {
            svc.node
                .get(key)?
                .entries()
                .iter()
                .find(|(k, _, _)| k == sub)
                .map(|(_, span, value)| (*file, *span, value))
        })
    }
}

/// How deep `extends` is followed.
const MAX_EXTENDS: usize = 8;

/// The service and what it extends (compose-spec `extends`: `service`, and `file` relative to
/// the compose file; a string is a service of the same file).
fn extends_chain<'a>(
    model: &'a Model,
    file: &'a str,
    service: &'a ComposeService,
) -> Vec<(&'a str, &'a ComposeService)> {
    let mut chain = vec![(file, service)];
    let (mut file, mut service) = (file, service);
    while chain.len() <= MAX_EXTENDS {
        let Some(extends) = service.node.get("extends") else {
            break;
        };
        let (other_file, name) = match extends.as_str() {
            Some(name) => (Some(file.to_string()), name),
            None => {
                let Some(name) = extends.get("service").and_then(YamlNode::as_str) else {
                    break;
                };
                let other = match extends.get("file").and_then(YamlNode::as_str) {
                    Some(f) => crate::paths::join(crate::paths::parent(file), f),
                    None => Some(file.to_string()),
                };
                (other, name)
            }
        };
        let Some(compose) = other_file
            .as_deref()
            .and_then(|f| model.compose_files.iter().find(|c| c.path == f))
        else {
            break;
        };
        let Some(next) = compose.services.iter().find(|s| s.name == name) else {
            break;
        };
        if chain
            .iter()
            .any(|(f, s)| *f == compose.path && s.name == next.name)
        {
            break;
        }
        chain.push((compose.path.as_str(), next));
        file = compose.path.as_str();
        service = next;
    }
    chain
}

/// The compose services that run this image: every declared build of the same Dockerfile and
/// shipped stage, with the compose file each is in. `images()` keeps one build per
/// (Dockerfile, stage); the services of the others run the same image.
pub(crate) fn compose_runners<'a>(model: &'a Model, image: &Image<'_>) -> Vec<Runner<'a>> {
    let mut out: Vec<Runner<'a>> = Vec::new();
    for build in &model.docker.builds {
        if build.dockerfile != image.build.dockerfile || build.target != image.build.target {
            continue;
        }
        for (file, name) in &build.services {
            let Some(compose) = model.compose_files.iter().find(|c| &c.path == file) else {
                continue;
            };
            for service in compose.services.iter().filter(|s| &s.name == name) {
                if !out
                    .iter()
                    .any(|r| r.file == compose.path && r.service.name == service.name)
                {
                    out.push(Runner {
                        file: compose.path.as_str(),
                        service,
                        chain: extends_chain(model, compose.path.as_str(), service),
                    });
                }
            }
        }
    }
    out
}

/// A healthcheck test as the engine runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Probe {
    /// `HEALTHCHECK CMD ["x", …]`, compose `["CMD", "x", …]`: run directly, no shell.
    Exec(Vec<String>),
    /// `HEALTHCHECK CMD x …`, compose `"x …"` or `["CMD-SHELL", "x …"]`: run by `/bin/sh -c`.
    Shell(String),
    /// `HEALTHCHECK NONE`, compose `["NONE"]` or `disable: true`.
    Disabled,
}

impl Probe {
    pub(crate) fn from_form(form: &CommandForm) -> Probe {
        match form {
            CommandForm::Exec(words) => Probe::Exec(words.clone()),
            CommandForm::Shell(text) => Probe::Shell(text.clone()),
        }
    }

    /// The simple commands it runs (a `sh -c '…'` read inside).
    pub(crate) fn commands(&self) -> Vec<Command> {
        match self {
            Probe::Exec(words) => argv_commands(words),
            Probe::Shell(text) => shell::commands(text),
            Probe::Disabled => Vec::new(),
        }
    }
}

/// The commands an exec-form argument vector runs: the vector itself, or what a
/// `sh -c '…'` in it runs.
pub(crate) fn argv_commands(words: &[String]) -> Vec<Command> {
    let text: Vec<String> = words.iter().map(|w| shell::quote(w)).collect();
    shell::commands(&text.join(" "))
}

/// A compose service's own healthcheck test (or one from a service it extends), with the
/// compose file and span of the key that sets it (`test`, or `disable`). `None` when no
/// service of the chain sets a test: it keeps the image's (a `healthcheck:` with only
/// `interval`/`retries` changes the timing of the image's test). Compose: `test` is a string
/// (run with `CMD-SHELL`) or a list whose first item is `NONE`, `CMD` or `CMD-SHELL`
/// (compose-spec `05-services.md`, healthcheck).
pub(crate) fn compose_probe<'a>(runner: &Runner<'a>) -> Option<(Probe, &'a str, Span)> {
    if let Some((file, span, value)) = runner.get_in("healthcheck", "disable")
        && value.as_str() == Some("true")
    {
        return Some((Probe::Disabled, file, span));
    }
    let (file, span, test) = runner.get_in("healthcheck", "test")?;
    if let Some(text) = test.as_str() {
        return Some((Probe::Shell(text.to_string()), file, span));
    }
    let items: Vec<&str> = test.items().iter().filter_map(YamlNode::as_str).collect();
    let probe = match items.split_first() {
        Some((&"NONE", _)) => Probe::Disabled,
        Some((&"CMD", rest)) => Probe::Exec(rest.iter().map(|s| (*s).to_string()).collect()),
        Some((&"CMD-SHELL", rest)) => Probe::Shell(rest.join(" ")),
        _ => return None,
    };
    Some((probe, file, span))
}

/// A stage and the stages it is built on (`FROM <stage>`), nearest first: the layers the
/// stage's image holds.
pub(crate) fn stage_chain(build: &Build, stage: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = Some(stage);
    while let Some(s) = at {
        if out.contains(&s) {
            break;
        }
        out.push(s);
        at = match build.stages.get(s).map(|st| &st.base) {
            Some(Base::Stage(parent)) => Some(*parent),
            _ => None,
        };
    }
    out
}

/// The stage whose instructions include `instruction`.
pub(crate) fn stage_holding(build: &Build, instruction: usize) -> Option<usize> {
    build
        .stages
        .iter()
        .position(|s| s.from <= instruction && instruction <= s.last)
}

/// Whether a `SHELL` instruction in the stage or a stage it is built on replaces `/bin/sh`:
/// then what a shell form runs is the image author's business.
pub(crate) fn sets_shell(image: &Image<'_>, stage: usize) -> bool {
    stage_chain(image.build, stage).iter().any(|&s| {
        image.build.stages.get(s).is_some_and(|st| {
            (st.from..=st.last).any(|i| {
                image
                    .instruction(i)
                    .is_some_and(|ins| matches!(ins.op, crate::parse::dockerfile::Op::Shell(_)))
            })
        })
    })
}

/// Whether the stage (or a stage it is built on) puts a file named `program` in a directory
/// (`COPY --from=curlimages/curl /usr/bin/curl /usr/local/bin/curl`), or may have (a copy
/// from an image, a command not understood).
pub(crate) fn may_hold_program(image: &Image<'_>, stage: usize, program: &str) -> bool {
    use crate::model::docker::Entry;
    stage_chain(image.build, stage).iter().any(|&s| {
        image.build.stages.get(s).is_some_and(|st| {
            st.entries.iter().any(|e| {
                let named = crate::paths::file_name(&e.dest) == program;
                let bin_dir = e.dest.ends_with("/bin") || e.dest.ends_with("/sbin");
                match &e.entry {
                    Entry::Stage { path, .. } => named || crate::paths::file_name(path) == program,
                    Entry::External => named || bin_dir,
                    _ => named,
                }
            })
        })
    })
}
/// Whether a compose service (or one it extends) sets `key: true` (`init: true`).
pub(crate) fn compose_flag(runner: &Runner<'_>, key: &str) -> bool {
    runner
        .get(key)
        .and_then(|(_, _, v)| v.as_str())
        .is_some_and(|v| v == "true")
}

/// What starts as the container's process, as the engine assembles it.
#[derive(Debug, Clone)]
pub(crate) struct Launch {
    /// The argument vector, a shell form as `/bin/sh -c <text>`.
    pub(crate) argv: Vec<String>,
    /// The instruction that names the program (the `ENTRYPOINT`, else the `CMD`); `None`
    /// when a compose service or the base image does.
    pub(crate) at: Option<usize>,
    /// A compose `entrypoint`/`command` decides it.
    pub(crate) compose: bool,
}

/// How the shipped stage starts, for a compose service that runs it (its `entrypoint` and
/// `command` override the image's) or for the image alone. Docker's rules: a shell form is
/// `/bin/sh -c text`; the `CMD` is appended to an exec-form `ENTRYPOINT` and ignored by a
/// shell-form one; a compose `entrypoint` drops the image's `CMD` too (moby#44849). On
/// distroless Node.js images the image's own `ENTRYPOINT` is the node binary. `None` when
/// neither the Dockerfile nor compose says (the base image's `CMD` runs).
pub(crate) fn launch(image: &Image<'_>, runner: Option<&Runner<'_>>) -> Option<Launch> {
    use crate::data::base_images::NodeAt;
    let stage = image.build.final_stage()?;
    let words = |form: &CommandForm| match form {
        CommandForm::Exec(w) => w.clone(),
        CommandForm::Shell(s) => vec!["/bin/sh".to_string(), "-c".to_string(), s.clone()],
    };
    let compose_words = |key: &str| -> Option<Vec<String>> {
        let (_, _, node) = runner?.get(key)?;
        match node.as_str() {
            Some(text) => Some(split_words(text)),
            None => Some(
                node.items()
                    .iter()
                    .filter_map(YamlNode::as_str)
                    .map(str::to_string)
                    .collect(),
            ),
        }
    };
    let compose_entrypoint = compose_words("entrypoint");
    let compose_command = compose_words("command");
    let compose = compose_entrypoint.is_some() || compose_command.is_some();
    let (entrypoint, entry_at): (Option<Vec<String>>, Option<usize>) = match compose_entrypoint {
        Some(e) => (Some(e), None),
        None => match &stage.entrypoint {
            Some((at, form)) => (Some(words(form)), Some(*at)),
            None => match stage.facts.map(|f| f.node) {
                // distroless: `ENTRYPOINT ["/nodejs/bin/node"]`.
                Some(NodeAt::Absolute(node)) => (Some(vec![node.to_string()]), None),
                _ => (None, None),
            },
        },
    };
    let compose_sets_entrypoint = runner.is_some_and(|r| r.get("entrypoint").is_some());
    let shell_entrypoint =
        matches!(&stage.entrypoint, Some((_, CommandForm::Shell(_)))) && !compose_sets_entrypoint;
    let (cmd, cmd_at): (Option<Vec<String>>, Option<usize>) = match compose_command {
        Some(c) => (Some(c), None),
        None if compose_sets_entrypoint => (None, None),
        None => match &stage.cmd {
            Some((at, form)) => (Some(words(form)), Some(*at)),
            None => (None, None),
        },
    };
    let (argv, at) = match (entrypoint, shell_entrypoint) {
        (Some(e), true) => (e, entry_at),
        (Some(mut e), false) => {
            let at = entry_at.or(cmd_at);
            e.extend(cmd.unwrap_or_default());
            (e, at)
        }
        (None, _) => (cmd?, cmd_at),
    };
    if argv.is_empty() {
        return None;
    }
    Some(Launch { argv, at, compose })
}

/// A compose string `command`/`entrypoint`, split the way Compose splits it (shell words:
/// quotes group and are removed; no shell runs it).
pub(crate) fn split_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    word.push(n);
                    in_word = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// User switches that exec what follows their one argument (the user): the others in
/// `data/process_wrappers.rs` take flags and are not read through.
const EXEC_WRAPPERS: &[&str] = &["su-exec", "gosu", "s6-setuidgid"];

/// The process tree a launch starts, read through the wrappers that exec what follows them:
/// an init (`tini --`, `dumb-init`), a user switch (`su-exec node`, `gosu node`), the node
/// image's own `docker-entrypoint.sh` (it ends with `exec "$@"`), and `sh -c '…'`.
#[derive(Debug, Clone)]
pub(crate) struct Process {
    /// The init named before the program, if any.
    pub(crate) init: Option<String>,
    /// An entrypoint script of the repository (copied into the image): what it runs, and
    /// whether it execs its arguments, is not read.
    pub(crate) script: Option<String>,
    /// The simple commands it runs, in order.
    pub(crate) commands: Vec<Command>,
}

impl Process {
    /// The command that keeps running: the last one not run only on failure (`|| exit 1`).
    pub(crate) fn main(&self) -> Option<&Command> {
        self.commands.iter().rev().find(|c| !c.after_or)
    }
}

pub(crate) fn process(image: &Image<'_>, launch: &Launch) -> Process {
    let mut argv: &[String] = &launch.argv;
    let mut init = None;
    let mut script = None;
    while let Some(first) = argv.first() {
        let name = crate::paths::file_name(first);
        if crate::data::contains(crate::data::process_wrappers::INITS, name) {
            init = Some(name.to_string());
            argv = &argv[1..];
            while argv.first().is_some_and(|w| w.starts_with('-')) {
                argv = &argv[1..];
            }
            continue;
        }
        if EXEC_WRAPPERS.contains(&name)
            && crate::data::contains(crate::data::process_wrappers::USER_SWITCHES, name)
        {
            argv = argv.get(2..).unwrap_or(&[]);
            continue;
        }
        let is_script = name.ends_with(".sh") || first.starts_with("./");
        if is_script {
            let ours = may_hold_program(image, image.build.target, name);
            if name == "docker-entrypoint.sh" && !ours {
                // The node image's entrypoint: `exec "$@"` (docker-node docker-entrypoint.sh).
                argv = &argv[1..];
                continue;
            }
            // A script of the repository that ends by exec'ing its arguments (`exec "$@"`)
            // runs what follows it.
            let in_image = image
                .build
                .final_stage()
                .map(|s| crate::model::docker::sim::absolute(&s.workdir, first));
            let execs = in_image
                .and_then(|p| image.build.origin(image.model, image.build.target, &p))
                .is_some_and(|repo| image.model.script_execs_arguments(&repo));
            if execs {
                argv = &argv[1..];
                continue;
            }
            script = Some(first.clone());
        }
        break;
    }
    Process {
        init,
        script,
        commands: if argv.is_empty() {
            Vec::new()
        } else {
            argv_commands(argv)
        },
    }
}

#[cfg(test)]
mod launch_tests {
    use super::{compose_runners, images, launch, process, split_words};
    use crate::rules::docker::fixtures::api;

    /// The argv and the main program of the shipped image of `dockerfile`, run by compose
    /// service `api` when `compose` is given.
    fn started(dockerfile: &str, compose: Option<&str>) -> (Vec<String>, Option<String>) {
        let mut repo = api(dockerfile);
        if let Some(service) = compose {
            repo = repo.file(
                "docker-compose.yml",
                &format!("services:\n  api:\n    build: apps/api\n{service}"),
            );
        }
        let model = repo.model();
        let image = images(&model).into_iter().next().expect("an image");
        let runners = compose_runners(&model, &image);
        let l = launch(&image, runners.first()).expect("a launch");
        let p = process(&image, &l);
        let main = p.main().map(|c| c.words.join(" "));
        (l.argv, main)
    }

    #[test]
    fn the_engine_assembles_entrypoint_and_cmd() {
        let (argv, main) = started(
            "FROM node:20-slim\nENTRYPOINT [\"tini\", \"--\"]\nCMD [\"node\", \"main.js\"]\n",
            None,
        );
        assert_eq!(argv, ["tini", "--", "node", "main.js"]);
        assert_eq!(main.as_deref(), Some("node main.js"));
        // A shell-form ENTRYPOINT ignores CMD.
        let (argv, _) = started(
            "FROM node:20-slim\nENTRYPOINT node a.js\nCMD [\"b\"]\n",
            None,
        );
        assert_eq!(argv, ["/bin/sh", "-c", "node a.js"]);
        // A compose entrypoint drops the image's CMD; a compose command replaces it.
        let (argv, _) = started(
            "FROM node:20-slim\nCMD [\"node\", \"main.js\"]\n",
            Some("    entrypoint: [\"node\", \"other.js\"]\n"),
        );
        assert_eq!(argv, ["node", "other.js"]);
        let (argv, main) = started(
            "FROM node:20-slim\nCMD [\"node\", \"main.js\"]\n",
            Some("    command: sh -c \"npx prisma migrate deploy && exec npm start\"\n"),
        );
        assert_eq!(
            argv,
            ["sh", "-c", "npx prisma migrate deploy && exec npm start"]
        );
        assert_eq!(main.as_deref(), Some("npm start"));
        // distroless: the image's ENTRYPOINT is node.
        let (argv, _) = started(
            "FROM gcr.io/distroless/nodejs20-debian12\nCMD [\"main.js\"]\n",
            None,
        );
        assert_eq!(argv, ["/nodejs/bin/node", "main.js"]);
        // The node image's own docker-entrypoint.sh execs its arguments.
        let (_, main) = started(
            "FROM node:20-slim\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"su-exec\", \"node\", \"npm\", \"start\"]\n",
            None,
        );
        assert_eq!(main.as_deref(), Some("npm start"));
    }

    #[test]
    fn compose_strings_split_like_shell_words() {
        assert_eq!(
            split_words(r#"sh -c "a && b 'c'" d\ e"#),
            ["sh", "-c", "a && b 'c'", "d e"]
        );
    }
}
