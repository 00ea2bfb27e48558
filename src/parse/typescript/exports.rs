//! What a file exports, by name: local declarations (`export class X`), export lists
//! (`export { A as B }`), re-exports (`export { X } from './x'`, `export * from './y'`) and the
//! default export. Barrel files are resolved through these.

use tree_sitter::Node;

use super::Cx;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Export {
    /// The exported name: `B` in `export { A as B }`, `default`, or `*` for `export * from`.
    pub name: String,
    /// The local (or, with `from`, the imported) name: `A` in `export { A as B }`; `*` for
    /// `export * as ns from`; `None` for `export default <expression>`.
    pub local: Option<String>,
    /// The module specifier of a re-export.
    pub from: Option<String>,
    pub type_only: bool,
}

/// Reads one `export_statement`.
pub(super) fn export_statement(cx: &Cx<'_>, node: Node<'_>, out: &mut Vec<Export>) {
    let from = cx
        .field(node, "source")
        .and_then(|s| super::string_value(s, cx.text));
    let statement_type = super::has_keyword_child(cx, node, "type");
    let is_default = super::has_keyword_child(cx, node, "default");
    if let Some(declaration) = cx.field(node, "declaration") {
        for name in declared_names(cx, declaration) {
            out.push(Export {
                name: if is_default {
                    "default".to_string()
                } else {
                    name.clone()
                },
                local: Some(name),
                from: None,
                type_only: is_type_declaration(cx.kind(declaration)),
            });
        }
        return;
    }
    if is_default {
        let value = cx.field(node, "value");
        out.push(Export {
            name: "default".to_string(),
            local: value
                .filter(|v| cx.kind(v) == "identifier")
                .map(|v| cx.text_of(v).to_string()),
            from: None,
            type_only: false,
        });
        return;
    }
    let mut cursor = node.walk();
    let mut listed = false;
    for child in node.named_children(&mut cursor) {
        match cx.kind(child) {
            "export_clause" => {
                listed = true;
                let mut c = child.walk();
                for spec in child
                    .named_children(&mut c)
                    .filter(|s| cx.kind(s) == "export_specifier")
                {
                    let Some(local) = cx.field(spec, "name") else {
                        continue;
                    };
                    let local = cx.text_of(local).trim_matches(['"', '\'']).to_string();
                    let name = cx
                        .field(spec, "alias")
                        .map(|a| cx.text_of(a).trim_matches(['"', '\'']).to_string())
                        .unwrap_or_else(|| local.clone());
                    out.push(Export {
                        name,
                        local: Some(local),
                        from: from.clone(),
                        type_only: statement_type || super::has_keyword_child(cx, spec, "type"),
                    });
                }
            }
            "namespace_export" => {
                listed = true;
                let name = child
                    .named_child(0)
                    .map(|n| cx.text_of(n).to_string())
                    .unwrap_or_default();
                out.push(Export {
                    name,
                    local: Some("*".to_string()),
                    from: from.clone(),
                    type_only: statement_type,
                });
            }
            _ => {}
        }
    }
    if !listed && from.is_some() {
        out.push(Export {
            name: "*".to_string(),
            local: Some("*".to_string()),
            from,
            type_only: statement_type,
        });
    }
}

fn is_type_declaration(kind: &str) -> bool {
    matches!(kind, "interface_declaration" | "type_alias_declaration")
}

/// The names a declaration binds (`const a = 1, b = 2` binds two).
pub(super) fn declared_names(cx: &Cx<'_>, node: Node<'_>) -> Vec<String> {
    match cx.kind(node) {
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .filter(|d| cx.kind(d) == "variable_declarator")
                .filter_map(|d| cx.field(d, "name"))
                .flat_map(|n| pattern_names(cx, n))
                .collect()
        }
        _ => cx
            .field(node, "name")
            .map(|n| vec![cx.text_of(n).to_string()])
            .unwrap_or_default(),
    }
}

/// Identifiers bound by a pattern (`{ A, B: c }` binds `A` and `c`).
fn pattern_names(cx: &Cx<'_>, node: Node<'_>) -> Vec<String> {
    match cx.kind(node) {
        "identifier" | "shorthand_property_identifier_pattern" => {
            vec![cx.text_of(node).to_string()]
        }
        "object_pattern" | "array_pattern" => {
            let mut out = Vec::new();
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                match cx.kind(child) {
                    "pair_pattern" => {
                        if let Some(value) = cx.field(child, "value") {
                            out.extend(pattern_names(cx, value));
                        }
                    }
                    "identifier" | "shorthand_property_identifier_pattern" => {
                        out.push(cx.text_of(child).to_string());
                    }
                    _ => {}
                }
            }
            out
        }
        _ => Vec::new(),
    }
}
