//! `.dockerignore` files, read and matched by Docker's own rules (moby/patternmatcher and its
//! `ignorefile` reader), which are not gitignore's:
//!
//! - a line is trimmed; `#` starts a comment line; `!` makes an exception;
//! - the pattern is cleaned like Go's `filepath.Clean` and a leading `/` is dropped, so every
//!   pattern is anchored at the context root (`node_modules` does not match
//!   `apps/api/node_modules`; `**/node_modules` does);
//! - `*` and `?` do not cross `/`, `**` matches any number of directories, `[…]` is a class,
//!   `\` escapes;
//! - a path is excluded when a pattern matches it or one of its parent directories, and the
//!   last pattern that decides wins.

use regex::Regex;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Pattern {
    /// The cleaned pattern, without `!`.
    pub text: String,
    pub exception: bool,
    pub line: u32,
    #[serde(with = "regex_source")]
    regex: Option<Regex>,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DockerIgnore {
    pub path: String,
    pub patterns: Vec<Pattern>,
}

/// A compiled pattern is stored as its source and compiled again when read back.
mod regex_source {
    use regex::Regex;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(regex: &Option<Regex>, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&regex.as_ref().map(Regex::as_str), s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Regex>, D::Error> {
        let source: Option<String> = Deserialize::deserialize(d)?;
        Ok(source.and_then(|s| super::compile(&s)))
    }
}

/// A pattern's regex, compiled once per process: a monorepo's `.dockerignore` files repeat the
/// same patterns (`node_modules`, `**/dist`), and compiling them again for every file was a
/// twentieth of a warm scan with 100 of them. A `Regex` clone shares the compiled program.
fn compile(source: &str) -> Option<Regex> {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    /// Past this many distinct patterns, new ones are compiled without being kept.
    const MAX_KEPT: usize = 20_000;
    static COMPILED: LazyLock<Mutex<HashMap<String, Option<Regex>>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    if let Ok(compiled) = COMPILED.lock()
        && let Some(regex) = compiled.get(source)
    {
        return regex.clone();
    }
    let regex = Regex::new(source).ok();
    if let Ok(mut compiled) = COMPILED.lock()
        && compiled.len() < MAX_KEPT
    {
        compiled.insert(source.to_string(), regex.clone());
    }
    regex
}

/// The most patterns read from one file; the rest are ignored.
const MAX_PATTERNS: usize = 10_000;

pub fn parse(path: &str, text: &str) -> DockerIgnore {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut patterns = Vec::new();
    for (i, line) in crate::source::lines(text).enumerate().take(MAX_PATTERNS) {
        if line.starts_with('#') {
            continue;
        }
        let mut pattern = line.trim();
        if pattern.is_empty() {
            continue;
        }
        let exception = pattern.starts_with('!');
        if exception {
            pattern = pattern[1..].trim();
        }
        if pattern.is_empty() {
            continue;
        }
        let mut cleaned = crate::paths::clean(pattern);
        if cleaned.len() > 1 && cleaned.starts_with('/') {
            cleaned.remove(0);
        }
        let regex = compile(&to_regex(&cleaned));
        patterns.push(Pattern {
            text: cleaned,
            exception,
            line: crate::source::to_u32(i + 1),
            regex,
        });
    }
    DockerIgnore {
        path: path.to_string(),
        patterns,
    }
}

impl DockerIgnore {
    /// The pattern that excludes `path` (relative to the context root), if it is excluded.
    pub fn excluded_by(&self, path: &str) -> Option<&Pattern> {
        // Most paths asked about are clean already: no copy for them (this runs for every
        // package under every `COPY .`).
        let path: std::borrow::Cow<'_, str> = if crate::paths::is_clean(path) {
            path.into()
        } else {
            crate::paths::clean(path).into()
        };
        let path = path.as_ref();
        let parents = || path.match_indices('/').map(|(i, _)| &path[..i]);
        let mut decided: Option<&Pattern> = None;
        for pattern in &self.patterns {
            let excluded = decided.is_some();
            // An exception only matters for an excluded path, an exclusion for one that is not.
            if pattern.exception != excluded {
                continue;
            }
            let matches = |p: &str| pattern.regex.as_ref().is_some_and(|r| r.is_match(p));
            if matches(path) || parents().any(matches) {
                decided = if pattern.exception {
                    None
                } else {
                    Some(pattern)
                };
            }
        }
        decided
    }

    /// Whether a pattern (not an exception) names this exact entry or a glob over it, for
    /// "does the file exclude node_modules" questions.
    pub fn excludes(&self, path: &str) -> bool {
        self.excluded_by(path).is_some()
    }
}

/// moby/patternmatcher `Pattern.compile`.
fn to_regex(pattern: &str) -> String {
    let mut out = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 1;
                if chars.get(i + 1) == Some(&'/') {
                    i += 1;
                }
                if i + 1 >= chars.len() {
                    out.push_str(".*");
                } else {
                    out.push_str("(.*/)?");
                }
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '\\' => {
                if let Some(&next) = chars.get(i + 1) {
                    out.push_str(&regex::escape(&next.to_string()));
                    i += 1;
                }
            }
            '[' => {
                // A class, copied through; an unclosed one is literal.
                match chars[i..].iter().position(|&x| x == ']') {
                    Some(end) if end > 1 => {
                        let class: String = chars[i + 1..i + end].iter().collect();
                        let class = match class.strip_prefix('!') {
                            Some(rest) => format!("^{rest}"),
                            None => class,
                        };
                        out.push('[');
                        out.push_str(&class.replace('\\', "\\\\").replace('[', "\\["));
                        out.push(']');
                        i += end;
                    }
                    _ => out.push_str("\\["),
                }
            }
            c => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    out.push('$');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> DockerIgnore {
        parse(".dockerignore", text)
    }

    #[test]
    fn patterns_are_anchored_at_the_root_unlike_gitignore() {
        let di = ignore("node_modules\n/dist\n# comment\n  .env  \n");
        assert!(di.excludes("node_modules"));
        assert!(di.excludes("node_modules/ms/index.js"));
        assert!(!di.excludes("apps/api/node_modules/ms/index.js"));
        assert!(di.excludes("dist/main.js"));
        assert!(!di.excludes("apps/api/dist/main.js"));
        assert!(di.excludes(".env"));
        assert!(!di.excludes("comment"));
    }

    #[test]
    fn double_star_crosses_directories_and_star_does_not() {
        let di = ignore("**/node_modules\n*.md\napps/*/dist\n**/*.log\n");
        assert!(di.excludes("apps/api/node_modules/x"));
        assert!(di.excludes("node_modules"));
        assert!(di.excludes("README.md"));
        assert!(!di.excludes("docs/README.md"));
        assert!(di.excludes("apps/api/dist/main.js"));
        assert!(!di.excludes("apps/api/src/dist/main.js"));
        assert!(di.excludes("a/b/c.log"));
        assert!(di.excludes("c.log"));
    }

    #[test]
    fn the_last_deciding_pattern_wins_and_exceptions_reinclude() {
        let di = ignore("*\n!package.json\n!apps\napps/**/test\n");
        assert!(di.excludes("README.md"));
        assert!(!di.excludes("package.json"));
        assert!(!di.excludes("apps/api/src/main.ts"));
        assert!(di.excludes("apps/api/test/x.ts"));
        let pattern = di.excluded_by("README.md").map(|p| p.line);
        assert_eq!(pattern, Some(1));
        // An exception for a file below an excluded directory: Docker re-includes it.
        let di = ignore("docs\n!docs/keep.md\n");
        assert!(!di.excludes("docs/keep.md"));
        assert!(di.excludes("docs/other.md"));
    }

    #[test]
    fn classes_escapes_and_cleaning() {
        let di = ignore("[!a]x\nfoo\\*\n./build/../out\n[unclosed\n");
        assert!(di.excludes("bx"));
        assert!(!di.excludes("ax"));
        assert!(di.excludes("foo*"));
        assert!(!di.excludes("food"));
        assert!(di.excludes("out/x"));
        assert!(!di.excludes("build/x"));
        assert!(di.excludes("[unclosed"));
    }
}
