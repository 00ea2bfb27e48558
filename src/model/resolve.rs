//! Import resolution: every module reference of every source file resolved from the importing
//! file the way Node and TypeScript would, into a builtin, a file, an external package, a
//! workspace package, a self-reference, something seaworthy cannot see (a bundler alias, a
//! virtual module, a URL), or nothing at all.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::cell::RefCell;

use super::Model;
use super::source_class::SourceClass;
use crate::data::{self, bundler_configs::PLUGIN_MODULES, node_builtins::NODE_BUILTINS};
use crate::load::SourceFile;
use crate::model::tsconfig::TsConfig;
use crate::parse::tsconfig::split_package_specifier;
use crate::parse::typescript::{
    Bootstrap, Class, Decl, EnvRead, Export, Import, ImportKind, RouteFacts,
};
use crate::paths;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Builtin,
    /// A file of the repository (repository-relative).
    File(String),
    /// An external package, by its name (`@a/b` for `@a/b/c`, `lodash` for `lodash/fp`).
    Package(String),
    /// A workspace package (index into `Model::packages`), by name or through a path alias.
    Workspace(usize),
    /// The importing package by its own name.
    SelfRef,
    /// Something seaworthy cannot see into: a URL, a virtual module, a bundler alias, a loader
    /// string, generated code that a build creates (gitignored).
    Opaque,
    /// A relative or tsconfig-aliased import that resolves to no file.
    Unresolved(String),
}

#[derive(Debug, Clone)]
pub struct ResolvedImport {
    pub import: Import,
    pub target: Target,
    /// Survives compilation and is executed: not `import type`, not elided, not a reference.
    pub runtime: bool,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub path: String,
    pub class: SourceClass,
    /// The owning package (nearest package.json).
    pub package: Option<usize>,
    /// The governing tsconfig ([`Model::tsconfig_for`]), as an index into `Model::tsconfigs`.
    pub tsconfig: Option<usize>,
    pub imports: Vec<ResolvedImport>,
    /// What the file exports, declares at the top level, its classes and application roots:
    /// the facts `model::nest` builds the module graph from.
    pub exports: Vec<Export>,
    pub decls: Vec<Decl>,
    pub classes: Vec<Class>,
    pub bootstraps: Vec<Bootstrap>,
    /// Environment variables the file reads, and the HTTP routes it registers: the facts
    /// `model::contract` turns into a package's env and route contracts.
    pub env_reads: Vec<EnvRead>,
    pub routes: RouteFacts,
    /// Import bindings the file uses as values (outside types and decorator metadata) whose
    /// names start with a capital letter, as class names do.
    pub value_refs: std::collections::BTreeSet<String>,
}

/// Resolves every import of every source file, in parallel.
pub fn resolve_all(model: &Model, sources: Vec<SourceFile>) -> Vec<Source> {
    let mut sources = resolve_each(model, sources);
    reclassify_imported_fixtures(model, &mut sources);
    reclassify_seed_scripts(model, &mut sources);
    sources
}

