//! HTTP routes a file registers: Express, Fastify, Koa-router and Hono route calls
//! (`app.get('/health', handler)`), mounts (`app.use('/api', router)`, `fastify.register(plugin,
//! { prefix })`, Hono's `app.route('/api', sub)`), the servers and routers the file creates
//! (`express()`, `Router()`, `new Koa()`, `new Hono().basePath('/api')`, `http.createServer`),
//! and NestJS's application-wide path settings (`app.setGlobalPrefix`, `app.enableVersioning`,
//! `SwaggerModule.setup`). The facts behind `compose/healthcheck-route-missing` (issue 9,
//! "healthcheck contract"); `model::contract` joins them into a package's route table, with
//! Nest controllers read from the classes.
//!
//! Precision first: a route call needs a receiver that plausibly is an app or a router (by
//! its name), a path that starts with `/` (or is a computed value, recorded as unknown) and a
//! handler argument, so HTTP clients (`axios.get('/x')`, `http.get`, `this.http.get`,
//! `supertest(app).get('/x')`, `client.get('/x', config)`) are never routes.

use tree_sitter::Node;

use super::{Cx, State, call_arguments, object_value, string_value};
use crate::source::Span;

/// What one file says about HTTP routes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RouteFacts {
    pub routes: Vec<Route>,
    pub mounts: Vec<Mount>,
    pub servers: Vec<Server>,
    pub global_prefixes: Vec<GlobalPrefix>,
    pub versionings: Vec<Versioning>,
}

impl RouteFacts {
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
            && self.mounts.is_empty()
            && self.servers.is_empty()
            && self.global_prefixes.is_empty()
            && self.versionings.is_empty()
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
    /// `app.all`, `@All()`: every method.
    All,
    /// A method seaworthy does not name (`fastify.route({ method: m })`, `@Search()`).
    Other,
}

impl HttpMethod {
    /// `get`, `GET`, `del` (koa-router's alias for `delete`).
    pub fn parse(name: &str) -> Option<HttpMethod> {
        Some(match name.to_ascii_lowercase().as_str() {
            "get" => HttpMethod::Get,
            "post" => HttpMethod::Post,
            "put" => HttpMethod::Put,
            "patch" => HttpMethod::Patch,
            "delete" | "del" => HttpMethod::Delete,
            "head" => HttpMethod::Head,
            "options" => HttpMethod::Options,
            "all" => HttpMethod::All,
            _ => return None,
        })
    }
}

/// A path argument: a literal, or something computed (`app.get(path, h)`,
/// `` `/${name}` ``), which makes the route table incomplete.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum RoutePath {
    Literal(String),
    Dynamic,
}

/// `receiver.method(path, handler)`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Route {
    /// The receiver's last name: `app` for `app.get` and `this.app.get`, `httpAdapter` for
    /// `app.getHttpAdapter().get`.
    pub receiver: String,
    pub method: HttpMethod,
    pub path: RoutePath,
    pub span: Span,
}

/// What a mount attaches at its prefix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MountTarget {
    /// A name: a router or sub-app of this file or an imported one, a Fastify plugin, a
    /// middleware function (`router` in `app.use('/api', router)`, `router.routes()` for
    /// koa-router).
    Ident(String),
    /// `require('./routes')`: the module's export.
    Module(String),
    /// A call to a known middleware factory (`express.json()`, `helmet()`, `cors()`): serves
    /// no route (`data::http_middleware`).
    Middleware,
    /// A static file server (`express.static('public')`, `serveStatic(…)`): may serve any path
    /// under the prefix.
    Static,
    /// Something that serves everything under the prefix: Swagger UI (`SwaggerModule.setup`).
    Serves,
    /// Anything else (an inline function, a call seaworthy does not know): may serve any path
    /// under the prefix, or none.
    Unknown,
}

/// `app.use('/api', router)`, `app.use(router)`, `fastify.register(plugin, { prefix })`,
/// Hono's `app.route('/api', sub)`, `SwaggerModule.setup('docs', app, doc)`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mount {
    pub receiver: String,
    /// `Literal("")` when the mount has no path.
    pub prefix: RoutePath,
    pub target: MountTarget,
    /// `fastify.register`: a plugin without a prefix adds its routes at the root (they are
    /// read where the plugin registers them); an Express `use` of an unknown function may
    /// answer any path.
    pub plugin: bool,
    pub span: Span,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Framework {
    Express,
    Fastify,
    Koa,
    Hono,
    /// A framework whose routes seaworthy does not read (Elysia, `Bun.serve`, `Deno.serve`),
    /// or a bare `http.createServer(handler)`.
    Unknown,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum ServerKind {
    /// An application (`express()`, `fastify()`, `new Koa()`, `new Hono()`).
    App,
    /// A router meant to be mounted (`express.Router()`, `new Router()` of koa-router).
    Router,
    /// `http.createServer(app)`: serves what `app` serves (`wraps`), or, with an inline
    /// handler, anything.
    Http,
}

/// A server, app or router the file creates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Server {
    /// The name it is bound to (`app` in `const app = express()`, `this.app = …`).
    pub binding: Option<String>,
    pub framework: Framework,
    pub kind: ServerKind,
    /// koa-router's `new Router({ prefix })`, Hono's `.basePath(…)`.
    pub prefix: Option<RoutePath>,
    /// For [`ServerKind::Http`]: the identifier it serves (`app` in `createServer(app)`).
    pub wraps: Option<String>,
    pub span: Span,
}

