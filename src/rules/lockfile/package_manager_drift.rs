use std::ops::RangeInclusive;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::commands::Manager;
use crate::model::{Model, PackageManager, Workspace};
use crate::parse::lockfile::Lockfile;
use crate::paths;
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};
use crate::source::Span;

use crate::model::frozen::declared_major;
use crate::semver::{intersects as semver_intersects, satisfies as semver_satisfies};

declare_rule! {
    /// ## What it does
    /// Compares the major version of the package manager an install root uses, as four places
    /// state it: `packageManager` in the root package.json, the lockfile format (pnpm lockfile
    /// v9 is written by pnpm 9 and later, v6 by pnpm 7–8, v5.4 by pnpm 7; yarn berry's
    /// `__metadata.version` 4, 6 and 8 by yarn 2, 3 and 4; package-lock v1 by npm 5–6),
    /// `engines.<manager>`, and the version Dockerfiles of its packages activate
    /// (`corepack prepare pnpm@8.15.0 --activate`, `npm install -g pnpm@8`). Each place that
    /// disagrees with `packageManager` (or, without one, with the lockfile) is reported.
    ///
    /// ## Why is this bad?
    /// A pnpm 9 frozen install refuses a v5 lockfile; a pnpm 8 image cannot read the v9
    /// lockfile a developer's pnpm 9 wrote; yarn 4 rewrites a yarn 3 lockfile. Services that
    /// build with different majors ("pnpm 8.x and 9.x across services") resolve different trees
    /// from the same lockfile, or fail outright in Docker while working on laptops.
    ///
    /// ## Example
    /// ```text
    /// package.json            "packageManager": "pnpm@9.12.0"
    /// apps/api/Dockerfile     RUN corepack prepare pnpm@8.15.4 --activate
    /// ```
    ///
    /// ## Use instead
    /// Pick one version, state it in `packageManager`, and let Dockerfiles use it through
    /// `corepack enable` (which reads `packageManager`) instead of pinning their own.
    pub struct PackageManagerDrift {
        id: "lockfile/package-manager-drift",
        category: Lockfile,
        severity: Warning,
        scope: Repository,
        inputs: [FileKind::PackageJson, FileKind::Dockerfile],
        summary: "the package manager's major version differs between `packageManager`, the lockfile, `engines` and Dockerfiles",
    }
}

/// The majors that write a lockfile of this format, and how to say so.
fn lockfile_majors(
    lockfile: &Lockfile,
) -> Option<(PackageManager, RangeInclusive<u32>, String, u32)> {
    match lockfile {
        Lockfile::Pnpm(l) => {
            let majors = match l.version.as_str() {
                v if v.starts_with("9.") => 9..=u32::MAX,
                "6.0" | "6.1" => 7..=8,
                "5.4" => 7..=7,
                "5.3" => 6..=6,
                _ => return None,
            };
            Some((
                PackageManager::Pnpm,
                majors,
                format!("lockfile v{}", l.version),
                l.version_line,
            ))
        }
        Lockfile::Npm(l) if l.lockfile_version == 1 => Some((
            PackageManager::Npm,
            5..=6,
            "lockfileVersion 1".to_string(),
            l.version_line,
        )),
        Lockfile::Npm(_) => None,
        // Every bun.lock version is written by Bun 1.x.
        Lockfile::Bun(_) => None,
        Lockfile::Yarn(l) => {
            let major = l.yarn_major()?;
            if l.berry && !matches!(l.metadata_version.as_deref(), Some("4" | "6" | "8")) {
                return None;
            }
            let what = match &l.metadata_version {
                Some(v) => format!("`__metadata.version` {v}"),
                None => "the v1 format".to_string(),
            };
            Some((
                PackageManager::Yarn,
                major..=major,
                what,
                l.metadata_line.max(1),
            ))
        }
    }
}

fn describe(range: &RangeInclusive<u32>) -> String {
    if *range.end() == u32::MAX {
        format!("{} or later", range.start())
    } else if range.start() == range.end() {
        range.start().to_string()
    } else {
        format!("{}–{}", range.start(), range.end())
    }
}

