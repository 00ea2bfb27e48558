//! A fast reader for the line-oriented shape lockfiles are written in: the block-style YAML
//! that pnpm (`js-yaml` dump) and yarn berry write, and yarn v1's own `key value` format.
//!
//! A lockfile of a large monorepo runs to millions of characters; building a full YAML tree with
//! `saphyr` costs more than the whole scan budget (novu's 2.9 MB `pnpm-lock.yaml`: ~115 ms for
//! the tree alone on a 2-core machine). The writers only ever produce block mappings, one-line
//! scalars and one-line flow collections, so this reader turns each line into a [`Line`]: its
//! nesting depth, its key, its value and its 1-based line number. One-line flow collections
//! (`resolution: {integrity: sha512-…}`) are expanded into child lines, so consumers see one
//! shape. Anything outside that subset (anchors, tags, multi-line flow collections) is an
//! [`Unsupported`] error, on which the YAML readers fall back to the full `saphyr` tree
//! ([`from_tree`]), which yields the same lines.

use std::borrow::Cow;

use crate::parse::MAX_NESTING;
use crate::parse::yaml::{YamlNode, YamlValue};

/// The value part of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    /// `key:` with nothing after it: children follow at the next depth (or it is empty).
    Block,
    Scalar(Cow<'a, str>),
    /// A block scalar (`|`, `>`) whose text is not kept; lockfiles use them only for prose.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    pub depth: u16,
    /// `None` for a sequence item (`- x`).
    pub key: Option<Cow<'a, str>>,
    pub value: Value<'a>,
    pub line: u32,
}

impl Line<'_> {
    pub(crate) fn key(&self) -> &str {
        self.key.as_deref().unwrap_or("")
    }

    pub(crate) fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

/// The text lies outside the subset this reader handles; the caller falls back to a full parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsupported {
    pub line: u32,
    pub reason: &'static str,
}

/// The lines that carry content, as (1-based number, indentation in spaces, text after the
/// indentation): a byte-order mark, blank lines and `#` comments are dropped. Lines end at
/// `\n`, `\r\n` or a lone `\r`, as YAML's line breaks do (YAML 1.2 `b-break`, and saphyr,
/// which the YAML readers fall back to), as yarn v1's tokenizer counts them (yarnpkg/yarn
/// src/lockfile/parse.js, `tokenise`), and as every position in the report is counted
/// (`source::lines`).
fn content_lines(text: &str) -> impl Iterator<Item = (u32, usize, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::source::lines(text)
        .enumerate()
        .filter_map(|(i, raw)| {
            let content = raw.trim_start_matches(' ');
            if content.trim().is_empty() || content.starts_with('#') {
                return None;
            }
            Some((
                u32::try_from(i + 1).unwrap_or(u32::MAX),
                raw.len() - content.len(),
                content,
            ))
        })
}

