//! Fuzzes the Dockerfile reader: any bytes in, a result out, never a panic, a hang or an abort.
//! Every layer a scan runs on a Dockerfile is exercised: the lines and typed instructions, the
//! shell commands of each RUN (and of CMD, ENTRYPOINT, HEALTHCHECK), the per-command install
//! facts, variable expansion of every word, and `.dockerignore` matching of the COPY sources
//! (the same bytes read as an ignore file).
#![no_main]

use libfuzzer_sys::fuzz_target;
use seaworthy::model::docker::commands;
use seaworthy::model::docker::expand::{Var, expand};
use seaworthy::parse::dockerfile::{CommandForm, Op};
use seaworthy::parse::{dockerignore, shell};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ignore = dockerignore::parse(".dockerignore", text);
    let Ok(df) = seaworthy::parse::dockerfile::parse("Dockerfile", text) else {
        return;
    };
    let env = |name: &str| (name.len() % 2 == 0).then(|| name.to_string());
    let lookup = |name: &str| match name.len() % 3 {
        0 => Var::Set(name.to_string()),
        1 => Var::Unset,
        _ => Var::Unknown,
    };
    for instruction in &df.instructions {
        let _ = instruction.span();
        let scripts: Vec<String> = match &instruction.op {
            Op::Run(run) => vec![run.script.clone()],
            Op::Cmd(CommandForm::Shell(s)) | Op::Entrypoint(CommandForm::Shell(s)) => vec![s.clone()],
            Op::Healthcheck(Some(hc)) => match &hc.cmd {
                CommandForm::Shell(s) => vec![s.clone()],
                CommandForm::Exec(w) => vec![w.join(" ")],
            },
            Op::Copy(copy) => {
                for source in &copy.sources {
                    let _ = instruction.span_of_word(source);
                    if let Some(path) = expand(&source.text, &lookup) {
                        let _ = ignore.excluded_by(&path);
                    }
                }
                Vec::new()
            }
            Op::Env(pairs) => {
                for pair in pairs {
                    let _ = expand(&pair.value, &lookup);
                }
                Vec::new()
            }
            _ => Vec::new(),
        };
        for script in scripts {
            for command in shell::commands(&script) {
                let _ = commands::step(&command, &env);
            }
        }
    }
});
