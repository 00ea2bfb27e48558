use std::collections::BTreeSet;

use rustc_hash::FxHashSet;

use crate::data::{
    self, config_referenced::CONFIG_REFERENCED, electron_packagers::ELECTRON_PACKAGERS,
    known_peers::KNOWN_PEERS, package_bins::PACKAGE_BINS, template_dirs::TEMPLATE_DIRS,
};
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::Target;
use crate::model::{Model, Package};
use crate::parse::dockerfile::{CommandForm, Op};
use crate::parse::package_json::DepKind;
use crate::parse::shell;
use crate::paths;
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a declared dependency (`dependencies`, `devDependencies`,
    /// `optionalDependencies`) of a workspace package that nothing uses: no source file of the
    /// package imports it (type imports count), no script of the package or the root names it
    /// or its binary, no Dockerfile of its services mentions it. `@types/x` counts as used
    /// when `x` is, or when the tsconfig does not restrict `types` (TypeScript then loads every
    /// `@types` package). Tooling that is referenced from configuration rather than imported
    /// (linters and their plugins, test runners, bundler plugins, compilers) is never flagged,
    /// and neither are workspace roots, whose dependencies serve every member. A package also
    /// counts as used when it is a peer dependency of another declared package (from the
    /// lockfile, or a small table for yarn 1), when a script runs one of its commands (npm's
    /// lockfile `bin`, or a table: `run-s` is `npm-run-all2`'s), or when a tool config, a
    /// stylesheet, an `index.html` or an Angular/Nx project file names it, directly or by the
    /// tool's naming convention (`plugins: [typescript]` in a codegen config is
    /// `@graphql-codegen/typescript`). Template manifests of code generators and Electron app
    /// manifests (which declare what the packager bundles) are not judged, and what a nested
    /// package.json that nothing installs uses counts for the package that installs it.
    ///
    /// ## Why is this bad?
    /// Every unused dependency is install time, image size and attack surface, and it hides
    /// which packages a service really needs.
    ///
    /// ## Example
    /// ```json
    /// { "dependencies": { "moment": "^2.30.1" } }
    /// ```
    /// in a package whose code no longer imports `moment`.
    ///
    /// ## Use instead
    /// Remove it (`pnpm remove moment`, `npm uninstall moment -w <workspace>`).
    pub struct Unused {
        id: "deps/unused",
        category: Dependencies,
        severity: Info,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "a declared dependency is used by no source file, script, config or Dockerfile",
    }
}

fn config_referenced(name: &str) -> bool {
    data::names(CONFIG_REFERENCED).any(|p| {
        if p.ends_with('/') || p.ends_with('-') {
            name.starts_with(p)
        } else {
            name.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
        }
    }) || name.contains("plugin")
        || name.contains("preset")
        || name.contains("config")
        || name.ends_with("-loader")
}

impl Rule for Unused {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let imported = imported_by_package(model);
        let root = std::cell::OnceCell::new();
        let referenced = referenced_by_package(model);
        for (index, package) in model.packages.iter().enumerate() {
            let is_root = model
                .workspaces
                .iter()
                .any(|w| w.package == Some(index) && w.members.len() > 1);
            // Without any source file the package's code is not in the repository to judge.
            let Some(used) = imported.get(index).filter(|u| !u.is_empty()) else {
                continue;
            };
            if is_root
                || is_template(package)
                || is_electron_app(package)
                || sources_not_checked_out(model, index)
            {
                continue;
            }
            let peers = peers_of_declared(model, package, used);
            let referenced = &referenced[index];
            let restricted_types = model
                .tsconfig_for(&format!("{}/index.ts", package.dir))
                .and_then(|t| t.types.clone());
            let mut mentions = None;
            for dep in package
                .manifest
                .dependencies
                .iter()
                .filter(|d| d.kind != DepKind::Peer)
            {
                let name = dep.name.as_str();
                if used.contains(name)
                    || peers.contains(name)
                    || references(referenced, name)
                    || config_referenced(name) && !name.starts_with("@types/")
                {
                    continue;
                }
                if let Some(base) = name.strip_prefix("@types/") {
                    let base_name = types_package_base(base);
                    let listed = restricted_types
                        .as_ref()
                        .is_none_or(|t| t.iter().any(|x| x == base || x == name));
                    // `@types/nodemailer` for `nodemailer`, used as the peer of a mailer.
                    if listed || used.contains(&base_name) || peers.contains(&base_name) {
                        continue;
                    }
                }
                let root = root.get_or_init(|| RootScripts::new(model));
                let mentions = mentions.get_or_insert_with(|| Mentions::new(model, package, root));
                if mentions.mentions(name)
                    || bins(model, package, name, &dep.spec)
                        .iter()
                        .any(|bin| mentions.runs(bin))
                {
                    continue;
                }
                out.push(
                    FindingBuilder::new(
                        &Self::META,
                        &package.manifest.path,
                        dep.span,
                        format!("{}:{name}", package.dir),
                        format!(
                            "`{name}` is declared in {} but nothing in {} uses it",
                            dep.kind.field(),
                            paths::display_dir(&package.dir)
                        ),
                    )
                    .help(format!(
                        "remove \"{name}\" from {} {}",
                        package.manifest.path,
                        dep.kind.field()
                    ))
                    .package(package)
                    .build(),
                );
            }
        }
    }
}

/// `@types/babel__core` types `@babel/core`.
fn types_package_base(base: &str) -> String {
    match base.split_once("__") {
        Some((scope, name)) => format!("@{scope}/{name}"),
        None => base.to_string(),
    }
}

