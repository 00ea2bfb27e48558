//! TypeScript and JavaScript sources: one tree-sitter parse per file, one traversal that
//! records every module reference (static imports, re-exports, `require`, `require.resolve`,
//! `import()`, `import x = require()`, triple-slash `types` references) with its position and
//! whether it exists only for the type checker.
//!
//! The traversal is a single walk over the tree with a small state (inside a type? inside a
//! decorated class?); later rule families (NestJS decorators and constructor parameters,
//! `process.env` reads) add their facts to the same walk rather than parsing again.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{Node, ParseOptions, Parser, Tree};

use super::ParseError;
use crate::source::{LineIndex, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImportKind {
    /// `import x from 'm'`, `import {a} from 'm'`, `import * as m from 'm'`
    Static,
    /// `import 'm'`
    SideEffect,
    /// `export … from 'm'`, `export * from 'm'`
    ReExport,
    /// `require('m')`
    Require,
    /// `require.resolve('m')`
    RequireResolve,
    /// `import('m')`
    Dynamic,
    /// `import x = require('m')`
    ImportEquals,
    /// `/// <reference types="m" />`
    TypesReference,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub specifier: String,
    pub kind: ImportKind,
    /// `import type`, all-`type` specifiers, `export type … from`, a reference inside a type
    /// position (`typeof import('m')`), or a triple-slash reference.
    pub explicit_type: bool,
    /// Local names the import binds (empty for side-effect imports, re-exports and calls).
    pub bindings: Vec<String>,
    /// A `require()`/`import()` inside a `try` block: the code expects it may be missing.
    pub guarded: bool,
    pub span: Span,
}

/// What one source file says, as plain data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFacts {
    pub imports: Vec<Import>,
    /// Import bindings used as values (outside type positions and import declarations).
    pub value_refs: BTreeSet<String>,
    /// Import bindings used as type names in constructor parameters and decorated members of decorated classes: with
    /// `emitDecoratorMetadata` TypeScript emits them as runtime references.
    pub metadata_refs: BTreeSet<String>,
    /// tree-sitter found syntax errors (the facts are still extracted from what parsed).
    pub has_errors: bool,
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
        if !is_typescript
            || import.bindings.is_empty()
            || !matches!(import.kind, ImportKind::Static | ImportKind::ImportEquals)
        {
            return false;
        }
        !import.bindings.iter().any(|b| {
            self.value_refs.contains(b)
                || (emit_decorator_metadata && self.metadata_refs.contains(b))
        })
    }
}

/// Which grammar parses a file: TSX for `.tsx` and all JavaScript (JSX may appear in any of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    let dialect = Dialect::for_path(path);
    let tree = parse_tree(text, dialect, budget)?;
    let mut walker = Walker {
        roles: roles(dialect),
        text,
        dynamic_imports: text.match_indices(DYNAMIC_IMPORT).map(|(i, _)| i).collect(),
        lines: LineIndex::new(text),
        facts: SourceFacts::default(),
        values: HashSet::new(),
        metadata: HashSet::new(),
    };
    walker.facts.has_errors = tree.root_node().has_error();
    walker.walk(tree.root_node());
    let Walker {
        mut facts,
        values,
        metadata,
        ..
    } = walker;
    let bindings: HashSet<&str> = facts
        .imports
        .iter()
        .flat_map(|i| i.bindings.iter().map(String::as_str))
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