/// Seed and migration entry points are dev tooling: the files a package's `prisma.seed`
/// command, or a script named for seeding or migrating (`seed`, `db:seed`, `migration:run`),
/// runs (`tsx prisma/seed.ts`, `ts-node -r tsconfig-paths/register src/seed.ts`), and the
/// `seed/` or `seeds/` folder beside it, which such entries load (documenso). A file keeps
/// its class when the package's start scripts run the seed (ghostfolio's `start:production`
/// runs `prisma db seed`) or a Dockerfile of the repository names it or its script. What the
/// entry imports from elsewhere is shared with the application and keeps its class.
fn reclassify_seed_scripts(model: &Model, sources: &mut [Source]) {
    use crate::parse::package_json::PackageJson;
    use std::collections::BTreeSet;
    let is_seed_name = |name: &str| {
        let lower = name.to_ascii_lowercase();
        lower.contains("seed") || lower.contains("migrat")
    };
    let mut dev: BTreeSet<String> = BTreeSet::new();
    let mut dev_dirs: BTreeSet<String> = BTreeSet::new();
    for package in &model.packages {
        let manifest: &PackageJson = &package.manifest;
        let mut entries: Vec<(Option<&str>, &str)> = Vec::new();
        if let Some(seed) = &manifest.prisma_seed {
            entries.push((None, seed.as_str()));
        }
        for script in manifest.scripts.iter().filter(|s| is_seed_name(&s.name)) {
            entries.push((Some(script.name.as_str()), script.command.as_str()));
        }
        for (script, command) in entries {
            for file in script_files(command) {
                let Some(path) = paths::join(&package.dir, file) else {
                    continue;
                };
                let name = paths::file_name(&path).to_string();
                let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
                let mut needles = vec![name.as_str(), stem];
                if let Some(script) = script {
                    needles.push(script);
                }
                if manifest.prisma_seed.as_deref() == Some(command) {
                    needles.push("db seed");
                }
                if !runs_at_start(model, manifest, &needles) {
                    // The seed data beside it (`seed/`, `seeds/`), which the entry loads.
                    for folder in ["seed", "seeds", "seeders"] {
                        let dir = match paths::parent(&path) {
                            "" => folder.to_string(),
                            parent => format!("{parent}/{folder}"),
                        };
                        if model.files.is_dir(&dir) {
                            dev_dirs.insert(dir);
                        }
                    }
                    dev.insert(path);
                }
            }
        }
    }
    if dev.is_empty() {
        return;
    }
    for source in sources.iter_mut() {
        let in_seed_dir = || dev_dirs.iter().any(|d| paths::is_within(&source.path, d));
        if source.class == SourceClass::Runtime && (dev.contains(&source.path) || in_seed_dir()) {
            source.class = SourceClass::Script;
        }
    }
}

/// The source files a script command names (`./prisma/seed.ts`), as written.
fn script_files(command: &str) -> Vec<&str> {
    const EXTENSIONS: &[&str] = &[".ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".tsx", ".jsx"];
    command
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
        .filter(|w| !w.starts_with('-') && !w.contains("://") && !w.contains('$'))
        .filter(|w| EXTENSIONS.iter().any(|e| w.ends_with(e)))
        .collect()
}

/// Whether a start script of the package (`start`, `start:prod`, `serve`, …, through the
/// scripts they run) or any Dockerfile instruction of the repository mentions one of
/// `needles` (the seed file, its script, `db seed`).
fn runs_at_start(
    model: &Model,
    manifest: &crate::parse::package_json::PackageJson,
    needles: &[&str],
) -> bool {
    let mentions = |text: &str| needles.iter().any(|n| !n.is_empty() && text.contains(n));
    let by_docker = model.dockerfiles.iter().any(|df| {
        df.instructions
            .iter()
            .filter(|i| matches!(i.keyword.as_str(), "RUN" | "CMD" | "ENTRYPOINT"))
            .any(|i| mentions(&i.args))
    });
    if by_docker {
        return true;
    }
    let script = |name: &str| manifest.scripts.iter().find(|s| s.name == name);
    let mut queue: Vec<&str> = manifest
        .scripts
        .iter()
        .filter(|s| {
            let n = s.name.as_str();
            n.starts_with("start") || n.starts_with("prestart") || n.starts_with("serve")
        })
        .map(|s| s.name.as_str())
        .collect();
    let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    while let Some(name) = queue.pop() {
        if !seen.insert(name) || seen.len() > 64 {
            continue;
        }
        let Some(s) = script(name) else {
            continue;
        };
        if mentions(&s.command) {
            return true;
        }
        // `npm run x`, `yarn x`, `pnpm x`, `bun run x`: any word naming another script.
        for word in s.command.split_whitespace() {
            if let Some(next) = script(word) {
                queue.push(next.name.as_str());
            }
        }
    }
    false
}

/// A file under a fixture-looking folder (`templates/`, `examples/`) that code of the repository
/// imports is not data for another project: it runs with its importer (documenso's email
/// `templates/` are rendered by `packages/lib`). Such files, and what they import in turn, take
/// the class their path would have without the fixture folder.
fn reclassify_imported_fixtures(model: &Model, sources: &mut [Source]) {
    let index: std::collections::HashMap<String, usize> = sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.class == SourceClass::Fixture)
        .map(|(i, s)| (s.path.clone(), i))
        .collect();
    if index.is_empty() {
        return;
    }
    // Thousands of files import the same workspace entry (`@gauzy/core`): each is found once.
    type Entries = FxHashMap<usize, FxHashMap<String, Option<usize>>>;
    let entries: RefCell<Entries> = RefCell::default();
    let entry = |package: usize, specifier: &str| -> Option<usize> {
        let (_, subpath) = split_package_specifier(specifier);
        let known = entries
            .borrow()
            .get(&package)
            .and_then(|m| m.get(subpath).copied());
        if let Some(known) = known {
            return known;
        }
        let found = paths::join(&model.packages[package].dir, subpath)
            .and_then(|base| resolve_file(model, &base))
            .and_then(|file| index.get(&file).copied());
        let mut entries = entries.borrow_mut();
        entries
            .entry(package)
            .or_default()
            .insert(subpath.to_string(), found);
        found
    };
    let imported = |source: &Source| -> Vec<usize> {
        source
            .imports
            .iter()
            .filter(|i| i.runtime)
            .filter_map(|i| match &i.target {
                Target::File(f) => index.get(f).copied(),
                Target::Workspace(w) => entry(*w, &i.import.specifier),
                _ => None,
            })
            .collect()
    };
    let mut work: Vec<usize> = sources
        .iter()
        .filter(|s| s.class != SourceClass::Fixture)
        .flat_map(&imported)
        .collect();
    while let Some(i) = work.pop() {
        if sources[i].class != SourceClass::Fixture {
            continue;
        }
        sources[i].class = SourceClass::of_imported(&sources[i].path);
        work.extend(imported(&sources[i]));
    }
}

