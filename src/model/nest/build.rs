//! Building the graph from the parsed facts: evaluate `@Module` metadata, dynamic modules and
//! provider lists as Nest's scanner would, without running anything.

use std::collections::{BTreeSet, HashMap};

use super::symbols::{Resolved, Sym, Symbols};
use super::{
    ClassId, ClassRef, Commented, Consumer, Dep, Edge, Module, ModuleId, ModuleKind, Nest,
    Provided, Role, Root, Site, Token,
};
use crate::data::nest_modules::{self, Derived, Global, LibraryModule};
use crate::model::{Model, SourceClass};
use crate::parse::typescript::{
    Class, Expr, ExprKind, Param, TypeRef, decorator_args, decorator_name,
};

/// How deep a provider list is followed through `const`s, spreads and conditionals.
const MAX_DEPTH: usize = 16;
/// How far `extends` is followed for an inherited constructor.
const MAX_PARENTS: usize = 8;
/// How many `const` aliases (`const Imported = SomeModule;`) are followed to a module.
const MAX_ALIASES: usize = 16;

/// A static method's source, returned expression and locals.
type StaticMethod<'m> = (usize, &'m Expr, &'m [(String, Expr)]);

/// Where names in an expression are looked up: a file, and the locals of the static method
/// that returned it.
#[derive(Clone, Copy)]
struct Scope<'m> {
    source: usize,
    locals: &'m [(String, Expr)],
}

pub(super) fn build(model: &Model) -> Nest {
    let symbols = Symbols::new(model);
    let mut b = Builder {
        model,
        symbols,
        nest: Nest::default(),
        class_ids: HashMap::new(),
        static_modules: HashMap::new(),
        dynamic: HashMap::new(),
        library: HashMap::new(),
        opaque: HashMap::new(),
    };
    b.collect_classes();
    b.collect_modules();
    b.collect_roots();
    b.reach();
    b.dedupe_consumers();
    b.value_uses();
    let provided: Vec<ClassId> = b
        .nest
        .modules
        .iter()
        .flat_map(|m| m.providers.iter())
        .filter_map(|p| match p.token {
            Token::Class(id) => Some(id),
            _ => None,
        })
        .collect();
    b.nest.provided.extend(provided);
    b.nest.undefined_imports = super::load_order::undefined_imports(model, &b.symbols, &b.nest);
    for m in &b.nest.modules {
        if let (ModuleKind::Class(_), Some(site)) = (&m.kind, m.site) {
            b.nest
                .nest_packages
                .extend(model.sources[site.source].package);
        }
    }
    for root in &b.nest.roots {
        b.nest
            .nest_packages
            .extend(model.sources[root.site.source].package);
    }
    b.nest
}

struct Builder<'m> {
    model: &'m Model,
    symbols: Symbols<'m>,
    nest: Nest,
    class_ids: HashMap<(usize, usize), ClassId>,
    static_modules: HashMap<ClassId, ModuleId>,
    /// Dynamic module call sites: (source, start line, start column).
    dynamic: HashMap<(usize, u32, u32), ModuleId>,
    library: HashMap<(usize, u32, u32), ModuleId>,
    opaque: HashMap<Token, ModuleId>,
}

/// Whether a source takes part: everything but tests, fixtures and declarations (a test never
/// makes a provider available). Files that only look like tool configs by name
/// (`auth.module.config.ts`) and scripts that bootstrap an application context are Nest code.
fn takes_part(class: SourceClass) -> bool {
    matches!(
        class,
        SourceClass::Runtime | SourceClass::DevConfig | SourceClass::Script
    )
}

