//! What the `deps/` rules share: who declares a package, how to phrase the fix, and the
//! Dockerfile facts that escalate a dependency problem (production-only or isolated installs).

use std::collections::BTreeMap;

use crate::data::bundlers::{BUNDLERS, BUNDLING_EXECUTORS, LIBRARY_EXECUTORS};
use crate::data::{self, provided_by_runtime::PROVIDED_BY_RUNTIME};
use crate::model::docker::commands::{Tri, Verb};
use crate::model::docker::{Build, Entry, InstallAt};
use crate::model::{Model, Package, PackageManager};
use crate::model::{ResolvedImport, Source, SourceClass, Target};
use crate::parse::lockfile::Lockfile;
use crate::parse::package_json::{DepKind, Dependency};
use crate::paths;

/// Every declaration of `name` in `package` (any field; an npm alias is declared by its key).
pub(crate) fn declaration<'a>(package: &'a Package, name: &str) -> Option<&'a Dependency> {
    package.declared(name).next()
}

/// The nearest ancestor package.json (above `package`) that declares `name`.
pub(crate) fn ancestor_declaring<'a>(
    model: &'a Model,
    package: &Package,
    name: &str,
) -> Option<(&'a Package, &'a Dependency)> {
    if package.dir.is_empty() {
        return None;
    }
    paths::ancestors(&format!("{}/package.json", package.dir))
        .skip(1)
        .filter_map(|dir| model.package_at(dir))
        .find_map(|p| declaration(p, name).map(|d| (p, d)))
}

/// A range another workspace already uses for `name`, so the fix keeps them aligned.
pub(crate) fn sibling_range(model: &Model, package: &Package, name: &str) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for other in model.packages.iter().filter(|p| p.dir != package.dir) {
        for dep in other.declared(name).filter(|d| d.kind != DepKind::Peer) {
            *counts.entry(dep.spec.as_str()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(s, _)| s.to_string())
}

/// The version of `name` the package's lockfile already holds (the highest, if several):
/// what the import resolves to today through hoisting.
pub(crate) fn locked_version(
    model: &Model,
    package: &Package,
    name: &str,
) -> Option<(String, String)> {
    let lock = model.lock_of(package)?;
    lock.nodes()
        .iter()
        .filter(|n| n.name == name)
        .filter_map(|n| Some((crate::semver::version(&n.version)?, n.version.clone())))
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, v)| (v, lock.path().to_string()))
}

/// The fix for a missing declaration: the exact line with a version from the lockfile, else
/// with the range a sibling workspace uses, else the package manager's command.
pub(crate) fn add_dependency_help(
    model: &Model,
    package: &Package,
    name: &str,
    field: DepKind,
) -> String {
    if let Some((version, lockfile)) = locked_version(model, package, name) {
        return format!(
            "add \"{name}\": \"^{version}\" to {} {} ({version} is the version {lockfile} holds)",
            package.manifest.path,
            field.field()
        );
    }
    if let Some(range) = sibling_range(model, package, name) {
        return format!(
            "add \"{name}\": \"{range}\" to {} {}",
            package.manifest.path,
            field.field()
        );
    }
    let dev = field == DepKind::Dev;
    let manager = package
        .workspace
        .and_then(|w| model.workspaces[w].package_manager);
    let is_member = package
        .workspace
        .is_some_and(|w| model.workspaces[w].dir != package.dir);
    let dir = paths::display_dir(&package.dir);
    let pkg_name = package.name();
    let command = match (manager, is_member) {
        (Some(PackageManager::Pnpm), true) => format!(
            "pnpm add {}{name} --filter {pkg_name}",
            if dev { "-D " } else { "" }
        ),
        (Some(PackageManager::Yarn), true) => format!(
            "yarn workspace {pkg_name} add {}{name}",
            if dev { "-D " } else { "" }
        ),
        (Some(PackageManager::Pnpm), false) => {
            format!("pnpm add {}{name}", if dev { "-D " } else { "" })
        }
        (Some(PackageManager::Yarn), false) => {
            format!("yarn add {}{name}", if dev { "-D " } else { "" })
        }
        (Some(PackageManager::Bun), _) => {
            format!("cd {dir} && bun add {}{name}", if dev { "-d " } else { "" })
        }
        (_, true) => format!(
            "npm install {name} -w {dir}{}",
            if dev { " --save-dev" } else { "" }
        ),
        (_, false) => format!("npm install {name}{}", if dev { " --save-dev" } else { "" }),
    };
    format!(
        "add it to {} {}: `{command}`",
        package.manifest.path,
        field.field()
    )
}

