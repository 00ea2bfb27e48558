//! Dockerfiles: instructions (continuations joined, heredoc bodies attached, comments dropped),
//! parser directives (`# syntax=`, `# escape=`) and stages. Facts only; judging them is the
//! rules' job. Follows the BuildKit frontend's parser (moby/buildkit `frontend/dockerfile/parser`).

mod instructions;

pub use instructions::{
    ArgDecl, CommandForm, Copy, Flag, From, Healthcheck, ImageRef, Mount, Op, Pair, Run, Word,
};

use super::ParseError;
use crate::source::Span;

/// Instructions the Dockerfile frontend accepts; anything else fails the build.
const KNOWN: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Instructions that fail with "requires at least one argument" when empty.
const NEED_ARGS: &[&str] = &[
    "ADD",
    "ARG",
    "COPY",
    "ENV",
    "EXPOSE",
    "FROM",
    "LABEL",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
    "HEALTHCHECK",
];

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heredoc {
    pub delimiter: String,
    pub body: String,
    /// The line of the body's first line.
    pub line: u32,
}

/// Where a stretch of an instruction's joined arguments came from: byte `offset` of `args`
/// is at `line`, `column` (1-based) of the file, and the bytes after it follow on that line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Piece {
    pub offset: usize,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Instruction {
    /// Upper-cased keyword (`RUN`).
    pub keyword: String,
    /// Arguments with continuations joined by a space, as BuildKit does.
    pub args: String,
    pub line: u32,
    /// Column of the keyword.
    pub column: u32,
    pub end_line: u32,
    pub heredocs: Vec<Heredoc>,
    /// Maps offsets of `args` back to file positions (one piece per physical line).
    pub pieces: Vec<Piece>,
    /// The instruction, typed: flags, words and forms with their offsets into `args`.
    pub op: Op,
}

impl Instruction {
    /// The file position of byte `offset` of `args`.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let piece = self
            .pieces
            .iter()
            .rev()
            .find(|p| p.offset <= offset)
            .or(self.pieces.first());
        match piece {
            Some(p) => {
                let rest = self.args.get(p.offset..offset.max(p.offset)).unwrap_or("");
                (
                    p.line,
                    p.column + crate::source::to_u32(rest.chars().count()),
                )
            }
            None => (self.line, self.column),
        }
    }

    /// The span of `len` bytes of `args` from `offset`, on the line `offset` is on.
    pub fn span_of(&self, offset: usize, len: usize) -> Span {
        let (line, column) = self.position(offset);
        let text = self.args.get(offset..offset + len).unwrap_or("");
        Span {
            line,
            column,
            end_line: line,
            end_column: column + crate::source::to_u32(text.chars().count()),
        }
    }

    /// The span of a word of this instruction.
    pub fn span_of_word(&self, word: &Word) -> Span {
        self.span_of(word.offset, word.len)
    }

    /// The whole instruction, from its keyword to the end of its last line.
    pub fn span(&self) -> Span {
        Span {
            line: self.line,
            column: self.column,
            end_line: self.end_line,
            end_column: 1,
        }
    }
}

/// A comment line, kept so that pragmas can attach to the next instruction.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Comment {
    pub line: u32,
    /// The text after `#`, trimmed.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stage {
    /// The image or earlier stage this stage starts from, as written (`node:20-slim`, `${BASE}`).
    pub base: String,
    /// `AS name`, lower-cased as BuildKit compares it.
    pub name: Option<String>,
    pub line: u32,
    /// Indices into `Dockerfile::instructions` of this stage's instructions (FROM included).
    pub first: usize,
    pub last: usize,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Dockerfile {
    pub path: String,
    pub syntax: Option<String>,
    pub escape: char,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub comments: Vec<Comment>,
    /// Instructions that could not be understood: each is reported in the scan's `errors`,
    /// and the rest of the file is still checked.
    pub problems: Vec<ParseError>,
}

impl Dockerfile {
    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        self.instructions
            .get(stage.first..=stage.last)
            .unwrap_or(&[])
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The `ARG`s declared before the first `FROM`: the only variables a `FROM` may use.
    pub fn global_args(&self) -> impl Iterator<Item = &ArgDecl> {
        self.instructions
            .iter()
            .take_while(|i| i.keyword != "FROM")
            .filter_map(|i| match &i.op {
                Op::Arg(args) => Some(args.iter()),
                _ => None,
            })
            .flatten()
    }
}