/// `app.setGlobalPrefix('api', { exclude: ['health', { path: 'metrics', method: … }] })`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GlobalPrefix {
    pub prefix: RoutePath,
    /// Excluded paths as written (`health`, `metrics`); the method of an object entry is not
    /// kept (such a route is taken as served both with and without the prefix).
    pub exclude: Vec<String>,
    /// Every `exclude` entry was a literal.
    pub exclude_known: bool,
    pub span: Span,
}

/// `app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1', prefix: 'v' })`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Versioning {
    /// URI versioning (the default type): versions become path segments. `None`: the type
    /// could not be read.
    pub uri: Option<bool>,
    /// `defaultVersion`: `None` when absent, `Some(vec![])` for `VERSION_NEUTRAL`; an
    /// unreadable value makes [`Versioning::known`] false.
    pub default_version: Option<Vec<String>>,
    /// The segment prefix (`v` unless set; empty for `prefix: false`).
    pub prefix: String,
    pub known: bool,
    pub span: Span,
}

/// Route-call method names: the property of every call is compared against these first.
const ROUTE_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "head", "options", "all",
];

/// Receiver names (exact, lowercase) of HTTP clients and other things with `get`/`post`
/// methods: never an app, whatever the suffix rule below says.
const NOT_RECEIVERS: &[&str] = &[
    "http",
    "https",
    "axios",
    "client",
    "request",
    "fetch",
    "got",
    "ky",
    "superagent",
    "agent",
    "map",
    "cache",
    "store",
    "headers",
    "params",
    "searchparams",
    "redis",
    "db",
    "req",
    "res",
];

/// Whether a receiver name plausibly is an app or router: `app`, `server`, `router`,
/// `fastify`, `api`, `r`, `instance` (a Fastify plugin's), `hono`, `koa`, or a name ending
/// in `app`, `router`, `server` or `adapter` (`apiRouter`, `expressApp`, `httpAdapter`).
fn is_app_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if NOT_RECEIVERS.contains(&lower.as_str()) {
        return false;
    }
    matches!(
        lower.as_str(),
        "app"
            | "server"
            | "router"
            | "fastify"
            | "api"
            | "r"
            | "instance"
            | "hono"
            | "koa"
            | "routes"
            | "route"
    ) || ["app", "router", "server", "adapter"]
        .iter()
        .any(|s| lower.len() > s.len() && lower.ends_with(s))
}

#[derive(Default)]
pub(super) struct Collector {
    pub(super) facts: RouteFacts,
}

