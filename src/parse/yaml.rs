//! YAML via `saphyr` (maintained, YAML 1.2, keeps positions), turned into a small owned tree so
//! that no parser type leaks into the model.
//!
//! saphyr's own `load_from_str` recurses once per nesting level with no limit (its flow
//! collections stop at 255, block collections never: `- - - …` nests a sequence per two
//! bytes), and its tree is cloned, hashed and dropped recursively. So the loader is fed here
//! from the event parser, with the depth counted on the way and the text rejected past
//! [`MAX_NESTING`](super::MAX_NESTING).

use std::collections::BTreeMap;

use saphyr::{MarkedYaml, Marker, Scalar, ScanError, YamlData, YamlLoader};
use saphyr_parser::{BufferedInput, Event, Parser, ScalarStyle, SpannedEventReceiver};

use super::{MAX_NESTING, ParseError, too_deep};
use crate::source::{Span, to_u32};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum YamlValue {
    Null,
    /// Every scalar as its text: `1`, `true` and `"1"` all become strings; callers decide.
    Scalar(String),
    Seq(Vec<YamlNode>),
    /// Keys in file order; non-scalar keys are dropped.
    Map(Vec<(String, Span, YamlNode)>),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct YamlNode {
    pub value: YamlValue,
    pub span: Span,
    /// A local tag written on the node (`!reset`, `!override`: compose's merge directives),
    /// with its `!`. Core-schema tags (`!!str`) are not kept.
    pub tag: Option<String>,
    /// A plain (unquoted, untagged) scalar that starts like a number, as written. YAML readers
    /// disagree on some: `010` is 10 in YAML 1.2 (and in `value`) but 8 to go-yaml v3 and YAML
    /// 1.1; `1_000` is a string in YAML 1.2 and 1000 to both. A caller that must read like one
    /// of them (compose files: go-yaml v3) reads this.
    pub plain: Option<String>,
}

impl YamlNode {
    pub fn get(&self, key: &str) -> Option<&YamlNode> {
        match &self.value {
            YamlValue::Map(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YamlValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Span, YamlNode)] {
        match &self.value {
            YamlValue::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[YamlNode] {
        match &self.value {
            YamlValue::Seq(items) => items,
            _ => &[],
        }
    }
}

/// Parses the first document. An empty file is `Null`, not an error.
pub fn parse(text: &str) -> Result<YamlNode, ParseError> {
    let (docs, plain) = load(text)?;
    Ok(docs.first().map_or(
        YamlNode {
            value: YamlValue::Null,
            span: Span::point(1, 1),
            tag: None,
            plain: None,
        },
        |d| convert(d, &plain),
    ))
}

/// Plain scalars that start like a number, by the character offset they start at.
type PlainNumbers = BTreeMap<usize, String>;

fn numeric_start(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
        && text.len() > 1
        && text.chars().all(|c| {
            c.is_ascii_hexdigit() || matches!(c, 'x' | 'X' | 'o' | 'O' | '_' | '+' | '-' | '.')
        })
}

fn invalid(e: &ScanError) -> ParseError {
    let m = e.marker();
    let line = u32::try_from(m.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(m.col() + 1).unwrap_or(u32::MAX);
    ParseError::new(format!(
        "invalid YAML at line {line}, column {column}: {}",
        e.info()
    ))
    .at(line, column)
}

/// What `MarkedYaml::load_from_str` does (the same input reader and loader, the same errors in
/// the same order: a syntax error anywhere wins over the loader's), with the nesting bounded.
/// Also returns the plain scalars that start like a number, as written (the loader keeps only
/// its YAML 1.2 reading of them).
fn load(text: &str) -> Result<(Vec<MarkedYaml<'_>>, PlainNumbers), ParseError> {
    let parser = Parser::new(BufferedInput::new(text.chars()));
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    let mut depth = Depth::default();
    let mut plain = PlainNumbers::new();
    for event in parser {
        let (event, span) = event.map_err(|e| invalid(&e))?;
        depth.check(&event, span.start)?;
        if let Event::Scalar(v, ScalarStyle::Plain, _, None) = &event
            && numeric_start(v)
        {
            plain.insert(span.start.index(), v.to_string());
        }
        loader.on_event(event, span);
    }
    if let Some(e) = loader.error() {
        return Err(invalid(e));
    }
    Ok((loader.into_documents(), plain))
}

/// The nesting of the tree being loaded, counted from its events. An alias is replaced by a
/// copy of its anchor's subtree, so it nests as deep as that subtree: each anchor's height is
/// kept, or `&a [[…]]` repeated through aliases would build a tree deeper than its events.
#[derive(Default)]
struct Depth {
    /// The open collections: (anchor id, the height of the tallest child closed so far).
    open: Vec<(usize, usize)>,
    /// Anchor id → the height of its node (0 for a scalar, 1 for `[1]`).
    heights: BTreeMap<usize, usize>,
    /// One past the highest anchor id seen (ids count up from 1 across documents).
    next_anchor: usize,
    /// The first anchor id of the current document.
    document_anchors: usize,
}

impl Depth {
    /// Records `event`, which starts at `at`; an error if the tree would nest deeper than
    /// [`MAX_NESTING`].
    fn check(&mut self, event: &Event<'_>, at: Marker) -> Result<(), ParseError> {
        let too_deep = || too_deep(to_u32(at.line()), to_u32(at.col() + 1));
        let height = match *event {
            Event::DocumentStart(_) => {
                self.document_anchors = self.next_anchor.max(1);
                return Ok(());
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.note(anchor);
                self.open.push((anchor, 0));
                if self.open.len() > MAX_NESTING {
                    return Err(too_deep());
                }
                return Ok(());
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((anchor, tallest)) = self.open.pop() else {
                    return Ok(());
                };
                let height = tallest + 1;
                if anchor > 0 {
                    self.heights.insert(anchor, height);
                }
                height
            }
            Event::Scalar(_, _, anchor, _) => {
                self.note(anchor);
                if anchor > 0 {
                    self.heights.insert(anchor, 0);
                }
                0
            }
            Event::Alias(anchor) => {
                // `load_from_str` forgets anchors at each document (saphyr-parser
                // `Parser::load`); iterating the events does not, so an alias to an earlier
                // document's anchor is the error it would have been.
                if anchor < self.document_anchors {
                    return Err(invalid(&ScanError::new_str(
                        at,
                        "while parsing node, found unknown anchor",
                    )));
                }
                let height = self.heights.get(&anchor).copied().unwrap_or(0);
                if self.open.len() + height > MAX_NESTING {
                    return Err(too_deep());
                }
                height
            }
            _ => return Ok(()),
        };
        if let Some((_, tallest)) = self.open.last_mut() {
            *tallest = (*tallest).max(height);
        }
        Ok(())
    }

    fn note(&mut self, anchor: usize) {
        if anchor > 0 {
            self.next_anchor = self.next_anchor.max(anchor + 1);
        }
    }
}

fn span(node: &MarkedYaml<'_>) -> Span {
    let (start, end) = (node.span.start, node.span.end);
    Span {
        line: to_u32(start.line()),
        column: to_u32(start.col() + 1),
        end_line: to_u32(end.line()),
        end_column: to_u32(end.col() + 1),
    }
}

fn scalar_text(scalar: &Scalar<'_>) -> Option<String> {
    Some(match scalar {
        Scalar::Null => return None,
        Scalar::Boolean(b) => b.to_string(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::FloatingPoint(f) => f.to_string(),
        Scalar::String(s) => s.to_string(),
    })
}

fn convert(node: &MarkedYaml<'_>, plain: &PlainNumbers) -> YamlNode {
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_text(scalar).map_or(YamlValue::Null, YamlValue::Scalar),
        YamlData::Representation(text, _, _) => YamlValue::Scalar(text.to_string()),
        YamlData::Sequence(items) => {
            YamlValue::Seq(items.iter().map(|i| convert(i, plain)).collect())
        }
        YamlData::Mapping(map) => {
            let mut entries = Vec::with_capacity(map.len());
            let mut merged = Vec::new();
            for (k, v) in map {
                let key = match &k.data {
                    YamlData::Value(s) => scalar_text(s),
                    YamlData::Representation(text, _, _) => Some(text.to_string()),
                    _ => None,
                };
                let Some(key) = key else { continue };
                let value = convert(v, plain);
                // saphyr does not keep a key's quoting, so `"<<"` merges too; a `<<` whose
                // value is no mapping (or list of them) is kept as an ordinary key.
                if key == MERGE_KEY && matches!(value.value, YamlValue::Map(_) | YamlValue::Seq(_))
                {
                    merged.push(value);
                } else {
                    entries.push((key, span(k), value));
                }
            }
            merge_keys(&mut entries, merged);
            YamlValue::Map(entries)
        }
        YamlData::Tagged(tag, inner) => {
            let mut node = convert(inner, plain);
            if !tag.is_yaml_core_schema() {
                node.tag = Some(format!("{}{}", tag.handle, tag.suffix));
            }
            return node;
        }
        YamlData::Alias(_) | YamlData::BadValue => YamlValue::Null,
    };
    let plain = match &node.data {
        YamlData::Value(_) => plain.get(&node.span.start.index()).cloned(),
        _ => None,
    };
    YamlNode {
        value,
        span: span(node),
        tag: None,
        plain,
    }
}

/// The YAML 1.1 merge key (<https://yaml.org/type/merge.html>), which compose files, GitLab CI
/// and pnpm (js-yaml) all apply: `<<: *defaults` or `<<: [*a, *b]`.
const MERGE_KEY: &str = "<<";

/// Applies merge keys: the mapping's own keys win, then the merged mappings in the order they
/// are listed (an earlier one wins over a later one). Merged entries keep their positions, in
/// the anchor they come from; they follow the mapping's own keys.
fn merge_keys(entries: &mut Vec<(String, Span, YamlNode)>, merged: Vec<YamlNode>) {
    for source in merged {
        let maps = match source.value {
            YamlValue::Map(m) => vec![m],
            YamlValue::Seq(items) => items
                .into_iter()
                .filter_map(|i| match i.value {
                    YamlValue::Map(m) => Some(m),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for map in maps {
            for (key, span, value) in map {
                if !entries.iter().any(|(k, _, _)| *k == key) {
                    entries.push((key, span, value));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_order() -> Result<(), Box<dyn std::error::Error>> {
        let node = parse("packages:\n  - 'apps/*'\n  - '!apps/legacy'\n")?;
        let packages = node.get("packages").ok_or("missing value")?;
        let items: Vec<_> = packages
            .items()
            .iter()
            .filter_map(YamlNode::as_str)
            .collect();
        assert_eq!(items, ["apps/*", "!apps/legacy"]);
        assert_eq!(packages.items()[1].span.line, 3);
        Ok(())
    }

    #[test]
    fn deep_nesting_is_an_error_with_its_position_on_a_small_stack() {
        use crate::parse::deep_nesting::{nested, on_small_stack};
        use crate::parse::{MAX_NESTING, too_deep};
        // Block sequences nest a level per two bytes; saphyr's own loader recursed on them
        // without limit. Complex keys nest mappings the same way. `a:` is the first level: the
        // 64th collection under it is one too many.
        let block = [
            (
                nested("a:\n  ", "- ", "1", "", "\n"),
                2,
                3 + 2 * (MAX_NESTING - 1),
            ),
            (nested("", "? ", "1", "", "\n"), 1, 1 + 2 * MAX_NESTING),
        ];
        for (text, line, column) in block {
            let result = on_small_stack(move || parse(&text).map(|_| ()));
            let column = u32::try_from(column).unwrap();
            assert_eq!(result, Err(too_deep(line, column)));
        }
        // Flow collections: saphyr's scanner reads ahead for a possible key and stops at 255
        // flow levels ("recursion limit exceeded") before the loader sees level 65.
        for (open, close) in [("[", "]"), ("{a: ", "}")] {
            let text = nested("a: ", open, "1", close, "\n");
            let result = on_small_stack(move || parse(&text).map(|_| ()));
            assert!(result.is_err());
        }
        let text = format!("a: {}1{}\n", "[".repeat(100), "]".repeat(100));
        let column = u32::try_from(4 + (MAX_NESTING - 1)).unwrap();
        assert_eq!(parse(&text).map(|_| ()), Err(too_deep(1, column)));
        // An alias is a copy of its anchor: anchors of 20 levels, each holding an alias of the
        // last, build a tree 100 levels deep from events that never open more than 21.
        let mut chain = format!("a0: &a0 {}1{}\n", "[".repeat(20), "]".repeat(20));
        for i in 1..6 {
            chain.push_str(&format!(
                "a{i}: &a{i} {}*a{}{}\n",
                "[".repeat(20),
                i - 1,
                "]".repeat(20)
            ));
        }
        let err = parse(&chain).unwrap_err();
        assert!(err.message.contains("levels deep"), "{err}");
        // Up to the limit, it parses.
        let text = format!(
            "a: {}1{}\n",
            "[".repeat(MAX_NESTING - 1),
            "]".repeat(MAX_NESTING - 1)
        );
        assert!(on_small_stack(move || parse(&text).is_ok()));
        let text = format!("a:\n  {}1\n", "- ".repeat(MAX_NESTING - 1));
        assert!(on_small_stack(move || parse(&text).is_ok()));
    }

    #[test]
    fn anchors_do_not_cross_documents_and_errors_are_saphyrs() {
        // As `load_from_str`: the second document cannot see the first one's anchor.
        let err = parse("a: &x 1\n---\nb: *x\n").unwrap_err();
        assert!(err.message.contains("unknown anchor"), "{err}");
        assert_eq!(err.at.map(|p| p.line), Some(3));
        // Within a document, aliases are copies.
        let node = parse("a: &x [1, 2]\nb: *x\n").unwrap();
        assert_eq!(node.get("b").map(|b| b.items().len()), Some(2));
        // A loader error (a duplicated key) and a later syntax error: the syntax error wins.
        let err = parse("a: 1\na: 2\nb: [\n").unwrap_err();
        assert!(!err.message.contains("duplicated"), "{err}");
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert!(err.message.contains("duplicated"), "{err}");
    }

    #[test]
    fn merge_keys_apply_and_own_keys_win() -> Result<(), Box<dyn std::error::Error>> {
        let text = "x-env: &env\n  A: '1'\n  B: '2'\nx-more: &more\n  B: '3'\n  C: '4'\napi:\n  <<: [*env, *more]\n  A: own\nweb:\n  <<: *env\n<<: literal\n";
        let node = parse(text)?;
        let api = node.get("api").ok_or("api")?;
        let keys: Vec<_> = api
            .entries()
            .iter()
            .map(|(k, _, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            keys,
            [("A", Some("own")), ("B", Some("2")), ("C", Some("4"))]
        );
        // A merged entry keeps the position of the anchor it comes from.
        assert_eq!(api.entries()[1].1.line, 3);
        assert_eq!(node.get("web").map(|w| w.entries().len()), Some(2));
        // A `<<` holding a scalar is an ordinary key.
        assert_eq!(node.get("<<").and_then(YamlNode::as_str), Some("literal"));
        Ok(())
    }

    #[test]
    fn local_tags_are_kept() -> Result<(), Box<dyn std::error::Error>> {
        let node = parse("ports: !reset []\nenv: !override\n  A: 1\nb: !!str 1\n")?;
        assert_eq!(
            node.get("ports").and_then(|p| p.tag.as_deref()),
            Some("!reset")
        );
        assert_eq!(
            node.get("env").and_then(|p| p.tag.as_deref()),
            Some("!override")
        );
        assert_eq!(node.get("env").map(|e| e.entries().len()), Some(1));
        assert_eq!(node.get("b").and_then(|p| p.tag.as_deref()), None);
        Ok(())
    }

    #[test]
    fn reports_errors_with_position() -> Result<(), Box<dyn std::error::Error>> {
        let err = parse("a: [1, 2\nb: c").unwrap_err();
        assert!(err.message.contains("line"), "{err}");
        assert!(err.at.is_some(), "{err:?}");
        assert_eq!(parse("")?.value, YamlValue::Null);
        Ok(())
    }

    #[test]
    fn positions_count_a_lone_carriage_return() -> Result<(), Box<dyn std::error::Error>> {
        // saphyr's scanner breaks lines at `\r`, `\n` and `\r\n` (YAML 1.2 `b-break`), as the
        // lockfile line reader and the report do.
        let node = parse("a: 1\rb: 2\r\nc: 3\n")?;
        let lines: Vec<u32> = node
            .entries()
            .iter()
            .map(|(_, span, _)| span.line)
            .collect();
        assert_eq!(lines, [1, 2, 3]);
        Ok(())
    }
}