/// The package managers a Dockerfile activates at a literal version, with the line: from
/// the Docker model's install facts (`corepack prepare pnpm@8.15.4 --activate`, `corepack use
/// yarn@4`, `npm i -g pnpm@8`).
fn activations(model: &Model, dockerfile: usize) -> Vec<(PackageManager, String, u32)> {
    let Some(build) = model
        .docker
        .builds
        .iter()
        .find(|b| b.dockerfile == dockerfile)
    else {
        return Vec::new();
    };
    let Some(df) = model.dockerfiles.get(dockerfile) else {
        return Vec::new();
    };
    let mut out: Vec<(PackageManager, String, u32)> = Vec::new();
    for stage in &build.stages {
        for (instruction, manager, version) in &stage.activations {
            let manager = match manager {
                Manager::Pnpm => PackageManager::Pnpm,
                Manager::Yarn => PackageManager::Yarn,
                Manager::Npm => PackageManager::Npm,
                Manager::Bun => continue,
            };
            if !version.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                continue;
            }
            let line = df.instructions.get(*instruction).map_or(1, |i| i.line);
            if !out
                .iter()
                .any(|(m, v, l)| *m == manager && v == version && *l == line)
            {
                out.push((manager, version.clone(), line));
            }
        }
    }
    out
}

fn major_of(version: &str) -> Option<u32> {
    version.split(['.', '+', '-']).next()?.parse().ok()
}

impl Rule for PackageManagerDrift {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for workspace in &cx.model.workspaces {
            check_root(cx.model, workspace, out);
        }
    }
}

