//! `compose/`: docker-compose files against the repository and the code behind each service.
//!
//! The rules read `model.compose`: projects with their files merged, `.env` interpolated,
//! `extends` and `include` applied. A file can belong to several projects (a base and each of
//! its fragment overrides), so each rule reports through a [`Sink`], which keeps one finding
//! per place and message.

pub(crate) mod depends_on_not_healthy;
pub(crate) mod dockerfile_missing;
pub(crate) mod hardcoded_secret;
pub(crate) mod healthcheck_route_missing;
pub(crate) mod insecure_infra;
pub(crate) mod missing_env;
pub(crate) mod no_healthcheck;
pub(crate) mod no_resource_limits;
pub(crate) mod no_restart_policy;
pub(crate) mod obsolete_version;
pub(crate) mod port_conflict;
pub(crate) mod single_replica_kafka;
pub(crate) mod stateful_without_volume;
pub(crate) mod undefined_variable;
pub(crate) mod unpinned_image;

use std::collections::BTreeSet;

use crate::data::infra_images::{self, Infra};
use crate::finding::Finding;
use crate::model::compose::{Node, Project, Service};
use crate::model::{Model, ServiceKind};
use crate::paths;
use crate::rules::docker::Image;
use crate::rules::{Context, FindingBuilder, Subject};
use crate::source::Span;

/// Findings, one per (rule, file, position): the same key reached through several projects, or
/// an `x-` anchor merged into several services, is one place to fix.
pub(crate) struct Sink<'a> {
    out: &'a mut Vec<Finding>,
    seen: BTreeSet<(String, String, u32, u32)>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(out: &'a mut Vec<Finding>) -> Self {
        Sink {
            out,
            seen: BTreeSet::new(),
        }
    }

    pub(crate) fn push(&mut self, f: Finding) {
        let key = (
            f.rule.clone(),
            f.location.path.clone(),
            f.location.line,
            f.location.column,
        );
        if self.seen.insert(key) {
            self.out.push(f);
        }
    }
}

/// The compose rules apply where there are compose files: the repository when it has one, a
/// service when compose defines it.
pub(crate) fn applies(cx: &Context<'_>, subject: Subject<'_>) -> bool {
    match subject {
        Subject::Repository => !cx.model.compose.projects.is_empty(),
        Subject::Service(service) => service.compose_file.is_some(),
    }
}

/// Where a service builds from, repository-relative: (context, Dockerfile). `None` for a
/// service that does not build, a remote context, `dockerfile_inline`, or a path with a
/// variable the `.env` does not decide.
pub(crate) fn build_paths(project: &Project, svc: &Service) -> Option<(String, String)> {
    let build = svc.get("build")?;
    let context = build.get("context");
    let written = match context {
        Some(c) => c.known()?,
        None => ".",
    };
    if written.contains("://") || written.starts_with("git@") {
        return None;
    }
    let context_path = project.resolve(context.unwrap_or(build), written)?;
    if build.get("dockerfile_inline").is_some() {
        return None;
    }
    let dockerfile = match build.get("dockerfile") {
        Some(d) => d.known()?,
        None => "Dockerfile",
    };
    let dockerfile = paths::join(
        &context_path,
        dockerfile.strip_prefix("./").unwrap_or(dockerfile),
    )?;
    Some((context_path, dockerfile))
}

/// The folder a service is named by: the package its image ships (see [`ships`]), else the
/// package that owns its Dockerfile, or, when that is the repository root (a
/// `.deploy/api/Dockerfile`), the Dockerfile's folder (else `fallback`).
fn service_dir<'a>(
    model: &'a Model,
    shipped: Option<usize>,
    dockerfile: &'a str,
    fallback: &'a str,
) -> &'a str {
    if let Some(i) = shipped {
        return &model.packages[i].dir;
    }
    match model.owner_of(dockerfile) {
        Some(i) if !model.packages[i].dir.is_empty() => &model.packages[i].dir,
        _ if !paths::parent(dockerfile).is_empty() => paths::parent(dockerfile),
        _ => fallback,
    }
}

