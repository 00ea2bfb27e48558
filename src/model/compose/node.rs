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
            YamlValue::Scalar(s) => match node.plain.as_deref().and_then(go_yaml_number) {
                // Compose reads its files with go-yaml v3, not as YAML 1.2 does.
                Some(number) => Value::Scalar(Scalar {
                    raw: node.plain.clone().unwrap_or_default(),
                    value: Interpolated::literal(&number),
                }),
                None => Value::Scalar(Scalar {
                    raw: s.clone(),
                    value: interpolate(s, lookup),
                }),
            },
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

/// A plain scalar that go-yaml v3 (which Compose reads its files with) reads as a number, as
/// the string Compose then makes of it (`fmt.Sprint`): go-yaml drops underscores and hands
/// the text to Go's `strconv.ParseInt(s, 0, 64)`, so `010` is the octal 8 (kept "for
/// compatibility" with YAML 1.1, go-yaml `resolve.go`), `0b101` is 5 and `1_000` is 1000, where
/// YAML 1.2 reads 10, a string and a string; a float is printed the way Go prints it (`1.0` is
/// `1`, `1e6` is `1e+06`). `None` for a string, and for what YAML 1.2 reads the same.
fn go_yaml_number(plain: &str) -> Option<String> {
    let s: String = plain.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&s) {
        return Some(i.to_string());
    }
    let float = {
        let body = s.strip_prefix(['+', '-']).unwrap_or(&s);
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        let mantissa_ok = digits(int)
            && digits(frac)
            && (!int.is_empty() || (!frac.is_empty() && mantissa.starts_with('.')));
        let exponent_ok = exponent.is_none_or(|e| {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && digits(e)
        });
        mantissa_ok && exponent_ok
    };
    if !float {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    Some(go_float(f))
}

/// `strconv.ParseInt(s, 0, 64)`: a sign, then `0x`, `0o`, `0b`, a leading `0` (octal) or
/// decimal digits.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i64::from_str_radix(digits, radix).ok()?;
    Some(if negative { -v } else { v })
}

/// `fmt.Sprint(f)` for a float64: the shortest digits that read back, in Go's `%g` layout
/// (strconv `formatDigits`: exponent form when the exponent is below -4 or at least 6).
fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let e = format!("{:e}", f.abs());
    let (mantissa, exponent) = e.split_once('e').unwrap_or((&e, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exponent) {
        let rest = if digits.len() > 1 {
            format!(".{}", &digits[1..])
        } else {
            String::new()
        };
        let esign = if exponent < 0 { '-' } else { '+' };
        return format!(
            "{sign}{}{rest}e{esign}{:02}",
            &digits[..1],
            exponent.unsigned_abs()
        );
    }
    let point = usize::try_from(exponent + 1).unwrap_or(0);
    if exponent < 0 {
        let zeros = "0".repeat(usize::try_from(-exponent - 1).unwrap_or(0));
        format!("{sign}0.{zeros}{digits}")
    } else if digits.len() <= point {
        format!("{sign}{digits}{}", "0".repeat(point - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..point], &digits[point..])
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
    fn plain_numbers_are_read_as_go_yaml_reads_them() {
        let n = node(
            "octal: 022\nhex: 0x1F\nnew_octal: 0o17\nbinary: 0b101\nunderscores: 1_000\nfloat: 1.0\nexp: 1e6\nsmall: 0.0001\ntiny: 1.5e-7\nplain: 3000\nquoted: '022'\nversion: 1.2.3\nneg: -010\nratio: .5\n",
            "compose.yaml",
        );
        let text = |k: &str| n.get(k).and_then(Node::text).map(str::to_string);
        for (key, want) in [
            ("octal", "18"),
            ("hex", "31"),
            ("new_octal", "15"),
            ("binary", "5"),
            ("underscores", "1000"),
            ("float", "1"),
            ("exp", "1e+06"),
            ("small", "0.0001"),
            ("tiny", "1.5e-07"),
            ("plain", "3000"),
            ("quoted", "022"),
            ("version", "1.2.3"),
            ("neg", "-8"),
            ("ratio", "0.5"),
        ] {
            assert_eq!(text(key).as_deref(), Some(want), "{key}");
        }
        assert_eq!(n.get("octal").and_then(Node::scalar).unwrap().raw, "022");
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
