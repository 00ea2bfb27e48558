//! Compose interpolation (compose-spec `interpolation.md`; compose-go `template`): `$VAR`,
//! `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?err}` /
//! `${VAR?err}` (mandatory), `${VAR:+alt}` / `${VAR+alt}` (replacement), defaults that nest
//! (`${A:-${B:-x}}`), and `$$` for a literal `$`.
//!
//! Variables come from the project's `.env` and from the shell. The shell is unknown to a
//! static audit and is never assumed to set anything, so a value that depends on it is kept as
//! "unknown" with what can still be said: whether it can come out empty.

/// How a variable is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `$VAR`, `${VAR}`.
    Plain,
    /// `${VAR:-d}` (`empty: true`) or `${VAR-d}`.
    Default { empty: bool },
    /// `${VAR:?err}` or `${VAR?err}`: Compose refuses to run without it.
    Required { empty: bool },
    /// `${VAR:+alt}` or `${VAR+alt}`.
    Alternative { empty: bool },
}

/// Where a variable's value came from when the value was worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The project's `.env`.
    DotEnv,
    /// Not in `.env`: the shell's, unknown.
    Shell,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarUse {
    pub name: String,
    pub op: Op,
    pub source: Source,
    /// Byte offset of the `$` in the raw text.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interpolated {
    /// The value, when the `.env` and the defaults decide it; `None` when it depends on the
    /// shell.
    pub text: Option<String>,
    /// Whether the value is non-empty however the shell is set (or Compose refuses to run).
    pub always_yields: bool,
    /// The value when the shell sets none of the variables (what `docker compose config`
    /// prints in a clean shell).
    pub assumed: String,
    pub uses: Vec<VarUse>,
    /// An invalid template (`${`, `${A B}`): Compose stops with "invalid interpolation format".
    pub invalid: bool,
}

impl Interpolated {
    pub fn literal(s: &str) -> Interpolated {
        Interpolated {
            text: Some(s.to_string()),
            always_yields: !s.is_empty(),
            assumed: s.to_string(),
            uses: Vec::new(),
            invalid: false,
        }
    }
}

/// A piece of a value: known text, or a part only the shell decides.
#[derive(Debug, Clone)]
enum Part {
    Known(String),
    /// `nonempty`: it is non-empty whatever the shell holds; `assumed`: its value when the
    /// shell sets nothing.
    Unknown {
        nonempty: bool,
        assumed: String,
    },
}

#[derive(Debug, Default, Clone)]
struct Value {
    parts: Vec<Part>,
    /// The length of [`Value::assumed`].
    len: usize,
}

impl Value {
    fn text(s: String) -> Value {
        Value {
            len: s.len(),
            parts: vec![Part::Known(s)],
        }
    }
    fn push_str(&mut self, s: &str) {
        self.len += s.len();
        if let Some(Part::Known(k)) = self.parts.last_mut() {
            k.push_str(s);
        } else {
            self.parts.push(Part::Known(s.to_string()));
        }
    }
    fn append(&mut self, other: Value) {
        for p in other.parts {
            match p {
                Part::Known(s) => self.push_str(&s),
                Part::Unknown { nonempty, assumed } => {
                    self.len += assumed.len();
                    self.parts.push(Part::Unknown { nonempty, assumed });
                }
            }
        }
    }
    fn known(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Known(s) => out.push_str(s),
                Part::Unknown { .. } => return None,
            }
        }
        Some(out)
    }
    fn nonempty(&self) -> bool {
        self.parts.iter().any(|p| match p {
            Part::Known(s) => !s.is_empty(),
            Part::Unknown { nonempty, .. } => *nonempty,
        })
    }
    fn assumed(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Known(s) | Part::Unknown { assumed: s, .. } => s.as_str(),
            })
            .collect()
    }
    fn unknown(nonempty: bool, assumed: String) -> Value {
        Value {
            len: assumed.len(),
            parts: vec![Part::Unknown { nonempty, assumed }],
        }
    }
    /// A value grown past `max` bytes: its first `max` bytes are kept as assumed, and the
    /// value is not known.
    fn capped(&self, max: usize) -> Value {
        let mut assumed = self.assumed();
        let mut end = max.min(assumed.len());
        while !assumed.is_char_boundary(end) {
            end -= 1;
        }
        assumed.truncate(end);
        Value::unknown(true, assumed)
    }
}

/// Nested templates deeper than this are invalid (a hostile `${A:-${A:-…}}` stays bounded).
const MAX_DEPTH: usize = 16;