/// Reads block-style YAML into lines.
pub(crate) fn yaml(text: &str) -> Result<Vec<Line<'_>>, Unsupported> {
    let mut out: Vec<Line<'_>> = Vec::with_capacity(text.len() / 24);
    // Indentation widths of the open blocks; `indents[d]` is the indent of depth `d`.
    let mut indents: Vec<usize> = Vec::new();
    // Indentation of the block scalar being skipped, if any.
    let mut skipping: Option<usize> = None;
    for (number, indent, content) in content_lines(text) {
        let unsupported = |reason| Unsupported {
            line: number,
            reason,
        };
        if let Some(block) = skipping {
            if indent > block {
                continue;
            }
            skipping = None;
        }
        if content.starts_with('\t') {
            return Err(unsupported("tab indentation"));
        }
        if indent == 0 && (content == "---" || content.starts_with("--- ")) {
            if out.is_empty() {
                continue;
            }
            return Err(unsupported("more than one document"));
        }
        if indent == 0 && content == "..." {
            break;
        }
        // The depth: close blocks indented deeper than this line.
        let opened = out
            .last()
            .is_some_and(|l: &Line<'_>| l.value == Value::Block && l.key.is_some());
        let is_item = content == "-" || content.starts_with("- ");
        let depth = match indents.last() {
            None => {
                indents.push(indent);
                0
            }
            Some(&top) if indent > top => {
                if !opened {
                    return Err(unsupported("indentation without an opening key"));
                }
                indents.push(indent);
                indents.len() - 1
            }
            Some(&top) if indent == top && is_item && opened => {
                // `key:\n- item`: YAML lets sequence items sit at their key's indentation.
                indents.push(indent);
                indents.len() - 1
            }
            Some(_) => {
                while indents.last().is_some_and(|&t| t > indent) {
                    indents.pop();
                }
                // A sequence opened at its key's indentation closes with the key's next sibling.
                if indents.len() >= 2
                    && indents[indents.len() - 1] == indents[indents.len() - 2]
                    && !is_item
                {
                    indents.pop();
                }
                if indents.last() != Some(&indent) {
                    return Err(unsupported("inconsistent indentation"));
                }
                indents.len() - 1
            }
        };
        let depth = u16::try_from(depth).map_err(|_| unsupported("nesting too deep"))?;
        let children = depth
            .checked_add(1)
            .ok_or_else(|| unsupported("nesting too deep"))?;
        let start = out.len();
        if is_item {
            let rest = content[1..].trim_start();
            if looks_like_mapping(rest) {
                return Err(unsupported("a mapping inside a sequence"));
            }
            let value = scalar_value(rest, &mut out, children, number).map_err(unsupported)?;
            out.insert(
                start,
                Line {
                    depth,
                    key: None,
                    value,
                    line: number,
                },
            );
        } else {
            let (key, rest) = split_key(content).map_err(unsupported)?;
            let value = scalar_value(rest, &mut out, children, number).map_err(unsupported)?;
            out.insert(
                start,
                Line {
                    depth,
                    key: Some(key),
                    value,
                    line: number,
                },
            );
        }
        if out[start].value == Value::Skipped {
            skipping = Some(indent);
        }
    }
    Ok(out)
}

fn looks_like_mapping(item: &str) -> bool {
    split_key(item).is_ok_and(|(_, rest)| !rest.is_empty() || item.ends_with(':'))
        && !item.starts_with('{')
        && !item.starts_with('[')
        && !item.starts_with('\'')
        && !item.starts_with('"')
}

/// Splits `key: rest` (or `key:`) into the unquoted key and the text after the separator.
fn split_key(content: &str) -> Result<(Cow<'_, str>, &str), &'static str> {
    let first = content.as_bytes().first().copied();
    if matches!(first, Some(b'\'' | b'"')) {
        let (key, used) = quoted(content)?;
        let rest = content[used..].trim_start_matches(' ');
        let rest = rest.strip_prefix(':').ok_or("a quoted key without `:`")?;
        return Ok((key, rest.trim_start_matches(' ')));
    }
    if matches!(
        first,
        Some(b'?' | b'&' | b'*' | b'!' | b'{' | b'[' | b'|' | b'>' | b'%' | b'@' | b'`')
    ) {
        return Err("a key YAML does not allow plain, or a complex key");
    }
    let bytes = content.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
            let key = content[..i].trim_end();
            return Ok((Cow::Borrowed(key), content[i + 1..].trim_start_matches(' ')));
        }
        if bytes[i] == b' ' && bytes.get(i + 1) == Some(&b'#') {
            break;
        }
        i += 1;
    }
    Err("a line that is neither `key: value` nor a sequence item")
}

/// Parses the value text after a key or `- `. Flow collections push their members as child
/// lines onto `out` (the caller inserts the parent line before them).
fn scalar_value<'a>(
    rest: &'a str,
    out: &mut Vec<Line<'a>>,
    child_depth: u16,
    number: u32,
) -> Result<Value<'a>, &'static str> {
    let rest = strip_comment(rest);
    if rest.is_empty() {
        return Ok(Value::Block);
    }
    match rest.as_bytes()[0] {
        b'\'' | b'"' => {
            let (s, used) = quoted(rest)?;
            if !strip_comment(&rest[used..]).is_empty() {
                return Err("text after a quoted scalar");
            }
            Ok(Value::Scalar(s))
        }
        b'{' | b'[' => {
            let used = flow(rest, out, child_depth, number, 1)?;
            if !strip_comment(&rest[used..]).is_empty() {
                return Err("text after a flow collection");
            }
            Ok(Value::Block)
        }
        b'|' | b'>' => Ok(Value::Skipped),
        b'&' | b'*' | b'!' => Err("anchors, aliases and tags are not supported"),
        _ => Ok(Value::Scalar(Cow::Borrowed(plain_null(rest)))),
    }
}

