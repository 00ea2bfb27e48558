//! A small owned expression tree: what a decorator argument, a `const` initializer or a
//! returned dynamic module says, as data the model can evaluate without the syntax tree.
//!
//! Only the shapes that carry NestJS metadata are kept (identifiers, member access, calls,
//! arrays, objects, spreads, strings, arrow functions, and the conditional forms a provider
//! list takes); everything else is [`ExprKind::Other`], which the model treats as unknown. The
//! tree is bounded ([`MAX_NODES`] per expression), so a 10,000-element data array in a
//! `const` costs a fixed, small amount.

use tree_sitter::Node;

use super::Cx;
use crate::source::Span;

/// The most nodes one converted expression holds; past it the rest is [`ExprKind::Other`].
pub(crate) const MAX_NODES: usize = 2_000;

/// Longer strings are [`ExprKind::Other`]: tokens, routes and names are short, and an inline
/// template or a data blob would be copied for nothing.
const MAX_STRING: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ExprKind {
    Ident(String),
    /// `object.property`
    Member(Box<Expr>, String),
    Call(Box<Expr>, Vec<Expr>),
    /// `new C(…)`
    New(Box<Expr>, Vec<Expr>),
    /// Elements in order; comments between them are kept as [`ExprKind::Comment`] items
    /// (the "commented out of `providers`" evidence).
    Array(Vec<Expr>),
    Object(Vec<Prop>),
    /// `...x` in an array or object.
    Spread(Box<Expr>),
    Str(String),
    Bool(bool),
    /// An arrow function or function expression, with the expression it returns (its body,
    /// or the last `return` of a block body), when there is one.
    Function(Option<Box<Expr>>),
    /// Either operand may be the value: `a ? b : c`, `a ?? b`, `a || b`, `a && b`.
    Either(Vec<Expr>),
    /// A comment inside an array, its text without the comment markers.
    Comment(String),
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Prop {
    /// The key as written (`provide`, `'provide'`); empty for a spread.
    pub key: String,
    pub value: Expr,
}

impl Expr {
    pub fn ident(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Ident(name) => Some(name),
            _ => None,
        }
    }

    /// The value of `key` in an object literal.
    pub fn prop(&self, key: &str) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Object(props) => props.iter().rev().find(|p| p.key == key).map(|p| &p.value),
            _ => None,
        }
    }

    /// `a.b.c` as text, for callees such as `NestFactory.create`.
    pub fn path(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Ident(name) => Some(name.clone()),
            ExprKind::Member(object, property) => Some(format!("{}.{property}", object.path()?)),
            _ => None,
        }
    }
}

/// Converts `node` into an [`Expr`], within [`MAX_NODES`].
pub(super) fn convert(cx: &Cx<'_>, node: Node<'_>) -> Expr {
    convert_within(cx, node, MAX_NODES)
}

/// [`convert`] within `budget` nodes.
pub(super) fn convert_within(cx: &Cx<'_>, node: Node<'_>, budget: usize) -> Expr {
    let mut budget = budget;
    Converter {
        cx,
        budget: &mut budget,
    }
    .expr(node, 0)
}

struct Converter<'c, 'a> {
    cx: &'c Cx<'a>,
    budget: &'c mut usize,
}

/// Nesting past this is [`ExprKind::Other`]: the conversion recurses, and metadata is shallow.
const MAX_DEPTH: usize = 24;

impl Converter<'_, '_> {
    fn expr(&mut self, node: Node<'_>, depth: usize) -> Expr {
        let span = self.cx.span(node);
        if *self.budget == 0 || depth > MAX_DEPTH {
            return Expr {
                kind: ExprKind::Other,
                span,
            };
        }
        *self.budget -= 1;
        let kind = self.kind(node, depth);
        Expr { kind, span }
    }

    fn field(&mut self, node: Node<'_>, name: &str, depth: usize) -> Option<Expr> {
        self.cx
            .field(node, name)
            .map(|child| self.expr(child, depth + 1))
    }