/// Whether a package's build bundles its dependencies (a frontend, a bundled service): a
/// build/dev/start/serve/preview script runs a bundler, or its Nx `project.json` (or an
/// `angular.json` project rooted at it) has a target with a bundling executor, or it is a
/// private library that ng-packagr packages for the repository's own apps.
pub(crate) fn is_bundled(model: &Model, package: &Package) -> bool {
    // Rules ask per import site: computed once per package.
    let all = model
        .bundled
        .get_or_init(|| model.packages.iter().map(|p| bundles(model, p)).collect());
    match model.package_index_at(&package.dir) {
        Some(i) if std::ptr::eq(&model.packages[i], package) => all[i],
        _ => bundles(model, package),
    }
}

fn bundles(model: &Model, package: &Package) -> bool {
    let by_script = package
        .manifest
        .scripts
        .iter()
        .filter(|s| {
            ["build", "dev", "start", "serve", "preview"]
                .iter()
                .any(|p| s.name.starts_with(p))
        })
        .any(|s| {
            let command = format!("{} ", s.command);
            data::names(BUNDLERS).any(|b| command.contains(b))
        });
    let project_json = match package.dir.as_str() {
        "" => "project.json".to_string(),
        dir => format!("{dir}/project.json"),
    };
    // `config_refs` is sorted by path: one binary search, not a scan per import site.
    by_script
        || model
            .config_refs
            .binary_search_by(|r| r.path.as_str().cmp(&project_json))
            .ok()
            .and_then(|i| model.config_refs.get(i))
            .is_some_and(|r| {
                r.executors.iter().any(|e| {
                    data::contains(BUNDLING_EXECUTORS, &e.executor)
                        || (package.manifest.private
                            && data::contains(LIBRARY_EXECUTORS, &e.executor))
                })
            })
}

/// The builds of the Dockerfiles of `package`'s services.
fn service_builds<'a>(model: &'a Model, package: &Package) -> Vec<&'a Build> {
    let Some(index) = model.package_index_at(&package.dir) else {
        return Vec::new();
    };
    let dockerfiles: std::collections::BTreeSet<&str> = model
        .services
        .iter()
        .filter(|s| s.package == Some(index))
        .filter_map(|s| s.dockerfile.as_deref())
        .collect();
    model
        .docker
        .builds
        .iter()
        .filter(|b| {
            model
                .dockerfiles
                .get(b.dockerfile)
                .is_some_and(|d| dockerfiles.contains(d.path.as_str()))
        })
        .collect()
}

/// The first install in the shipped stages of `package`'s images that `pick` accepts, as
/// (Dockerfile, line).
fn shipped_install(
    model: &Model,
    package: &Package,
    pick: impl Fn(&Build, &InstallAt) -> bool,
) -> Option<(String, u32)> {
    for build in service_builds(model, package) {
        let df = model.dockerfiles.get(build.dockerfile)?;
        for s in build.shipped_lineage() {
            for install in &build.stages[s].installs {
                if pick(build, install) {
                    let line = df
                        .instructions
                        .get(install.instruction)
                        .map_or(1, |i| i.line);
                    return Some((df.path.clone(), line));
                }
            }
        }
    }
    None
}

