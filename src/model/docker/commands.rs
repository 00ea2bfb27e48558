//! What a shell command does to an image, read from its words (`parse::shell`): a package
//! manager install with its flags, a package script run, a build tool, OS packages added or
//! removed, users and groups created, files written, a directory change. A command this
//! reader does not know is `Opaque`: it may write anything, so later checks that a path is
//! absent become "unknown". Purely syntactic: which script a name runs, and where, is the
//! stage simulation's business.

use crate::parse::shell::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Manager {
    Npm,
    Pnpm,
    Yarn,
    Bun,
}

impl Manager {
    pub fn name(self) -> &'static str {
        match self {
            Manager::Npm => "npm",
            Manager::Pnpm => "pnpm",
            Manager::Yarn => "yarn",
            Manager::Bun => "bun",
        }
    }

    fn from_program(program: &str) -> Option<Manager> {
        Some(match program {
            "npm" => Manager::Npm,
            "pnpm" => Manager::Pnpm,
            "yarn" | "yarnpkg" => Manager::Yarn,
            "bun" => Manager::Bun,
            _ => return None,
        })
    }
}

/// Three-valued: what is written decides, and an unknown environment decides nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Maybe,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verb {
    /// `npm install`, `pnpm install`, `yarn`, `bun install`: the project's dependencies.
    Install,
    /// `npm ci`, `bun ci`.
    Ci,
    /// `pnpm fetch`: packages into the store from the lockfile alone.
    Fetch,
    /// `pnpm deploy DIR`: one workspace package and its dependencies copied to DIR.
    Deploy { dir: Option<String> },
    /// `yarn workspaces focus`.
    Focus,
    /// `npm prune`, `pnpm prune`: devDependencies removed when production.
    Prune,
    /// `npm rebuild`, `pnpm rebuild`: native addons compiled again.
    Rebuild,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    pub manager: Manager,
    pub verb: Verb,
    /// The install must match the lockfile exactly (`npm ci`, `--frozen-lockfile`,
    /// `--immutable`).
    pub frozen: bool,
    pub production: Tri,
    /// What made it production-only, for messages (`--omit=dev`, `NODE_ENV=production`).
    pub production_by: Option<String>,
    /// Workspaces it is limited to (`--filter`, `-w`, `workspaces focus a b`).
    pub filters: Vec<String>,
    pub ignore_scripts: bool,
    /// The command as written, for messages.
    pub text: String,
}