/// `~` and `null` are YAML nulls; lockfiles never use them for values that matter, but keep
/// them from reading as versions.
fn plain_null(s: &str) -> &str {
    if s == "~" || s == "null" { "" } else { s }
}

fn strip_comment(s: &str) -> &str {
    let s = s.trim_end();
    // A comment starts at ` #` outside quotes; plain scalars in lockfiles rarely contain it.
    if s.starts_with('\'') || s.starts_with('"') || s.starts_with('{') || s.starts_with('[') {
        return s;
    }
    match s.find(" #") {
        Some(i) => s[..i].trim_end(),
        None => s,
    }
}

/// A single- or double-quoted scalar at the start of `s`: its value and the bytes it used.
fn quoted(s: &str) -> Result<(Cow<'_, str>, usize), &'static str> {
    let bytes = s.as_bytes();
    let quote = bytes[0];
    let mut i = 1;
    let mut owned: Option<String> = None;
    let mut run_start = 1;
    while i < bytes.len() {
        let b = bytes[i];
        if quote == b'\'' && b == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                let o = owned.get_or_insert_with(String::new);
                o.push_str(&s[run_start..=i]);
                i += 2;
                run_start = i;
                continue;
            }
            return Ok(finish(s, owned, run_start, i));
        }
        if quote == b'"' && b == b'"' {
            return Ok(finish(s, owned, run_start, i));
        }
        if quote == b'"' && b == b'\\' {
            let o = owned.get_or_insert_with(String::new);
            o.push_str(&s[run_start..i]);
            let (ch, used) = escape(&s[i + 1..]).ok_or("an unknown escape in a quoted scalar")?;
            o.push(ch);
            i += 1 + used;
            run_start = i;
            continue;
        }
        i += 1;
    }
    Err("an unterminated quoted scalar")
}

fn finish(s: &str, owned: Option<String>, run_start: usize, end: usize) -> (Cow<'_, str>, usize) {
    match owned {
        Some(mut o) => {
            o.push_str(&s[run_start..end]);
            (Cow::Owned(o), end + 1)
        }
        None => (Cow::Borrowed(&s[1..end]), end + 1),
    }
}

fn escape(s: &str) -> Option<(char, usize)> {
    let c = s.chars().next()?;
    let simple = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '0' => Some('\0'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        '/' => Some('/'),
        ' ' => Some(' '),
        _ => None,
    };
    if let Some(ch) = simple {
        return Some((ch, 1));
    }
    let len = match c {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => return None,
    };
    let hex = s.get(1..=len)?;
    let code = u32::from_str_radix(hex, 16).ok()?;
    Some((char::from_u32(code)?, 1 + len))
}

/// A one-line flow collection at the start of `s`, itself `level` collections deep (1 for the
/// outermost): pushes its members as lines at `depth` and returns the bytes it used.
///
/// Recursive, one call per level: past [`MAX_NESTING`] the text is left to the full parser
/// (which rejects it), as `a: ` and 100,000 `[` overflowed the stack here and aborted the scan.
fn flow<'a>(
    s: &'a str,
    out: &mut Vec<Line<'a>>,
    depth: u16,
    number: u32,
    level: usize,
) -> Result<usize, &'static str> {
    if level > MAX_NESTING {
        return Err("flow collections nested too deep");
    }
    let bytes = s.as_bytes();
    let close = if bytes[0] == b'{' { b'}' } else { b']' };
    let mapping = close == b'}';
    let mut i = 1;
    loop {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        if i >= bytes.len() {
            return Err("a flow collection that spans lines");
        }
        if bytes[i] == close {
            return Ok(i + 1);
        }
        let key = if mapping {
            let (key, used) = flow_scalar(&s[i..], true)?;
            i += used;
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            if bytes.get(i) != Some(&b':') {
                return Err("a flow mapping entry without `:`");
            }
            i += 1;
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            Some(key)
        } else {
            None
        };
        let at = out.len();
        let value = match bytes.get(i) {
            Some(b'{' | b'[') => {
                let inner = depth.checked_add(1).ok_or("nesting too deep")?;
                i += flow(&s[i..], out, inner, number, level + 1)?;
                Value::Block
            }
            Some(_) => {
                let (v, used) = flow_scalar(&s[i..], false)?;
                i += used;
                Value::Scalar(v)
            }
            None => return Err("a flow collection that spans lines"),
        };
        out.insert(
            at,
            Line {
                depth,
                key,
                value,
                line: number,
            },
        );
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        match bytes.get(i) {
            Some(b',') => i += 1,
            Some(&b) if b == close => return Ok(i + 1),
            _ => return Err("a malformed flow collection"),
        }
    }
}