/// An install in the image that leaves devDependencies out (`npm ci --omit=dev`, `pnpm
/// install --prod`, `NODE_ENV=production npm ci`, `pnpm deploy --prod`, …), read from the
/// Dockerfile's install facts; `npm ci --production=false` is not one.
pub(crate) fn prod_only_install(model: &Model, package: &Package) -> Option<(String, u32)> {
    shipped_install(model, package, |_, i| {
        i.install.production == Tri::Yes
            && (i.install.installs_tree() || i.install.verb == Verb::Prune)
    })
}

/// An install of one workspace on its own (`pnpm deploy`, `yarn workspaces focus`, an install
/// of `turbo prune` output), where nothing the root declares is hoisted for it.
pub(crate) fn isolated_install(model: &Model, package: &Package) -> Option<(String, u32)> {
    shipped_install(model, package, |build, i| {
        matches!(i.install.verb, Verb::Deploy { .. } | Verb::Focus)
            || build.stages.iter().any(|stage| {
                stage
                    .entries
                    .iter()
                    .any(|e| matches!(e.entry, Entry::Pruned { .. }))
            }) && i.install.installs_tree()
    })
}

/// Import sites grouped by (package index, key), in path order, so a rule reports once per
/// package and dependency with the other sites as related locations.
pub(crate) type Sites<'a> = BTreeMap<(usize, String), Vec<(&'a Source, &'a ResolvedImport)>>;

pub(crate) fn group_sites<'a>(
    model: &'a Model,
    mut select: impl FnMut(&'a Source, &'a ResolvedImport) -> Option<String>,
) -> Sites<'a> {
    let mut sites: Sites<'a> = BTreeMap::new();
    // Templates, fixtures and examples import for the project they will be copied into.
    for source in model
        .sources
        .iter()
        .filter(|s| s.class != SourceClass::Fixture)
    {
        let Some(package) = source.package else {
            continue;
        };
        // A require()/import() in a try block is optional by design (enterprise modules).
        for import in source.imports.iter().filter(|i| !i.import.guarded) {
            if let Some(key) = select(source, import) {
                sites
                    .entry((package, key))
                    .or_default()
                    .push((source, import));
            }
        }
    }
    sites
}

/// Whether `name` is installed by name where the file at `path` runs: a workflow step's `npm
/// --prefix dir install name` (or `npm install name` in its `working-directory`) for the
/// scripts of that folder, or a Dockerfile's `npm install -g name` in a stage the file is
/// copied into (teable's migration image installs `zx` and `@httpx/dsn-parser` for the one
/// script it runs). A folder's install covers the files that no nearer manifest owns.
pub(crate) fn installed_ad_hoc(model: &Model, path: &str, name: &str) -> bool {
    let owner_dir = model.owner_of(path).map(|i| model.packages[i].dir.as_str());
    let by_workflow = model
        .workflows
        .iter()
        .flat_map(|w| &w.installs)
        .any(|install| {
            install.packages.iter().any(|p| p == name)
                && paths::is_within(path, &install.dir)
                && owner_dir.is_none_or(|owner| paths::is_within(&install.dir, owner))
        });
    by_workflow
        || model
            .docker
            .builds
            .iter()
            .flat_map(|b| &b.stages)
            .any(|stage| {
                stage.added.iter().any(|(_, p)| p == name)
                    && stage.entries.iter().any(|e| match &e.entry {
                        Entry::Context { path: copied, dir } => {
                            path == copied || (*dir && paths::is_within(path, copied))
                        }
                        _ => false,
                    })
            })
}

/// "and 3 more files" for a group of import sites.
pub(crate) fn more_sites(sites: &[(&Source, &ResolvedImport)]) -> String {
    let files: std::collections::BTreeSet<&str> =
        sites.iter().map(|(s, _)| s.path.as_str()).collect();
    match files.len() {
        0 | 1 => String::new(),
        n => format!(
            " (and {} other file{})",
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    }
}

/// Is this a package import from a file whose class matters at `runtime_only`?
pub(crate) fn package_target(import: &ResolvedImport) -> Option<&str> {
    match &import.target {
        Target::Package(name) => Some(name),
        _ => None,
    }
}

pub(crate) fn class_label(class: SourceClass) -> &'static str {
    match class {
        SourceClass::Runtime => "runtime code",
        SourceClass::Test => "a test",
        SourceClass::DevConfig => "a dev-tool config",
        SourceClass::Script => "a script",
        SourceClass::Declaration => "a type declaration",
        SourceClass::Fixture => "a template or fixture",
    }
}

