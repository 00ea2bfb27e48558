//! Deeply nested input on a small stack: the helpers the parsers' own depth tests share, and
//! every parser on 100,000 levels of nesting written in its own syntax. A parser may reject
//! such text; it may not overflow the stack, which aborts the whole scan with no report.

use crate::discover::LockfileKind;

/// The nesting depth fed to every parser: far beyond any real file, and beyond what a
/// recursive reader survives even on the main thread's 8 MiB stack.
const LEVELS: usize = 100_000;

/// A quarter of a MiB: an eighth of rayon's default worker stack, so passing here (in a debug
/// build, whose frames are several times larger) leaves the release workers headroom.
pub(crate) const SMALL_STACK: usize = 256 * 1024;

/// Runs `f` on a thread with [`SMALL_STACK`]; a stack overflow aborts the test binary.
pub(crate) fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("spawn a test thread")
        .join()
        .expect("the parser panicked")
}

/// `prefix`, `open` 100,000 times, `inner`, `close` 100,000 times, `suffix`.
pub(crate) fn nested(prefix: &str, open: &str, inner: &str, close: &str, suffix: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + LEVELS * (open.len() + close.len()) + 64);
    s.push_str(prefix);
    s.push_str(&open.repeat(LEVELS));
    s.push_str(inner);
    s.push_str(&close.repeat(LEVELS));
    s.push_str(suffix);
    s
}

/// A parser run on a text: whether it accepted it (either answer passes).
type Parse = fn(&str) -> bool;

fn lock(kind: LockfileKind, name: &'static str) -> impl Fn(&str) -> bool {
    move |t| super::lockfile::parse(name, kind, t).is_some_and(|r| r.is_ok())
}

