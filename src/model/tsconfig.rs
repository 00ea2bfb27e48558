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
    /// The longest key of `by_prefix`: no longer prefix of a specifier is looked up.
    longest_prefix: usize,
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
        let longest_prefix = by_prefix.keys().map(String::len).max().unwrap_or(0);
        PathAliases {
            aliases,
            exact,
            by_prefix,
            longest_prefix,
        }
    }

    /// The pattern TypeScript picks for `specifier` (an exact match, else the wildcard with
    /// the longest prefix) and the text its `*` captures.
    pub fn matching<'s>(&self, specifier: &'s str) -> Option<(&PathAlias, &'s str)> {
        if let Some(&i) = self.exact.get(specifier) {
            return Some((&self.aliases[i], ""));
        }
        // Longest first, and none longer than a pattern's: every prefix of a long specifier
        // was hashed (quadratic in its length).
        let longest = self.longest_prefix.min(specifier.len());
        let prefixes = (0..=longest)
            .rev()
            .filter(|&end| specifier.is_char_boundary(end));
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
    /// A solution-style config (`"files": []` and no `include`, only `references`): it
    /// compiles nothing itself, its references compile the files.
    pub solution: bool,
    /// The files the config compiles, as its own `files`, `include` and `exclude` say
    /// (repository-relative patterns; `include` defaults to `**/*` when neither is set).
    pub files: Vec<String>,
    pub include: Vec<Glob>,
    pub exclude: Vec<Glob>,
    /// `extends` entries that point outside the repository or into `node_modules`.
    pub unresolved_extends: Vec<String>,
}

impl TsConfig {
    /// Whether the config compiles `path`: listed in `files`, or matched by `include` and not
    /// by `exclude`. A pattern whose last segment has neither a wildcard nor an extension is
    /// a folder (`src` is `src/**/*`), as in TypeScript.
    pub fn covers(&self, path: &str) -> bool {
        // `include` finds TypeScript and JavaScript files only: a package.json below is no
        // file of the project.
        let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
        if !matches!(
            ext,
            "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs"
        ) {
            return false;
        }
        self.files.iter().any(|f| f == path)
            || (self.include.iter().any(|g| g.matches(path))
                && !self.exclude.iter().any(|g| g.matches(path)))
    }
}

/// An `include` or `exclude` pattern (repository-relative), compiled once: a solution-style
/// tsconfig's references are tried for every source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pub pattern: String,
    shape: Shape,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// No wildcard: that one path.
    Literal(String),
    /// `dir/**/last` (`src` is `src/**/*`): a file at any depth below `dir/` (`""`: anywhere)
    /// whose name matches `last`.
    Below { dir: String, last: String },
    /// Any other shape, matched by [`segments_match`]; `folder` adds TypeScript's `/**/*`.
    General { folder: bool },
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        let last = pattern.rsplit('/').next().unwrap_or_default();
        // A last segment with neither a wildcard nor an extension is a folder, as in TypeScript.
        let folder = !last.contains(['*', '?', '.']);
        let parts: Vec<&str> = segments(pattern).collect();
        let is_literal = |s: &&str| !s.contains(['*', '?']);
        let shape = if folder && parts.iter().all(is_literal) {
            Shape::Below {
                dir: dir_prefix(&parts),
                last: "*".to_string(),
            }
        } else if folder {
            Shape::General { folder }
        } else if parts.iter().all(is_literal) {
            Shape::Literal(parts.join("/"))
        } else {
            match parts.iter().position(|s| *s == "**") {
                Some(star)
                    if star + 2 == parts.len()
                        && parts[..star].iter().all(is_literal)
                        && !parts[star + 1].contains("**") =>
                {
                    Shape::Below {
                        dir: dir_prefix(&parts[..star]),
                        last: parts[star + 1].to_string(),
                    }
                }
                _ => Shape::General { folder },
            }
        };
        Glob {
            pattern: pattern.to_string(),
            shape,
        }
    }

    /// Whether the pattern matches `path` (repository-relative, clean, as the walk gives it).
    pub fn matches(&self, path: &str) -> bool {
        match &self.shape {
            Shape::Literal(literal) => literal == path,
            Shape::Below { dir, last } => path.strip_prefix(dir.as_str()).is_some_and(|rest| {
                let name = rest.rsplit('/').next().unwrap_or_default();
                !rest.is_empty() && segment_matches(last, name)
            }),
            Shape::General { folder: true } => {
                segments_match(segments(&self.pattern).chain(["**", "*"]), segments(path))
            }
            Shape::General { folder: false } => {
                segments_match(segments(&self.pattern), segments(path))
            }
        }
    }
}

