//! `docker/`: Dockerfiles against the repository, read through the Docker model
//! (`model::docker`): each image build with its context, simulated stage by stage. Runtime
//! properties (user, healthcheck, command) are judged on the shipped stage only; builder
//! stages are not.

pub(crate) mod chown_unknown_user;
pub(crate) mod copy_all_before_install;
pub(crate) mod copy_source_ignored;
pub(crate) mod copy_source_missing;
pub(crate) mod missing_dockerignore;
pub(crate) mod musl_incompatible_dependency;
pub(crate) mod non_reproducible_install;
pub(crate) mod runs_as_root;
pub(crate) mod stage_name_unknown;
pub(crate) mod unpinned_base_image;

use std::collections::BTreeSet;

use crate::model::docker::Build;
use crate::model::{Model, Service};
use crate::parse::dockerfile::{Dockerfile, Instruction};
use crate::rules::{Context, FindingBuilder, Subject};

/// One image build with what the rules look at.
pub(crate) struct Image<'a> {
    pub(crate) index: usize,
    pub(crate) build: &'a Build,
    pub(crate) df: &'a Dockerfile,
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
            });
        }
    }
    out.sort_by_key(|img| (img.build.dockerfile, img.build.target));
    out
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
}
