//! The compose tree after interpolation and merging: every node keeps the file and the
//! position it was written at, and every scalar keeps its text as written beside its
//! interpolated value.

use std::sync::Arc;

use super::interpolate::{Interpolated, interpolate};
use crate::parse::yaml::{YamlNode, YamlValue};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    /// As written in the file.
    pub raw: String,
    pub value: Interpolated,
}

impl Scalar {
    /// The interpolated text, with the shell assumed to set nothing (defaults applied).
    pub fn text(&self) -> &str {
        self.value.text.as_deref().unwrap_or(&self.value.assumed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    /// The compose file the node was written in.
    pub file: Arc<str>,
    /// `!reset` / `!override` on the node, until merging applies it.
    pub tag: Option<String>,
}

impl Node {
    pub fn null(file: &Arc<str>, span: Span) -> Node {
        Node {
            value: Value::Null,
            span,
            file: file.clone(),
            tag: None,
        }
    }

    /// Converts a parsed YAML tree, interpolating every scalar value (not keys: the spec
    /// interpolates values only) with `lookup`.
    pub fn from_yaml(
        node: &YamlNode,
        file: &Arc<str>,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Node {
        let value = match &node.value {
            YamlValue::Null => Value::Null,
            YamlValue::Scalar(s) => Value::Scalar(Scalar {
                raw: s.clone(),
                value: interpolate(s, lookup),
            }),
            YamlValue::Seq(items) => Value::Seq(
                items
                    .iter()
                    .map(|i| Node::from_yaml(i, file, lookup))
                    .collect(),
            ),
            YamlValue::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, span, v)| Entry {
                        key: k.clone(),
                        key_span: *span,
                        value: Node::from_yaml(v, file, lookup),
                    })
                    .collect(),
            ),
        };
        Node {
            value,
            span: node.span,
            file: file.clone(),
            tag: node.tag.clone(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn get_in(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The interpolated text, with the shell assumed to set nothing.
    pub fn text(&self) -> Option<&str> {
        self.scalar().map(Scalar::text)
    }

    /// The interpolated text, only when it is known.
    pub fn known(&self) -> Option<&str> {
        self.scalar().and_then(|s| s.value.text.as_deref())
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// A YAML boolean, by the texts compose-go accepts.
    pub fn is_true(&self) -> bool {
        self.known()
            .is_some_and(|t| matches!(t.to_ascii_lowercase().as_str(), "true" | "yes" | "on"))
    }

    /// Every scalar of the tree, depth first.
    pub fn scalars(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            match &n.value {
                Value::Scalar(_) => out.push(n),
                Value::Seq(items) => stack.extend(items.iter().rev()),
                Value::Map(entries) => stack.extend(entries.iter().rev().map(|e| &e.value)),
                Value::Null => {}
            }
        }
        out
    }
}

/// How two values of one key combine when a later file (or a service's own keys over what it
/// `extends`) sets it again (compose-spec `merge.md`).
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// Mappings merge key by key, sequences append (the default).
    Merge,
    /// The later value replaces the earlier (`command`, `entrypoint`, `healthcheck.test`, and
    /// every scalar).
    Replace,
    /// A sequence whose items are unique by a key: a later item with the same key replaces
    /// the earlier one (`ports`, `volumes`, `secrets`, `configs`).
    Unique(fn(&Node) -> Option<String>),
}

/// Merges `over` into `base` under the rule `rule_for(path)`.
pub fn merge(
    base: &mut Node,
    over: Node,
    path: &mut Vec<String>,
    rule_for: &dyn Fn(&[String]) -> Rule,
) {
    if over.tag.as_deref() == Some("!override") {
        *base = Node { tag: None, ..over };
        return;
    }
    match (&mut base.value, over.value) {
        (Value::Map(entries), Value::Map(more)) => {
            for e in more {
                if e.value.tag.as_deref() == Some("!reset") {
                    entries.retain(|x| x.key != e.key);
                    continue;
                }
                path.push(e.key.clone());
                match entries.iter_mut().find(|x| x.key == e.key) {
                    Some(existing) if !matches!(rule_for(path), Rule::Replace) => {
                        merge(&mut existing.value, e.value, path, rule_for);
                        existing.key_span = e.key_span;
                    }
                    Some(existing) => {
                        *existing = Entry {
                            value: strip_tags(e.value),
                            ..e
                        };
                    }
                    None => entries.push(Entry {
                        value: strip_tags(e.value),
                        ..e
                    }),
                }
                path.pop();
            }
        }
        (Value::Seq(items), Value::Seq(more)) => match rule_for(path) {
            Rule::Replace => *items = more,
            Rule::Unique(key) => {
                for item in more {
                    let k = key(&item);
                    match k.and_then(|k| items.iter().position(|x| key(x).as_deref() == Some(&k))) {
                        Some(i) => items[i] = item,
                        None => items.push(item),
                    }
                }
            }
            Rule::Merge => items.extend(more),
        },
        (_, value) => {
            base.value = value;
            base.span = over.span;
            base.file = over.file;
        }
    }
}

/// Drops merge tags from a value that is not merged into anything.
pub fn strip_tags(mut node: Node) -> Node {
    node.tag = None;
    if let Value::Map(entries) = &mut node.value {
        entries.retain(|e| e.value.tag.as_deref() != Some("!reset"));
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn node(text: &str, file: &str) -> Node {
        let file: Arc<str> = Arc::from(file);
        Node::from_yaml(&yaml::parse(text).unwrap(), &file, &|_| None)
    }

    fn rule(path: &[String]) -> Rule {
        match path.last().map(String::as_str) {
            Some("command") => Rule::Replace,
            Some("ports") => Rule::Unique(|n| n.text().map(str::to_string)),
            _ => Rule::Merge,
        }
    }

    #[test]
    fn merges_maps_appends_sequences_and_applies_tags() {
        let mut base = node(
            "a: 1\nm: {x: 1, y: 2}\nl: [1]\ncommand: [a, b]\nports: ['80:80']\ngone: 1\nr: [1]\n",
            "base.yml",
        );
        let over = node(
            "a: 2\nm: {y: 3}\nl: [2]\ncommand: [c]\nports: ['80:80', '81:81']\ngone: !reset null\nr: !override [9]\n",
            "over.yml",
        );
        merge(&mut base, over, &mut Vec::new(), &rule);
        let texts = |n: &Node| {
            n.items()
                .iter()
                .filter_map(Node::text)
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(base.get("a").and_then(Node::text), Some("2"));
        assert_eq!(&*base.get("a").unwrap().file, "over.yml");
        assert_eq!(base.get_in(&["m", "x"]).and_then(Node::text), Some("1"));
        assert_eq!(base.get_in(&["m", "y"]).and_then(Node::text), Some("3"));
        assert_eq!(texts(base.get("l").unwrap()), ["1", "2"]);
        assert_eq!(texts(base.get("command").unwrap()), ["c"]);
        assert_eq!(texts(base.get("ports").unwrap()), ["80:80", "81:81"]);
        assert!(base.get("gone").is_none());
        assert_eq!(texts(base.get("r").unwrap()), ["9"]);
    }
}
