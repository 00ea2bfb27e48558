//! Classes: name, `extends`, decorators with their arguments, constructor parameters with
//! their types and decorators, decorated methods (routes, guards) and the dynamic modules that
//! static methods return. What NestJS reads through `reflect-metadata`, read from the source.

use tree_sitter::Node;

use super::Cx;
use super::expr::{self, Expr};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Class {
    /// Empty for an anonymous class expression.
    pub name: String,
    /// The class name (or the `class` keyword when anonymous).
    pub span: Span,
    /// Declared at the top level of the file (directly or through `export`).
    pub top_level: bool,
    pub is_abstract: bool,
    /// The `extends` expression (`Base`, `PassportStrategy(Strategy)`).
    pub extends: Option<Expr>,
    /// Class decorators, in source order (on the class or on the `export` before it).
    pub decorators: Vec<Expr>,
    /// `None`: the class declares no constructor (it inherits its parent's). The parameters
    /// are read for decorated classes only: an undecorated class has no metadata, so Nest
    /// passes nothing whatever its parameters are.
    pub constructor: Option<Vec<Param>>,
    /// Methods that carry decorators or are static (dynamic-module factories); only for
    /// decorated classes.
    pub methods: Vec<Method>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Param {
    pub name: String,
    pub ty: TypeRef,
    pub decorators: Vec<Expr>,
    pub span: Span,
}

/// A parameter's type annotation, as `emitDecoratorMetadata` would serialize it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TypeRef {
    /// No annotation (TypeScript emits `Object`).
    Missing,
    /// A type reference: `Foo`, `ns.Foo`, `Repository` in `Repository<User>`.
    Named(String),
    /// A predefined type: `number`, `string`, `boolean`, `bigint`, `symbol`, `any`,
    /// `unknown`, `object`, …
    Predefined(String),
    /// Any other type (arrays, functions, literal, unions of several types).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Method {
    pub name: String,
    pub is_static: bool,
    pub decorators: Vec<Expr>,
    /// Parameters that carry decorators (`@Body(ValidationPipe) body`).
    pub params: Vec<Param>,
    /// For static methods: the expression the body returns last, and the `const`s declared
    /// directly in the body (a dynamic module is often assembled in locals first).
    pub returns: Option<Expr>,
    pub locals: Vec<(String, Expr)>,
    pub span: Span,
}

impl Class {
    pub fn is_decorated(&self) -> bool {
        !self.decorators.is_empty()
    }

    /// The class decorator called `name` (`Module` for `@Module({…})`), with its arguments.
    pub fn decorator(&self, name: &str) -> Option<&Expr> {
        self.decorators
            .iter()
            .find(|d| decorator_name(d) == Some(name))
    }
}

/// `Module` for `@Module(…)`, `@Module`, and `@nest.Module(…)`.
pub fn decorator_name(decorator: &Expr) -> Option<&str> {
    use expr::ExprKind;
    let callee = match &decorator.kind {
        ExprKind::Call(callee, _) => callee,
        _ => decorator,
    };
    match &callee.kind {
        ExprKind::Ident(name) => Some(name),
        ExprKind::Member(_, property) => Some(property),
        _ => None,
    }
}

/// The arguments of a decorator call (none for `@X` without parentheses).
pub fn decorator_args(decorator: &Expr) -> &[Expr] {
    match &decorator.kind {
        expr::ExprKind::Call(_, args) => args,
        _ => &[],
    }
}

/// Reads a class node: `parent` is its parent (an `export_statement` may carry decorators).
pub(super) fn class(
    cx: &Cx<'_>,
    node: Node<'_>,
    parent: Option<Node<'_>>,
    top_level: bool,
) -> Class {
    let mut decorators = Vec::new();
    if let Some(parent) = parent.filter(|p| cx.kind(p) == "export_statement") {
        decorators.extend(decorators_of(cx, parent));
    }
    decorators.extend(decorators_of(cx, node));
    let name_node = cx.field(node, "name");
    let name = name_node
        .map(|n| cx.text_of(n).to_string())
        .unwrap_or_default();
    let span = cx.span(name_node.unwrap_or(node));
    let mut extends = None;
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if cx.kind(child) != "class_heritage" {
            continue;
        }
        let mut c = child.walk();
        for clause in child.named_children(&mut c) {
            if cx.kind(clause) == "extends_clause" {
                extends = cx.field(clause, "value").map(|v| expr::convert(cx, v));
            }
        }
    }
    // JavaScript's grammar puts the heritage expression directly under `class_heritage`.
    if extends.is_none() {
        let mut cursor = node.walk();
        if let Some(heritage) = node
            .named_children(&mut cursor)
            .find(|c| cx.kind(c) == "class_heritage")
        {
            let mut c = heritage.walk();
            extends = heritage
                .named_children(&mut c)
                .find(|n| !matches!(cx.kind(n), "extends_clause" | "implements_clause"))
                .map(|v| expr::convert(cx, v));
        }
    }
    let mut class = Class {
        name,
        span,
        top_level,
        is_abstract: cx.kind(node) == "abstract_class_declaration",
        extends,
        decorators,
        constructor: None,
        methods: Vec::new(),
    };
    if let Some(body) = cx.field(node, "body") {
        members(cx, body, &mut class);
    }
    class
}