/// Package names each package's own source files reference, type-only imports included.
fn imported_by_package(model: &Model) -> Vec<BTreeSet<String>> {
    let mut used = vec![BTreeSet::new(); model.packages.len()];
    for source in &model.sources {
        let Some(index) = source.package else {
            continue;
        };
        for import in &source.imports {
            let name = match &import.target {
                Target::Package(name) => name.as_str(),
                Target::Workspace(i) => match &model.packages[*i].manifest.name {
                    Some(n) => n.value.as_str(),
                    None => continue,
                },
                _ => crate::parse::tsconfig::split_package_specifier(&import.import.specifier).0,
            };
            // Most imports name a package already seen: no copy for those.
            if !used[index].contains(name) {
                used[index].insert(name.to_string());
            }
            // unplugin-icons: `~icons/lucide/edit` loads the `@iconify-json/lucide` collection.
            let spec = import.import.specifier.as_str();
            if let Some(rest) = spec
                .strip_prefix("~icons/")
                .or_else(|| spec.strip_prefix("virtual:icons/"))
                && let Some((collection, _)) = rest.split_once('/')
            {
                used[index].insert(format!("@iconify-json/{collection}"));
            }
        }
    }
    vendored_into_images(model, &mut used);
    to_installing_ancestors(model, &mut used);
    used
}

/// A workspace package a Dockerfile of package `P` copies into the image's `node_modules`
/// (amplication's `COPY ./dist/libs/util/dsg-utils node_modules/@amplication/dsg-utils` after
/// `npm i` of the service's own manifest) gets no install of its own: its imports resolve
/// from `P`'s declarations, so they are uses of `P`.
fn vendored_into_images(model: &Model, used: &mut [BTreeSet<String>]) {
    let mut vendored: Vec<(usize, usize)> = Vec::new();
    for build in &model.docker.builds {
        let Some(owner) = model
            .dockerfiles
            .get(build.dockerfile)
            .and_then(|df| model.owner_of(&df.path))
            .filter(|&i| !model.packages[i].dir.is_empty())
        else {
            continue;
        };
        for entry in build.stages.iter().flat_map(|s| &s.entries) {
            let Some((_, name)) = entry.dest.split_once("/node_modules/") else {
                continue;
            };
            if let Some(lib) = model.package_index_named(name.trim_end_matches('/'))
                && lib != owner
            {
                vendored.push((owner, lib));
            }
        }
    }
    for (owner, lib) in vendored {
        let names: Vec<String> = used[lib].iter().cloned().collect();
        used[owner].extend(names);
    }
}

/// A package.json that nothing installs (no workspace claims it, no lockfile of its own) does
/// not install what its code uses: the nearest installed package above it does, so that
/// package's declarations are the ones used (an Nx repository declaring everything at the
/// root, with per-project package.json files for publishing).
fn to_installing_ancestors(model: &Model, sets: &mut [BTreeSet<String>]) {
    for (index, package) in model.packages.iter().enumerate() {
        if package.workspace.is_some() || sets[index].is_empty() {
            continue;
        }
        if let Some(installer) = installing_ancestor(model, package) {
            let names: Vec<String> = sets[index].iter().cloned().collect();
            sets[installer].extend(names);
        }
    }
}

/// The nearest package above `package` that a workspace installs.
fn installing_ancestor(model: &Model, package: &Package) -> Option<usize> {
    paths::ancestors(&package.dir)
        .filter(|dir| *dir != package.dir)
        .filter_map(|dir| model.package_index_at(dir))
        .find(|&i| model.packages[i].workspace.is_some())
}

/// Whether part of the package's code is a link the walk could not follow (novu's enterprise
/// packages link `src` into a submodule that is not checked out): what is missing may use
/// every dependency, so none is judged.
fn sources_not_checked_out(model: &Model, index: usize) -> bool {
    model
        .skipped_links
        .iter()
        .any(|link| model.owner_of(link) == Some(index))
}

/// The package names each package's tool configs and non-JS files name (see
/// [`crate::parse::config_refs`]), as written ([`reference_base`]); [`references`] expands
/// them by each tool's naming convention.
fn referenced_by_package(model: &Model) -> Vec<FxHashSet<&str>> {
    let mut sets = vec![FxHashSet::default(); model.packages.len()];
    for refs in &model.config_refs {
        let Some(index) = model.owner_of(&refs.path) else {
            continue;
        };
        sets[index].extend(refs.strings.iter().filter_map(|s| reference_base(s)));
    }
    // What a package that nothing installs references counts for its installer.
    for (index, package) in model.packages.iter().enumerate() {
        if package.workspace.is_some() || sets[index].is_empty() {
            continue;
        }
        if let Some(installer) = installing_ancestor(model, package) {
            let names: Vec<&str> = sets[index].iter().copied().collect();
            sets[installer].extend(names);
        }
    }
    sets
}

/// graphql-codegen plugins and presets, and the package the code they generate imports
/// (their docs' "usage" sections): the generated file is often gitignored, so its imports are
/// not seen.
const CODEGEN_OUTPUT_IMPORTS: &[(&str, &str)] = &[
    ("typed-document-node", "@graphql-typed-document-node/core"),
    ("client", "@graphql-typed-document-node/core"),
    ("client-preset", "@graphql-typed-document-node/core"),
    ("typescript-document-nodes", "graphql-tag"),
    ("typescript-react-apollo", "graphql-tag"),
    ("typescript-apollo-angular", "apollo-angular"),
    ("typescript-urql", "urql"),
    ("typescript-graphql-request", "graphql-request"),
];