/// What an import's target depends on, so that the thousands of files importing
/// `@nestjs/common` or `../entities` resolve it once: a relative specifier depends only on the
/// path it joins to, any other only on the importer's package and tsconfig.
#[derive(PartialEq, Eq, Hash)]
enum Key<'a> {
    /// The joined path of a relative specifier (`None`: above the repository root).
    Relative(Option<String>),
    Bare {
        package: Option<usize>,
        tsconfig: Option<usize>,
        specifier: &'a str,
    },
}

impl<'a> Key<'a> {
    fn of(from: &str, package: Option<usize>, tsconfig: Option<usize>, specifier: &'a str) -> Self {
        let specifier = without_query(specifier);
        if is_relative(specifier) {
            Key::Relative(paths::join(paths::parent(from), specifier))
        } else {
            Key::Bare {
                package,
                tsconfig,
                specifier,
            }
        }
    }
}

/// Loader queries (`./a.svg?raw`, `./w.js?worker`) do not change which file is meant.
fn without_query(specifier: &str) -> &str {
    specifier.split_once('?').map_or(specifier, |(s, _)| s)
}

fn is_relative(specifier: &str) -> bool {
    specifier.starts_with("./")
        || specifier.starts_with("../")
        || specifier == "."
        || specifier == ".."
}