/// `a/b/` for the folders `a`, `b`; `""` for none.
fn dir_prefix(parts: &[&str]) -> String {
    parts.iter().map(|p| format!("{p}/")).collect()
}

#[cfg(test)]
fn include_matches(pattern: &str, path: &str) -> bool {
    Glob::new(pattern).matches(path)
}

fn segments(text: &str) -> impl Iterator<Item = &str> + Clone {
    text.split('/').filter(|s| !s.is_empty())
}

/// `**` matches any number of folders, `*` and `?` match within one segment. The wildcard
/// algorithm of [`wildcard`] over segments, `**` as its `*`: one backtrack point (the last
/// `**`), so `**/**/**/a` against a deep path is not exponential.
fn segments_match<'a, P, S>(mut pattern: P, mut path: S) -> bool
where
    P: Iterator<Item = &'a str> + Clone,
    S: Iterator<Item = &'a str> + Clone,
{
    // The pattern after the last `**`, and the path from where that `**` stopped matching.
    let mut star: Option<(P, S)> = None;
    loop {
        let mut rest = path.clone();
        let Some(segment) = rest.next() else { break };
        let mut after = pattern.clone();
        match after.next() {
            Some("**") => {
                star = Some((after.clone(), path.clone()));
                pattern = after;
                continue;
            }
            Some(first) if segment_matches(first, segment) => {
                pattern = after;
                path = rest;
                continue;
            }
            _ => {}
        }
        // Let the last `**` take one more folder.
        let Some((after_star, mark)) = &mut star else {
            return false;
        };
        mark.next();
        pattern = after_star.clone();
        path = mark.clone();
    }
    pattern.all(|p| p == "**")
}

fn segment_matches(pattern: &str, segment: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return pattern == segment;
    }
    if pattern == "*" {
        return true;
    }
    if pattern.is_ascii() && segment.is_ascii() {
        return wildcard(pattern.as_bytes(), segment.as_bytes());
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = segment.chars().collect();
    wildcard(&p, &s)
}

