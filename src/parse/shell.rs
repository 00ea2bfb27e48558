//! POSIX shell text split into simple commands, as far as a static reader can: `&&`, `||`,
//! `;`, `&`, pipes, newlines, subshells and braces separate commands; quotes group words and
//! are removed; leading `NAME=value` words are the command's environment; redirections are
//! kept apart (their targets are files the command writes or reads); `sh -c '…'` is read
//! inside. Compound-command keywords (`if`, `then`, `do`, …) are dropped so the command they
//! guard is seen. Variables stay as written (`$PNPM_HOME`): the caller knows which are set.
//!
//! Used for Dockerfile `RUN`, `CMD`/`ENTRYPOINT` and healthcheck text, and for package.json
//! scripts. Rules ask questions of these commands, never of raw text.

/// How deep `sh -c "sh -c '…'"` is followed.
const MAX_DEPTH: usize = 4;

/// Longest script read; the rest is ignored (a Dockerfile RUN is rarely over a few KiB).
const MAX_SCRIPT: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Command {
    /// Leading `NAME=value` assignments (and those after `env`).
    pub env: Vec<(String, String)>,
    /// The program and its arguments, unquoted.
    pub words: Vec<String>,
    /// Files written by `>`/`>>` redirections.
    pub writes: Vec<String>,
    /// Runs only when the previous command failed (`a || b`).
    pub after_or: bool,
}

impl Command {
    /// The program, without its directory (`/usr/bin/npm` → `npm`).
    pub fn program(&self) -> &str {
        self.words
            .first()
            .map_or("", |w| w.rsplit('/').next().unwrap_or(w))
    }

    pub fn args(&self) -> &[String] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// Whether an argument is exactly `flag` or `flag=…`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.args()
            .iter()
            .any(|a| a == flag || a.strip_prefix(flag).is_some_and(|r| r.starts_with('=')))
    }

    /// The value of `--flag value` or `--flag=value` (the first one).
    pub fn flag_value<'a>(&'a self, names: &'a [&'a str]) -> Option<&'a str> {
        self.flag_values(names).next()
    }

    /// Every value of `--flag value` / `--flag=value` for any of `names`.
    pub fn flag_values<'a>(&'a self, names: &'a [&'a str]) -> impl Iterator<Item = &'a str> + 'a {
        let args = self.args();
        args.iter().enumerate().filter_map(move |(i, a)| {
            names.iter().find_map(|n| {
                if a == n {
                    args.get(i + 1).map(String::as_str)
                } else {
                    a.strip_prefix(n)?.strip_prefix('=')
                }
            })
        })
    }
}

/// Quotes a word for a shell, if it needs quoting.
pub fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,$".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Whether a script's last command execs the script's own arguments (`exec "$@"`), as the
/// entrypoint scripts of images do to run their CMD.
pub fn execs_arguments(script: &str) -> bool {
    let had_exec = script
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.starts_with("exec "));
    had_exec
        && commands(script)
            .last()
            .is_some_and(|c| c.words == ["$@"] && c.env.is_empty())
}

/// The simple commands of a script, in order.
pub fn commands(script: &str) -> Vec<Command> {
    let mut out = Vec::new();
    split(cut(script), 0, &mut out);
    out
}

fn cut(script: &str) -> &str {
    if script.len() <= MAX_SCRIPT {
        return script;
    }
    let mut end = MAX_SCRIPT;
    while !script.is_char_boundary(end) {
        end -= 1;
    }
    &script[..end]
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    /// `&&`, `;`, `&`, `|`, newline, `(`, `)`: ends a command.
    Break,
    Or,
    Redirect {
        write: bool,
    },
}

