//! Application roots: `NestFactory.create(AppModule)`, `createMicroservice`,
//! `createApplicationContext`, and nest-commander's `CommandFactory.run(AppModule)`.
//! `Test.createTestingModule` is not a root: a test never makes a provider available.

use tree_sitter::Node;

use super::Cx;
use super::expr::{self, Expr};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bootstrap {
    /// `NestFactory.create`, `CommandFactory.run`, …
    pub call: String,
    /// The first argument: the root module.
    pub module: Expr,
    pub span: Span,
}

const ROOTS: &[(&str, &[&str])] = &[
    (
        "NestFactory",
        &["create", "createMicroservice", "createApplicationContext"],
    ),
    (
        "CommandFactory",
        &["run", "runWithoutClosing", "createWithoutRunning"],
    ),
];

pub(super) fn call(cx: &Cx<'_>, node: Node<'_>, function: Node<'_>) -> Option<Bootstrap> {
    let mut function = function;
    // Most calls are not roots: a look at the text first.
    let text = cx.text_of(function);
    if !ROOTS.iter().any(|(object, _)| text.contains(object)) {
        return None;
    }
    // `await NestFactory.create<App>(…)`: with type arguments, tree-sitter-typescript parses
    // the callee as `await NestFactory.create`.
    if cx.kind(function) == "await_expression" {
        function = function.named_child(0)?;
    }
    if cx.kind(function) != "member_expression" {
        return None;
    }
    let object = cx.text_of(function.child_by_field_id(cx.fields.object)?);
    let property = cx.text_of(function.child_by_field_id(cx.fields.property)?);
    let (_, methods) = ROOTS.iter().find(|(o, _)| *o == object)?;
    if !methods.contains(&property) {
        return None;
    }
    let arguments = node.child_by_field_id(cx.fields.arguments)?;
    let mut cursor = arguments.walk();
    let first = arguments
        .named_children(&mut cursor)
        .find(|c| cx.kind(c) != "comment")?;
    Some(Bootstrap {
        call: format!("{object}.{property}"),
        module: expr::convert(cx, first),
        span: cx.span(node),
    })
}