/// How findings name a service: `service \`auth\` (services/auth, built by
/// services/auth/Dockerfile)`, or `service \`db\` (postgres:16)`.
pub(crate) fn label(model: &Model, project: &Project, svc: &Service) -> String {
    let shipped = ships(
        &Context {
            model,
            policy: &crate::config::NO_POLICY,
        },
        project,
        svc,
    )
    .map(|s| s.package);
    if let Some((context, dockerfile)) = build_paths(project, svc) {
        if !model.exists_on_disk(&dockerfile) {
            return format!("service `{}`", svc.name);
        }
        let dir = service_dir(model, shipped, &dockerfile, &context);
        return format!(
            "service `{}` ({}, built by {dockerfile})",
            svc.name,
            paths::display_dir(dir)
        );
    }
    if let Some(image) = svc.image() {
        let built = builder_of(model, svc)
            .and_then(|(p, b)| {
                Some((
                    build_paths(p, b)?.1,
                    format!("which `{}` builds from", b.name),
                ))
            })
            .or_else(|| {
                let repository = crate::model::compose::image_repository(image);
                let (dockerfile, _) = crate::model::service::tagged_build(model, repository)?;
                Some((dockerfile, "built from".to_string()))
            });
        if let Some((dockerfile, how)) = built
            && model.exists_on_disk(&dockerfile)
        {
            let dir = service_dir(model, shipped, &dockerfile, paths::parent(&dockerfile));
            return format!(
                "service `{}` ({}, runs {image}, {how} {dockerfile})",
                svc.name,
                paths::display_dir(dir),
            );
        }
    }
    match svc.image() {
        Some(image) => format!("service `{}` ({image})", svc.name),
        None => format!("service `{}`", svc.name),
    }
}

/// A finding about a compose service, attributed to the seaworthy service it is (when compose
/// defines one that builds an image of the repository).
pub(crate) fn finding(
    meta: &crate::rules::RuleMeta,
    model: &Model,
    svc: &Service,
    at: (&str, Span),
    key: &str,
    message: String,
) -> FindingBuilder {
    let builder = FindingBuilder::new(meta, at.0, at.1, format!("{}/{key}", svc.name), message);
    let own = model.services.iter().find(|s| {
        s.kind == ServiceKind::Compose
            && s.compose_file.as_deref() == Some(&*svc.file)
            && (s.name == svc.name || s.name.starts_with(&format!("{} (", svc.name)))
    });
    match own {
        Some(s) => builder.service(&s.name),
        None => builder,
    }
}

/// The infrastructure image a service runs, from the table.
pub(crate) fn infra(svc: &Service) -> Option<&'static Infra> {
    if svc.builds() {
        return None;
    }
    infra_images::lookup(svc.image()?)
}

/// What a compose service runs of the repository: the workspace package whose code its image
/// ships, and that image.
pub(crate) struct Ships<'a> {
    pub(crate) package: usize,
    /// The image's build (`None` when the Dockerfile has no simulated build).
    pub(crate) image: Option<Image<'a>>,
    /// The Dockerfile, repository-relative.
    pub(crate) dockerfile: String,
}

/// The service that builds the image `svc` runs prebuilt: a service of any project with a
/// `build` and an `image:` of the same repository name (Compose tags what it builds with it).
fn builder_of<'a>(model: &'a Model, svc: &Service) -> Option<(&'a Project, &'a Service)> {
    let wanted = crate::model::compose::image_repository(svc.image()?);
    if wanted.contains('$') {
        return None;
    }
    model.compose.projects.iter().find_map(|p| {
        p.services
            .iter()
            .find(|s| {
                s.builds() && s.image().map(crate::model::compose::image_repository) == Some(wanted)
            })
            .map(|s| (p, s))
    })
}

