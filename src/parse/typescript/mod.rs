//! TypeScript and JavaScript sources: one tree-sitter parse per file, one traversal that
//! records every module reference (static imports, re-exports, `require`, `require.resolve`,
//! `import()`, `import x = require()`, triple-slash `types` references) with its position and
//! whether it exists only for the type checker.
//!
//! The traversal is a single walk over the tree with a small state (inside a type? inside a
//! decorated class?); later rule families (NestJS decorators and constructor parameters,
//! `process.env` reads) add their facts to the same walk rather than parsing again.

mod aliases;
mod bootstrap;
mod classes;
mod declarations;
mod env;
mod exports;
pub mod expr;
mod imports;
mod routes;
mod sfc;

use std::cell::RefCell;
use std::collections::BTreeSet;

use rustc_hash::FxHashSet;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{Node, ParseOptions, Parser, Tree};

use super::ParseError;
use crate::source::{LineIndex, Span};

pub use aliases::{AliasKey, BundlerAliases};
pub use bootstrap::Bootstrap;
pub use classes::{Class, Method, Param, TypeRef, decorator_args, decorator_name};
pub use declarations::{Decl, DeclKind};
pub use env::{EnvClass, EnvRead, EnvSource, is_env_name};
pub use exports::Export;
pub use expr::{Expr, ExprKind, Prop};
pub use imports::{Binding, Import, ImportKind};
pub use routes::{
    Framework, GlobalPrefix, HttpMethod, Mount, MountTarget, Route, RouteFacts, RoutePath, Server,
    ServerKind, Versioning,
};

/// What one source file says, as plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceFacts {
    pub imports: Vec<Import>,
    /// Import bindings used as values (outside type positions and import declarations).
    pub value_refs: BTreeSet<String>,
    /// Import bindings used as type names in constructor parameters and decorated members of decorated classes: with
    /// `emitDecoratorMetadata` TypeScript emits them as runtime references.
    pub metadata_refs: BTreeSet<String>,
    /// What the file exports, by name (local declarations, lists, re-exports).
    pub exports: Vec<Export>,
    /// Top-level declarations, with `const` values.
    pub decls: Vec<Decl>,
    /// Classes (decorated or not: a base class's constructor is inherited), in source order.
    pub classes: Vec<Class>,
    /// `NestFactory.create(…)` and its kin: the application roots.
    pub bootstraps: Vec<Bootstrap>,
    /// Environment variables the file reads, in source order.
    pub env_reads: Vec<EnvRead>,
    /// HTTP routes, mounts, servers and Nest path settings the file registers.
    pub routes: RouteFacts,
    /// tree-sitter found syntax errors (the facts are still extracted from what parsed).
    pub has_errors: bool,
    /// The module aliases a bundler config declares; `None` for any other file.
    pub aliases: Option<BundlerAliases>,
    /// Whether imports used only as types are dropped when the file is compiled, when the
    /// file says so rather than its extension (TypeScript files elide, JavaScript files do
    /// not): Vue, Svelte and Astro components, whose script blocks declare their language.
    pub elides_type_only: Option<bool>,
}

impl SourceFacts {
    /// Whether an import survives compilation: TypeScript (and Babel, SWC, esbuild) drop an
    /// import whose bindings are only used as types, unless `verbatimModuleSyntax` is on.
    pub fn is_elided(
        &self,
        import: &Import,
        emit_decorator_metadata: bool,
        is_typescript: bool,
    ) -> bool {
        if import.explicit_type {
            return true;
        }
        if !is_typescript || !matches!(import.kind, ImportKind::Static | ImportKind::ImportEquals) {
            return false;
        }
        let mut values = import.value_bindings().peekable();
        if values.peek().is_none() {
            return false;
        }
        !values.any(|b| {
            self.value_refs.contains(b)
                || (emit_decorator_metadata && self.metadata_refs.contains(b))
        })
    }
}

/// Which grammar parses a file: TSX for `.tsx` and all JavaScript (JSX may appear in any of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Dialect {
    TypeScript,
    Tsx,
}

impl Dialect {
    pub fn for_path(path: &str) -> Dialect {
        let ext = path.rsplit('.').next().unwrap_or_default();
        if matches!(ext, "ts" | "mts" | "cts") {
            Dialect::TypeScript
        } else {
            Dialect::Tsx
        }
    }
}

thread_local! {
    /// One parser per grammar per worker thread: parsers are reusable and not `Sync`.
    static PARSERS: RefCell<Option<(Parser, Parser)>> = const { RefCell::new(None) };
}

/// What one file's tree-sitter parse may cost before the file becomes an error entry instead:
/// tree-sitter has no limits of its own. With `--max-file-size` raised, a 10 MB file took
/// 15.5 s and 1.2 GB, and a 50 MB one ran for 58 s until an allocation failed and the process
/// aborted with no report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    /// Wall-clock time for the parse, checked by tree-sitter's progress callback (every 100
    /// parser operations).
    pub time: Duration,
    /// The largest text handed to tree-sitter. Nothing can measure a tree while tree-sitter
    /// builds it, and its size follows the text's (~50 bytes of memory per byte of ordinary
    /// code, ~250 for deeply nested code), so memory is bounded by refusing larger texts
    /// before parsing, which also spends no time on them.
    pub bytes: usize,
}

