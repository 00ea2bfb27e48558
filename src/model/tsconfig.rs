//! tsconfig resolution: the `extends` chain (relative files, files inside workspace packages,
//! arrays), with `baseUrl` and `paths` anchored where TypeScript anchors them: `baseUrl` at the
//! config that set it, `paths` at the effective `baseUrl` or else at the config that set `paths`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::Model;
use crate::parse::tsconfig::{CompilerOptions, RawTsConfig};
use crate::paths;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathAlias {
    /// `@app/*`
    pub pattern: String,
    /// Repository-relative target patterns (`apps/api/src/app/*`).
    pub targets: Vec<String>,
}

/// A config's `paths`, resolved and indexed: exact patterns by name, wildcard patterns by the
/// text before their `*`. Configs that inherit the same `paths` from the same anchor share one
/// table (a monorepo's base config is inherited by every package).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PathAliases {
    aliases: Vec<PathAlias>,
    exact: HashMap<String, usize>,
    by_prefix: HashMap<String, Vec<usize>>,
}

impl PathAliases {
    fn new(aliases: Vec<PathAlias>) -> Self {
        let mut exact = HashMap::new();
        let mut by_prefix: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, alias) in aliases.iter().enumerate() {
            match alias.pattern.split_once('*') {
                Some((prefix, _)) => by_prefix.entry(prefix.to_string()).or_default().push(i),
                None => {
                    exact.entry(alias.pattern.clone()).or_insert(i);
                }
            }
        }
        PathAliases {
            aliases,
            exact,
            by_prefix,
        }
    }

    /// The pattern TypeScript picks for `specifier` (an exact match, else the wildcard with
    /// the longest prefix) and the text its `*` captures.
    pub fn matching<'s>(&self, specifier: &'s str) -> Option<(&PathAlias, &'s str)> {
        if let Some(&i) = self.exact.get(specifier) {
            return Some((&self.aliases[i], ""));
        }
        let boundaries = specifier
            .char_indices()
            .map(|(i, _)| i)
            .chain([specifier.len()]);
        let mut prefixes: Vec<usize> = boundaries.collect();
        prefixes.reverse();
        for end in prefixes {
            let Some(candidates) = self.by_prefix.get(&specifier[..end]) else {
                continue;
            };
            for &i in candidates {
                let alias = &self.aliases[i];
                let suffix = alias.pattern.split_once('*').map_or("", |(_, s)| s);
                if let Some(captured) = specifier[end..].strip_suffix(suffix) {
                    return Some((alias, captured));
                }
            }
        }
        None
    }
}

impl std::ops::Deref for PathAliases {
    type Target = [PathAlias];