pub fn parse(path: &str, text: &str) -> Result<Dockerfile, ParseError> {
    // Editors on Windows save UTF-8 with a byte-order mark; BuildKit drops it before reading
    // the first line (moby/buildkit frontend/dockerfile/parser: `utf8bom`), as package.json
    // and tsconfig readers do here. Kept, it made the first keyword `\u{feff}FROM`.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Numbered as every position in the report is (`\n`, `\r\n` or a lone `\r`), so a finding
    // points at the line an editor shows. (BuildKit's line scanner splits at `\n` only, so a
    // `\r`-only Dockerfile is one line to it and does not build.)
    let lines: Vec<&str> = crate::source::lines(text).collect();
    let mut df = Dockerfile {
        path: path.to_string(),
        escape: '\\',
        ..Dockerfile::default()
    };
    let mut i = directives(&lines, &mut df);

    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        if trimmed.is_empty() {
            i += 1;
            continue;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            df.comments.push(Comment {
                line: crate::source::to_u32(i + 1),
                text: comment.trim().to_string(),
            });
            i += 1;
            continue;
        }
        let start = i;
        let mut logical = String::new();
        let mut pieces = Vec::new();
        // BuildKit accepts a continuation at end of file; so do we.
        while let Some(line) = lines.get(i) {
            i += 1;
            let t = line.trim_start();
            // Comment lines and blank lines inside a continuation are skipped by BuildKit.
            if i - 1 > start && (t.starts_with('#') || t.is_empty()) {
                continue;
            }
            // As BuildKit joins them: the first line without its indentation, continuation
            // lines with theirs, and nothing in place of the escape character.
            let content = if i - 1 == start { t } else { line };
            pieces.push(Piece {
                offset: logical.len(),
                line: crate::source::to_u32(i),
                column: crate::source::to_u32(
                    line[..line.len() - content.len()].chars().count() + 1,
                ),
            });
            let content = content.trim_end();
            if let Some(stripped) = content.strip_suffix(df.escape) {
                logical.push_str(stripped);
            } else {
                logical.push_str(content);
                break;
            }
        }
        let line = crate::source::to_u32(start + 1);
        let column = pieces.first().map_or(1, |p| p.column);
        let logical = logical.trim_end();
        let keyword_len = logical.find(char::is_whitespace).unwrap_or(logical.len());
        let written = &logical[..keyword_len];
        let keyword = written.to_ascii_uppercase();
        let after = &logical[keyword_len..];
        let args_start = keyword_len + (after.len() - after.trim_start().len());
        let args = logical[args_start..].to_string();
        // Offsets are kept relative to `args`.
        let pieces: Vec<Piece> = pieces
            .into_iter()
            .map(|p| {
                if p.offset <= args_start {
                    let skipped = logical.get(p.offset..args_start).unwrap_or("");
                    Piece {
                        offset: 0,
                        line: p.line,
                        column: p.column + crate::source::to_u32(skipped.chars().count()),
                    }
                } else {
                    Piece {
                        offset: p.offset - args_start,
                        ..p
                    }
                }
            })
            .collect();
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (delimiter, strip_tabs) in heredoc_delimiters(&args) {
                let mut body = String::new();
                let body_line = crate::source::to_u32(i + 1);
                loop {
                    let Some(text_line) = lines.get(i) else {
                        return Err(ParseError::new(format!(
                            "heredoc `{delimiter}` opened at line {line} is never closed (truncated file?)"
                        ))
                        .at(line, 1));
                    };
                    i += 1;
                    let candidate = if strip_tabs {
                        text_line.trim_start_matches('\t')
                    } else {
                        text_line
                    };
                    if candidate == delimiter {
                        break;
                    }
                    body.push_str(candidate);
                    body.push('\n');
                }
                heredocs.push(Heredoc {
                    delimiter,
                    body,
                    line: body_line,
                });
            }
        }
        let mut instruction = Instruction {
            keyword,
            args,
            line,
            column,
            end_line: crate::source::to_u32(i),
            heredocs,
            pieces,
            op: Op::Unknown,
        };
        if !KNOWN.contains(&instruction.keyword.as_str()) {
            // Quoted as written, not upper-cased: the word may be a pasted token, and the
            // report's redaction recognises tokens by their case-sensitive shapes. BuildKit
            // fails the build here; the rest of the file is still checked.
            df.problems.push(
                ParseError::new(format!(
                    "unknown instruction `{}` at line {line}",
                    quoted_word(written)
                ))
                .at(line, column),
            );
            continue;
        }
        if instruction.args.is_empty() && NEED_ARGS.contains(&instruction.keyword.as_str()) {
            df.problems.push(
                ParseError::new(format!(
                    "{} at line {line} requires at least one argument",
                    instruction.keyword
                ))
                .at(line, column),
            );
            continue;
        }
        match instructions::typed(&instruction) {
            Ok(op) => instruction.op = op,
            Err(message) => {
                df.problems.push(
                    ParseError::new(format!("{} at line {line}: {message}", instruction.keyword))
                        .at(line, column),
                );
                continue;
            }
        }
        df.instructions.push(instruction);
    }

    if df.instructions.is_empty() {
        return Err(match df.problems.first() {
            Some(problem) => problem.clone(),
            None => ParseError::new("empty Dockerfile: it has no instructions"),
        });
    }
    build_stages(&mut df)?;
    Ok(df)
}