impl Budget {
    /// 10 s and 4 MiB, from measurements on a 2-core machine (release build):
    ///
    /// | source                         | time   | peak memory |
    /// |--------------------------------|--------|-------------|
    /// | 1 MiB of ordinary TypeScript   | 0.63 s | 50 MB       |
    /// | 1 MiB on one line (minified)   | 1.07 s | 49 MB       |
    /// | 1 MiB, 500,000 nested `(`      | 1.51 s | 254 MB      |
    /// | 4 MiB of ordinary TypeScript   | 2.18 s | 189 MB      |
    /// | 4 MiB, 2 million nested `(`    | 5.58 s | 1 GB        |
    ///
    /// The time is fixed rather than proportional to the size: the byte limit already bounds
    /// the size, and a fixed figure bounds the whole scan of a repository full of such files.
    /// It is six times the worst case within the default `--max-file-size` (1 MiB) and
    /// several times the ordinary case at the byte limit, so a slow CI runner reports the same
    /// as a laptop for any file but the pathological. 4 MiB keeps the worst tree near 1 GB
    /// per parsing thread.
    pub(crate) const DEFAULT: Budget = Budget {
        time: Duration::from_secs(10),
        bytes: 4 * 1024 * 1024,
    };
}

fn parse_tree(text: &str, dialect: Dialect, budget: Budget) -> Result<Tree, ParseError> {
    if text.len() > budget.bytes {
        return Err(ParseError::new(format!(
            "{} bytes is over the {}-byte limit for a syntax tree (which takes 50 to 250 bytes of memory per byte of source); not parsed",
            text.len(),
            budget.bytes
        )));
    }
    PARSERS.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut ts = Parser::new();
            let mut tsx = Parser::new();
            ts.set_language(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into())
                .map_err(|e| ParseError::new(format!("TypeScript grammar: {e}")))?;
            tsx.set_language(&tree_sitter_typescript::LANGUAGE_TSX.into())
                .map_err(|e| ParseError::new(format!("TSX grammar: {e}")))?;
            *slot = Some((ts, tsx));
        }
        let Some((ts, tsx)) = slot.as_mut() else {
            return Err(ParseError::new("no parser"));
        };
        let parser = if dialect == Dialect::TypeScript {
            ts
        } else {
            tsx
        };
        let deadline = Instant::now().checked_add(budget.time);
        let mut out_of_time = false;
        let mut progress = |_: &tree_sitter::ParseState| {
            if deadline.is_none_or(|d| Instant::now() < d) {
                ControlFlow::Continue(())
            } else {
                out_of_time = true;
                ControlFlow::Break(())
            }
        };
        let bytes = text.as_bytes();
        let tree = parser.parse_with_options(
            &mut |i, _| bytes.get(i..).unwrap_or_default(),
            None,
            Some(ParseOptions::new().progress_callback(&mut progress)),
        );
        if tree.is_none() {
            // A cancelled parser resumes where it stopped on its next call unless it is reset
            // (tree-sitter `Parser::reset`), and this one parses the worker's next file.
            parser.reset();
        }
        match tree {
            Some(tree) => Ok(tree),
            None if out_of_time => Err(ParseError::new(format!(
                "parsing took longer than {} s; not parsed",
                budget.time.as_secs_f64()
            ))),
            None => Err(ParseError::new("the parser gave up on this file")),
        }
    })
}

pub fn parse(path: &str, text: &str) -> Result<SourceFacts, ParseError> {
    parse_with_budget(path, text, Budget::DEFAULT)
}

/// [`parse`] within `budget`: past it, the file is an error and the scan goes on.
pub(crate) fn parse_with_budget(
    path: &str,
    text: &str,
    budget: Budget,
) -> Result<SourceFacts, ParseError> {
    if let Some(flavor) = sfc::Flavor::of(path) {
        return sfc::parse(flavor, text, budget);
    }
    let aliases = crate::data::bundler_configs::config_stem(
        crate::data::bundler_configs::BUNDLER_CONFIGS,
        crate::paths::file_name(path),
    )
    .is_some();
    parse_script(text, text, Dialect::for_path(path), budget, aliases)
}

/// Parses `code`, which is `original` byte for byte or, for a component, `original` with
/// everything outside its script blocks blanked: spans are positions in `original`.
fn parse_script(
    code: &str,
    original: &str,
    dialect: Dialect,
    budget: Budget,
    bundler_config: bool,
) -> Result<SourceFacts, ParseError> {
    let text = code;
    let tree = parse_tree(text, dialect, budget)?;
    let mut walker = Walker {
        cx: Cx {
            roles: roles(dialect),
            kinds: kinds(dialect),
            fields: fields(dialect),
            text,
            lines: LineIndex::new(original),
        },
        dynamic_imports: text.match_indices(DYNAMIC_IMPORT).map(|(i, _)| i).collect(),
        facts: SourceFacts::default(),
        values: FxHashSet::default(),
        metadata: FxHashSet::default(),
        env: env::Collector::default(),
        routes: routes::Collector::default(),
    };
    walker.facts.has_errors = tree.root_node().has_error();
    walker.walk(tree.root_node());
    if bundler_config {
        walker.facts.aliases = Some(aliases::collect(tree.root_node(), text));
    }
    let Walker {
        cx,
        mut facts,
        values,
        metadata,
        env,
        routes,
        ..
    } = walker;
    facts.env_reads = env.finish(&cx);
    facts.routes = routes.facts;
    // A `const` array the file mutates (`PROVIDERS.push(X)`) holds more than its initializer.
    for decl in &mut facts.decls {
        if let Some(value) = &mut decl.value
            && matches!(value.kind, ExprKind::Array(_))
            && is_mutated(text, &decl.name)
        {
            value.kind = ExprKind::Other;
        }
    }
    let bindings: FxHashSet<&str> = facts
        .imports
        .iter()
        .flat_map(|i| i.bindings.iter().map(|b| b.local.as_str()))
        .collect();
    facts.value_refs = bindings
        .iter()
        .filter(|b| values.contains(*b))
        .map(|b| (*b).to_string())
        .collect();
    facts.metadata_refs = bindings
        .iter()
        .filter(|b| metadata.contains(*b))
        .map(|b| (*b).to_string())
        .collect();
    Ok(facts)
}