fn resolve_each(model: &Model, sources: Vec<SourceFile>) -> Vec<Source> {
    let governed: Vec<(Option<usize>, Option<usize>)> = sources
        .par_iter()
        .map(|file| {
            (
                model.owner_of(&file.path),
                model.tsconfig_index_for(&file.path),
            )
        })
        .collect();
    let targets = resolve_keyed(model, &sources, &governed);
    sources
        .into_par_iter()
        .zip(governed)
        .zip(targets)
        .map(|((file, (package, tsconfig_index)), targets)| {
            let tsconfig = tsconfig_index.map(|i| &model.tsconfigs[i]);
            let is_typescript = file
                .facts
                .elides_type_only
                .unwrap_or_else(|| is_typescript(&file.path));
            let class = SourceClass::of(&file.path);
            let keep_all = tsconfig.is_some_and(|t| t.verbatim_module_syntax);
            let metadata = tsconfig.is_some_and(|t| t.emit_decorator_metadata);
            let elided: Vec<bool> = file
                .facts
                .imports
                .iter()
                .map(|import| {
                    if keep_all {
                        import.explicit_type
                    } else {
                        file.facts.is_elided(import, metadata, is_typescript)
                    }
                })
                .collect();
            let facts = file.facts;
            let imports = facts
                .imports
                .into_iter()
                .zip(elided)
                .zip(targets)
                .map(|((import, elided), target)| {
                    // Declaration files never run; their imports only tell what is used.
                    let runtime = !elided
                        && class != SourceClass::Declaration
                        && import.kind != ImportKind::TypesReference;
                    ResolvedImport {
                        import,
                        target,
                        runtime,
                    }
                })
                .collect();
            Source {
                class,
                path: file.path,
                package,
                tsconfig: tsconfig_index,
                imports,
                exports: facts.exports,
                decls: facts.decls,
                classes: facts.classes,
                bootstraps: facts.bootstraps,
                env_reads: facts.env_reads,
                routes: facts.routes,
                // Only names that may be classes matter to the model (`model::nest`).
                value_refs: facts
                    .value_refs
                    .into_iter()
                    .filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
                    .collect(),
            }
        })
        .collect()
}

/// Every import's target, each distinct [`Key`] resolved once (in parallel), in the order of
/// `sources` and their imports.
fn resolve_keyed(
    model: &Model,
    sources: &[SourceFile],
    governed: &[(Option<usize>, Option<usize>)],
) -> Vec<Vec<Target>> {
    let keyed: Vec<Vec<Key<'_>>> = sources
        .par_iter()
        .zip(governed)
        .map(|(file, &(package, tsconfig))| {
            let keys = file.facts.imports.iter();
            keys.map(|i| Key::of(&file.path, package, tsconfig, &i.specifier))
                .collect()
        })
        .collect();
    let mut index: FxHashMap<&Key<'_>, usize> = FxHashMap::default();
    let mut distinct: Vec<&Key<'_>> = Vec::new();
    for key in keyed.iter().flatten() {
        index.entry(key).or_insert_with(|| {
            distinct.push(key);
            distinct.len() - 1
        });
    }
    let resolved: Vec<Target> = distinct
        .par_iter()
        .map(|&key| match key {
            Key::Relative(None) => {
                Target::Unresolved("points above the repository root".to_string())
            }
            Key::Relative(Some(base)) => file_or_unresolved(model, base, || tried(model, base)),
            Key::Bare {
                package,
                tsconfig,
                specifier,
            } => {
                let tsconfig = tsconfig.map(|i| &model.tsconfigs[i]);
                resolve_bare_specifier(model, *package, tsconfig, specifier)
            }
        })
        .collect();
    sources
        .par_iter()
        .zip(governed)
        .zip(&keyed)
        .map(|((file, &(_, tsconfig)), keys)| {
            let tsconfig = tsconfig.map(|i| &model.tsconfigs[i]);
            let imports = file.facts.imports.iter();
            imports
                .zip(keys)
                .map(|(import, key)| {
                    let target = resolved[index[key]].clone();
                    // A relative import that finds nothing beside the importer may be found
                    // from where this importer is (its rootDirs, its build folder).
                    match (key, target) {
                        (Key::Relative(Some(base)), Target::Unresolved(reason)) => {
                            let specifier = without_query(&import.specifier);
                            elsewhere(model, &file.path, tsconfig, specifier, base)
                                .unwrap_or(Target::Unresolved(reason))
                        }
                        (_, target) => target,
                    }
                })
                .collect()
        })
        .collect()
}

fn is_typescript(path: &str) -> bool {
    [".ts", ".tsx", ".mts", ".cts"]
        .iter()
        .any(|e| path.ends_with(e))
}

