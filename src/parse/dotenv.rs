//! `.env` files, as Compose reads them (compose-go `dotenv`, after godotenv): `KEY=VALUE`
//! lines, an optional `export ` prefix, `#` comments (inline only after a space), values in
//! single quotes (literal), double quotes (escapes and interpolation, may span lines) or bare
//! (interpolated, trimmed). A bare `KEY` with no `=` takes the value from the shell.
//!
//! Never fails: a line it cannot read is skipped, as Compose's parser would stop at it with an
//! error; seaworthy keeps what it could read, since a variable it misses is only "unknown".

use crate::source::to_u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Quote {
    None,
    Single,
    Double,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DotVar {
    pub name: String,
    /// `None` for a bare `KEY`: the value is the shell's, if it has one.
    pub value: Option<String>,
    pub quote: Quote,
    /// 1-based line of the key.
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DotEnv {
    pub path: String,
    pub vars: Vec<DotVar>,
}

impl DotEnv {
    /// The last assignment of `name` (later lines win).
    pub fn get(&self, name: &str) -> Option<&DotVar> {
        self.vars.iter().rev().find(|v| v.name == name)
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

pub fn parse(path: &str, text: &str) -> DotEnv {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut vars = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line_no = to_u32(i + 1);
        let line = lines[i].trim_start();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some(split) = line.find(['=', ':']) else {
            let name = line.trim();
            if is_name(name) {
                vars.push(DotVar {
                    name: name.to_string(),
                    value: None,
                    quote: Quote::None,
                    line: line_no,
                });
            }
            continue;
        };
        let name = line[..split].trim();
        if !is_name(name) {
            continue;
        }
        let rest = line[split + 1..].trim_start();
        let (value, quote) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                // A quoted value runs to its closing quote, across lines if need be.
                let mut body = String::new();
                let mut chunk = &rest[1..];
                let mut closed = None;
                loop {
                    if let Some(end) = closing(chunk, q) {
                        body.push_str(&chunk[..end]);
                        closed = Some(());
                        break;
                    }
                    body.push_str(chunk);
                    if i >= lines.len() {
                        break;
                    }
                    body.push('\n');
                    chunk = lines[i];
                    i += 1;
                }
                if closed.is_none() {
                    // An unterminated quote: Compose stops with an error; the value is unknown.
                    continue;
                }
                if q == '"' {
                    (unescape(&body), Quote::Double)
                } else {
                    (body, Quote::Single)
                }
            }
            _ => {
                let value = match rest.find(" #").or_else(|| rest.find("\t#")) {
                    Some(c) => &rest[..c],
                    None if rest.starts_with('#') => "",
                    None => rest,
                };
                (value.trim().to_string(), Quote::None)
            }
        };
        vars.push(DotVar {
            name: name.to_string(),
            value: Some(value),
            quote,
            line: line_no,
        });
    }
    DotEnv {
        path: path.to_string(),
        vars,
    }
}

/// The byte offset of the closing quote in `s`, skipping `\"` in double-quoted text.
fn closing(s: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' && q == '"' {
            escaped = true;
        } else if c == q {
            return Some(i);
        }
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_compose_reads() {
        let text = "# comment\nexport A=1\nB = two words # note\nC='$LIT #x'\nD=\"line\\nnext\"\nE=\nF\nG=\"multi\nline\"\nH=a#b\n1bad line\nI: colon\nJ='unterminated\n";
        let env = parse(".env", text);
        let got: Vec<(&str, Option<&str>)> = env
            .vars
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("A", Some("1")),
                ("B", Some("two words")),
                ("C", Some("$LIT #x")),
                ("D", Some("line\nnext")),
                ("E", Some("")),
                ("F", None),
                ("G", Some("multi\nline")),
                ("H", Some("a#b")),
                ("I", Some("colon")),
            ]
        );
        assert_eq!(env.get("C").map(|v| v.quote), Some(Quote::Single));
        assert_eq!(env.get("G").map(|v| v.line), Some(8));
        assert!(parse(".env", "").vars.is_empty());
        assert!(parse(".env", "\u{feff}A=1").get("A").is_some());
    }
}
