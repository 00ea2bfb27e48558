//! The compose model: the projects a repository's compose files define, each with its files
//! merged the way Compose merges them, its `.env` interpolated in, `extends` and `include`
//! followed, and its services in a form the rules can read without knowing YAML syntax.
//!
//! Which files make one project. `docker compose` with no `-f` reads `compose.yaml` (or
//! `compose.yml`, `docker-compose.yaml`, `docker-compose.yml`) and its `*.override.*` beside
//! it. seaworthy also treats as an override a file beside such a base whose services are
//! fragments of the base's (a service with neither `image`, `build` nor `extends`, which the
//! base defines): `docker-compose.prod.yml` that only adds `environment` is meant for `-f
//! docker-compose.yml -f docker-compose.prod.yml`. Every other compose file is a project of
//! its own. A file can then be part of several projects (a base and each of its fragments);
//! the rules report a place once.
//!
//! Relative paths in a project's files resolve from the project directory (the first file's
//! folder, as Compose resolves them for every `-f` file); those of an `extends.file` from that
//! file's folder; those of an `include`d file from its own project directory.

pub mod config;
pub mod interpolate;
pub mod node;
pub mod service;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub use node::{Entry, Node, Scalar, Value};
pub use service::{DependsOn, EnvSource, EnvVar, Healthcheck, Port, Volume};

use crate::parse::compose::ComposeFile;
use crate::parse::dotenv::DotEnv;
use crate::paths;
use crate::source::Span;

#[derive(Debug, Clone, Default)]
pub struct Compose {
    pub projects: Vec<Project>,
}

#[derive(Debug, Clone)]
pub struct Project {
    /// The files, in merge order (the base first).
    pub files: Vec<String>,
    /// The project directory, repository-relative (`""` at the root).
    pub dir: String,
    /// The `.env` used for interpolation, when the repository has one.
    pub dotenv: Option<String>,
    /// The project environment, the shell setting nothing: its `.env` with the values
    /// resolved ([`dotenv_environment`]), under the environment of the project that
    /// `include`s it.
    pub environment: BTreeMap<String, String>,
    pub services: Vec<Service>,
    /// Top-level `volumes` names.
    pub volumes: BTreeSet<String>,
    /// Problems found while assembling the project (an `extends` that names nothing, a cycle).
    pub problems: Vec<Problem>,
    /// File → the directory its relative paths resolve from.
    base_dirs: BTreeMap<Arc<str>, String>,
}

/// An image reference without its tag or digest: `ghcr.io/acme/api:1.2@sha256:…` →
/// `ghcr.io/acme/api` (a registry port, `localhost:5000/api`, stays).
/// Docker Hub's implicit prefixes are dropped (`docker.io/library/redis` → `redis`).
pub fn image_repository(image: &str) -> &str {
    let image = image.trim();
    let image = image.split('@').next().unwrap_or(image);
    let image = match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => &image[..i],
        _ => image,
    };
    let image = image
        .strip_prefix("docker.io/")
        .or_else(|| image.strip_prefix("index.docker.io/"))
        .unwrap_or(image);
    image.strip_prefix("library/").unwrap_or(image)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// Where the service is first defined.
    pub file: Arc<str>,
    pub span: Span,
    /// The merged service, `extends` applied.
    pub node: Node,
    /// `profiles`: empty for a service that always runs.
    pub profiles: Vec<String>,
    /// The `.env` lookups of its project: a variable is interpolated from there or unknown.
    pub dir: String,
    /// From an `include`d file.
    pub included: bool,
}

impl Project {
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }

    /// A path written in `node` (a build context, an env_file), repository-relative.
    pub fn resolve(&self, node: &Node, written: &str) -> Option<String> {
        let dir = self
            .base_dirs
            .get(&node.file)
            .map_or_else(|| paths::parent(&node.file).to_string(), String::clone);
        paths::join(&dir, written.strip_prefix("./").unwrap_or(written))
    }

    /// A short name for messages: the files joined with ` + `.
    pub fn label(&self) -> String {
        self.files.join(" + ")
    }
}