pub fn is_builtin(specifier: &str) -> bool {
    if specifier.starts_with("node:") {
        return true;
    }
    let first = specifier.split('/').next().unwrap_or(specifier);
    data::contains(NODE_BUILTINS, first)
}

/// Extensions TypeScript and Node try, in TypeScript's order.
const EXTENSIONS: &[&str] = &[
    ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mts", ".cts", ".mjs", ".cjs", ".json", ".node",
    ".vue", ".svelte",
];

/// TypeScript's output-to-source substitutions (`./x.js` is `./x.ts` before compilation).
const SUBSTITUTIONS: &[(&str, &[&str])] = &[
    (".js", &[".ts", ".tsx", ".d.ts"]),
    (".jsx", &[".tsx"]),
    (".mjs", &[".mts", ".d.mts"]),
    (".cjs", &[".cts", ".d.cts"]),
];

/// A file path as Node/TypeScript would find it from `base` (already joined, repository-relative).
pub fn resolve_file(model: &Model, base: &str) -> Option<String> {
    // Nothing under this prefix: no candidate below can exist (the common case for bare
    // specifiers tried against `baseUrl`).
    let stem = SUBSTITUTIONS
        .iter()
        .find_map(|(ext, _)| base.strip_suffix(ext))
        .unwrap_or(base);
    if !model.files.has_prefix(stem) {
        return None;
    }
    if model.files.is_file(base) {
        return Some(base.to_string());
    }
    // One buffer for every candidate: this runs for every import of every file.
    let mut candidate = String::with_capacity(base.len() + 16);
    let mut try_path = |stem: &str, suffix: &str| {
        candidate.clear();
        candidate.push_str(stem);
        candidate.push_str(suffix);
        model.files.is_file(&candidate).then(|| candidate.clone())
    };
    for (ext, replacements) in SUBSTITUTIONS {
        if let Some(stem) = base.strip_suffix(ext)
            && let Some(found) = replacements.iter().find_map(|r| try_path(stem, r))
        {
            return Some(found);
        }
    }
    if let Some(found) = EXTENSIONS.iter().find_map(|ext| try_path(base, ext)) {
        return Some(found);
    }
    if model.files.is_dir(base) {
        if let Some(package) = model.package_at(base) {
            let entries = [
                &package.manifest.types,
                &package.manifest.main,
                &package.manifest.module,
            ];
            for entry in entries.into_iter().flatten() {
                if let Some(found) =
                    paths::join(base, &entry.value).and_then(|p| resolve_file_shallow(model, &p))
                {
                    return Some(found);
                }
            }
        }
        let index = if base.is_empty() {
            "index".to_string()
        } else {
            format!("{base}/index")
        };
        return EXTENSIONS.iter().find_map(|ext| try_path(&index, ext));
    }
    None
}

fn resolve_file_shallow(model: &Model, base: &str) -> Option<String> {
    if model.files.is_file(base) {
        return Some(base.to_string());
    }
    let mut candidate = String::with_capacity(base.len() + 8);
    EXTENSIONS.iter().find_map(|ext| {
        candidate.clear();
        candidate.push_str(base);
        candidate.push_str(ext);
        model.files.is_file(&candidate).then(|| candidate.clone())
    })
}

/// Specifiers that never name a package: URLs, virtual modules, loader strings, framework
/// aliases (`$app/…`, `astro:…`), and names npm would not accept.
fn is_opaque(specifier: &str) -> bool {
    specifier.is_empty()
        || specifier.contains(':')
        || specifier.contains('!')
        || specifier.starts_with('~')
        || specifier.starts_with('$')
        || specifier.starts_with('@') && !specifier.contains('/')
        || specifier.starts_with("@/")
        || specifier.starts_with('\0')
        || specifier.contains(char::is_whitespace)
        || specifier.contains('{')
        || specifier.contains('*')
}