/// Prefixes a scoped name takes by convention: `@x/y` in an ESLint config is
/// `@x/eslint-plugin-y`.
const SCOPED_PREFIXES: &[&str] = &["eslint-plugin-", "eslint-config-", "prettier-plugin-"];
/// Packages a bare scope names: `@x` in an ESLint config is `@x/eslint-plugin`.
const SCOPE_SUFFIXES: &[&str] = &["eslint-plugin", "eslint-config", "prettier-plugin"];
/// Prefixes an unscoped name takes by convention: `react` in a Babel config is
/// `babel-preset-react`, `typescript` in a codegen config is `@graphql-codegen/typescript`.
const UNSCOPED_PREFIXES: &[&str] = &[
    "eslint-plugin-",
    "eslint-config-",
    "prettier-plugin-",
    "babel-preset-",
    "babel-plugin-",
    "@babel/preset-",
    "@babel/plugin-",
    "@graphql-codegen/",
    "jest-environment-",
    "stylelint-config-",
    "postcss-",
    "@size-limit/",
];

/// The package name a config string may be, as written (`node_modules/x/…`, `~x/…`,
/// `plugin:x/…` and `@nx/jest:jest` reduced to the package name).
fn reference_base(s: &str) -> Option<&str> {
    let mut s = s.trim();
    // `node_modules/bootstrap/dist/css/bootstrap.css`, `../../node_modules/x`.
    if let Some(i) = s.rfind("node_modules/") {
        s = &s[i + "node_modules/".len()..];
    }
    // SCSS `~pkg/…`, ESLint `plugin:react/recommended`, Vite `/@fs/`-less absolute imports.
    s = s.trim_start_matches('~');
    s = s.strip_prefix("plugin:").unwrap_or(s);
    s = s.trim_start_matches('/');
    let (base, _) = crate::parse::tsconfig::split_package_specifier(s);
    if !is_package_name(base) {
        return None;
    }
    // Strip a trailing `:executor` (`@nx/jest:jest`) or `@version`.
    Some(base.split(':').next().unwrap_or(base))
}

/// Whether the config names `bases` ([`reference_base`]) reference package `name`, as written
/// or by a tool's naming convention. Asked for each declared dependency, rather than
/// expanding every config string into every name it may stand for (60k names on
/// ever-gauzy).
fn references(bases: &FxHashSet<&str>, name: &str) -> bool {
    if bases.contains(name) {
        return true;
    }
    // graphql-codegen plugins whose generated (often gitignored) output imports a package.
    let codegen = CODEGEN_OUTPUT_IMPORTS.iter().any(|&(plugin, imported)| {
        imported == name
            && (bases.contains(plugin)
                || bases.contains(format!("@graphql-codegen/{plugin}").as_str()))
    });
    if codegen {
        return true;
    }
    if let Some((scope, rest)) = name.split_once('/') {
        // `@x/y` names `@x/eslint-plugin-y`, and `@babel/y` names `@babel/preset-y`.
        let prefixed = SCOPED_PREFIXES
            .iter()
            .chain(if scope == "@babel" {
                &["preset-", "plugin-"][..]
            } else {
                &[]
            })
            .filter_map(|prefix| rest.strip_prefix(prefix))
            .any(|base| bases.contains(format!("{scope}/{base}").as_str()));
        // `@x` names `@x/eslint-plugin`.
        if prefixed || SCOPE_SUFFIXES.contains(&rest) && bases.contains(scope) {
            return true;
        }
    }
    // `x` names `eslint-plugin-x`, `@babel/preset-x`, `@graphql-codegen/x`.
    UNSCOPED_PREFIXES.iter().any(|prefix| {
        name.strip_prefix(prefix).is_some_and(|base| {
            !base.contains('/') && !base.starts_with('@') && bases.contains(base)
        })
    })
}

/// A string that can be an npm package name (lowercase letters, digits, `-._~`, one scope).
/// A package name, with a trailing `:executor` allowed (`@nx/jest:jest`).
fn is_package_name(name: &str) -> bool {
    crate::parse::package_json::is_package_name(name.split(':').next().unwrap_or(name))
}

/// A package.json under a generator's template folder (`templates/`, `package-json/`) that no
/// workspace installs, or whose name is a template placeholder (`<%= name %>`, `{{name}}`).
fn is_template(package: &Package) -> bool {
    let placeholder = package.manifest.name.as_ref().is_some_and(|n| {
        ["<%", "{{", "${", "__name__"]
            .iter()
            .any(|p| n.value.contains(p))
    });
    placeholder
        || package.workspace.is_none()
            && package
                .dir
                .split('/')
                .any(|segment| data::contains(TEMPLATE_DIRS, segment))
}

/// An Electron app manifest: it declares `electron` and a packager, which bundles the
/// manifest's dependencies into the app for the code (its own and its libraries') it packages.
fn is_electron_app(package: &Package) -> bool {
    let declares = |name: &str| package.manifest.dependencies.iter().any(|d| d.name == name);
    declares("electron") && data::names(ELECTRON_PACKAGERS).any(declares)
}

