//! What a deployable package expects of its environment and promises to its probes: the
//! environment variables its runtime code reads ([`env_reads`]) and the HTTP routes it serves
//! ([`routes`]), for the package an image ships or a compose service runs (issue 9, "env
//! contract" and "healthcheck contract"). Pure functions of the model; the rules decide what to
//! report.
//!
//! Both read the same files, [`runtime_sources`]: the package's runtime sources (not tests,
//! dev-tool configs, scripts, fixtures or declaration files, see `source_class`), and every file
//! they reach through runtime imports, transitively, in this package or another workspace
//! package (a shared config package counts for the service that imports it). A file reached
//! from runtime code runs at runtime whatever its name says (`database.config.ts`, which
//! `source_class` files as a dev-tool config, is what `ConfigModule.forRoot({ load })` loads).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::nest::{ModuleKind, Nest};
use super::{Model, SourceClass, Target};
use crate::data::{self, http_middleware::ROUTELESS_PACKAGES};
use crate::parse::typescript::{
    Class, EnvClass, EnvSource, Expr, ExprKind, Framework, HttpMethod, MountTarget, RoutePath,
    ServerKind, decorator_args, decorator_name,
};
use crate::paths;
use crate::source::Span;

/// One environment variable read, where it is read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EnvReadAt {
    pub name: String,
    /// The repository-relative file.
    pub path: String,
    pub span: Span,
    pub class: EnvClass,
    pub source: EnvSource,
    /// The workspace package the read comes from, when it is not the package itself (a
    /// shared config package the service imports).
    pub via: Option<String>,
}

/// A file the package runs, and the package it belongs to when that is another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RuntimeSource {
    /// Index into `Model::sources`.
    pub source: usize,
    /// The other workspace package (index into `Model::packages`) the file belongs to.
    pub via: Option<usize>,
}

/// The files a package runs: its runtime sources, and what they import at runtime,
/// transitively (files of this package whatever their class but tests, fixtures and
/// declarations; files of other workspace packages the same way). A workspace import whose
/// entry file cannot be found (built output only) brings in all of that package's runtime
/// sources. Sorted by source index.
pub fn runtime_sources(model: &Model, package: usize) -> Vec<RuntimeSource> {
    let graph = model.runtime_edges.get_or_init(|| RuntimeGraph {
        edges: runtime_edges(model),
        own: owned_runtime_sources(model),
    });
    let edges = &graph.edges;
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let mut whole: BTreeSet<usize> = BTreeSet::new();
    let mut stack: Vec<usize> = Vec::new();
    let add = |i: usize, seen: &mut BTreeSet<usize>, stack: &mut Vec<usize>| {
        let class = model.sources[i].class;
        let runs = !matches!(
            class,
            SourceClass::Test | SourceClass::Fixture | SourceClass::Declaration
        );
        if runs && seen.insert(i) {
            stack.push(i);
        }
    };
    let own = |p: usize| graph.own.get(p).into_iter().flatten().copied();
    for i in own(package) {
        add(i, &mut seen, &mut stack);
    }
    while let Some(i) = stack.pop() {
        for edge in &edges[i] {
            match *edge {
                RuntimeEdge::File(j) => add(j, &mut seen, &mut stack),
                RuntimeEdge::Package(w) if w != package => {
                    if whole.insert(w) {
                        for j in own(w) {
                            add(j, &mut seen, &mut stack);
                        }
                    }
                }
                RuntimeEdge::Package(_) => {}
            }
        }
    }
    seen.into_iter()
        .map(|source| RuntimeSource {
            source,
            via: model.sources[source].package.filter(|p| *p != package),
        })
        .collect()
}

/// What [`runtime_sources`] walks, built once per model.
#[derive(Debug)]
pub(crate) struct RuntimeGraph {
    edges: Vec<Vec<RuntimeEdge>>,
    /// Each package's runtime sources (indices into `Model::sources`).
    own: Vec<Vec<usize>>,
}

fn owned_runtime_sources(model: &Model) -> Vec<Vec<usize>> {
    let mut own = vec![Vec::new(); model.packages.len()];
    for (i, source) in model.sources.iter().enumerate() {
        if let Some(p) = source.package
            && source.class.is_runtime()
            && let Some(list) = own.get_mut(p)
        {
            list.push(i);
        }
    }
    own
}

/// Where a runtime import of a source leads, for [`runtime_sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuntimeEdge {
    /// A source file (index into `Model::sources`).
    File(usize),
    /// A workspace package whose entry file cannot be found (built output only): all of its
    /// runtime sources.
    Package(usize),
}