struct Walker<'a> {
    roles: &'static [Role],
    text: &'a str,
    /// Byte offsets of every [`DYNAMIC_IMPORT`] in the text, ascending: whether a node contains
    /// one is a binary search, not a scan of its text (which, for types nested 100,000 deep,
    /// rescanned the text at every level: minutes).
    dynamic_imports: Vec<usize>,
    lines: LineIndex<'a>,
    facts: SourceFacts,
    /// Value identifiers, borrowed from the text; only import bindings are kept at the end.
    values: HashSet<&'a str>,
    metadata: HashSet<&'a str>,
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
        self.roles
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(Role::Other)
    }

    fn text_of(&self, node: Node<'_>) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or_default()
    }

    fn span(&self, node: Node<'_>) -> Span {
        self.lines.span(node.start_byte(), node.end_byte())
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
        let mut incoming = State::default();
        loop {
            let node = cursor.node();
            let visited = self.visit(node, incoming);
            // Nothing below a type (outside constructor parameters) or an import statement
            // (already read whole) can change the facts: skip those subtrees.
            // (A type that contains `import('m')` is still walked: it references a module.)
            let barren = visited.in_import
                || (visited.in_type
                    && !visited.metadata_position
                    && !self.has_dynamic_import(node));
            if !barren && cursor.goto_first_child() {
                stack.push((node, visited));
                incoming = self.child_state(&stack, cursor.node());
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    if stack.is_empty() {
                        return;
                    }
                    incoming = self.child_state(&stack, cursor.node());
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                stack.pop();
            }
        }
    }

    /// The state `child` is visited in; `ancestors` ends with its parent.
    fn child_state(&self, ancestors: &[(Node<'a>, State)], child: Node<'_>) -> State {
        let ancestor = |n: usize| {
            ancestors
                .len()
                .checked_sub(n)
                .and_then(|i| ancestors.get(i))
                .map(|&(node, _)| node)
        };
        let Some(&(parent, mut state)) = ancestors.last() else {
            return State::default();
        };
        match self.role(child) {
            Role::Type => state.in_type = true,
            Role::TypeAnnotation => {
                state.in_type = true;
                // With emitDecoratorMetadata, constructor parameter types of decorated
                // classes become runtime references (Nest's constructor injection).
                if self.emits_metadata(parent, ancestor(3), state) {
                    state.metadata_position = true;
                }
            }
            Role::ClassBody if is_decorated_class(parent, ancestor(2)) => {
                state.decorated_class = true;
            }
            Role::Class if !is_decorated_class(child, Some(parent)) => {
                state.decorated_class = false;
            }
            _ => {}
        }
        if self.role(parent) == Role::TryStatement
            && parent.child_by_field_name("body") == Some(child)
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
            || !matches!(owner.kind(), "required_parameter" | "optional_parameter")
        {
            return false;
        }
        let Some(method) = method else {
            return false;
        };
        method.kind() == "method_definition"
            && method
                .child_by_field_name("name")
                .is_some_and(|n| self.text_of(n) == "constructor")
    }

    fn visit(&mut self, node: Node<'_>, mut state: State) -> State {
        match self.role(node) {
            Role::ImportStatement => {
                self.import_statement(node, state);
                state.in_import = true;
            }
            Role::ExportStatement => self.export_statement(node),
            Role::CallExpression => self.call(node, state),
            Role::Comment => self.triple_slash(node),
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

    fn push(
        &mut self,
        node: Node<'_>,
        source: Node<'_>,
        kind: ImportKind,
        explicit_type: bool,
        bindings: Vec<String>,
        guarded: bool,
    ) {
        let Some(specifier) = string_value(source, self.text) else {
            return;
        };
        let span = self.span(node);
        self.facts.imports.push(Import {
            specifier,
            kind,
            explicit_type,
            bindings,
            guarded,
            span,
        });
    }

    fn import_statement(&mut self, node: Node<'_>, state: State) {
        let statement_type = has_keyword_child(node, "type");
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if child.kind() == "import_require_clause" {
                let Some(source) = child.child_by_field_name("source") else {
                    continue;
                };
                let bindings = first_identifier(child, self.text).into_iter().collect();
                self.push(
                    node,
                    source,
                    ImportKind::ImportEquals,
                    statement_type || state.in_type,
                    bindings,
                    false,
                );
                return;
            }
        }
        let Some(source) = node.child_by_field_name("source") else {
            return;
        };
        let mut bindings = Vec::new();
        let mut specifiers = 0;
        let mut type_specifiers = 0;
        let mut cursor = node.walk();
        let clause = node
            .named_children(&mut cursor)
            .find(|c| c.kind() == "import_clause");
        if let Some(clause) = clause {
            let mut cursor = clause.walk();
            for part in clause.named_children(&mut cursor) {
                match part.kind() {
                    "identifier" => {
                        specifiers += 1;
                        bindings.push(self.text_of(part).to_string());
                    }
                    "namespace_import" => {
                        specifiers += 1;
                        bindings.extend(first_identifier(part, self.text));
                    }
                    "named_imports" => {
                        let mut c = part.walk();
                        for spec in part
                            .named_children(&mut c)
                            .filter(|s| s.kind() == "import_specifier")
                        {
                            specifiers += 1;
                            if has_keyword_child(spec, "type") {
                                type_specifiers += 1;
                                continue;
                            }
                            let local = spec
                                .child_by_field_name("alias")
                                .or_else(|| spec.child_by_field_name("name"));
                            if let Some(local) = local {
                                bindings.push(self.text_of(local).to_string());
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let kind = if clause.is_none() {
            ImportKind::SideEffect
        } else {
            ImportKind::Static
        };
        // `import { type A, type B } from 'm'` is elided like `import type`.
        let explicit_type = statement_type || (specifiers > 0 && specifiers == type_specifiers);
        self.push(node, source, kind, explicit_type, bindings, false);
    }

    fn export_statement(&mut self, node: Node<'_>) {
        let Some(source) = node.child_by_field_name("source") else {
            return;
        };
        let mut explicit_type = has_keyword_child(node, "type");
        // `export { type A } from 'm'`: every specifier a type.
        let mut cursor = node.walk();
        if let Some(clause) = node
            .named_children(&mut cursor)
            .find(|c| c.kind() == "export_clause")
        {
            let mut c = clause.walk();
            let specs: Vec<Node<'_>> = clause
                .named_children(&mut c)
                .filter(|s| s.kind() == "export_specifier")
                .collect();
            if !specs.is_empty() && specs.iter().all(|s| has_keyword_child(*s, "type")) {
                explicit_type = true;
            }
        }
        self.push(
            node,
            source,
            ImportKind::ReExport,
            explicit_type,
            Vec::new(),
            false,
        );
    }

    fn call(&mut self, node: Node<'_>, state: State) {
        let Some(function) = node.child_by_field_name("function") else {
            return;
        };
        let kind = match function.kind() {
            "import" => ImportKind::Dynamic,
            "identifier" if self.text_of(function) == "require" => ImportKind::Require,
            "member_expression" if self.text_of(function) == "require.resolve" => {
                ImportKind::RequireResolve
            }
            _ => return,
        };
        let Some(arguments) = node.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        let Some(first) = arguments.named_children(&mut cursor).next() else {
            return;
        };
        // Only literal specifiers; a variable or an interpolated template is not guessed.
        self.push(node, first, kind, state.in_type, Vec::new(), state.in_try);
    }

    fn triple_slash(&mut self, node: Node<'_>) {
        let text = self.text_of(node);
        let Some(rest) = text.strip_prefix("///") else {
            return;
        };
        let rest = rest.trim_start();
        if !rest.starts_with("<reference") {
            return;
        }
        let Some(start) = rest.find("types=") else {
            return;
        };
        let value = &rest[start + "types=".len()..];
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            return;
        };
        let Some(end) = value[1..].find(quote) else {
            return;
        };
        self.facts.imports.push(Import {
            specifier: value[1..=end].to_string(),
            kind: ImportKind::TypesReference,
            explicit_type: true,
            bindings: Vec::new(),
            guarded: false,
            span: self.span(node),
        });
    }
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

fn has_keyword_child(node: Node<'_>, keyword: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .any(|c| !c.is_named() && c.kind() == keyword)
}

fn first_identifier(node: Node<'_>, text: &str) -> Option<String> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .find(|c| c.kind() == "identifier")
        .and_then(|c| text.get(c.byte_range()))
        .map(str::to_string)
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
