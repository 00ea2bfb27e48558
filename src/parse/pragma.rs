//! Inline suppressions: `seaworthy-ignore RULE[, RULE…]: reason` in a comment.
//!
//! Collected by a line scan at load time, for every kind of file a finding can point into:
//! the YAML parser drops comments, and a line scan is the same for every syntax. What a
//! comment covers depends on the syntax:
//!
//! - TypeScript/JavaScript (`//`, `/* */`): the comment's own line when it trails code, else
//!   the next line that holds code.
//! - Dockerfile (`#` on its own line): the next instruction, continuation lines included.
//! - YAML (`#`): the next key (or the key the comment trails) and everything nested under it.
//! - `.env`, `.npmrc` (`#` on its own line): the next line that holds a value.

use std::sync::LazyLock;

use regex::Regex;

/// How a file writes comments and what a suppression above a line covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Syntax {
    Slash,
    Dockerfile,
    Yaml,
    Lines,
}

/// One `seaworthy-ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pragma {
    pub path: String,
    /// Where the comment is (1-based).
    pub line: u32,
    pub column: u32,
    /// Rule IDs as written, in order.
    pub rules: Vec<String>,
    /// The text after the colon; `None` when missing or blank.
    pub reason: Option<String>,
    /// The lines it covers, inclusive; `None` when it stands above nothing.
    pub covers: Option<(u32, u32)>,
}

impl Pragma {
    pub fn covers(&self, line: u32) -> bool {
        self.covers.is_some_and(|(a, b)| (a..=b).contains(&line))
    }
}

const WORD: &str = "seaworthy-ignore";

static SLASH: LazyLock<Regex> = LazyLock::new(|| {
    #[expect(clippy::unwrap_used, reason = "a constant pattern, compiled in tests")]
    Regex::new(r"(?://+|/\*+)[ \t]*seaworthy-ignore\b(.*)").unwrap()
});
static HASH: LazyLock<Regex> = LazyLock::new(|| {
    #[expect(clippy::unwrap_used, reason = "a constant pattern, compiled in tests")]
    Regex::new(r"#+[ \t]*seaworthy-ignore\b(.*)").unwrap()
});

/// Every suppression comment in `text`. Cheap on files without one (one substring search).
pub fn scan(path: &str, text: &str, syntax: Syntax) -> Vec<Pragma> {
    if !text.contains(WORD) {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let pattern = match syntax {
        Syntax::Slash => &*SLASH,
        _ => &*HASH,
    };
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(found) = pattern.captures(line) else {
            continue;
        };
        let (Some(whole), Some(rest)) = (found.get(0), found.get(1)) else {
            continue;
        };
        let before = &line[..whole.start()];
        let trailing = !before.trim().is_empty();
        // Only `#` at the start of a line is a comment in a Dockerfile or an env file.
        if trailing && matches!(syntax, Syntax::Dockerfile | Syntax::Lines) {
            continue;
        }
        let mut rest = rest.as_str();
        if syntax == Syntax::Slash
            && let Some(end) = rest.find("*/")
        {
            rest = &rest[..end];
        }
        let (ids, reason) = match rest.split_once(':') {
            Some((ids, reason)) => (ids, Some(reason.trim())),
            None => (rest, None),
        };
        let rules: Vec<String> = ids
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let covers = if trailing {
            Some(match syntax {
                Syntax::Yaml => yaml_block(&lines, i),
                _ => (number, number),
            })
        } else {
            next_code(&lines, i + 1, syntax).map(|n| match syntax {
                Syntax::Dockerfile => instruction(&lines, n),
                Syntax::Yaml => yaml_block(&lines, n),
                _ => {
                    let n = u32::try_from(n + 1).unwrap_or(u32::MAX);
                    (n, n)
                }
            })
        };
        out.push(Pragma {
            path: path.to_string(),
            line: number,
            column: u32::try_from(before.chars().count() + 1).unwrap_or(1),
            rules,
            reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
            covers,
        });
    }
    out
}

/// The index of the next line at or after `from` that is neither blank nor a comment.
fn next_code(lines: &[&str], from: usize, syntax: Syntax) -> Option<usize> {
    (from..lines.len()).find(|&j| {
        let t = lines[j].trim();
        !t.is_empty()
            && match syntax {
                Syntax::Slash => !t.starts_with("//"),
                _ => !t.starts_with('#'),
            }
    })
}