/// The names Compose looks for when no `-f` is given, in its order of preference (compose-go
/// `cli.DefaultFileNames`).
const DEFAULT_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// The override Compose reads after the base it chose, whichever that is: the first of these
/// that exists (compose-go `cli.DefaultOverrideFileNames`; docker-compose 1.29 pairs them the
/// same way, `compose.yaml` with `docker-compose.override.yml` too).
const DEFAULT_OVERRIDES: &[&str] = &[
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// How deep `extends` and `include` are followed.
const MAX_DEPTH: usize = 8;

pub struct Inputs<'a> {
    pub files: &'a [ComposeFile],
    pub dotenvs: &'a [DotEnv],
}

pub fn build(inputs: &Inputs<'_>) -> Compose {
    let by_path: BTreeMap<&str, &ComposeFile> =
        inputs.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut projects = Vec::new();
    for file in inputs.files {
        if !file.discovered || is_template(&file.path) {
            continue;
        }
        let dir = paths::parent(&file.path);
        let first = |names: &[&str]| {
            names
                .iter()
                .filter_map(|n| paths::join(dir, n))
                .find(|p| by_path.get(p.as_str()).is_some_and(|f| f.discovered))
        };
        let base = first(DEFAULT_NAMES);
        let default_override = base.as_ref().and(first(DEFAULT_OVERRIDES));
        if default_override.as_deref() == Some(file.path.as_str()) {
            // Part of its base's project (a lone override, or one Compose does not pick, is a
            // project of its own).
            continue;
        }
        let mut files = vec![file.path.clone()];
        let is_base = base.as_deref() == Some(file.path.as_str());
        if is_base {
            files.extend(default_override);
        } else if let Some(base) = base.as_deref()
            && let Some(b) = by_path.get(base)
            && is_fragment(file, b)
        {
            files.insert(0, base.to_string());
        }
        projects.push(assemble(&files, dir, inputs, &by_path, &BTreeMap::new(), 0));
    }
    Compose { projects }
}

/// A compose file that is a template to copy, not a project: named so
/// (`docker-compose.template.yml`, `compose.example.yaml`), or in a template or fixture folder
/// (`templates/`, `examples/`, `__fixtures__/`: what a generator or a test copies elsewhere).
fn is_template(path: &str) -> bool {
    let name = paths::file_name(path).to_ascii_lowercase();
    let marked = name
        .split('.')
        .any(|part| matches!(part, "template" | "tpl" | "example" | "sample" | "dist"));
    marked || crate::model::SourceClass::of(path) == crate::model::SourceClass::Fixture
}

/// A file whose services only add to a sibling base's: at least one of its services has no
/// `image`, `build` or `extends` and is defined in the base.
fn is_fragment(file: &ComposeFile, base: &ComposeFile) -> bool {
    let services = file.root.get("services");
    let Some(services) = services else {
        return false;
    };
    services.entries().iter().any(|(name, _, svc)| {
        svc.get("image").is_none()
            && svc.get("build").is_none()
            && svc.get("extends").is_none()
            && base.services.iter().any(|s| &s.name == name)
    })
}

fn dotenv_of<'a>(dir: &str, inputs: &'a Inputs<'_>) -> Option<&'a DotEnv> {
    let path = paths::join(dir, ".env")?;
    inputs.dotenvs.iter().find(|d| d.path == path)
}

/// A `.env` file's variables as Compose reads them (compose-go `dotenv.GetEnvFromFile`):
/// unquoted and double-quoted values are interpolated like compose values, from the variables
/// before them (`DB_URL=postgres://db/${DB_NAME}`, `$$`), the shell setting nothing;
/// single-quoted values are literal; a bare `KEY` is the shell's, so not set.
pub fn dotenv_environment(dotenv: &DotEnv) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    for var in &dotenv.vars {
        let Some(value) = &var.value else { continue };
        let value = match var.quote {
            crate::parse::dotenv::Quote::Single => value.clone(),
            _ => interpolate::interpolate(value, &|name| env.get(name).cloned()).assumed,
        };
        env.insert(var.name.clone(), value);
    }
    env
}