    fn deref(&self) -> &[PathAlias] {
        &self.aliases
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TsConfig {
    pub path: String,
    pub dir: String,
    /// Repository-relative `baseUrl` directory.
    pub base_url: Option<String>,
    pub paths: Arc<PathAliases>,
    pub types: Option<Vec<String>>,
    pub module: Option<String>,
    pub module_resolution: Option<String>,
    pub out_dir: Option<String>,
    pub root_dir: Option<String>,
    /// `rootDirs`, repository-relative: a relative import resolves from any of them.
    pub root_dirs: Vec<String>,
    pub composite: bool,
    pub emit_decorator_metadata: bool,
    /// Imports are kept as written (no elision of type-only uses).
    pub verbatim_module_syntax: bool,
    /// Referenced tsconfig files, repository-relative.
    pub references: Vec<String>,
    /// `extends` entries that point outside the repository or into `node_modules`.
    pub unresolved_extends: Vec<String>,
}

/// `paths` as written (pattern → targets), with the directory of the config that set them.
type RawPaths = (String, Vec<(String, Vec<String>)>);

/// Options after inheritance, each with the directory it is relative to.
#[derive(Clone, Default)]
struct Effective {
    base_url: Option<String>,
    paths: Option<RawPaths>,
    types: Option<Vec<String>>,
    module: Option<String>,
    module_resolution: Option<String>,
    out_dir: Option<String>,
    root_dir: Option<String>,
    root_dirs: Option<Vec<String>>,
    composite: Option<bool>,
    emit_decorator_metadata: Option<bool>,
    verbatim_module_syntax: Option<bool>,
}

impl Effective {
    fn apply(&mut self, dir: &str, o: &CompilerOptions) {
        if let Some(b) = &o.base_url {
            self.base_url = paths::join(dir, b);
        }
        if let Some(p) = &o.paths {
            self.paths = Some((dir.to_string(), p.clone()));
        }
        let rel = |v: &Option<String>| v.as_ref().and_then(|v| paths::join(dir, v));
        if o.out_dir.is_some() {
            self.out_dir = rel(&o.out_dir);
        }
        if o.root_dir.is_some() {
            self.root_dir = rel(&o.root_dir);
        }
        if let Some(dirs) = &o.root_dirs {
            self.root_dirs = Some(dirs.iter().filter_map(|d| paths::join(dir, d)).collect());
        }
        macro_rules! inherit {
            ($($field:ident),*) => { $( if o.$field.is_some() { self.$field = o.$field.clone(); } )* };
        }
        inherit!(
            types,
            module,
            module_resolution,
            composite,
            emit_decorator_metadata,
            verbatim_module_syntax
        );
    }
}

/// Resolves every loaded config (extended files included: `load` read them).
pub fn resolve_all(model: &Model, raw: &[RawTsConfig]) -> Vec<TsConfig> {
    let by_path: BTreeMap<&str, &RawTsConfig> = raw.iter().map(|c| (c.path.as_str(), c)).collect();
    let mut shared: HashMap<(String, String), Arc<PathAliases>> = HashMap::new();
    let mut out: Vec<TsConfig> = raw
        .iter()
        .map(|config| {
            let mut unresolved = Vec::new();
            let mut stack = Vec::new();
            let effective = effective(model, &by_path, config, &mut stack, &mut unresolved);
            finish(model, config, effective, unresolved, &mut shared)
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Maximum `extends` depth; TypeScript has none, but a cycle must end somewhere.
const MAX_DEPTH: usize = 32;

fn effective<'a>(
    model: &Model,
    by_path: &BTreeMap<&str, &'a RawTsConfig>,
    config: &'a RawTsConfig,
    stack: &mut Vec<&'a str>,
    unresolved: &mut Vec<String>,
) -> Effective {
    let dir = paths::parent(&config.path);
    let mut result = Effective::default();
    if stack.len() < MAX_DEPTH && !stack.contains(&config.path.as_str()) {
        stack.push(&config.path);
        // Later entries of an `extends` array override earlier ones.
        for extends in &config.extends {
            match locate_extends(model, dir, &extends.value).and_then(|p| by_path.get(p.as_str())) {
                Some(parent) => {
                    let inherited = effective(model, by_path, parent, stack, unresolved);
                    merge(&mut result, inherited);
                }
                None => unresolved.push(extends.value.clone()),
            }
        }
        stack.pop();
    }
    result.apply(dir, &config.compiler_options);
    result
}

fn merge(into: &mut Effective, from: Effective) {
    macro_rules! take {
        ($($field:ident),*) => { $( if from.$field.is_some() { into.$field = from.$field; } )* };
    }
    take!(
        base_url,
        paths,
        types,
        module,
        module_resolution,
        out_dir,
        root_dir,
        root_dirs,
        composite,
        emit_decorator_metadata,
        verbatim_module_syntax
    );
}

/// Where an `extends` value points, among the configs the walk saw (see
/// [`crate::parse::tsconfig::locate_extends`]).
fn locate_extends(model: &Model, dir: &str, spec: &str) -> Option<String> {
    crate::parse::tsconfig::locate_extends(
        dir,
        spec,
        |p| model.files.is_file(p),
        |name| model.package_named(name).map(|p| p.dir.as_str()),
    )
}

fn finish(
    model: &Model,
    config: &RawTsConfig,
    e: Effective,
    unresolved_extends: Vec<String>,
    shared: &mut HashMap<(String, String), Arc<PathAliases>>,
) -> TsConfig {
    let dir = paths::parent(&config.path).to_string();
    let aliases = match e.paths {
        Some((defined_in, entries)) => {
            let anchor = e.base_url.clone().unwrap_or_else(|| defined_in.clone());
            let key = (anchor.clone(), defined_in);
            Arc::clone(shared.entry(key).or_insert_with(|| {
                Arc::new(PathAliases::new(
                    entries
                        .into_iter()
                        .map(|(pattern, targets)| PathAlias {
                            pattern,
                            targets: targets
                                .iter()
                                .filter_map(|t| paths::join(&anchor, t))
                                .collect(),
                        })
                        .collect(),
                ))
            }))
        }
        None => Arc::default(),
    };
    let references = config
        .references
        .iter()
        .filter_map(|r| {
            let target = paths::join(&dir, &r.value)?;
            if model.files.is_file(&target) {
                Some(target)
            } else {
                paths::join(&target, "tsconfig.json")
            }
        })
        .collect();
    TsConfig {
        path: config.path.clone(),
        dir,
        base_url: e.base_url,
        paths: aliases,
        types: e.types,
        module: e.module,
        module_resolution: e.module_resolution,
        out_dir: e.out_dir,
        root_dir: e.root_dir,
        root_dirs: e.root_dirs.unwrap_or_default(),
        composite: e.composite.unwrap_or(false),
        emit_decorator_metadata: e.emit_decorator_metadata.unwrap_or(false),
        verbatim_module_syntax: e.verbatim_module_syntax.unwrap_or(false),
        references,
        unresolved_extends,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::Repo;

    /// Nx and most monorepos set the decorator options once, in a base config every package
    /// extends; they were read only from the package's own config, so constructor types of
    /// every such package were taken for erased imports.
    #[test]
    fn decorator_metadata_and_verbatim_syntax_are_inherited_through_extends() {
        let model = Repo::new()
            .file("package.json", r#"{ "name": "org", "private": true }"#)
            .file(
                "tsconfig.base.json",
                r#"{ "compilerOptions": { "emitDecoratorMetadata": true, "verbatimModuleSyntax": true } }"#,
            )
            .file("packages/a/package.json", r#"{ "name": "a" }"#)
            .file(
                "packages/a/tsconfig.json",
                r#"{ "extends": "../../tsconfig.base.json", "compilerOptions": { "strict": true } }"#,
            )
            .file(
                "packages/b/tsconfig.json",
                r#"{ "extends": "../../tsconfig.base.json", "compilerOptions": { "emitDecoratorMetadata": false } }"#,
            )
            .model();
        let a = model.tsconfig("packages/a/tsconfig.json").unwrap();
        assert!(a.emit_decorator_metadata && a.verbatim_module_syntax);
        let b = model.tsconfig("packages/b/tsconfig.json").unwrap();
        assert!(
            !b.emit_decorator_metadata,
            "the extending config's own value wins"
        );
    }
}