fn one_based(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

/// A Dockerfile instruction starting at index `start`, through its continuation lines.
fn instruction(lines: &[&str], start: usize) -> (u32, u32) {
    let mut end = start;
    // Comment and blank lines inside a continued instruction do not end it.
    while lines[end].trim_end().ends_with('\\') {
        let Some(next) = (end + 1..lines.len()).find(|&j| {
            let t = lines[j].trim();
            !t.is_empty() && !t.starts_with('#')
        }) else {
            break;
        };
        end = next;
    }
    (one_based(start), one_based(end))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '-']).len()
}

/// A YAML key at index `start` and everything nested under it (more indented lines).
fn yaml_block(lines: &[&str], start: usize) -> (u32, u32) {
    let own = indent(lines[start]);
    let mut end = start;
    for (j, line) in lines.iter().enumerate().skip(start + 1) {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if indent(line) <= own {
            break;
        }
        end = j;
    }
    (one_based(start), one_based(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, syntax: Syntax) -> Pragma {
        let mut all = scan("f", text, syntax);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    #[test]
    fn typescript_comments_cover_their_line_or_the_next_code_line() {
        let p = one(
            "import a from 'a';\n// seaworthy-ignore deps/undeclared: vendored\n\n// more\nimport b from 'b';\n",
            Syntax::Slash,
        );
        assert_eq!(p.rules, ["deps/undeclared"]);
        assert_eq!(p.reason.as_deref(), Some("vendored"));
        assert_eq!((p.line, p.column), (2, 1));
        assert_eq!(p.covers, Some((5, 5)));
        let p = one(
            "import b from 'b'; /* seaworthy-ignore deps/undeclared, deps/unused: x */\n",
            Syntax::Slash,
        );
        assert_eq!(p.rules, ["deps/undeclared", "deps/unused"]);
        assert_eq!(p.reason.as_deref(), Some("x"));
        assert_eq!(p.covers, Some((1, 1)));
        let p = one("// seaworthy-ignore deps/undeclared\nx();\n", Syntax::Slash);
        assert_eq!(p.reason, None, "no colon, no reason");
        let p = one(
            "// seaworthy-ignore deps/undeclared:   \nx();\n",
            Syntax::Slash,
        );
        assert_eq!(p.reason, None, "a blank reason is none");
        let p = one(
            "x();\n// seaworthy-ignore deps/undeclared: at the end\n",
            Syntax::Slash,
        );
        assert_eq!(p.covers, None);
    }

    #[test]
    fn dockerfile_comments_cover_the_next_instruction() {
        let p = one(
            "FROM node:22\n# seaworthy-ignore docker/runs-as-root: the entrypoint drops privileges\nRUN apt-get update && \\\n    apt-get install -y curl\nCMD [\"node\"]\n",
            Syntax::Dockerfile,
        );
        assert_eq!(p.covers, Some((3, 4)));
        assert!(
            scan(
                "f",
                "RUN echo # seaworthy-ignore x: y\n",
                Syntax::Dockerfile
            )
            .is_empty(),
            "`#` inside an instruction is not a comment"
        );
    }

    #[test]
    fn yaml_comments_cover_the_key_and_what_is_nested_under_it() {
        let text = "services:\n  # seaworthy-ignore compose/hardcoded-secret: a local test database\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: postgres\n  api:\n    image: api\n";
        let p = one(text, Syntax::Yaml);
        assert_eq!(p.covers, Some((3, 6)));
        let trailing = one(
            "x:\n  POSTGRES_PASSWORD: postgres # seaworthy-ignore compose/hardcoded-secret: local\n  B: 1\n",
            Syntax::Yaml,
        );
        assert_eq!(trailing.covers, Some((2, 2)));
    }

    #[test]
    fn text_without_the_word_is_not_scanned() {
        assert!(scan("f", "// eslint-disable\n", Syntax::Slash).is_empty());
        assert!(
            scan("f", "const s = 'seaworthy-ignore';\n", Syntax::Slash).is_empty(),
            "not in a comment"
        );
    }
}