fn members(cx: &Cx<'_>, body: Node<'_>, class: &mut Class) {
    let decorated = class.is_decorated();
    // Member decorators come before the member, as siblings in the class body.
    let mut pending: Vec<Expr> = Vec::new();
    let mut cursor = body.walk();
    for member in body.named_children(&mut cursor) {
        match cx.kind(member) {
            "decorator" if decorated => pending.push(decorator(cx, member)),
            "method_definition" if decorated => {
                let mut decorators = std::mem::take(&mut pending);
                decorators.extend(decorators_of(cx, member));
                method(cx, member, decorators, class);
            }
            "method_definition" => {
                let is_constructor = cx
                    .field(member, "name")
                    .is_some_and(|n| cx.text_of(n) == "constructor");
                if is_constructor {
                    class.constructor = Some(Vec::new());
                }
            }
            "comment" => {}
            _ => pending.clear(),
        }
    }
}

fn method(cx: &Cx<'_>, node: Node<'_>, decorators: Vec<Expr>, class: &mut Class) {
    let name = cx
        .field(node, "name")
        .map(|n| cx.text_of(n).to_string())
        .unwrap_or_default();
    let is_static = super::has_keyword_child(cx, node, "static");
    let params = cx.field(node, "parameters");
    if name == "constructor" && !is_static {
        // Overloads have no body; the implementation is the one Nest sees.
        if cx.field(node, "body").is_some() || class.constructor.is_none() {
            class.constructor = Some(params.map(|p| parameters(cx, p, true)).unwrap_or_default());
        }
        return;
    }
    let params = params.map(|p| parameters(cx, p, false)).unwrap_or_default();
    if decorators.is_empty() && !is_static && params.is_empty() {
        return;
    }
    let (returns, locals) = if is_static {
        cx.field(node, "body")
            .map(|body| body_returns(cx, body))
            .unwrap_or_default()
    } else {
        (None, Vec::new())
    };
    class.methods.push(Method {
        name,
        is_static,
        decorators,
        params,
        returns,
        locals,
        span: cx.span(node),
    });
}

/// The last `return` of a body, and its top-level `const`s (an array the body mutates with
/// `push`/`unshift`/`splice` is unknown: its initializer is not what is returned).
fn body_returns(cx: &Cx<'_>, body: Node<'_>) -> (Option<Expr>, Vec<(String, Expr)>) {
    let mut returns = None;
    let mut locals = Vec::new();
    let mut cursor = body.walk();
    for statement in body.named_children(&mut cursor) {
        match cx.kind(statement) {
            "return_statement" => {
                returns = statement.named_child(0).map(|v| expr::convert(cx, v));
            }
            "lexical_declaration" | "variable_declaration" => {
                locals.extend(declarators(cx, statement));
            }
            _ => {}
        }
    }
    let text = cx.text_of(body);
    for (name, value) in &mut locals {
        if super::is_mutated(text, name) {
            value.kind = expr::ExprKind::Other;
        }
    }
    (returns, locals)
}

/// `name = value` pairs of a declaration (identifier names only).
pub(super) fn declarators(cx: &Cx<'_>, node: Node<'_>) -> Vec<(String, Expr)> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    for declarator in node
        .named_children(&mut cursor)
        .filter(|d| cx.kind(d) == "variable_declarator")
    {
        let (Some(name), Some(value)) =
            (cx.field(declarator, "name"), cx.field(declarator, "value"))
        else {
            continue;
        };
        match cx.kind(name) {
            "identifier" => out.push((cx.text_of(name).to_string(), const_value(cx, value))),
            // `const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: OPTIONS } = builder.build()`:
            // each name is the initializer's member of that key.
            "object_pattern" if cx.kind(value) != "object" => {
                let init = expr::convert_within(cx, value, 64);
                let mut c = name.walk();
                for part in name.named_children(&mut c) {
                    let (key, local) = match cx.kind(part) {
                        "shorthand_property_identifier_pattern" => {
                            let key = cx.text_of(part).to_string();
                            (key.clone(), key)
                        }
                        "pair_pattern" => {
                            let key = cx.field(part, "key").map(|k| cx.text_of(k));
                            let local = cx
                                .field(part, "value")
                                .filter(|v| cx.kind(v) == "identifier")
                                .map(|v| cx.text_of(v));
                            match (key, local) {
                                (Some(k), Some(l)) => (k.to_string(), l.to_string()),
                                _ => continue,
                            }
                        }
                        _ => continue,
                    };
                    let member = Expr {
                        span: cx.span(part),
                        kind: expr::ExprKind::Member(Box::new(init.clone()), key),
                    };
                    out.push((local, member));
                }
            }
            _ => {}
        }
    }
    out
}