/// A scalar inside a flow collection: quoted, or plain up to `,`, the closing bracket, or (for
/// keys) `:`.
fn flow_scalar(s: &str, key: bool) -> Result<(Cow<'_, str>, usize), &'static str> {
    match s.as_bytes().first() {
        Some(b'\'' | b'"') => quoted(s),
        Some(b'&' | b'*' | b'!') => Err("anchors, aliases and tags are not supported"),
        _ => {
            let bytes = s.as_bytes();
            let mut end = 0;
            while end < bytes.len() {
                let b = bytes[end];
                if b == b',' || b == b'}' || b == b']' {
                    break;
                }
                if key
                    && b == b':'
                    && (end + 1 == bytes.len() || matches!(bytes[end + 1], b' ' | b',' | b'}'))
                {
                    break;
                }
                if !key && b == b':' && bytes.get(end + 1) == Some(&b' ') {
                    return Err("a nested implicit mapping in a flow collection");
                }
                end += 1;
            }
            Ok((Cow::Borrowed(plain_null(s[..end].trim_end())), end))
        }
    }
}

/// The same lines from a full YAML tree, for text outside the fast reader's subset.
pub(crate) fn from_tree(node: &YamlNode) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let YamlValue::Map(entries) = &node.value {
        for (key, span, value) in entries {
            push_tree(&mut out, 0, Some(key.clone()), span.line, value);
        }
    }
    out
}

fn push_tree(
    out: &mut Vec<Line<'static>>,
    depth: u16,
    key: Option<String>,
    line: u32,
    node: &YamlNode,
) {
    let key = key.map(Cow::Owned);
    match &node.value {
        YamlValue::Null => out.push(Line {
            depth,
            key,
            value: Value::Scalar(Cow::Borrowed("")),
            line,
        }),
        YamlValue::Scalar(s) => out.push(Line {
            depth,
            key,
            value: Value::Scalar(Cow::Owned(s.clone())),
            line,
        }),
        YamlValue::Map(entries) => {
            out.push(Line {
                depth,
                key,
                value: Value::Block,
                line,
            });
            for (k, span, v) in entries {
                push_tree(out, depth + 1, Some(k.clone()), span.line, v);
            }
        }
        YamlValue::Seq(items) => {
            out.push(Line {
                depth,
                key,
                value: Value::Block,
                line,
            });
            for item in items {
                push_tree(out, depth + 1, None, item.span.line, item);
            }
        }
    }
}

/// Reads yarn v1's lockfile format: `key value` pairs and `key:` blocks, indented by two
/// spaces, keys and values optionally double-quoted (JSON escapes), `#` comments. A block key
/// may list several comma-separated keys (`"a@^1", "a@^1.2":`); it is kept raw for the caller
/// to split with [`split_yarn_keys`].
pub(crate) fn yarn_v1(text: &str) -> Result<Vec<Line<'_>>, Unsupported> {
    let mut out = Vec::with_capacity(text.len() / 32);
    for (number, indent, content) in content_lines(text) {
        let unsupported = |reason| Unsupported {
            line: number,
            reason,
        };
        if indent % 2 != 0 {
            return Err(unsupported("odd indentation"));
        }
        let depth = u16::try_from(indent / 2).map_err(|_| unsupported("nesting too deep"))?;
        let content = content.trim_end();
        if let Some(keys) = content.strip_suffix(':') {
            out.push(Line {
                depth,
                key: Some(Cow::Borrowed(keys)),
                value: Value::Block,
                line: number,
            });
            continue;
        }
        let (key, used) = yarn_token(content).map_err(unsupported)?;
        let rest = content[used..].trim_start();
        let rest = rest.strip_prefix(':').map_or(rest, str::trim_start);
        let value = if rest.is_empty() {
            Cow::Borrowed("")
        } else {
            yarn_token(rest).map_err(unsupported)?.0
        };
        out.push(Line {
            depth,
            key: Some(key),
            value: Value::Scalar(value),
            line: number,
        });
    }
    Ok(out)
}

