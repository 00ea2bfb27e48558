//! Services: the deployables seaworthy scores. A compose service that builds an image, a
//! Dockerfile no compose file builds, or a package with a `start`/`start:prod` script. The
//! Docker and compose rule families refine this; the definition lives here only.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Model;
use crate::paths;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    Compose,
    Dockerfile,
    Package,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub kind: ServiceKind,
    /// The directory the service is rooted at (its package, or the Dockerfile's folder).
    pub path: String,
    pub package: Option<usize>,
    pub dockerfile: Option<String>,
    pub compose_file: Option<String>,
    /// The build context, repository-relative.
    pub context: Option<String>,
}

pub const START_SCRIPTS: &[&str] = &["start", "start:prod"];

pub fn derive(model: &Model) -> Vec<Service> {
    let mut services = Vec::new();
    let mut built_dockerfiles = BTreeSet::new();

    for compose in &model.compose_files {
        for svc in &compose.services {
            let Some((context, dockerfile)) = super::docker::compose_build(&compose.path, svc)
            else {
                continue;
            };
            built_dockerfiles.insert(dockerfile.clone());
            let package = model.owner_of(&dockerfile);
            let path = package.map_or_else(|| context.clone(), |i| model.packages[i].dir.clone());
            services.push(Service {
                name: svc.name.clone(),
                kind: ServiceKind::Compose,
                path,
                package,
                dockerfile: Some(dockerfile),
                compose_file: Some(compose.path.clone()),
                context: Some(context),
            });
        }
    }

    // A service that runs, prebuilt, the image another service builds and tags (`image:`
    // beside `build:`), in this compose file or another: it runs that package's code.
    let mut built_images: Vec<(&str, &Service)> = Vec::new();
    for compose in &model.compose_files {
        for svc in &compose.services {
            if let Some(image) = prebuilt_image(svc)
                && let Some(built) = services.iter().find(|s| {
                    s.compose_file.as_deref() == Some(compose.path.as_str()) && s.name == svc.name
                })
            {
                built_images.push((image, built));
            }
        }
    }
    let mut prebuilt = Vec::new();
    for compose in &model.compose_files {
        for svc in &compose.services {
            if svc.node.get("build").is_some() {
                continue;
            }
            let Some(image) = prebuilt_image(svc) else {
                continue;
            };
            if let Some((_, built)) = built_images.iter().find(|(i, _)| *i == image) {
                prebuilt.push(Service {
                    name: svc.name.clone(),
                    compose_file: Some(compose.path.clone()),
                    ..(*built).clone()
                });
            } else if let Some((dockerfile, context)) = tagged_build(model, image)
                && model.dockerfiles.iter().any(|d| d.path == dockerfile)
            {
                let package = model.owner_of(&dockerfile);
                prebuilt.push(Service {
                    name: svc.name.clone(),
                    kind: ServiceKind::Compose,
                    path: package
                        .map_or_else(|| context.clone(), |i| model.packages[i].dir.clone()),
                    package,
                    dockerfile: Some(dockerfile),
                    compose_file: Some(compose.path.clone()),
                    context: Some(context),
                });
            }
        }
    }
    for s in &prebuilt {
        built_dockerfiles.extend(s.dockerfile.clone());
    }
    services.extend(prebuilt);

    for dockerfile in &model.dockerfiles {
        if built_dockerfiles.contains(&dockerfile.path) {
            continue;
        }
        let dir = paths::parent(&dockerfile.path).to_string();
        let package = model.owner_of(&dockerfile.path);
        let name = dockerfile_service_name(model, &dockerfile.path, package);
        services.push(Service {
            name,
            kind: ServiceKind::Dockerfile,
            path: package.map_or_else(|| dir.clone(), |i| model.packages[i].dir.clone()),
            package,
            dockerfile: Some(dockerfile.path.clone()),
            compose_file: None,
            context: Some(dir),
        });
    }

    for (i, package) in model.packages.iter().enumerate() {
        let has_service = services.iter().any(|s| s.package == Some(i));
        let starts = START_SCRIPTS
            .iter()
            .any(|s| package.manifest.script(s).is_some());
        if has_service || !starts {
            continue;
        }
        services.push(Service {
            name: package.name().to_string(),
            kind: ServiceKind::Package,
            path: package.dir.clone(),
            package: Some(i),
            dockerfile: None,
            compose_file: None,
            context: None,
        });
    }

    dedupe(services)
}