impl<'m> Builder<'m> {
    fn class_of(&self, id: ClassId) -> &'m Class {
        let r = &self.nest.classes[id];
        &self.model.sources[r.source].classes[r.index]
    }

    fn collect_classes(&mut self) {
        for (s, source) in self.model.sources.iter().enumerate() {
            if !takes_part(source.class) {
                continue;
            }
            for (c, class) in source.classes.iter().enumerate() {
                let id = self.nest.classes.len();
                self.nest.classes.push(ClassRef {
                    source: s,
                    index: c,
                    name: class.name.clone(),
                });
                self.class_ids.insert((s, c), id);
            }
        }
    }

    /// The class a resolved name denotes, if it is a repository class that takes part.
    fn class_id(&self, sym: &Sym<'_>) -> Option<ClassId> {
        match sym {
            Sym::Class(s, c) => self.class_ids.get(&(*s, *c)).copied(),
            _ => None,
        }
    }

    fn resolve(&self, scope: Scope<'m>, name: &str) -> Resolved<'m> {
        if let Some((_, value)) = scope.locals.iter().rev().find(|(n, _)| n == name) {
            return Resolved {
                sym: Sym::Const {
                    source: scope.source,
                    name: "",
                    value,
                },
                type_only: false,
            };
        }
        self.symbols.resolve(scope.source, name)
    }

    /// What an identifier or `ns.Name` expression denotes.
    fn resolve_expr(&self, scope: Scope<'m>, expr: &'m Expr) -> Resolved<'m> {
        match &expr.kind {
            ExprKind::Ident(name) => self.resolve(scope, name),
            ExprKind::Member(object, property) => {
                let namespace = self.resolve_expr(scope, object);
                self.symbols.member(&namespace.sym, property)
            }
            _ => Resolved {
                sym: Sym::Unknown,
                type_only: false,
            },
        }
    }

    /// Whether a decorator is the NestJS one called `name`: imported from `@nestjs/common`
    /// (or, when it cannot be followed, named so).
    fn is_nest_decorator(&self, scope: Scope<'m>, decorator: &'m Expr, name: &str) -> bool {
        if decorator_name(decorator) != Some(name) {
            return false;
        }
        let callee = match &decorator.kind {
            ExprKind::Call(callee, _) => callee,
            _ => decorator,
        };
        match self.resolve_expr(scope, callee).sym {
            Sym::External { package, .. } => package == "@nestjs/common",
            Sym::Unknown => true,
            _ => false,
        }
    }

    fn is_module_class(&self, id: ClassId) -> bool {
        let r = &self.nest.classes[id];
        let class = self.class_of(id);
        let scope = Scope {
            source: r.source,
            locals: &[],
        };
        class
            .decorators
            .iter()
            .any(|d| self.is_nest_decorator(scope, d, "Module"))
    }

    fn collect_modules(&mut self) {
        let ids: Vec<ClassId> = (0..self.nest.classes.len())
            .filter(|&id| self.is_module_class(id))
            .collect();
        for &id in &ids {
            let r = &self.nest.classes[id];
            let class = self.class_of(id);
            let mut module = Module::new(
                r.name.clone(),
                ModuleKind::Class(id),
                Some(Token::Class(id)),
            );
            module.site = Some(Site {
                source: r.source,
                span: class.span,
            });
            let m = self.nest.modules.len();
            self.nest.modules.push(module);
            self.static_modules.insert(id, m);
        }
        for &id in &ids {
            let m = self.static_modules[&id];
            let mut module = std::mem::replace(&mut self.nest.modules[m], placeholder());
            self.fill_static(id, m, &mut module);
            self.nest.modules[m] = module;
        }
    }

    /// A module class's own `@Module({…})` metadata and `@Global()`.
    fn fill_static(&mut self, id: ClassId, m: ModuleId, module: &mut Module) {
        let r = self.nest.classes[id].clone();
        let class = self.class_of(id);
        let scope = Scope {
            source: r.source,
            locals: &[],
        };
        if class
            .decorators
            .iter()
            .any(|d| self.is_nest_decorator(scope, d, "Global"))
        {
            module.global = true;
        }
        let Some(decorator) = class
            .decorators
            .iter()
            .find(|d| self.is_nest_decorator(scope, d, "Module"))
        else {
            return;
        };
        if let Some(meta) = decorator_args(decorator).first() {
            self.metadata(scope, meta, m, module, 0);
        }
    }

    /// Reads a metadata object (`{ imports, providers, controllers, exports, global }`) into
    /// `module`, following a `const` that holds it.
    fn metadata(
        &mut self,
        scope: Scope<'m>,
        meta: &'m Expr,
        m: ModuleId,
        module: &mut Module,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            module.providers_known = false;
            module.imports_known = false;
            module.exports_known = false;
            return;
        }
        match &meta.kind {
            ExprKind::Object(props) => {
                for prop in props {
                    match prop.key.as_str() {
                        "imports" => self.imports(scope, &prop.value, module),
                        "providers" => self.providers(scope, &prop.value, m, module),
                        "exports" => self.exports(scope, &prop.value, module),
                        "controllers" => self.controllers(scope, &prop.value, m, module),
                        "global" => match prop.value.kind {
                            ExprKind::Bool(false) => {}
                            _ => module.global = true,
                        },
                        "" => {
                            // `...base`: a spread of another metadata object.
                            if let ExprKind::Spread(inner) = &prop.value.kind {
                                self.metadata_ref(scope, inner, m, module, depth + 1);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => self.metadata_ref(scope, meta, m, module, depth + 1),
        }
    }

    fn metadata_ref(
        &mut self,
        scope: Scope<'m>,
        expr: &'m Expr,
        m: ModuleId,
        module: &mut Module,
        depth: usize,
    ) {
        match self.resolve_expr(scope, expr).sym {
            Sym::Const { source, value, .. } => {
                let inner = Scope {
                    source,
                    locals: if source == scope.source {
                        scope.locals
                    } else {
                        &[]
                    },
                };
                self.metadata(inner, value, m, module, depth);
            }
            _ => {
                module.providers_known = false;
                module.imports_known = false;
                module.exports_known = false;
            }
        }
    }

    /// The elements of a list expression: arrays, spreads, `const`s, conditionals and
    /// `.concat`/`.filter`/`.flat`; `known` turns false when a part cannot be followed.
    fn elements(
        &self,
        scope: Scope<'m>,
        expr: &'m Expr,
        out: &mut Vec<(Scope<'m>, &'m Expr)>,
        known: &mut bool,
        depth: usize,
    ) {
        let mut unread = Vec::new();
        self.elements_in(scope, expr, out, &mut unread, depth);
        if !unread.is_empty() {
            *known = false;
        }
    }

    /// [`Builder::elements`], keeping the parts it could not follow in `unread`.
    fn elements_in(
        &self,
        scope: Scope<'m>,
        expr: &'m Expr,
        out: &mut Vec<(Scope<'m>, &'m Expr)>,
        unread: &mut Vec<(Scope<'m>, &'m Expr)>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            unread.push((scope, expr));
            return;
        }
        match &expr.kind {
            ExprKind::Array(items) => {
                for item in items {
                    match &item.kind {
                        ExprKind::Spread(inner) => {
                            self.elements_in(scope, inner, out, unread, depth + 1)
                        }
                        _ => out.push((scope, item)),
                    }
                }
            }
            ExprKind::Spread(inner) => self.elements_in(scope, inner, out, unread, depth + 1),
            ExprKind::Either(options) => {
                for option in options {
                    self.elements_in(scope, option, out, unread, depth + 1);
                }
            }
            ExprKind::Call(callee, args) => match &callee.kind {
                ExprKind::Member(object, method)
                    if matches!(method.as_str(), "concat" | "filter" | "flat") =>
                {
                    self.elements_in(scope, object, out, unread, depth + 1);
                    if method == "concat" {
                        for arg in args {
                            self.elements_in(scope, arg, out, unread, depth + 1);
                        }
                    }
                }
                _ => unread.push((scope, expr)),
            },
            ExprKind::Ident(_) | ExprKind::Member(..) => match self.resolve_expr(scope, expr).sym {
                Sym::Const { source, value, .. } => {
                    let inner = Scope {
                        source,
                        locals: if source == scope.source {
                            scope.locals
                        } else {
                            &[]
                        },
                    };
                    self.elements_in(inner, value, out, unread, depth + 1);
                }
                _ => unread.push((scope, expr)),
            },
            _ => unread.push((scope, expr)),
        }
    }

    fn list(
        &mut self,
        scope: Scope<'m>,
        expr: &'m Expr,
        array: &'static str,
        module: &mut Module,
    ) -> (Vec<(Scope<'m>, &'m Expr)>, bool) {
        let mut items = Vec::new();
        let mut unread = Vec::new();
        self.elements_in(scope, expr, &mut items, &mut unread, 0);
        let known = unread.is_empty();
        // What could not be followed may still name classes (`...register([AuditService])`).
        for (scope, part) in unread {
            self.mention(scope, part);
        }
        let mut kept = Vec::new();
        for (scope, item) in items {
            if let ExprKind::Comment(text) = &item.kind {
                module.comments.push(Commented {
                    array,
                    text: text.clone(),
                    site: Site {
                        source: scope.source,
                        span: item.span,
                    },
                });
            } else {
                self.mention(scope, item);
                kept.push((scope, item));
            }
        }
        (kept, known)
    }

    /// Records every repository class an entry names (for the not-in-module rules).
    fn mention(&mut self, scope: Scope<'m>, expr: &'m Expr) {
        let mut stack = vec![expr];
        let mut budget = 256;
        while let Some(e) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                break;
            }
            match &e.kind {
                ExprKind::Ident(_) => {
                    if let Some(id) = self.class_id(&self.resolve_expr(scope, e).sym) {
                        self.nest.mentioned.insert(id);
                    }
                }
                ExprKind::Object(props) => stack.extend(props.iter().map(|p| &p.value)),
                ExprKind::Array(items) | ExprKind::Either(items) => stack.extend(items),
                ExprKind::Call(callee, args) | ExprKind::New(callee, args) => {
                    stack.push(callee);
                    stack.extend(args);
                }
                ExprKind::Spread(inner) => stack.push(inner),
                ExprKind::Function(Some(body)) => stack.push(body),
                _ => {}
            }
        }
    }

    fn imports(&mut self, scope: Scope<'m>, expr: &'m Expr, module: &mut Module) {
        let (items, known) = self.list(scope, expr, "imports", module);
        module.imports_known &= known;
        for (scope, item) in items {
            let (target, forward_ref) = unwrap_forward_ref(item);
            let name = match &target.kind {
                ExprKind::Ident(name) => Some(name.clone()),
                ExprKind::Call(callee, _) => match &callee.kind {
                    ExprKind::Member(object, _) => object.ident().map(str::to_string),
                    _ => None,
                },
                _ => None,
            };
            match self.module_ref(scope, target) {
                Some(m) => module.imports.push(Edge {
                    module: m,
                    forward_ref,
                    site: Site {
                        source: scope.source,
                        span: item.span,
                    },
                    name,
                }),
                None => module.imports_known = false,
            }
        }
    }

    /// The module node an `imports` entry denotes, creating dynamic and library nodes.
    fn module_ref(&mut self, scope: Scope<'m>, expr: &'m Expr) -> Option<ModuleId> {
        self.module_ref_at(scope, expr, 0)
    }

    /// [`Builder::module_ref`] of an expression reached through `aliases` `const`s: a cycle
    /// of them (`const A = B; const B = A;`) ends after [`MAX_ALIASES`].
    fn module_ref_at(
        &mut self,
        scope: Scope<'m>,
        expr: &'m Expr,
        aliases: usize,
    ) -> Option<ModuleId> {
        match &expr.kind {
            ExprKind::Ident(_) | ExprKind::Member(..) => {
                let resolved = self.resolve_expr(scope, expr);
                match resolved.sym {
                    Sym::Class(..) => {
                        let id = self.class_id(&resolved.sym)?;
                        self.static_modules.get(&id).copied()
                    }
                    Sym::External { package, name } => {
                        Some(self.library_node(package, name, "", &[], scope, expr))
                    }
                    Sym::Const { .. } if aliases >= MAX_ALIASES => None,
                    Sym::Const { source, value, .. } => {
                        let inner = Scope {
                            source,
                            locals: if source == scope.source {
                                scope.locals
                            } else {
                                &[]
                            },
                        };
                        self.module_ref_at(inner, value, aliases + 1)
                    }
                    _ => None,
                }
            }
            ExprKind::Call(callee, args) => {
                let ExprKind::Member(object, method) = &callee.kind else {
                    return None;
                };
                let resolved = self.resolve_expr(scope, object);
                match resolved.sym {
                    Sym::Class(..) => {
                        let id = self.class_id(&resolved.sym)?;
                        self.dynamic_node(id, method, scope, expr)
                    }
                    Sym::External { package, name } => {
                        Some(self.library_node(package, name, method, args, scope, expr))
                    }
                    _ => None,
                }
            }
            // `{ module: X, providers: [...] }` written inline.
            ExprKind::Object(_) => {
                let class = expr.prop("module")?;
                let resolved = self.resolve_expr(scope, class);
                let id = self.class_id(&resolved.sym)?;
                let key = (scope.source, expr.span.line, expr.span.column);
                if let Some(&m) = self.dynamic.get(&key) {
                    return Some(m);
                }
                let mut module = self.new_dynamic(id, "");
                let m = self.nest.modules.len();
                self.nest.modules.push(placeholder());
                self.dynamic.insert(key, m);
                self.fill_static(id, m, &mut module);
                self.metadata(scope, expr, m, &mut module, 0);
                module.site = Some(Site {
                    source: scope.source,
                    span: expr.span,
                });
                self.nest.modules[m] = module;
                Some(m)
            }
            _ => None,
        }
    }

    fn new_dynamic(&self, id: ClassId, method: &str) -> Module {
        Module::new(
            self.nest.classes[id].name.clone(),
            ModuleKind::Dynamic {
                class: id,
                method: method.to_string(),
            },
            Some(Token::Class(id)),
        )
    }

    /// `X.method(…)` for a repository module class X: X's metadata merged with what the
    /// static method returns.
    fn dynamic_node(
        &mut self,
        id: ClassId,
        method: &str,
        scope: Scope<'m>,
        call: &'m Expr,
    ) -> Option<ModuleId> {
        self.static_modules.get(&id)?;
        let key = (scope.source, call.span.line, call.span.column);
        if let Some(&m) = self.dynamic.get(&key) {
            return Some(m);
        }
        let m = self.nest.modules.len();
        self.nest.modules.push(placeholder());
        self.dynamic.insert(key, m);
        let mut module = self.new_dynamic(id, method);
        module.site = Some(Site {
            source: scope.source,
            span: call.span,
        });
        self.fill_static(id, m, &mut module);
        if let Some(options) = self.configurable(id) {
            // `X extends ConfigurableModuleClass`: every static method Nest generates returns a
            // module providing the options token (and, for the async form, the `imports` of its
            // options); `isGlobal`/`global` in the options makes it global (`setExtras`).
            let site = Site {
                source: scope.source,
                span: call.span,
            };
            module.providers.push(Provided {
                token: options,
                site,
            });
            if let ExprKind::Call(_, args) = &call.kind {
                for arg in args {
                    for key in ["isGlobal", "global"] {
                        if matches!(arg.prop(key).map(|v| &v.kind), Some(kind) if *kind != ExprKind::Bool(false))
                        {
                            module.global = true;
                        }
                    }
                    if let Some(imports) = arg.prop("imports") {
                        let mut inner = placeholder();
                        self.imports(scope, imports, &mut inner);
                        module.option_imports = inner.imports;
                    }
                }
            }
            self.nest.modules[m] = module;
            return Some(m);
        }
        match self.static_method(id, method) {
            Some((source, returned, locals)) => {
                let inner = Scope { source, locals };
                match &returned.kind {
                    ExprKind::Object(_) => self.metadata(inner, returned, m, &mut module, 0),
                    _ => unknown_all(&mut module),
                }
            }
            None => unknown_all(&mut module),
        }
        self.nest.modules[m] = module;
        Some(m)
    }

    /// The options token of a `ConfigurableModuleBuilder` class: `X extends
    /// ConfigurableModuleClass` where both are destructured from one `builder.build()`.
    fn configurable(&self, id: ClassId) -> Option<Token> {
        let r = &self.nest.classes[id];
        let parent = self.class_of(id).extends.as_ref()?;
        let scope = Scope {
            source: r.source,
            locals: &[],
        };
        let Sym::Const { source, value, .. } = self.resolve_expr(scope, parent).sym else {
            return None;
        };
        if builder_member(value) != Some("ConfigurableModuleClass") {
            return None;
        }
        let decl = self.model.sources[source].decls.iter().find(|d| {
            d.value
                .as_ref()
                .is_some_and(|v| builder_member(v) == Some("MODULE_OPTIONS_TOKEN"))
        })?;
        Some(Token::ModuleOptions {
            source,
            name: decl.name.clone(),
        })
    }

    /// A static method's returned expression, looked up through `extends`.
    fn static_method(&self, id: ClassId, method: &str) -> Option<StaticMethod<'m>> {
        let mut current = id;
        for _ in 0..MAX_PARENTS {
            let r = &self.nest.classes[current];
            let class = self.class_of(current);
            if let Some(m) = class
                .methods
                .iter()
                .find(|m| m.is_static && m.name == method)
            {
                return Some((r.source, m.returns.as_ref()?, &m.locals));
            }
            let parent = class.extends.as_ref()?;
            let scope = Scope {
                source: r.source,
                locals: &[],
            };
            current = self.class_id(&self.resolve_expr(scope, parent).sym)?;
        }
        None
    }

    /// A library module: from the table when known, else an opaque node.
    fn library_node(
        &mut self,
        package: &str,
        class: &str,
        method: &str,
        args: &'m [Expr],
        scope: Scope<'m>,
        call: &'m Expr,
    ) -> ModuleId {
        let Some(entry) = nest_modules::library_module(package, class, method) else {
            return self.opaque_call(package, class, args, scope);
        };
        if entry.derived == Derived::Opaque {
            return self.opaque_call(package, class, args, scope);
        }
        let key = (scope.source, call.span.line, call.span.column);
        if method.is_empty() {
            // A static import is one module however often it is imported.
            if let Some(existing) = self.nest.modules.iter().position(|m| {
                matches!(&m.kind, ModuleKind::Library { package: p, class: c, method, .. } if p == package && c == class && method.is_empty())
            }) {
                return existing;
            }
        } else if let Some(&m) = self.library.get(&key) {
            return m;
        }
        let m = self.nest.modules.len();
        self.nest.modules.push(placeholder());
        self.library.insert(key, m);
        let site = Site {
            source: scope.source,
            span: call.span,
        };
        let module = self.library_module(entry, package, class, method, args, scope, site);
        self.nest.modules[m] = module;
        m
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one call site; the parts of one library call"
    )]
    fn library_module(
        &mut self,
        entry: &'static LibraryModule,
        package: &str,
        class: &str,
        method: &str,
        args: &'m [Expr],
        scope: Scope<'m>,
        site: Site,
    ) -> Module {
        let mut tokens: Vec<Token> = entry
            .exports
            .iter()
            .map(|t| match t.split_once(':') {
                Some((p, n)) => Token::External {
                    package: p.to_string(),
                    name: n.to_string(),
                },
                None => Token::External {
                    package: package.to_string(),
                    name: (*t).to_string(),
                },
            })
            .collect();
        let options = args.first();
        let global = match entry.global {
            Global::No => false,
            Global::Yes => true,
            Global::Option { key, default } => match options.map(|o| &o.kind) {
                None => default,
                Some(ExprKind::Object(_)) => {
                    match options.and_then(|o| o.prop(key)).map(|v| &v.kind) {
                        None => default,
                        Some(ExprKind::Bool(b)) => *b,
                        Some(_) => true,
                    }
                }
                // Options seaworthy cannot read may set it.
                Some(_) => true,
            },
        };
        let global_option = match entry.global {
            Global::Option { key, .. } if !global => Some(key),
            _ => None,
        };
        let mut known = true;
        match entry.derived {
            Derived::None | Derived::Opaque => {}
            Derived::TypeOrmRepositories => {
                let prefix = match args.get(1).map(|a| &a.kind) {
                    None => Some(String::new()),
                    Some(ExprKind::Str(s)) if s == "default" => Some(String::new()),
                    Some(ExprKind::Str(s)) => Some(format!("{s}_")),
                    Some(_) => None,
                };
                match (prefix, options) {
                    (Some(prefix), Some(list)) => {
                        let mut items = Vec::new();
                        self.elements(scope, list, &mut items, &mut known, 0);
                        for (scope, item) in items {
                            match self.entity_name(scope, item) {
                                Some(name) => {
                                    tokens.push(Token::Str(format!("{prefix}{name}Repository")))
                                }
                                None => known = false,
                            }
                        }
                    }
                    (None, _) => known = false,
                    (_, None) => {}
                }
            }
            Derived::SequelizeModels => {
                if args.len() > 1 {
                    known = false;
                } else if let Some(list) = options {
                    let mut items = Vec::new();
                    self.elements(scope, list, &mut items, &mut known, 0);
                    for (scope, item) in items {
                        match self.entity_name(scope, item) {
                            Some(name) => tokens.push(Token::Str(format!("{name}Repository"))),
                            None => known = false,
                        }
                    }
                }
            }
            Derived::MongooseModels => {
                if args.len() > 1 {
                    known = false;
                } else if let Some(list) = options {
                    let mut items = Vec::new();
                    self.elements(scope, list, &mut items, &mut known, 0);
                    for (scope, item) in items {
                        match item.prop("name").and_then(|n| self.string_of(scope, n)) {
                            Some(name) => tokens.push(Token::Str(format!("{name}Model"))),
                            None => known = false,
                        }
                    }
                }
            }
            Derived::BullQueues => {
                for arg in args {
                    match &arg.kind {
                        ExprKind::Object(_) => match arg.prop("name") {
                            None => tokens.push(Token::Str("BullQueue_default".to_string())),
                            Some(name) => match self.string_of(scope, name) {
                                Some(name) => tokens.push(Token::Str(format!("BullQueue_{name}"))),
                                None => known = false,
                            },
                        },
                        _ => known = false,
                    }
                }
            }
            Derived::Clients => {
                let list = match options.map(|o| &o.kind) {
                    Some(ExprKind::Object(_)) => options.and_then(|o| o.prop("clients")),
                    _ => options,
                };
                match list {
                    Some(list) => {
                        let mut items = Vec::new();
                        self.elements(scope, list, &mut items, &mut known, 0);
                        for (scope, item) in items {
                            match item.prop("name").and_then(|n| self.token(scope, n)) {
                                Some(token) => tokens.push(token),
                                None => known = false,
                            }
                        }
                    }
                    None => known = false,
                }
            }
        }
        let mut module = Module::new(
            class.to_string(),
            ModuleKind::Library {
                package: package.to_string(),
                class: class.to_string(),
                method: method.to_string(),
                global_option,
            },
            Some(Token::External {
                package: package.to_string(),
                name: class.to_string(),
            }),
        );
        module.site = Some(site);
        module.global = global;
        module.providers_known = known;
        module.exports_known = known;
        for token in tokens {
            module.providers.push(Provided {
                token: token.clone(),
                site,
            });
            module.exports.push(Provided { token, site });
        }
        // `registerAsync({ imports: [ConfigModule] })`: those feed only this module.
        for option in args {
            if let Some(imports) = option.prop("imports") {
                let mut inner = placeholder();
                self.imports(scope, imports, &mut inner);
                module.option_imports = inner.imports;
            }
        }
        module
    }

    /// An opaque module for a call: it may also provide the repository classes its arguments
    /// name (`SomeModule.forFeature([Entity])`).
    fn opaque_call(
        &mut self,
        package: &str,
        class: &str,
        args: &'m [Expr],
        scope: Scope<'m>,
    ) -> ModuleId {
        let m = self.opaque_node(package, class);
        let mut named = Vec::new();
        for arg in args {
            self.classes_named(scope, arg, &mut named);
        }
        self.nest.modules[m].may_provide.extend(named);
        m
    }

    /// Repository classes an expression names anywhere inside it (bounded).
    fn classes_named(&self, scope: Scope<'m>, expr: &'m Expr, out: &mut Vec<ClassId>) {
        let mut stack = vec![expr];
        let mut budget = 512;
        while let Some(e) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                break;
            }
            match &e.kind {
                ExprKind::Ident(_) => {
                    let resolved = self.resolve_expr(scope, e);
                    match resolved.sym {
                        Sym::Const { value, source, .. } if source == scope.source => {
                            stack.push(value)
                        }
                        ref sym => out.extend(self.class_id(sym)),
                    }
                }
                ExprKind::Object(props) => stack.extend(props.iter().map(|p| &p.value)),
                ExprKind::Array(items) | ExprKind::Either(items) => stack.extend(items),
                ExprKind::Call(callee, args) | ExprKind::New(callee, args) => {
                    stack.push(callee);
                    stack.extend(args);
                }
                ExprKind::Spread(inner) => stack.push(inner),
                ExprKind::Function(Some(body)) => stack.push(body),
                _ => {}
            }
        }
    }

    /// A module seaworthy cannot see into, one per package and class: it may provide and
    /// export anything, and `exports: [ItsClass]` re-exports it.
    fn opaque_node(&mut self, package: &str, class: &str) -> ModuleId {
        let token = Token::External {
            package: package.to_string(),
            name: class.to_string(),
        };
        if let Some(&m) = self.opaque.get(&token) {
            return m;
        }
        let m = self.nest.modules.len();
        let mut module = placeholder();
        module.name = class.to_string();
        module.kind = ModuleKind::Opaque;
        module.class_token = Some(token.clone());
        unknown_all(&mut module);
        self.nest.modules.push(module);
        self.opaque.insert(token, m);
        m
    }

    /// An entity's class name (`User` for `User` or `User.name`, as `entity.name` is at
    /// runtime: the declared class name, whatever it was imported as).
    fn entity_name(&self, scope: Scope<'m>, expr: &'m Expr) -> Option<String> {
        let expr = match &expr.kind {
            ExprKind::Member(object, property) if property == "name" => object,
            _ => expr,
        };
        let resolved = self.resolve_expr(scope, expr);
        match resolved.sym {
            Sym::Class(s, c) => Some(self.model.sources[s].classes[c].name.clone()),
            Sym::External { name, .. } => Some(name.to_string()),
            _ => None,
        }
    }

    /// A string value: a literal, a `const` holding one, or `Class.name`.
    fn string_of(&self, scope: Scope<'m>, expr: &'m Expr) -> Option<String> {
        match &expr.kind {
            ExprKind::Str(s) => Some(s.clone()),
            ExprKind::Member(_, property) if property == "name" => self.entity_name(scope, expr),
            ExprKind::Ident(_) => match self.resolve_expr(scope, expr).sym {
                Sym::Const { value, .. } => match &value.kind {
                    ExprKind::Str(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// The token an expression denotes (`provide`, `@Inject(…)`, `inject: […]`).
    fn token(&self, scope: Scope<'m>, expr: &'m Expr) -> Option<Token> {
        self.token_at(scope, expr, 0)
    }

    fn token_at(&self, scope: Scope<'m>, expr: &'m Expr, depth: usize) -> Option<Token> {
        if depth > MAX_DEPTH {
            return None;
        }
        match &expr.kind {
            ExprKind::Str(s) => Some(Token::Str(s.clone())),
            ExprKind::Ident(_) | ExprKind::Member(..) => {
                let resolved = self.resolve_expr(scope, expr);
                match resolved.sym {
                    Sym::Class(..) => self.class_id(&resolved.sym).map(Token::Class),
                    Sym::External { package, name } => Some(Token::External {
                        package: package.to_string(),
                        name: name.to_string(),
                    }),
                    Sym::Const {
                        source,
                        name,
                        value,
                    } => match &value.kind {
                        ExprKind::Str(s) => Some(Token::Str(s.clone())),
                        ExprKind::Member(..)
                            if !name.is_empty()
                                && builder_member(value) == Some("MODULE_OPTIONS_TOKEN") =>
                        {
                            Some(Token::ModuleOptions {
                                source,
                                name: name.to_string(),
                            })
                        }
                        ExprKind::Call(callee, args) if callee.ident() == Some("Symbol") => {
                            let description = match args.first().map(|a| &a.kind) {
                                Some(ExprKind::Str(s)) => s.clone(),
                                _ => String::new(),
                            };
                            (!name.is_empty()).then(|| Token::Symbol {
                                source,
                                name: name.to_string(),
                                description,
                            })
                        }
                        ExprKind::Ident(_) | ExprKind::Member(..) => {
                            let inner = Scope {
                                source,
                                locals: &[],
                            };
                            self.token_at(inner, value, depth + 1)
                        }
                        _ => None,
                    },
                    _ => None,
                }
            }
            ExprKind::Call(callee, args) => {
                let function = match self.resolve_expr(scope, callee).sym {
                    Sym::External { package, name } => (package, name),
                    _ => return None,
                };
                match function {
                    ("@nestjs/common", "forwardRef") => match args.first().map(|a| &a.kind) {
                        Some(ExprKind::Function(Some(body))) => {
                            self.token_at(scope, body, depth + 1)
                        }
                        _ => None,
                    },
                    ("@nestjs/typeorm", "getRepositoryToken") => {
                        if args.len() > 1 {
                            return None;
                        }
                        let name = self.entity_name(scope, args.first()?)?;
                        Some(Token::Str(format!("{name}Repository")))
                    }
                    ("@nestjs/mongoose", "getModelToken") => {
                        if args.len() > 1 {
                            return None;
                        }
                        let name = self.string_of(scope, args.first()?)?;
                        Some(Token::Str(format!("{name}Model")))
                    }
                    ("@nestjs/bull" | "@nestjs/bullmq", "getQueueToken") => {
                        let name = match args.first() {
                            Some(a) => self.string_of(scope, a)?,
                            None => "default".to_string(),
                        };
                        Some(Token::Str(format!("BullQueue_{name}")))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn providers(&mut self, scope: Scope<'m>, expr: &'m Expr, m: ModuleId, module: &mut Module) {
        let (items, known) = self.list(scope, expr, "providers", module);
        module.providers_known &= known;
        for (scope, item) in items {
            let site = Site {
                source: scope.source,
                span: item.span,
            };
            // `const PrismaProvider: Provider = { provide: …, useFactory: … }` listed by name.
            let (scope, item) = self.provider_object(scope, item);
            let token = match &item.kind {
                ExprKind::Object(_) => item.prop("provide").and_then(|p| self.token(scope, p)),
                _ => self.token(scope, item),
            };
            let Some(token) = token else {
                module.providers_known = false;
                continue;
            };
            self.provider_consumers(scope, item, &token, m, site);
            module.providers.push(Provided { token, site });
        }
    }

    /// A `const` that holds a custom provider object, read as that object.
    fn provider_object(&self, scope: Scope<'m>, expr: &'m Expr) -> (Scope<'m>, &'m Expr) {
        if let ExprKind::Ident(_) = expr.kind
            && let Sym::Const { source, value, .. } = self.resolve_expr(scope, expr).sym
            && matches!(value.kind, ExprKind::Object(_))
        {
            let inner = Scope {
                source,
                locals: if source == scope.source {
                    scope.locals
                } else {
                    &[]
                },
            };
            return (inner, value);
        }
        (scope, expr)
    }

    fn exports(&mut self, scope: Scope<'m>, expr: &'m Expr, module: &mut Module) {
        let (items, known) = self.list(scope, expr, "exports", module);
        module.exports_known &= known;
        for (scope, item) in items {
            let site = Site {
                source: scope.source,
                span: item.span,
            };
            let (target, _) = unwrap_forward_ref(item);
            let (scope, target) = self.provider_object(scope, target);
            let token = match &target.kind {
                ExprKind::Object(_) => target.prop("provide").and_then(|p| self.token(scope, p)),
                // `exports: [TypeOrmModule.forFeature([User])]`: the dynamic module itself.
                ExprKind::Call(..) => self
                    .module_ref(scope, target)
                    .and_then(|m| self.nest.modules[m].class_token.clone()),
                _ => self.token(scope, target),
            };
            match token {
                Some(token) => module.exports.push(Provided { token, site }),
                None => module.exports_known = false,
            }
        }
    }

    fn controllers(&mut self, scope: Scope<'m>, expr: &'m Expr, m: ModuleId, module: &mut Module) {
        let (items, known) = self.list(scope, expr, "controllers", module);
        module.controllers_known &= known;
        for (scope, item) in items {
            let Some(Token::Class(id)) = self.token(scope, item) else {
                module.controllers_known = false;
                continue;
            };
            let site = Site {
                source: scope.source,
                span: item.span,
            };
            self.nest.listed_controllers.insert(id);
            module.controllers.push((id, site));
            if let Some(deps) = self.class_deps(id) {
                self.nest.consumers.push(Consumer {
                    name: self.nest.classes[id].name.clone(),
                    class: Some(id),
                    role: Role::Controller,
                    module: m,
                    deps,
                    site,
                });
            }
            self.enhancers(id, m);
        }
    }

    /// Marks the classes other runtime files use as values.
    fn value_uses(&mut self) {
        for (s, source) in self.model.sources.iter().enumerate() {
            if !takes_part(source.class) || source.value_refs.is_empty() {
                continue;
            }
            for import in &source.imports {
                for binding in &import.import.bindings {
                    if binding.type_only || !source.value_refs.contains(&binding.local) {
                        continue;
                    }
                    let scope = Scope {
                        source: s,
                        locals: &[],
                    };
                    if let Some(id) = self.class_id(&self.resolve(scope, &binding.local).sym) {
                        self.nest.value_used.insert(id);
                    }
                }
            }
        }
    }

    fn collect_roots(&mut self) {
        for (s, source) in self.model.sources.iter().enumerate() {
            if !takes_part(source.class) {
                continue;
            }
            for bootstrap in &source.bootstraps {
                let scope = Scope {
                    source: s,
                    locals: &[],
                };
                let module = match self.resolve_expr(scope, &bootstrap.module).sym {
                    sym @ Sym::Class(..) => self
                        .class_id(&sym)
                        .and_then(|id| self.static_modules.get(&id).copied()),
                    _ => None,
                };
                self.nest.roots.push(Root {
                    call: bootstrap.call.clone(),
                    site: Site {
                        source: s,
                        span: bootstrap.span,
                    },
                    module,
                });
            }
        }
    }

    /// Marks what each root reaches and works out the global modules each context sees.
    fn reach(&mut self) {
        let n = self.nest.modules.len();
        let mut roots_of: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
        let mut reach_sets: Vec<Vec<ModuleId>> = Vec::new();
        for (r, root) in self.nest.roots.iter().enumerate() {
            let Some(start) = root.module else {
                reach_sets.push(Vec::new());
                continue;
            };
            let mut seen = vec![false; n];
            let mut stack = vec![start];
            let mut reached = Vec::new();
            while let Some(m) = stack.pop() {
                if std::mem::replace(&mut seen[m], true) {
                    continue;
                }
                reached.push(m);
                roots_of[m].insert(r);
                let module = &self.nest.modules[m];
                stack.extend(module.imports.iter().map(|e| e.module));
                stack.extend(module.option_imports.iter().map(|e| e.module));
            }
            reach_sets.push(reached);
        }
        let globals_of_root: Vec<Vec<ModuleId>> = reach_sets
            .iter()
            .map(|set| {
                let mut g: Vec<ModuleId> = set
                    .iter()
                    .copied()
                    .filter(|&m| self.nest.modules[m].global)
                    .collect();
                g.sort_unstable();
                g
            })
            .collect();
        let all_globals: Vec<ModuleId> = (0..n).filter(|&m| self.nest.modules[m].global).collect();
        self.nest.context_globals = (0..n)
            .map(|m| {
                if roots_of[m].is_empty() {
                    // No root reaches it: its app lives elsewhere, so any global module of
                    // the repository may be imported there (a miss rather than a false alarm).
                    return all_globals.clone();
                }
                let mut g: Vec<ModuleId> = roots_of[m]
                    .iter()
                    .flat_map(|&r| globals_of_root[r].iter().copied())
                    .filter(|&g| g != m)
                    .collect();
                g.sort_unstable();
                g.dedup();
                g
            })
            .collect();
        for (m, roots) in roots_of.iter().enumerate() {
            self.nest.modules[m].reachable = !roots.is_empty();
        }
    }

    /// One consumer per (class, module, role): a class listed twice in one module, or used
    /// as a guard by two controllers of it, is resolved once there.
    fn dedupe_consumers(&mut self) {
        let mut seen: BTreeSet<(ClassId, ModuleId, Role)> = BTreeSet::new();
        self.nest.consumers.retain(|c| match c.class {
            Some(class) if c.role != Role::Factory && c.role != Role::Alias => {
                seen.insert((class, c.module, c.role))
            }
            _ => true,
        });
    }

    /// The consumers a `providers` entry makes: the class, its `useClass`, a factory's
    /// `inject`, an alias's target.
    fn provider_consumers(
        &mut self,
        scope: Scope<'m>,
        entry: &'m Expr,
        token: &Token,
        m: ModuleId,
        site: Site,
    ) {
        let mut out = Vec::new();
        match &entry.kind {
            ExprKind::Object(_) => {
                let name = self.nest.token_name_plain(token);
                if let Some(target) = entry.prop("useClass") {
                    if let Some(Token::Class(id)) = self.token(scope, target)
                        && let Some(deps) = self.class_deps(id)
                    {
                        out.push(Consumer {
                            name,
                            class: Some(id),
                            role: Role::Provider,
                            module: m,
                            deps,
                            site,
                        });
                        self.nest.provided.insert(id);
                    }
                } else if entry.prop("useFactory").is_some() {
                    let mut deps = Vec::new();
                    if let Some(inject) = entry.prop("inject") {
                        let mut items = Vec::new();
                        let mut known = true;
                        self.elements(scope, inject, &mut items, &mut known, 0);
                        if !known {
                            return;
                        }
                        let _ = &mut out;
                        for (scope, item) in items {
                            if matches!(item.kind, ExprKind::Comment(_)) {
                                continue;
                            }
                            let (token, optional) = match &item.kind {
                                ExprKind::Object(_) => (
                                    item.prop("token").and_then(|t| self.token(scope, t)),
                                    matches!(
                                        item.prop("optional").map(|o| &o.kind),
                                        Some(ExprKind::Bool(true))
                                    ),
                                ),
                                _ => (self.token(scope, item), false),
                            };
                            deps.push(Dep {
                                token,
                                optional,
                                site: Site {
                                    source: scope.source,
                                    span: item.span,
                                },
                            });
                        }
                    }
                    out.push(Consumer {
                        name,
                        class: None,
                        role: Role::Factory,
                        module: m,
                        deps,
                        site,
                    });
                } else if let Some(target) = entry.prop("useExisting") {
                    let token = self.token(scope, target);
                    out.push(Consumer {
                        name,
                        class: None,
                        role: Role::Alias,
                        module: m,
                        deps: vec![Dep {
                            token,
                            optional: false,
                            site: Site {
                                source: scope.source,
                                span: target.span,
                            },
                        }],
                        site,
                    });
                }
            }
            _ => {
                if let Token::Class(id) = *token {
                    self.nest.provided.insert(id);
                    if let Some(deps) = self.class_deps(id) {
                        out.push(Consumer {
                            name: self.nest.classes[id].name.clone(),
                            class: Some(id),
                            role: Role::Provider,
                            module: m,
                            deps,
                            site,
                        });
                    }
                }
            }
        }
        let classes: Vec<ClassId> = out.iter().filter_map(|c| c.class).collect();
        self.nest.consumers.extend(out);
        for id in classes {
            self.enhancers(id, m);
        }
    }

    /// Guards, interceptors, pipes and filters named by class on `id` (class or methods, and
    /// pipes in parameter decorators): resolved in module `m`, the host's context.
    fn enhancers(&mut self, id: ClassId, m: ModuleId) {
        let r = self.nest.classes[id].clone();
        let class = self.class_of(id);
        let scope = Scope {
            source: r.source,
            locals: &[],
        };
        let mut named: Vec<&'m Expr> = Vec::new();
        let decorators = class
            .decorators
            .iter()
            .chain(class.methods.iter().flat_map(|m| m.decorators.iter()));
        for decorator in decorators {
            if matches!(
                decorator_name(decorator),
                Some("UseGuards" | "UseInterceptors" | "UsePipes" | "UseFilters")
            ) {
                named.extend(decorator_args(decorator));
            }
        }
        for param in class.methods.iter().flat_map(|m| m.params.iter()) {
            for decorator in &param.decorators {
                if matches!(
                    decorator_name(decorator),
                    Some("Body" | "Param" | "Query" | "Headers" | "UploadedFile" | "UploadedFiles")
                ) {
                    named.extend(decorator_args(decorator));
                }
            }
        }
        for expr in named {
            let Some(Token::Class(enhancer)) = self.token(scope, expr) else {
                continue;
            };
            if let Some(deps) = self.class_deps(enhancer) {
                self.nest.consumers.push(Consumer {
                    name: self.nest.classes[enhancer].name.clone(),
                    class: Some(enhancer),
                    role: Role::Enhancer,
                    module: m,
                    deps,
                    site: Site {
                        source: r.source,
                        span: expr.span,
                    },
                });
            }
        }
    }

    /// A class's constructor dependencies as Nest reads them: `design:paramtypes` (from the
    /// nearest decorated class with a constructor, through `extends`) overridden by `@Inject`,
    /// `@Optional` marking. `None` when seaworthy cannot know them.
    fn class_deps(&self, id: ClassId) -> Option<Vec<Dep>> {
        let mut current = id;
        for _ in 0..MAX_PARENTS {
            let r = &self.nest.classes[current];
            let class = self.class_of(current);
            match &class.constructor {
                Some(params) if class.is_decorated() => {
                    return self.params(r.source, params);
                }
                // An undecorated class has no metadata: Nest passes nothing.
                Some(_) => return Some(Vec::new()),
                None => {}
            }
            let Some(parent) = &class.extends else {
                return Some(Vec::new());
            };
            let scope = Scope {
                source: r.source,
                locals: &[],
            };
            current = self.class_id(&self.resolve_expr(scope, parent).sym)?;
        }
        None
    }

    fn params(&self, source: usize, params: &'m [Param]) -> Option<Vec<Dep>> {
        let file = &self.model.sources[source];
        let path = &file.path;
        let is_ts = [".ts", ".tsx", ".mts", ".cts"]
            .iter()
            .any(|e| path.ends_with(e));
        let metadata = is_ts
            && self
                .model
                .source_tsconfig(file)
                .is_none_or(|t| t.emit_decorator_metadata);
        let scope = Scope {
            source,
            locals: &[],
        };
        let mut deps = Vec::new();
        for param in params {
            let mut token = None;
            let mut optional = false;
            let mut unknown = false;
            let mut declared = false;
            for decorator in &param.decorators {
                let callee = match &decorator.kind {
                    ExprKind::Call(callee, _) => callee.as_ref(),
                    _ => decorator,
                };
                let args = decorator_args(decorator);
                let (package, name) = match self.resolve_expr(scope, callee).sym {
                    Sym::External { package, name } => (package, name),
                    _ => {
                        unknown = true;
                        continue;
                    }
                };
                match (package, name) {
                    ("@nestjs/common", "Inject") => {
                        if let Some(arg) = args.first() {
                            declared = true;
                            token = self.token(scope, arg);
                            if token.is_none() {
                                unknown = true;
                            }
                        }
                    }
                    ("@nestjs/common", "Optional") => optional = true,
                    ("@nestjs/typeorm", "InjectRepository") => {
                        declared = true;
                        token = (args.len() == 1)
                            .then(|| self.entity_name(scope, &args[0]))
                            .flatten()
                            .map(|n| Token::Str(format!("{n}Repository")));
                        unknown |= token.is_none();
                    }
                    ("@nestjs/mongoose", "InjectModel") => {
                        declared = true;
                        token = (args.len() == 1)
                            .then(|| self.string_of(scope, &args[0]))
                            .flatten()
                            .map(|n| Token::Str(format!("{n}Model")));
                        unknown |= token.is_none();
                    }
                    ("@nestjs/sequelize", "InjectModel") => {
                        declared = true;
                        token = (args.len() == 1)
                            .then(|| self.entity_name(scope, &args[0]))
                            .flatten()
                            .map(|n| Token::Str(format!("{n}Repository")));
                        unknown |= token.is_none();
                    }
                    ("@nestjs/bull" | "@nestjs/bullmq", "InjectQueue") => {
                        declared = true;
                        token = match args.first() {
                            None => Some(Token::Str("BullQueue_default".to_string())),
                            Some(a) => self
                                .string_of(scope, a)
                                .map(|n| Token::Str(format!("BullQueue_{n}"))),
                        };
                        unknown |= token.is_none();
                    }
                    _ => unknown = true,
                }
            }
            if !declared && !unknown {
                token = if metadata {
                    self.type_token(scope, &param.ty)
                } else {
                    None
                };
            }
            deps.push(Dep {
                token: if unknown { None } else { token },
                optional,
                site: Site {
                    source,
                    span: param.span,
                },
            });
        }
        Some(deps)
    }

    /// The token `design:paramtypes` holds for a parameter type.
    fn type_token(&self, scope: Scope<'m>, ty: &'m TypeRef) -> Option<Token> {
        match ty {
            TypeRef::Missing => Some(Token::Object),
            TypeRef::Predefined(p) => match p.as_str() {
                "number" => Some(Token::Primitive("Number")),
                "string" => Some(Token::Primitive("String")),
                "boolean" => Some(Token::Primitive("Boolean")),
                "bigint" => Some(Token::Primitive("BigInt")),
                "symbol" => Some(Token::Primitive("Symbol")),
                "any" | "unknown" | "object" => Some(Token::Object),
                _ => None,
            },
            TypeRef::Named(name) => {
                let resolved = match name.split_once('.') {
                    Some((namespace, member)) => {
                        let ns = self.resolve(scope, namespace);
                        self.symbols.member(&ns.sym, member)
                    }
                    None => self.resolve(scope, name),
                };
                match resolved.sym {
                    Sym::Type => Some(Token::Object),
                    _ if resolved.type_only => Some(Token::Object),
                    Sym::Class(..) => self.class_id(&resolved.sym).map(Token::Class),
                    Sym::External { package, name } => Some(Token::External {
                        package: package.to_string(),
                        name: name.to_string(),
                    }),
                    _ => None,
                }
            }
            TypeRef::Other => None,
        }
    }
}

impl Nest {
    /// A token's name without quotes (a factory provider's name as Nest prints it).
    pub(crate) fn token_name_plain(&self, token: &Token) -> String {
        match token {
            Token::Str(s) => s.clone(),
            other => self.token_name(other),
        }
    }
}

/// `key` when `value` is `<new ConfigurableModuleBuilder(…)…build()>.key`.
fn builder_member(value: &Expr) -> Option<&str> {
    let ExprKind::Member(base, key) = &value.kind else {
        return None;
    };
    let mut current = base.as_ref();
    for _ in 0..16 {
        match &current.kind {
            ExprKind::Call(callee, _) => current = callee,
            ExprKind::Member(object, _) => current = object,
            ExprKind::New(class, _) => {
                return (class.ident() == Some("ConfigurableModuleBuilder")).then_some(key);
            }
            _ => return None,
        }
    }
    None
}

fn unwrap_forward_ref(expr: &Expr) -> (&Expr, bool) {
    if let ExprKind::Call(callee, args) = &expr.kind
        && callee.ident() == Some("forwardRef")
        && let Some(ExprKind::Function(Some(body))) = args.first().map(|a| &a.kind)
    {
        return (body, true);
    }
    (expr, false)
}

fn unknown_all(module: &mut Module) {
    module.providers_known = false;
    module.imports_known = false;
    module.exports_known = false;
}

fn placeholder() -> Module {
    Module::new(String::new(), ModuleKind::Opaque, None)
}