/// What a node kind means to the walk. Looked up by `kind_id()` in a per-grammar table, so
/// the hot loop compares small integers instead of kind strings (`kind()` costs a `strlen`
/// and a UTF-8 check per node).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Other,
    ImportStatement,
    ExportStatement,
    CallExpression,
    Comment,
    Identifier,
    ShorthandProperty,
    TypeIdentifier,
    JsxElement,
    ClassBody,
    Class,
    TryStatement,
    /// `type_annotation`: a type node that may be a constructor parameter's type.
    TypeAnnotation,
    /// Any other node whose subtree is a type.
    Type,
    /// A declaration statement (`const`, `let`, `function`, `enum`): read at the top level.
    Declaration,
    /// `a.b`: `process.env.X`.
    MemberExpression,
    /// `a[b]`: `process.env['X']`.
    SubscriptExpression,
    /// `name = value` in a declaration: env destructuring, schemas, servers.
    VariableDeclarator,
    /// `a = b`: `this.app = express()`.
    AssignmentExpression,
    /// `string`, `regex`: a literal, whose children (quotes, fragments, escapes) hold no fact.
    Literal,
}

fn role_of(kind: &str) -> Role {
    match kind {
        "import_statement" => Role::ImportStatement,
        "export_statement" => Role::ExportStatement,
        "call_expression" => Role::CallExpression,
        "comment" => Role::Comment,
        "identifier" => Role::Identifier,
        "shorthand_property_identifier" => Role::ShorthandProperty,
        "type_identifier" => Role::TypeIdentifier,
        "jsx_opening_element" | "jsx_self_closing_element" => Role::JsxElement,
        "class_body" => Role::ClassBody,
        "class_declaration" | "class" | "abstract_class_declaration" => Role::Class,
        "try_statement" => Role::TryStatement,
        "type_annotation" => Role::TypeAnnotation,
        "lexical_declaration"
        | "variable_declaration"
        | "function_declaration"
        | "generator_function_declaration"
        | "enum_declaration" => Role::Declaration,
        "member_expression" => Role::MemberExpression,
        "subscript_expression" => Role::SubscriptExpression,
        "variable_declarator" => Role::VariableDeclarator,
        "assignment_expression" => Role::AssignmentExpression,
        "string" | "regex" => Role::Literal,
        k if is_type_node(k) => Role::Type,
        _ => Role::Other,
    }
}

/// The role of every named kind id of a grammar (aliases share names, so every id is mapped).
fn roles_for(language: &tree_sitter::Language) -> Vec<Role> {
    (0..language.node_kind_count())
        .map(|id| {
            let id = u16::try_from(id).unwrap_or(u16::MAX);
            match language.node_kind_for_id(id) {
                Some(kind) if language.node_kind_is_named(id) => role_of(kind),
                _ => Role::Other,
            }
        })
        .collect()
}

fn roles(dialect: Dialect) -> &'static [Role] {
    static TABLES: std::sync::OnceLock<(Vec<Role>, Vec<Role>)> = std::sync::OnceLock::new();
    let (ts, tsx) = TABLES.get_or_init(|| {
        (
            roles_for(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
            roles_for(&tree_sitter_typescript::LANGUAGE_TSX.into()),
        )
    });
    if dialect == Dialect::TypeScript {
        ts
    } else {
        tsx
    }
}

/// The name of every kind id of a grammar (what `Node::kind` returns for a node of that id).
fn kinds_for(language: &tree_sitter::Language) -> Vec<Option<Box<str>>> {
    (0..language.node_kind_count())
        .map(|id| {
            language
                .node_kind_for_id(u16::try_from(id).unwrap_or(u16::MAX))
                .map(Box::from)
        })
        .collect()
}

fn kinds(dialect: Dialect) -> &'static [Option<Box<str>>] {
    type Tables = (Vec<Option<Box<str>>>, Vec<Option<Box<str>>>);
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    let (ts, tsx) = TABLES.get_or_init(|| {
        (
            kinds_for(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
            kinds_for(&tree_sitter_typescript::LANGUAGE_TSX.into()),
        )
    });
    if dialect == Dialect::TypeScript {
        ts
    } else {
        tsx
    }
}

/// Field ids the hot paths look up by id rather than by name (a name costs a search of the
/// grammar's field table per call: about a thousand instructions, so every collector looks
/// fields up through [`Cx::field`]).
pub(crate) struct Fields {
    function: u16,
    arguments: u16,
    object: u16,
    property: u16,
    name: u16,
    value: u16,
    body: u16,
    /// The id of every name in [`FIELD_NAMES`], in its order.
    by_name: [u16; FIELD_NAMES.len()],
}

/// The field names the collectors read ([`Cx::field`]); any other name is looked up by name.
const FIELD_NAMES: [&str; 21] = [
    "alias",
    "argument",
    "arguments",
    "body",
    "condition",
    "consequence",
    "constructor",
    "declaration",
    "function",
    "index",
    "key",
    "left",
    "name",
    "operator",
    "parameters",
    "pattern",
    "property",
    "right",
    "source",
    "type",
    "value",
];

/// The position of `name` in [`FIELD_NAMES`] (a `match`: a length switch and a compare).
fn field_slot(name: &str) -> Option<usize> {
    Some(match name {
        "alias" => 0,
        "argument" => 1,
        "arguments" => 2,
        "body" => 3,
        "condition" => 4,
        "consequence" => 5,
        "constructor" => 6,
        "declaration" => 7,
        "function" => 8,
        "index" => 9,
        "key" => 10,
        "left" => 11,
        "name" => 12,
        "operator" => 13,
        "parameters" => 14,
        "pattern" => 15,
        "property" => 16,
        "right" => 17,
        "source" => 18,
        "type" => 19,
        "value" => 20,
        _ => return None,
    })
}

fn fields_for(language: &tree_sitter::Language) -> Fields {
    let id = |name: &str| language.field_id_for_name(name).map_or(0, |id| id.get());
    Fields {
        function: id("function"),
        arguments: id("arguments"),
        object: id("object"),
        property: id("property"),
        name: id("name"),
        value: id("value"),
        body: id("body"),
        by_name: FIELD_NAMES.map(id),
    }
}