impl Collector {
    /// A call: `recv.get('/x', h)`, `recv.use(…)`, `recv.route(…)`, `recv.register(…)`,
    /// `app.setGlobalPrefix(…)`, `app.enableVersioning(…)`, `SwaggerModule.setup(…)`,
    /// `http.createServer(…)`.
    pub(super) fn call(
        &mut self,
        cx: &Cx<'_>,
        node: Node<'_>,
        function: Node<'_>,
        ancestors: &[(Node<'_>, State)],
    ) {
        if cx.kind(function) != "member_expression" {
            if cx.kind(function) == "identifier" && cx.text_of(function) == "createServer" {
                self.raw_server(cx, node);
            }
            return;
        }
        let Some(property) = function.child_by_field_id(cx.fields.property) else {
            return;
        };
        let method = cx.text_of(property);
        let is_route = ROUTE_METHODS.contains(&method);
        if !is_route
            && !matches!(
                method,
                "use"
                    | "route"
                    | "register"
                    | "setGlobalPrefix"
                    | "enableVersioning"
                    | "setup"
                    | "createServer"
                    | "createSecureServer"
                    | "serve"
            )
        {
            return;
        }
        let Some(object) = function.child_by_field_id(cx.fields.object) else {
            return;
        };
        match method {
            "setGlobalPrefix" => return self.global_prefix(cx, node),
            "enableVersioning" => return self.versioning(cx, node),
            "setup" => {
                if cx.text_of(object) == "SwaggerModule" {
                    self.swagger(cx, node);
                }
                return;
            }
            "createServer" | "createSecureServer" => {
                if matches!(cx.text_of(object), "http" | "https" | "http2") {
                    self.raw_server(cx, node);
                }
                return;
            }
            "serve" => {
                if matches!(cx.text_of(object), "Bun" | "Deno") {
                    self.facts.servers.push(Server {
                        binding: None,
                        framework: Framework::Unknown,
                        kind: ServerKind::App,
                        prefix: None,
                        wraps: None,
                        span: cx.span(node),
                    });
                }
                return;
            }
            _ => {}
        }
        // `app.route('/x').get(h)`: the methods of an Express route chain.
        if is_route
            && cx.kind(object) == "call_expression"
            && let Some(path) = express_route_chain(cx, object)
        {
            let Some(receiver) = chain_receiver(cx, object) else {
                return;
            };
            if has_handler(cx, node, 0) {
                self.facts.routes.push(Route {
                    receiver,
                    method: HttpMethod::parse(method).unwrap_or(HttpMethod::Other),
                    path,
                    span: cx.span(node),
                });
            }
            return;
        }
        let Some(receiver) = receiver_name(cx, object) else {
            return;
        };
        // By name, or because the file created it (`const admin = express.Router()`).
        let created = || {
            self.facts
                .servers
                .iter()
                .any(|s| s.binding.as_deref() == Some(receiver))
        };
        if !is_app_name(receiver) && !created() {
            return;
        }
        let receiver = receiver.to_string();
        match method {
            "use" => self.use_call(cx, node, receiver),
            "register" => self.register(cx, node, receiver),
            "route" => self.route_call(cx, node, receiver, ancestors),
            _ => {
                let mut args = call_arguments(cx, node).into_iter();
                let Some(first) = args.next() else { return };
                let path = match route_path(cx, first) {
                    Some(path) => path,
                    None => return,
                };
                if !has_handler(cx, node, 1) {
                    return;
                }
                self.facts.routes.push(Route {
                    receiver,
                    method: HttpMethod::parse(method).unwrap_or(HttpMethod::Other),
                    path,
                    span: cx.span(node),
                });
            }
        }
    }

    /// `app.use('/prefix', a, b)`, `app.use(a)`.
    fn use_call(&mut self, cx: &Cx<'_>, node: Node<'_>, receiver: String) {
        let args: Vec<Node<'_>> = call_arguments(cx, node).into_iter().collect();
        let Some(first) = args.first() else { return };
        // A string first argument is the path; a computed one is taken as a path only when
        // more arguments follow (`app.use(router)` mounts `router` at the root).
        let (prefix, targets) = match cx.kind(first) {
            "string" | "template_string" => match route_path(cx, *first) {
                Some(path) => (path, &args[1..]),
                None => return,
            },
            "identifier" | "member_expression" | "binary_expression" | "array"
                if args.len() > 1 && !is_middleware_like(cx, *first) =>
            {
                (RoutePath::Dynamic, &args[1..])
            }
            _ => (RoutePath::Literal(String::new()), &args[..]),
        };
        for target in targets {
            let target = mount_target(cx, *target);
            self.facts.mounts.push(Mount {
                receiver: receiver.clone(),
                prefix: prefix.clone(),
                target,
                plugin: false,
                span: cx.span(node),
            });
        }
    }

    /// `fastify.register(plugin, { prefix: '/v1' })`.
    fn register(&mut self, cx: &Cx<'_>, node: Node<'_>, receiver: String) {
        let mut args = call_arguments(cx, node).into_iter();
        let Some(plugin) = args.next() else { return };
        let prefix = match args.next().filter(|o| cx.kind(o) == "object") {
            Some(options) => match object_value(cx, options, "prefix") {
                Some(p) => match string_value(p, cx.text) {
                    Some(s) => RoutePath::Literal(s),
                    None => RoutePath::Dynamic,
                },
                None => RoutePath::Literal(String::new()),
            },
            None => RoutePath::Literal(String::new()),
        };
        let target = match cx.kind(plugin) {
            // `register(import('./routes'))`
            "call_expression" | "await_expression" => match module_specifier(cx, plugin) {
                Some(specifier) => MountTarget::Module(specifier),
                None => mount_target(cx, plugin),
            },
            _ => mount_target(cx, plugin),
        };
        self.facts.mounts.push(Mount {
            receiver,
            prefix,
            target,
            plugin: true,
            span: cx.span(node),
        });
    }

    /// `fastify.route({ method: 'GET', url: '/x', handler })`, Hono's `app.route('/api',
    /// sub)`. (Express's `app.route('/x').get(h)` is read from the outer call.)
    fn route_call(
        &mut self,
        cx: &Cx<'_>,
        node: Node<'_>,
        receiver: String,
        ancestors: &[(Node<'_>, State)],
    ) {
        let args: Vec<Node<'_>> = call_arguments(cx, node).into_iter().collect();
        match args.as_slice() {
            [options] if cx.kind(options) == "object" => {
                let path = ["url", "path"]
                    .iter()
                    .find_map(|k| object_value(cx, *options, k))
                    .map(|p| route_path(cx, p).unwrap_or(RoutePath::Dynamic))
                    .unwrap_or(RoutePath::Dynamic);
                let methods = match object_value(cx, *options, "method") {
                    Some(m) if cx.kind(m) == "array" => {
                        let mut cursor = m.walk();
                        m.named_children(&mut cursor)
                            .map(|v| http_method_value(cx, v))
                            .collect()
                    }
                    Some(m) => vec![http_method_value(cx, m)],
                    None => vec![HttpMethod::Other],
                };
                for method in methods {
                    self.facts.routes.push(Route {
                        receiver: receiver.clone(),
                        method,
                        path: path.clone(),
                        span: cx.span(node),
                    });
                }
            }
            [path, target] => {
                let Some(prefix) = route_path(cx, *path) else {
                    return;
                };
                self.facts.mounts.push(Mount {
                    receiver,
                    prefix,
                    target: mount_target(cx, *target),
                    plugin: false,
                    span: cx.span(node),
                });
            }
            // `app.route('/x')` alone: an Express route chain, read from the outer call; one
            // that is not called further (`const r = app.route('/x')`) registers routes
            // seaworthy cannot see.
            [path]
                if ancestors
                    .last()
                    .is_none_or(|(p, _)| cx.kind(p) != "member_expression")
                    && route_path(cx, *path).is_some() =>
            {
                self.facts.routes.push(Route {
                    receiver,
                    method: HttpMethod::Other,
                    path: RoutePath::Dynamic,
                    span: cx.span(node),
                });
            }
            _ => {}
        }
    }

    fn global_prefix(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        let mut args = call_arguments(cx, node).into_iter();
        let Some(first) = args.next() else { return };
        let prefix = match string_value(first, cx.text) {
            Some(s) => RoutePath::Literal(s),
            None => RoutePath::Dynamic,
        };
        let mut exclude = Vec::new();
        let mut exclude_known = true;
        if let Some(options) = args.next() {
            match (cx.kind(options), object_value(cx, options, "exclude")) {
                ("object", Some(list)) if cx.kind(list) == "array" => {
                    let mut cursor = list.walk();
                    for item in list.named_children(&mut cursor) {
                        let path = match cx.kind(item) {
                            "object" => object_value(cx, item, "path")
                                .and_then(|p| string_value(p, cx.text)),
                            "comment" => continue,
                            _ => string_value(item, cx.text),
                        };
                        match path {
                            Some(p) => exclude.push(p),
                            None => exclude_known = false,
                        }
                    }
                }
                ("object", None) => {}
                _ => exclude_known = false,
            }
        }
        self.facts.global_prefixes.push(GlobalPrefix {
            prefix,
            exclude,
            exclude_known,
            span: cx.span(node),
        });
    }

    fn versioning(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        let mut versioning = Versioning {
            uri: Some(true),
            default_version: None,
            prefix: "v".to_string(),
            known: true,
            span: cx.span(node),
        };
        match call_arguments(cx, node).into_iter().next() {
            None => {}
            Some(options) if cx.kind(options) == "object" => {
                if let Some(ty) = object_value(cx, options, "type") {
                    let ty = cx.text_of(ty);
                    versioning.uri = if ty.ends_with("URI") {
                        Some(true)
                    } else if ty.ends_with("HEADER")
                        || ty.ends_with("MEDIA_TYPE")
                        || ty.ends_with("CUSTOM")
                    {
                        Some(false)
                    } else {
                        None
                    };
                }
                if let Some(version) = object_value(cx, options, "defaultVersion") {
                    match versions(cx, version) {
                        Some(v) => versioning.default_version = Some(v),
                        None => versioning.known = false,
                    }
                }
                if let Some(prefix) = object_value(cx, options, "prefix") {
                    match (cx.kind(prefix), string_value(prefix, cx.text)) {
                        ("false", _) => versioning.prefix.clear(),
                        (_, Some(p)) => versioning.prefix = p,
                        _ => versioning.known = false,
                    }
                }
            }
            Some(_) => versioning.known = false,
        }
        if versioning.uri.is_none() {
            versioning.known = false;
        }
        self.facts.versionings.push(versioning);
    }

    /// `SwaggerModule.setup('docs', app, document)`: the UI under `/docs`, the document at
    /// `/docs-json` and `/docs-yaml` (`@nestjs/swagger` swagger-module.js).
    fn swagger(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        let Some(first) = call_arguments(cx, node).into_iter().next() else {
            return;
        };
        let paths = match string_value(first, cx.text) {
            Some(p) => {
                let p = p.trim_end_matches('/').to_string();
                vec![
                    RoutePath::Literal(p.clone()),
                    RoutePath::Literal(format!("{p}-json")),
                    RoutePath::Literal(format!("{p}-yaml")),
                ]
            }
            None => vec![RoutePath::Dynamic],
        };
        for prefix in paths {
            self.facts.mounts.push(Mount {
                receiver: "app".to_string(),
                prefix,
                target: MountTarget::Serves,
                plugin: false,
                span: cx.span(node),
            });
        }
    }

    /// `http.createServer(app)`, `createServer((req, res) => …)`.
    fn raw_server(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        // The handler is the last argument (`https.createServer(options, app)`):
        // `createServer(app)`, Koa's `createServer(app.callback())`.
        let handler = call_arguments(cx, node).into_iter().last();
        let wraps = handler.and_then(|h| match cx.kind(h) {
            "identifier" => Some(cx.text_of(h).to_string()),
            "call_expression" => {
                let function = h.child_by_field_id(cx.fields.function)?;
                let object = function.child_by_field_id(cx.fields.object)?;
                let property = function.child_by_field_id(cx.fields.property)?;
                (cx.kind(object) == "identifier" && cx.text_of(property) == "callback")
                    .then(|| cx.text_of(object).to_string())
            }
            _ => None,
        });
        self.facts.servers.push(Server {
            binding: None,
            framework: Framework::Unknown,
            kind: ServerKind::Http,
            prefix: None,
            wraps,
            span: cx.span(node),
        });
    }

    /// `const app = express()`, `const router = Router()`, `const r = new Router({ prefix })`,
    /// `const api = new Hono().basePath('/api')`, `const fastify = Fastify()`.
    pub(super) fn declarator(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        let (Some(name), Some(value)) = (
            node.child_by_field_id(cx.fields.name),
            node.child_by_field_id(cx.fields.value),
        ) else {
            return;
        };
        if cx.kind(name) != "identifier" {
            return;
        }
        if let Some(server) = creation(cx, value) {
            self.facts.servers.push(Server {
                binding: Some(cx.text_of(name).to_string()),
                span: cx.span(node),
                ..server
            });
        }
    }

    /// `this.app = express()`, `app = express()`.
    pub(super) fn assignment(&mut self, cx: &Cx<'_>, node: Node<'_>) {
        let (Some(left), Some(right)) = (cx.field(node, "left"), cx.field(node, "right")) else {
            return;
        };
        if !matches!(cx.kind(right), "call_expression" | "new_expression") {
            return;
        }
        let Some(name) = receiver_name(cx, left) else {
            return;
        };
        if let Some(server) = creation(cx, right) {
            self.facts.servers.push(Server {
                binding: Some(name.to_string()),
                span: cx.span(node),
                ..server
            });
        }
    }
}

/// Whether an expression creates an app or router (through `await` and parentheses), and
/// which.
fn creation(cx: &Cx<'_>, value: Node<'_>) -> Option<Server> {
    let mut value = value;
    while matches!(
        cx.kind(value),
        "await_expression" | "parenthesized_expression"
    ) {
        value = value.named_child(0)?;
    }
    let server = |framework, kind, prefix| Server {
        binding: None,
        framework,
        kind,
        prefix,
        wraps: None,
        span: Span::default(),
    };
    match cx.kind(value) {
        "call_expression" => {
            let function = value.child_by_field_id(cx.fields.function)?;
            let callee = cx.text_of(function);
            if cx.kind(function) == "member_expression" {
                let property = function.child_by_field_id(cx.fields.property)?;
                if cx.text_of(property) == "basePath" {
                    let object = function.child_by_field_id(cx.fields.object)?;
                    let base = creation(cx, object)?;
                    let prefix = call_arguments(cx, value)
                        .into_iter()
                        .next()
                        .map(|p| route_path(cx, p).unwrap_or(RoutePath::Dynamic));
                    return Some(Server { prefix, ..base });
                }
            }
            match callee {
                "express" => Some(server(Framework::Express, ServerKind::App, None)),
                "Router" | "express.Router" => {
                    Some(server(Framework::Express, ServerKind::Router, None))
                }
                "fastify" | "Fastify" | "fastify.fastify" => {
                    Some(server(Framework::Fastify, ServerKind::App, None))
                }
                _ if callee.starts_with("require(")
                    && matches!(
                        callee.get(8..callee.len().saturating_sub(1)),
                        Some("'fastify'" | "\"fastify\"")
                    ) =>
                {
                    Some(server(Framework::Fastify, ServerKind::App, None))
                }
                _ if callee.starts_with("require(")
                    && matches!(
                        callee.get(8..callee.len().saturating_sub(1)),
                        Some("'express'" | "\"express\"")
                    ) =>
                {
                    Some(server(Framework::Express, ServerKind::App, None))
                }
                _ => None,
            }
        }
        "new_expression" => {
            let constructor = cx.field(value, "constructor")?;
            let prefix = || {
                value
                    .child_by_field_id(cx.fields.arguments)
                    .and_then(|a| a.named_child(0))
                    .filter(|o| cx.kind(o) == "object")
                    .and_then(|o| object_value(cx, o, "prefix"))
                    .map(|p| route_path(cx, p).unwrap_or(RoutePath::Dynamic))
            };
            match cx.text_of(constructor) {
                "Koa" => Some(server(Framework::Koa, ServerKind::App, None)),
                "Router" | "KoaRouter" => {
                    Some(server(Framework::Koa, ServerKind::Router, prefix()))
                }
                "Hono" | "OpenAPIHono" => Some(server(Framework::Hono, ServerKind::App, None)),
                "Elysia" => Some(server(Framework::Unknown, ServerKind::App, None)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The last name of a receiver: `app`, `this.app` → `app`; `app.getHttpAdapter()` →
/// `httpAdapter`, `….getInstance()` → `instance`; anything else (a call such as
/// `supertest(app)` or `request(app)`) has none.
fn receiver_name<'t>(cx: &Cx<'t>, object: Node<'_>) -> Option<&'t str> {
    match cx.kind(object) {
        "identifier" => Some(cx.text_of(object)),
        "member_expression" => {
            let property = object.child_by_field_id(cx.fields.property)?;
            Some(cx.text_of(property))
        }
        "call_expression" => {
            let function = object.child_by_field_id(cx.fields.function)?;
            let property = function.child_by_field_id(cx.fields.property)?;
            match cx.text_of(property) {
                "getHttpAdapter" => Some("httpAdapter"),
                "getInstance" => Some("instance"),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `app.route('/x')` (possibly followed by `.get(h)` links): its path.
fn express_route_chain(cx: &Cx<'_>, object: Node<'_>) -> Option<RoutePath> {
    let mut node = object;
    for _ in 0..8 {
        let function = node.child_by_field_id(cx.fields.function)?;
        if cx.kind(function) != "member_expression" {
            return None;
        }
        let property = cx.text_of(function.child_by_field_id(cx.fields.property)?);
        let inner = function.child_by_field_id(cx.fields.object)?;
        if property == "route" {
            let first = call_arguments(cx, node).into_iter().next()?;
            return route_path(cx, first);
        }
        if !ROUTE_METHODS.contains(&property) || cx.kind(inner) != "call_expression" {
            return None;
        }
        node = inner;
    }
    None
}

/// The receiver of the `route` call at the root of an Express route chain.
fn chain_receiver(cx: &Cx<'_>, object: Node<'_>) -> Option<String> {
    let mut node = object;
    for _ in 0..8 {
        let function = node.child_by_field_id(cx.fields.function)?;
        let inner = function.child_by_field_id(cx.fields.object)?;
        if cx.kind(inner) != "call_expression" {
            let name = receiver_name(cx, inner)?;
            return is_app_name(name).then(|| name.to_string());
        }
        node = inner;
    }
    None
}

/// A route's path argument: a literal starting with `/` (or `*`), or a computed value
/// (identifier, member, template with substitutions, concatenation). Any other literal
/// (`app.get('env')`, Express's settings getter; `map.get('key')`) is no route.
fn route_path(cx: &Cx<'_>, node: Node<'_>) -> Option<RoutePath> {
    match cx.kind(node) {
        "string" | "template_string" => match string_value(node, cx.text) {
            Some(s) if s.starts_with('/') || s == "*" => Some(RoutePath::Literal(s)),
            Some(_) => None,
            None => Some(RoutePath::Dynamic),
        },
        "identifier" | "member_expression" | "binary_expression" | "call_expression" => {
            Some(RoutePath::Dynamic)
        }
        // A regular expression route (`app.get(/^\/health/, h)`) matches what it matches.
        "regex" => Some(RoutePath::Dynamic),
        _ => None,
    }
}

/// Whether some argument from `from` on is a handler: a function, an identifier, a member
/// (`controller.health`), a call (`asyncHandler(fn)`), an array of middlewares, or a
/// Fastify options object with a `handler`.
fn has_handler(cx: &Cx<'_>, call: Node<'_>, from: usize) -> bool {
    call_arguments(cx, call)
        .into_iter()
        .skip(from)
        .any(|a| match cx.kind(a) {
            "arrow_function"
            | "function_expression"
            | "function"
            | "identifier"
            | "member_expression"
            | "call_expression"
            | "array" => true,
            "object" => object_value(cx, a, "handler").is_some(),
            _ => false,
        })
}

/// What `app.use(…, target)` mounts.
fn mount_target(cx: &Cx<'_>, node: Node<'_>) -> MountTarget {
    match cx.kind(node) {
        "identifier" => MountTarget::Ident(cx.text_of(node).to_string()),
        "call_expression" => {
            if let Some(specifier) = module_specifier(cx, node) {
                return MountTarget::Module(specifier);
            }
            let Some(function) = node.child_by_field_id(cx.fields.function) else {
                return MountTarget::Unknown;
            };
            let callee = cx.text_of(function);
            let last = callee.rsplit('.').next().unwrap_or(callee);
            // koa-router's `router.routes()` mounts `router`; `allowedMethods()` answers
            // OPTIONS and 405s for its routes only.
            if cx.kind(function) == "member_expression"
                && let Some(object) = function.child_by_field_id(cx.fields.object)
                && cx.kind(object) == "identifier"
            {
                match last {
                    "routes" | "middleware" => {
                        return MountTarget::Ident(cx.text_of(object).to_string());
                    }
                    "allowedMethods" => return MountTarget::Middleware,
                    _ => {}
                }
            }
            if matches!(last, "static" | "serveStatic" | "serve") {
                return MountTarget::Static;
            }
            if crate::data::contains(crate::data::http_middleware::HTTP_MIDDLEWARE, last) {
                return MountTarget::Middleware;
            }
            MountTarget::Unknown
        }
        _ => MountTarget::Unknown,
    }
}

/// Whether a first `use` argument is a middleware rather than a path: an identifier whose
/// name says so (`cors`, `helmet`, `auth`-ish names are not guessed; only the known table).
fn is_middleware_like(cx: &Cx<'_>, node: Node<'_>) -> bool {
    cx.kind(node) == "identifier"
        && crate::data::contains(
            crate::data::http_middleware::HTTP_MIDDLEWARE,
            cx.text_of(node),
        )
}

/// `require('./x')`, `import('./x')`, `await import('./x')`: the specifier.
fn module_specifier(cx: &Cx<'_>, node: Node<'_>) -> Option<String> {
    let node = if cx.kind(node) == "await_expression" {
        node.named_child(0)?
    } else {
        node
    };
    if cx.kind(node) != "call_expression" {
        return None;
    }
    let function = node.child_by_field_id(cx.fields.function)?;
    if !matches!(cx.text_of(function), "require" | "import") {
        return None;
    }
    string_value(call_arguments(cx, node).into_iter().next()?, cx.text)
}

/// `'GET'`, `"get"`; anything else is [`HttpMethod::Other`].
fn http_method_value(cx: &Cx<'_>, node: Node<'_>) -> HttpMethod {
    string_value(node, cx.text)
        .and_then(|m| HttpMethod::parse(&m))
        .unwrap_or(HttpMethod::Other)
}

/// `'1'`, `['1', '2']`, `VERSION_NEUTRAL` (no segment): `None` when not literal.
fn versions(cx: &Cx<'_>, node: Node<'_>) -> Option<Vec<String>> {
    match cx.kind(node) {
        "string" | "template_string" => Some(vec![string_value(node, cx.text)?]),
        "array" => {
            let mut cursor = node.walk();
            let mut out = Vec::new();
            for item in node.named_children(&mut cursor) {
                if cx.kind(item) == "comment" {
                    continue;
                }
                out.extend(versions(cx, item)?);
            }
            Some(out)
        }
        "identifier" | "member_expression" if cx.text_of(node).ends_with("VERSION_NEUTRAL") => {
            Some(Vec::new())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::typescript::parse;

    fn facts(text: &str) -> RouteFacts {
        parse("src/main.ts", text).unwrap().routes
    }

    fn routes(text: &str) -> Vec<(String, HttpMethod, RoutePath)> {
        facts(text)
            .routes
            .into_iter()
            .map(|r| (r.receiver, r.method, r.path))
            .collect()
    }

    fn lit(s: &str) -> RoutePath {
        RoutePath::Literal(s.to_string())
    }

    #[test]
    fn route_calls_of_apps_and_routers() {
        let got = routes(
            r#"app.get('/health', (req, res) => res.send('ok'));
router.post('/users', auth, createUser);
server.put('/x', async function (req, reply) {});
fastify.delete('/x/:id', handler);
this.app.patch('/p', controller.patch);
apiRouter.head('/h', h);
r.all('/any', h);
koaRouter.del('/k', h);
instance.options('/o', h);
app.get('*', h);
app.get(`/t`, h);
app.get(path, h);
app.get(`/v/${version}`, h);
fastify.get('/schema', { schema }, handler);
fastify.get('/opts', { handler: h });
app.getHttpAdapter().get('/adapter', h);
"#,
        );
        use HttpMethod::*;
        let expected = vec![
            ("app", Get, lit("/health")),
            ("router", Post, lit("/users")),
            ("server", Put, lit("/x")),
            ("fastify", Delete, lit("/x/:id")),
            ("app", Patch, lit("/p")),
            ("apiRouter", Head, lit("/h")),
            ("r", All, lit("/any")),
            ("koaRouter", Delete, lit("/k")),
            ("instance", Options, lit("/o")),
            ("app", Get, lit("*")),
            ("app", Get, lit("/t")),
            ("app", Get, RoutePath::Dynamic),
            ("app", Get, RoutePath::Dynamic),
            ("fastify", Get, lit("/schema")),
            ("fastify", Get, lit("/opts")),
            ("httpAdapter", Get, lit("/adapter")),
        ];
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(r, m, p)| (r.to_string(), m, p))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn http_clients_and_other_gets_are_not_routes() {
        let got = routes(
            r#"axios.get('/x', config);
http.get('/x', cb);
fetch('/x');
request.get('/x', h);
client.get('/x', opts);
this.http.get('/x', h);
this.httpService.get('/x').pipe(map(r => r.data));
supertest(app).get('/x').expect(200);
request(app).get('/health');
map.get('/x');
app.get('env');
app.get('/no-handler');
api.get('/users', { params: { a: 1 } });
cache.get('/key', fallback);
nock('http://x').get('/y').reply(200);
"#,
        );
        assert_eq!(got, []);
    }

    #[test]
    fn express_route_chains() {
        let got = routes(
            "app.route('/book').get(getBook).post(addBook);\nconst r2 = app.route('/unseen');\n",
        );
        assert_eq!(
            got,
            [
                ("app".to_string(), HttpMethod::Post, lit("/book")),
                ("app".to_string(), HttpMethod::Get, lit("/book")),
                ("app".to_string(), HttpMethod::Other, RoutePath::Dynamic),
            ]
        );
    }

    #[test]
    fn fastify_route_objects() {
        let got = routes(
            "fastify.route({ method: 'GET', url: '/a', handler });\nfastify.route({ method: ['GET', 'HEAD'], path: '/b', handler });\nfastify.route({ method: m, url: u, handler });\n",
        );
        assert_eq!(
            got,
            [
                ("fastify".to_string(), HttpMethod::Get, lit("/a")),
                ("fastify".to_string(), HttpMethod::Get, lit("/b")),
                ("fastify".to_string(), HttpMethod::Head, lit("/b")),
                ("fastify".to_string(), HttpMethod::Other, RoutePath::Dynamic),
            ]
        );
    }

    #[test]
    fn mounts() {
        let got: Vec<_> = facts(
            r#"app.use('/api', apiRouter);
app.use(router);
app.use(express.json());
app.use(helmet());
app.use('/static', express.static('public'));
app.use('/legacy', require('./legacy'));
app.use((req, res, next) => next());
app.use(router.routes());
app.use(router.allowedMethods());
app.use(someFactory());
fastify.register(healthRoutes, { prefix: '/v1' });
fastify.register(cors);
fastify.register(import('./routes'), { prefix: base });
app.route('/sub', subApp);
SwaggerModule.setup('docs', app, document);
"#,
        )
        .mounts
        .into_iter()
        .map(|m| (m.receiver, m.prefix, m.target, m.plugin))
        .collect();
        use MountTarget::*;
        let ident = |s: &str| Ident(s.to_string());
        let expected = vec![
            ("app", lit("/api"), ident("apiRouter"), false),
            ("app", lit(""), ident("router"), false),
            ("app", lit(""), Middleware, false),
            ("app", lit(""), Middleware, false),
            ("app", lit("/static"), Static, false),
            ("app", lit("/legacy"), Module("./legacy".into()), false),
            ("app", lit(""), Unknown, false),
            ("app", lit(""), ident("router"), false),
            ("app", lit(""), Middleware, false),
            ("app", lit(""), Unknown, false),
            ("fastify", lit("/v1"), ident("healthRoutes"), true),
            ("fastify", lit(""), ident("cors"), true),
            (
                "fastify",
                RoutePath::Dynamic,
                Module("./routes".into()),
                true,
            ),
            ("app", lit("/sub"), ident("subApp"), false),
            ("app", lit("docs"), Serves, false),
            ("app", lit("docs-json"), Serves, false),
            ("app", lit("docs-yaml"), Serves, false),
        ];
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(r, p, t, g)| (r.to_string(), p, t, g))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn servers_and_routers() {
        let got: Vec<_> = facts(
            r#"const app = express();
const router = express.Router();
const r2 = Router();
const fastify = Fastify({ logger: true });
const f2 = require('fastify')();
const koa = new Koa();
const kr = new Router({ prefix: '/api' });
const hono = new Hono();
const api = new Hono().basePath('/api');
this.app = express();
const server = http.createServer(app);
createServer((req, res) => res.end());
https.createServer(opts, koa.callback());
const e = new Elysia();
const notAServer = new Map();
"#,
        )
        .servers
        .into_iter()
        .map(|s| (s.binding, s.framework, s.kind, s.prefix, s.wraps))
        .collect();
        use Framework::*;
        use ServerKind::*;
        let b = |s: &str| Some(s.to_string());
        assert_eq!(
            got,
            [
                (b("app"), Express, App, None, None),
                (b("router"), Express, Router, None, None),
                (b("r2"), Express, Router, None, None),
                (b("fastify"), Fastify, App, None, None),
                (b("f2"), Fastify, App, None, None),
                (b("koa"), Koa, App, None, None),
                (b("kr"), Koa, Router, Some(lit("/api")), None),
                (b("hono"), Hono, App, None, None),
                (b("api"), Hono, App, Some(lit("/api")), None),
                (b("app"), Express, App, None, None),
                (None, Unknown, Http, None, b("app")),
                (None, Unknown, Http, None, None),
                (None, Unknown, Http, None, b("koa")),
                (b("e"), Unknown, App, None, None),
            ]
        );
    }

    #[test]
    fn nest_prefix_and_versioning() {
        let f = facts(
            r#"async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api', { exclude: ['health', { path: 'metrics', method: RequestMethod.GET }] });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.setGlobalPrefix(process.env.PREFIX);
  app.enableVersioning({ type: VersioningType.HEADER, header: 'X-Version' });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: [VERSION_NEUTRAL, '2'], prefix: false });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: DEFAULT });
}
"#,
        );
        let prefixes: Vec<_> = f
            .global_prefixes
            .iter()
            .map(|p| (p.prefix.clone(), p.exclude.clone(), p.exclude_known))
            .collect();
        assert_eq!(
            prefixes,
            [
                (
                    lit("api"),
                    vec!["health".to_string(), "metrics".to_string()],
                    true
                ),
                (RoutePath::Dynamic, vec![], true),
            ]
        );
        let versionings: Vec<_> = f
            .versionings
            .iter()
            .map(|v| (v.uri, v.default_version.clone(), v.prefix.as_str(), v.known))
            .collect();
        assert_eq!(
            versionings,
            [
                (Some(true), Some(vec!["1".to_string()]), "v", true),
                (Some(false), None, "v", true),
                (Some(true), Some(vec!["2".to_string()]), "", true),
                (Some(true), None, "v", false),
            ]
        );
    }

    #[test]
    fn broken_and_empty_input_never_panics() {
        for text in [
            "",
            "app.get(",
            "app.get('/x', ",
            "app.use('/x'",
            "app.route(",
            "fastify.route({ method: ",
            "app.setGlobalPrefix(",
            "app.enableVersioning({ type",
            "const app = express(",
            "new Hono().basePath(",
        ] {
            let _ = parse("src/x.ts", text);
        }
    }
}