/// The package and image a compose service runs (see [`Ships`]). The package is the one that
/// holds the file the image starts (`node apps/api/dist/main.js`, or what its `start` script
/// runs): the nearest folder above it whose `package.json` the image copied from the
/// repository. Failing that, the package that owns the Dockerfile. `None` for a service that
/// runs no image of the repository, and for a workspace root (which ships the whole
/// repository: which code runs is not known).
pub(crate) fn ships<'a>(cx: &Context<'a>, project: &Project, svc: &Service) -> Option<Ships<'a>> {
    let model = cx.model;
    let (from_svc, dockerfile) = if svc.builds() {
        (svc, build_paths(project, svc)?.1)
    } else if let Some((p, s)) = builder_of(model, svc) {
        (s, build_paths(p, s)?.1)
    } else {
        let repository = crate::model::compose::image_repository(svc.image()?);
        (
            svc,
            crate::model::service::tagged_build(model, repository)?.0,
        )
    };
    let target = from_svc
        .get("build")
        .and_then(|b| b.get("target"))
        .and_then(Node::known);
    let candidates: Vec<Image<'a>> = crate::rules::docker::images(model)
        .into_iter()
        .filter(|i| i.df.path == dockerfile)
        .collect();
    let image = candidates
        .iter()
        .position(|i| {
            i.build
                .services
                .iter()
                .any(|(f, n)| *n == from_svc.name && **f == *from_svc.file)
        })
        .or_else(|| {
            candidates.iter().position(|i| {
                target.is_some() && i.build.final_stage().and_then(|s| s.name.as_deref()) == target
            })
        })
        .or((!candidates.is_empty()).then_some(0))
        .and_then(|at| candidates.into_iter().nth(at));
    // A workspace root with members ships the whole repository: which code runs is not known.
    let is_root = |i: usize| {
        model
            .workspaces
            .iter()
            .any(|w| w.package == Some(i) && w.members.iter().any(|&m| m != i))
    };
    let started = image
        .as_ref()
        .and_then(|img| started_package(cx, img))
        .filter(|&i| !is_root(i));
    // An image that copies nothing from the repository (`RUN npm i -g maildev`) ships none of
    // its code.
    let copies_repository = image.as_ref().is_some_and(|img| {
        img.build.shipped_lineage().iter().any(|&st| {
            img.build.stages[st]
                .entries
                .iter()
                .any(|e| matches!(e.entry, crate::model::docker::Entry::Context { .. }))
        })
    });
    if !copies_repository {
        return None;
    }
    let package = started
        .or_else(|| {
            model
                .services
                .iter()
                .find(|s| {
                    s.kind == ServiceKind::Compose && s.dockerfile.as_deref() == Some(&*dockerfile)
                })
                .and_then(|s| s.package)
        })
        .or_else(|| model.owner_of(&dockerfile))
        .filter(|&i| !is_root(i))?;
    Some(Ships {
        package,
        image,
        dockerfile,
    })
}

/// The package holding the file an image starts with `node` (directly or through its `start`
/// script): the nearest folder above the file, in the image, whose `package.json` came from a
/// package of the repository.
fn started_package(cx: &Context<'_>, image: &Image<'_>) -> Option<usize> {
    use crate::model::docker::sim::absolute;
    let stage = image.build.final_stage()?;
    let (_, words, _) = crate::rules::docker::start_file_missing::start(cx, image)?;
    let file = crate::rules::docker::start_file_missing::node_file(&words)?;
    if file.contains(['$', '`']) {
        return None;
    }
    let path = absolute(&stage.workdir, &file);
    let mut dir = paths::parent(&path);
    for _ in 0..16 {
        if dir.is_empty() || dir == "/" {
            break;
        }
        let manifest = format!("{dir}/package.json");
        if let Some(origin) = image
            .build
            .manifest_origin(cx.model, image.build.target, &manifest)
        {
            return cx.model.package_index_at(paths::parent(&origin));
        }
        dir = paths::parent(dir);
    }
    None
}

/// Words of a command that make a service a one-off job rather than a server.
const ONE_OFF: &[&str] = &[
    "migrat",
    "seed",
    "setup",
    "init",
    "wait-for",
    "createbuckets",
    "mc ",
];

/// Whether a service runs for as long as the project does: not a job another service waits
/// to complete, not a command that migrates, seeds or sets up, not `restart: "no"` with a
/// command of its own, and not only in a profile (optional tooling someone turns on).
pub(crate) fn is_long_running(project: &Project, svc: &Service) -> bool {
    if svc.in_profile() || svc.is_one_shot(project) {
        return false;
    }
    let command = svc.command_words().join(" ").to_ascii_lowercase();
    let entrypoint = svc
        .get("entrypoint")
        .map(|e| {
            e.scalars()
                .iter()
                .filter_map(|n| n.text())
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if ONE_OFF
        .iter()
        .any(|w| command.contains(w) || entrypoint.contains(w))
    {
        return false;
    }
    let restart = svc.get("restart").and_then(Node::text);
    if matches!(restart, Some("no" | "\"no\"")) && !command.is_empty() {
        return false;
    }
    true
}

/// The span of a service's key, or of the service when it does not set it.
pub(crate) fn key_at<'a>(svc: &'a Service, key: &str) -> (&'a str, Span) {
    match svc.entry(key) {
        Some(e) => (&e.value.file, e.key_span),
        None => (&svc.file, svc.span),
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::rules::testing::Repo;

    /// A repository whose root holds `docker-compose.yml` with `text`.
    pub(crate) fn compose(text: &str) -> Repo {
        Repo::new()
            .file("package.json", r#"{ "name": "acme", "private": true }"#)
            .file("docker-compose.yml", text)
    }
}