fn fields(dialect: Dialect) -> &'static Fields {
    static TABLES: std::sync::OnceLock<(Fields, Fields)> = std::sync::OnceLock::new();
    let (ts, tsx) = TABLES.get_or_init(|| {
        (
            fields_for(&tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
            fields_for(&tree_sitter_typescript::LANGUAGE_TSX.into()),
        )
    });
    if dialect == Dialect::TypeScript {
        ts
    } else {
        tsx
    }
}

/// Node kinds whose subtree is a type (its identifiers are not runtime references).
fn is_type_node(kind: &str) -> bool {
    matches!(
        kind,
        "type_annotation"
            | "type_arguments"
            | "type_parameters"
            | "type_alias_declaration"
            | "interface_declaration"
            | "implements_clause"
            | "ambient_declaration"
            | "abstract_class_declaration_signature"
            | "asserts_annotation"
            | "type_predicate_annotation"
            | "opting_type_annotation"
            | "omitting_type_annotation"
            | "adding_type_annotation"
            | "nested_type_identifier"
            | "generic_type"
            | "predefined_type"
            | "object_type"
            | "union_type"
            | "intersection_type"
            | "function_type"
            | "constructor_type"
            | "array_type"
            | "tuple_type"
            | "lookup_type"
            | "conditional_type"
            | "literal_type"
            | "index_type_query"
            | "type_query"
            | "readonly_type"
            | "template_literal_type"
    )
}

/// The text that makes a type worth walking into (`typeof import('m')`).
const DYNAMIC_IMPORT: &str = "import(";

/// What every collector reads: the text, its line index and the grammar's role table.
pub(crate) struct Cx<'a> {
    roles: &'static [Role],
    /// The name of every kind id of the grammar: [`Cx::kind`].
    kinds: &'static [Option<Box<str>>],
    fields: &'static Fields,
    text: &'a str,
    lines: LineIndex<'a>,
}

impl<'a> Cx<'a> {
    fn role(&self, node: Node<'_>) -> Role {
        self.roles
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(Role::Other)
    }

    fn text_of(&self, node: Node<'_>) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or_default()
    }

    /// `cx.kind(node)` from a table by kind id (`kind()` costs a `strlen` and a UTF-8 check).
    #[inline]
    fn kind<'t>(&self, node: impl std::borrow::Borrow<Node<'t>>) -> &'t str {
        let node = node.borrow();
        match self.kinds.get(usize::from(node.kind_id())) {
            Some(Some(kind)) => kind,
            _ => node.kind(),
        }
    }

    /// `cx.field(node, name)`, by the field's id.
    #[inline]
    fn field<'t>(&self, node: Node<'t>, name: &str) -> Option<Node<'t>> {
        match field_slot(name).and_then(|i| self.fields.by_name.get(i)) {
            Some(&id) => node.child_by_field_id(id),
            None => node.child_by_field_name(name),
        }
    }

    fn span(&self, node: Node<'_>) -> Span {
        self.lines.span(node.start_byte(), node.end_byte())
    }
}

/// The one traversal: it keeps the walk state and dispatches each node to the collectors
/// (`imports`, `exports`, `declarations`, `classes`, `bootstrap`), each of which reads the
/// node (and, for a statement or a class, its subtree) into owned facts. Later families (env
/// reads, routes) are more collectors on the same walk.
struct Walker<'a> {
    cx: Cx<'a>,
    /// Byte offsets of every [`DYNAMIC_IMPORT`] in the text, ascending: whether a node contains
    /// one is a binary search, not a scan of its text (which, for types nested 100,000 deep,
    /// rescanned the text at every level: minutes).
    dynamic_imports: Vec<usize>,
    facts: SourceFacts,
    /// Value identifiers, borrowed from the text; only import bindings are kept at the end.
    /// FxHash: SipHash's resistance to chosen keys buys nothing for a set only queried, and
    /// cost 2.5 times as much (57 M instructions of inserts on teable, against 22 M).
    values: FxHashSet<&'a str>,
    metadata: FxHashSet<&'a str>,
    env: env::Collector<'a>,
    routes: routes::Collector,
}

#[derive(Clone, Copy, Default)]
struct State {
    in_type: bool,
    in_import: bool,
    decorated_class: bool,
    /// Inside the type annotation of a parameter or field of a decorated class.
    metadata_position: bool,
    /// Inside the body of a `try` statement.
    in_try: bool,
}

impl<'a> Walker<'a> {
    fn role(&self, node: Node<'_>) -> Role {
        self.cx.role(node)
    }

