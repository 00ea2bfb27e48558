//! Dockerfiles: instructions (continuations joined, heredoc bodies attached, comments dropped),
//! parser directives (`# syntax=`, `# escape=`) and stages. Facts only; judging them is the
//! rules' job. Follows the BuildKit frontend's parser (moby/buildkit `frontend/dockerfile/parser`).

use super::ParseError;

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-cased keyword (`RUN`).
    pub keyword: String,
    /// Arguments with continuations joined by a space, as BuildKit does.
    pub args: String,
    pub line: u32,
    pub end_line: u32,
    pub heredocs: Vec<Heredoc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    pub path: String,
    pub syntax: Option<String>,
    pub escape: char,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
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
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let start = i;
        let mut logical = String::new();
        // BuildKit accepts a continuation at end of file; so do we.
        while let Some(line) = lines.get(i) {
            i += 1;
            let t = line.trim_start();
            // Comment lines and blank lines inside a continuation are skipped by BuildKit.
            if i - 1 > start && (t.starts_with('#') || t.is_empty()) {
                continue;
            }
            let content = line.trim_end();
            if let Some(stripped) = content.strip_suffix(df.escape) {
                logical.push_str(stripped);
                logical.push(' ');
            } else {
                logical.push_str(content);
                break;
            }
        }
        let logical = logical.trim();
        let (keyword, args) = logical
            .split_once(char::is_whitespace)
            .unwrap_or((logical, ""));
        let written = keyword;
        let keyword = keyword.to_ascii_uppercase();
        let line = crate::source::to_u32(start + 1);
        if !KNOWN.contains(&keyword.as_str()) {
            // Quoted as written, not upper-cased: the word may be a pasted token, and the
            // report's redaction recognises tokens by their case-sensitive shapes.
            return Err(ParseError::new(format!(
                "unknown instruction `{}` at line {line}",
                quoted_word(written)
            ))
            .at(line, 1));
        }
        let args = args.trim().to_string();
        if args.is_empty() && NEED_ARGS.contains(&keyword.as_str()) {
            return Err(ParseError::new(format!(
                "{keyword} at line {line} requires at least one argument"
            ))
            .at(line, 1));
        }
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (delimiter, strip_tabs) in heredoc_delimiters(&args) {
                let mut body = String::new();
                loop {
                    let Some(line) = lines.get(i) else {
                        return Err(ParseError::new(format!(
                            "heredoc `{delimiter}` opened at line {line} is never closed (truncated file?)"
                        ))
                        .at(line, 1));
                    };
                    i += 1;
                    let candidate = if strip_tabs {
                        line.trim_start_matches('\t')
                    } else {
                        line
                    };
                    if candidate == delimiter {
                        break;
                    }
                    body.push_str(candidate);
                    body.push('\n');
                }
                heredocs.push(Heredoc { delimiter, body });
            }
        }
        df.instructions.push(Instruction {
            keyword,
            args,
            line,
            end_line: crate::source::to_u32(i),
            heredocs,
        });
    }

    if df.instructions.is_empty() {
        return Err(ParseError::new("empty Dockerfile: it has no instructions"));
    }
    build_stages(&mut df)?;
    Ok(df)
}

/// Longest unknown instruction word quoted in an error; longer ones end in `…`. Long enough for
/// every token shape the redaction knows to keep its prefix and be recognised.
const MAX_QUOTED_WORD_CHARS: usize = 64;

fn quoted_word(word: &str) -> String {
    let mut out: String = word.chars().take(MAX_QUOTED_WORD_CHARS).collect();
    if word.chars().nth(MAX_QUOTED_WORD_CHARS).is_some() {
        out.push('…');
    }
    out
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
        if instruction.keyword == "FROM" {
            let words: Vec<&str> = instruction
                .args
                .split_whitespace()
                .filter(|w| !w.starts_with("--"))
                .collect();
            let base = words.first().copied().unwrap_or_default().to_string();
            let name = match words.as_slice() {
                [_, kw, name, ..] if kw.eq_ignore_ascii_case("as") => {
                    Some(name.to_ascii_lowercase())
                }
                _ => None,
            };
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
        assert!(parse("Dockerfile", "FROM node:20\nCOPY\n").is_err());
        assert!(parse("Dockerfile", "FROM node:20\nRUNN x\n").is_err());
    }

    #[test]
    fn an_unknown_instruction_is_quoted_as_written_and_cut() {
        let message = |text: &str| parse("Dockerfile", text).err().map(|e| e.message);
        assert_eq!(
            message("FROM node:20\nrunn x\n").as_deref(),
            Some("unknown instruction `runn` at line 2")
        );
        let long = "x".repeat(100);
        let expected = format!("unknown instruction `{}…` at line 2", "x".repeat(64));
        assert_eq!(message(&format!("FROM node:20\n{long}\n")), Some(expected));
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
            assert_eq!(df.instructions[1].args, "a    && b");
        }
        Ok(())
    }
}