/// The target of a specifier that is not relative: it depends on the importer's package and
/// tsconfig only, not on the importer's folder.
fn resolve_bare_specifier(
    model: &Model,
    package: Option<usize>,
    tsconfig: Option<&TsConfig>,
    specifier: &str,
) -> Target {
    if specifier.starts_with('/') {
        return Target::Opaque;
    }
    if is_builtin(specifier) {
        return Target::Builtin;
    }
    if specifier.starts_with('#') {
        return subpath_import(model, package, specifier);
    }
    // A `paths` pattern that matches but whose targets do not exist falls back to ordinary
    // resolution, as in TypeScript; only if that finds nothing either is it unresolved.
    let mut alias_failure = None;
    match tsconfig.and_then(|t| path_alias(model, package, t, specifier)) {
        Some(Target::Unresolved(reason)) => alias_failure = Some(reason),
        Some(target) => return target,
        None => {}
    }
    let target = resolve_bare(model, package, tsconfig, specifier);
    match (target, alias_failure) {
        (Target::Package(name), Some(reason)) if !model.is_declared_anywhere(&name) => {
            Target::Unresolved(reason)
        }
        (Target::Opaque, Some(reason)) => Target::Unresolved(reason),
        (target, _) => target,
    }
}

fn resolve_bare(
    model: &Model,
    package: Option<usize>,
    tsconfig: Option<&TsConfig>,
    specifier: &str,
) -> Target {
    if let Some(base_url) = tsconfig.and_then(|t| t.base_url.as_deref())
        && let Some(base) = paths::join(base_url, specifier)
        && let Some(file) = resolve_file(model, &base)
    {
        return classify_file(model, package, file);
    }
    if is_opaque(specifier) {
        return Target::Opaque;
    }
    let (name, _) = split_package_specifier(specifier);
    let own = package.map(|i| &model.packages[i]);
    if own.is_some_and(|p| p.manifest.name.as_ref().is_some_and(|n| n.value == name)) {
        return Target::SelfRef;
    }
    if let Some(index) = model.package_index_named(name) {
        return Target::Workspace(index);
    }
    if looks_like_local_alias(model, own.map(|p| p.dir.as_str()), tsconfig, name) {
        return Target::Opaque;
    }
    // Bundlers define aliases and virtual modules (`@helpers/…`, `uno.css`) that look like
    // packages. A name is one when a bundler config of the package declares it, or when the
    // config's aliases cannot be read and no manifest declares the name; any other name is a
    // package, config or not (an empty `vite.config.js` hides nothing).
    // Plugin-served modules (`uno.css`) may be imported by a library the app's bundler builds.
    if let Some(aliases) = package.and_then(|i| model.bundler_aliases(i))
        && (aliases.matches(specifier) || aliases.dynamic && !model.is_declared_anywhere(name))
    {
        return Target::Opaque;
    }
    if data::contains(PLUGIN_MODULES, specifier) && !model.is_declared_anywhere(name) {
        return Target::Opaque;
    }
    Target::Package(name.to_string())
}