    fn text_of(&self, node: Node<'_>) -> &'a str {
        self.cx.text_of(node)
    }

    /// Whether the node's text contains [`DYNAMIC_IMPORT`].
    fn has_dynamic_import(&self, node: Node<'_>) -> bool {
        let (start, end) = (node.start_byte(), node.end_byte());
        let first = self.dynamic_imports.partition_point(|&i| i < start);
        self.dynamic_imports
            .get(first)
            .is_some_and(|&i| i + DYNAMIC_IMPORT.len() <= end)
    }

    /// Iterative pre-order walk with a tree cursor (deep trees must not overflow the stack,
    /// and no node list is allocated on the way). `stack` holds each ancestor with the state
    /// it was visited in, so a child's state derives from its parent's, and ancestors are read
    /// from it: tree-sitter's `Node::parent` searches down from the root, so calling it per
    /// node is quadratic in the depth (100,000 nested classes: more than five minutes).
    fn walk(&mut self, root: Node<'a>) {
        let mut cursor = root.walk();
        let mut stack: Vec<(Node<'a>, State)> = Vec::new();
        // The role of each node on `stack` (looked up once per node, not once per child).
        let mut roles: Vec<Role> = Vec::new();
        // How many of each ancestor's children are still to come: the cursor is sent to a
        // next sibling only when there is one (a failed `goto_next_sibling` costs as much as
        // a step), and to a first child only when there is one.
        let mut left: Vec<u32> = Vec::new();
        let mut incoming = State::default();
        let mut node = root;
        let mut role = self.role(node);
        loop {
            let visited = self.visit(node, role, &stack, incoming);
            // Nothing below a type (outside constructor parameters) or an import statement
            // (already read whole) can change the facts, nor anything below a literal
            // (`string`, `regex`: fragments and escapes): skip those subtrees.
            // (A type that contains `import('m')` is still walked: it references a module.)
            let barren = role == Role::Literal
                || visited.in_import
                || (visited.in_type
                    && !visited.metadata_position
                    && !self.has_dynamic_import(node));
            if !barren {
                let children = node.child_count();
                if children > 0 && cursor.goto_first_child() {
                    stack.push((node, visited));
                    roles.push(role);
                    left.push(children - 1);
                    node = cursor.node();
                    role = self.role(node);
                    incoming = self.child_state(&stack, &roles, node, role);
                    continue;
                }
            }
            loop {
                // At the root: the walk is over.
                let Some(siblings) = left.last_mut() else {
                    return;
                };
                if *siblings > 0 {
                    *siblings -= 1;
                    if cursor.goto_next_sibling() {
                        node = cursor.node();
                        role = self.role(node);
                        incoming = self.child_state(&stack, &roles, node, role);
                        break;
                    }
                }
                if !cursor.goto_parent() {
                    return;
                }
                stack.pop();
                roles.pop();
                left.pop();
            }
        }
    }

    /// The state `child` (of role `role`) is visited in; `ancestors` ends with its parent,
    /// and `roles` holds the role of each of them.
    fn child_state(
        &self,
        ancestors: &[(Node<'a>, State)],
        roles: &[Role],
        child: Node<'_>,
        role: Role,
    ) -> State {
        let Some(&(parent, mut state)) = ancestors.last() else {
            return State::default();
        };
        match role {
            Role::Type => state.in_type = true,
            Role::TypeAnnotation => {
                state.in_type = true;
                // With emitDecoratorMetadata, constructor parameter types of decorated
                // classes become runtime references (Nest's constructor injection).
                if self.emits_metadata(parent, ancestor(ancestors, 3), state) {
                    state.metadata_position = true;
                }
            }
            Role::ClassBody if is_decorated_class(parent, ancestor(ancestors, 2)) => {
                state.decorated_class = true;
            }
            Role::Class if !is_decorated_class(child, Some(parent)) => {
                state.decorated_class = false;
            }
            _ => {}
        }
        if roles.last() == Some(&Role::TryStatement)
            && parent.child_by_field_id(self.cx.fields.body) == Some(child)
        {
            state.in_try = true;
        }
        state
    }

    /// Whether the type annotated by `owner` is a constructor parameter of a decorated class:
    /// with `emitDecoratorMetadata` TypeScript emits it as `design:paramtypes`, which is how Nest
    /// injects providers. (Decorated methods and fields emit metadata too, but their types are
    /// mostly interfaces such as express's `Request`, which TypeScript erases to `Object`.)
    /// `method` is the grandparent of `owner` (parameter → formal_parameters → method).
    fn emits_metadata(&self, owner: Node<'_>, method: Option<Node<'_>>, state: State) -> bool {
        if !state.decorated_class
            || !matches!(
                self.cx.kind(owner),
                "required_parameter" | "optional_parameter"
            )
        {
            return false;
        }
        let Some(method) = method else {
            return false;
        };
        self.cx.kind(method) == "method_definition"
            && self
                .cx
                .field(method, "name")
                .is_some_and(|n| self.text_of(n) == "constructor")
    }

    /// Dispatches one node to the collectors; `ancestors` ends with its parent.
    fn visit(
        &mut self,
        node: Node<'a>,
        role: Role,
        ancestors: &[(Node<'a>, State)],
        mut state: State,
    ) -> State {
        let cx = &self.cx;
        // Top-level statements: the file's declarations (one level below the program).
        if ancestors.len() == 1
            && matches!(
                role,
                Role::Declaration | Role::Class | Role::ExportStatement | Role::Type
            )
        {
            declarations::statement(cx, node, &mut self.facts.decls);
        }
        match role {
            Role::ImportStatement => {
                imports::import_statement(cx, node, state.in_type, &mut self.facts.imports);
                state.in_import = true;
            }
            Role::ExportStatement => {
                imports::re_export(cx, node, &mut self.facts.imports);
                if ancestors.len() == 1 {
                    exports::export_statement(cx, node, &mut self.facts.exports);
                }
            }
            Role::CallExpression => {
                // One field lookup for both collectors (by id: a name is looked up per call).
                if let Some(function) = node.child_by_field_id(cx.fields.function) {
                    let facts = &mut self.facts;
                    imports::call(
                        cx,
                        node,
                        function,
                        state.in_type,
                        state.in_try,
                        &mut facts.imports,
                    );
                    if let Some(root) = bootstrap::call(cx, node, function) {
                        facts.bootstraps.push(root);
                    }
                    self.env.call(cx, node, function, ancestors);
                    self.routes.call(cx, node, function, ancestors);
                }
            }
            Role::MemberExpression => self.env.member(cx, node, ancestors),
            Role::SubscriptExpression => self.env.subscript(cx, node, ancestors),
            Role::VariableDeclarator => {
                self.env.declarator(cx, node, ancestors);
                self.routes.declarator(cx, node);
            }
            Role::AssignmentExpression => self.routes.assignment(cx, node),
            Role::Class => {
                let parent = ancestor(ancestors, 1);
                // At the top level directly, or as the declaration of a top-level `export`.
                let top_level = ancestors.len() == 1
                    || (ancestors.len() == 2
                        && parent.is_some_and(|p| p.kind() == "export_statement"));
                self.facts
                    .classes
                    .push(classes::class(cx, node, parent, top_level));
                self.env.class(cx, node);
            }
            Role::Comment => imports::triple_slash(cx, node, &mut self.facts.imports),
            // The classic JSX transform compiles `<div/>` to `React.createElement`.
            Role::JsxElement => {
                self.values.insert("React");
            }
            Role::Identifier | Role::ShorthandProperty if !state.in_type && !state.in_import => {
                self.values.insert(self.text_of(node));
            }
            Role::TypeIdentifier | Role::Identifier if state.metadata_position => {
                // `Foo` in `x: Foo` and `ns` in `x: ns.Foo`.
                self.metadata.insert(self.text_of(node));
            }
            _ => {}
        }
        state
    }
}

/// The `n`th ancestor from the end of the walk's stack (1 = the parent).
fn ancestor<'t, S>(ancestors: &[(Node<'t>, S)], n: usize) -> Option<Node<'t>> {
    ancestors
        .len()
        .checked_sub(n)
        .and_then(|i| ancestors.get(i))
        .map(|(node, _)| *node)
}

/// Whether `text` calls a mutating array method on `name` (`name.push(`, `name.unshift(`,
/// `name.splice(`), as a whole identifier.
pub(crate) fn is_mutated(text: &str, name: &str) -> bool {
    ["push", "unshift", "splice"].iter().any(|method| {
        let needle = format!("{name}.{method}(");
        text.match_indices(&needle).any(|(i, _)| {
            !text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
        })
    })
}

pub(crate) fn has_decorator_child(node: Node<'_>) -> bool {
    let mut c = node.walk();
    node.children(&mut c).any(|ch| ch.kind() == "decorator")
}

/// Whether `node`, whose parent is `parent`, is a class with decorators (on the class, or on
/// the `export` before it: `@Injectable() export class …`).
fn is_decorated_class(node: Node<'_>, parent: Option<Node<'_>>) -> bool {
    if !matches!(
        node.kind(),
        "class_declaration" | "class" | "abstract_class_declaration"
    ) {
        return false;
    }
    has_decorator_child(node)
        || parent.is_some_and(|p| p.kind() == "export_statement" && has_decorator_child(p))
}

fn has_keyword_child(cx: &Cx<'_>, node: Node<'_>, keyword: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| !c.is_named() && cx.kind(c) == keyword)
}

fn first_identifier(node: Node<'_>, text: &str) -> Option<String> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .find(|c| c.kind() == "identifier")
        .and_then(|c| text.get(c.byte_range()))
        .map(str::to_string)
}

/// The arguments of a call, without comments (a collector's candidate calls only: this
/// allocates).
fn call_arguments<'t>(cx: &Cx<'_>, call: Node<'t>) -> Vec<Node<'t>> {
    let Some(arguments) = call.child_by_field_id(cx.fields.arguments) else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|c| cx.kind(c) != "comment")
        .collect()
}

