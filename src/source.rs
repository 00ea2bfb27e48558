//! Positions in repository files: byte offsets turned into the 1-based line and column
//! (in Unicode scalar values) that every finding and error carries.

use serde::{Deserialize, Serialize};

/// A 1-based position range inside one file. `end_*` are inclusive of the last character's line
/// and exclusive of its column, like the LSP and SARIF conventions.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Span {
    /// A span that covers one point, used for whole-line or whole-file facts.
    pub fn point(line: u32, column: u32) -> Self {
        Span {
            line,
            column,
            end_line: line,
            end_column: column,
        }
    }
}

/// A value parsed from a file together with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

/// Maps byte offsets of one text to line/column. Built once per file, O(log lines) per lookup.
/// Lines end at `\n`, `\r\n` or a lone `\r` (see [`lines`]).
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(line_breaks(text.as_bytes()).map(|(_, next)| next));
        LineIndex { text, line_starts }
    }

    /// 1-based (line, column) of a byte offset; offsets past the end clamp to the end.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (to_u32(line + 1), to_u32(column + 1))
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.position(start);
        let (end_line, end_column) = self.position(end);
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// Every line terminator of `bytes`, as (its offset, the offset of the next line): `\n`,
/// `\r\n`, and a `\r` not followed by `\n` (files from classic Mac OS, and some generators).
/// Editors, the LSP and SARIF all break lines at the three, so a finding's line number is the
/// one the user's editor shows; counting `\n` alone put every line of a `\r`-only file on 1.
fn line_breaks(bytes: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let at = i + bytes
            .get(i..)?
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')?;
        let len = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        i = at + len;
        Some((at, i))
    })
}

/// The lines of `text` without their terminators, which are `\n`, `\r\n` and a lone `\r`
/// (as [`LineIndex`] counts them). Like `split('\n')`, a text ending in a terminator ends with
/// an empty line, so the `n`th item is line `n + 1` of every position in the text.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut breaks = line_breaks(text.as_bytes());
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        match breaks.next() {
            Some((at, next)) => {
                start = Some(next);
                text.get(from..at)
            }
            None => {
                start = None;
                text.get(from..)
            }
        }
    })
}

/// `text` quoted in a message, cut to its first `max` characters with `…` after a cut: a
/// command, a word or a value written by the repository, which may be long or a pasted token.
pub(crate) fn cut(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The text of 1-based line `line`, without its line terminator.
pub fn line_text(text: &str, line: u32) -> Option<&str> {
    let idx = usize::try_from(line).ok()?.checked_sub(1)?;
    lines(text).nth(idx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nçd\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        // 'd' follows a two-byte character: column 2, not 3.
        assert_eq!(idx.position(5), (2, 2));
        assert_eq!(idx.position(999), (3, 1));
        assert_eq!(line_text(text, 2), Some("çd"));
        assert_eq!(line_text(text, 0), None);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_as_newline_and_crlf_do() {
        // Old Mac line ends only: the third line is line 3, not line 1 (column 9).
        let text = "a: 1\rb: 2\rc: çd\r";
        let idx = LineIndex::new(text);
        let c = text.find('c').unwrap();
        assert_eq!(idx.position(c), (3, 1));
        assert_eq!(idx.position(text.find('d').unwrap()), (3, 5));
        assert_eq!(line_text(text, 3), Some("c: çd"));
        assert_eq!(line_text(text, 4), Some(""));
        assert_eq!(line_text(text, 5), None);
        // Mixed: `\r\n` is one break, and a `\r` or `\n` alone is one too.
        let text = "one\r\ntwo\rthree\nfour\r\n\r\nsix";
        let got: Vec<&str> = lines(text).collect();
        assert_eq!(got, ["one", "two", "three", "four", "", "six"]);
        let idx = LineIndex::new(text);
        for (n, line) in got.iter().enumerate().filter(|(_, l)| !l.is_empty()) {
            let offset = text.find(line).unwrap();
            assert_eq!(
                idx.position(offset),
                (u32::try_from(n + 1).unwrap(), 1),
                "{line}"
            );
            assert_eq!(line_text(text, u32::try_from(n + 1).unwrap()), Some(*line));
        }
        // The `\n` of a `\r\n` still belongs to the line it ends.
        assert_eq!(idx.position(4), (1, 5));
        assert_eq!(lines("").collect::<Vec<_>>(), [""]);
        assert_eq!(lines("a\n").collect::<Vec<_>>(), ["a", ""]);
    }
}