fn check_root(model: &Model, workspace: &Workspace, out: &mut Vec<Finding>) {
    let Some(manager) = workspace.package_manager else {
        return;
    };
    let root = workspace.package.map(|i| &model.packages[i]);
    let declared = workspace
        .package_manager_version
        .as_deref()
        .and_then(|d| d.split_once('@'))
        .map(|(_, v)| v.split('+').next().unwrap_or(v).to_string());
    let declared_major = declared_major(workspace);
    let lock = model
        .lock_for(workspace)
        .and_then(|l| Some((l, lockfile_majors(&l.file)?)))
        .filter(|(_, (m, ..))| *m == manager);
    let name = manager.as_str();
    let where_ = paths::display_dir(&workspace.dir);
    let key = |what: &str| format!("{}:{what}", workspace.dir);
    let pm_span = root
        .and_then(|r| r.manifest.package_manager.as_ref())
        .map_or(Span::point(1, 1), |p| p.span);
    let decl_text = workspace
        .package_manager_version
        .clone()
        .unwrap_or_default();

    // 1. packageManager against the lockfile format.
    if let (Some(major), Some((lock, (_, majors, what, line)))) = (declared_major, &lock)
        && !majors.contains(&major)
    {
        out.push(
            FindingBuilder::new(
                &PackageManagerDrift::META,
                lock.path(),
                Span::point((*line).max(1), 1),
                key("lockfile"),
                format!(
                    "{} is {what}, written by {name} {}, but `packageManager` in {where_} is `{decl_text}`",
                    paths::file_name(lock.path()),
                    describe(majors)
                ),
            )
            .help(format!("regenerate {} with {name} {major} (`{name} install`), or set `packageManager` to the version that wrote it", paths::file_name(lock.path())))
            .build(),
        );
    }

    // 2. engines.<manager> against packageManager (or the lockfile).
    if let Some(root) = root
        && let Some(range) = root.manifest.engines.get(name)
    {
        let conflict = match (&declared, &lock) {
            (Some(version), _) => semver_satisfies(version, range) == Some(false),
            (None, Some((_, (_, majors, ..)))) => {
                let span = if *majors.end() == u32::MAX {
                    format!(">={}", majors.start())
                } else {
                    format!(">={} <{}", majors.start(), majors.end() + 1)
                };
                semver_intersects(range, &span) == Some(false)
            }
            _ => false,
        };
        if conflict {
            let stated = match (&declared, &lock) {
                (Some(_), _) => format!("`packageManager` is `{decl_text}`"),
                (None, Some((lock, (_, majors, what, _)))) => {
                    format!(
                        "{} is {what} ({name} {})",
                        paths::file_name(lock.path()),
                        describe(majors)
                    )
                }
                _ => String::new(),
            };
            out.push(
                FindingBuilder::new(
                    &PackageManagerDrift::META,
                    &root.manifest.path,
                    pm_span,
                    key("engines"),
                    format!("`engines.{name}` is `{range}` but {stated}"),
                )
                .help(format!(
                    "make `engines.{name}` admit the version the repository uses"
                ))
                .package(root)
                .build(),
            );
        }
    }

    // 3. Dockerfiles of this root's packages against packageManager (or the lockfile).
    let expected: Option<(RangeInclusive<u32>, String)> = match (declared_major, &lock) {
        (Some(major), _) => Some((
            major..=major,
            format!("`packageManager` in {where_} is `{decl_text}`"),
        )),
        (None, Some((lock, (_, majors, what, _)))) => Some((
            majors.clone(),
            format!(
                "{} is {what} ({name} {})",
                paths::file_name(lock.path()),
                describe(majors)
            ),
        )),
        _ => None,
    };
    let Some((expected, stated)) = expected else {
        return;
    };
    for (index, dockerfile) in model.dockerfiles.iter().enumerate() {
        let owner = model.owner_of(&dockerfile.path).map(|i| &model.packages[i]);
        let in_root = match owner {
            Some(p) => p
                .workspace
                .is_some_and(|w| model.workspaces[w].dir == workspace.dir),
            None => paths::is_within(&dockerfile.path, &workspace.dir),
        };
        if !in_root {
            continue;
        }
        for (activated, version, line) in activations(model, index) {
            let Some(major) = major_of(&version).filter(|_| activated == manager) else {
                continue;
            };
            if expected.contains(&major) {
                continue;
            }
            let mut builder = FindingBuilder::new(
                &PackageManagerDrift::META,
                &dockerfile.path,
                Span::point(line, 1),
                format!("{}:{name}@{major}", dockerfile.path),
                format!(
                    "{} activates {name} {major} (`{name}@{version}`) but {stated}",
                    dockerfile.path
                ),
            )
            .help(format!(
                "use `corepack enable` and let `packageManager` choose, or activate {name} {} here",
                describe(&expected)
            ));
            if let Some(owner) = owner {
                builder = builder.package(owner);
            }
            out.push(builder.build());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lockfile::fixtures::{declaring, derived};
    use crate::rules::testing::{Repo, Vectors, case, places};

    /// pnpm-docker-activates-pnpm8 with its Dockerfile's activation line replaced.
    fn docker_activating(line: &str) -> Repo {
        derived(
            "pnpm-docker-activates-pnpm8",
            &[(
                "services/auth/Dockerfile",
                "RUN corepack enable && corepack prepare pnpm@8.15.4 --activate",
                line,
            )],
        )
    }

    /// pnpm-outdated-lockfile-prom-client (`packageManager` pnpm@9.15.9) with `engines`.
    fn pnpm_engines(range: &str) -> Repo {
        derived(
            "pnpm-outdated-lockfile-prom-client",
            &[(
                "package.json",
                r#""packageManager": "pnpm@9.15.9","#,
                &format!(
                    r#""packageManager": "pnpm@9.15.9",
  "engines": {{ "pnpm": "{range}" }},"#
                ),
            )],
        )
    }

    /// yarn-v1-frozen-new-dependency (yarn.lock by yarn 1.22.22) declaring a `packageManager`.
    fn yarn_v1_declaring(package_manager: &str) -> Repo {
        declaring("yarn-v1-frozen-new-dependency", package_manager)
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a Dockerfile activates pnpm 8 where `packageManager` is pnpm 9",
                    Repo::fixture("pnpm-docker-activates-pnpm8"),
                ),
                case(
                    "a Dockerfile installs pnpm 8 globally with npm, no lockfile yet",
                    Repo::new()
                        .file(
                            "package.json",
                            r#"{ "name": "acme", "private": true, "packageManager": "pnpm@9.12.0" }"#,
                        )
                        .file("pnpm-workspace.yaml", "packages:\n  - 'apps/*'\n")
                        .file(
                            "apps/api/package.json",
                            r#"{ "name": "@acme/api", "version": "1.0.0", "scripts": { "start": "node main.js" } }"#,
                        )
                        .file(
                            "apps/api/Dockerfile",
                            "FROM node:20-bookworm\nWORKDIR /app\nRUN npm install -g pnpm@8.15.4\nCOPY . .\nRUN pnpm install --frozen-lockfile\nCMD [\"node\", \"apps/api/main.js\"]\n",
                        ),
                ),
                case(
                    "`packageManager` pnpm 8 over the lockfile v9.0 pnpm 9 wrote",
                    derived(
                        "pnpm-in-sync-catalog-overrides",
                        &[("package.json", "pnpm@9.15.9", "pnpm@8.15.4")],
                    ),
                ),
                case(
                    "`packageManager` yarn 4 over the v1 yarn.lock yarn 1 wrote",
                    yarn_v1_declaring("yarn@4.9.1"),
                ),
                case(
                    "`engines.pnpm` excludes the `packageManager` version",
                    pnpm_engines(">=10"),
                ),
            ],
            quiet: vec![
                case(
                    "`corepack enable` alone follows `packageManager`",
                    Repo::fixture("pnpm-outdated-lockfile-prom-client"),
                ),
                case(
                    "a Dockerfile activates the major `packageManager` names",
                    docker_activating("RUN corepack enable && corepack prepare pnpm@9.15.9 --activate"),
                ),
                case(
                    "a version from a build argument is not judged",
                    docker_activating(
                        "ARG PNPM_VERSION\nRUN corepack enable && corepack prepare pnpm@$PNPM_VERSION --activate",
                    ),
                ),
                case(
                    "without `packageManager`, pnpm 10 reads the lockfile v9.0",
                    derived(
                        "pnpm-docker-activates-pnpm8",
                        &[
                            ("package.json", "\n  \"packageManager\": \"pnpm@9.15.9\",", ""),
                            (
                                "services/auth/Dockerfile",
                                "corepack prepare pnpm@8.15.4",
                                "corepack prepare pnpm@10.12.1",
                            ),
                        ],
                    ),
                ),
                case("`engines.pnpm` admits the `packageManager` version", pnpm_engines(">=9")),
                case(
                    "`packageManager` yarn 1 over a v1 yarn.lock",
                    yarn_v1_declaring("yarn@1.22.22"),
                ),
                case(
                    "`packageManager` yarn 4 over the berry yarn.lock yarn 4 wrote",
                    Repo::fixture("yarn-berry-dependency-moved-to-dev"),
                ),
            ],
        }
    }

    #[test]
    fn the_dockerfile_line_that_activates_another_major_is_reported() {
        let found =
            places(&Repo::fixture("pnpm-docker-activates-pnpm8").check(&PackageManagerDrift));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].0, "services/auth/Dockerfile:4");
        assert!(found[0].1.contains("pnpm 8") && found[0].1.contains("pnpm@9.15.9"));
        // `corepack enable` alone follows packageManager.
        assert!(
            Repo::fixture("pnpm-outdated-lockfile-prom-client")
                .check(&PackageManagerDrift)
                .is_empty()
        );
    }

    #[test]
    fn reads_activations_from_the_install_facts() {
        let of = |run: &str| {
            let model = Repo::new()
                .file("package.json", r#"{ "name": "acme" }"#)
                .file(
                    "Dockerfile",
                    &format!("FROM node:20\nARG PNPM=9.1.0\nARG UNSET\n{run}\n"),
                )
                .model();
            activations(&model, 0)
                .into_iter()
                .map(|(m, v, _)| (m, v))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            of("RUN corepack enable && corepack prepare pnpm@8.15.4 --activate"),
            vec![(PackageManager::Pnpm, "8.15.4".to_string())]
        );
        assert_eq!(
            of("RUN npm install -g pnpm@9"),
            vec![(PackageManager::Pnpm, "9".to_string())]
        );
        // An ARG's default is the version unless the build passes another one.
        assert_eq!(
            of("RUN corepack prepare pnpm@$PNPM --activate"),
            vec![(PackageManager::Pnpm, "9.1.0".to_string())]
        );
        assert!(of("RUN npm install pnpm@9").is_empty());
        assert!(of("RUN corepack prepare pnpm@$UNSET --activate").is_empty());
        assert!(of("RUN corepack enable").is_empty());
    }
}