/// The peer dependencies of every dependency the package declares: from the lockfile where it
/// records them, else from [`KNOWN_PEERS`] (yarn 1 records no peers).
fn peers_of_declared(
    model: &Model,
    package: &Package,
    used: &BTreeSet<String>,
) -> BTreeSet<String> {
    let lock = model.lock_of(package);
    let mut peers = BTreeSet::new();
    let mut add =
        |dir: &str, name: &str, spec: &str| match lock.and_then(|l| l.peers_of(dir, name, spec)) {
            Some(recorded) => peers.extend(recorded),
            None => peers.extend(data::names(KNOWN_PEERS).filter_map(|entry| {
                let (host, peer) = entry.split_once(' ')?;
                (host == name).then(|| peer.to_string())
            })),
        };
    for dep in &package.manifest.dependencies {
        add(&package.dir, &dep.name, &dep.spec);
    }
    // A package the code imports though an ancestor declares it (documenso's root declares
    // `@libpdf/core`, whose optional peer `@google-cloud/kms` packages/signing declares).
    for name in used {
        if package.declared(name).next().is_none()
            && let Some((ancestor, dep)) = super::common::ancestor_declaring(model, package, name)
        {
            add(&ancestor.dir, name, &dep.spec);
        }
    }
    peers
}

/// The commands dependency `name` installs: the lockfile's `bin` where it records one, and
/// [`PACKAGE_BINS`].
fn bins(model: &Model, package: &Package, name: &str, spec: &str) -> Vec<String> {
    let mut bins = model
        .lock_of(package)
        .and_then(|l| l.bins_of(&package.dir, name, spec))
        .unwrap_or_default();
    bins.extend(data::names(PACKAGE_BINS).filter_map(|entry| {
        let (host, bin) = entry.split_once(' ')?;
        (host == name).then(|| bin.to_string())
    }));
    bins.retain(|b| b != name);
    bins
}

/// The script commands of the workspace roots, and their words: every package's
/// [`Mentions`] includes them, and they are gathered once.
struct RootScripts<'m> {
    commands: Vec<&'m str>,
    words: FxHashSet<&'m str>,
}

impl<'m> RootScripts<'m> {
    fn new(model: &'m Model) -> Self {
        let commands: Vec<&str> = model
            .workspaces
            .iter()
            .filter_map(|w| w.package)
            .flat_map(|i| model.packages[i].manifest.scripts.iter())
            .map(|s| s.command.as_str())
            .collect();
        let words = commands.iter().copied().flat_map(words).collect();
        RootScripts { commands, words }
    }
}

/// Named in a script (as the package or its likely binary), or in a Dockerfile of the package.
/// What a package's scripts, the root's scripts and the package's Dockerfiles say, gathered
/// once per package: every dependency left unused is looked up in it.
struct Mentions<'m, 'r> {
    root: &'r RootScripts<'m>,
    /// The package's script commands.
    scripts: Vec<&'m str>,
    /// The command words of the package's Dockerfiles (RUN, CMD, ENTRYPOINT, HEALTHCHECK).
    docker: Vec<String>,
    /// The words ([`words`]) of the package's scripts and Dockerfile commands.
    words: FxHashSet<String>,
}

impl<'m, 'r> Mentions<'m, 'r> {
    fn new(model: &'m Model, package: &'m Package, root: &'r RootScripts<'m>) -> Self {
        let scripts: Vec<&str> = package
            .manifest
            .scripts
            .iter()
            .map(|s| s.command.as_str())
            .collect();
        let mut docker = Vec::new();
        for dockerfile in model
            .dockerfiles
            .iter()
            .filter(|d| paths::is_within(&d.path, &package.dir))
        {
            for instruction in &dockerfile.instructions {
                let script = match &instruction.op {
                    Op::Run(run) => run.script.clone(),
                    Op::Cmd(form) | Op::Entrypoint(form) => form_text(form),
                    Op::Healthcheck(Some(hc)) => form_text(&hc.cmd),
                    _ => continue,
                };
                for command in shell::commands(&script) {
                    docker.extend(command.words);
                }
            }
        }
        let words = scripts
            .iter()
            .copied()
            .chain(docker.iter().map(String::as_str))
            .flat_map(words)
            .map(str::to_string)
            .collect();
        Mentions {
            root,
            scripts,
            docker,
            words,
        }
    }

    /// Whether a script or a Dockerfile command word holds the package's name, or its last
    /// `/` segment as a word.
    fn mentions(&self, name: &str) -> bool {
        let short = name.rsplit('/').next().unwrap_or(name);
        self.runs(short)
            || self.scripts.iter().any(|t| t.contains(name))
            || self.root.commands.iter().any(|t| t.contains(name))
            || self.docker.iter().any(|w| w.contains(name))
    }

    /// Whether a script or a Dockerfile command runs `bin`, as a whole word.
    fn runs(&self, bin: &str) -> bool {
        self.words.contains(bin) || self.root.words.contains(bin)
    }
}

/// The words of a command: runs of letters, digits, `-`, `_` and `.`.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
}

