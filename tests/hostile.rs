//! Hostile repositories: secrets planted where the report quotes the repository must not
//! reach any output, and control characters in names must not reach the terminal raw. Each
//! fixture is made at test time from a committed one (raw control characters and live-looking
//! tokens do not belong in committed files).

mod common;

use std::path::Path;

use common::{copy_fixture, scan_path};
use seaworthy::report::Analysis;
use seaworthy::report::terminal::{self, Options};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a file path")).expect("create dir");
    std::fs::write(path, text).expect("write file");
}

/// Removes the copied fixture when the test ends, pass or fail.
struct Cleanup<'a>(&'a Path);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0);
    }
}

/// Every output a user can attach or upload: JSON, HTML and the terminal (with and without
/// colour, with info findings shown).
fn outputs(analysis: &Analysis) -> Vec<(&'static str, String)> {
    let term = |color| {
        terminal::render(
            analysis,
            &Options {
                color,
                verbose: true,
                ..Options::default()
            },
        )
    };
    vec![
        ("json", seaworthy::report::json::render(&analysis.report)),
        (
            "html",
            seaworthy::report::html::render(analysis).expect("the report renders"),
        ),
        ("terminal", term(false)),
        ("terminal (colour)", term(true)),
    ]
}

/// Canary secrets, each the distinctive part of a credential planted below. Outputs are
/// searched for them case-insensitively: an upper-cased copy is still a leak.
const CANARIES: &[&str] = &[
    // On the line of a flagged import.
    "IOSFODNN7CANARY2",
    "eyJzdWIiOiJjYW5hcnlqd3QifQ",
    "CanaryPgPassword",
    // In dependency specs (out-of-sync, unused and broken-local-link messages and snippets).
    "CanaryGithubToken0123456789abcdefghij",
    "CanaryTarballPw",
    "CanaryNpmToken0123456789abcdefghijkl",
    // In import specifiers.
    "CanaryImportToken123",
    "CanarySlackToken",
    // In a file name (a finding's path).
    "CanaryPathToken0123456789abcdefgh",
    // On a flagged Dockerfile RUN line: an .npmrc line and a shell assignment.
    "CanaryNpmrcToken0123456789abcdefghij",
    "CanaryShellToken",
    // Dockerfile ENV/ARG lines (no rule quotes them today; kept so a future one is covered).
    "CanaryEnvLegacy",
    "CanaryArgDefault",
    // As a Dockerfile's unknown instruction (an error entry).
    "CanaryDockerKeyword0123456789abcdefghij",
    "CanaryDotenvPw",
    // A compose file: `environment` list and map, and the service name (services, checks).
    "CanaryComposeListPw",
    "CanaryComposeApiKey",
    "CanaryComposeMapPw",
    "CanaryServiceName0123456789",
    // A workspace's name.
    "CanaryWorkspaceName0123456789abcd",
    // .env and .npmrc files (read by no rule today; the same shapes are planted above).
    "CanaryEnvFilePw",
    "CanaryNpmrcFile0123456789abcdefghijklm",
];

