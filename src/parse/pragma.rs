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

/// Every suppression comment in `text`. Cheap on files without one (one substring search);
/// on a file with some, one pass over the lines finds them and one more (see [`Layout`])
/// works out what each covers, however many there are.
pub fn scan(path: &str, text: &str, syntax: Syntax) -> Vec<Pragma> {
    if !text.contains(WORD) {
        return Vec::new();
    }
    let lines: Vec<&str> = text.lines().collect();
    let pattern = match syntax {
        Syntax::Slash => &*SLASH,
        _ => &*HASH,
    };
    let layout = Layout::new(&lines, syntax);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.contains(WORD) {
            continue;
        }
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
        let number = one_based(i);
        let covers = if trailing {
            Some(match syntax {
                Syntax::Yaml => (number, one_based(layout.yaml_end[i])),
                _ => (number, number),
            })
        } else {
            layout.next_code(i + 1).map(|n| match syntax {
                Syntax::Dockerfile => (one_based(n), one_based(layout.instruction_end[n])),
                Syntax::Yaml => (one_based(n), one_based(layout.yaml_end[n])),
                _ => (one_based(n), one_based(n)),
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

fn one_based(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

/// What a suppression at any line would cover, worked out for every line at once (from the
/// end): each suppression scanning on from its own line was quadratic on a file of many.
struct Layout {
    /// The first line at or after each index that is neither blank nor a comment;
    /// `lines.len()` for none.
    next_code: Vec<usize>,
    /// Dockerfile: the last line of the instruction starting at each index, through its
    /// continuation lines (comment and blank lines inside do not end it).
    instruction_end: Vec<usize>,
    /// YAML: the last line of the key at each index and of everything nested under it
    /// (more indented lines).
    yaml_end: Vec<usize>,
}

impl Layout {
    fn new(lines: &[&str], syntax: Syntax) -> Layout {
        let n = lines.len();
        let is_code = |line: &str| {
            let t = line.trim();
            !t.is_empty()
                && match syntax {
                    Syntax::Slash => !t.starts_with("//"),
                    _ => !t.starts_with('#'),
                }
        };
        let mut next_code = vec![n; n + 1];
        for j in (0..n).rev() {
            next_code[j] = if is_code(lines[j]) {
                j
            } else {
                next_code[j + 1]
            };
        }
        let mut instruction_end = Vec::new();
        if syntax == Syntax::Dockerfile {
            instruction_end = (0..n).collect();
            for j in (0..n).rev() {
                let next = next_code[j + 1];
                if lines[j].trim_end().ends_with('\\') && next < n {
                    instruction_end[j] = instruction_end[next];
                }
            }
        }
        let mut yaml_end = Vec::new();
        if syntax == Syntax::Yaml {
            yaml_end = yaml_ends(lines, &is_code);
        }
        Layout {
            next_code,
            instruction_end,
            yaml_end,
        }
    }

    /// The index of the next line at or after `from` that is neither blank nor a comment.
    fn next_code(&self, from: usize) -> Option<usize> {
        let n = self.next_code.len() - 1;
        self.next_code.get(from).copied().filter(|&j| j < n)
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '-']).len()
}

/// [`Layout::yaml_end`]: a block ends before the first later code line indented no deeper
/// than its own line, found for every line with one stack of the code lines below (the
/// nearest ones not hidden by a nearer, shallower one; shallowest at the bottom).
fn yaml_ends(lines: &[&str], is_code: &dyn Fn(&str) -> bool) -> Vec<usize> {
    let n = lines.len();
    // The last code line at or before each index.
    let mut last_code: Vec<Option<usize>> = Vec::with_capacity(n);
    for (j, line) in lines.iter().enumerate() {
        let previous = j.checked_sub(1).and_then(|p| last_code[p]);
        last_code.push(if is_code(line) { Some(j) } else { previous });
    }
    let mut ends = vec![0; n];
    let mut below: Vec<(usize, usize)> = Vec::new();
    for j in (0..n).rev() {
        let own = indent(lines[j]);
        let code = is_code(lines[j]);
        if code {
            while below.last().is_some_and(|&(i, _)| i > own) {
                below.pop();
            }
        }
        let at = below.partition_point(|&(i, _)| i <= own);
        let stop = at.checked_sub(1).map_or(n, |k| below[k].1);
        ends[j] = match stop.checked_sub(1).and_then(|s| last_code[s]) {
            Some(end) if end > j => end,
            _ => j,
        };
        if code {
            below.push((own, j));
        }
    }
    ends
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
    fn many_suppressions_are_worked_out_in_one_pass() {
        // Each suppression scanned on to the line it covers: quadratic in their number.
        let n = 20_000;
        let stacked = format!("{}x();\n", "// seaworthy-ignore a: b\n".repeat(n));
        let all = scan("f", &stacked, Syntax::Slash);
        assert_eq!(all.len(), n);
        let last = one_based(n);
        assert!(all.iter().all(|p| p.covers == Some((last, last))));
        // Comments inside one long continued instruction, each covering the rest of it.
        let continued = format!(
            "RUN a \\\n{}  b\n",
            "# seaworthy-ignore c\n  x \\\n".repeat(n)
        );
        let all = scan("f", &continued, Syntax::Dockerfile);
        assert_eq!(all.len(), n);
        let end = one_based(2 * n + 1);
        assert_eq!(all[0].covers, Some((3, end)));
        assert_eq!(all[n - 1].covers, Some((end - 1, end)));
        // Keys nested ever deeper, each trailed by one: every block runs to the end.
        let depth = 2_000;
        let nested: String = (0..depth)
            .map(|d| format!("{}k{d}: # seaworthy-ignore y\n", " ".repeat(d)))
            .collect();
        let all = scan("f", &nested, Syntax::Yaml);
        assert_eq!(all.len(), depth);
        let end = one_based(depth - 1);
        assert!(all.iter().all(|p| p.covers.is_some_and(|(_, e)| e == end)));
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