impl Install {
    /// Whether it installs the project's dependency tree (not fetch-only, not a prune).
    pub fn installs_tree(&self) -> bool {
        matches!(
            self.verb,
            Verb::Install | Verb::Ci | Verb::Deploy { .. } | Verb::Focus
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Cd(String),
    Install(Install),
    /// `npm install -g pnpm@8`, `yarn add x`: named packages, not the project's tree.
    AddPackages {
        manager: Manager,
        global: bool,
        packages: Vec<String>,
    },
    /// `corepack prepare pnpm@8.15.4 --activate`, `npm i -g pnpm@8`, `corepack use`.
    Activate {
        manager: Manager,
        version: String,
    },
    /// `npm run build`, `pnpm --filter api... build`, `yarn workspace api build`.
    RunScript {
        manager: Manager,
        script: String,
        filters: Vec<String>,
        recursive: bool,
        text: String,
    },
    /// A build tool run directly: `tsc`, `nest build`, `turbo run build`, `nx build api`.
    Tool {
        tool: &'static str,
        args: Vec<String>,
        text: String,
    },
    /// `turbo prune api --docker`: a pruned workspace in `out/`.
    TurboPrune {
        scopes: Vec<String>,
        docker: bool,
    },
    OsInstall {
        packages: Vec<String>,
        /// `apk add --virtual .gyp …`: removable as one name later.
        virtual_name: Option<String>,
    },
    OsRemove {
        packages: Vec<String>,
    },
    /// Names a command may have created as users or groups (every positional word, an
    /// over-approximation: a name taken for a user that is not one costs nothing).
    UsersAdded(Vec<String>),
    /// Users may have been created in ways not read (a script, `/etc/passwd` edited).
    UsersOpen,
    /// Files written by a redirection or `touch`.
    Writes(Vec<String>),
    /// Something that may write anything (`cp`, `git clone`, a script of the repository).
    Opaque(String),
    Harmless,
}

/// Build tools run by name.
const BUILD_TOOLS: &[&str] = &[
    "tsc", "nest", "turbo", "nx", "tsup", "vite", "next", "webpack", "rollup", "esbuild", "swc",
    "lerna",
];

/// Programs that change nothing a check reads.
const HARMLESS: &[&str] = &[
    "echo",
    "printf",
    "mkdir",
    "rm",
    "chown",
    "chmod",
    "chgrp",
    "ln",
    "set",
    "export",
    "true",
    "false",
    ":",
    "test",
    "[",
    "[[",
    "ls",
    "cat",
    "which",
    "type",
    "whoami",
    "id",
    "env",
    "printenv",
    "sleep",
    "exit",
    "node",
    "corepack",
    "npx",
    "unset",
    "umask",
    "mkdirp",
    "find",
    "grep",
    "sed",
    "awk",
    "head",
    "tail",
    "wc",
    "sort",
    "tee",
    "date",
    "uname",
    "update-ca-certificates",
    "apt-mark",
    "rmdir",
    "sh",
    "bash",
    "dpkg-reconfigure",
    "locale-gen",
    "ldconfig",
    "cd",
    "pwd",
    "fc-cache",
    "stat",
    "du",
    "df",
    "xargs",
    "hash",
    "source",
    ".",
];

/// How many runners (`npx`, `pnpm exec`, `yarn dlx`, …) are read through to the command
/// they run; past that, the command is opaque.
const MAX_WRAPPERS: usize = 8;

/// Reads one command; `env` tells whether a variable (NODE_ENV, CI, …) is set in the stage.
pub fn step(command: &Command, env: &dyn Fn(&str) -> Option<String>) -> Step {
    step_at(command, env, 0)
}

/// [`step`] of a command run by `wrappers` runners.
fn step_at(command: &Command, env: &dyn Fn(&str) -> Option<String>, wrappers: usize) -> Step {
    let program = command.program();
    let args = command.args();
    let text = command.words.join(" ");
    let var = |name: &str| {
        command
            .env
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| env(name))
    };
    if !command.writes.is_empty() {
        let writes: Vec<String> = command
            .writes
            .iter()
            .filter(|w| !w.starts_with("/dev/"))
            .cloned()
            .collect();
        if writes
            .iter()
            .any(|w| w == "/etc/passwd" || w == "/etc/group")
        {
            return Step::UsersOpen;
        }
        if !writes.is_empty() && HARMLESS.contains(&program) {
            return Step::Writes(writes);
        }
    }
    if let Some(manager) = Manager::from_program(program) {
        return manager_step(manager, command, &var, text, wrappers);
    }
    match program {
        "cd" => Step::Cd(args.first().cloned().unwrap_or_else(|| "~".to_string())),
        "corepack" => corepack(args),
        "npx" | "bunx" if wrappers >= MAX_WRAPPERS => Step::Opaque(text),
        "npx" | "bunx" => {
            // `npx -y turbo@2.1 prune api`: the tool without its version, after npx's flags.
            let mut rest = args.iter().skip_while(|a| a.starts_with('-'));
            match rest.next() {
                Some(tool) => {
                    let name = match tool.rfind('@') {
                        Some(at) if at > 0 => &tool[..at],
                        _ => tool.as_str(),
                    };
                    let inner = Command {
                        env: command.env.clone(),
                        words: std::iter::once(name.to_string())
                            .chain(rest.cloned())
                            .collect(),
                        writes: Vec::new(),
                        after_or: false,
                    };
                    step_at(&inner, env, wrappers + 1)
                }
                None => Step::Harmless,
            }
        }
        "tsc" | "nest" | "turbo" | "nx" | "tsup" | "vite" | "next" | "webpack" | "rollup"
        | "esbuild" | "swc" | "lerna" => match BUILD_TOOLS.iter().find(|t| **t == program) {
            Some(t) => tool(t, args, text),
            None => Step::Opaque(text),
        },
        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" => os_apt(args),
        "apk" => os_apk(args),
        "adduser" | "useradd" | "addgroup" | "groupadd" | "usermod" | "groupmod" => {
            let names: Vec<String> = args
                .iter()
                .filter(|a| !a.starts_with('-'))
                .cloned()
                .collect();
            // Names with variables are expanded by the stage simulation.
            Step::UsersAdded(names)
        }
        "touch" => Step::Writes(
            args.iter()
                .filter(|a| !a.starts_with('-'))
                .cloned()
                .collect(),
        ),
        p if HARMLESS.contains(&p) => Step::Harmless,
        // `./setup.sh`, `sh scripts/x.sh`: the repository's own scripts may create users too.
        p if command.words.first().is_some_and(|w| w.contains('/')) && !p.is_empty() => {
            Step::Opaque(text)
        }
        _ => Step::Opaque(text),
    }
}

fn corepack(args: &[String]) -> Step {
    match args.first().map(String::as_str) {
        Some("prepare" | "use" | "install") => {
            for spec in args.iter().skip(1).filter(|a| !a.starts_with('-')) {
                if let Some((name, version)) = spec.split_once('@')
                    && let Some(manager) = Manager::from_program(name)
                {
                    return Step::Activate {
                        manager,
                        version: version.to_string(),
                    };
                }
            }
            Step::Harmless
        }
        _ => Step::Harmless,
    }
}

fn tool(program: &'static str, args: &[String], text: String) -> Step {
    if program == "turbo" && args.first().is_some_and(|a| a == "prune") {
        return Step::TurboPrune {
            scopes: args
                .iter()
                .skip(1)
                .filter(|a| !a.starts_with('-'))
                .cloned()
                .chain(
                    args.iter()
                        .enumerate()
                        .filter(|(_, a)| a.starts_with("--scope"))
                        .filter_map(|(i, a)| {
                            a.strip_prefix("--scope=")
                                .map(str::to_string)
                                .or_else(|| args.get(i + 1).cloned())
                        }),
                )
                .collect(),
            docker: args.iter().any(|a| a == "--docker"),
        };
    }
    Step::Tool {
        tool: program,
        args: args.to_vec(),
        text,
    }
}

/// Flags of the package managers that take a value as the next word.
const VALUE_FLAGS: &[&str] = &[
    "--filter",
    "-F",
    "-w",
    "--workspace",
    "-C",
    "--dir",
    "--prefix",
    "--omit",
    "--include",
    "--cwd",
    "--registry",
    "--store-dir",
    "--modules-dir",
    "--loglevel",
    "--network-concurrency",
    "--reporter",
    "--cache",
    "--mutex",
    "--network-timeout",
];

fn positionals(args: &[String]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if a.starts_with('-') {
            skip = VALUE_FLAGS.contains(&a.as_str());
            continue;
        }
        out.push(a.as_str());
    }
    out
}

