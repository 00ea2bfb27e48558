//! JSON and JSONC on top of `jsonc-parser`, which keeps byte ranges for every node (serde_json
//! does not), so findings can point at the exact line of a dependency.

use jsonc_parser::ast::{Object, Value};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use super::{MAX_NESTING, ParseError, too_deep};
use crate::source::{LineIndex, Span};

/// How lenient to be: package.json must be strict JSON (npm rejects comments), tsconfig is JSONC.
#[derive(Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    if let Some(offset) = too_deep_at(text) {
        let (line, column) = LineIndex::new(original).position(offset + bom_offset(original));
        return Err(too_deep(line, column));
    }
    let result = jsonc_parser::parse_to_ast(text, &collect, &options).map_err(|e| {
        let span = Spans::new(original).of(e.range());
        ParseError::new(format!("invalid JSON: {e}")).at(span.line, span.column)
    })?;
    result
        .value
        .ok_or_else(|| ParseError::new("empty file: expected a JSON value"))
}

/// Where the first bracket opening a level deeper than [`MAX_NESTING`] is, if one does.
///
/// jsonc-parser stops at 512 levels, but it recurses once per level, ~2.3 KiB a level in a
/// debug build, and the values built from its tree (`to_serde`, and the rules walking
/// `exports`) recurse too: 100,000 `[` in a package.json overflowed the stack. Brackets inside
/// strings and comments do not count; text this scan misreads is text jsonc-parser rejects.
fn too_deep_at(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
            }
            // A line comment ends at `\n` or `\r` (jsonc-parser's scanner, parse_comment_line):
            // ending it later would hide brackets jsonc-parser reads.
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = line_end(bytes, i).unwrap_or(bytes.len());
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text
                    .get(i + 2..)
                    .and_then(|rest| rest.find("*/"))
                    .map_or(bytes.len(), |end| i + 2 + end + 1);
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn line_end(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|p| from + p)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_an_error_with_its_position_on_a_small_stack() {
        use crate::parse::deep_nesting::{nested, on_small_stack};
        // 100,000 levels overflowed the stack in jsonc-parser (whose own limit is 512).
        for (open, close, width) in [("[", "]", 1), ("{\"a\":", "}", 5)] {
            let text = nested("\u{feff}", open, "1", close, "");
            let result = on_small_stack(move || parse(&text, Dialect::Json).map(|_| ()));
            // Columns count the byte-order mark, as every span of a JSON file does.
            let column = u32::try_from(2 + width * MAX_NESTING).unwrap();
            assert_eq!(result, Err(too_deep(1, column)));
        }
        // Brackets in strings and comments do not nest.
        let deep = "[".repeat(MAX_NESTING + 1);
        let text = format!("{{\"a\": \"{deep}\", // {deep}\n /* {deep} */ \"b\": \"\\\"{deep}\"}}");
        assert!(parse(&text, Dialect::Jsonc).is_ok(), "{text}");
        // At the limit, the parse and the value built from it fit the small stack.
        let limit = format!("{}1{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        let value = on_small_stack(move || parse(&limit, Dialect::Json).map(|v| to_serde(&v)));
        assert!(value.is_ok());
        let over = format!(
            "\n  {}1{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        let column = u32::try_from(3 + MAX_NESTING).unwrap();
        assert_eq!(
            parse(&over, Dialect::Json).map(|_| ()),
            Err(too_deep(2, column))
        );
        // An unterminated comment or string hides nothing jsonc-parser accepts.
        assert!(parse("[/* [[[", Dialect::Jsonc).is_err());
        assert!(parse("[\"[[[", Dialect::Jsonc).is_err());
    }
}