/// The value of `key` in an object literal (the last, as JavaScript keeps it), the key
/// written bare or quoted.
fn object_value<'t>(cx: &Cx<'_>, object: Node<'t>, key: &str) -> Option<Node<'t>> {
    if cx.kind(object) != "object" {
        return None;
    }
    let mut cursor = object.walk();
    let found = object
        .named_children(&mut cursor)
        .filter(|p| cx.kind(p) == "pair")
        .filter(|p| {
            cx.field(*p, "key")
                .is_some_and(|k| cx.text_of(k).trim_matches(['"', '\'', '`']) == key)
        })
        .last();
    found.and_then(|p| cx.field(p, "value"))
}

/// The value of a string literal or a template literal without substitutions.
fn string_value(node: Node<'_>, text: &str) -> Option<String> {
    match node.kind() {
        "string" => {
            let raw = text.get(node.byte_range())?;
            let inner = raw.get(1..raw.len().checked_sub(1)?)?;
            // Escapes in module specifiers are vanishingly rare; keep the text as written.
            Some(inner.to_string())
        }
        "template_string" => {
            let mut cursor = node.walk();
            if node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "template_substitution")
            {
                return None;
            }
            let raw = text.get(node.byte_range())?;
            Some(raw.trim_matches('`').to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(path: &str, text: &str) -> Vec<(String, ImportKind, bool)> {
        let facts = parse(path, text).unwrap();
        let ts = Dialect::for_path(path) == Dialect::TypeScript || path.ends_with(".tsx");
        facts
            .imports
            .iter()
            .map(|i| (i.specifier.clone(), i.kind, facts.is_elided(i, false, ts)))
            .collect()
    }

    #[test]
    fn finds_every_form_of_module_reference() {
        let text = r#"/// <reference types="node" />
import def from 'a';
import { b1, type B2 } from "b";
import * as c from 'c';
import 'd';
import type { E } from 'e';
import { type F } from 'f';
export { g } from 'g';
export * from 'h';
export type { I } from 'i';
const j = require('j');
const k = require.resolve('k');
const l = await import('l');
import m = require('m');
const skipped = require(name);
const tpl = import(`./x/${name}`);
const plain = require(`n`);
type T = typeof import('o');
use(def, b1, c, m);
"#;
        let got = specs("x.ts", text);
        let expected = vec![
            ("node", ImportKind::TypesReference, true),
            ("a", ImportKind::Static, false),
            ("b", ImportKind::Static, false),
            ("c", ImportKind::Static, false),
            ("d", ImportKind::SideEffect, false),
            ("e", ImportKind::Static, true),
            ("f", ImportKind::Static, true),
            ("g", ImportKind::ReExport, false),
            ("h", ImportKind::ReExport, false),
            ("i", ImportKind::ReExport, true),
            ("j", ImportKind::Require, false),
            ("k", ImportKind::RequireResolve, false),
            ("l", ImportKind::Dynamic, false),
            ("m", ImportKind::ImportEquals, false),
            ("n", ImportKind::Require, false),
            ("o", ImportKind::Dynamic, true),
        ];
        let expected: Vec<(String, ImportKind, bool)> = expected
            .into_iter()
            .map(|(s, k, t)| (s.to_string(), k, t))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn imports_used_only_as_types_are_elided_unless_decorator_metadata_keeps_them()
    -> Result<(), Box<dyn std::error::Error>> {
        let text = r#"import { Request } from 'express';
import { ConfigService } from '@nestjs/config';
import { Injectable } from '@nestjs/common';
@Injectable()
export class S {
  constructor(private readonly config: ConfigService) {}
  handle(req: Request): void {}
}
"#;
        let facts = parse("s.ts", text)?;
        let by = |name: &str| {
            facts
                .imports
                .iter()
                .find(|i| i.specifier == name)
                .ok_or("no such import")
        };
        assert!(
            facts.is_elided(by("express")?, true, true),
            "Request is a type in a method parameter"
        );
        assert!(facts.is_elided(by("@nestjs/config")?, false, true));
        assert!(
            !facts.is_elided(by("@nestjs/config")?, true, true),
            "constructor parameter types are emitted"
        );
        assert!(
            !facts.is_elided(by("@nestjs/common")?, true, true),
            "decorators are values"
        );
        // JavaScript never elides.
        assert!(!facts.is_elided(by("express")?, true, false));
        Ok(())
    }

    #[test]
    fn deeply_nested_classes_and_types_are_walked_in_linear_time_on_a_small_stack() {
        use crate::parse::deep_nesting::{nested, on_small_stack};
        // Time is not what this test is about (a debug build's tree-sitter takes seconds).
        let parse = |path: &str, text: &str| {
            let unlimited = Budget {
                time: Duration::MAX,
                ..Budget::DEFAULT
            };
            parse_with_budget(path, text, unlimited)
        };
        // 100,000 nested decorated classes: `Node::parent` per class searched down from the
        // root (minutes); the walk now reads ancestors from its own stack.
        let text = nested(
            "import { B } from 'b';\n",
            "@D() class A { constructor(b: B) {",
            "",
            "} }",
            "\n",
        );
        let facts = on_small_stack(move || parse("a.ts", &text)).unwrap();
        assert!(facts.metadata_refs.contains("B"));
        // 100,000 nested generic types around `typeof import('m')`: every level searched its
        // whole text for `import(` (minutes).
        let text = nested("type T = ", "A<", "typeof import('m')", ">", ";\n");
        let facts = on_small_stack(move || parse("a.ts", &text)).unwrap();
        let imports: Vec<_> = facts
            .imports
            .iter()
            .map(|i| (i.specifier.as_str(), i.kind, i.explicit_type))
            .collect();
        assert_eq!(imports, [("m", ImportKind::Dynamic, true)]);
        // The NestJS collectors read types, decorator arguments and `const` values
        // recursively, each within a depth bound.
        let text = nested("@D() class A { constructor(b: ", "(", "B", ")", ") {} }\n");
        let facts = on_small_stack(move || parse("a.ts", &text)).unwrap();
        let params = facts.classes[0].constructor.clone().unwrap_or_default();
        assert_eq!(params[0].ty, TypeRef::Other);
        let text = nested("@Module({ providers: ", "[", "A", "]", " }) class M {}\n");
        let facts = on_small_stack(move || parse("a.ts", &text)).unwrap();
        assert_eq!(facts.classes[0].decorators.len(), 1);
        let text = nested("export const x = ", "{ a: ", "1", " }", ";\n");
        let facts = on_small_stack(move || parse("a.ts", &text)).unwrap();
        assert_eq!(facts.decls[0].name, "x");
    }

    #[test]
    fn a_parse_over_its_budget_is_an_error_and_the_next_file_parses() {
        // Deterministic: with no time at all, tree-sitter's first progress check (after 100
        // parser operations; this text takes thousands) cancels the parse.
        let text = "import { a } from 'a';\nconst x = a(1, [2, 3], { b: 4 });\n".repeat(500);
        let no_time = Budget {
            time: Duration::ZERO,
            ..Budget::DEFAULT
        };
        let err = parse_with_budget("big.ts", &text, no_time).unwrap_err();
        assert_eq!(err.message, "parsing took longer than 0 s; not parsed");
        // The thread's parser was reset: the next file is parsed from its own start, not
        // resumed where the cancelled one stopped.
        assert_eq!(
            specs("next.ts", "import b from 'b';\n"),
            vec![("b".to_string(), ImportKind::Static, true)]
        );
        let facts = parse_with_budget("big.ts", &text, Budget::DEFAULT).unwrap();
        assert_eq!(facts.imports.len(), 500);
        // A text whose tree would be too large is refused before tree-sitter allocates it.
        let small = Budget {
            bytes: 1000,
            ..Budget::DEFAULT
        };
        let err = parse_with_budget("big.ts", &text, small).unwrap_err();
        assert!(
            err.message.starts_with(&format!(
                "{} bytes is over the 1000-byte limit for a syntax tree",
                text.len()
            )),
            "{err}"
        );
    }

    #[test]
    fn jsx_and_javascript_parse_with_the_tsx_grammar() {
        let got = specs(
            "App.jsx",
            "import React from 'react';\nexport const A = () => <div/>;\n",
        );
        assert_eq!(got, vec![("react".to_string(), ImportKind::Static, false)]);
        let got = specs("a.cjs", "module.exports = require('./b.cjs');\n");
        assert_eq!(got[0].0, "./b.cjs");
    }
}

#[cfg(test)]
mod nest_facts {
    use super::*;

    const HEALTH: &str = r#"import { Controller, Get, UseGuards, Inject, Optional } from '@nestjs/common';
import { HealthCheckService as Checks, HealthCheck } from '@nestjs/terminus';
import type { Cache } from 'cache-manager';
import { AuthGuard } from '../auth/auth.guard';
export const TOKEN = 'TOKEN';
export const SYM = Symbol('sym');
const providers = [A, ...more];
export interface Options { a: number }

@Controller('health')
@UseGuards(AuthGuard)
export class HealthController extends Base<string> {
  constructor(
    private readonly health: Checks,
    @Inject(TOKEN) private readonly token: string,
    @Optional() private readonly cache?: Cache,
    private readonly port: number = 3000,
    private readonly maybe: Foo | null,
  ) { super(); }

  @Get()
  @HealthCheck()
  check(@Query('x', ParsePipe) x: string) { return this.health.check([]); }
}

@Module({
  imports: [forwardRef(() => UsersModule), ConfigModule.forRoot({ isGlobal: true })],
  providers: [
    RedisHealthIndicator,
    // KafkaHealthIndicator,
    { provide: 'X', useFactory: (a: A) => a, inject: [A, { token: B, optional: true }] },
    ...providers,
  ],
  exports: [RedisHealthIndicator],
})
export class HealthModule {
  static forRoot(options: Options): DynamicModule {
    const extra = [C];
    return { module: HealthModule, providers: extra, exports: extra, global: true };
  }
}

export { A as B, C } from './c';
export * from './d';
export default HealthModule;

async function bootstrap() {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { cors: true });
  await app.listen(3000);
}
"#;

    #[test]
    fn records_decorated_classes_tokens_exports_and_roots() {
        let facts = parse("src/health/health.module.ts", HEALTH).unwrap();
        let controller = &facts.classes[0];
        assert_eq!(controller.name, "HealthController");
        assert!(controller.top_level);
        assert_eq!(
            controller.extends.as_ref().and_then(Expr::ident),
            Some("Base")
        );
        let names: Vec<_> = controller
            .decorators
            .iter()
            .filter_map(decorator_name)
            .collect();
        assert_eq!(names, ["Controller", "UseGuards"]);
        let params = controller.constructor.as_ref().unwrap();
        let types: Vec<_> = params
            .iter()
            .map(|p| (p.name.as_str(), p.ty.clone()))
            .collect();
        assert_eq!(
            types,
            [
                ("health", TypeRef::Named("Checks".into())),
                ("token", TypeRef::Predefined("string".into())),
                ("cache", TypeRef::Named("Cache".into())),
                ("port", TypeRef::Predefined("number".into())),
                ("maybe", TypeRef::Named("Foo".into())),
            ]
        );
        assert_eq!(params[1].decorators.len(), 1);
        assert_eq!(decorator_name(&params[2].decorators[0]), Some("Optional"));
        let check = &controller.methods[0];
        assert_eq!(check.name, "check");
        let names: Vec<_> = check.decorators.iter().filter_map(decorator_name).collect();
        assert_eq!(names, ["Get", "HealthCheck"]);
        assert_eq!(check.params.len(), 1);

        let module = &facts.classes[1];
        let meta = &decorator_args(module.decorator("Module").unwrap())[0];
        let ExprKind::Array(providers) = &meta.prop("providers").unwrap().kind else {
            panic!("providers is an array");
        };
        assert_eq!(providers[0].ident(), Some("RedisHealthIndicator"));
        assert_eq!(
            providers[1].kind,
            ExprKind::Comment("KafkaHealthIndicator,".into())
        );
        assert_eq!(providers[1].span.line, 30);
        assert!(matches!(providers[3].kind, ExprKind::Spread(_)));
        let for_root = &module.methods[0];
        assert!(for_root.is_static);
        assert_eq!(for_root.locals[0].0, "extra");
        assert!(for_root.returns.as_ref().unwrap().prop("global").is_some());

        let cache = facts
            .imports
            .iter()
            .find(|i| i.specifier == "cache-manager")
            .unwrap();
        assert!(cache.bindings[0].type_only);
        let terminus = facts
            .imports
            .iter()
            .find(|i| i.specifier == "@nestjs/terminus")
            .unwrap();
        assert_eq!(
            (
                terminus.bindings[0].imported.as_str(),
                terminus.bindings[0].local.as_str()
            ),
            ("HealthCheckService", "Checks")
        );

        let exports: Vec<_> = facts
            .exports
            .iter()
            .map(|e| (e.name.as_str(), e.local.as_deref(), e.from.as_deref()))
            .collect();
        assert_eq!(
            exports,
            [
                ("TOKEN", Some("TOKEN"), None),
                ("SYM", Some("SYM"), None),
                ("Options", Some("Options"), None),
                ("HealthController", Some("HealthController"), None),
                ("HealthModule", Some("HealthModule"), None),
                ("B", Some("A"), Some("./c")),
                ("C", Some("C"), Some("./c")),
                ("*", Some("*"), Some("./d")),
                ("default", Some("HealthModule"), None),
            ]
        );
        let decls: Vec<_> = facts
            .decls
            .iter()
            .map(|d| (d.name.as_str(), d.kind))
            .collect();
        assert_eq!(
            decls,
            [
                ("TOKEN", DeclKind::Const),
                ("SYM", DeclKind::Const),
                ("providers", DeclKind::Const),
                ("Options", DeclKind::Interface),
                ("HealthController", DeclKind::Class),
                ("HealthModule", DeclKind::Class),
                ("bootstrap", DeclKind::Function),
            ]
        );
        assert_eq!(
            facts.decls[1]
                .value
                .as_ref()
                .map(|v| matches!(v.kind, ExprKind::Call(..))),
            Some(true)
        );
        assert_eq!(facts.bootstraps.len(), 1);
        assert_eq!(facts.bootstraps[0].call, "NestFactory.create");
        assert_eq!(facts.bootstraps[0].module.ident(), Some("AppModule"));
    }
}