fn manager_step(
    manager: Manager,
    command: &Command,
    var: &dyn Fn(&str) -> Option<String>,
    text: String,
    wrappers: usize,
) -> Step {
    let args = command.args();
    let pos = positionals(args);
    let filters: Vec<String> = command
        .flag_values(&["--filter", "-F", "-w", "--workspace"])
        .map(str::to_string)
        .collect();
    let recursive = command.has_flag("-r")
        || command.has_flag("--recursive")
        || command.has_flag("-ws")
        || command.has_flag("--workspaces");
    let sub = pos.first().copied();
    let verb = match (manager, sub) {
        (Manager::Yarn, None) => Some(Verb::Install),
        (_, Some("install" | "i")) if manager != Manager::Yarn || pos.len() == 1 => {
            if pos.len() > 1 || manager == Manager::Npm && args.iter().any(|a| a == "-g") {
                None
            } else {
                Some(Verb::Install)
            }
        }
        (Manager::Npm | Manager::Bun, Some("ci")) => Some(Verb::Ci),
        (Manager::Npm, Some("clean-install" | "install-clean" | "isntall-clean")) => Some(Verb::Ci),
        (Manager::Pnpm, Some("fetch")) => Some(Verb::Fetch),
        (Manager::Pnpm, Some("deploy")) => Some(Verb::Deploy {
            dir: pos.get(1).map(|d| (*d).to_string()),
        }),
        (Manager::Yarn, Some("workspaces")) if pos.get(1) == Some(&"focus") => Some(Verb::Focus),
        (Manager::Npm | Manager::Pnpm, Some("prune")) => Some(Verb::Prune),
        (Manager::Npm | Manager::Pnpm, Some("rebuild" | "rb")) => Some(Verb::Rebuild),
        _ => None,
    };
    if let Some(verb) = verb {
        let frozen = match manager {
            Manager::Npm => verb == Verb::Ci,
            Manager::Pnpm => {
                !command.has_flag("--no-frozen-lockfile")
                    && (command.has_flag("--frozen-lockfile")
                        || var("CI").is_some_and(|v| !v.is_empty() && v != "false"))
            }
            Manager::Yarn => {
                command.has_flag("--frozen-lockfile") || command.has_flag("--immutable")
            }
            Manager::Bun => verb == Verb::Ci || command.has_flag("--frozen-lockfile"),
        };
        let (production, production_by) = production(manager, &verb, command, var);
        let mut filters = filters;
        if verb == Verb::Focus {
            filters.extend(pos.iter().skip(2).map(|s| (*s).to_string()));
        }
        return Step::Install(Install {
            manager,
            verb,
            frozen,
            production,
            production_by,
            filters,
            ignore_scripts: command.has_flag("--ignore-scripts"),
            text,
        });
    }
    match sub {
        Some("install" | "i" | "add") => {
            let global = command.has_flag("-g")
                || command.has_flag("--global")
                || pos.get(1) == Some(&"global");
            let packages: Vec<String> = pos
                .iter()
                .skip(if pos.get(1) == Some(&"global") { 2 } else { 1 })
                .map(|s| (*s).to_string())
                .collect();
            if global
                && let Some((m, version)) = packages.iter().find_map(|p| {
                    let (name, version) = p.rsplit_once('@').filter(|(n, _)| !n.is_empty())?;
                    Some((Manager::from_program(name)?, version.to_string()))
                })
            {
                return Step::Activate {
                    manager: m,
                    version,
                };
            }
            Step::AddPackages {
                manager,
                global,
                packages,
            }
        }
        Some("run" | "run-script") => match pos.get(1) {
            Some(script) => Step::RunScript {
                manager,
                script: (*script).to_string(),
                filters,
                recursive,
                text,
            },
            None => Step::Harmless,
        },
        Some("workspace") if manager == Manager::Yarn => match (pos.get(1), pos.get(2)) {
            (Some(ws), Some(script)) => {
                let script = if *script == "run" {
                    pos.get(3).copied().unwrap_or("")
                } else {
                    script
                };
                Step::RunScript {
                    manager,
                    script: script.to_string(),
                    filters: vec![(*ws).to_string()],
                    recursive: false,
                    text,
                }
            }
            _ => Step::Harmless,
        },
        Some("workspaces") if manager == Manager::Yarn => {
            // `yarn workspaces foreach -A run build`, `yarn workspaces run build` (v1).
            let script = pos.iter().skip_while(|p| **p != "run").nth(1);
            match script {
                Some(script) => Step::RunScript {
                    manager,
                    script: (*script).to_string(),
                    filters,
                    recursive: true,
                    text,
                },
                None => Step::Harmless,
            }
        }
        Some("exec" | "dlx" | "x") if wrappers >= MAX_WRAPPERS => Step::Opaque(text),
        Some("exec" | "dlx" | "x") => {
            let mut words: Vec<String> = pos.iter().skip(1).map(|s| (*s).to_string()).collect();
            // `pnpm dlx turbo@2 prune`: the tool without its version.
            if let Some(first) = words.first_mut()
                && let Some(at) = first.rfind('@').filter(|&at| at > 0)
            {
                first.truncate(at);
            }
            let inner = Command {
                env: command.env.clone(),
                words,
                writes: Vec::new(),
                after_or: false,
            };
            if inner.words.is_empty() {
                Step::Harmless
            } else {
                step_at(&inner, var, wrappers + 1)
            }
        }
        Some(
            "config" | "cache" | "store" | "set" | "version" | "-v" | "--version" | "help"
            | "audit" | "outdated" | "ls" | "list" | "why" | "info" | "view" | "login" | "whoami"
            | "doctor" | "setup" | "env" | "pkg" | "plugin" | "dedupe",
        ) => Step::Harmless,
        // `pnpm build`, `yarn build`, `yarn postinstall.manual`: a script by its name (a
        // path runs a file instead).
        Some(script)
            if !script.contains('/')
                && !script.ends_with(".js")
                && !script.ends_with(".mjs")
                && !script.ends_with(".cjs")
                && !script.ends_with(".ts") =>
        {
            Step::RunScript {
                manager,
                script: script.to_string(),
                filters,
                recursive,
                text,
            }
        }
        _ => {
            if args.iter().all(|a| a.starts_with('-')) {
                Step::Harmless
            } else {
                Step::Opaque(text)
            }
        }
    }
}

