//! Dockerfile variable expansion (BuildKit's `shell.Lex` for words): `$X`, `${X}`,
//! `${X:-word}`, `${X-word}`, `${X:+word}`, `${X+word}`, `${X:?msg}`, `${X?msg}`, and `\$`.
//! A variable whose value the build decides (a build argument with no default, `TARGETARCH`)
//! is unknown, and so is every word that uses it: no fact is taken from a guess.

/// What a variable holds at a point of the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Var {
    Set(String),
    /// Declared nowhere: expands to the empty string.
    Unset,
    /// Set by the build (a `--build-arg`, a platform argument): not known statically.
    Unknown,
}

/// How deep `${A:-${B:-…}}` may nest.
const MAX_DEPTH: usize = 8;

/// Longest expanded text (or the text as written, when longer): past it the word is unknown
/// (`ENV B=$A$A`, `ENV C=$B$B`, … would double at each step).
const MAX_VALUE: usize = 4 * 1024;

/// The expanded text, or `None` when it depends on an unknown variable or grows past
/// [`MAX_VALUE`].
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Var) -> Option<String> {
    expand_at(text, lookup, 0)
}

fn expand_at(text: &str, lookup: &dyn Fn(&str) -> Var, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    if !text.contains('$') {
        return Some(text.to_string());
    }
    let max = MAX_VALUE.max(text.len());
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('{') => {
                // Find the matching brace.
                let mut level = 0usize;
                let mut end = None;
                for (j, &ch) in chars.iter().enumerate().skip(i + 1) {
                    match ch {
                        '{' => level += 1,
                        '}' => {
                            level -= 1;
                            if level == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let end = end?;
                let inner: String = chars[i + 2..end].iter().collect();
                out.push_str(&braced(&inner, lookup, depth)?);
                if out.len() > max {
                    return None;
                }
                i = end + 1;
            }
            Some(&n) if n.is_ascii_alphabetic() || n == '_' => {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                let name: String = chars[i + 1..j].iter().collect();
                match lookup(&name) {
                    Var::Set(v) if out.len() + v.len() > max => return None,
                    Var::Set(v) => out.push_str(&v),
                    Var::Unset => {}
                    Var::Unknown => return None,
                }
                i = j;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    (out.len() <= max).then_some(out)
}

fn braced(inner: &str, lookup: &dyn Fn(&str) -> Var, depth: usize) -> Option<String> {
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at(name_len);
    let value = lookup(name);
    let (colon, op, word) = match rest.strip_prefix(':') {
        Some(r) => (true, r.chars().next(), r.get(1..).unwrap_or("")),
        None => (false, rest.chars().next(), rest.get(1..).unwrap_or("")),
    };
    let word = || expand_at(word, lookup, depth + 1);
    match (op, value) {
        (None, Var::Set(v)) => Some(v),
        (None, Var::Unset) => Some(String::new()),
        (_, Var::Unknown) => None,
        (Some('-'), Var::Set(v)) if !(colon && v.is_empty()) => Some(v),
        (Some('-'), _) => word(),
        (Some('+'), Var::Set(v)) if !(colon && v.is_empty()) => word(),
        (Some('+'), _) => Some(String::new()),
        (Some('?'), Var::Set(v)) if !(colon && v.is_empty()) => Some(v),
        // `${X:?msg}` fails the build when X is not set: nothing to expand to.
        (Some('?'), _) => None,
        // `${X#pattern}`, `${X%pattern}` and the like: not followed.
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Var {
        match name {
            "NODE" => Var::Set("20".into()),
            "EMPTY" => Var::Set(String::new()),
            "ARCH" => Var::Unknown,
            _ => Var::Unset,
        }
    }

    #[test]
    fn expands_defaults_alternatives_and_escapes() {
        let e = |t: &str| expand(t, &env);
        assert_eq!(e("node:${NODE}-slim").as_deref(), Some("node:20-slim"));
        assert_eq!(e("node:$NODE").as_deref(), Some("node:20"));
        assert_eq!(e("${PORT:-3333}").as_deref(), Some("3333"));
        assert_eq!(e("${EMPTY:-x}").as_deref(), Some("x"));
        assert_eq!(e("${EMPTY-x}").as_deref(), Some(""));
        assert_eq!(e("${NODE:+yes}").as_deref(), Some("yes"));
        assert_eq!(e("${NOPE:+yes}").as_deref(), Some(""));
        assert_eq!(e("${NOPE:-${NODE:-1}}").as_deref(), Some("20"));
        assert_eq!(e("\\$NODE").as_deref(), Some("$NODE"));
        assert_eq!(e("x-$ARCH"), None);
        assert_eq!(e("${NOPE:?required}"), None);
        assert_eq!(e("${unclosed"), None);
        assert_eq!(e("cost $5").as_deref(), Some("cost $5"));
    }

    #[test]
    fn doubling_values_stop_at_the_cap() {
        // ENV A=xxxxxxxx, ENV B=$A$A, ENV C=$B$B, …: each value twice the last.
        let mut value = Some("x".repeat(8));
        let mut steps = 0;
        while let Some(v) = value.clone() {
            let lookup = move |n: &str| match n {
                "A" => Var::Set(v.clone()),
                _ => Var::Unset,
            };
            value = expand("$A$A", &lookup);
            steps += 1;
            assert!(steps < 20, "the value kept growing");
        }
        assert_eq!(steps, 10);
        let big = |_: &str| Var::Set("y".repeat(MAX_VALUE));
        assert_eq!(expand("${A}", &big).map(|v| v.len()), Some(MAX_VALUE));
        assert_eq!(expand("${A}${A}", &big), None);
        assert_eq!(expand("${N:-${A}}z", &big), None);
        // A long text as written stays itself.
        let long = format!("{}$N", "z".repeat(2 * MAX_VALUE));
        assert_eq!(expand(&long, &env).map(|v| v.len()), Some(2 * MAX_VALUE));
    }
}