/// Longest unknown instruction word quoted in an error; longer ones end in `…`. Long enough for
/// every token shape the redaction knows to keep its prefix and be recognised.
const MAX_QUOTED_WORD_CHARS: usize = 64;

fn quoted_word(word: &str) -> String {
    crate::source::cut(word, MAX_QUOTED_WORD_CHARS)
}

/// Parser directives: `# key=value` lines at the very top, before any other line.
fn directives(lines: &[&str], df: &mut Dockerfile) -> usize {
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let Some(rest) = line.trim().strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = rest.split_once('=') else {
            break;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        match key.as_str() {
            "syntax" => df.syntax = Some(value.to_string()),
            "escape" if value == "`" => df.escape = '`',
            "escape" | "check" => {}
            _ => break,
        }
        i += 1;
    }
    i
}

/// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` in an instruction's arguments.
fn heredoc_delimiters(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(pos) = rest.find("<<") {
        rest = &rest[pos + 2..];
        let strip_tabs = rest.starts_with('-');
        let word = rest.trim_start_matches('-');
        let word = word.trim_start_matches(['"', '\'']);
        let delimiter: String = word
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !delimiter.is_empty()
            && delimiter
                .chars()
                .next()
                .is_some_and(|c| !c.is_ascii_digit())
        {
            out.push((delimiter, strip_tabs));
        }
    }
    out
}

