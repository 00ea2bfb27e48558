//! Top-level declarations: every name a file declares at its top level with what kind of
//! thing it is (a class, an interface, a `const`, …), and the values of its `const`s (tokens
//! and provider arrays that `@Module` metadata spreads in).

use tree_sitter::Node;

use super::Cx;
use super::expr::Expr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DeclKind {
    Class,
    Interface,
    TypeAlias,
    Enum,
    Function,
    Const,
    Variable,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Decl {
    pub name: String,
    pub kind: DeclKind,
    /// A `const`'s initializer (bounded, see [`super::expr`]).
    pub value: Option<Expr>,
}

/// Reads one top-level statement (or the declaration of a top-level `export`).
pub(super) fn statement(cx: &Cx<'_>, node: Node<'_>, out: &mut Vec<Decl>) {
    let kind = match cx.kind(node) {
        "class_declaration" | "abstract_class_declaration" => DeclKind::Class,
        "interface_declaration" => DeclKind::Interface,
        "type_alias_declaration" => DeclKind::TypeAlias,
        "enum_declaration" => DeclKind::Enum,
        "function_declaration" | "generator_function_declaration" => DeclKind::Function,
        "lexical_declaration" | "variable_declaration" => {
            let is_const = super::has_keyword_child(cx, node, "const");
            let kind = if is_const {
                DeclKind::Const
            } else {
                DeclKind::Variable
            };
            let values = super::classes::declarators(cx, node);
            for name in super::exports::declared_names(cx, node) {
                let value = if is_const {
                    values
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, v)| v.clone())
                } else {
                    None
                };
                out.push(Decl { name, kind, value });
            }
            return;
        }
        "export_statement" => {
            if let Some(declaration) = cx.field(node, "declaration") {
                statement(cx, declaration, out);
            }
            return;
        }
        "ambient_declaration" => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                statement(cx, child, out);
            }
            return;
        }
        _ => return,
    };
    for name in super::exports::declared_names(cx, node) {
        out.push(Decl {
            name,
            kind,
            value: None,
        });
    }
}