/// What resolving `base` looked at, in short, for the message of an import that found nothing.
fn tried(model: &Model, base: &str) -> String {
    let shown = if base.is_empty() { "." } else { base };
    if model.files.is_dir(base) {
        let entry = model
            .package_at(base)
            .and_then(|p| p.manifest.main.as_ref().or(p.manifest.types.as_ref()))
            .map(|m| format!(", and its package.json entry `{}` is missing", m.value))
            .unwrap_or_default();
        return format!(
            "`{shown}` is a folder with no index file (`index.ts`, `index.js` or another extension){entry}"
        );
    }
    if let Some((ext, replacements)) = SUBSTITUTIONS.iter().find(|(ext, _)| base.ends_with(ext)) {
        let stem = &base[..base.len() - ext.len()];
        return format!(
            "tried `{base}` and its TypeScript sources ({})",
            replacements
                .iter()
                .map(|r| format!("`{stem}{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    format!(
        "tried `{shown}` as a file, with the {} extensions TypeScript and Node add (`.ts`, `.tsx`, `.js`, …), and as a folder with an index file",
        EXTENSIONS.len()
    )
}

fn file_or_unresolved(model: &Model, base: &str, reason: impl FnOnce() -> String) -> Target {
    if let Some(file) = resolve_file(model, base) {
        return Target::File(file);
    }
    // Generated code (GraphQL codegen, Prisma client, Nest's metadata.ts, build output) is
    // gitignored, as a folder or as the file the import will find: a build step creates it.
    if is_generated(model, base) {
        return Target::Opaque;
    }
    Target::Unresolved(reason())
}

/// Where a relative import that finds no file beside the importer is found after all: through
/// tsconfig `rootDirs`, in the build output a package's entry points into, or beside the
/// copy of the importer that a package runs from its build folder.
fn elsewhere(
    model: &Model,
    from: &str,
    tsconfig: Option<&TsConfig>,
    specifier: &str,
    base: &str,
) -> Option<Target> {
    tsconfig
        .and_then(|t| through_root_dirs(model, t, from, specifier))
        .or_else(|| build_entry(model, base))
        .or_else(|| from_build_folder(model, from, specifier))
}

/// tsconfig `rootDirs`: TypeScript merges the listed folders into one tree, so `./x` from
/// `<root A>/d/f.ts` is also `<root B>/d/x` for every other root. React Router's
/// `./+types/route` lives in `.react-router/types/…`, which `react-router typegen` writes. A
/// root that is gitignored or absent from the repository is such generated output: what
/// the import names there is `Opaque`, as other generated code is.
fn through_root_dirs(
    model: &Model,
    tsconfig: &TsConfig,
    from: &str,
    specifier: &str,
) -> Option<Target> {
    let dir = paths::parent(from);
    // The root the importer lives in: the deepest one holding it.
    let (own, rel) = tsconfig
        .root_dirs
        .iter()
        .filter_map(|root| paths::strip_dir(dir, root).map(|rel| (root, rel)))
        .max_by_key(|(root, _)| root.len())?;
    for root in tsconfig.root_dirs.iter().filter(|r| *r != own) {
        let Some(base) = paths::join(root, rel).and_then(|d| paths::join(&d, specifier)) else {
            continue;
        };
        if let Some(file) = resolve_file(model, &base) {
            return Some(Target::File(file));
        }
        if is_generated(model, &base) || !model.files.is_dir(root) {
            return Some(Target::Opaque);
        }
    }
    None
}

/// `../` to a package folder whose `main`, `module` or `types` names a gitignored file the
/// build creates (`dist/index.js`): the import is of build output, not of a missing file.
fn build_entry(model: &Model, base: &str) -> Option<Target> {
    let package = model.package_at(base)?;
    let entries = [
        &package.manifest.main,
        &package.manifest.module,
        &package.manifest.types,
    ];
    entries
        .into_iter()
        .flatten()
        .filter_map(|entry| paths::join(base, &entry.value))
        .any(|entry| is_generated(model, &entry))
        .then_some(Target::Opaque)
}

/// A file its package runs only from a build folder: a script of the package runs
/// `<gitignored dir>/<the file's path in the package>` (`node build/server/main.js` for
/// `server/main.js`, which the build copies there). Its relative imports are read from that
/// copy, beside the build's output.
fn from_build_folder(model: &Model, from: &str, specifier: &str) -> Option<Target> {
    let package = &model.packages[model.owner_of(from)?];
    let rel = paths::strip_dir(from, &package.dir)?;
    let suffix = format!("/{rel}");
    let build_dir = package.manifest.scripts.iter().find_map(|script| {
        script.command.split_whitespace().find_map(|word| {
            let word = word.trim_matches(['"', '\'', '`']);
            let dir = word.strip_suffix(suffix.as_str())?;
            let dir = paths::join(&package.dir, dir)?;
            (dir != package.dir && model.is_gitignored(&dir)).then_some(dir)
        })
    })?;
    let copy = paths::join(&build_dir, rel)?;
    let base = paths::join(paths::parent(&copy), specifier)?;
    if let Some(file) = resolve_file(model, &base) {
        return Some(Target::File(file));
    }
    is_generated(model, &base).then_some(Target::Opaque)
}

/// A file inside another workspace package counts as an import of that package.
fn classify_file(model: &Model, package: Option<usize>, file: String) -> Target {
    match model.owner_of(&file) {
        Some(owner)
            if Some(owner) != package
                && model.packages[owner].workspace.is_some()
                && !model.packages[owner].dir.is_empty() =>
        {
            Target::Workspace(owner)
        }
        _ => Target::File(file),
    }
}

/// tsconfig `paths`: the pattern with the longest prefix wins, as in TypeScript.
fn path_alias(
    model: &Model,
    package: Option<usize>,
    tsconfig: &TsConfig,
    specifier: &str,
) -> Option<Target> {
    let (alias, captured) = tsconfig.paths.matching(specifier)?;
    let mut any_generated = false;
    for target in &alias.targets {
        let Some(path) = paths::join("", &target.replacen('*', captured, 1)) else {
            continue;
        };
        if path.split('/').any(|s| s == "node_modules") {
            let (name, _) =
                split_package_specifier(path.rsplit("node_modules/").next().unwrap_or_default());
            return Some(Target::Package(name.to_string()));
        }
        if let Some(file) = resolve_file(model, &path) {
            return Some(classify_file(model, package, file));
        }
        any_generated |= is_generated(model, &path);
    }
    if any_generated {
        return Some(Target::Opaque);
    }
    Some(Target::Unresolved(format!(
        "`{specifier}` matches the tsconfig path `{}` in {}, but none of its targets exist",
        alias.pattern, tsconfig.path
    )))
}

/// package.json `imports` (`#x`): resolved when the nearest package defines a matching key.
fn subpath_import(model: &Model, package: Option<usize>, specifier: &str) -> Target {
    let Some(imports) = package.and_then(|i| model.packages[i].manifest.imports.as_ref()) else {
        return Target::Unresolved(format!(
            "`{specifier}` needs an `imports` entry in package.json"
        ));
    };
    let Some(map) = imports.as_object() else {
        return Target::Opaque;
    };
    let matched = map.keys().any(|key| match key.split_once('*') {
        Some((prefix, suffix)) => specifier.starts_with(prefix) && specifier.ends_with(suffix),
        None => key == specifier,
    });
    if matched {
        Target::Opaque
    } else {
        Target::Unresolved(format!(
            "no `imports` entry of package.json matches `{specifier}`"
        ))
    }
}

/// `import x from 'components/Button'` works through a bundler's or Jest's module directories
/// when a local folder has that name; no package.json in the repository declares such a name.
fn looks_like_local_alias(
    model: &Model,
    package_dir: Option<&str>,
    tsconfig: Option<&TsConfig>,
    name: &str,
) -> bool {
    if name.starts_with('@') || model.is_declared_anywhere(name) {
        return false;
    }
    let mut roots: Vec<String> = Vec::new();
    if let Some(dir) = package_dir {
        roots.push(dir.to_string());
        roots.extend(paths::join(dir, "src"));
    }
    if let Some(base) = tsconfig.and_then(|t| t.base_url.clone()) {
        roots.push(base);
    }
    roots.iter().any(|r| {
        paths::join(r, name)
            .is_some_and(|p| model.files.is_dir(&p) || resolve_file(model, &p).is_some())
    })
}

/// Whether a missing import target is gitignored output: the path itself, or the path with one
/// of the extensions the import would have found.
fn is_generated(model: &Model, base: &str) -> bool {
    // The root itself (`../` from a top-level folder) is no generated file; and `/index.ts`
    // under it would be an absolute path, which the gitignore matcher refuses with a panic.
    if base.is_empty() {
        return false;
    }
    model.is_gitignored(base)
        || [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json", ".d.ts"]
            .iter()
            .any(|ext| {
                model.is_gitignored(&format!("{base}{ext}"))
                    || model.is_gitignored(&format!("{base}/index{ext}"))
            })
}