/// One yarn v1 token: a JSON-style quoted string, or a run of characters up to a space, `:` or
/// `,`.
fn yarn_token(s: &str) -> Result<(Cow<'_, str>, usize), &'static str> {
    if s.starts_with('"') {
        return quoted(s);
    }
    let end = s.find([' ', ',']).unwrap_or(s.len());
    // A plain key may end with `:` (`dependencies:` is handled by the caller; `key: value` is
    // not written by yarn v1 but is tolerated).
    let token = s[..end].strip_suffix(':').unwrap_or(&s[..end]);
    Ok((Cow::Borrowed(token), end))
}

/// Splits a yarn lockfile entry key (`"a@^1", a@^1.2` in v1, or `a@npm:^1, a@npm:^1.2` in
/// berry, already unquoted as a whole) into its descriptors.
pub(crate) fn split_yarn_keys(keys: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = keys.trim();
    while !rest.is_empty() {
        if rest.starts_with('"') {
            match quoted(rest) {
                Ok((key, used)) => {
                    out.push(key.into_owned());
                    rest = rest[used..].trim_start();
                }
                Err(_) => {
                    out.push(rest.trim_matches('"').to_string());
                    break;
                }
            }
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            out.push(rest[..end].trim().to_string());
            rest = &rest[end..];
        }
        rest = rest.trim_start_matches(',').trim_start();
    }
    out.retain(|k| !k.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape<'a>(lines: &'a [Line<'a>]) -> Vec<(u16, &'a str, Option<&'a str>, u32)> {
        lines
            .iter()
            .map(|l| (l.depth, l.key(), l.scalar(), l.line))
            .collect()
    }

    #[test]
    fn reads_pnpm_shapes_with_depths_and_lines() -> Result<(), Box<dyn std::error::Error>> {
        let text = "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      '@scope/a':\n        specifier: ^1.0.0 # why\n        version: 1.2.0(b@2.0.0)\npackages:\n  ms@2.1.3:\n    resolution: {integrity: 'sha512-x', tarball: \"a\\u0041\"}\n    cpu: [x64, arm64]\n    deprecated: |\n      long\n      text\n    hasBin: true\n";
        let lines = yaml(text).map_err(|e| format!("{e:?}"))?;
        assert_eq!(
            shape(&lines),
            vec![
                (0, "lockfileVersion", Some("9.0"), 1),
                (0, "importers", None, 3),
                (1, ".", None, 5),
                (2, "dependencies", None, 6),
                (3, "@scope/a", None, 7),
                (4, "specifier", Some("^1.0.0"), 8),
                (4, "version", Some("1.2.0(b@2.0.0)"), 9),
                (0, "packages", None, 10),
                (1, "ms@2.1.3", None, 11),
                (2, "resolution", None, 12),
                (3, "integrity", Some("sha512-x"), 12),
                (3, "tarball", Some("aA"), 12),
                (2, "cpu", None, 13),
                (3, "", Some("x64"), 13),
                (3, "", Some("arm64"), 13),
                (2, "deprecated", None, 14),
                (2, "hasBin", Some("true"), 17),
            ]
        );
        Ok(())
    }

    #[test]
    fn sequences_at_the_key_indentation_and_unsupported_input()
    -> Result<(), Box<dyn std::error::Error>> {
        let lines = yaml("a:\n- x\n- 'y'\nb: 1\n").map_err(|e| format!("{e:?}"))?;
        assert_eq!(
            shape(&lines),
            vec![
                (0, "a", None, 1),
                (1, "", Some("x"), 2),
                (1, "", Some("y"), 3),
                (0, "b", Some("1"), 4)
            ]
        );
        assert!(yaml("a: &x 1\nb: *x\n").is_err());
        assert!(yaml("a: {b: 1,\n  c: 2}\n").is_err());
        assert!(yaml("a:\n    b: 1\n  c: 2\n").is_err());
        Ok(())
    }

    #[test]
    fn the_tree_fallback_yields_the_same_lines() -> Result<(), Box<dyn std::error::Error>> {
        let text = "importers:\n  .:\n    dependencies:\n      ms:\n        specifier: ^2.1.0\n        version: 2.1.3\npackages:\n  ms@2.1.3:\n    resolution: {integrity: sha512-x}\n";
        let fast = yaml(text).map_err(|e| format!("{e:?}"))?;
        let tree = crate::parse::yaml::parse(text)?;
        let slow = from_tree(&tree);
        assert_eq!(shape(&fast), shape(&slow));
        Ok(())
    }

    #[test]
    fn deep_flow_collections_are_left_to_the_full_parser_on_a_small_stack() {
        use crate::parse::deep_nesting::{nested, on_small_stack};
        // pnpm-lock.yaml with `a: ` and 100,000 `[`, and berry's `{a: ` the same way: both
        // overflowed the stack in `flow`.
        for (open, close) in [("[", "]"), ("{a: ", "}")] {
            let text = nested("a: ", open, "1", close, "\n");
            let result = on_small_stack(move || yaml(&text).map(|lines| lines.len()));
            assert_eq!(
                result,
                Err(Unsupported {
                    line: 1,
                    reason: "flow collections nested too deep"
                })
            );
        }
        // Up to the limit the fast reader still reads them.
        let depth = crate::parse::MAX_NESTING;
        let text = format!("a: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        let lines = yaml(&text).map_err(|e| format!("{e:?}"));
        assert_eq!(lines.map(|l| l.len()), Ok(depth + 1));
    }

    #[test]
    fn reads_yarn_v1() -> Result<(), Box<dyn std::error::Error>> {
        let text = "# yarn lockfile v1\n\n\n\"@a/b@^1.0.0\", \"@a/b@^1.1.0\":\n  version \"1.2.0\"\n  resolved \"https://r/b.tgz#abc\"\n  dependencies:\n    ms \"^2.0.0\"\n    left-pad 1.3.0\n\nms@^2.0.0:\n  version \"2.1.3\"\n";
        let lines = yarn_v1(text).map_err(|e| format!("{e:?}"))?;
        assert_eq!(
            shape(&lines),
            vec![
                (0, "\"@a/b@^1.0.0\", \"@a/b@^1.1.0\"", None, 4),
                (1, "version", Some("1.2.0"), 5),
                (1, "resolved", Some("https://r/b.tgz#abc"), 6),
                (1, "dependencies", None, 7),
                (2, "ms", Some("^2.0.0"), 8),
                (2, "left-pad", Some("1.3.0"), 9),
                (0, "ms@^2.0.0", None, 11),
                (1, "version", Some("2.1.3"), 12),
            ]
        );
        assert_eq!(
            split_yarn_keys("\"@a/b@^1.0.0\", \"@a/b@^1.1.0\""),
            vec!["@a/b@^1.0.0", "@a/b@^1.1.0"]
        );
        assert_eq!(
            split_yarn_keys("a@npm:^1.0.0, a@npm:^1.2.0"),
            vec!["a@npm:^1.0.0", "a@npm:^1.2.0"]
        );
        Ok(())
    }

    #[test]
    fn line_numbers_count_cr_crlf_and_lf_alike() -> Result<(), Box<dyn std::error::Error>> {
        let lf = "importers:\n  .:\n    dependencies:\n      ms:\n        version: 2.1.3\n";
        let expected = shape(&yaml(lf).map_err(|e| format!("{e:?}"))?)
            .into_iter()
            .map(|(d, k, v, n)| (d, k.to_string(), v.map(str::to_string), n))
            .collect::<Vec<_>>();
        let mixed = "importers:\r  .:\r\n    dependencies:\n      ms:\r        version: 2.1.3\r";
        for text in [
            lf.replace('\n', "\r"),
            lf.replace('\n', "\r\n"),
            mixed.to_string(),
        ] {
            let lines = yaml(&text).map_err(|e| format!("{e:?}"))?;
            let got: Vec<_> = shape(&lines)
                .into_iter()
                .map(|(d, k, v, n)| (d, k.to_string(), v.map(str::to_string), n))
                .collect();
            assert_eq!(got, expected, "{text:?}");
            // The full parser, which the fast one falls back to, numbers them the same.
            let tree = crate::parse::yaml::parse(&text)?;
            let slow = from_tree(&tree);
            assert_eq!(shape(&slow), shape(&lines), "{text:?}");
        }
        Ok(())
    }
}
