//! YAML via `saphyr` (maintained, YAML 1.2, keeps positions), turned into a small owned tree so
//! that no parser type leaks into the model.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use super::ParseError;
use crate::source::{Span, to_u32};

#[derive(Debug, Clone, PartialEq)]
pub enum YamlValue {
    Null,
    /// Every scalar as its text: `1`, `true` and `"1"` all become strings; callers decide.
    Scalar(String),
    Seq(Vec<YamlNode>),
    /// Keys in file order; non-scalar keys are dropped.
    Map(Vec<(String, Span, YamlNode)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct YamlNode {
    pub value: YamlValue,
    pub span: Span,
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
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        let m = e.marker();
        let line = u32::try_from(m.line()).unwrap_or(u32::MAX);
        let column = u32::try_from(m.col() + 1).unwrap_or(u32::MAX);
        ParseError::new(format!(
            "invalid YAML at line {line}, column {column}: {}",
            e.info()
        ))
        .at(line, column)
    })?;
    Ok(docs.first().map_or(
        YamlNode {
            value: YamlValue::Null,
            span: Span::point(1, 1),
        },
        convert,
    ))
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

fn convert(node: &MarkedYaml<'_>) -> YamlNode {
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_text(scalar).map_or(YamlValue::Null, YamlValue::Scalar),
        YamlData::Representation(text, _, _) => YamlValue::Scalar(text.to_string()),
        YamlData::Sequence(items) => YamlValue::Seq(items.iter().map(convert).collect()),
        YamlData::Mapping(map) => YamlValue::Map(
            map.iter()
                .filter_map(|(k, v)| {
                    let key = match &k.data {
                        YamlData::Value(s) => scalar_text(s)?,
                        YamlData::Representation(text, _, _) => text.to_string(),
                        _ => return None,
                    };
                    Some((key, span(k), convert(v)))
                })
                .collect(),
        ),
        YamlData::Tagged(_, inner) => return convert(inner),
        YamlData::Alias(_) | YamlData::BadValue => YamlValue::Null,
    };
    YamlNode {
        value,
        span: span(node),
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
    fn reports_errors_with_position() -> Result<(), Box<dyn std::error::Error>> {
        let err = parse("a: [1, 2\nb: c").unwrap_err();
        assert!(err.message.contains("line"), "{err}");
        assert!(err.at.is_some(), "{err:?}");
        assert_eq!(parse("")?.value, YamlValue::Null);
        Ok(())
    }
}