/// Loads one file as a tree, interpolated with `lookup` and normalized.
fn load_file(file: &ComposeFile, lookup: &dyn Fn(&str) -> Option<String>) -> Node {
    let name: Arc<str> = Arc::from(file.path.as_str());
    let mut root = Node::from_yaml(&file.root, &name, lookup);
    if let Value::Map(entries) = &mut root.value
        && let Some(services) = entries.iter_mut().find(|e| e.key == "services")
        && let Value::Map(list) = &mut services.value.value
    {
        for svc in list {
            service::normalize(&mut svc.value, lookup);
        }
    }
    root
}

/// One project. `including` is the environment of the project that `include`s this one: its
/// values win over this project's `.env` (compose-spec `include.md`: "the local project's
/// environment has precedence"; compose-go `loader/include.go` merges the included `.env`
/// under it).
fn assemble(
    files: &[String],
    dir: &str,
    inputs: &Inputs<'_>,
    by_path: &BTreeMap<&str, &ComposeFile>,
    including: &BTreeMap<String, String>,
    depth: usize,
) -> Project {
    let dotenv = dotenv_of(dir, inputs);
    let mut environment = dotenv.map(dotenv_environment).unwrap_or_default();
    environment.extend(including.iter().map(|(k, v)| (k.clone(), v.clone())));
    let lookup = |name: &str| -> Option<String> { environment.get(name).cloned() };
    let mut project = Project {
        files: files.to_vec(),
        dir: dir.to_string(),
        dotenv: dotenv.map(|d| d.path.clone()),
        environment: environment.clone(),
        services: Vec::new(),
        volumes: BTreeSet::new(),
        problems: Vec::new(),
        base_dirs: BTreeMap::new(),
    };
    let mut merged: Option<Node> = None;
    for path in files {
        let Some(file) = by_path.get(path.as_str()) else {
            continue;
        };
        project
            .base_dirs
            .insert(Arc::from(path.as_str()), dir.to_string());
        let root = load_file(file, &lookup);
        match &mut merged {
            None => merged = Some(root),
            Some(m) => node::merge(m, root, &mut Vec::new(), &top_rule),
        }
    }
    let Some(root) = merged else {
        return project;
    };
    if let Some(v) = root.get("volumes") {
        project
            .volumes
            .extend(v.entries().iter().map(|e| e.key.clone()));
    }
    let services = root
        .get("services")
        .map(|s| s.entries().to_vec())
        .unwrap_or_default();
    for entry in &services {
        let mut chain = vec![(entry.value.file.to_string(), entry.key.clone())];
        let node = resolve_extends(
            &entry.value,
            &services,
            &lookup,
            by_path,
            &mut project,
            &mut chain,
        );
        let profiles = node
            .get("profiles")
            .map(|p| {
                p.items()
                    .iter()
                    .filter_map(Node::text)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        project.services.push(Service {
            name: entry.key.clone(),
            file: entry.value.file.clone(),
            span: entry.key_span,
            node,
            profiles,
            dir: dir.to_string(),
            included: false,
        });
    }
    // `include`: each listed file is a project of its own, whose services join this one.
    if let Some(include) = root.get("include") {
        for item in include.items() {
            let paths_written: Vec<&Node> = match &item.value {
                Value::Scalar(_) => vec![item],
                Value::Map(_) => match item.get("path") {
                    Some(p) if p.scalar().is_some() => vec![p],
                    Some(p) => p.items().iter().collect(),
                    None => Vec::new(),
                },
                _ => Vec::new(),
            };
            let project_dir = item.get("project_directory").and_then(Node::known);
            let targets: Vec<String> = paths_written
                .iter()
                .filter_map(|p| Some((*p, p.known()?)))
                .filter_map(|(p, written)| project.resolve(p, written))
                .collect();
            let Some(first) = targets.first() else {
                continue;
            };
            if depth >= MAX_DEPTH || !targets.iter().all(|t| by_path.contains_key(t.as_str())) {
                continue;
            }
            let inc_dir = match project_dir.and_then(|d| project.resolve(item, d)) {
                Some(d) => d,
                None => paths::parent(first).to_string(),
            };
            let included = assemble(
                &targets,
                &inc_dir,
                inputs,
                by_path,
                &project.environment,
                depth + 1,
            );
            for mut s in included.services {
                if project.service(&s.name).is_none() {
                    s.included = true;
                    project.services.push(s);
                }
            }
            project.volumes.extend(included.volumes);
            project.problems.extend(included.problems);
            project.base_dirs.extend(included.base_dirs);
        }
    }
    project.services.sort_by(|a, b| a.name.cmp(&b.name));
    project
}

/// The merge rule for a path from the root of a file.
fn top_rule(path: &[String]) -> node::Rule {
    match path {
        [s, _name, rest @ ..] if s == "services" => service::rule(rest),
        _ => node::Rule::Merge,
    }
}

/// A service with what it `extends` merged under it.
fn resolve_extends(
    svc: &Node,
    services: &[Entry],
    lookup: &dyn Fn(&str) -> Option<String>,
    by_path: &BTreeMap<&str, &ComposeFile>,
    project: &mut Project,
    chain: &mut Vec<(String, String)>,
) -> Node {
    let Some(extends) = svc.get("extends") else {
        return svc.clone();
    };
    let Some(target) = extends.get("service").and_then(Node::known) else {
        return svc.clone();
    };
    let here = svc.file.to_string();
    let (file, base) = match extends.get("file").and_then(Node::known) {
        Some(written) => {
            let Some(path) = project.resolve(extends, written) else {
                return svc.clone();
            };
            let Some(cf) = by_path.get(path.as_str()) else {
                // Not read (outside the walk); `compose/` reports missing files.
                return svc.clone();
            };
            let root = load_file(cf, lookup);
            let found = root.get("services").and_then(|s| s.entry(target)).cloned();
            project
                .base_dirs
                .entry(Arc::from(path.as_str()))
                .or_insert_with(|| paths::parent(&path).to_string());
            let others = root
                .get("services")
                .map(|s| s.entries().to_vec())
                .unwrap_or_default();
            (path, found.map(|f| (f, others)))
        }
        None => (
            here.clone(),
            services
                .iter()
                .find(|e| e.key == target)
                .cloned()
                .map(|f| (f, services.to_vec())),
        ),
    };
    let Some((base, siblings)) = base else {
        project.problems.push(Problem {
            file: here,
            span: extends.span,
            message: format!("`extends` names a service `{target}` that {file} does not define"),
        });
        return svc.clone();
    };
    if chain.iter().any(|(f, n)| *f == file && *n == target) || chain.len() > MAX_DEPTH {
        project.problems.push(Problem {
            file: here,
            span: extends.span,
            message: format!("`extends` of `{target}` forms a cycle"),
        });
        return svc.clone();
    }
    chain.push((file, target.to_string()));
    let mut resolved = resolve_extends(&base.value, &siblings, lookup, by_path, project, chain);
    chain.pop();
    let mut own = svc.clone();
    if let Value::Map(entries) = &mut own.value {
        entries.retain(|e| e.key != "extends");
    }
    if let Value::Map(entries) = &mut resolved.value {
        entries.retain(|e| e.key != "extends");
    }
    node::merge(&mut resolved, own, &mut Vec::new(), &service::rule);
    resolved.span = svc.span;
    resolved.file = svc.file.clone();
    resolved
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::Repo;

    fn repo() -> Repo {
        Repo::new().file("package.json", r#"{ "name": "acme", "private": true }"#)
    }

    #[test]
    fn merges_the_default_override_and_fragments_and_interpolates_from_dotenv() {
        let model = repo()
            .file(".env", "TAG=1.4\nPG_PASSWORD=\n")
            .file(
                "docker-compose.yml",
                "x-env: &env\n  NODE_ENV: production\nservices:\n  api:\n    image: acme/api:${TAG}\n    environment:\n      <<: *env\n      DB: postgres\n    ports: ['3000:3000']\n  db:\n    image: postgres:${PG:-16}\n",
            )
            .file(
                "docker-compose.override.yml",
                "services:\n  api:\n    environment:\n      - DEBUG=1\n    ports: ['9229:9229']\n",
            )
            .file(
                "docker-compose.prod.yml",
                "services:\n  api:\n    environment:\n      NODE_ENV: prod\n",
            )
            .model();
        let projects = &model.compose.projects;
        let labels: Vec<String> = projects.iter().map(super::Project::label).collect();
        assert_eq!(
            labels,
            [
                "docker-compose.yml + docker-compose.prod.yml",
                "docker-compose.yml + docker-compose.override.yml",
            ]
        );
        let base = &projects[1];
        let api = base.service("api").unwrap();
        assert_eq!(api.image(), Some("acme/api:1.4"));
        let env: Vec<&str> = api.environment().iter().map(|e| e.name).collect();
        assert_eq!(env, ["DB", "NODE_ENV", "DEBUG"]);
        assert_eq!(api.ports().len(), 2);
        assert_eq!(base.service("db").unwrap().image(), Some("postgres:16"));
        let prod = &projects[0];
        let node_env = prod
            .service("api")
            .unwrap()
            .node
            .get_in(&["environment", "NODE_ENV"])
            .unwrap();
        assert_eq!(node_env.text(), Some("prod"));
        assert_eq!(&*node_env.file, "docker-compose.prod.yml");
    }

    #[test]
    fn the_default_override_joins_whichever_base_compose_picks() {
        // compose-go and docker-compose 1.29 pair `compose.yaml` with
        // `docker-compose.override.yml`; of two bases `compose.yaml` wins.
        let model = repo()
            .file("compose.yaml", "services:\n  api:\n    image: acme/api\n")
            .file(
                "docker-compose.yaml",
                "services:\n  old:\n    image: acme/old\n",
            )
            .file(
                "docker-compose.override.yml",
                "services:\n  api:\n    ports: ['9229:9229']\n",
            )
            .file(
                "deploy/docker-compose.yml",
                "services:\n  web:\n    image: acme/web\n",
            )
            .file(
                "deploy/docker-compose.yaml",
                "services:\n  web2:\n    image: acme/web\n",
            )
            .file(
                "deploy/compose.override.yaml",
                "services:\n  web:\n    ports: ['80:80']\n",
            )
            .file(
                "deploy/compose.override.yml",
                "services:\n  web:\n    ports: ['81:81']\n",
            )
            .model();
        let labels: Vec<String> = model
            .compose
            .projects
            .iter()
            .map(super::Project::label)
            .collect();
        assert_eq!(
            labels,
            [
                "compose.yaml + docker-compose.override.yml",
                // Not the override Compose picks: a fragment for `-f base -f file`.
                "deploy/docker-compose.yml + deploy/compose.override.yaml",
                "deploy/docker-compose.yaml",
                "deploy/docker-compose.yml + deploy/compose.override.yml",
                "docker-compose.yaml",
            ]
        );
    }

    #[test]
    fn dotenv_values_are_interpolated_from_the_variables_before_them() {
        // compose-go reads `.env` with its dotenv parser, which interpolates unquoted and
        // double-quoted values; docker-compose 1.29 (python-dotenv) agrees on `${DB_NAME}`.
        let model = repo()
            .file(
                ".env",
                "DB_NAME=orders\nDB_URL=postgres://db/${DB_NAME}\nQUOTED=\"${DB_NAME:-x}-q\"\nLITERAL='${DB_NAME}'\nCOST=$$5\nLATER=${LATE}\nLATE=1\n",
            )
            .file(
                "compose.yaml",
                "services:\n  api:\n    image: acme/api\n    environment:\n      URL: ${DB_URL}\n      QUOTED: ${QUOTED}\n      LITERAL: ${LITERAL}\n      COST: ${COST}\n      LATER: ${LATER}\n",
            )
            .model();
        let project = &model.compose.projects[0];
        assert_eq!(project.environment["DB_URL"], "postgres://db/orders");
        let api = project.service("api").unwrap();
        let env: Vec<(&str, Option<&str>)> = api
            .environment()
            .iter()
            .map(|e| match &e.source {
                super::EnvSource::Value(n) => (e.name, n.known()),
                super::EnvSource::Shell => (e.name, None),
            })
            .collect();
        assert_eq!(
            env,
            [
                ("URL", Some("postgres://db/orders")),
                ("QUOTED", Some("orders-q")),
                ("LITERAL", Some("${DB_NAME}")),
                ("COST", Some("$5")),
                ("LATER", Some("")),
            ]
        );
    }

    #[test]
    fn an_including_projects_environment_wins_over_the_included_dotenv() {
        let model = repo()
            .file(".env", "PG_TAG=16.3\n")
            .file(
                "compose.yaml",
                "include:\n  - infra/compose.yaml\nservices:\n  api:\n    image: acme/api\n",
            )
            .file("infra/.env", "PG_TAG=16.2\nPG_USER=app\n")
            .file(
                "infra/compose.yaml",
                "services:\n  db:\n    image: postgres:${PG_TAG}\n    environment:\n      POSTGRES_USER: ${PG_USER}\n",
            )
            .model();
        let including = model
            .compose
            .projects
            .iter()
            .find(|p| p.files == ["compose.yaml"])
            .unwrap();
        let db = including.service("db").unwrap();
        assert_eq!(db.image(), Some("postgres:16.3"));
        let user = db.node.get_in(&["environment", "POSTGRES_USER"]).unwrap();
        assert_eq!(user.known(), Some("app"));
        // Run on its own, the included file reads its own `.env`.
        let alone = model
            .compose
            .projects
            .iter()
            .find(|p| p.files == ["infra/compose.yaml"])
            .unwrap();
        assert_eq!(alone.service("db").unwrap().image(), Some("postgres:16.2"));
    }

    #[test]
    fn follows_extends_and_include_and_keeps_profiles() {
        let model = repo()
            .file(
                "deploy/common.yml",
                "services:\n  node:\n    restart: always\n    environment:\n      TZ: UTC\n    healthcheck:\n      test: [CMD, curl, -f, http://localhost/health]\n",
            )
            .file(
                "deploy/compose.yaml",
                "include:\n  - ../infra/compose.yaml\nservices:\n  api:\n    extends:\n      file: common.yml\n      service: node\n    build: ../apps/api\n    environment:\n      PORT: '3000'\n  worker:\n    extends: api\n    profiles: [jobs]\n  loop:\n    extends: loop\n",
            )
            .file(
                "infra/compose.yaml",
                "services:\n  db:\n    image: postgres:16\n",
            )
            .model();
        let project = model
            .compose
            .projects
            .iter()
            .find(|p| p.files == ["deploy/compose.yaml"])
            .unwrap();
        let names: Vec<&str> = project.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["api", "db", "loop", "worker"]);
        let api = project.service("api").unwrap();
        let env: Vec<&str> = api.environment().iter().map(|e| e.name).collect();
        assert_eq!(env, ["TZ", "PORT"]);
        assert!(api.has_restart_policy());
        assert!(api.healthcheck().is_some());
        let context = api.node.get_in(&["build", "context"]).unwrap();
        assert_eq!(
            project.resolve(context, context.text().unwrap()).as_deref(),
            Some("apps/api")
        );
        let worker = project.service("worker").unwrap();
        assert_eq!(worker.profiles, ["jobs"]);
        assert!(worker.builds());
        assert!(project.service("db").unwrap().included);
        assert_eq!(project.problems.len(), 1, "{:?}", project.problems);
        assert!(project.problems[0].message.contains("cycle"));
    }
}
