//! `compose/`: docker-compose files against the repository and the code behind each service.
//!
//! The rules read `model.compose`: projects with their files merged, `.env` interpolated,
//! `extends` and `include` applied. A file can belong to several projects (a base and each of
//! its fragment overrides), so each rule reports through a [`Sink`], which keeps one finding
//! per place and message.

pub(crate) mod depends_on_not_healthy;
pub(crate) mod dockerfile_missing;
pub(crate) mod hardcoded_secret;
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

/// How findings name a service: `service \`auth\` (services/auth, built by
/// services/auth/Dockerfile)`, or `service \`db\` (postgres:16)`.
pub(crate) fn label(model: &Model, project: &Project, svc: &Service) -> String {
    if let Some((context, dockerfile)) = build_paths(project, svc) {
        if !model.exists_on_disk(&dockerfile) {
            return format!("service `{}`", svc.name);
        }
        let dir = model
            .owner_of(&dockerfile)
            .map_or(context.as_str(), |i| model.packages[i].dir.as_str());
        return format!(
            "service `{}` ({}, built by {dockerfile})",
            svc.name,
            paths::display_dir(dir)
        );
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
    if matches!(restart, Some("no" | "\"no\"" | "on-failure")) && !command.is_empty() {
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