fn build_stages(df: &mut Dockerfile) -> Result<(), ParseError> {
    for (index, instruction) in df.instructions.iter().enumerate() {
        if let Op::From(from) = &instruction.op {
            let base = from.image.text.clone();
            let name = from.alias.as_ref().map(|a| a.text.to_ascii_lowercase());
            if let Some(previous) = df.stages.last_mut() {
                previous.last = index - 1;
            }
            df.stages.push(Stage {
                base,
                name,
                line: instruction.line,
                first: index,
                last: index,
            });
        } else if df.stages.is_empty() && instruction.keyword != "ARG" {
            return Err(ParseError::new(format!(
                "`{}` at line {} comes before any FROM",
                instruction.keyword, instruction.line
            ))
            .at(instruction.line, 1));
        }
    }
    let count = df.instructions.len();
    match df.stages.last_mut() {
        Some(last) => last.last = count - 1,
        None => {
            return Err(ParseError::new(
                "no FROM instruction: the Dockerfile defines no stage",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations_and_finds_stages() -> Result<(), Box<dyn std::error::Error>> {
        let text = "# syntax=docker/dockerfile:1\nARG NODE=20\nFROM node:${NODE}-slim AS Build\nRUN apt-get update \\\n  # comment inside\n  && apt-get install -y python3\nCOPY <<EOF /app/x\nhello\nEOF\nFROM gcr.io/distroless/nodejs20\nCOPY --from=build /app /app\n";
        let df = parse("Dockerfile", text)?;
        assert_eq!(df.syntax.as_deref(), Some("docker/dockerfile:1"));
        assert_eq!(df.stages.len(), 2);
        assert_eq!(df.stages[0].name.as_deref(), Some("build"));
        let run = &df.instructions[2];
        assert_eq!(run.keyword, "RUN");
        assert!(run.args.contains("&& apt-get install"));
        assert_eq!((run.line, run.end_line), (4, 6));
        assert_eq!(df.instructions[3].heredocs[0].body, "hello\n");
        assert_eq!(df.stage_instructions(&df.stages[1]).len(), 2);
        Ok(())
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_instruction()
    -> Result<(), Box<dyn std::error::Error>> {
        let df = parse("Dockerfile", "\u{feff}FROM node:20\nUSER node\n")?;
        assert_eq!(df.instructions[0].keyword, "FROM");
        assert_eq!(df.stages[0].base, "node:20");
        assert_eq!(df.instructions[1].line, 2);
        // It also precedes parser directives.
        let df = parse(
            "Dockerfile",
            "\u{feff}# syntax=docker/dockerfile:1\nFROM node:20\n",
        )?;
        assert_eq!(df.syntax.as_deref(), Some("docker/dockerfile:1"));
        Ok(())
    }

    #[test]
    fn broken_dockerfiles_are_errors() {
        assert!(parse("Dockerfile", "").is_err());
        assert!(parse("Dockerfile", "# just a comment\n").is_err());
        assert!(parse("Dockerfile", "RUN echo hi\n").is_err());
        assert!(parse("Dockerfile", "FROM node:20\nRUN <<EOF\necho").is_err());
        assert!(parse("Dockerfile", "RUNN x\n").is_err());
        // An instruction it cannot use is a problem; the rest of the file is still read.
        for text in ["FROM node:20\nCOPY\n", "FROM node:20\nRUNN x\n"] {
            let problems = parse("Dockerfile", text).map(|d| d.problems.len());
            assert_eq!(problems, Ok(1), "{text:?}");
        }
    }

    #[test]
    fn an_unknown_instruction_is_quoted_as_written_and_cut() {
        let message = |text: &str| {
            parse("Dockerfile", text)
                .ok()
                .and_then(|d| d.problems.first().map(|p| p.message.clone()))
        };
        assert_eq!(
            message("FROM node:20\nrunn x\n").as_deref(),
            Some("unknown instruction `runn` at line 2")
        );
        let long = "x".repeat(100);
        let expected = format!("unknown instruction `{}…` at line 2", "x".repeat(64));
        assert_eq!(message(&format!("FROM node:20\n{long}\n")), Some(expected));
    }

    #[test]
    fn a_continuation_joins_as_buildkit_joins_it() -> Result<(), Box<dyn std::error::Error>> {
        // novu's Dockerfiles end a mount flag at the backslash with no space before it;
        // BuildKit keeps the next line's indentation, so the two mounts stay two flags.
        let df = parse(
            "Dockerfile",
            "FROM node:20\nRUN --mount=type=cache,id=pnpm,target=/root/.local/share/pnpm/store/v3\\\n    --mount=type=secret,id=BULL_MQ_PRO_NPM_TOKEN,uid=1000 pnpm install\n",
        )?;
        let Op::Run(run) = &df.instructions[1].op else {
            return Err("not a RUN".into());
        };
        assert_eq!(run.mounts.len(), 2);
        assert_eq!(run.mounts[1].option("id"), Some("BULL_MQ_PRO_NPM_TOKEN"));
        Ok(())
    }

    #[test]
    fn lines_end_at_a_lone_carriage_return() -> Result<(), Box<dyn std::error::Error>> {
        for text in [
            "FROM node:20\rRUN a \\\r  && b\rUSER node\r",
            "FROM node:20\r\nRUN a \\\n  && b\rUSER node\r\n",
        ] {
            let df = parse("Dockerfile", text)?;
            let lines: Vec<_> = df
                .instructions
                .iter()
                .map(|i| (i.keyword.as_str(), i.line, i.end_line))
                .collect();
            assert_eq!(
                lines,
                [("FROM", 1, 1), ("RUN", 2, 3), ("USER", 4, 4)],
                "{text:?}"
            );
            assert_eq!(df.instructions[1].args, "a   && b");
        }
        Ok(())
    }
}
