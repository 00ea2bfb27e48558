//! The NestJS module graph, built the way Nest's scanner builds it at boot, and resolution the
//! way its injector resolves (`../shared/research/nestjs-di.md` §1):
//!
//! - a node per `@Module` class, per dynamic-module call site (`X.forRoot(…)`, merged with X's
//!   own metadata), and per library module form (from `data::nest_modules`);
//! - per node its providers, imports (in order, `forwardRef` unwrapped), exports, controllers,
//!   whether it is global, and whether seaworthy saw all of it (a spread it cannot follow, a
//!   library module it does not know: then the node "may provide anything");
//! - the consumers: every provider, controller and enhancer, with the module context it is
//!   resolved in and its constructor dependencies as tokens;
//! - the application roots (`NestFactory.create(AppModule)`) and what each reaches.
//!
//! Rules ask [`Nest::lookup`] whether a token resolves in a context and [`Nest::explain`] why
//! not. Test files take no part: a test never makes a provider available.

mod build;
mod load_order;
mod lookup;
pub mod symbols;

use crate::source::Span;

pub use lookup::{Lookup, Why};

pub type ClassId = usize;
pub type ModuleId = usize;

/// A DI token, by identity: classes by their declaration, strings by value, symbols by the
/// `const` that creates them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Token {
    Class(ClassId),
    /// A class or constant an external package exports (`ConfigService` from
    /// `@nestjs/config`).
    External {
        package: String,
        name: String,
    },
    Str(String),
    /// `const NAME = Symbol('description')` in `source`.
    Symbol {
        source: usize,
        name: String,
        description: String,
    },
    /// The options token a `ConfigurableModuleBuilder` generates
    /// (`CONFIGURABLE_MODULE_OPTIONS[<random id>]`), by the `const` it is destructured into.
    ModuleOptions {
        source: usize,
        name: String,
    },
    /// A primitive parameter type without `@Inject`: Nest asks for `Number`, `String`, ….
    Primitive(&'static str),
    /// An interface, a type alias, `import type`, or a missing annotation: `Object` at runtime.
    Object,
}

/// A class of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRef {
    pub source: usize,
    pub index: usize,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleKind {
    /// A `@Module()` class of the repository.
    Class(ClassId),
    /// `X.method(…)` where X is a module class of the repository.
    Dynamic { class: ClassId, method: String },
    /// A library module form from the built-in table (`ConfigModule.forRoot`).
    Library {
        package: String,
        class: String,
        method: String,
        /// The form's globality depends on an option that was not set (`isGlobal`).
        global_option: Option<&'static str>,
    },
    /// A module seaworthy cannot see into: it may provide anything.
    Opaque,
}

/// Where something is written: a source file and a span in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Site {
    pub source: usize,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provided {
    pub token: Token,
    pub site: Site,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub module: ModuleId,
    pub forward_ref: bool,
    pub site: Site,
    /// The identifier the entry names (`AuthModule`, or `X` in `X.forRoot()`), to find the
    /// import binding it reads when the file runs.
    pub name: Option<String>,
}

/// An `imports` entry that is `undefined` when its module's decorator runs: the two module
/// files import each other and, in the order the application loads its files, the imported
/// one has not finished loading (`Nest cannot create the X instance. The module at index [i] of
/// the X "imports" array is undefined.`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndefinedImport {
    pub module: ModuleId,
    pub index: usize,
    pub target: ModuleId,
    pub site: Site,
    /// The root whose load order this is.
    pub root: usize,
    /// The files on the load stack when it happens, from the root's file to the module's.
    pub chain: Vec<usize>,
}

/// A comment inside a `providers`/`imports`/`exports`/`controllers` array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commented {
    pub array: &'static str,
    pub text: String,
    pub site: Site,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub name: String,
    pub kind: ModuleKind,
    /// The token `exports: [ThisModule]` names: the module class.
    pub class_token: Option<Token>,
    /// The class declaration, or the call site of a dynamic or library module.
    pub site: Option<Site>,
    pub providers: Vec<Provided>,
    pub imports: Vec<Edge>,
    /// `imports` inside an options argument (`registerAsync({ imports })`): they feed only
    /// this module's factory.
    pub option_imports: Vec<Edge>,
    pub exports: Vec<Provided>,
    pub controllers: Vec<(ClassId, Site)>,
    pub comments: Vec<Commented>,
    pub global: bool,
    /// Whether every entry of each list was understood; an entry that was not may be anything.
    pub providers_known: bool,
    pub imports_known: bool,
    pub exports_known: bool,
    /// Every `controllers` entry named a class of the repository (for the route table).
    pub controllers_known: bool,
    /// Reached from an application root.
    pub reachable: bool,
    /// For an opaque module: the repository classes its call arguments name. It may provide
    /// those (and tokens of its own package), never another class of the repository.
    pub may_provide: std::collections::BTreeSet<ClassId>,
}