fn production(
    manager: Manager,
    verb: &Verb,
    command: &Command,
    var: &dyn Fn(&str) -> Option<String>,
) -> (Tri, Option<String>) {
    let values: Vec<&str> = command.flag_values(&["--omit"]).collect();
    let includes: Vec<&str> = command.flag_values(&["--include"]).collect();
    let flag_false = |name: &str| {
        command
            .args()
            .iter()
            .any(|a| a.strip_prefix(name).is_some_and(|r| r == "=false"))
    };
    if includes.contains(&"dev") || flag_false("--production") || flag_false("--prod") {
        return (Tri::No, None);
    }
    if values.contains(&"dev") {
        return (Tri::Yes, Some("--omit=dev".into()));
    }
    for flag in [
        "--production",
        "--prod",
        "-P",
        "--only=production",
        "--only=prod",
    ] {
        if command
            .args()
            .iter()
            .any(|a| a == flag || a == &format!("{flag}=true"))
        {
            return (Tri::Yes, Some(flag.to_string()));
        }
    }
    if let Verb::Deploy { .. } = verb {
        // `pnpm deploy` installs devDependencies unless told `--prod`.
        return (Tri::No, None);
    }
    if manager == Manager::Npm {
        for name in ["npm_config_production", "NPM_CONFIG_PRODUCTION"] {
            if var(name).is_some_and(|v| v == "true") {
                return (Tri::Yes, Some(format!("{name}=true")));
            }
        }
        for name in ["npm_config_omit", "NPM_CONFIG_OMIT"] {
            if var(name).is_some_and(|v| v.split([',', ' ']).any(|x| x == "dev")) {
                return (Tri::Yes, Some(format!("{name}=dev")));
            }
        }
    }
    match var("NODE_ENV").as_deref() {
        Some("production") => match manager {
            // npm, pnpm and yarn 1 leave devDependencies out under NODE_ENV=production;
            // yarn berry and bun do not (yarn berry ignores NODE_ENV).
            Manager::Npm | Manager::Pnpm => (Tri::Yes, Some("NODE_ENV=production".into())),
            Manager::Yarn | Manager::Bun => (Tri::Maybe, None),
        },
        None => (Tri::No, None),
        Some(_) => (Tri::No, None),
    }
}