/// Longest interpolated value (or the text as written, when longer): past it the value is
/// unknown, so `.env` lines `B=$A$A`, `C=$B$B`, … do not double at each step.
const MAX_VALUE: usize = 4 * 1024;

/// Interpolates `raw`. `lookup` gives a variable's value from `.env`, `None` when the
/// `.env` does not set it.
pub fn interpolate(raw: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Interpolated {
    if !raw.contains('$') {
        return Interpolated::literal(raw);
    }
    let mut cx = Cx {
        lookup,
        uses: Vec::new(),
        invalid: false,
        max: MAX_VALUE.max(raw.len()),
    };
    let value = cx.template(raw, 0, 0);
    Interpolated {
        text: value.known(),
        always_yields: value.nonempty(),
        assumed: value.assumed(),
        uses: cx.uses,
        invalid: cx.invalid,
    }
}

struct Cx<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    uses: Vec<VarUse>,
    invalid: bool,
    /// The longest value kept (see [`MAX_VALUE`]).
    max: usize,
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}
fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl Cx<'_> {
    /// `base` is the offset of `s` in the raw text.
    fn template(&mut self, s: &str, base: usize, depth: usize) -> Value {
        let bytes = s.as_bytes();
        let mut out = Value::default();
        let mut i = 0;
        let mut literal_start = 0;
        while i < bytes.len() {
            if bytes[i] != b'$' {
                i += 1;
                continue;
            }
            out.push_str(&s[literal_start..i]);
            let at = i;
            match bytes.get(i + 1) {
                Some(b'$') => {
                    out.push_str("$");
                    i += 2;
                }
                Some(b'{') => {
                    let Some(end) = matching_brace(bytes, i + 1) else {
                        self.invalid = true;
                        out.push_str(&s[i..]);
                        return out;
                    };
                    let inner = &s[i + 2..end];
                    let v = self.braced(inner, base + i + 2, base + at, depth);
                    out.append(v);
                    if out.len > self.max {
                        return out.capped(self.max);
                    }
                    i = end + 1;
                }
                Some(&c) if is_name_start(c) => {
                    let mut j = i + 1;
                    while j < bytes.len() && is_name_char(bytes[j]) {
                        j += 1;
                    }
                    let v = self.var(&s[i + 1..j], Op::Plain, base + at);
                    out.append(v);
                    if out.len > self.max {
                        return out.capped(self.max);
                    }
                    i = j;
                }
                // A lone `$` is kept as written.
                _ => {
                    out.push_str("$");
                    i += 1;
                }
            }
            literal_start = i;
        }
        out.push_str(&s[literal_start..]);
        out
    }

    fn var(&mut self, name: &str, op: Op, offset: usize) -> Value {
        let found = (self.lookup)(name);
        self.uses.push(VarUse {
            name: name.to_string(),
            op,
            source: if found.is_some() {
                Source::DotEnv
            } else {
                Source::Shell
            },
            offset,
        });
        match found {
            Some(v) => Value::text(v),
            None => Value::unknown(false, String::new()),
        }
    }

    fn braced(&mut self, inner: &str, base: usize, at: usize, depth: usize) -> Value {
        let bytes = inner.as_bytes();
        let mut n = 0;
        while n < bytes.len() && is_name_char(bytes[n]) {
            n += 1;
        }
        let name = &inner[..n];
        if name.is_empty() || !is_name_start(bytes[0]) || depth >= MAX_DEPTH {
            self.invalid = true;
            return Value::unknown(false, String::new());
        }
        let rest = &inner[n..];
        if rest.is_empty() {
            return self.var(name, Op::Plain, at);
        }
        let (empty, op_char, arg_at) = if let Some(r) = rest.strip_prefix(':') {
            (true, r.as_bytes().first().copied(), n + 2)
        } else {
            (false, rest.as_bytes().first().copied(), n + 1)
        };
        let arg = inner.get(arg_at..).unwrap_or("");
        let op = match op_char {
            Some(b'-') => Op::Default { empty },
            Some(b'?') => Op::Required { empty },
            Some(b'+') => Op::Alternative { empty },
            _ => {
                self.invalid = true;
                return Value::unknown(false, String::new());
            }
        };
        let found = (self.lookup)(name);
        self.uses.push(VarUse {
            name: name.to_string(),
            op,
            source: if found.is_some() {
                Source::DotEnv
            } else {
                Source::Shell
            },
            offset: at,
        });
        let arg_value = |cx: &mut Self| cx.template(arg, base + arg_at, depth + 1);
        match (op, found) {
            (Op::Default { empty }, Some(v)) => {
                if empty && v.is_empty() {
                    arg_value(self)
                } else {
                    Value::text(v)
                }
            }
            // Set in the shell or not: either the shell's value or the default. Whether it is
            // empty then depends on the default (a shell that sets `VAR=` on purpose is not
            // assumed).
            (Op::Default { .. }, None) => {
                let d = arg_value(self);
                Value::unknown(d.nonempty(), d.assumed())
            }
            (Op::Required { .. }, Some(v)) => Value::text(v),
            // Compose refuses to start without it: whatever runs has a value.
            (Op::Required { .. }, None) => Value::unknown(true, String::new()),
            (Op::Alternative { empty }, Some(v)) => {
                if empty && v.is_empty() {
                    Value::default()
                } else {
                    arg_value(self)
                }
            }
            (Op::Alternative { .. }, None) => {
                let _ = arg_value(self);
                Value::unknown(false, String::new())
            }
            (Op::Plain, _) => Value::unknown(false, String::new()),
        }
    }
}