#[test]
fn secrets_never_reach_an_output() {
    let root = copy_fixture("pnpm-docker-activates-pnpm8", "secrets");
    let _cleanup = Cleanup(&root);
    write(
        &root,
        "package.json",
        r#"{
  "name": "npm_CanaryWorkspaceName0123456789abcd",
  "private": true,
  "packageManager": "pnpm@9.15.9",
  "devDependencies": {
    "left-pad": "^1.3.0"
  }
}
"#,
    );
    write(
        &root,
        "services/auth/package.json",
        r#"{
  "name": "@acme/auth",
  "version": "1.0.0",
  "private": true,
  "scripts": { "start": "node src/main.js" },
  "dependencies": {
    "@acme/shared": "workspace:*",
    "ms": "^2.1.0",
    "left-pad": "git+https://ghp_CanaryGithubToken0123456789abcdefghij@github.com/acme/left-pad.git",
    "tarball": "https://deploy:CanaryTarballPw@registry.example.com/x.tgz",
    "local": "file:../vendor/local.tgz?token=npm_CanaryNpmToken0123456789abcdefghijkl"
  }
}
"#,
    );
    write(
        &root,
        "services/auth/src/main.js",
        concat!(
            "const ms = require('ms');\n",
            r#"const { Registry } = require('prom-client'); const cfg = { aws: "AKIAIOSFODNN7CANARY2", jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnlqd3QifQ.c2lnbmF0dXJlY2FuYXJ5", db: "postgres://admin:CanaryPgPassword@db:5432/app" };"#,
            "\n",
            "const x = require('./config?access_token=CanaryImportToken123');\n",
            "const y = require('xoxb-1234567890-1234567890-CanarySlackToken');\n",
        ),
    );
    write(
        &root,
        "services/auth/src/ghs_CanaryPathToken0123456789abcdefgh.js",
        "const chalk = require('chalk');\n",
    );
    write(
        &root,
        "services/auth/Dockerfile",
        concat!(
            "FROM node:20-bookworm AS build\n",
            "ARG NPM_TOKEN=CanaryArgDefault\n",
            "ENV NPM_TOKEN CanaryEnvLegacy\n",
            "WORKDIR /app\n",
            "COPY . .\n",
            r#"RUN echo "//registry.npmjs.org/:_authToken=npm_CanaryNpmrcToken0123456789abcdefghij" > .npmrc && NPM_TOKEN=CanaryShellToken corepack prepare pnpm@8.15.4 --activate"#,
            "\n",
            "RUN pnpm install --frozen-lockfile\n",
            "USER node\n",
            "CMD [\"node\", \"services/auth/src/main.js\"]\n",
        ),
    );
    write(
        &root,
        "docker/token/Dockerfile",
        "FROM node:20\nghp_CanaryDockerKeyword0123456789abcdefghij install\n",
    );
    write(
        &root,
        "docker/dotenv/Dockerfile",
        "FROM node:20\nDB_PASSWORD=CanaryDotenvPw\n",
    );
    // Flow style keeps the whole file on the line compose/obsolete-version points at.
    write(
        &root,
        "docker-compose.yml",
        concat!(
            "{version: \"3.8\", services: {glpat-CanaryServiceName0123456789: {build: ./services/auth, ",
            "environment: [DB_PASSWORD=CanaryComposeListPw, \"API_KEY: CanaryComposeApiKey\"]}, ",
            "db: {image: postgres, environment: {POSTGRES_PASSWORD: CanaryComposeMapPw}}}}\n",
        ),
    );
    // Block style: the snippet of each compose/hardcoded-secret finding is the `KEY: value` line.
    write(
        &root,
        "deploy/docker-compose.yml",
        concat!(
            "x-env: &env\n",
            "  SESSION_SECRET: CanaryAnchorSecret\n",
            "services:\n",
            "  api:\n",
            "    image: acme/api:1\n",
            "    environment:\n",
            "      <<: *env\n",
            "      JWT_SECRET: CanaryBlockSecret\n",
            "      DATABASE_URL: postgres://app:CanaryUrlPw@${DB_HOST}:5432/app\n",
        ),
    );
    write(
        &root,
        "deploy/docker-compose.worker.yml",
        "services:\n  worker:\n    image: acme/worker:1\n    environment:\n      - STRIPE_API_KEY=CanaryListKey\n",
    );
    write(&root, "services/auth/.env", "DB_PASSWORD=CanaryEnvFilePw\n");
    write(
        &root,
        ".npmrc",
        "//registry.npmjs.org/:_authToken=npm_CanaryNpmrcFile0123456789abcdefghijklm\n",
    );

    let analysis = scan_path(&root, "hostile-secrets", None);
    let report = &analysis.report;
    let compose_secrets = report
        .findings
        .iter()
        .filter(|f| f.rule == "compose/hardcoded-secret" && f.location.path.starts_with("deploy/"))
        .count();
    assert_eq!(
        compose_secrets, 4,
        "the block-style compose canaries were not all reported"
    );

    // The canaries must have been carried to the report's places, or this test proves nothing.
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    for rule in [
        "deps/undeclared",
        "deps/unresolved-import",
        "deps/broken-local-link",
        "lockfile/out-of-sync",
        "lockfile/package-manager-drift",
        "compose/obsolete-version",
        "compose/hardcoded-secret",
    ] {
        assert!(rules.contains(&rule), "no {rule} finding: {rules:?}");
    }
    assert_eq!(
        report
            .errors
            .iter()
            .filter(|e| e.message.starts_with("unknown instruction"))
            .count(),
        2,
        "{:?}",
        report.errors
    );
    assert!(
        report.services.iter().any(|s| s.name.starts_with("glpat-")),
        "{:?}",
        report.services
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.location.path.contains("ghs_")),
        "no finding in the file named like a token"
    );

    for (format, text) in outputs(&analysis) {
        let lower = text.to_lowercase();
        for canary in CANARIES {
            assert!(
                !lower.contains(&canary.to_lowercase()),
                "the {format} output contains the canary {canary}"
            );
        }
        assert!(text.contains("«redacted»"), "{format} shows no marker");
    }

    // What stays is enough to act on: the key, the URL's scheme and host, the token's kind.
    let json = seaworthy::report::json::render(report);
    for kept in [
        "git+https://«redacted»@github.com/acme/left-pad.git",
        "https://deploy:«redacted»@registry.example.com/x.tgz",
        "?token=«redacted»",
        "./config?access_token=«redacted»",
        "xoxb-«redacted»",
        "unknown instruction `ghp_«redacted»` at line 2",
        "unknown instruction `DB_PASSWORD=«redacted»` at line 2",
        "glpat-«redacted»",
        "ghs_«redacted».js",
    ] {
        assert!(json.contains(kept), "the JSON lacks {kept:?}");
    }
    let term = terminal::render(
        &analysis,
        &Options {
            color: false,
            verbose: true,
            ..Options::default()
        },
    );
    for kept in [
        r#"aws: "AKIA«redacted»""#,
        r#"jwt: "«redacted»""#,
        "postgres://admin:«redacted»@db:5432/app",
        "_authToken=«redacted»",
        "NPM_TOKEN=«redacted» corepack prepare",
        "POSTGRES_PASSWORD: «redacted»",
    ] {
        assert!(term.contains(kept), "the terminal lacks {kept:?}:\n{term}");
    }
    // The caret still points at the import after the redacted secrets moved the line.
    let at = term
        .find("require('./config?access_token=«redacted»');")
        .expect("the redacted import line");
    let line_start = term[..at].rfind('\n').map_or(0, |i| i + 1);
    let column = term[line_start..at].chars().count();
    let next = &term[at..];
    let marks = next.lines().nth(1).expect("the caret line");
    assert_eq!(
        marks.chars().position(|c| c == '^'),
        Some(column),
        "caret under `require` in\n{next}"
    );
    assert_eq!(
        marks.chars().filter(|c| *c == '^').count(),
        "require('./config?access_token=«redacted»')"
            .chars()
            .count()
    );
}