/// (what, text, parser): each parser on the shapes of nesting its syntax allows.
fn cases() -> Vec<(&'static str, String, Parse)> {
    use super::*;
    let mut out: Vec<(&'static str, String, Parse)> = Vec::new();
    let json = [
        nested("", "[", "1", "]", ""),
        nested("", "{\"a\":", "1", "}", ""),
        nested("{\"exports\":", "{\"a\":", "\"x\"", "}", "}"),
        nested("{\"overrides\":", "{\"a\":", "\"1\"", "}", "}"),
        nested("{\"a\": \"[{\", \"b\": ", "[", "1", "]", "}"),
        nested("{/* [ */\"b\": ", "[", "1", "]", "}"),
    ];
    for text in json {
        out.push(("package.json", text.clone(), |t| {
            package_json::parse("package.json", t).is_ok()
        }));
        out.push(("tsconfig", text.clone(), |t| {
            tsconfig::parse("tsconfig.json", t).is_ok()
        }));
        out.push(("json", text.clone(), |t| {
            json::parse(t, json::Dialect::Jsonc).is_ok()
        }));
        out.push(("package-lock.json", text, |t| {
            lock(LockfileKind::Npm, "package-lock.json")(t)
        }));
    }
    out.push((
        "package-lock.json packages",
        nested(
            "{\"lockfileVersion\":3,\"packages\":{\"\":",
            "{\"a\":",
            "1",
            "}",
            "}}",
        ),
        |t| lock(LockfileKind::Npm, "package-lock.json")(t),
    ));
    let yaml = [
        nested("a: ", "[", "1", "]", "\n"),
        nested("a: ", "{a: ", "1", "}", "\n"),
        nested("a:\n  ", "- ", "1", "", "\n"),
        nested("services:\n  api:\n    build: ", "[", "1", "]", "\n"),
        nested("services:\n  api:\n    ", "- ", "1", "", "\n"),
        nested("a: &x\n  ", "- ", "1", "", "\nb: *x\n"),
        nested("packages:\n  ", "? ", "1", "", "\n"),
        nested("a: ", "!t ", "1", "", "\n"),
    ];
    for text in yaml {
        out.push(("yaml", text.clone(), |t| yaml::parse(t).is_ok()));
        out.push(("pnpm-workspace.yaml", text.clone(), |t| {
            pnpm_workspace::parse("pnpm-workspace.yaml", t).is_ok()
        }));
        out.push(("compose", text.clone(), |t| {
            compose::parse("compose.yaml", t).is_ok()
        }));
        out.push(("pnpm-lock.yaml", text.clone(), |t| {
            lock(LockfileKind::Pnpm, "pnpm-lock.yaml")(t)
        }));
        out.push((
            "yarn.lock (berry)",
            format!("__metadata:\n  version: 8\n\n{text}"),
            |t| lock(LockfileKind::Yarn, "yarn.lock")(t),
        ));
        out.push(("yarn.lock (v1)", text, |t| {
            lock(LockfileKind::Yarn, "yarn.lock")(t)
        }));
    }
    out.push((
        "yarn.lock (berry) resolution",
        nested(
            "__metadata:\n  version: 8\n\n\"a@npm:1\":\n  resolution: ",
            "{a: ",
            "1",
            "}",
            "\n",
        ),
        |t| lock(LockfileKind::Yarn, "yarn.lock")(t),
    ));
    out.push((
        "pnpm-lock.yaml packages",
        nested(
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: ",
            "[",
            "1",
            "]",
            "\n",
        ),
        |t| lock(LockfileKind::Pnpm, "pnpm-lock.yaml")(t),
    ));
    // Nested classes and types are in typescript.rs's own test; tree-sitter takes seconds a
    // shape in a debug build, so one grammar each.
    let sources: [(&'static str, String, Parse); 4] = [
        (
            "typescript parentheses",
            nested("const x = ", "(", "1", ")", ";\n"),
            |t| typescript::parse("a.ts", t).is_ok(),
        ),
        (
            "typescript functions",
            nested("", "function f() {", "require('m');", "}", "\n"),
            |t| typescript::parse("a.ts", t).is_ok(),
        ),
        (
            "typescript try",
            nested("", "try {", "require('m');", "} catch {}", "\n"),
            |t| typescript::parse("a.ts", t).is_ok(),
        ),
        (
            "tsx elements",
            nested("const x = ", "<a>", "", "</a>", ";\n"),
            |t| typescript::parse("a.tsx", t).is_ok(),
        ),
    ];
    out.extend(sources);
    out.push((
        "Dockerfile continuation",
        nested("FROM node:20\nRUN ", "a \\\n", "b", "", "\n"),
        |t| dockerfile::parse("Dockerfile", t).is_ok(),
    ));
    out.push((
        "Dockerfile heredocs",
        nested("FROM node:20\nRUN ", "<<A ", "\n", "A\n", ""),
        |t| dockerfile::parse("Dockerfile", t).is_ok(),
    ));
    out.push((
        "docker-bake.hcl",
        nested("target \"a\" {\n  args = ", "{ a = ", "1", " }", "\n}\n"),
        |t| super::bake::parse("docker-bake.hcl", t).is_ok(),
    ));
    out.push((
        "docker-bake.hcl templates",
        nested("target \"a\" {\n  context = \"", "${", "a", "}", "\"\n}\n"),
        |t| super::bake::parse("docker-bake.hcl", t).is_ok(),
    ));
    out.push((
        "docker-bake.json",
        nested("{\"target\": {\"a\": {\"args\": ", "[", "1", "]", "}}}"),
        |t| super::bake::parse("docker-bake.json", t).is_ok(),
    ));
    out.push((
        "workflow steps",
        nested("jobs:\n  a:\n    steps: ", "[", "1", "]", "\n"),
        |t| super::workflow::parse("ci.yml", t).is_ok(),
    ));
    out.push((
        "shell subshells and sh -c",
        nested("RUN ", "(sh -c '", "npm ci", "')", ""),
        |t| !super::shell::commands(t).is_empty(),
    ));
    out.push((".dockerignore", nested("", "[", "a", "]", "\n"), |t| {
        super::dockerignore::parse(".dockerignore", t).excludes("a")
    }));
    out.push((".npmrc", nested("", "[", "a=1", "]", "\n"), |t| {
        npmrc::parse(".npmrc", t).settings.is_empty()
    }));
    out
}

/// Run with `--nocapture` to see which case aborted.
#[test]
fn every_parser_survives_deep_nesting_on_a_small_stack() {
    for (what, text, parse) in cases() {
        eprintln!("{what}");
        on_small_stack(move || parse(&text));
    }
}