impl Module {
    /// A node with empty lists, all of them known, not global, not yet reached.
    pub fn new(name: String, kind: ModuleKind, class_token: Option<Token>) -> Module {
        Module {
            name,
            kind,
            class_token,
            site: None,
            providers: Vec::new(),
            imports: Vec::new(),
            option_imports: Vec::new(),
            exports: Vec::new(),
            controllers: Vec::new(),
            comments: Vec::new(),
            global: false,
            providers_known: true,
            imports_known: true,
            exports_known: true,
            controllers_known: true,
            reachable: false,
            may_provide: std::collections::BTreeSet::new(),
        }
    }

    /// The node may provide and export anything (a library module seaworthy does not know).
    pub fn is_opaque(&self) -> bool {
        self.kind == ModuleKind::Opaque
    }

    /// Whether an opaque module may supply `token`: anything but a repository class its
    /// arguments never name.
    pub fn may_supply(&self, token: &Token) -> bool {
        match token {
            Token::Class(id) => self.may_provide.contains(id),
            _ => true,
        }
    }

    /// `X` or `X.forRoot`, as the module is written where it is imported.
    pub fn display(&self) -> String {
        match &self.kind {
            ModuleKind::Dynamic { method, .. } | ModuleKind::Library { method, .. }
                if !method.is_empty() =>
            {
                format!("{}.{method}", self.name)
            }
            _ => self.name.clone(),
        }
    }

    /// Whether seaworthy knows everything this module provides, imports and exports.
    pub fn is_known(&self) -> bool {
        !self.is_opaque() && self.providers_known && self.imports_known && self.exports_known
    }

    pub fn provides(&self, token: &Token) -> bool {
        self.providers.iter().any(|p| &p.token == token)
    }

    pub fn exports_token(&self, token: &Token) -> bool {
        self.exports.iter().any(|p| &p.token == token)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Provider,
    Controller,
    /// A guard, interceptor, pipe or filter named by class on a controller or provider.
    Enhancer,
    /// A `useFactory` provider: its dependencies are its `inject` list.
    Factory,
    /// A `useExisting` alias: its one dependency is the target.
    Alias,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    /// `None`: a dependency seaworthy cannot name (an unknown decorator, an expression); it is
    /// never judged.
    pub token: Option<Token>,
    pub optional: bool,
    /// The constructor parameter (or the `inject` entry).
    pub site: Site,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumer {
    /// The name Nest prints: the class name, or the provider token for factories and aliases.
    pub name: String,
    pub class: Option<ClassId>,
    pub role: Role,
    /// The module context it is resolved in.
    pub module: ModuleId,
    pub deps: Vec<Dep>,
    /// Where the consumer is listed (the `providers` entry, the decorator).
    pub site: Site,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub call: String,
    pub site: Site,
    /// The root module, when its argument names one seaworthy can see.
    pub module: Option<ModuleId>,
}

#[derive(Debug, Default)]
pub struct Nest {
    pub classes: Vec<ClassRef>,
    pub modules: Vec<Module>,
    pub consumers: Vec<Consumer>,
    pub roots: Vec<Root>,
    /// Classes named in any module metadata, provider list or dynamic module (whether or not
    /// the entry was understood): the "listed somewhere" test for the not-in-module rules.
    pub mentioned: std::collections::BTreeSet<ClassId>,
    /// Classes listed in some module's `providers` (directly or as `useClass`).
    pub provided: std::collections::BTreeSet<ClassId>,
    /// Classes another runtime file imports and uses as a value (not only as a type): it may
    /// be registered in ways seaworthy does not read (pushed into a list in a function).
    pub value_used: std::collections::BTreeSet<ClassId>,
    /// Classes listed in some module's `controllers`.
    pub listed_controllers: std::collections::BTreeSet<ClassId>,
    /// For each module, the global modules its context sees.
    pub(crate) context_globals: Vec<Vec<ModuleId>>,
    /// `imports` entries that are `undefined` at load time, per root.
    pub undefined_imports: Vec<UndefinedImport>,
    /// Packages (indices into `Model::packages`) that hold a `@Module` class or a root.
    pub nest_packages: std::collections::BTreeSet<usize>,
}

impl Nest {
    pub fn build(model: &crate::model::Model) -> Nest {
        build::build(model)
    }

    pub fn class(&self, id: ClassId) -> &ClassRef {
        &self.classes[id]
    }

    /// The text Nest prints for a token (`getDependencyName`).
    pub fn token_name(&self, token: &Token) -> String {
        match token {
            Token::Class(id) => self.classes[*id].name.clone(),
            Token::External { name, .. } => name.clone(),
            Token::Str(s) => format!("\"{s}\""),
            Token::Symbol { description, .. } => format!("Symbol({description})"),
            Token::ModuleOptions { .. } => "\"CONFIGURABLE_MODULE_OPTIONS[…]\"".to_string(),
            Token::Primitive(p) => (*p).to_string(),
            Token::Object => "Object".to_string(),
        }
    }

    /// The token's name as a code identifier (for fixes: `add X to providers`).
    pub fn token_label(&self, token: &Token) -> String {
        match token {
            Token::Str(s) => format!("'{s}'"),
            Token::Symbol { name, .. } | Token::ModuleOptions { name, .. } => name.clone(),
            other => self.token_name(other),
        }
    }
}
