//! JSON and JSONC on top of `jsonc-parser`, which keeps byte ranges for every node (serde_json
//! does not), so findings can point at the exact line of a dependency.

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use super::ParseError;
use crate::source::{LineIndex, Span};

/// How lenient to be: package.json must be strict JSON (npm rejects comments), tsconfig is JSONC.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Json,
    Jsonc,
}

pub(crate) fn parse(text: &str, dialect: Dialect) -> Result<Value<'_>, ParseError> {
    let strict = dialect == Dialect::Json;
    let options = ParseOptions {
        allow_comments: !strict,
        allow_loose_object_property_names: false,
        allow_trailing_commas: !strict,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    // A leading byte-order mark is legal for tsconfig and tolerated by npm.
    let original = text;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let result = jsonc_parser::parse_to_ast(text, &collect, &options).map_err(|e| {
        let span = Spans::new(original).of(e.range());
        ParseError::new(format!("invalid JSON: {e}")).at(span.line, span.column)
    })?;
    result
        .value
        .ok_or_else(|| ParseError::new("empty file: expected a JSON value"))
}

/// Byte offset of the BOM-stripped text inside the original (ranges are relative to it).
pub(crate) fn bom_offset(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

pub(crate) struct Spans<'a> {
    index: LineIndex<'a>,
    offset: usize,
}

impl<'a> Spans<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Spans {
            index: LineIndex::new(text),
            offset: bom_offset(text),
        }
    }

    pub(crate) fn of(&self, range: jsonc_parser::common::Range) -> Span {
        self.index
            .span(range.start + self.offset, range.end + self.offset)
    }
}

pub(crate) fn as_str<'v>(value: &'v Value<'_>) -> Option<&'v str> {
    match value {
        Value::StringLit(s) => Some(&s.value),
        _ => None,
    }
}

pub(crate) fn range_of(value: &Value<'_>) -> jsonc_parser::common::Range {
    use jsonc_parser::common::Ranged;
    value.range()
}

/// String members of an object, in file order.
pub(crate) fn string_entries<'v>(
    object: &'v Object<'_>,
) -> impl Iterator<Item = (&'v str, &'v Value<'v>)> + 'v {
    object
        .properties
        .iter()
        .map(|p| (p.name.as_str(), &p.value))
}

/// Converts a subtree to `serde_json::Value` for facts kept as data (e.g. `exports`).
pub(crate) fn to_serde(value: &Value<'_>) -> serde_json::Value {
    match value {
        Value::StringLit(s) => serde_json::Value::String(s.value.to_string()),
        Value::NumberLit(n) => n
            .value
            .parse::<serde_json::Number>()
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::BooleanLit(b) => serde_json::Value::Bool(b.value),
        Value::Object(o) => serde_json::Value::Object(
            o.properties
                .iter()
                .map(|p| (p.name.as_str().to_string(), to_serde(&p.value)))
                .collect(),
        ),
        Value::Array(a) => serde_json::Value::Array(a.elements.iter().map(to_serde).collect()),
        Value::NullKeyword(_) => serde_json::Value::Null,
    }
}