pub(crate) fn provided_by_runtime(name: &str) -> bool {
    data::contains(PROVIDED_BY_RUNTIME, name)
}

/// How `package` should declare the workspace package `target`: pnpm and bun understand the
/// `workspace:` protocol; npm rejects it (EUNSUPPORTEDPROTOCOL), so name the version there.
pub(crate) fn workspace_spec(model: &Model, package: &Package, target: &Package) -> String {
    let manager = package
        .workspace
        .and_then(|w| model.workspaces[w].package_manager);
    match manager {
        Some(PackageManager::Pnpm | PackageManager::Bun) => "workspace:*".to_string(),
        _ => target
            .manifest
            .version
            .as_ref()
            .map_or_else(|| "*".to_string(), |v| format!("^{v}")),
    }
}

/// Whether the package's install root is an Nx workspace (`nx.json` beside its package.json).
pub(crate) fn uses_nx(model: &Model, package: &Package) -> bool {
    package.workspace.is_some_and(|w| {
        let dir = &model.workspaces[w].dir;
        model.files.is_file(&if dir.is_empty() {
            "nx.json".to_string()
        } else {
            format!("{dir}/nx.json")
        })
    })
}

/// Whether a runtime-class file is part of what the package ships: anything in a folder of
/// the package, and files at its top level only when `main`/`module`/`bin`/`exports` or a
/// start script names them (a top-level `check-ee.mjs` or `type-check.mjs` is a dev script).
pub(crate) fn is_shipped(package: &Package, path: &str) -> bool {
    let Some(rel) = paths::strip_dir(path, &package.dir) else {
        return false;
    };
    if rel.contains('/') {
        return true;
    }
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    let m = &package.manifest;
    let entries = [&m.main, &m.module]
        .into_iter()
        .flatten()
        .map(|e| e.value.as_str());
    let named = |text: &str| {
        text.contains(rel)
            || text
                .split(['/', '.', ' ', '"'])
                .any(|w| w == stem && !stem.is_empty())
    };
    entries.clone().any(named)
        || m.exports.as_ref().is_some_and(|e| named(&e.to_string()))
        || m.scripts
            .iter()
            .filter(|s| s.name.starts_with("start") || s.name == "serve")
            .any(|s| named(&s.command))
        || (m.main.is_none() && stem == "index")
}

/// The fixture `pnpm-undeclared-prom-client` as every `deps/` rule's tests read it.
#[cfg(test)]
pub(crate) mod incident {
    use crate::finding::Finding;
    use crate::rules::Rule;
    use crate::rules::testing::Repo;

    /// Import lines of the fixture that rules.md's precision contract says no `deps/` rule may
    /// flag.
    pub(crate) const NEVER_FLAGGED: &[&str] = &[
        // builtins with and without node:, `.js` → `.ts`, JSON imports, `import x = require()`,
        // tsconfig paths, `#imports`, gitignored generated code, npm aliases, a dynamic import
        // with a variable, type-only and type-position-only imports of devDependencies.
        "services/auth/src/main.ts:2",
        "services/auth/src/main.ts:3",
        "services/auth/src/main.ts:4",
        "services/auth/src/main.ts:5",
        "services/auth/src/main.ts:6",
        "services/auth/src/main.ts:7",
        "services/auth/src/main.ts:8",
        "services/auth/src/main.ts:9",
        "services/auth/src/main.ts:11",
        "services/auth/src/main.ts:13",
        "services/auth/src/main.ts:16",
        "services/auth/src/app.module.ts:2",
        "services/auth/src/app.module.ts:3",
        // a require() in try/catch is optional by design
        "services/auth/src/optional.ts:3",
        // `@/x` and `~/x` tsconfig aliases
        "services/auth/src/aliases.ts:1",
        "services/auth/src/aliases.ts:2",
        // tests and dev-tool configs importing devDependencies
        "services/auth/test/app.e2e.ts:1",
        "services/auth/jest.config.ts:1",
    ];

