//! CI workflows (`.github/workflows/*.yml`): the image builds they declare, so the Docker model
//! knows which context and Dockerfile a CI build uses. Two shapes: a `docker/build-push-action`
//! step (`with.context`, `with.file`, `with.target`; any action named `*/build-push-action`,
//! which forks such as `useblacksmith/build-push-action` keep), and a `run:` step that calls
//! `docker build`/`docker buildx build`. A value holding a `${{ … }}` expression is decided
//! by the run, not the file, and is left unknown.

use super::ParseError;
use super::yaml::{self, YamlNode};
use crate::source::Span;

/// One image build a workflow (or a package.json script) declares.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageBuild {
    /// The context as written (repository-relative from the workflow's checkout), `None`
    /// when an expression decides it.
    pub context: Option<String>,
    pub dockerfile: Option<String>,
    pub target: Option<String>,
    /// The image names it tags (`-t`, `tags:`), without their tags (`ghcr.io/acme/api`);
    /// names whose repository part an expression decides are left out.
    pub tags: Vec<String>,
    pub span: Span,
}

/// The repository names of written image tags (`ghcr.io/acme/api:${{ github.sha }}` →
/// `ghcr.io/acme/api`), skipping those an expression or variable names.
fn tag_names<'a>(tags: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = tags
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .filter_map(|t| {
            // `name:${{ x }}`: the tag is an expression, the name is not.
            let t = match t.find(":${{") {
                Some(i) => &t[..i],
                None => t,
            };
            let name = crate::model::compose::image_repository(t);
            (!name.contains('$') && !name.contains("{{") && !name.is_empty())
                .then(|| name.to_string())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Workflow {
    pub path: String,
    pub builds: Vec<ImageBuild>,
    /// Packages a `run:` step installs by name into a folder of the checkout.
    pub installs: Vec<AdHocInstall>,
}

/// `npm --prefix .github/workflows/scripts install @octokit/action@6` (or `npm install x` in a
/// step whose `working-directory` is the folder): packages the scripts of `dir` may import,
/// though no manifest declares them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AdHocInstall {
    /// Repository-relative folder (`""` for the checkout's root).
    pub dir: String,
    /// Package names, without versions.
    pub packages: Vec<String>,
    pub span: Span,
}

/// The package name of an install argument: `@octokit/action@6` → `@octokit/action`, `zx` →
/// `zx`, `prisma@${V}` → `prisma`. None for a path, a URL, a tarball or an alias.
pub fn package_of_spec(spec: &str) -> Option<&str> {
    let name = match spec.get(1..).and_then(|rest| rest.find('@')) {
        Some(at) => &spec[..at + 1],
        None => spec,
    };
    crate::parse::package_json::is_package_name(name).then_some(name)
}

/// The named-package installs of a `run:` script: `npm|pnpm|yarn|bun` with `install`, `i` or
/// `add` and package arguments, in `--prefix`/`-C`/`--dir`/`--cwd` DIR or else `cwd`.
fn adhoc_installs(script: &str, cwd: &str, span: Span) -> Vec<AdHocInstall> {
    let mut out = Vec::new();
    if !["install", " i ", " add "]
        .iter()
        .any(|w| script.contains(w))
    {
        return out;
    }
    for command in crate::parse::shell::commands(script) {
        let words = &command.words;
        if !matches!(
            words.first().map(String::as_str),
            Some("npm" | "pnpm" | "yarn" | "bun")
        ) {
            continue;
        }
        let mut dir: Option<String> = None;
        let mut positionals: Vec<&str> = Vec::new();
        let mut i = 1;
        while i < words.len() {
            let w = words[i].as_str();
            match w.split_once('=') {
                Some(("--prefix" | "--dir" | "--cwd", value)) => dir = Some(value.to_string()),
                _ if matches!(w, "--prefix" | "-C" | "--dir" | "--cwd") => {
                    i += 1;
                    dir = words.get(i).cloned();
                }
                _ if w.starts_with('-') => {}
                _ => positionals.push(w),
            }
            i += 1;
        }
        let Some((&verb, specs)) = positionals.split_first() else {
            continue;
        };
        if !matches!(verb, "install" | "i" | "add") {
            continue;
        }
        let packages: Vec<String> = specs
            .iter()
            .filter_map(|s| package_of_spec(s))
            .map(str::to_string)
            .collect();
        if packages.is_empty() {
            continue;
        }
        let dir = dir.unwrap_or_else(|| cwd.to_string());
        if dir.contains('$') || dir.starts_with('/') || dir.split('/').any(|p| p == "..") {
            continue;
        }
        let dir = dir
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string();
        out.push(AdHocInstall {
            dir: if dir == "." { String::new() } else { dir },
            packages,
            span,
        });
    }
    out
}

pub fn parse(path: &str, text: &str) -> Result<Workflow, ParseError> {
    let root = yaml::parse(text)?;
    let mut builds = Vec::new();
    let mut installs = Vec::new();
    if let Some(jobs) = root.get("jobs") {
        for (_, _, job) in jobs.entries() {
            for step in job.get("steps").map(YamlNode::items).unwrap_or(&[]) {
                if let Some(uses) = step.get("uses").and_then(YamlNode::as_str)
                    && uses
                        .split('@')
                        .next()
                        .is_some_and(|a| a.ends_with("/build-push-action"))
                {
                    let with = step.get("with");
                    let value = |key: &str| {
                        with.and_then(|w| w.get(key))
                            .and_then(YamlNode::as_str)
                            .map(str::to_string)
                    };
                    let known = |v: Option<String>| v.filter(|v| !v.contains("${{"));
                    let context = value("context");
                    builds.push(ImageBuild {
                        // The action's default context is the Git checkout: the root.
                        context: match &context {
                            None => Some(".".to_string()),
                            Some(_) => known(context.clone()),
                        },
                        dockerfile: known(value("file")),
                        target: known(value("target")),
                        tags: tag_names(
                            value("tags")
                                .unwrap_or_default()
                                .split(['\n', ','])
                                .collect::<Vec<_>>()
                                .into_iter(),
                        ),
                        span: step.span,
                    });
                }
                if let Some(run) = step.get("run").and_then(YamlNode::as_str) {
                    builds.extend(docker_builds(run, step.span));
                    let cwd = step
                        .get("working-directory")
                        .or_else(|| {
                            job.get("defaults")
                                .and_then(|d| d.get("run"))
                                .and_then(|r| r.get("working-directory"))
                        })
                        .and_then(YamlNode::as_str)
                        .unwrap_or("");
                    installs.extend(adhoc_installs(run, cwd, step.span));
                }
            }
        }
    }
    Ok(Workflow {
        path: path.to_string(),
        builds,
        installs,
    })
}

/// `docker build -f X CTX`, `docker buildx build --file X --target t CTX` in shell text.
pub fn docker_builds(script: &str, span: Span) -> Vec<ImageBuild> {
    let mut out = Vec::new();
    // Most scripts build no image: they are not split into commands at all.
    if !script.contains("docker") && !script.contains("podman") {
        return out;
    }
    for command in crate::parse::shell::commands(script) {
        let words = &command.words;
        let start = match (
            words.first().map(String::as_str),
            words.get(1).map(String::as_str),
            words.get(2).map(String::as_str),
        ) {
            (Some("docker" | "podman"), Some("build"), _) => 2,
            (Some("docker"), Some("buildx" | "image"), Some("build")) => 3,
            _ => continue,
        };
        let mut dockerfile = None;
        let mut target = None;
        let mut context = None;
        let mut tags: Vec<String> = Vec::new();
        let mut i = start;
        while i < words.len() {
            let w = &words[i];
            let (name, inline) = match w.split_once('=') {
                Some((n, v)) if n.starts_with('-') => (n, Some(v.to_string())),
                _ => (w.as_str(), None),
            };
            let takes_value = matches!(
                name,
                "-f" | "--file"
                    | "-t"
                    | "--tag"
                    | "--target"
                    | "--build-arg"
                    | "--platform"
                    | "--cache-from"
                    | "--cache-to"
                    | "--label"
                    | "--secret"
                    | "--ssh"
                    | "--output"
                    | "-o"
                    | "--progress"
                    | "--builder"
                    | "--network"
                    | "--build-context"
                    | "--iidfile"
                    | "--metadata-file"
                    | "--attest"
                    | "--provenance"
                    | "--sbom"
                    | "--shm-size"
                    | "--ulimit"
                    | "--add-host"
                    | "--allow"
                    | "--annotation"
                    | "--call"
                    | "--memory"
                    | "-m"
            );
            if w == "-" {
                context = Some(w.clone());
            } else if name.starts_with('-') {
                let value = if takes_value && inline.is_none() {
                    i += 1;
                    words.get(i).cloned()
                } else {
                    inline
                };
                match name {
                    "-f" | "--file" => dockerfile = value,
                    "--target" => target = value,
                    "-t" | "--tag" => tags.extend(value),
                    _ => {}
                }
            } else if context.is_none() {
                context = Some(w.clone());
            }
            i += 1;
        }
        let unknown = |v: &Option<String>| v.as_ref().is_some_and(|v| v.contains('$'));
        if context.as_deref() == Some("-") {
            // The context is a tar stream on stdin: nothing in the repository to check.
            continue;
        }
        out.push(ImageBuild {
            context: if unknown(&context) { None } else { context },
            dockerfile: if unknown(&dockerfile) {
                None
            } else {
                dockerfile
            },
            target: if unknown(&target) { None } else { target },
            tags: tag_names(tags.iter().map(String::as_str)),
            span,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_build_push_action_and_docker_build_steps() -> Result<(), ParseError> {
        let text = "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          file: apps/api/Dockerfile\n          target: runner\n      - uses: useblacksmith/build-push-action@v1\n        with:\n          context: ${{ matrix.dir }}\n      - run: |\n          docker buildx build --platform linux/amd64 -f apps/web/Dockerfile -t web:1 apps/web\n          docker build - < Dockerfile\n";
        let w = parse(".github/workflows/ci.yml", text)?;
        assert_eq!(w.builds.len(), 3, "{:?}", w.builds);
        assert_eq!(w.builds[0].context.as_deref(), Some("."));
        assert_eq!(
            w.builds[0].dockerfile.as_deref(),
            Some("apps/api/Dockerfile")
        );
        assert_eq!(w.builds[0].target.as_deref(), Some("runner"));
        assert_eq!(w.builds[1].context, None);
        assert_eq!(w.builds[2].tags, ["web"]);
        assert_eq!(w.builds[2].context.as_deref(), Some("apps/web"));
        assert_eq!(
            w.builds[2].dockerfile.as_deref(),
            Some("apps/web/Dockerfile")
        );
        Ok(())
    }
}