/// The runtime import edges of every source, resolved once per model: a package's closure is
/// then a walk, whichever package asks (a shared library is resolved once, not once per
/// service that ships it).
fn runtime_edges(model: &Model) -> Vec<Vec<RuntimeEdge>> {
    let by_path: BTreeMap<&str, usize> = model
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.path.as_str(), i))
        .collect();
    // A workspace import's file depends on the package, the specifier and (for a path alias)
    // the importing file's tsconfig only: many files import the same few entries, and each
    // lookup probes the file index for every extension.
    let mut landed: HashMap<(usize, &str, Option<usize>), Option<usize>> = HashMap::new();
    model
        .sources
        .iter()
        .map(|source| {
            source
                .imports
                .iter()
                .filter(|i| i.runtime)
                .filter_map(|import| match &import.target {
                    Target::File(file) => by_path.get(file.as_str()).map(|&j| RuntimeEdge::File(j)),
                    Target::Workspace(w) if source.package != Some(*w) => {
                        let specifier = import.import.specifier.as_str();
                        let file = *landed
                            .entry((*w, specifier, source.tsconfig))
                            .or_insert_with(|| {
                                workspace_file(model, source, *w, specifier)
                                    .and_then(|f| by_path.get(f.as_str()).copied())
                            });
                        Some(file.map_or(RuntimeEdge::Package(*w), RuntimeEdge::File))
                    }
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The file a workspace import lands on: a subpath (`@repo/config/db` → `db.*` or `src/db.*`
/// in the package), the package's entry (`types`/`main`/`module`, `index.*`, else
/// `src/index.*`: an entry in build output is the source before the build), or a tsconfig
/// path alias's target.
fn workspace_file(
    model: &Model,
    from: &super::Source,
    package: usize,
    specifier: &str,
) -> Option<String> {
    let target = &model.packages[package];
    let resolve = |base: &str| {
        super::resolve::resolve_file(model, base)
            .filter(|f| !super::source_class::is_declaration_file(f))
    };
    let joined = |sub: &str| paths::join(&target.dir, sub);
    if let Some(name) = target.manifest.name.as_ref().map(|n| n.value.as_str())
        && let Some(rest) = specifier.strip_prefix(name)
        && (rest.is_empty() || rest.starts_with('/'))
    {
        let sub = rest.trim_start_matches('/');
        if sub.is_empty() {
            return resolve(&target.dir).or_else(|| joined("src/index").and_then(|b| resolve(&b)));
        }
        return joined(sub)
            .and_then(|b| resolve(&b))
            .or_else(|| joined(&format!("src/{sub}")).and_then(|b| resolve(&b)));
    }
    // A tsconfig path alias that lands in the package.
    let tsconfig = model.source_tsconfig(from)?;
    let (alias, captured) = tsconfig.paths.matching(specifier)?;
    alias.targets.iter().find_map(|t| {
        let path = paths::join("", &t.replacen('*', captured, 1))?;
        resolve(&path)
    })
}

/// Every environment variable the package's runtime code reads (see [`runtime_sources`]),
/// sorted by file, position and name, one entry per (name, file, line).
pub fn env_reads(model: &Model, package: usize) -> Vec<EnvReadAt> {
    let mut out: Vec<EnvReadAt> = Vec::new();
    for RuntimeSource { source, via } in runtime_sources(model, package) {
        let source = &model.sources[source];
        let via = via.map(|p| model.packages[p].name().to_string());
        for read in &source.env_reads {
            out.push(EnvReadAt {
                name: read.name.clone(),
                path: source.path.clone(),
                span: read.span,
                class: read.class,
                source: read.source,
                via: via.clone(),
            });
        }
    }
    // One read per (name, file, line): the strongest class (`Required` first) wins.
    let mut kept: BTreeMap<(String, u32, String), EnvReadAt> = BTreeMap::new();
    for read in out {
        let key = (read.path.clone(), read.span.line, read.name.clone());
        match kept.get(&key) {
            Some(k) if (k.class, k.span) <= (read.class, read.span) => {}
            _ => {
                kept.insert(key, read);
            }
        }
    }
    let mut kept: Vec<EnvReadAt> = kept.into_values().collect();
    kept.sort_by(|a, b| (&a.path, a.span, &a.name).cmp(&(&b.path, b.span, &b.name)));
    kept
}

/// A route the package serves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServedRoute {
    /// The full path, normalized (`/api/v1/health`, `/users/:id`, `/`).
    pub path: String,
    pub method: HttpMethod,
    /// Matches the path and everything under it (a mount that serves: Swagger UI).
    pub prefix: bool,
    pub file: String,
    pub span: Span,
}

/// Something that may serve paths seaworthy cannot list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unknown {
    /// The path prefix it is confined to (`/` for anywhere).
    pub under: String,
    pub reason: String,
    /// Where (empty when it is an absence: no server seaworthy can read).
    pub file: String,
    pub span: Span,
}

/// The routes a package serves, as far as the code shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteTable {
    pub routes: Vec<ServedRoute>,
    pub unknown: Vec<Unknown>,
    /// Nothing unknown anywhere: every route was read.
    pub complete: bool,
}

impl RouteTable {
    /// Whether a probe of `path` is served: `Some(true)` when a route matches (Express and
    /// Nest `:param`s, `*` wildcards; a trailing slash, the query string and a
    /// `http://host:port` prefix are ignored; case-insensitive, as Express routes by default),
    /// `Some(false)` when none does and nothing unknown may serve it (the table is complete,
    /// or everything unknown is confined under prefixes the path is not under: an
    /// `app.use('/static', express.static(…))` says nothing about `/health`), `None` otherwise.
    ///
    /// `method_is_get`: the probe is a GET (curl and wget by default); GET, ALL and
    /// unknown-method routes serve it. Otherwise (HEAD, POST, …) any route counts: Express,
    /// Fastify and Nest answer HEAD from GET routes, and other probe methods are rare.
    pub fn serves(&self, method_is_get: bool, path: &str) -> Option<bool> {
        let probe = segments_of_probe(path);
        let method_ok = |m: HttpMethod| {
            !method_is_get || matches!(m, HttpMethod::Get | HttpMethod::All | HttpMethod::Other)
        };
        if self.routes.iter().any(|r| {
            (r.prefix || method_ok(r.method)) && pattern_matches(&r.path, &probe, r.prefix)
        }) {
            return Some(true);
        }
        if self
            .unknown
            .iter()
            .any(|u| pattern_matches(&u.under, &probe, true))
        {
            return None;
        }
        Some(false)
    }
}

/// A probe's path segments: no scheme and host, no query or fragment, no empty segments.
fn segments_of_probe(path: &str) -> Vec<&str> {
    let mut path = path.trim();
    for scheme in ["http://", "https://"] {
        if let Some(rest) = path.strip_prefix(scheme) {
            path = rest.find('/').map_or("", |i| &rest[i..]);
        }
    }
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// Whether a route pattern matches the probe (as a prefix of it when `prefix`). A `:param`
/// matches one segment (`:param?` also none); a segment with `*`, `(` or `{` (wildcards,
/// regular expressions, Express 5 optional groups) matches whatever follows.
fn pattern_matches(pattern: &str, probe: &[&str], prefix: bool) -> bool {
    // `at[j]`: the segments of the pattern read so far can take the first `j` of the probe.
    // Each segment takes one (`:param?` also none), so this is linear in the pattern and the
    // probe, where following both choices of every optional segment was exponential.
    let mut at = vec![false; probe.len() + 1];
    at[0] = true;
    for segment in pattern.split('/').filter(|s| !s.is_empty()) {
        if segment.contains(['*', '(', '{']) {
            return true;
        }
        let param = segment.strip_prefix(':');
        let optional = param.is_some_and(|p| p.ends_with('?'));
        // From the end, so that `at[j]` is still the previous segment's when read.
        for j in (0..probe.len()).rev() {
            let takes = at[j] && (param.is_some() || probe[j].eq_ignore_ascii_case(segment));
            at[j + 1] = takes || (optional && at[j + 1]);
        }
        at[0] &= optional;
        if !at.contains(&true) {
            return false;
        }
    }
    if prefix {
        at.contains(&true)
    } else {
        at[probe.len()]
    }
}

/// `/a/b` from parts (`api`, `/v1/`, `health`): slashes collapsed, no trailing slash, `/`
/// for nothing.
fn join_path(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        for segment in part.split('/').filter(|s| !s.is_empty()) {
            out.push('/');
            out.push_str(segment);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The routes the package serves (see [`RouteTable`]), from its [`runtime_sources`]: Nest
/// controllers of the modules its `NestFactory.create` roots reach (global prefix, exclusions,
/// URI versions), and Express/Fastify/Koa/Hono routes joined to the prefixes they are mounted
/// at. Anything not read statically is an [`Unknown`], confined to its prefix where the
/// framework confines it (an Express mount, a Fastify plugin prefix), else anywhere: a
/// non-literal path or prefix, `setGlobalPrefix(variable)`, a controller path that is not a
/// literal, an unknown module in the Nest graph, `app.use(x)` of a function seaworthy does
/// not know, a static file server, `http.createServer(handler)`, a framework it does not read,
/// or no server at all.
pub fn routes(model: &Model, package: usize) -> RouteTable {
    let sources = runtime_sources(model, package);
    let mut table = Builder::default();
    let in_set: BTreeSet<usize> = sources.iter().map(|s| s.source).collect();
    nest_routes(model, &model.nest, &in_set, &mut table);
    express_routes(model, &in_set, &mut table);
    if !table.has_server {
        table.unknown(
            "/",
            "no HTTP server or framework seaworthy reads",
            "",
            Span::default(),
        );
    }
    let mut routes = table.routes;
    routes.sort();
    routes.dedup();
    let mut unknown = table.unknowns;
    unknown.sort();
    unknown.dedup();
    RouteTable {
        complete: unknown.is_empty(),
        routes,
        unknown,
    }
}

#[derive(Default)]
struct Builder {
    routes: Vec<ServedRoute>,
    unknowns: Vec<Unknown>,
    has_server: bool,
}

impl Builder {
    fn unknown(&mut self, under: &str, reason: impl Into<String>, file: &str, span: Span) {
        self.unknowns.push(Unknown {
            under: join_path(&[under]),
            reason: reason.into(),
            file: file.to_string(),
            span,
        });
    }

    fn route(&mut self, path: String, method: HttpMethod, prefix: bool, file: &str, span: Span) {
        self.routes.push(ServedRoute {
            path,
            method,
            prefix,
            file: file.to_string(),
            span,
        });
    }
}

/// Nest's route decorators and the method each serves (`@nestjs/common`
/// decorators/http/request-mapping.decorator.js; `@Sse` is a GET).
const NEST_ROUTES: &[(&str, HttpMethod)] = &[
    ("Get", HttpMethod::Get),
    ("Post", HttpMethod::Post),
    ("Put", HttpMethod::Put),
    ("Patch", HttpMethod::Patch),
    ("Delete", HttpMethod::Delete),
    ("Head", HttpMethod::Head),
    ("Options", HttpMethod::Options),
    ("All", HttpMethod::All),
    ("Search", HttpMethod::Other),
    ("Sse", HttpMethod::Get),
];

/// The application-wide path settings of a Nest app.
struct NestPaths {
    /// Global prefixes (several settings: each may apply).
    prefixes: Vec<String>,
    exclude: Vec<String>,
    /// An exclusion could not be read: every route may be excluded.
    exclude_unknown: bool,
    /// URI versioning: the segment prefix (`v`) and default versions.
    uri_versions: Option<(String, Option<Vec<String>>)>,
}

fn nest_paths(model: &Model, sources: &BTreeSet<usize>, table: &mut Builder) -> NestPaths {
    let mut paths = NestPaths {
        prefixes: Vec::new(),
        exclude: Vec::new(),
        exclude_unknown: false,
        uri_versions: None,
    };
    for &i in sources {
        let source = &model.sources[i];
        for prefix in &source.routes.global_prefixes {
            match &prefix.prefix {
                RoutePath::Literal(p) => paths.prefixes.push(p.clone()),
                RoutePath::Dynamic => table.unknown(
                    "/",
                    "`setGlobalPrefix` with a prefix that is not a literal",
                    &source.path,
                    prefix.span,
                ),
            }
            paths.exclude.extend(prefix.exclude.iter().cloned());
            paths.exclude_unknown |= !prefix.exclude_known;
        }
        for versioning in &source.routes.versionings {
            if !versioning.known {
                table.unknown(
                    "/",
                    "`enableVersioning` with options that are not literals",
                    &source.path,
                    versioning.span,
                );
                continue;
            }
            if versioning.uri == Some(true) {
                paths.uri_versions = Some((
                    versioning.prefix.clone(),
                    versioning.default_version.clone(),
                ));
            }
        }
    }
    if paths.prefixes.is_empty() {
        paths.prefixes.push(String::new());
    }
    paths
}

fn nest_routes(model: &Model, nest: &Nest, sources: &BTreeSet<usize>, table: &mut Builder) {
    let roots: Vec<_> = nest
        .roots
        .iter()
        .filter(|r| r.call == "NestFactory.create" && sources.contains(&r.site.source))
        .collect();
    if roots.is_empty() {
        return;
    }
    table.has_server = true;
    let settings = nest_paths(model, sources, table);
    let mut seen = vec![false; nest.modules.len()];
    let mut stack = Vec::new();
    for root in roots {
        let file = &model.sources[root.site.source].path;
        match root.module {
            Some(m) => stack.push(m),
            None => table.unknown(
                "/",
                "the root module of `NestFactory.create` is not read",
                file,
                root.site.span,
            ),
        }
    }
    let mut controllers = BTreeSet::new();
    while let Some(m) = stack.pop() {
        if std::mem::replace(&mut seen[m], true) {
            continue;
        }
        let module = &nest.modules[m];
        let (file, span) = module
            .site
            .map(|s| (model.sources[s.source].path.as_str(), s.span))
            .unwrap_or_default();
        match &module.kind {
            ModuleKind::Opaque => table.unknown(
                "/",
                format!(
                    "`{}` is a module seaworthy cannot see into",
                    module.display()
                ),
                file,
                span,
            ),
            // GraphQLModule serves its endpoint (`/graphql` unless `path` says otherwise);
            // the other library modules of the table register no controllers.
            ModuleKind::Library { class, .. } if class == "GraphQLModule" => table.unknown(
                "/",
                "`GraphQLModule` serves an endpoint of its own",
                file,
                span,
            ),
            ModuleKind::Library { .. } => {}
            ModuleKind::Class(_) | ModuleKind::Dynamic { .. } => {
                if !module.imports_known {
                    table.unknown(
                        "/",
                        format!("the `imports` of `{}` are not all read", module.display()),
                        file,
                        span,
                    );
                }
                if !module.controllers_known {
                    table.unknown(
                        "/",
                        format!(
                            "the `controllers` of `{}` are not all read",
                            module.display()
                        ),
                        file,
                        span,
                    );
                }
            }
        }
        controllers.extend(module.controllers.iter().map(|(id, _)| *id));
        stack.extend(module.imports.iter().map(|e| e.module));
    }
    for id in controllers {
        let r = nest.class(id);
        let source = &model.sources[r.source];
        let Some(class) = source.classes.get(r.index) else {
            continue;
        };
        controller_routes(&source.path, class, &settings, table);
    }
}

/// Literal strings of a route argument: `'health'`, `['a', 'b']`; `None` when not literal.
fn literal_paths(expr: &Expr) -> Option<Vec<String>> {
    match &expr.kind {
        ExprKind::Str(s) => Some(vec![s.clone()]),
        ExprKind::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                if matches!(item.kind, ExprKind::Comment(_)) {
                    continue;
                }
                out.extend(literal_paths(item)?);
            }
            Some(out)
        }
        _ => None,
    }
}

/// `'1'`, `['1', '2']`, `VERSION_NEUTRAL` (an empty list: no segment).
fn literal_versions(expr: &Expr) -> Option<Vec<String>> {
    match &expr.kind {
        ExprKind::Ident(name) | ExprKind::Member(_, name) if name == "VERSION_NEUTRAL" => {
            Some(Vec::new())
        }
        ExprKind::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                if matches!(item.kind, ExprKind::Comment(_)) {
                    continue;
                }
                out.extend(literal_versions(item)?);
            }
            Some(out)
        }
        _ => literal_paths(expr),
    }
}

/// The routes of one controller class.
fn controller_routes(file: &str, class: &Class, settings: &NestPaths, table: &mut Builder) {
    let Some(controller) = class.decorator("Controller") else {
        table.unknown(
            "/",
            format!(
                "controller `{}` has no `@Controller()` seaworthy reads",
                class.name
            ),
            file,
            class.span,
        );
        return;
    };
    // `@Controller()`, `@Controller('health')`, `@Controller(['a', 'b'])`,
    // `@Controller({ path, version })`.
    let mut version = None;
    let paths = match decorator_args(controller).first() {
        None => Some(vec![String::new()]),
        Some(
            arg @ Expr {
                kind: ExprKind::Object(_),
                ..
            },
        ) => {
            if let Some(v) = arg.prop("version") {
                match literal_versions(v) {
                    Some(v) => version = Some(v),
                    None => {
                        table.unknown(
                            "/",
                            format!(
                                "the version of controller `{}` is not a literal",
                                class.name
                            ),
                            file,
                            controller.span,
                        );
                        return;
                    }
                }
            }
            match arg.prop("path") {
                Some(p) => literal_paths(p),
                None => Some(vec![String::new()]),
            }
        }
        Some(arg) => literal_paths(arg),
    };
    let Some(controller_paths) = paths else {
        table.unknown(
            "/",
            format!("the path of controller `{}` is not a literal", class.name),
            file,
            controller.span,
        );
        return;
    };
    // Routes a base class declares are served too, and seaworthy does not follow `extends`.
    if let Some(base) = &class.extends {
        table.unknown(
            "/",
            format!(
                "controller `{}` extends `{}`, whose routes are not read",
                class.name,
                base.path().unwrap_or_default()
            ),
            file,
            class.span,
        );
    }
    for method in &class.methods {
        let mut method_version = None;
        for decorator in &method.decorators {
            if decorator_name(decorator) == Some("Version") {
                method_version = decorator_args(decorator).first().map(literal_versions);
            }
        }
        for decorator in &method.decorators {
            let Some(name) = decorator_name(decorator) else {
                continue;
            };
            let Some((_, http)) = NEST_ROUTES.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            let route_paths = match decorator_args(decorator).first() {
                None => Some(vec![String::new()]),
                Some(arg) => literal_paths(arg),
            };
            let Some(route_paths) = route_paths else {
                table.unknown(
                    "/",
                    format!(
                        "the path of `{}.{}` is not a literal",
                        class.name, method.name
                    ),
                    file,
                    decorator.span,
                );
                continue;
            };
            let versions = match (&method_version, &version) {
                (Some(Some(v)), _) => Some(v.clone()),
                (Some(None), _) => {
                    table.unknown(
                        "/",
                        format!(
                            "the version of `{}.{}` is not a literal",
                            class.name, method.name
                        ),
                        file,
                        decorator.span,
                    );
                    continue;
                }
                (None, Some(v)) => Some(v.clone()),
                (None, None) => None,
            };
            for controller_path in &controller_paths {
                for route_path in &route_paths {
                    for path in
                        nest_full_paths(settings, versions.as_deref(), controller_path, route_path)
                    {
                        table.route(path, *http, false, file, decorator.span);
                    }
                }
            }
        }
    }
}

/// Every full path of a Nest route: each global prefix (or none, when an exclusion may apply),
/// the URI version segment when versioning is on, the controller and the method path.
fn nest_full_paths(
    settings: &NestPaths,
    versions: Option<&[String]>,
    controller: &str,
    route: &str,
) -> Vec<String> {
    let version_segments: Vec<String> = match &settings.uri_versions {
        None => vec![String::new()],
        Some((prefix, default)) => {
            let versions = versions.or(default.as_deref());
            match versions {
                // No version, or VERSION_NEUTRAL alone: no segment.
                None => vec![String::new()],
                Some([]) => vec![String::new()],
                Some(list) => list.iter().map(|v| format!("{prefix}{v}")).collect(),
            }
        }
    };
    let mut out = Vec::new();
    for version in &version_segments {
        let bare = join_path(&[version, controller, route]);
        let unversioned = join_path(&[controller, route]);
        let excluded = settings.exclude_unknown
            || settings
                .exclude
                .iter()
                .any(|e| may_match_exclusion(e, &bare) || may_match_exclusion(e, &unversioned));
        for prefix in &settings.prefixes {
            out.push(join_path(&[prefix, version, controller, route]));
        }
        if excluded {
            out.push(bare);
        }
    }
    out
}

/// Whether a `setGlobalPrefix` exclusion may cover a route: equal paths, or a pattern
/// (wildcards, parameters) seaworthy does not evaluate exactly.
fn may_match_exclusion(exclude: &str, route: &str) -> bool {
    let exclude = join_path(&[exclude]);
    exclude.contains(['*', '(', ':', '{'])
        || route.contains([':', '*'])
        || exclude.eq_ignore_ascii_case(route)
}

/// A receiver in a file: the node of the mount graph.
type Node = (usize, String);

/// What a mount attaches.
#[derive(Debug, Clone)]
enum Edge {
    Node(Node),
    /// Serves everything under the prefix (Swagger UI).
    Serves,
    /// May serve anything under the prefix, or nothing (why, for the table's `unknown`).
    Unknown(String),
}

/// Express, Fastify, Koa and Hono routes, joined to their mount prefixes: a graph whose nodes
/// are receivers in files and whose edges are mounts. The roots are the receivers nothing
/// mounts: apps, and names the routes are registered on (a function's `app` parameter), but
/// not routers (`express.Router()`, koa-router), which serve nothing until mounted.
fn express_routes(model: &Model, sources: &BTreeSet<usize>, table: &mut Builder) {
    let mut edges: BTreeMap<Node, Vec<(Edge, String)>> = BTreeMap::new();
    let mut targeted: BTreeSet<Node> = BTreeSet::new();
    let mut nodes: BTreeSet<Node> = BTreeSet::new();
    for &i in sources {
        let source = &model.sources[i];
        let facts = &source.routes;
        for route in &facts.routes {
            nodes.insert((i, route.receiver.clone()));
        }
        for mount in &facts.mounts {
            nodes.insert((i, mount.receiver.clone()));
        }
        for server in &facts.servers {
            match (server.framework, server.kind) {
                (Framework::Unknown, ServerKind::Http) => {
                    let wrapped = server.wraps.as_deref().is_some_and(|name| {
                        facts.servers.iter().any(|s| {
                            s.binding.as_deref() == Some(name) && s.kind == ServerKind::App
                        }) || is_import_binding(model, i, name)
                    });
                    if !wrapped {
                        table.unknown(
                            "/",
                            "`createServer` with a request handler seaworthy does not read",
                            &source.path,
                            server.span,
                        );
                    }
                }
                (Framework::Unknown, _) => table.unknown(
                    "/",
                    "a server of a framework whose routes seaworthy does not read",
                    &source.path,
                    server.span,
                ),
                (_, ServerKind::App) => table.has_server = true,
                _ => {}
            }
        }
    }
    // The mounts, resolved to the nodes they attach.
    for &i in sources {
        let source = &model.sources[i];
        for mount in &source.routes.mounts {
            let from = (i, mount.receiver.clone());
            let prefix = match &mount.prefix {
                RoutePath::Literal(p) => p.clone(),
                RoutePath::Dynamic => {
                    table.unknown(
                        "/",
                        "a mount whose path is not a literal",
                        &source.path,
                        mount.span,
                    );
                    continue;
                }
            };
            let targets: Vec<Node> = match &mount.target {
                MountTarget::Middleware => continue,
                MountTarget::Serves => {
                    edges.entry(from).or_default().push((Edge::Serves, prefix));
                    continue;
                }
                MountTarget::Static => {
                    let why = "a static file server".to_string();
                    edges
                        .entry(from)
                        .or_default()
                        .push((Edge::Unknown(why), prefix));
                    continue;
                }
                MountTarget::Unknown => {
                    let why = "a handler or middleware seaworthy does not read".to_string();
                    edges
                        .entry(from)
                        .or_default()
                        .push((Edge::Unknown(why), prefix));
                    continue;
                }
                MountTarget::Ident(name) => {
                    let local = source
                        .routes
                        .servers
                        .iter()
                        .any(|s| s.binding.as_deref() == Some(name))
                        || (name != &mount.receiver && nodes.contains(&(i, name.clone())));
                    if local {
                        vec![(i, name.clone())]
                    } else {
                        match import_target(model, i, |b| b == name.as_str(), None) {
                            Imported::File(j) if sources.contains(&j) => file_nodes(j, &nodes),
                            Imported::Routeless => continue,
                            // A plugin function of this file registered without a prefix
                            // adds its routes where it registers them: they are read there.
                            Imported::Unbound if mount.plugin && prefix.is_empty() => {
                                continue;
                            }
                            _ => {
                                let why = format!("`{name}`, which seaworthy does not read");
                                edges
                                    .entry(from)
                                    .or_default()
                                    .push((Edge::Unknown(why), prefix));
                                continue;
                            }
                        }
                    }
                }
                MountTarget::Module(specifier) => {
                    match import_target(model, i, |_| false, Some(specifier)) {
                        Imported::File(j) if sources.contains(&j) => file_nodes(j, &nodes),
                        Imported::Routeless => continue,
                        _ => {
                            let why = format!("`{specifier}`, which seaworthy does not read");
                            edges
                                .entry(from)
                                .or_default()
                                .push((Edge::Unknown(why), prefix));
                            continue;
                        }
                    }
                }
            };
            // A file with no routes of its own exports a middleware (or a router built in
            // a way seaworthy does not read): it may answer anything under the prefix.
            if targets.is_empty() {
                let why = "an import whose routes seaworthy does not read".to_string();
                edges
                    .entry(from)
                    .or_default()
                    .push((Edge::Unknown(why), prefix));
                continue;
            }
            for target in targets {
                if target != from {
                    targeted.insert(target.clone());
                    edges
                        .entry(from.clone())
                        .or_default()
                        .push((Edge::Node(target), prefix.clone()));
                }
            }
        }
    }
    for node in &nodes {
        if targeted.contains(node) {
            continue;
        }
        let (i, receiver) = node;
        let source = &model.sources[*i];
        let router = source.routes.servers.iter().find(|s| {
            s.binding.as_deref() == Some(receiver.as_str()) && s.kind == ServerKind::Router
        });
        if let Some(router) = router {
            table.unknown(
                "/",
                format!("router `{receiver}` is mounted nowhere seaworthy can see"),
                &source.path,
                router.span,
            );
            continue;
        }
        walk(model, node, "", &edges, table, &mut Vec::new());
    }
}

/// Adds a node's routes at `prefix`, then its mounts' (depth-first, each node once per path).
fn walk(
    model: &Model,
    node: &Node,
    prefix: &str,
    edges: &BTreeMap<Node, Vec<(Edge, String)>>,
    table: &mut Builder,
    path: &mut Vec<Node>,
) {
    if path.contains(node) || path.len() > 16 {
        return;
    }
    let (i, receiver) = node;
    let source = &model.sources[*i];
    let facts = &source.routes;
    // koa-router's `prefix`, Hono's `basePath`.
    let own = facts
        .servers
        .iter()
        .find(|s| s.binding.as_deref() == Some(receiver.as_str()))
        .and_then(|s| s.prefix.clone());
    let prefix = match own {
        Some(RoutePath::Literal(p)) => join_path(&[prefix, &p]),
        Some(RoutePath::Dynamic) => {
            table.unknown(
                prefix,
                format!("the prefix of `{receiver}` is not a literal"),
                &source.path,
                Span::default(),
            );
            return;
        }
        None => join_path(&[prefix]),
    };
    for route in facts.routes.iter().filter(|r| &r.receiver == receiver) {
        match &route.path {
            RoutePath::Literal(p) => {
                table.route(
                    join_path(&[&prefix, p]),
                    route.method,
                    false,
                    &source.path,
                    route.span,
                );
            }
            RoutePath::Dynamic => table.unknown(
                &prefix,
                "a route whose path is not a literal",
                &source.path,
                route.span,
            ),
        }
    }
    let Some(targets) = edges.get(node) else {
        return;
    };
    path.push(node.clone());
    for (edge, at) in targets {
        let at = join_path(&[&prefix, at]);
        match edge {
            Edge::Serves => table.route(at, HttpMethod::All, true, &source.path, Span::default()),
            Edge::Unknown(why) => {
                table.unknown(
                    &at,
                    format!("mounted: {why}"),
                    &source.path,
                    Span::default(),
                );
            }
            Edge::Node(target) => walk(model, target, &at, edges, table, path),
        }
    }
    path.pop();
}

/// The nodes of a file mounted whole (`app.use('/api', require('./routes'))`, an imported
/// router, sub-app or plugin): every receiver it registers routes or mounts on.
fn file_nodes(file: usize, nodes: &BTreeSet<Node>) -> Vec<Node> {
    nodes
        .range((file, String::new())..)
        .take_while(|(i, _)| *i == file)
        .cloned()
        .collect()
}

/// Where an import leads.
enum Imported {
    File(usize),
    /// A package whose plugins and middleware serve no routes (`data::http_middleware`).
    Routeless,
    /// No import binds the name: a local function or variable.
    Unbound,
    Other,
}

/// The import of `source` that binds a local name (`binds`) or has `specifier`, resolved to a
/// source file.
fn import_target(
    model: &Model,
    source: usize,
    binds: impl Fn(&str) -> bool,
    specifier: Option<&str>,
) -> Imported {
    let from = &model.sources[source];
    let Some(import) = from.imports.iter().find(|i| {
        specifier.is_some_and(|s| i.import.specifier == s)
            || i.import.bindings.iter().any(|b| binds(&b.local))
    }) else {
        return Imported::Unbound;
    };
    let file = match &import.target {
        Target::File(f) => Some(f.clone()),
        Target::Workspace(w) => workspace_file(model, from, *w, &import.import.specifier),
        Target::Package(name) if data::contains(ROUTELESS_PACKAGES, name) => {
            return Imported::Routeless;
        }
        _ => None,
    };
    match file.and_then(|f| model.sources.iter().position(|s| s.path == f)) {
        Some(i) => Imported::File(i),
        None => Imported::Other,
    }
}

fn is_import_binding(model: &Model, source: usize, name: &str) -> bool {
    model.sources[source]
        .imports
        .iter()
        .any(|i| i.import.bindings.iter().any(|b| b.local == name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::Repo;
    use EnvClass::{Optional, Plain, Required};

    const NEST_PACKAGE: &str = r#"{ "name": "api", "scripts": { "start": "node dist/main.js" }, "dependencies": { "@nestjs/common": "^10.0.0", "@nestjs/core": "^10.0.0", "express": "^4.0.0" } }"#;
    const TSCONFIG: &str = r#"{ "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true } }"#;

    /// The model and the index of the package at `dir`.
    fn model_of(repo: &Repo, dir: &str) -> (Model, usize) {
        let model = repo.model();
        let package = model.package_index_at(dir).expect("a package there");
        (model, package)
    }

    fn monorepo() -> Repo {
        Repo::new()
            .file(
                "package.json",
                r#"{ "name": "root", "private": true, "workspaces": ["apps/*", "packages/*"] }"#,
            )
            .file(
                "apps/api/package.json",
                r#"{ "name": "api", "scripts": { "start": "node dist/main.js" }, "dependencies": { "@repo/config": "workspace:*" } }"#,
            )
            .file(
                "apps/api/src/main.ts",
                "import { db } from '@repo/config';\nimport { load } from './config/database.config';\nconst port = process.env.PORT ?? 3000;\nif (!process.env.JWT_SECRET) throw new Error('JWT_SECRET');\nconnect(db, load);\n",
            )
            .file(
                "apps/api/src/config/database.config.ts",
                "export const load = registerAs('db', () => ({ host: process.env.DB_HOST }));\n",
            )
            .file(
                "apps/api/src/main.spec.ts",
                "process.env.TEST_ONLY!;\n",
            )
            .file("apps/api/vite.config.ts", "export default { base: process.env.VITE_BASE! };\n")
            .file(
                "apps/api/src/env.d.ts",
                "declare const X: string;\nconst y = process.env.IN_DTS;\n",
            )
            .file(
                "packages/config/package.json",
                r#"{ "name": "@repo/config", "main": "dist/index.js" }"#,
            )
            .file(
                "packages/config/src/index.ts",
                "export * from './db';\n",
            )
            .file(
                "packages/config/src/db.ts",
                "export const db = process.env.DATABASE_URL!;\n",
            )
            .file(
                "packages/config/src/unused.ts",
                "export const u = process.env.NOT_IMPORTED!;\n",
            )
            .file(
                "packages/config/src/db.spec.ts",
                "import { db } from './db';\nprocess.env.SPEC_ONLY!;\n",
            )
    }

    #[test]
    fn env_reads_of_a_service_and_the_shared_config_it_imports() {
        let (model, api) = model_of(&monorepo(), "apps/api");
        let got: Vec<_> = env_reads(&model, api)
            .into_iter()
            .map(|r| (r.name, r.path, r.span.line, r.class, r.via))
            .collect();
        let s = |x: &str| x.to_string();
        assert_eq!(
            got,
            [
                (
                    s("DB_HOST"),
                    s("apps/api/src/config/database.config.ts"),
                    1,
                    Plain,
                    None
                ),
                (s("PORT"), s("apps/api/src/main.ts"), 3, Optional, None),
                (
                    s("JWT_SECRET"),
                    s("apps/api/src/main.ts"),
                    4,
                    Required,
                    None
                ),
                (
                    s("DATABASE_URL"),
                    s("packages/config/src/db.ts"),
                    1,
                    Required,
                    Some(s("@repo/config"))
                ),
            ]
        );
        // The shared package on its own: its runtime sources, not its tests.
        let config = model.package_index_at("packages/config").unwrap();
        let names: Vec<_> = env_reads(&model, config)
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["DATABASE_URL", "NOT_IMPORTED"]);
    }

    #[test]
    fn a_workspace_package_without_a_findable_entry_counts_whole() {
        let repo = monorepo().without("packages/config/src/index.ts").file(
            "apps/api/src/main.ts",
            "import { db } from '@repo/config';\nconnect(db);\n",
        );
        let (model, api) = model_of(&repo, "apps/api");
        let got: Vec<_> = env_reads(&model, api)
            .into_iter()
            .map(|r| (r.name, r.via))
            .collect();
        let via = Some("@repo/config".to_string());
        assert_eq!(
            got,
            [
                ("DATABASE_URL".to_string(), via.clone()),
                ("NOT_IMPORTED".to_string(), via),
            ]
        );
    }

    #[test]
    fn reads_on_one_line_are_one_read_and_the_strongest_class_wins() {
        let repo = Repo::new()
            .file("package.json", r#"{ "name": "svc" }"#)
            .file(
                "src/main.ts",
                "const a = process.env.A ? process.env.A : 'x'; const b = process.env.A!;\n",
            );
        let (model, svc) = model_of(&repo, "");
        let got: Vec<_> = env_reads(&model, svc)
            .into_iter()
            .map(|r| (r.name, r.class))
            .collect();
        assert_eq!(got, [("A".to_string(), Required)]);
    }

    fn nest(main: &str, files: &[(&str, &str)]) -> Repo {
        let mut repo = Repo::new()
            .file("package.json", NEST_PACKAGE)
            .file("tsconfig.json", TSCONFIG)
            .file(
                "src/main.ts",
                &format!("import {{ NestFactory }} from '@nestjs/core';\nimport {{ AppModule }} from './app.module';\nasync function bootstrap() {{\n  const app = await NestFactory.create(AppModule);\n{main}\n  await app.listen(3000);\n}}\nbootstrap();\n"),
            )
            .file(
                "src/app.module.ts",
                "import { Module } from '@nestjs/common';\nimport { HealthController } from './health.controller';\nimport { UsersController } from './users.controller';\n@Module({ controllers: [HealthController, UsersController] })\nexport class AppModule {}\n",
            )
            .file(
                "src/health.controller.ts",
                "import { Controller, Get } from '@nestjs/common';\n@Controller('health')\nexport class HealthController {\n  @Get() check() { return 'ok'; }\n  @Get('live') live() { return 'ok'; }\n}\n",
            )
            .file(
                "src/users.controller.ts",
                "import { Controller, Get, Post, Version } from '@nestjs/common';\n@Controller({ path: 'users', version: '2' })\nexport class UsersController {\n  @Get(':id') one() {}\n  @Post() create() {}\n  @Version('3') @Get(['v3only', 'also']) three() {}\n}\n",
            );
        for (path, text) in files {
            repo = repo.file(path, text);
        }
        repo
    }

    fn paths(table: &RouteTable) -> Vec<(String, HttpMethod)> {
        table
            .routes
            .iter()
            .map(|r| (r.path.clone(), r.method))
            .collect()
    }

    #[test]
    fn nest_routes_with_a_global_prefix_and_an_exclusion() {
        let repo = nest(
            "  app.setGlobalPrefix('api', { exclude: ['health'] });",
            &[],
        );
        let (model, api) = model_of(&repo, "");
        let table = routes(&model, api);
        assert!(table.complete, "{:?}", table.unknown);
        use HttpMethod::*;
        let s = |p: &str, m| (p.to_string(), m);
        assert_eq!(
            paths(&table),
            [
                s("/api/health", Get),
                s("/api/health/live", Get),
                s("/api/users", Post),
                s("/api/users/:id", Get),
                s("/api/users/also", Get),
                s("/api/users/v3only", Get),
                s("/health", Get),
                // A parameter may match an exclusion pattern: served both ways.
                s("/users/:id", Get),
            ]
        );
        assert_eq!(table.serves(true, "/health"), Some(true));
        assert_eq!(table.serves(true, "/health/"), Some(true));
        assert_eq!(
            table.serves(true, "http://localhost:3000/api/health?full=1"),
            Some(true)
        );
        assert_eq!(table.serves(true, "/API/Health/Live"), Some(true));
        assert_eq!(table.serves(true, "/health/live"), Some(false));
        assert_eq!(table.serves(true, "/api/users/42"), Some(true));
        assert_eq!(
            table.serves(true, "/api/users"),
            Some(false),
            "only a POST there"
        );
        assert_eq!(table.serves(false, "/api/users"), Some(true));
        assert_eq!(table.serves(true, "/"), Some(false));
        assert_eq!(table.serves(true, "/healthz"), Some(false));
    }

    #[test]
    fn nest_uri_versioning() {
        let repo = nest(
            "  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });",
            &[],
        );
        let (model, api) = model_of(&repo, "");
        let table = routes(&model, api);
        assert!(table.complete, "{:?}", table.unknown);
        assert_eq!(table.serves(true, "/v1/health"), Some(true));
        assert_eq!(table.serves(true, "/health"), Some(false));
        assert_eq!(table.serves(true, "/v2/users/7"), Some(true));
        assert_eq!(table.serves(true, "/v1/users/7"), Some(false));
        assert_eq!(table.serves(true, "/v3/users/also"), Some(true));
        assert_eq!(table.serves(true, "/v1/users/also"), Some(false));
        // Header versioning changes no path.
        let repo = nest(
            "  app.enableVersioning({ type: VersioningType.HEADER, header: 'X-V' });",
            &[],
        );
        let (model, api) = model_of(&repo, "");
        let table = routes(&model, api);
        assert_eq!(table.serves(true, "/health"), Some(true));
    }

    #[test]
    fn what_nest_cannot_read_makes_the_table_unknown() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("  app.setGlobalPrefix(process.env.PREFIX);", &[]),
            (
                "",
                &[(
                    "src/health.controller.ts",
                    "import { Controller, Get } from '@nestjs/common';\n@Controller(HEALTH_PATH)\nexport class HealthController { @Get() check() {} }\n",
                )],
            ),
            (
                "",
                &[(
                    "src/health.controller.ts",
                    "import { Controller, Get } from '@nestjs/common';\n@Controller('health')\nexport class HealthController { @Get(ROUTE) check() {} }\n",
                )],
            ),
            (
                "",
                &[(
                    "src/app.module.ts",
                    "import { Module } from '@nestjs/common';\nimport { RouterModule } from '@nestjs/core';\nimport { HealthController } from './health.controller';\n@Module({ imports: [RouterModule.register([])], controllers: [HealthController] })\nexport class AppModule {}\n",
                )],
            ),
            (
                "",
                &[(
                    "src/health.controller.ts",
                    "import { Controller, Get } from '@nestjs/common';\n@Controller('health')\nexport class HealthController extends CrudController {}\n",
                )],
            ),
            ("  app.use(someMiddleware);", &[]),
        ];
        for (main, files) in cases {
            let repo = nest(main, files);
            let (model, api) = model_of(&repo, "");
            let table = routes(&model, api);
            assert!(!table.complete, "{main} {files:?}");
            assert_eq!(
                table.serves(true, "/nothing-here"),
                None,
                "{main} {files:?}"
            );
        }
        // Middleware seaworthy knows and Swagger UI leave the table complete.
        let repo = nest(
            "  app.use(helmet());\n  app.use(cookieParser());\n  SwaggerModule.setup('docs', app, document);",
            &[],
        );
        let (model, api) = model_of(&repo, "");
        let table = routes(&model, api);
        assert!(table.complete, "{:?}", table.unknown);
        assert_eq!(table.serves(true, "/docs"), Some(true));
        assert_eq!(table.serves(true, "/docs-json"), Some(true));
        assert_eq!(table.serves(true, "/docs/swagger-ui.css"), Some(true));
        assert_eq!(table.serves(true, "/documentation"), Some(false));
    }

    fn express(files: &[(&str, &str)]) -> Repo {
        let mut repo = Repo::new().file(
            "package.json",
            r#"{ "name": "web", "dependencies": { "express": "^4.0.0", "axios": "^1.0.0" } }"#,
        );
        for (path, text) in files {
            repo = repo.file(path, text);
        }
        repo
    }

    #[test]
    fn express_routes_joined_to_their_mounts() {
        let repo = express(&[
            (
                "src/server.ts",
                "import express from 'express';\nimport apiRouter from './routes/api';\nconst app = express();\napp.use(express.json());\napp.get('/health', (req, res) => res.send('ok'));\napp.use('/api', apiRouter);\nconst admin = express.Router();\nadmin.get('/stats', h);\napp.use('/admin', admin);\napp.use('/static', express.static('public'));\nhttp.createServer(app).listen(3000);\n",
            ),
            (
                "src/routes/api.ts",
                "import { Router } from 'express';\nimport axios from 'axios';\nimport v1 from './v1';\nconst router = Router();\nrouter.get('/users/:id', getUser);\nrouter.use('/v1', v1);\naxios.get('/not/a/route', config);\nexport default router;\n",
            ),
            (
                "src/routes/v1.ts",
                "import { Router } from 'express';\nconst r = Router();\nr.route('/items').get(list).post(add);\nmodule.exports = r;\nexport default r;\n",
            ),
            (
                "src/routes/orphan.test.ts",
                "import express from 'express';\nconst app = express();\napp.get('/only-in-tests', h);\n",
            ),
        ]);
        let (model, web) = model_of(&repo, "");
        let table = routes(&model, web);
        use HttpMethod::*;
        let s = |p: &str, m| (p.to_string(), m);
        assert_eq!(
            paths(&table),
            [
                s("/admin/stats", Get),
                s("/api/users/:id", Get),
                s("/api/v1/items", Get),
                s("/api/v1/items", Post),
                s("/health", Get),
            ]
        );
        assert!(!table.complete, "the static server is unknown");
        assert_eq!(table.unknown.len(), 1);
        assert_eq!(table.unknown[0].under, "/static");
        assert_eq!(table.serves(true, "/health"), Some(true));
        assert_eq!(table.serves(true, "/api/users/1"), Some(true));
        assert_eq!(table.serves(true, "/api/v1/items"), Some(true));
        assert_eq!(table.serves(true, "/static/logo.png"), None);
        assert_eq!(
            table.serves(true, "/healthz"),
            Some(false),
            "not under /static"
        );
        assert_eq!(table.serves(true, "/only-in-tests"), Some(false));
        assert_eq!(table.serves(true, "/not/a/route"), Some(false));
    }

    #[test]
    fn what_express_cannot_read_makes_the_table_unknown() {
        let cases: &[&str] = &[
            // A static server at the root may serve `/`.
            "const app = express();\napp.use(express.static('public'));\napp.get('/health', h);\n",
            // A path-less middleware or router seaworthy does not know.
            "const app = express();\napp.use(requestHandler);\n",
            // Routes registered in a loop.
            "const app = express();\nfor (const p of paths) app.get(p, h);\n",
            // A router nothing mounts where seaworthy can see.
            "const app = express();\nconst router = express.Router();\nrouter.get('/x', h);\nregister(router);\n",
            // A bare Node server.
            "http.createServer((req, res) => res.end('ok')).listen(3000);\n",
            // An inline middleware.
            "const app = express();\napp.use((req, res, next) => { if (req.url === '/ping') return res.end(); next(); });\n",
            // A framework seaworthy does not read.
            "const app = new Elysia().get('/x', () => 'x');\n",
            // No server at all.
            "export const x = 1;\n",
        ];
        for text in cases {
            let repo = express(&[("src/main.ts", text)]);
            let (model, web) = model_of(&repo, "");
            let table = routes(&model, web);
            assert!(!table.complete, "{text}");
            assert_eq!(table.serves(true, "/"), None, "{text}");
            assert_eq!(table.serves(true, "/nothing-here"), None, "{text}");
        }
        // An exported sub-app mounted from another file.
        let repo = express(&[
            (
                "src/main.ts",
                "import express from 'express';\nimport admin from './admin';\nconst app = express();\napp.use('/admin', admin);\n",
            ),
            (
                "src/admin.ts",
                "import express from 'express';\nconst sub = express();\nsub.get('/stats', h);\nexport default sub;\n",
            ),
        ]);
        let (model, web) = model_of(&repo, "");
        let table = routes(&model, web);
        assert!(table.complete, "{:?}", table.unknown);
        assert_eq!(table.serves(true, "/admin/stats"), Some(true));
        assert_eq!(table.serves(true, "/stats"), Some(false));
        // A mounted import that registers no routes is a middleware: it may answer anything.
        let repo = express(&[
            (
                "src/main.ts",
                "import express from 'express';\nimport { logger } from './logger';\nconst app = express();\napp.use(logger);\napp.get('/health', h);\n",
            ),
            (
                "src/logger.ts",
                "export function logger(req, res, next) { next(); }\n",
            ),
        ]);
        let (model, web) = model_of(&repo, "");
        let table = routes(&model, web);
        assert_eq!(table.serves(true, "/health"), Some(true));
        assert_eq!(table.serves(true, "/ready"), None);
        // A mount of something unknown is confined to its prefix.
        let repo = express(&[(
            "src/main.ts",
            "const app = express();\napp.use('/legacy', legacyHandler);\napp.get('/health', h);\n",
        )]);
        let (model, web) = model_of(&repo, "");
        let table = routes(&model, web);
        assert_eq!(table.serves(true, "/legacy/health"), None);
        assert_eq!(table.serves(true, "/ready"), Some(false));
    }

    #[test]
    fn fastify_plugins_with_prefixes() {
        let repo = Repo::new()
            .file(
                "package.json",
                r#"{ "name": "f", "dependencies": { "fastify": "^4.0.0", "@fastify/cors": "^9.0.0" } }"#,
            )
            .file(
                "src/main.ts",
                "import Fastify from 'fastify';\nimport cors from '@fastify/cors';\nimport health from './health';\nimport users from './users';\nconst fastify = Fastify();\nfastify.register(cors);\nfastify.register(health);\nfastify.register(users, { prefix: '/v1' });\nfastify.route({ method: 'GET', url: '/root', handler: h });\n",
            )
            .file(
                "src/health.ts",
                "export default async function (fastify) {\n  fastify.get('/health', async () => ({ ok: true }));\n}\n",
            )
            .file(
                "src/users.ts",
                "export default async function (app) {\n  app.get('/users', async () => []);\n}\n",
            );
        let (model, f) = model_of(&repo, "");
        let table = routes(&model, f);
        assert!(table.complete, "{:?}", table.unknown);
        assert_eq!(
            paths(&table),
            [
                ("/health".to_string(), HttpMethod::Get),
                ("/root".to_string(), HttpMethod::Get),
                ("/v1/users".to_string(), HttpMethod::Get),
            ]
        );
        assert_eq!(table.serves(true, "/users"), Some(false));
        // @fastify/autoload derives prefixes from folders: unknown.
        let repo = repo.file(
            "src/main.ts",
            "import Fastify from 'fastify';\nimport AutoLoad from '@fastify/autoload';\nconst app = Fastify();\napp.register(AutoLoad, { dir: 'routes' });\n",
        );
        let (model, f) = model_of(&repo, "");
        assert_eq!(routes(&model, f).serves(true, "/health"), Some(true));
        assert_eq!(routes(&model, f).serves(true, "/anything"), None);
    }

    #[test]
    fn koa_router_and_hono_prefixes() {
        let repo = Repo::new()
            .file("package.json", r#"{ "name": "k" }"#)
            .file(
                "src/main.ts",
                "const app = new Koa();\nconst router = new Router({ prefix: '/api' });\nrouter.get('/health', ctx => { ctx.body = 'ok'; });\napp.use(router.routes());\napp.use(router.allowedMethods());\nconst hono = new Hono();\nconst v2 = new Hono().basePath('/v2');\nv2.get('/ping', c => c.text('pong'));\nhono.route('/h', v2);\n",
            );
        let (model, k) = model_of(&repo, "");
        let table = routes(&model, k);
        assert!(table.complete, "{:?}", table.unknown);
        assert_eq!(table.serves(true, "/api/health"), Some(true));
        assert_eq!(table.serves(true, "/health"), Some(false));
        assert_eq!(table.serves(true, "/h/v2/ping"), Some(true));
    }

    #[test]
    fn route_patterns() {
        fn probe(p: &str) -> Vec<&str> {
            segments_of_probe(p)
        }
        assert!(pattern_matches("/users/:id", &probe("/users/1"), false));
        assert!(!pattern_matches("/users/:id", &probe("/users"), false));
        assert!(pattern_matches("/users/:id?", &probe("/users"), false));
        assert!(pattern_matches("/files/*", &probe("/files/a/b"), false));
        assert!(pattern_matches("/*", &probe("/"), false));
        assert!(pattern_matches("/", &probe("/"), false));
        assert!(pattern_matches("/", &probe("/x"), true));
        assert!(!pattern_matches("/api", &probe("/apix"), true));
        assert!(pattern_matches("/api", &probe("/api/x"), true));
        assert!(!pattern_matches("/api", &probe("/api/x"), false));
        assert!(pattern_matches(
            "/health",
            &probe("https://svc:8080/health/?a=1#f"),
            false
        ));
        assert_eq!(
            join_path(&["", "/api/", "", "v1", "/health/"]),
            "/api/v1/health"
        );
        assert_eq!(join_path(&["", ""]), "/");
    }

    #[test]
    fn route_patterns_with_many_optional_segments_end() {
        fn probe(p: &str) -> Vec<&str> {
            segments_of_probe(p)
        }
        // Every optional parameter taken or not: exponential when each choice was followed.
        let optional = format!("{}/x", "/:p?".repeat(48));
        let deep = "/y".repeat(48);
        assert!(!pattern_matches(&optional, &probe(&deep), false));
        assert!(!pattern_matches(&optional, &probe(&deep), true));
        assert!(pattern_matches(
            &optional,
            &probe(&format!("{deep}/x")),
            false
        ));
        assert!(pattern_matches(&optional, &probe("/x"), false));
        // A long pattern is matched to its end, not taken as matching past some depth.
        let long = "/a".repeat(100);
        assert!(!pattern_matches(&long, &probe("/b"), false));
        assert!(!pattern_matches(&format!("{long}/b"), &probe(&long), false));
        assert!(pattern_matches(&long, &probe(&long), false));
    }
}