fn form_text(form: &CommandForm) -> String {
    match form {
        CommandForm::Exec(words) => words
            .iter()
            .map(|w| shell::quote(w))
            .collect::<Vec<_>>()
            .join(" "),
        CommandForm::Shell(text) => text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::Unused;
    use crate::rules::deps::common::incident;
    use crate::rules::testing::{Repo, Vectors, case};

    /// Every name a config string stands for, expanded forwards: what [`super::references`]
    /// answers backwards, one declared name at a time.
    fn expansion(s: &str) -> Vec<String> {
        use super::{CODEGEN_OUTPUT_IMPORTS, SCOPE_SUFFIXES, SCOPED_PREFIXES, UNSCOPED_PREFIXES};
        let Some(base) = super::reference_base(s) else {
            return Vec::new();
        };
        let mut out = vec![base.to_string()];
        for (plugin, imported) in CODEGEN_OUTPUT_IMPORTS {
            if base == *plugin || base.strip_prefix("@graphql-codegen/") == Some(*plugin) {
                out.push((*imported).to_string());
            }
        }
        match base.split_once('/') {
            Some((scope, rest)) => {
                out.extend(SCOPED_PREFIXES.iter().map(|p| format!("{scope}/{p}{rest}")));
                if scope == "@babel" {
                    out.push(format!("@babel/preset-{rest}"));
                    out.push(format!("@babel/plugin-{rest}"));
                }
            }
            None if base.starts_with('@') => {
                out.extend(SCOPE_SUFFIXES.iter().map(|x| format!("{base}/{x}")));
            }
            None => out.extend(UNSCOPED_PREFIXES.iter().map(|p| format!("{p}{base}"))),
        }
        out
    }

    #[test]
    fn references_answer_what_the_expansion_of_config_strings_names() {
        let strings = [
            "react",
            "@babel/env",
            "@typescript-eslint",
            "@acme/x",
            "plugin:vue/recommended",
            "~bootstrap/scss/grid",
            "../../node_modules/swiper/swiper.css",
            "@nx/jest:jest",
            "typescript",
            "@graphql-codegen/client-preset",
            "typed-document-node",
            "Not A Name",
        ];
        let bases: rustc_hash::FxHashSet<&str> = strings
            .iter()
            .filter_map(|s| super::reference_base(s))
            .collect();
        let expanded: std::collections::BTreeSet<String> =
            strings.iter().flat_map(|s| expansion(s)).collect();
        // Every expanded name is referenced ...
        for name in &expanded {
            assert!(super::references(&bases, name), "{name} is not referenced");
        }
        // ... and nothing else, among names of every shape the conventions produce.
        let others = [
            "eslint-plugin-angular",
            "@babel/preset-react-app",
            "@typescript-eslint/parser",
            "@acme/eslint-plugin-y",
            "@acme/eslint-plugin",
            "prettier-plugin-@acme/x",
            "@graphql-codegen/@acme/x",
            "graphql-tag",
            "urql",
            "jest",
            "vue-eslint-parser",
            "swiper-bundle",
            "@nx/webpack",
            "postcss",
        ];
        for name in others {
            assert_eq!(
                super::references(&bases, name),
                expanded.contains(name),
                "{name}"
            );
        }
    }

    /// An npm workspace whose `apps/api` declares `manifest` (the body of its package.json
    /// after the name and scripts) and whose `src/main.ts` imports `express`.
    fn api(manifest: &str) -> Repo {
        api_running(r#""build": "tsc", "start": "node dist/main.js""#, manifest)
    }

    /// `api` with `scripts` as the body of its `scripts`.
    fn api_running(scripts: &str, manifest: &str) -> Repo {
        Repo::new()
            .file(
                "package.json",
                r#"{ "name": "acme", "private": true, "workspaces": ["apps/*"] }"#,
            )
            .file(
                "apps/api/package.json",
                &format!(
                    "{{\n  \"name\": \"api\",\n  \"scripts\": {{ {scripts} }},\n{manifest}\n}}\n"
                ),
            )
            .file(
                "apps/api/src/main.ts",
                "import express from 'express';\nexpress().listen(3000);\n",
            )
    }

    #[test]
    fn only_the_copy_into_node_modules_makes_the_lib_imports_uses() {
        let repo = |copy: &str| vendoring(copy).check(&super::Unused);
        assert_eq!(repo("COPY dist/libs/utils libs/utils").len(), 1);
        assert!(repo("COPY dist/libs/utils node_modules/@acme/utils").is_empty());
    }

    /// `apps/api` declares `yaml`, which only the workspace lib `@acme/utils` imports; its
    /// Dockerfile installs its own manifest, then runs `copy`.
    fn vendoring(copy: &str) -> Repo {
        api(r#"  "dependencies": { "express": "^4.19.2", "yaml": "^2.4.0" }"#)
            .file(
                "package.json",
                r#"{ "name": "acme", "private": true, "workspaces": ["apps/*", "libs/*"] }"#,
            )
            .file("libs/utils/package.json", r#"{ "name": "@acme/utils", "main": "src/index.js" }"#)
            .file("libs/utils/src/index.js", "module.exports = require('yaml');\n")
            .file(
                "apps/api/Dockerfile",
                &format!("FROM node:20-slim\nWORKDIR /app\nCOPY apps/api/package.json .\nRUN npm install --omit=dev\n{copy}\nCOPY dist/apps/api .\nCMD [\"node\", \"main.js\"]\n"),
            )
            .file(
                "docker-compose.yml",
                "services:\n  api:\n    build:\n      context: .\n      dockerfile: apps/api/Dockerfile\n",
            )
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a dependency nothing imports",
                    api(r#"  "dependencies": {
    "express": "^4.19.2",
    "moment": "^2.30.1"
  }"#),
                ),
                case(
                    "a devDependency nothing uses",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "supertest": "^7.0.0"
  }"#),
                ),
                case(
                    "@types/x for an unused x, where tsconfig restricts types",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "@types/lodash": "^4.17.0"
  }"#)
                    .file(
                        "apps/api/tsconfig.json",
                        r#"{ "compilerOptions": { "types": ["node"] } }"#,
                    ),
                ),
                case(
                    "a standalone package",
                    Repo::new()
                        .file(
                            "package.json",
                            r#"{
  "name": "worker",
  "scripts": { "start": "node index.js" },
  "dependencies": {
    "axios": "^1.7.2"
  }
}"#,
                        )
                        .file("index.js", "const os = require('os');\nconsole.log(os.hostname());\n"),
                ),
                case(
                    "the prom-client incident: moment",
                    Repo::fixture("pnpm-undeclared-prom-client"),
                ),
                case(
                    "pnpm: beside the peers of @nestjs/passport and @nestjs/common, moment",
                    Repo::fixture("pnpm-unused-peers"),
                ),
                case(
                    "a package whose command (run-s) no script runs",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": { "npm-run-all2": "^6.2.6" }"#),
                ),
                case(
                    "a config string that names another package",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": { "jsdom": "^24.0.0" }"#)
                    .file(
                        "apps/api/vitest.config.ts",
                        "export default { test: { environment: 'happy-dom' } };\n",
                    ),
                ),
                case(
                    "a workspace member in a template-named folder is installed, so it is judged",
                    api(r#"  "dependencies": { "express": "^4.19.2" }"#)
                        .file(
                            "package.json",
                            r#"{ "name": "acme", "private": true, "workspaces": ["apps/*", "gen/*"] }"#,
                        )
                        .file(
                            "gen/package-json/package.json",
                            r#"{ "name": "starter", "dependencies": { "moment": "^2.30.1" } }"#,
                        )
                        .file(
                            "gen/package-json/index.ts",
                            "import { readFileSync } from 'node:fs';\nreadFileSync('x');\n",
                        ),
                ),
                case(
                    "an Electron library (electron declared, no packager)",
                    api(r#"  "dependencies": { "express": "^4.19.2", "electron-store": "^8.1.0" },
  "devDependencies": { "electron": "^38.1.2" }"#),
                ),
            ],
            quiet: vec![
                case(
                    "the imports of a workspace lib its Dockerfile copies into node_modules",
                    vendoring("COPY dist/libs/utils node_modules/@acme/utils"),
                ),
                case(
                    "the types of a package used as another's peer, under restricted tsconfig types",
                    api(r#"  "dependencies": { "express": "^4.19.2", "@nestjs/passport": "^10.0.0", "passport": "^0.7.0" },
  "devDependencies": { "@types/passport": "^1.0.16" }"#)
                    .file(
                        "apps/api/tsconfig.json",
                        r#"{ "compilerOptions": { "types": ["node"] } }"#,
                    )
                    .file(
                        "apps/api/src/auth.ts",
                        "import { PassportModule } from '@nestjs/passport';\nexport const m = PassportModule;\n",
                    ),
                ),
                case(
                    "tsconfig types written as @types/x",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": { "@types/jest": "^29.5.0" }"#)
                    .file(
                        "apps/api/tsconfig.json",
                        r#"{ "compilerOptions": { "types": ["@types/jest"] } }"#,
                    ),
                ),
                case(
                    "the peer of a package the code imports though the root declares it",
                    api(r#"  "dependencies": { "express": "^4.19.2", "axios": "^1.7.0" }"#)
                        .file(
                            "package.json",
                            r#"{ "name": "acme", "private": true, "workspaces": ["apps/*"],
                                 "dependencies": { "@nestjs/axios": "^3.0.0" } }"#,
                        )
                        .file(
                            "apps/api/src/http.ts",
                            "import { HttpModule } from '@nestjs/axios';\nexport const m = HttpModule;\n",
                        ),
                ),
                case(
                    "a package whose src is a link into a submodule not checked out",
                    api(r#"  "dependencies": { "express": "^4.19.2", "stripe": "^14.0.0" }"#)
                        .file("apps/api/check-ee.mjs", "import express from 'express';\nexpress();\n")
                        .without("apps/api/src/main.ts")
                        .dangling_link("apps/api/src"),
                ),
                case(
                    "imported, type-only imports and npm aliases included",
                    api(r#"  "dependencies": {
    "express": "^4.19.2",
    "utils": "npm:lodash@^4.17.21"
  },
  "devDependencies": { "class-validator": "^0.14.1" }"#)
                    .file(
                        "apps/api/src/dto.ts",
                        "import type { ValidatorOptions } from 'class-validator';\nimport { chunk } from 'utils';\nexport const o: ValidatorOptions = {};\nexport const c = chunk;\n",
                    ),
                ),
                case(
                    "a binary named in the package's or the root's scripts",
                    api_running(
                        r#""start": "node dist/main.js", "migrate": "knex migrate:latest""#,
                        r#"  "dependencies": { "express": "^4.19.2", "knex": "^3.1.0" },
  "devDependencies": { "openapi-typescript": "^7.0.0" }"#,
                    )
                    .file(
                        "package.json",
                        r#"{ "name": "acme", "private": true, "workspaces": ["apps/*"],
                             "scripts": { "gen": "openapi-typescript api.yaml -o apps/api/src/api.d.ts" } }"#,
                    ),
                ),
                case(
                    "a program the package's Dockerfile runs",
                    api(r#"  "dependencies": {
    "express": "^4.19.2",
    "pm2": "^5.4.0"
  }"#)
                    .file(
                        "apps/api/Dockerfile",
                        "FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD [\"pm2-runtime\", \"dist/main.js\"]\n",
                    ),
                ),
                case(
                    "@types/x for a used x, or listed in the tsconfig's types",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "@types/express": "^4.17.21",
    "@types/jest": "^29.5.12"
  }"#)
                    .file(
                        "apps/api/tsconfig.json",
                        r#"{ "compilerOptions": { "types": ["node", "jest"] } }"#,
                    ),
                ),
                case(
                    "any @types package when the tsconfig does not restrict types",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "@types/jest": "^29.5.12"
  }"#),
                ),
                case(
                    "tooling referenced from configuration",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "eslint-plugin-import": "^2.29.1",
    "@babel/preset-env": "^7.24.0",
    "ts-jest": "^29.1.2",
    "typescript": "^5.4.5"
  }"#),
                ),
                case(
                    "npm: a command the lockfile's bin records (run-s from npm-run-all2)",
                    Repo::fixture("npm-unused-bin-name"),
                ),
                case(
                    "yarn 1 or no lockfile: peers of declared packages, from the known-peers table",
                    api(r#"  "dependencies": {
    "express": "^4.19.2",
    "@nestjs/core": "^11.1.6",
    "@nestjs/platform-express": "^11.1.6",
    "rxjs": "^7.8.2"
  }"#)
                    .file(
                        "apps/api/src/app.ts",
                        "import { NestFactory } from '@nestjs/core';\nexport const app = NestFactory;\n",
                    ),
                ),
                case(
                    "pnpm: commands whose name differs from the package's (table)",
                    api_running(
                        r#""build": "run-s build:*", "gen": "antlr4ts -visitor Query.g4""#,
                        r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": { "npm-run-all2": "^6.2.6", "antlr4ts-cli": "^0.5.0-alpha.4" }"#,
                    ),
                ),
                case(
                    "the runtime package of the code a codegen plugin generates into a gitignored file",
                    api(r#"  "dependencies": { "express": "^4.19.2", "@graphql-typed-document-node/core": "^3.2.0" },
  "devDependencies": { "@graphql-codegen/typed-document-node": "^5.0.0" }"#)
                    .file(
                        "apps/api/gql-codegen.yml",
                        "schema: schema.graphql\ngenerates:\n  src/api/generated/graphql.ts:\n    plugins:\n      - typed-document-node\n",
                    )
                    .file("apps/api/.gitignore", "src/api/generated\n"),
                ),
                case(
                    "plugins and presets named in tool configs, by each tool's naming convention",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "devDependencies": {
    "@graphql-codegen/typescript": "^4.0.0",
    "@graphql-codegen/typescript-operations": "^4.0.0",
    "zod-prisma-types": "^3.1.8",
    "jsdom": "^24.0.0",
    "jest-environment-jsdom": "^29.7.0",
    "daisyui": "^4.12.0",
    "@rushstack/eslint-patch": "^1.10.0",
    "eslint-plugin-vue": "^9.0.0",
    "@vue/eslint-config-typescript": "^13.0.0",
    "prettier-plugin-tailwindcss": "^0.6.0",
    "@trivago/prettier-plugin-sort-imports": "^4.3.0",
    "babel-preset-solid": "^1.8.0",
    "@size-limit/file": "^11.0.0",
    "happy-dom": "^14.0.0"
  }"#)
                    .file(
                        "apps/api/codegen.yml",
                        "schema: schema.graphql\ngenerates:\n  src/gql.ts:\n    plugins: [typescript, typescript-operations]\n",
                    )
                    .file(
                        "apps/api/prisma/schema.prisma",
                        "generator zod {\n  provider = \"zod-prisma-types\"\n}\n",
                    )
                    .file(
                        "apps/api/vitest.config.ts",
                        "export default { test: { environment: 'jsdom' } };\n",
                    )
                    .file(
                        "apps/api/jest.config.js",
                        "module.exports = { testEnvironment: 'jsdom' };\n",
                    )
                    .file(
                        "apps/api/tailwind.config.js",
                        "module.exports = { plugins: [require('daisyui')] };\n",
                    )
                    .file(
                        "apps/api/.eslintrc.cjs",
                        "require('@rushstack/eslint-patch/modern-module-resolution');\nmodule.exports = { extends: ['plugin:vue/vue3-recommended', '@vue/eslint-config-typescript'] };\n",
                    )
                    .file(
                        "apps/api/.prettierrc",
                        "{ \"plugins\": [\"prettier-plugin-tailwindcss\", \"@trivago/prettier-plugin-sort-imports\"] }\n",
                    )
                    .file("apps/api/.babelrc", "{ \"presets\": [\"solid\"] }\n")
                    .file(
                        "apps/api/vite.config.ts",
                        "export default { test: { environment: 'happy-dom' } };\n",
                    ),
                ),
                case(
                    "stylesheets, index.html, project.json assets and commands, ngsw-config.json, Vite alias targets, icon collections",
                    api(r#"  "dependencies": {
    "express": "^4.19.2",
    "bootstrap": "^5.3.0",
    "@fortawesome/fontawesome-free": "^6.5.0",
    "normalize.css": "^8.0.1",
    "hammerjs": "^2.0.8",
    "roboto-fontface": "^0.10.0",
    "@fontsource-variable/inter": "^5.0.0",
    "ionicons": "^7.0.0",
    "buffer": "^6.0.3",
    "@iconify-json/lucide": "^1.1.0",
    "shx": "^0.3.4"
  }"#)
                    .file(
                        "apps/api/src/styles.scss",
                        "@import '~bootstrap/scss/bootstrap';\n@use \"@fortawesome/fontawesome-free/scss/fontawesome\";\n",
                    )
                    .file(
                        "apps/api/src/index.html",
                        "<link rel=\"stylesheet\" href=\"node_modules/normalize.css/normalize.css\">\n<script type=\"module\" src=\"/node_modules/@fontsource-variable/inter/index.css\"></script>\n",
                    )
                    .file(
                        "apps/api/project.json",
                        r#"{ "targets": { "build": { "options": {
  "styles": ["node_modules/roboto-fontface/css/roboto/roboto-fontface.css"],
  "scripts": ["./node_modules/hammerjs/hammer.min.js"] } },
  "clean": { "executor": "nx:run-commands", "options": { "command": "shx rm -rf dist" } } } }"#,
                    )
                    .file(
                        "apps/api/ngsw-config.json",
                        r#"{ "assetGroups": [{ "resources": { "files": ["/node_modules/ionicons/dist/**"] } }] }"#,
                    )
                    .file(
                        "apps/api/vite.config.ts",
                        "export default { resolve: { alias: { buffer: 'buffer/' } } };\n",
                    )
                    .file(
                        "apps/api/src/icons.ts",
                        "import IconEdit from '~icons/lucide/edit';\nexport const icon = IconEdit;\n",
                    ),
                ),
                case(
                    "a generator's template manifest is not a package of the repository",
                    api(r#"  "dependencies": { "express": "^4.19.2" }"#)
                        .file(
                            "apps/api/src/server/package-json/package.json",
                            r#"{ "name": "@amplication/server-template", "dependencies": { "@nestjs/core": "^10.0.0", "bcrypt": "^5.1.1" } }"#,
                        )
                        .file(
                            "apps/api/src/server/package-json/src/app.ts",
                            "import { NestFactory } from '@nestjs/core';\nNestFactory.create({});\n",
                        )
                        .file(
                            "templates/service/package.json",
                            r#"{ "name": "<%= name %>", "dependencies": { "moment": "^2.30.1" } }"#,
                        )
                        .file(
                            "templates/service/index.ts",
                            "import { readFileSync } from 'node:fs';\nreadFileSync('x');\n",
                        ),
                ),
                case(
                    "an Electron app manifest declares what its packager bundles",
                    api(r#"  "dependencies": { "express": "^4.19.2", "electron-store": "^8.1.0", "moment-range": "^4.0.2" },
  "devDependencies": { "electron": "^38.1.2", "electron-builder": "^26.0.0" }"#),
                ),
                case(
                    "a root that installs what a nested, never-installed package.json's code uses",
                    Repo::new()
                        .file(
                            "package.json",
                            r#"{ "name": "org", "private": true, "scripts": { "start": "nx serve api" },
  "dependencies": { "@nestjs/core": "^10.3.0", "moment": "^2.30.1" } }"#,
                        )
                        .file("jest.config.ts", "export default {};\n")
                        .file(
                            "packages/api/package.json",
                            r#"{ "name": "@org/api", "version": "1.0.0" }"#,
                        )
                        .file(
                            "packages/api/src/main.ts",
                            "import { NestFactory } from '@nestjs/core';\nimport moment from 'moment';\nNestFactory.create(moment());\n",
                        ),
                ),
                case(
                    "peer dependencies are the consumer's to install",
                    api(r#"  "dependencies": { "express": "^4.19.2" },
  "peerDependencies": { "reflect-metadata": "^0.2.0", "rxjs": "^7.8.1" }"#),
                ),
                case(
                    "a workspace root's dependencies serve every member",
                    api(r#"  "dependencies": { "express": "^4.19.2" }"#)
                        .file(
                            "package.json",
                            r#"{ "name": "acme", "private": true, "workspaces": ["apps/*"],
                                 "dependencies": { "moment": "^2.30.1" } }"#,
                        )
                        .file("index.ts", "import { readFileSync } from 'node:fs';\nreadFileSync('x');\n"),
                ),
                case(
                    "a package whose code is not in the repository",
                    api(r#"  "dependencies": { "express": "^4.19.2", "moment": "^2.30.1" }"#)
                        .without("apps/api/src/main.ts"),
                ),
                case("a single-package repository", Repo::fixture("single-package-express")),
                case(
                    "Nx integrated repository declaring everything at the root",
                    Repo::fixture("nx-integrated-root-deps"),
                ),
                // Vue/Svelte/Astro (sfc)
                case(
                    "a dependency used only in a Vue component's template",
                    api(r#"  "dependencies": { "express": "^4.19.2", "vue-github-button": "^3.1.0" }"#)
                        .file(
                            "apps/api/src/Star.vue",
                            "<template>\n  <GithubButton href=\"https://example.com\" />\n</template>\n<script setup lang=\"ts\">\nimport GithubButton from 'vue-github-button';\n</script>\n",
                        ),
                ),
                case(
                    "dependencies used only in a Svelte component and an Astro page",
                    api(r#"  "dependencies": { "express": "^4.19.2", "chart.js": "^4.4.0", "canvas-confetti": "^1.9.0" }"#)
                        .file(
                            "apps/api/src/Chart.svelte",
                            "<script lang=\"ts\">\n  import { Chart } from 'chart.js';\n</script>\n<canvas />\n",
                        )
                        .file(
                            "apps/api/src/pages/index.astro",
                            "---\nconst title = 'Home';\n---\n<h1>{title}</h1>\n<script>\n  import confetti from 'canvas-confetti';\n  confetti();\n</script>\n",
                        ),
                ),
            ],
        }
    }

    #[test]
    fn on_the_prom_client_incident_only_moment() {
        // `utils-alias` is used through its npm alias, `@types/express` with `express`,
        // `supertest` by the e2e test and `ts-jest` by the Jest preset.
        assert_eq!(
            incident::check(&Unused),
            [(
                "info".to_string(),
                "services/auth/package.json:18".to_string()
            )]
        );
    }
}
