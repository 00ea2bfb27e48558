//! Typed instructions: each keyword's arguments split into flags, words and forms the way
//! BuildKit's frontend splits them (moby/buildkit `frontend/dockerfile/instructions/parse.go`
//! and `parser/line_parsers.go`). Words keep their offsets into the instruction's joined
//! arguments, so every finding can point at the column it is about. Variables are not
//! expanded here: which ones are set depends on the stage, and that is the model's business.

use super::Instruction;

/// One word of an instruction: its text with quotes removed, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Word {
    pub text: String,
    /// Byte offset into `Instruction::args`, and the length written (quotes included).
    pub offset: usize,
    pub len: usize,
}

/// A `--name=value` (or bare `--name`) flag.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub offset: usize,
    pub len: usize,
}

/// `CMD`, `ENTRYPOINT`, `RUN` and `HEALTHCHECK CMD` come in two forms.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CommandForm {
    /// `["node", "dist/main.js"]`: run directly, no shell.
    Exec(Vec<String>),
    /// `node dist/main.js`: run through the stage's shell (`/bin/sh -c`).
    Shell(String),
}

impl CommandForm {
    pub fn is_shell(&self) -> bool {
        matches!(self, CommandForm::Shell(_))
    }
}

/// An image reference as `FROM` writes it, after variable expansion.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ImageRef {
    /// `ghcr.io`, `gcr.io`, `localhost:5000`; `None` for Docker Hub.
    pub registry: Option<String>,
    /// The repository path without the registry: `node`, `library/node`,
    /// `distroless/nodejs20-debian12`.
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    /// Splits `[registry/]name[:tag][@digest]` as the distribution reference grammar does: the
    /// first component is a registry when it holds a `.` or a `:`, or is `localhost`.
    pub fn parse(reference: &str) -> Option<ImageRef> {
        let reference = reference.trim();
        if reference.is_empty() || reference.contains(char::is_whitespace) {
            return None;
        }
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (reference, None),
        };
        let (registry, path) = match rest.split_once('/') {
            Some((first, path))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first.to_ascii_lowercase()), path)
            }
            _ => (None, rest),
        };
        let last_slash = path.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match path[last_slash..].rfind(':') {
            Some(colon) => {
                let at = last_slash + colon;
                (&path[..at], Some(path[at + 1..].to_string()))
            }
            None => (path, None),
        };
        if name.is_empty() {
            return None;
        }
        Some(ImageRef {
            registry,
            name: name.to_ascii_lowercase(),
            tag,
            digest,
        })
    }

    /// The name without Docker Hub's implicit `library/` namespace.
    pub fn short_name(&self) -> &str {
        if self.registry.is_none() || self.registry.as_deref() == Some("docker.io") {
            self.name.strip_prefix("library/").unwrap_or(&self.name)
        } else {
            &self.name
        }
    }

    /// `registry/name`, the way a table of known images names it.
    pub fn repository(&self) -> String {
        match self.registry.as_deref() {
            None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io") => {
                self.short_name().to_string()
            }
            Some(r) => format!("{r}/{}", self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct From {
    pub platform: Option<String>,
    /// The image or stage, as written (variables unexpanded).
    pub image: Word,
    /// `AS name`, as written.
    pub alias: Option<Word>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Copy {
    /// `ADD` rather than `COPY`.
    pub add: bool,
    pub flags: Vec<Flag>,
    /// `--from=stage|image|context`.
    pub from: Option<Word>,
    /// `--chown=user[:group]`.
    pub chown: Option<Word>,
    pub chmod: Option<String>,
    pub link: bool,
    pub parents: bool,
    pub exclude: Vec<String>,
    /// Sources as written; a heredoc source (`<<EOF`) is written inline and comes from no
    /// context.
    pub sources: Vec<Word>,
    pub dest: Word,
}

impl Copy {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }
}

/// One `--mount=type=…,key=value,…` of a `RUN`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mount {
    /// `bind` (the default), `cache`, `tmpfs`, `secret`, `ssh`.
    pub kind: String,
    /// Every `key=value` as written (`target`, `source`, `from`, `id`, `sharing`, …).
    pub options: Vec<(String, String)>,
    pub offset: usize,
}

impl Mount {
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Where it is mounted: `target`, `dst` or `destination`.
    pub fn target(&self) -> Option<&str> {
        self.option("target")
            .or_else(|| self.option("dst"))
            .or_else(|| self.option("destination"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Run {
    pub flags: Vec<Flag>,
    pub mounts: Vec<Mount>,
    pub form: CommandForm,
    /// Offset into `args` where the command starts (after the flags).
    pub command_offset: usize,
    /// The shell text the stage's shell runs: the shell form's text, with a heredoc body in
    /// place of a heredoc that is the command itself (`RUN <<EOF`) or a shell's input
    /// (`RUN bash <<EOF`).
    pub script: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pair {
    pub key: String,
    pub value: String,
    pub offset: usize,
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArgDecl {
    pub name: String,
    pub default: Option<String>,
    pub offset: usize,
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Healthcheck {
    pub options: Vec<Flag>,
    pub cmd: CommandForm,
    pub cmd_offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Op {
    From(From),
    Copy(Copy),
    Run(Run),
    Env(Vec<Pair>),
    Arg(Vec<ArgDecl>),
    User(Word),
    Workdir(Word),
    Expose(Vec<Word>),
    /// `None` for `HEALTHCHECK NONE`.
    Healthcheck(Option<Healthcheck>),
    Cmd(CommandForm),
    Entrypoint(CommandForm),
    Shell(Vec<String>),
    /// `ONBUILD X …`: a trigger for images built from this one; nothing runs here.
    Onbuild(String),
    /// `LABEL`, `VOLUME`, `STOPSIGNAL`, `MAINTAINER`: nothing the checks read.
    Other,
    /// Not understood (or not a known instruction); reported, and skipped.
    Unknown,
}

/// Types one instruction; an error message says what could not be understood.
pub(super) fn typed(instruction: &Instruction) -> Result<Op, String> {
    let args = instruction.args.as_str();
    Ok(match instruction.keyword.as_str() {
        "FROM" => Op::From(from(args)?),
        "COPY" | "ADD" => Op::Copy(copy(instruction, instruction.keyword == "ADD")?),
        "RUN" => Op::Run(run(instruction)?),
        "ENV" => Op::Env(env(args)?),
        "ARG" => Op::Arg(arg(args)?),
        "USER" => Op::User(single(args)?),
        "WORKDIR" => Op::Workdir(single(args)?),
        "EXPOSE" => Op::Expose(words(args, 0, false)),
        "HEALTHCHECK" => Op::Healthcheck(healthcheck(args)?),
        "CMD" => Op::Cmd(command_form(args)),
        "ENTRYPOINT" => Op::Entrypoint(command_form(args)),
        "SHELL" => match json_array(args) {
            Some(shell) if !shell.is_empty() => Op::Shell(shell),
            _ => return Err("SHELL requires the arguments to be in JSON form".into()),
        },
        "ONBUILD" => {
            let inner = args
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            if matches!(inner.as_str(), "ONBUILD" | "FROM" | "MAINTAINER") {
                return Err(format!("ONBUILD cannot trigger {inner}"));
            }
            Op::Onbuild(inner)
        }
        _ => Op::Other,
    })
}

/// Splits at whitespace. With `quotes`, `"…"` and `'…'` group and are removed, and the escape
/// character escapes the next one (outside single quotes), as BuildKit's word parser does for
/// `ENV`, `ARG` and flags; without, words are taken as written.
fn words(args: &str, base: usize, quotes: bool) -> Vec<Word> {
    let mut out = Vec::new();
    let mut chars = args.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut text = String::new();
        let mut end = start;
        let mut quote: Option<char> = None;
        while let Some(&(i, c)) = chars.peek() {
            if quote.is_none() && c.is_whitespace() {
                break;
            }
            chars.next();
            end = i + c.len_utf8();
            if !quotes {
                text.push(c);
                continue;
            }
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (q, '\\') if q != Some('\'') => {
                    if let Some(&(j, next)) = chars.peek() {
                        chars.next();
                        end = j + next.len_utf8();
                        text.push(next);
                    }
                }
                (_, c) => text.push(c),
            }
        }
        out.push(Word {
            text,
            offset: base + start,
            len: end - start,
        });
    }
    out
}

/// Leading `--name[=value]` words, and the offset where the rest begins.
fn flags(args: &str) -> (Vec<Flag>, usize) {
    let mut out = Vec::new();
    let mut rest_at = 0;
    for word in words(args, 0, true) {
        let Some(body) = word.text.strip_prefix("--") else {
            rest_at = word.offset;
            return (out, rest_at);
        };
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n.to_ascii_lowercase(), Some(v.to_string())),
            None => (body.to_ascii_lowercase(), None),
        };
        out.push(Flag {
            name,
            value,
            offset: word.offset,
            len: word.len,
        });
        rest_at = word.offset + word.len;
    }
    (out, args.len().max(rest_at))
}

fn single(args: &str) -> Result<Word, String> {
    let ws = words(args, 0, true);
    match ws.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err("requires an argument".into()),
        // `WORKDIR /my app` is one path to BuildKit; keep it as written.
        _ => Ok(Word {
            text: args.trim().to_string(),
            offset: 0,
            len: args.trim_end().len(),
        }),
    }
}

fn from(args: &str) -> Result<From, String> {
    let (flags, at) = flags(args);
    let rest = words(&args[at..], at, false);
    let platform = flags
        .iter()
        .find(|f| f.name == "platform")
        .and_then(|f| f.value.clone());
    match rest.as_slice() {
        [image] => Ok(From {
            platform,
            image: image.clone(),
            alias: None,
        }),
        [image, kw, alias] if kw.text.eq_ignore_ascii_case("as") => Ok(From {
            platform,
            image: image.clone(),
            alias: Some(alias.clone()),
        }),
        _ => Err("expected `FROM [--platform=…] image [AS name]`".into()),
    }
}

fn copy(instruction: &Instruction, add: bool) -> Result<Copy, String> {
    let args = instruction.args.as_str();
    let (flags, at) = flags(args);
    let rest = &args[at..];
    let mut list: Vec<Word> = match json_array(rest) {
        Some(items) => items
            .into_iter()
            .map(|text| Word {
                len: rest.trim_end().len(),
                offset: at,
                text,
            })
            .collect(),
        None => words(rest, at, false),
    };
    if list.len() < 2 {
        // `COPY <<EOF /dest` has one source word besides the destination; a lone word is an
        // error in BuildKit too ("requires at least two arguments").
        return Err(format!(
            "{} requires at least two arguments, a source and a destination",
            if add { "ADD" } else { "COPY" }
        ));
    }
    let dest = list.pop().unwrap_or_default();
    let flag = |name: &str| flags.iter().find(|f| f.name == name);
    let word_flag = |name: &str| {
        flag(name).and_then(|f| {
            f.value.as_ref().map(|v| Word {
                text: v.clone(),
                offset: f.offset + name.len() + 3,
                len: v.len(),
            })
        })
    };
    let bool_flag =
        |name: &str| flag(name).is_some_and(|f| f.value.as_deref().is_none_or(|v| v != "false"));
    Ok(Copy {
        add,
        from: word_flag("from"),
        chown: word_flag("chown"),
        chmod: flag("chmod").and_then(|f| f.value.clone()),
        link: bool_flag("link"),
        parents: bool_flag("parents"),
        exclude: flags
            .iter()
            .filter(|f| f.name == "exclude")
            .filter_map(|f| f.value.clone())
            .collect(),
        flags,
        sources: list,
        dest,
    })
}

fn run(instruction: &Instruction) -> Result<Run, String> {
    let args = instruction.args.as_str();
    let (flags, at) = flags(args);
    let mut mounts = Vec::new();
    for flag in flags.iter().filter(|f| f.name == "mount") {
        let Some(value) = &flag.value else {
            return Err("--mount needs a value".into());
        };
        let mut kind = "bind".to_string();
        let mut options = Vec::new();
        for field in value.split(',').filter(|f| !f.is_empty()) {
            let (key, val) = field.split_once('=').unwrap_or((field, "true"));
            let key = key.trim().to_ascii_lowercase();
            if key == "type" {
                kind = val.trim().to_ascii_lowercase();
            } else {
                options.push((key, val.trim().to_string()));
            }
        }
        mounts.push(Mount {
            kind,
            options,
            offset: flag.offset,
        });
    }
    let rest = &args[at..];
    let form = match json_array(rest) {
        Some(exec) => CommandForm::Exec(exec),
        None => CommandForm::Shell(rest.to_string()),
    };
    let script = match &form {
        CommandForm::Exec(words) => exec_script(words),
        CommandForm::Shell(text) => with_heredocs(text, instruction),
    };
    Ok(Run {
        flags,
        mounts,
        form,
        command_offset: at,
        script,
    })
}

/// `["sh", "-c", "npm ci"]` runs a script too; other exec forms are one command.
fn exec_script(words: &[String]) -> String {
    match words {
        [shell, flag, script, ..]
            if flag == "-c" && matches!(shell_name(shell), "sh" | "bash" | "ash" | "dash") =>
        {
            script.clone()
        }
        _ => words
            .iter()
            .map(|w| crate::parse::shell::quote(w))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn shell_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The script a shell-form RUN runs: a heredoc that is the whole command (`RUN <<EOF`) or the
/// input of a shell (`RUN bash <<EOF`, `RUN set -e; sh <<EOF`) contributes its body; the
/// `<<EOF` words themselves are removed. A heredoc fed to another program (`python3 <<EOF`)
/// is that program's input, not shell.
fn with_heredocs(text: &str, instruction: &Instruction) -> String {
    if instruction.heredocs.is_empty() {
        return text.to_string();
    }
    let mut script = String::new();
    let mut bodies = Vec::new();
    for (i, segment) in text.split("<<").enumerate() {
        if i == 0 {
            script.push_str(segment);
            continue;
        }
        let rest = segment
            .trim_start_matches('-')
            .trim_start_matches(['"', '\'']);
        let delimiter_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let after = rest[delimiter_len..].trim_start_matches(['"', '\'']);
        let before = script.trim_end();
        let program = before
            .rsplit(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
            .next()
            .unwrap_or("");
        let feeds_shell = before.is_empty()
            || before.ends_with("&&")
            || before.ends_with(';')
            || matches!(shell_name(program), "sh" | "bash" | "ash" | "dash");
        if let Some(heredoc) = instruction.heredocs.get(i - 1)
            && feeds_shell
        {
            bodies.push(heredoc.body.clone());
        }
        script.push_str(after);
    }
    for body in bodies {
        script.push('\n');
        script.push_str(&body);
    }
    script
}

/// `["a", "b"]`, as BuildKit reads a JSON form: an array of strings, else not JSON form.
fn json_array(args: &str) -> Option<Vec<String>> {
    let trimmed = args.trim();
    if !trimmed.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(trimmed).ok()
}

fn command_form(args: &str) -> CommandForm {
    match json_array(args) {
        Some(exec) => CommandForm::Exec(exec),
        None => CommandForm::Shell(args.to_string()),
    }
}

fn env(args: &str) -> Result<Vec<Pair>, String> {
    let ws = words(args, 0, true);
    let Some(first) = ws.first() else {
        return Err("requires at least one argument".into());
    };
    if !first.text.contains('=') {
        // The legacy form `ENV KEY value with spaces`.
        let value_at = ws.get(1).map_or(args.len(), |w| w.offset);
        let value = args[value_at..].trim();
        if value.is_empty() {
            return Err("ENV names a variable without a value".into());
        }
        let unquoted: Vec<String> = words(value, 0, true).into_iter().map(|w| w.text).collect();
        return Ok(vec![Pair {
            key: first.text.clone(),
            value: unquoted.join(" "),
            offset: first.offset,
            len: args.trim_end().len() - first.offset,
        }]);
    }
    ws.into_iter()
        .map(|w| match w.text.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok(Pair {
                key: k.to_string(),
                value: v.to_string(),
                offset: w.offset,
                len: w.len,
            }),
            _ => Err(format!("`{}` is not KEY=value", cut(&w.text))),
        })
        .collect()
}

fn arg(args: &str) -> Result<Vec<ArgDecl>, String> {
    words(args, 0, true)
        .into_iter()
        .map(|w| {
            let (name, default) = match w.text.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (w.text.clone(), None),
            };
            if name.is_empty() {
                return Err(format!("`{}` is not NAME[=default]", cut(&w.text)));
            }
            Ok(ArgDecl {
                name,
                default,
                offset: w.offset,
                len: w.len,
            })
        })
        .collect()
}

fn healthcheck(args: &str) -> Result<Option<Healthcheck>, String> {
    let (options, at) = flags(args);
    let rest = &args[at..];
    let keyword_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let keyword = rest[..keyword_len].to_ascii_uppercase();
    match keyword.as_str() {
        "NONE" => Ok(None),
        "CMD" => {
            let cmd = rest[keyword_len..].trim_start();
            if cmd.is_empty() {
                return Err("HEALTHCHECK CMD needs a command".into());
            }
            Ok(Some(Healthcheck {
                options,
                cmd: command_form(cmd),
                cmd_offset: at + (rest.len() - cmd.len()),
            }))
        }
        _ => Err("expected `HEALTHCHECK [OPTIONS] CMD command` or `HEALTHCHECK NONE`".into()),
    }
}

fn cut(text: &str) -> String {
    crate::source::cut(text, 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::dockerfile::parse;

    fn ops(text: &str) -> Vec<Op> {
        match parse("Dockerfile", text) {
            Ok(df) => df.instructions.into_iter().map(|i| i.op).collect(),
            Err(e) => panic!("{text:?} did not parse: {e:?}"),
        }
    }

    #[test]
    fn image_references_split_into_their_parts() {
        let r = |s: &str| ImageRef::parse(s).unwrap_or_default();
        assert_eq!(r("node:20-slim").tag.as_deref(), Some("20-slim"));
        assert_eq!(r("node").tag, None);
        assert_eq!(r("library/node:20").short_name(), "node");
        let distroless = r("gcr.io/distroless/nodejs20-debian12:nonroot");
        assert_eq!(distroless.registry.as_deref(), Some("gcr.io"));
        assert_eq!(distroless.name, "distroless/nodejs20-debian12");
        assert_eq!(distroless.tag.as_deref(), Some("nonroot"));
        let local = r("localhost:5000/acme/api@sha256:abc");
        assert_eq!(local.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(local.tag, None);
        assert_eq!(local.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(r("node:20@sha256:abc").tag.as_deref(), Some("20"));
        assert!(ImageRef::parse("").is_none());
    }

    #[test]
    fn from_copy_and_run_flags_are_typed() {
        let ops = ops(concat!(
            "FROM --platform=$BUILDPLATFORM node:20-alpine AS Build\n",
            "COPY --from=build --chown=node:node --link --exclude=*.md src/ lib/ /app/\n",
            "RUN --mount=type=cache,id=pnpm,target=/pnpm/store --mount=type=cache,id=turbo,target=/app/.turbo pnpm install --frozen-lockfile\n",
            "ADD [\"a b.txt\", \"/app/\"]\n",
        ));
        let Op::From(from) = &ops[0] else {
            panic!("{:?}", ops[0])
        };
        assert_eq!(from.platform.as_deref(), Some("$BUILDPLATFORM"));
        assert_eq!(from.image.text, "node:20-alpine");
        assert_eq!(from.alias.as_ref().map(|a| a.text.as_str()), Some("Build"));
        let Op::Copy(copy) = &ops[1] else {
            panic!("{:?}", ops[1])
        };
        assert_eq!(copy.from.as_ref().map(|w| w.text.as_str()), Some("build"));
        assert_eq!(
            copy.chown.as_ref().map(|w| w.text.as_str()),
            Some("node:node")
        );
        assert!(copy.link && !copy.parents);
        assert_eq!(copy.exclude, ["*.md"]);
        let sources: Vec<_> = copy.sources.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(sources, ["src/", "lib/"]);
        assert_eq!(copy.dest.text, "/app/");
        let Op::Run(run) = &ops[2] else {
            panic!("{:?}", ops[2])
        };
        assert_eq!(run.mounts.len(), 2);
        assert_eq!(run.mounts[1].option("id"), Some("turbo"));
        assert_eq!(run.mounts[0].target(), Some("/pnpm/store"));
        assert_eq!(run.script, "pnpm install --frozen-lockfile");
        let Op::Copy(add) = &ops[3] else {
            panic!("{:?}", ops[3])
        };
        assert!(add.add);
        assert_eq!(add.sources[0].text, "a b.txt");
    }

    #[test]
    fn env_arg_user_expose_healthcheck_and_commands() {
        let ops = ops(concat!(
            "FROM node:20\n",
            "ENV NODE_ENV=production PATH=\"/app/node_modules/.bin:$PATH\"\n",
            "ENV LEGACY value with spaces\n",
            "ARG PORT=3333 TOKEN\n",
            "EXPOSE ${PORT:-3333} 9229/tcp\n",
            "USER node:node\n",
            "HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:3333/health || exit 1\n",
            "HEALTHCHECK NONE\n",
            "CMD [\"node\", \"dist/main.js\"]\n",
            "ENTRYPOINT npm start\n",
            "SHELL [\"/bin/bash\", \"-c\"]\n",
        ));
        let Op::Env(env) = &ops[1] else { panic!() };
        assert_eq!(env[1].key, "PATH");
        assert_eq!(env[1].value, "/app/node_modules/.bin:$PATH");
        let Op::Env(legacy) = &ops[2] else { panic!() };
        assert_eq!(legacy[0].value, "value with spaces");
        let Op::Arg(args) = &ops[3] else { panic!() };
        assert_eq!(args[0].default.as_deref(), Some("3333"));
        assert_eq!(args[1].default, None);
        let Op::Expose(ports) = &ops[4] else { panic!() };
        assert_eq!(ports[0].text, "${PORT:-3333}");
        assert!(matches!(&ops[5], Op::User(u) if u.text == "node:node"));
        let Op::Healthcheck(Some(hc)) = &ops[6] else {
            panic!()
        };
        assert_eq!(hc.options[0].name, "interval");
        assert!(matches!(&hc.cmd, CommandForm::Shell(s) if s.starts_with("wget")));
        assert_eq!(ops[7], Op::Healthcheck(None));
        assert_eq!(
            ops[8],
            Op::Cmd(CommandForm::Exec(vec![
                "node".into(),
                "dist/main.js".into()
            ]))
        );
        assert_eq!(
            ops[9],
            Op::Entrypoint(CommandForm::Shell("npm start".into()))
        );
        assert!(matches!(&ops[10], Op::Shell(s) if s.len() == 2));
    }

    #[test]
    fn heredoc_scripts_replace_their_markers() {
        let ops = ops(
            "FROM node:20\nRUN <<EOF\nnpm ci\nnpm run build\nEOF\nRUN python3 <<PY\nprint(1)\nPY\n",
        );
        let Op::Run(run) = &ops[1] else { panic!() };
        assert!(run.script.contains("npm ci\nnpm run build"));
        let Op::Run(py) = &ops[2] else { panic!() };
        assert!(!py.script.contains("print"));
    }

    #[test]
    fn columns_follow_continuations() -> Result<(), Box<dyn std::error::Error>> {
        let df = parse(
            "Dockerfile",
            "FROM node:20\n  COPY package.json \\\n     pnpm-lock.yaml ./\n",
        )?;
        let copy = &df.instructions[1];
        assert_eq!((copy.line, copy.column), (2, 3));
        let Op::Copy(c) = &copy.op else { panic!() };
        let span = copy.span_of_word(&c.sources[1]);
        assert_eq!((span.line, span.column), (3, 6));
        assert_eq!(span.end_column, 20);
        let span = copy.span_of_word(&c.sources[0]);
        assert_eq!((span.line, span.column), (2, 8));
        Ok(())
    }

    #[test]
    fn instructions_it_cannot_understand_are_problems_and_the_rest_is_kept()
    -> Result<(), Box<dyn std::error::Error>> {
        let df = parse(
            "Dockerfile",
            "FROM node:20\nCOPY onlyone\nRUNN x\nSHELL /bin/bash\nUSER node\n",
        )?;
        assert_eq!(df.problems.len(), 3, "{:?}", df.problems);
        assert_eq!(df.instructions.len(), 2);
        assert!(matches!(df.instructions[1].op, Op::User(_)));
        Ok(())
    }
}