    fn kind(&mut self, node: Node<'_>, depth: usize) -> ExprKind {
        let cx = self.cx;
        match cx.kind(node) {
            "identifier" | "shorthand_property_identifier" | "property_identifier" => {
                ExprKind::Ident(cx.text_of(node).to_string())
            }
            "member_expression" => {
                let Some(object) = self.field(node, "object", depth) else {
                    return ExprKind::Other;
                };
                let property = cx
                    .field(node, "property")
                    .map(|p| cx.text_of(p).to_string())
                    .unwrap_or_default();
                ExprKind::Member(Box::new(object), property)
            }
            "call_expression" => {
                let Some(callee) = self.field(node, "function", depth) else {
                    return ExprKind::Other;
                };
                ExprKind::Call(Box::new(callee), self.arguments(node, depth))
            }
            "new_expression" => {
                let Some(callee) = self.field(node, "constructor", depth) else {
                    return ExprKind::Other;
                };
                ExprKind::New(Box::new(callee), self.arguments(node, depth))
            }
            "array" => {
                let mut items = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    if cx.kind(child) == "comment" {
                        items.push(Expr {
                            kind: ExprKind::Comment(comment_text(cx.text_of(child))),
                            span: cx.span(child),
                        });
                    } else {
                        items.push(self.expr(child, depth + 1));
                    }
                }
                ExprKind::Array(items)
            }
            "object" => {
                let mut props = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match cx.kind(child) {
                        "pair" => {
                            let key = cx
                                .field(child, "key")
                                .map(|k| key_text(cx.text_of(k)))
                                .unwrap_or_default();
                            if let Some(value) = self.field(child, "value", depth) {
                                props.push(Prop { key, value });
                            }
                        }
                        "shorthand_property_identifier" => {
                            let key = cx.text_of(child).to_string();
                            props.push(Prop {
                                value: Expr {
                                    kind: ExprKind::Ident(key.clone()),
                                    span: cx.span(child),
                                },
                                key,
                            });
                        }
                        "spread_element" => {
                            let value = self.expr(child, depth + 1);
                            props.push(Prop {
                                key: String::new(),
                                value,
                            });
                        }
                        "method_definition" => {
                            let key = cx
                                .field(child, "name")
                                .map(|k| key_text(cx.text_of(k)))
                                .unwrap_or_default();
                            let returned = cx
                                .field(child, "body")
                                .and_then(|b| self.returned(b, depth));
                            props.push(Prop {
                                key,
                                value: Expr {
                                    kind: ExprKind::Function(returned.map(Box::new)),
                                    span: cx.span(child),
                                },
                            });
                        }
                        _ => {}
                    }
                }
                ExprKind::Object(props)
            }
            "spread_element" => match node.named_child(0) {
                Some(inner) => ExprKind::Spread(Box::new(self.expr(inner, depth + 1))),
                None => ExprKind::Other,
            },
            "string" | "template_string" if node.byte_range().len() > MAX_STRING + 2 => {
                ExprKind::Other
            }
            "string" | "template_string" => match super::string_value(node, cx.text) {
                Some(value) => ExprKind::Str(value),
                None => ExprKind::Other,
            },
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "arrow_function" | "function_expression" | "function" => {
                let Some(body) = cx.field(node, "body") else {
                    return ExprKind::Function(None);
                };
                let returned = if cx.kind(body) == "statement_block" {
                    self.returned(body, depth)
                } else {
                    Some(self.expr(body, depth + 1))
                };
                ExprKind::Function(returned.map(Box::new))
            }
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "await_expression" => {
                let mut cursor = node.walk();
                let inner = node
                    .named_children(&mut cursor)
                    .find(|c| !cx.kind(c).contains("type") && cx.kind(c) != "comment");
                match inner {
                    Some(inner) => self.expr(inner, depth + 1).kind,
                    None => ExprKind::Other,
                }
            }
            "ternary_expression" => {
                let options: Vec<Expr> = ["consequence", "alternative"]
                    .iter()
                    .filter_map(|f| self.field(node, f, depth))
                    .collect();
                ExprKind::Either(options)
            }
            "binary_expression" => {
                let operator = cx
                    .field(node, "operator")
                    .map(|o| cx.text_of(o))
                    .unwrap_or_default();
                if matches!(operator, "??" | "||" | "&&") {
                    let options: Vec<Expr> = ["left", "right"]
                        .iter()
                        .filter_map(|f| self.field(node, f, depth))
                        .collect();
                    ExprKind::Either(options)
                } else {
                    ExprKind::Other
                }
            }
            _ => ExprKind::Other,
        }
    }

    fn arguments(&mut self, node: Node<'_>, depth: usize) -> Vec<Expr> {
        let Some(arguments) = self.cx.field(node, "arguments") else {
            return Vec::new();
        };
        let mut cursor = arguments.walk();
        arguments
            .named_children(&mut cursor)
            .filter(|c| self.cx.kind(c) != "comment")
            .map(|c| self.expr(c, depth + 1))
            .collect()
    }

    /// The expression of the last `return` directly in a function body.
    fn returned(&mut self, body: Node<'_>, depth: usize) -> Option<Expr> {
        let mut cursor = body.walk();
        let last = body
            .named_children(&mut cursor)
            .filter(|s| self.cx.kind(s) == "return_statement")
            .last()?;
        let value = last.named_child(0)?;
        Some(self.expr(value, depth + 1))
    }
}

/// A comment's text without `//`, `/*`, `*/`.
fn comment_text(raw: &str) -> String {
    let text = raw.trim();
    let text = text
        .strip_prefix("//")
        .or_else(|| text.strip_prefix("/*").map(|t| t.trim_end_matches("*/")))
        .unwrap_or(text);
    text.trim().to_string()
}

/// An object key without its quotes.
fn key_text(raw: &str) -> String {
    raw.trim_matches(|c| c == '"' || c == '\'' || c == '`')
        .to_string()
}