fn os_apt(args: &[String]) -> Step {
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    match pos.first().map(|s| s.as_str()) {
        Some("install") => Step::OsInstall {
            packages: pos.iter().skip(1).map(|s| (*s).clone()).collect(),
            virtual_name: None,
        },
        Some("remove" | "purge" | "erase") => Step::OsRemove {
            packages: pos.iter().skip(1).map(|s| (*s).clone()).collect(),
        },
        _ => Step::Harmless,
    }
}

fn os_apk(args: &[String]) -> Step {
    let mut packages = Vec::new();
    let mut virtual_name = None;
    let mut sub = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--virtual" || a == "-t" {
            virtual_name = args.get(i + 1).cloned();
            i += 2;
            continue;
        }
        if a == "--repository" || a == "-X" || a == "--root" || a == "-p" {
            i += 2;
            continue;
        }
        if a.starts_with('-') {
            i += 1;
            continue;
        }
        if sub.is_none() {
            sub = Some(a.clone());
        } else {
            packages.push(a.clone());
        }
        i += 1;
    }
    match sub.as_deref() {
        Some("add") => Step::OsInstall {
            packages,
            virtual_name,
        },
        Some("del") => Step::OsRemove { packages },
        _ => Step::Harmless,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::shell::commands;

    fn steps(script: &str, node_env: Option<&str>) -> Vec<Step> {
        let env = |name: &str| {
            (name == "NODE_ENV")
                .then(|| node_env.map(str::to_string))
                .flatten()
        };
        commands(script).iter().map(|c| step(c, &env)).collect()
    }

    fn install(script: &str, node_env: Option<&str>) -> Install {
        steps(script, node_env)
            .into_iter()
            .find_map(|s| match s {
                Step::Install(i) => Some(i),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no install in {script:?}"))
    }

    #[test]
    fn production_comes_from_flags_and_the_environment() {
        assert_eq!(install("npm ci --omit=dev", None).production, Tri::Yes);
        assert_eq!(
            install("npm ci --production=false", Some("production")).production,
            Tri::No
        );
        assert_eq!(install("npm ci", Some("production")).production, Tri::Yes);
        assert_eq!(
            install("npm ci", Some("production"))
                .production_by
                .as_deref(),
            Some("NODE_ENV=production")
        );
        assert_eq!(
            install("NODE_ENV=production npm ci", None).production,
            Tri::Yes
        );
        assert_eq!(
            install("npm ci --include=dev", Some("production")).production,
            Tri::No
        );
        assert_eq!(install("npm ci", None).production, Tri::No);
        assert_eq!(
            install("pnpm install --prod --frozen-lockfile", None).production,
            Tri::Yes
        );
        assert_eq!(
            install("yarn install --production", None).production,
            Tri::Yes
        );
        assert_eq!(
            install("yarn install", Some("production")).production,
            Tri::Maybe
        );
        assert_eq!(
            install("pnpm --filter api deploy --prod /out", None).production,
            Tri::Yes
        );
        assert_eq!(
            install("pnpm --filter api deploy /out", None).production,
            Tri::No
        );
    }

    #[test]
    fn frozen_filters_and_verbs() {
        let i = install(
            "pnpm install --frozen-lockfile --filter @acme/api... --ignore-scripts",
            None,
        );
        assert!(i.frozen && i.ignore_scripts);
        assert_eq!(i.filters, ["@acme/api..."]);
        assert!(install("npm ci", None).frozen);
        assert!(!install("npm install", None).frozen);
        assert!(install("yarn --immutable", None).frozen);
        assert!(!install("yarn", None).frozen);
        assert!(install("bun install --frozen-lockfile", None).frozen);
        let focus = install("yarn workspaces focus @acme/api --production", None);
        assert_eq!(focus.verb, Verb::Focus);
        assert_eq!(focus.filters, ["@acme/api"]);
        assert_eq!(install("pnpm fetch --prod", None).verb, Verb::Fetch);
        assert!(matches!(
            install("pnpm --filter=api --prod deploy out/api", None).verb,
            Verb::Deploy { dir: Some(ref d) } if d == "out/api"
        ));
    }

    #[test]
    fn activations_scripts_tools_and_os_packages() {
        let s = steps(
            "corepack enable && corepack prepare pnpm@8.15.4 --activate && npm i -g pnpm@9.1.0 && npm install -g typescript",
            None,
        );
        assert_eq!(
            s[1],
            Step::Activate {
                manager: Manager::Pnpm,
                version: "8.15.4".into()
            }
        );
        assert!(matches!(&s[2], Step::Activate { version, .. } if version == "9.1.0"));
        assert!(matches!(&s[3], Step::AddPackages { global: true, .. }));
        let s = steps(
            "pnpm --filter @acme/api... build && yarn workspace web build && npm run build -w apps/api && npx turbo run build --filter=api && npx nest build",
            None,
        );
        assert!(
            matches!(&s[0], Step::RunScript { script, filters, .. } if script == "build" && filters == &["@acme/api..."])
        );
        assert!(matches!(&s[1], Step::RunScript { filters, .. } if filters == &["web"]));
        assert!(matches!(&s[2], Step::RunScript { filters, .. } if filters == &["apps/api"]));
        assert!(matches!(&s[3], Step::Tool { tool: "turbo", .. }));
        assert!(matches!(&s[4], Step::Tool { tool: "nest", .. }));
        let s = steps(
            "apk add --no-cache --virtual .gyp python3 make g++ && npm ci && apk del .gyp && apt-get install -y --no-install-recommends curl",
            None,
        );
        assert_eq!(
            s[0],
            Step::OsInstall {
                packages: vec!["python3".into(), "make".into(), "g++".into()],
                virtual_name: Some(".gyp".into())
            }
        );
        assert_eq!(
            s[2],
            Step::OsRemove {
                packages: vec![".gyp".into()]
            }
        );
        assert!(matches!(&s[3], Step::OsInstall { packages, .. } if packages == &["curl"]));
        let s = steps(
            "addgroup -S -g 1001 nodejs && adduser -S nextjs -u 1001 -G nodejs && cp -r a b && ./setup.sh",
            None,
        );
        assert!(matches!(&s[0], Step::UsersAdded(n) if n.contains(&"nodejs".to_string())));
        assert!(matches!(&s[1], Step::UsersAdded(n) if n.contains(&"nextjs".to_string())));
        assert!(matches!(&s[2], Step::Opaque(_)));
        assert!(matches!(&s[3], Step::Opaque(_)));
        assert!(matches!(
            steps("turbo prune api --docker", None)[0],
            Step::TurboPrune { docker: true, .. }
        ));
        // Versions and npx's own flags do not hide the tool.
        assert!(matches!(
            steps("npx -q turbo@2.1.3 prune api --docker", None)[0],
            Step::TurboPrune { .. }
        ));
        assert!(matches!(
            steps("pnpm dlx turbo@2 prune api", None)[0],
            Step::TurboPrune { .. }
        ));
    }
}

#[cfg(test)]
mod wrapper_tests {
    use super::*;
    use crate::parse::shell::commands;

    fn first_step(script: &str) -> Step {
        let c = commands(script).into_iter().next().expect("a command");
        step(&c, &|_| None)
    }

    #[test]
    fn runners_are_read_through_to_a_bounded_depth() {
        // Wrapped a few times, the tool is still seen.
        assert!(matches!(
            first_step("npx pnpm exec npx turbo prune api"),
            Step::TurboPrune { .. }
        ));
        // Wrapped without end, the reading stops instead of overflowing the stack.
        let deep = format!("{}turbo prune api", "npx pnpm exec ".repeat(20_000));
        assert!(matches!(first_step(&deep), Step::Opaque(_)));
    }
}