/// Classic wildcard matching with one backtrack point: linear in practice.
fn wildcard<T: Copy + PartialEq + From<u8>>(p: &[T], s: &[T]) -> bool {
    let (question, asterisk) = (T::from(b'?'), T::from(b'*'));
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < s.len() {
        if i < p.len() && (p[i] == question || p[i] == s[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == asterisk {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(at) = star {
            i = at + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == asterisk)
}

/// `paths` as written (pattern → targets), with the directory of the config that set them.
type RawPaths = (String, Vec<(String, Vec<String>)>);

/// Options after inheritance, each with the directory it is relative to.
#[derive(Clone, Default)]
struct Effective {
    base_url: Option<String>,
    /// Shared: a base config's `paths` (one per package in a large workspace) are inherited
    /// by every config extending it, and were cloned into each.
    paths: Option<Arc<RawPaths>>,
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
    /// Applies a config's own options; `own_paths` is its `paths`, with its directory.
    fn apply(&mut self, dir: &str, o: &CompilerOptions, own_paths: Option<Arc<RawPaths>>) {
        if let Some(b) = &o.base_url {
            self.base_url = paths::join(dir, b);
        }
        if own_paths.is_some() {
            self.paths = own_paths;
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
    let mut own_paths: HashMap<&str, Arc<RawPaths>> = HashMap::new();
    let mut out: Vec<TsConfig> = raw
        .iter()
        .map(|config| {
            let mut unresolved = Vec::new();
            let mut walk = Walk {
                stack: Vec::new(),
                read: 0,
            };
            let effective = effective(
                model,
                &by_path,
                config,
                &mut walk,
                &mut unresolved,
                &mut own_paths,
            );
            finish(model, config, effective, unresolved, &mut shared)
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Maximum `extends` depth; TypeScript has none, but a cycle must end somewhere.
const MAX_DEPTH: usize = 32;

/// Most configs read for one config's `extends`, repeats included: arrays that each extend
/// the next config twice would otherwise read it 2^[`MAX_DEPTH`] times.
const MAX_EXTENDS: usize = 256;

/// Where one config's `extends` walk is.
struct Walk<'a> {
    /// The configs being read, outermost first.
    stack: Vec<&'a str>,
    /// How many configs it read (see [`MAX_EXTENDS`]).
    read: usize,
}

fn effective<'a>(
    model: &Model,
    by_path: &BTreeMap<&str, &'a RawTsConfig>,
    config: &'a RawTsConfig,
    walk: &mut Walk<'a>,
    unresolved: &mut Vec<String>,
    own_paths: &mut HashMap<&'a str, Arc<RawPaths>>,
) -> Effective {
    let dir = paths::parent(&config.path);
    let mut result = Effective::default();
    walk.read += 1;
    let stack = &walk.stack;
    if stack.len() < MAX_DEPTH && walk.read <= MAX_EXTENDS && !stack.contains(&config.path.as_str())
    {
        walk.stack.push(&config.path);
        // Later entries of an `extends` array override earlier ones.
        for extends in &config.extends {
            match locate_extends(model, dir, &extends.value).and_then(|p| by_path.get(p.as_str())) {
                Some(parent) => {
                    let inherited = effective(model, by_path, parent, walk, unresolved, own_paths);
                    merge(&mut result, inherited);
                }
                None => unresolved.push(extends.value.clone()),
            }
        }
        walk.stack.pop();
    }
    let own = config.compiler_options.paths.as_ref().map(|p| {
        Arc::clone(
            own_paths
                .entry(config.path.as_str())
                .or_insert_with(|| Arc::new((dir.to_string(), p.clone()))),
        )
    });
    result.apply(dir, &config.compiler_options, own);
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
        Some(own) => {
            let (defined_in, entries) = &*own;
            let anchor = e.base_url.clone().unwrap_or_else(|| defined_in.clone());
            let key = (anchor.clone(), defined_in.clone());
            Arc::clone(shared.entry(key).or_insert_with(|| {
                Arc::new(PathAliases::new(
                    entries
                        .iter()
                        .map(|(pattern, targets)| PathAlias {
                            pattern: pattern.clone(),
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
    let anchored = |patterns: &[String]| -> Vec<String> {
        patterns
            .iter()
            .filter_map(|p| paths::join(&dir, p))
            .collect()
    };
    let globs = |patterns: Vec<String>| patterns.iter().map(|p| Glob::new(p)).collect();
    let solution = config.files.as_ref().is_some_and(Vec::is_empty)
        && config.include.as_ref().is_none_or(Vec::is_empty)
        && !config.references.is_empty();
    let include = globs(match (&config.include, &config.files) {
        (Some(include), _) => anchored(include),
        (None, Some(_)) => Vec::new(),
        (None, None) => anchored(&["**/*".to_string()]),
    });
    TsConfig {
        solution,
        files: anchored(config.files.as_deref().unwrap_or_default()),
        include,
        exclude: globs(anchored(config.exclude.as_deref().unwrap_or_default())),
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
    use super::{PathAlias, PathAliases, include_matches, segments, segments_match};
    use crate::rules::testing::Repo;

    /// Vite's and Nx's solution-style `tsconfig.json` lists only `references`; the decorator
    /// and module options are in the referenced `tsconfig.app.json` / `tsconfig.lib.json`.
    /// The nearest `tsconfig.json` was taken for every file, so its (absent) options were.
    #[test]
    fn compiled_globs_agree_with_the_general_matcher() {
        let patterns = [
            "src/**/*.ts",
            "src/**/*",
            "**/*.spec.ts",
            "a/b/**/c",
            "src/**/x?.ts",
            "**/*",
            "src",
            "a/b",
            "src/**",
            "src/*/x.ts",
            "a/**/b/**/c.ts",
            "a//b/**/*.ts",
            "*.ts",
            "a/b/c.ts",
            "a/b/c",
            "**",
            "a/**/c",
            "a/*/c",
        ];
        let paths = [
            "src/a.ts",
            "src/x/y/a.ts",
            "src",
            "a/b/c",
            "a/b/x/c",
            "a/b/c/d",
            "x.spec.ts",
            "a/b/x.spec.ts",
            "src/x1.ts",
            "src/d/xy.ts",
            "a/b/c.ts",
            "a/x/b/y/c.ts",
            "lib/a.ts",
            "a.ts",
            "",
        ];
        for pattern in patterns {
            for path in paths {
                let general = if pattern
                    .rsplit('/')
                    .next()
                    .is_some_and(|l| !l.contains(['*', '?', '.']))
                {
                    segments_match(segments(pattern).chain(["**", "*"]), segments(path))
                } else {
                    segments_match(segments(pattern), segments(path))
                };
                assert_eq!(
                    include_matches(pattern, path),
                    general,
                    "{pattern} against {path}"
                );
            }
        }
    }

    #[test]
    fn include_patterns_match_as_typescript_does() {
        let cases = [
            ("src", "src/a.ts", true),
            ("src", "src", false),
            ("src", "lib/src/a.ts", false),
            ("src/**/*", "src/a/b/c.ts", true),
            ("src/**/*.ts", "src/a.ts", true),
            ("src/**/*.spec.ts", "src/a/b.spec.ts", true),
            ("src/**/*.spec.ts", "src/a/b.ts", false),
            ("**/*.test.ts", "a/b/c.test.ts", true),
            ("**/*.test.ts", "c.test.ts", true),
            ("*.ts", "a.ts", true),
            ("*.ts", "a/b.ts", false),
            ("src/?.ts", "src/b.ts", true),
            ("src/?.ts", "src/bb.ts", false),
            ("src/*-é.ts", "src/x-é.ts", true),
            ("src/*-é.ts", "src/x-e.ts", false),
            ("jest.config.ts", "jest.config.ts", true),
            ("jest.config.ts", "src/jest.config.ts", false),
            ("apps/**/src", "apps/a/src/x.ts", true),
            ("apps/**/src", "apps/a/lib/x.ts", false),
            ("apps/*/src", "apps/a/src/x.ts", true),
            ("apps/**/src", "apps/a/b/src/x.ts", true),
            ("apps/**/src", "apps/src/x/y.ts", true),
            ("src/**", "src/a/b.ts", true),
            ("src/**/**/*.ts", "src/a.ts", true),
            ("**/a/**/b/*.ts", "x/a/y/a/z/b/c.ts", true),
            ("**/a/**/b/*.ts", "x/a/y/b/z/c.ts", false),
        ];
        for (pattern, path, expected) in cases {
            assert_eq!(
                include_matches(pattern, path),
                expected,
                "{pattern} ~ {path}"
            );
        }
    }

    #[test]
    fn path_aliases_match_the_longest_prefix_of_long_specifiers() {
        let alias = |pattern: &str| PathAlias {
            pattern: pattern.to_string(),
            targets: vec![format!("libs/{pattern}")],
        };
        let paths = PathAliases::new(vec![alias("@app/*"), alias("@app/core/*"), alias("é/*")]);
        let (a, captured) = paths.matching("@app/core/x").expect("a match");
        assert_eq!((a.pattern.as_str(), captured), ("@app/core/*", "x"));
        let (a, captured) = paths.matching("é/ü").expect("a match");
        assert_eq!((a.pattern.as_str(), captured), ("é/*", "ü"));
        let long = format!("@app/{}", "ü".repeat(100_000));
        let (a, captured) = paths.matching(&long).expect("a match");
        assert_eq!((a.pattern.as_str(), captured.len()), ("@app/*", 200_000));
        assert!(paths.matching(&"x".repeat(100_000)).is_none());
    }

    #[test]
    fn many_globstars_against_a_deep_path_end() {
        // With one backtrack point per `**` this was exponential in the number of `**`.
        let pattern = format!("{}a/*.ts", "**/".repeat(40));
        let deep = "d/".repeat(200);
        assert!(!include_matches(&pattern, &format!("{deep}b.ts")));
        assert!(!include_matches(&pattern, &format!("{deep}a")));
        assert!(include_matches(&pattern, &format!("{deep}a/b.ts")));
        let folder = format!("{}x", "**/".repeat(40));
        assert!(!include_matches(&folder, &format!("{deep}b.ts")));
    }

    #[test]
    fn a_file_under_a_solution_config_gets_the_referenced_project_that_includes_it() {
        let model = Repo::new()
            .file("package.json", r#"{ "name": "api" }"#)
            .file(
                "tsconfig.json",
                r#"{ "files": [], "references": [{ "path": "./tsconfig.app.json" }, { "path": "./tsconfig.spec.json" }] }"#,
            )
            .file(
                "tsconfig.app.json",
                r#"{ "compilerOptions": { "emitDecoratorMetadata": true }, "include": ["src/**/*.ts"], "exclude": ["src/**/*.spec.ts"] }"#,
            )
            .file(
                "tsconfig.spec.json",
                r#"{ "compilerOptions": { "verbatimModuleSyntax": true }, "include": ["src/**/*.spec.ts", "test"] }"#,
            )
            .model();
        let path = |file: &str| model.tsconfig_for(file).map(|t| t.path.as_str());
        assert_eq!(path("src/app/users.service.ts"), Some("tsconfig.app.json"));
        assert_eq!(path("src/app/users.spec.ts"), Some("tsconfig.spec.json"));
        assert_eq!(path("test/e2e/app.ts"), Some("tsconfig.spec.json"));
        // Covered by no reference: the solution config itself.
        assert_eq!(path("scripts/seed.js"), Some("tsconfig.json"));
        // Not a file TypeScript compiles.
        assert_eq!(path("src/templates/package.json"), Some("tsconfig.json"));
        assert!(
            model
                .tsconfig_for("src/main.ts")
                .unwrap()
                .emit_decorator_metadata
        );
    }

    /// Nx and most monorepos set the decorator options once, in a base config every package
    /// extends; they were read only from the package's own config, so constructor types of
    /// every such package were taken for erased imports.
    #[test]
    fn extends_arrays_that_fan_out_are_read_a_bounded_number_of_times() {
        // Each config extends the next one twice: 2^30 reads when every entry is followed.
        let mut repo = Repo::new().file("package.json", r#"{ "name": "org", "private": true }"#);
        for i in 0..30 {
            repo = repo.file(
                &format!("tsconfig.t{i}.json"),
                &format!(
                    r#"{{ "extends": ["./tsconfig.t{0}.json", "./tsconfig.t{0}.json"] }}"#,
                    i + 1
                ),
            );
        }
        repo = repo.file(
            "tsconfig.t30.json",
            r#"{ "compilerOptions": { "emitDecoratorMetadata": true } }"#,
        );
        let model = repo.model();
        assert!(
            model
                .tsconfig("tsconfig.t29.json")
                .unwrap()
                .emit_decorator_metadata
        );
        assert!(model.tsconfig("tsconfig.t0.json").is_some());
    }

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