    /// The rule's findings on the fixture as (severity, path:line), after checking that none
    /// of them is on a line of `NEVER_FLAGGED`.
    pub(crate) fn check(rule: &dyn Rule) -> Vec<(String, String)> {
        let found = Repo::fixture("pnpm-undeclared-prom-client").check(rule);
        let at = |f: &Finding| format!("{}:{}", f.location.path, f.location.line);
        for line in NEVER_FLAGGED {
            assert!(
                !found.iter().any(|f| at(f) == *line),
                "{line} must not be flagged by {}: {found:#?}",
                rule.meta().id
            );
        }
        found
            .iter()
            .map(|f| (f.severity.as_str().to_string(), at(f)))
            .collect()
    }
}

/// How the package manager of a package's install root lays out `node_modules`: whether a
/// dependency one workspace declares is visible to its siblings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Hoisted to a shared `node_modules` (npm, Yarn 1, Bun, pnpm `node-linker=hoisted`,
    /// Yarn 2+ `nodeLinker: node-modules`): siblings' dependencies resolve by accident.
    Hoisted(&'static str),
    /// Each workspace sees only what it declares (pnpm's default, Yarn PnP); the reason.
    Isolated(&'static str),
}

pub(crate) fn layout(model: &Model, package: &Package) -> Layout {
    let workspace = package.workspace.and_then(|w| model.workspaces.get(w));
    let lock = model.lock_of(package);
    let manager = workspace.and_then(|w| w.package_manager).or_else(|| {
        lock.map(|l| match &l.file {
            Lockfile::Pnpm(_) => PackageManager::Pnpm,
            Lockfile::Npm(_) => PackageManager::Npm,
            Lockfile::Yarn(_) => PackageManager::Yarn,
            Lockfile::Bun(_) => PackageManager::Bun,
        })
    });
    match manager {
        Some(PackageManager::Pnpm) => {
            let hoisted = model.npmrcs.iter().any(|n| {
                n.get("node-linker") == Some("hoisted") || n.get("shamefully-hoist") == Some("true")
            });
            if hoisted {
                Layout::Hoisted("pnpm (node-linker=hoisted)")
            } else {
                Layout::Isolated("pnpm links only declared dependencies into a workspace")
            }
        }
        Some(PackageManager::Yarn) => {
            let berry = lock.is_some_and(|l| matches!(&l.file, Lockfile::Yarn(y) if y.berry));
            let dir = workspace.map_or("", |w| w.dir.as_str());
            let linker = model
                .yarnrcs
                .iter()
                .find(|y| paths::parent(&y.path) == dir)
                .and_then(|y| y.node_linker.as_deref());
            match (berry, linker) {
                (false, _) | (true, Some("node-modules")) => Layout::Hoisted("Yarn"),
                (true, Some("pnpm")) => {
                    Layout::Isolated("Yarn's pnpm linker links only declared dependencies")
                }
                (true, _) => Layout::Isolated(
                    "Yarn Plug'n'Play lets a workspace require only what it declares",
                ),
            }
        }
        Some(PackageManager::Bun) => Layout::Hoisted("Bun"),
        Some(PackageManager::Npm) | None => Layout::Hoisted("npm"),
    }
}

/// Another package of the same install root that declares `name` (not as a peer): what a
/// hoisting package manager satisfies the import from.
pub(crate) fn sibling_declaring<'a>(
    model: &'a Model,
    package: &Package,
    name: &str,
) -> Option<&'a Package> {
    package.workspace?;
    model.packages.iter().find(|p| {
        p.dir != package.dir
            && p.workspace == package.workspace
            && p.declared(name).any(|d| d.kind != DepKind::Peer)
    })
}