/// The Dockerfile and context of a build that a CI workflow or a package.json script tags
/// with the image name `repository` (`docker build -t ghcr.io/acme/api …`, a
/// `docker/build-push-action` step's `tags`).
pub fn tagged_build(model: &Model, repository: &str) -> Option<(String, String)> {
    let resolve = |base: &str, b: &crate::parse::workflow::ImageBuild| {
        if !b.tags.iter().any(|t| t == repository) {
            return None;
        }
        let context = paths::join(base, b.context.as_deref()?)?;
        let dockerfile = match b.dockerfile.as_deref() {
            Some(f) => paths::join(base, f.strip_prefix("./").unwrap_or(f))?,
            None => paths::join(&context, "Dockerfile")?,
        };
        Some((dockerfile, context))
    };
    model
        .workflows
        .iter()
        .flat_map(|w| w.builds.iter())
        .find_map(|b| resolve("", b))
        .or_else(|| {
            model
                .script_image_builds
                .get_or_init(|| {
                    model
                        .packages
                        .iter()
                        .flat_map(|p| {
                            p.manifest.scripts.iter().flat_map(|script| {
                                crate::parse::workflow::docker_builds(&script.command, script.span)
                                    .into_iter()
                                    .map(|b| (p.dir.clone(), b))
                            })
                        })
                        .collect()
                })
                .iter()
                .find_map(|(dir, b)| resolve(dir, b))
        })
}

/// The repository name of a compose service's `image:` (no tag), when it is written out.
fn prebuilt_image(svc: &crate::parse::compose::ComposeService) -> Option<&str> {
    svc.node
        .get("image")
        .and_then(crate::parse::yaml::YamlNode::as_str)
        .map(super::compose::image_repository)
        .filter(|i| !i.contains('$') && !i.is_empty())
}

/// A Dockerfile in its package's folder is named after the package; one in a folder of its
/// own (`.deploy/api/Dockerfile`) after that folder. Variants (`Dockerfile.worker`,
/// `worker.Dockerfile`) add their suffix: `api:worker`.
fn dockerfile_service_name(model: &Model, path: &str, package: Option<usize>) -> String {
    let dir = paths::parent(path);
    let base = match package {
        Some(i) if model.packages[i].dir == dir => model.packages[i].name().to_string(),
        _ if dir.is_empty() => model
            .packages
            .first()
            .map_or("root", |p| p.name())
            .to_string(),
        _ => paths::file_name(dir).to_string(),
    };
    let file = paths::file_name(path);
    let lower = file.to_ascii_lowercase();
    let variant = if lower.starts_with("dockerfile.") || lower.starts_with("containerfile.") {
        file.split_once('.').map(|(_, v)| v)
    } else if lower.ends_with(".dockerfile") {
        file.rsplit_once('.').map(|(v, _)| v)
    } else {
        None
    };
    match variant {
        Some(v) if !v.trim_matches('.').is_empty() => format!("{base}:{}", v.trim_matches('.')),
        _ => base,
    }
}

/// The same compose service in `docker-compose.yml` and an override is one service; different
/// services that happen to share a name are told apart by where they come from.
fn dedupe(mut services: Vec<Service>) -> Vec<Service> {
    services.sort_by(|a, b| {
        (&a.name, &a.dockerfile, &a.compose_file, &a.path).cmp(&(
            &b.name,
            &b.dockerfile,
            &b.compose_file,
            &b.path,
        ))
    });
    services.dedup_by(|b, a| a.name == b.name && a.dockerfile == b.dockerfile && a.kind == b.kind);
    let mut counts = std::collections::BTreeMap::new();
    for s in &services {
        *counts.entry(s.name.clone()).or_insert(0) += 1;
    }
    for s in &mut services {
        if counts.get(&s.name).copied().unwrap_or(0) > 1 {
            let origin = s
                .dockerfile
                .clone()
                .or_else(|| s.compose_file.clone())
                .unwrap_or_else(|| paths::display_dir(&s.path).to_string());
            s.name = format!("{} ({origin})", s.name);
        }
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    services
}
