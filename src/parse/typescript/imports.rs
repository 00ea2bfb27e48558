//! Module references: static imports with their bindings, re-exports, `require`,
//! `require.resolve`, `import()`, `import x = require()` and triple-slash `types` references.

use tree_sitter::Node;

use super::Cx;
use crate::source::Span;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
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

/// One name an import binds: `import { A as B }` is `imported: "A"`, `local: "B"`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Binding {
    /// The exported name: `default` for a default import, `*` for a namespace import or
    /// `import x = require()`.
    pub imported: String,
    pub local: String,
    /// `import { type A }` (or the whole statement is `import type`).
    pub type_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Import {
    pub specifier: String,
    pub kind: ImportKind,
    /// `import type`, all-`type` specifiers, `export type … from`, a reference inside a type
    /// position (`typeof import('m')`), or a triple-slash reference.
    pub explicit_type: bool,
    /// The names the import binds (empty for side-effect imports, re-exports and calls).
    pub bindings: Vec<Binding>,
    /// A `require()`/`import()` inside a `try` block: the code expects it may be missing.
    pub guarded: bool,
    pub span: Span,
}

impl Import {
    /// Local names of the bindings that are values (not `type` specifiers).
    pub fn value_bindings(&self) -> impl Iterator<Item = &str> {
        self.bindings
            .iter()
            .filter(|b| !b.type_only)
            .map(|b| b.local.as_str())
    }
}

/// The import of `node`, whose specifier is the string `source` (none when not a literal).
struct Reference {
    kind: ImportKind,
    explicit_type: bool,
    bindings: Vec<Binding>,
    guarded: bool,
}

impl Reference {
    fn push(self, cx: &Cx<'_>, node: Node<'_>, source: Node<'_>, out: &mut Vec<Import>) {
        let Some(specifier) = super::string_value(source, cx.text) else {
            return;
        };
        out.push(Import {
            specifier,
            kind: self.kind,
            explicit_type: self.explicit_type,
            bindings: self.bindings,
            guarded: self.guarded,
            span: cx.span(node),
        });
    }
}

pub(super) fn import_statement(cx: &Cx<'_>, node: Node<'_>, in_type: bool, out: &mut Vec<Import>) {
    // One pass over the children for what three read (the `type` keyword, the first
    // `import x = require()` clause with a source, the first import clause): a pass costs
    // a cursor step per child.
    let mut statement_type = false;
    let mut require = None;
    let mut clause = None;
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if !child.is_named() {
            statement_type |= cx.kind(child) == "type";
            continue;
        }
        match cx.kind(child) {
            "import_require_clause" if require.is_none() => {
                require = cx.field(child, "source").map(|source| (child, source));
            }
            "import_clause" if clause.is_none() => clause = Some(child),
            _ => {}
        }
    }
    if let Some((child, source)) = require {
        let bindings = super::first_identifier(child, cx.text)
            .map(|local| Binding {
                imported: "*".to_string(),
                local,
                type_only: statement_type,
            })
            .into_iter()
            .collect();
        let explicit = statement_type || in_type;
        Reference {
            kind: ImportKind::ImportEquals,
            explicit_type: explicit,
            bindings,
            guarded: false,
        }
        .push(cx, node, source, out);
        return;
    }
    let Some(source) = cx.field(node, "source") else {
        return;
    };
    let mut bindings = Vec::new();
    if let Some(clause) = clause {
        let mut cursor = clause.walk();
        for part in clause.named_children(&mut cursor) {
            match cx.kind(part) {
                "identifier" => bindings.push(Binding {
                    imported: "default".to_string(),
                    local: cx.text_of(part).to_string(),
                    type_only: statement_type,
                }),
                "namespace_import" => {
                    if let Some(local) = super::first_identifier(part, cx.text) {
                        bindings.push(Binding {
                            imported: "*".to_string(),
                            local,
                            type_only: statement_type,
                        });
                    }
                }
                "named_imports" => {
                    let mut c = part.walk();
                    for spec in part
                        .named_children(&mut c)
                        .filter(|s| cx.kind(s) == "import_specifier")
                    {
                        let Some(name) = cx.field(spec, "name") else {
                            continue;
                        };
                        let imported = cx.text_of(name).trim_matches(['"', '\'']).to_string();
                        let local = cx
                            .field(spec, "alias")
                            .map(|a| cx.text_of(a).to_string())
                            .unwrap_or_else(|| imported.clone());
                        bindings.push(Binding {
                            imported,
                            local,
                            type_only: statement_type || super::has_keyword_child(cx, spec, "type"),
                        });
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
    let explicit_type =
        statement_type || (!bindings.is_empty() && bindings.iter().all(|b| b.type_only));
    Reference {
        kind,
        explicit_type,
        bindings,
        guarded: false,
    }
    .push(cx, node, source, out);
}

/// `export … from 'm'`: a module reference (the names are the exports collector's).
pub(super) fn re_export(cx: &Cx<'_>, node: Node<'_>, out: &mut Vec<Import>) {
    let Some(source) = cx.field(node, "source") else {
        return;
    };
    let mut explicit_type = super::has_keyword_child(cx, node, "type");
    // `export { type A } from 'm'`: every specifier a type.
    let mut cursor = node.walk();
    if let Some(clause) = node
        .named_children(&mut cursor)
        .find(|c| cx.kind(c) == "export_clause")
    {
        let mut c = clause.walk();
        let specs: Vec<Node<'_>> = clause
            .named_children(&mut c)
            .filter(|s| cx.kind(s) == "export_specifier")
            .collect();
        if !specs.is_empty()
            && specs
                .iter()
                .all(|s| super::has_keyword_child(cx, *s, "type"))
        {
            explicit_type = true;
        }
    }
    Reference {
        kind: ImportKind::ReExport,
        explicit_type,
        bindings: Vec::new(),
        guarded: false,
    }
    .push(cx, node, source, out);
}

/// `require('m')`, `require.resolve('m')`, `import('m')` with a literal specifier.
pub(super) fn call(
    cx: &Cx<'_>,
    node: Node<'_>,
    function: Node<'_>,
    in_type: bool,
    in_try: bool,
    out: &mut Vec<Import>,
) {
    // By text first: most calls are none of these, and `kind()` costs a string conversion.
    let kind = match cx.text_of(function) {
        "import" if cx.kind(function) == "import" => ImportKind::Dynamic,
        "require" if cx.kind(function) == "identifier" => ImportKind::Require,
        "require.resolve" if cx.kind(function) == "member_expression" => ImportKind::RequireResolve,
        _ => return,
    };
    let Some(arguments) = node.child_by_field_id(cx.fields.arguments) else {
        return;
    };
    let mut cursor = arguments.walk();
    let Some(first) = arguments.named_children(&mut cursor).next() else {
        return;
    };
    // Only literal specifiers; a variable or an interpolated template is not guessed.
    Reference {
        kind,
        explicit_type: in_type,
        bindings: Vec::new(),
        guarded: in_try,
    }
    .push(cx, node, first, out);
}

/// `/// <reference types="m" />`
pub(super) fn triple_slash(cx: &Cx<'_>, node: Node<'_>, out: &mut Vec<Import>) {
    let text = cx.text_of(node);
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
    out.push(Import {
        specifier: value[1..=end].to_string(),
        kind: ImportKind::TypesReference,
        explicit_type: true,
        bindings: Vec::new(),
        guarded: false,
        span: cx.span(node),
    });
}