/// The index of the `}` closing the `{` at `open`, counting nested `${`.
fn matching_brace(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "SET" => Some("v".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn run(raw: &str) -> (Option<String>, bool) {
        let i = interpolate(raw, &env);
        (i.text, i.always_yields)
    }

    #[test]
    fn every_form_of_the_spec() {
        let cases: &[(&str, Option<&str>, bool)] = &[
            ("plain", Some("plain"), true),
            ("", Some(""), false),
            ("$SET", Some("v"), true),
            ("${SET}", Some("v"), true),
            ("a-${SET}-b", Some("a-v-b"), true),
            ("$UNSET", None, false),
            ("${UNSET}", None, false),
            ("x${UNSET}", None, true),
            ("${UNSET:-d}", None, true),
            ("${UNSET-d}", None, true),
            ("${UNSET:-}", None, false),
            ("${EMPTY:-d}", Some("d"), true),
            ("${EMPTY-d}", Some(""), false),
            ("${SET:-d}", Some("v"), true),
            ("${UNSET:?need it}", None, true),
            ("${UNSET?need it}", None, true),
            ("${SET:?err}", Some("v"), true),
            ("${SET:+alt}", Some("alt"), true),
            ("${EMPTY:+alt}", Some(""), false),
            ("${EMPTY+alt}", Some("alt"), true),
            ("${UNSET:+alt}", None, false),
            ("${UNSET:-${SET}}", None, true),
            ("${EMPTY:-${SET:-x}}", Some("v"), true),
            ("${EMPTY:-${UNSET:-x}}", None, true),
            ("$$SET", Some("$SET"), true),
            ("$$", Some("$"), true),
            ("cost $5", Some("cost $5"), true),
        ];
        for (raw, text, yields) in cases {
            assert_eq!(run(raw), (text.map(str::to_string), *yields), "{raw}");
        }
    }

    #[test]
    fn records_uses_and_invalid_templates() {
        let i = interpolate("${A:-${B}} $C", &env);
        let names: Vec<(&str, Op, Source)> = i
            .uses
            .iter()
            .map(|u| (u.name.as_str(), u.op, u.source))
            .collect();
        assert_eq!(
            names,
            [
                ("A", Op::Default { empty: true }, Source::Shell),
                ("B", Op::Plain, Source::Shell),
                ("C", Op::Plain, Source::Shell),
            ]
        );
        assert_eq!(i.uses[2].offset, 11);
        for bad in ["${", "${A", "${A B}", "${1A}", "${}", "${A:x}"] {
            assert!(interpolate(bad, &env).invalid, "{bad}");
        }
        let deep = format!("{}x{}", "${A:-".repeat(40), "}".repeat(40));
        assert!(interpolate(&deep, &env).invalid);
    }

    #[test]
    fn doubling_values_stop_at_the_cap() {
        // `.env`: A=xxxxxxxx, B=$A$A, C=$B$B, …: each value twice the last.
        let mut value = "x".repeat(8);
        for _ in 0..40 {
            let v = value.clone();
            value = interpolate("$A$A", &|n| (n == "A").then(|| v.clone())).assumed;
            assert!(value.len() <= MAX_VALUE, "{}", value.len());
        }
        let i = interpolate("$A$A", &|_| Some("é".repeat(MAX_VALUE)));
        assert_eq!((i.text, i.always_yields), (None, true));
        assert_eq!(i.assumed.len(), MAX_VALUE);
        // A long text as written stays itself.
        let long = format!("{}${{SET}}", "z".repeat(2 * MAX_VALUE));
        assert_eq!(run(&long).0.map(|v| v.len()), Some(2 * MAX_VALUE + 1));
    }
}