#[test]
fn control_characters_never_reach_the_terminal_raw() {
    let root = copy_fixture("single-package-express", "controls");
    let _cleanup = Cleanup(&root);
    // JSON escapes decode to raw ESC, BEL and RLO in the package and dependency names.
    write(
        &root,
        "package.json",
        r#"{
  "name": "svc\u001b]0;pwned\u0007\u202e",
  "version": "1.0.0",
  "main": "src/server.js",
  "scripts": { "start": "node src/server.js" },
  "dependencies": {
    "express": "^4.19.2",
    "evil\u001b[2J\u0007\u2066": "^1.0.0"
  },
  "devDependencies": { "jest": "^29.7.0" }
}
"#,
    );
    // A file name with ESC, BEL and a bidi override, and a raw ESC on the flagged line.
    write(
        &root,
        "src/a\u{1b}]0;title\u{7}\u{202e}sj.js",
        "const x = require('left-pad'); // \u{1b}[2J\u{9b}\t\u{200f}\n",
    );

    let analysis = scan_path(&root, "hostile-controls", None);
    let report = &analysis.report;
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.message.contains('\u{1b}') && f.rule == "deps/unused"),
        "the dependency name must reach the report: {:?}",
        report.findings
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.location.path.contains('\u{202e}')),
        "the file name must reach the report"
    );
    assert!(report.services.iter().any(|s| s.name.contains('\u{7}')));

    let plain = terminal::render(
        &analysis,
        &Options {
            color: false,
            verbose: true,
            ..Options::default()
        },
    );
    assert!(!plain.contains('\u{1b}'), "raw ESC:\n{plain}");
    assert!(!plain.contains('\u{7}'), "raw BEL:\n{plain}");
    assert!(!plain.contains('\u{9b}'), "raw CSI:\n{plain}");
    for bidi in [
        '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
    ] {
        assert!(!plain.contains(bidi), "raw {bidi:?}:\n{plain}");
    }
    for shown in [
        r"svc\x1b]0;pwned\x07\u{202e}",
        r"evil\x1b[2J\x07\u{2066}",
        r"src/a\x1b]0;title\x07\u{202e}sj.js",
        // The tab goes to the next 4-column stop of the printed line (one space here).
        r"// \x1b[2J\u{9b} \u{200f}",
    ] {
        assert!(plain.contains(shown), "{shown} not shown in\n{plain}");
    }

    // With colour, seaworthy's own escapes are there, the repository's still are not.
    let colour = terminal::render(
        &analysis,
        &Options {
            color: true,
            verbose: true,
            ..Options::default()
        },
    );
    assert!(colour.contains("\u{1b}[1;31m"), "colour escapes still work");
    assert!(!colour.contains('\u{7}') && !colour.contains("\u{1b}]"));
    assert!(!colour.contains("\u{1b}[2J"));
    assert!(colour.contains(r"evil\x1b[2J"));
}