fn tokens(script: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = script.chars().peekable();
    let mut word = String::new();
    let mut in_word = false;
    let flush = |word: &mut String, in_word: &mut bool, out: &mut Vec<Token>| {
        if *in_word {
            out.push(Token::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(&n) = chars.peek() {
                                if matches!(n, '"' | '\\' | '$' | '`') {
                                    word.push(n);
                                    chars.next();
                                } else if n == '\n' {
                                    chars.next();
                                } else {
                                    word.push('\\');
                                }
                            }
                        }
                        _ => word.push(q),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(n) => {
                    in_word = true;
                    word.push(n);
                }
            },
            '$' if chars.peek() == Some(&'(') => {
                // `$(…)`: kept in the word, balanced.
                in_word = true;
                word.push('$');
                let mut depth = 0usize;
                for q in chars.by_ref() {
                    word.push(q);
                    match q {
                        '(' => depth += 1,
                        ')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            '`' => {
                in_word = true;
                word.push('`');
                for q in chars.by_ref() {
                    word.push(q);
                    if q == '`' {
                        break;
                    }
                }
            }
            '#' if !in_word => {
                for q in chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
                out.push(Token::Break);
            }
            '&' | ';' | '\n' | '(' | ')' => {
                flush(&mut word, &mut in_word, &mut out);
                if c == '&' && chars.peek() == Some(&'>') {
                    chars.next();
                    if chars.peek() == Some(&'>') {
                        chars.next();
                    }
                    out.push(Token::Redirect { write: true });
                    continue;
                }
                if c == '&' && chars.peek() == Some(&'&') || c == ';' && chars.peek() == Some(&';')
                {
                    chars.next();
                }
                out.push(Token::Break);
            }
            '|' => {
                flush(&mut word, &mut in_word, &mut out);
                if chars.peek() == Some(&'|') {
                    chars.next();
                    out.push(Token::Or);
                } else {
                    out.push(Token::Break);
                }
            }
            '>' | '<' => {
                // `2>`, `1>>`: the digits were a file descriptor, not a word.
                if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                }
                flush(&mut word, &mut in_word, &mut out);
                let write = c == '>';
                if chars.peek() == Some(&'>') || chars.peek() == Some(&'<') {
                    chars.next();
                }
                if chars.peek() == Some(&'&') {
                    // `>&2`, `2>&1`: a descriptor copy, no file.
                    chars.next();
                    while chars
                        .peek()
                        .is_some_and(|d| d.is_ascii_digit() || *d == '-')
                    {
                        chars.next();
                    }
                    continue;
                }
                out.push(Token::Redirect { write });
            }
            c if c.is_whitespace() => flush(&mut word, &mut in_word, &mut out),
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    flush(&mut word, &mut in_word, &mut out);
    out
}

/// Words that open or close compound commands; the command after them is what runs.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time",
    "esac",
];

fn split(script: &str, depth: usize, out: &mut Vec<Command>) {
    let mut current = Command::default();
    let mut next_after_or = false;
    let mut pending_redirect: Option<bool> = None;
    let finish = |current: &mut Command, next_after_or: &mut bool, out: &mut Vec<Command>| {
        let mut command = std::mem::take(current);
        command.after_or = std::mem::take(next_after_or);
        push(command, depth, out);
    };
    for token in tokens(script) {
        match token {
            Token::Word(w) => {
                if let Some(write) = pending_redirect.take() {
                    if write {
                        current.writes.push(w);
                    }
                    continue;
                }
                current.words.push(w);
            }
            Token::Redirect { write } => pending_redirect = Some(write),
            Token::Break => {
                pending_redirect = None;
                finish(&mut current, &mut next_after_or, out);
            }
            Token::Or => {
                pending_redirect = None;
                finish(&mut current, &mut next_after_or, out);
                next_after_or = true;
            }
        }
    }
    finish(&mut current, &mut next_after_or, out);
}

/// Normalises one command (keywords, assignments, `env`, `sudo`) and reads `sh -c` inside.
fn push(mut command: Command, depth: usize, out: &mut Vec<Command>) {
    // The words before the program, dropped at once at the end (one pass, however many).
    let mut start = 0;
    while let Some(first) = command.words.get(start) {
        if KEYWORDS.contains(&first.as_str()) {
            start += 1;
            continue;
        }
        // `for x in …` and `case … in` are not commands that install anything.
        if matches!(first.as_str(), "for" | "case" | "select" | "function") {
            return;
        }
        if let Some((name, value)) = assignment(first) {
            command.env.push((name, value));
            start += 1;
            continue;
        }
        let program = first.rsplit('/').next().unwrap_or(first);
        let wrapper = matches!(program, "env" | "sudo" | "exec" | "nohup" | "command");
        if wrapper && command.words.len() > start + 1 {
            start += 1;
            while command.words.get(start).is_some_and(|w| w.starts_with('-')) {
                start += 1;
            }
            continue;
        }
        break;
    }
    command.words.drain(..start);
    if command.words.is_empty() {
        return;
    }
    if depth < MAX_DEPTH {
        let program = command.program();
        if matches!(program, "sh" | "bash" | "ash" | "dash" | "zsh") {
            let script = command
                .words
                .iter()
                .position(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('c'))
                .and_then(|i| command.words.get(i + 1));
            if let Some(script) = script {
                let mut inner = Vec::new();
                split(script, depth + 1, &mut inner);
                if let Some(first) = inner.first_mut() {
                    first.after_or |= command.after_or;
                }
                for c in &mut inner {
                    let mut env = command.env.clone();
                    env.append(&mut c.env);
                    c.env = env;
                }
                out.extend(inner);
                return;
            }
        }
    }
    out.push(command);
}

fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| (name.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Vec<Vec<String>> {
        commands(script).into_iter().map(|c| c.words).collect()
    }

    #[test]
    fn splits_at_operators_and_removes_quotes() {
        assert_eq!(
            words(
                "apt-get update && apt-get install -y \"python3\" make g++ ; rm -rf /var/lib/apt/lists/*"
            ),
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "python3", "make", "g++"],
                vec!["rm", "-rf", "/var/lib/apt/lists/*"],
            ]
        );
        assert_eq!(
            words("(cd apps/api && npm ci) | tee log"),
            vec![
                vec!["cd", "apps/api"],
                vec!["npm", "ci"],
                vec!["tee", "log"]
            ]
        );
    }

    #[test]
    fn assignments_env_and_or_are_kept_apart() {
        let cs = commands("NODE_ENV=production npm ci || env CI=1 npm install");
        assert_eq!(cs[0].env, [("NODE_ENV".into(), "production".into())]);
        assert_eq!(cs[0].words, ["npm", "ci"]);
        assert!(!cs[0].after_or);
        assert!(cs[1].after_or);
        assert_eq!(cs[1].env, [("CI".into(), "1".into())]);
        assert_eq!(cs[1].words, ["npm", "install"]);
    }

    #[test]
    fn redirections_are_files_not_words() {
        let cs = commands(
            "echo '{\"name\": \"web\"}' > web/package.json 2>&1 && cat < in.txt 2>/dev/null",
        );
        assert_eq!(cs[0].words, ["echo", "{\"name\": \"web\"}"]);
        assert_eq!(cs[0].writes, ["web/package.json"]);
        assert_eq!(cs[1].words, ["cat"]);
        assert_eq!(cs[1].writes, ["/dev/null"]);
    }

    #[test]
    fn sh_c_keywords_and_comments() {
        assert_eq!(
            words("sh -c 'corepack enable && pnpm i' # install\nif [ -f x ]; then yarn build; fi"),
            vec![
                vec!["corepack", "enable"],
                vec!["pnpm", "i"],
                vec!["[", "-f", "x", "]"],
                vec!["yarn", "build"],
            ]
        );
        assert_eq!(
            words("sudo -E npm i -g pnpm@9"),
            vec![vec!["npm", "i", "-g", "pnpm@9"]]
        );
        let c = &commands("pnpm --filter=@acme/api... --filter web build")[0];
        assert_eq!(
            c.flag_values(&["--filter", "-F"]).collect::<Vec<_>>(),
            ["@acme/api...", "web"]
        );
        assert!(c.has_flag("--filter"));
    }

    #[test]
    fn an_entrypoint_that_execs_its_arguments() {
        assert!(execs_arguments(
            "#!/bin/sh\nset -e\nnpx prisma migrate deploy\nexec \"$@\"\n"
        ));
        assert!(!execs_arguments("#!/bin/sh\nexec node dist/main.js\n"));
        assert!(!execs_arguments("#!/bin/sh\n\"$@\"\n"));
        assert!(!execs_arguments("exec \"$@\"\necho after\n"));
    }

    #[test]
    fn hostile_scripts_end() {
        let deep = "sh -c '".repeat(50);
        assert!(commands(&deep).len() <= 1);
        let _ = commands(&"$(".repeat(10_000));
        let _ = commands(&"\"".repeat(10_001));
        // Wrappers and keywords before the program are dropped in one pass.
        let wrapped = format!("{}npm ci", "env A=1 sudo -E if exec ".repeat(10_000));
        let cs = commands(&wrapped);
        assert_eq!(cs[0].words, ["npm", "ci"]);
        assert_eq!(cs[0].env.len(), 10_000);
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("dist/main.js"), "dist/main.js");
    }
}