/// A `const` initializer, within a budget by shape: provider and entity lists can be long; a
/// metadata or provider object is small, so a large object literal (translations, config
/// data) is cut short rather than copied whole.
fn const_value(cx: &Cx<'_>, value: Node<'_>) -> Expr {
    let budget = match cx.kind(value) {
        "array" => expr::MAX_NODES,
        "object" => 128,
        _ => 64,
    };
    expr::convert_within(cx, value, budget)
}

/// Parameters: all of them for a constructor (`all`), otherwise only decorated ones.
fn parameters(cx: &Cx<'_>, node: Node<'_>, all: bool) -> Vec<Param> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    for param in node.named_children(&mut cursor) {
        if !matches!(cx.kind(param), "required_parameter" | "optional_parameter") {
            continue;
        }
        let decorators = decorators_of(cx, param);
        if !all && decorators.is_empty() {
            continue;
        }
        let name = cx
            .field(param, "pattern")
            .map(|p| cx.text_of(p).to_string())
            .unwrap_or_default();
        let ty = cx
            .field(param, "type")
            .map_or(TypeRef::Missing, |t| type_ref(cx, t, 0));
        out.push(Param {
            name,
            ty,
            decorators,
            span: cx.span(param),
        });
    }
    out
}

/// Types nested deeper than this (`((((Foo))))`) are [`TypeRef::Other`]: the reading recurses.
const MAX_TYPE_DEPTH: usize = 32;

/// A `type_annotation` (or a type) as metadata would serialize it.
fn type_ref(cx: &Cx<'_>, node: Node<'_>, depth: usize) -> TypeRef {
    if depth > MAX_TYPE_DEPTH {
        return TypeRef::Other;
    }
    let node = if cx.kind(node) == "type_annotation" {
        match node.named_child(0) {
            Some(inner) => inner,
            None => return TypeRef::Missing,
        }
    } else {
        node
    };
    match cx.kind(node) {
        "type_identifier" | "nested_type_identifier" => {
            TypeRef::Named(cx.text_of(node).to_string())
        }
        "generic_type" => match cx.field(node, "name") {
            Some(name) => TypeRef::Named(cx.text_of(name).to_string()),
            None => TypeRef::Other,
        },
        "predefined_type" => TypeRef::Predefined(cx.text_of(node).to_string()),
        "parenthesized_type" => node
            .named_child(0)
            .map_or(TypeRef::Other, |t| type_ref(cx, t, depth + 1)),
        "union_type" => {
            // `Foo | null | undefined` serializes as `Foo`; anything else as `Object`.
            let mut members = Vec::new();
            union_members(node, &mut members, depth);
            let kept: Vec<TypeRef> = members
                .into_iter()
                .filter(|m| !is_nullish(cx, *m))
                .map(|m| type_ref(cx, m, depth + 1))
                .collect();
            match kept.as_slice() {
                [one] => one.clone(),
                _ => TypeRef::Other,
            }
        }
        _ => TypeRef::Other,
    }
}

fn union_members<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>, depth: usize) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        if child.kind() == "union_type" && depth < MAX_TYPE_DEPTH {
            union_members(child, out, depth + 1);
        } else {
            out.push(child);
        }
    }
}

fn is_nullish(cx: &Cx<'_>, node: Node<'_>) -> bool {
    let text = cx.text_of(node);
    matches!(text, "null" | "undefined")
}

fn decorators_of(cx: &Cx<'_>, node: Node<'_>) -> Vec<Expr> {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .filter(|c| cx.kind(c) == "decorator")
        .map(|d| decorator(cx, d))
        .collect()
}

/// A decorator's expression (`Module({…})` of `@Module({…})`): in full for the decorators the
/// NestJS model reads (`data::nest_decorators`), else its callee alone.
fn decorator(cx: &Cx<'_>, node: Node<'_>) -> Expr {
    let Some(inner) = node.named_child(0) else {
        return Expr {
            kind: expr::ExprKind::Other,
            span: cx.span(node),
        };
    };
    let callee = if cx.kind(inner) == "call_expression" {
        cx.field(inner, "function")
    } else {
        None
    };
    let Some(callee) = callee else {
        return expr::convert(cx, inner);
    };
    let name = match cx.kind(callee) {
        "member_expression" => cx.field(callee, "property"),
        _ => Some(callee),
    }
    .map(|n| cx.text_of(n))
    .unwrap_or_default();
    if crate::data::contains(crate::data::nest_decorators::NEST_DECORATORS, name) {
        return expr::convert(cx, inner);
    }
    Expr {
        kind: expr::ExprKind::Call(Box::new(expr::convert_within(cx, callee, 8)), Vec::new()),
        span: cx.span(inner),
    }
}
