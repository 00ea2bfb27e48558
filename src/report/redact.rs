//! Redaction: the one step every repository string passes through before any renderer sees it.
//! `scan()` calls [`analysis`] once, after the findings are final (sorted, fingerprinted,
//! scored) and before it returns the [`Analysis`], so the JSON, the HTML and the terminal all
//! render the same redacted strings: finding messages, help, related entries, services,
//! workspaces, checks, error entries, the run's root and the source snippets.
//!
//! What counts as a secret is data: `data::secrets` lists the shapes (credentials in URLs, known
//! token formats, values of secret-like keys) with their sources. They are compiled once into
//! one alternation, so each string is searched in a single left-to-right pass; a string without
//! a match is returned borrowed, untouched. The secret part of a match becomes [`MARKER`]; what
//! a reader needs to act on (the key's name, the URL's scheme and host, the token's vendor
//! prefix) stays. Redaction is a pure function of the string: deterministic, and idempotent.
//!
//! Fingerprints are computed before this step from the semantic keys, which never leave the
//! process, so redaction does not change a finding's identity.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{CaptureLocations, Regex};

use super::{Analysis, ErrorEntry, Report, Snippets};
use crate::data::secrets::{BENIGN_VALUES, SECRET_PATTERNS};
use crate::finding::{Finding, Related, Suppression};

/// What a secret is replaced with.
pub const MARKER: &str = "«redacted»";

/// Snippet lines are cut to this many characters before they are redacted (and to
/// `MAX_SNIPPET_CHARS` after), so a minified bundle costs a bounded search while a secret that
/// starts in the shown part is still seen whole.
const SNIPPET_SEARCH_CHARS: usize = 4096;

struct Compiled {
    regex: Regex,
    /// For each pattern, in table order: the capture index of the whole alternative, and of its
    /// `secret` group when it has one.
    groups: Vec<(usize, Option<usize>)>,
    /// The benign values, anchored: a captured value they match in full is left as written.
    benign: Regex,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(compile);

fn compile() -> Compiled {
    let alternatives: Vec<String> = SECRET_PATTERNS
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let body = p.regex.replace("(?P<secret>", &format!("(?P<s{i}>"));
            format!("(?P<p{i}>{body})")
        })
        .collect();
    let regex = Regex::new(&alternatives.join("|"))
        .expect("the secret patterns compile (data::secrets is tested)");
    let index = |name: &str| regex.capture_names().position(|n| n == Some(name));
    let groups = (0..SECRET_PATTERNS.len())
        .map(|i| {
            let whole = index(&format!("p{i}")).expect("every alternative is a named group");
            (whole, index(&format!("s{i}")))
        })
        .collect();
    let benign: Vec<&str> = BENIGN_VALUES.iter().map(|p| p.regex).collect();
    let benign = Regex::new(&format!("^(?:{})$", benign.join("|")))
        .expect("the benign value patterns compile (data::secrets is tested)");
    Compiled {
        regex,
        groups,
        benign,
    }
}

/// One replacement, in byte offsets of the original string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edit {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The string with every secret replaced by [`MARKER`].
pub fn text(s: &str) -> Cow<'_, str> {
    let (out, _) = text_with_edits(s);
    out
}

/// [`text`], and where it replaced what (so that columns into the original can be moved).
pub(crate) fn text_with_edits(s: &str) -> (Cow<'_, str>, Vec<Edit>) {
    let compiled = &*COMPILED;
    let mut locations = compiled.regex.capture_locations();
    let mut edits = Vec::new();
    let mut at = 0;
    while at <= s.len() {
        let Some(m) = compiled.regex.captures_read_at(&mut locations, s, at) else {
            break;
        };
        let Some((start, end)) = secret_span(compiled, &locations) else {
            break;
        };
        if benign(compiled, &s[start..end]) {
            // Search the value itself again: `KEY=${A}` is benign, a token inside a path is not.
            at = if start > m.start() {
                start
            } else {
                next_char(s, m.end().max(m.start()))
            };
            continue;
        }
        edits.push(Edit { start, end });
        at = if m.end() > m.start() {
            m.end()
        } else {
            next_char(s, m.end())
        };
    }
    if edits.is_empty() {
        return (Cow::Borrowed(s), edits);
    }
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for edit in &edits {
        out.push_str(&s[copied..edit.start]);
        out.push_str(&replacement(&s[edit.start..edit.end]));
        copied = edit.end;
    }
    out.push_str(&s[copied..]);
    (Cow::Owned(out), edits)
}

/// The byte range of the secret in the alternative that matched.
fn secret_span(compiled: &Compiled, locations: &CaptureLocations) -> Option<(usize, usize)> {
    compiled.groups.iter().find_map(|&(whole, secret)| {
        let whole = locations.get(whole)?;
        Some(secret.and_then(|s| locations.get(s)).unwrap_or(whole))
    })
}

fn benign(compiled: &Compiled, value: &str) -> bool {
    let value = unquote(value).unwrap_or(value);
    value.is_empty() || value == MARKER || compiled.benign.is_match(value)
}

/// The inside of a value written in matching single or double quotes.
fn unquote(value: &str) -> Option<&str> {
    ['"', '\'']
        .into_iter()
        .find_map(|q| value.strip_prefix(q)?.strip_suffix(q))
}

/// The marker, inside the value's quotes when it had them.
fn replacement(secret: &str) -> Cow<'static, str> {
    match secret.chars().next() {
        Some(q @ ('"' | '\'')) if unquote(secret).is_some() => {
            Cow::Owned(format!("{q}{MARKER}{q}"))
        }
        _ => Cow::Borrowed(MARKER),
    }
}

fn next_char(s: &str, at: usize) -> usize {
    s[at.min(s.len())..]
        .chars()
        .next()
        .map_or(s.len() + 1, |c| at + c.len_utf8())
}

fn in_place(s: &mut String) {
    if let Cow::Owned(redacted) = text(s) {
        *s = redacted;
    }
}

fn in_place_opt(s: &mut Option<String>) {
    if let Some(s) = s {
        in_place(s);
    }
}

/// The analysis with every repository string redacted. Each struct is taken apart whole, so a
/// field added to the report does not compile until it is decided here whether it can carry
/// repository text.
pub fn analysis(analysis: Analysis) -> Analysis {
    let Analysis {
        mut report,
        snippets,
    } = analysis;
    redact_report(&mut report);
    Analysis {
        report,
        snippets: redact_snippets(&snippets),
    }
}

fn redact_report(report: &mut Report) {
    let Report {
        schema_version: _,
        tool: _,
        run,
        summary: _,
        categories: _,
        checks,
        services,
        workspaces,
        findings,
        fixed,
        rules: _,
        errors,
    } = report;
    let super::Run {
        // As the user typed it; a path, but it can still hold a URL with credentials.
        root,
        started_at: _,
        duration_ms: _,
        files_scanned: _,
        stats: _,
        config,
        source,
    } = run;
    in_place(root);
    in_place_opt(config);
    if let Some(source) = source {
        in_place(&mut source.repository);
        in_place_opt(&mut source.remote);
        in_place_opt(&mut source.url_template);
    }
    for check in checks {
        let super::CheckResult {
            rule: _,
            category: _,
            service,
            status: _,
            score: _,
            weight: _,
            findings: _,
            impact: _,
        } = check;
        in_place_opt(service);
    }
    for s in services {
        let super::ServiceReport {
            name,
            kind: _,
            path,
            package,
            dockerfile,
            compose_file,
            score: _,
            rating: _,
            counts: _,
            score_delta: _,
        } = s;
        in_place(name);
        in_place(path);
        in_place_opt(package);
        in_place_opt(dockerfile);
        in_place_opt(compose_file);
    }
    for w in workspaces {
        let super::WorkspaceReport {
            name,
            path,
            package_manager: _,
            package_manager_version,
            lockfile,
            members: _,
        } = w;
        in_place(name);
        in_place(path);
        in_place_opt(package_manager_version);
        in_place_opt(lockfile);
    }
    for f in findings {
        redact_finding(f);
    }
    for super::FixedFinding {
        rule: _,
        fingerprint: _,
        message,
    } in fixed.iter_mut().flatten()
    {
        in_place(message);
    }
    for e in errors {
        let ErrorEntry {
            path,
            message,
            at: _,
            kind: _,
        } = e;
        in_place(path);
        in_place(message);
    }
}

fn redact_finding(f: &mut Finding) {
    let Finding {
        rule: _,
        severity: _,
        category: _,
        message,
        help,
        location,
        related,
        service,
        workspace,
        fingerprint: _,
        baseline_state: _,
        suppressed,
        // Never rendered (serde skip) and already folded into the fingerprint.
        key: _,
        package_dir: _,
    } = f;
    in_place(message);
    in_place(help);
    in_place(&mut location.path);
    for Related {
        path,
        line: _,
        message,
    } in related
    {
        in_place(path);
        in_place(message);
    }
    in_place_opt(service);
    in_place_opt(workspace);
    if let Some(Suppression {
        reason,
        source: _,
        path,
        line: _,
    }) = suppressed
    {
        in_place(reason);
        in_place_opt(path);
    }
}

/// Redacts each whole line (cut at [`SNIPPET_SEARCH_CHARS`]), then stores it with the display
/// cut; paths are redacted as the findings' are, so lookups by a finding's path still meet.
fn redact_snippets(snippets: &Snippets) -> Snippets {
    let mut out = Snippets::default();
    for (path, line, text) in snippets.iter() {
        let text = match text.char_indices().nth(SNIPPET_SEARCH_CHARS) {
            Some((cut, _)) => &text[..cut],
            None => text,
        };
        let (redacted, edits) = text_with_edits(text);
        let moves = edits
            .iter()
            .map(|e| super::ColumnMove {
                start: column_of(text, e.start),
                end: column_of(text, e.end),
                replaced_by: u32::try_from(replacement(&text[e.start..e.end]).chars().count())
                    .unwrap_or(u32::MAX),
            })
            .collect();
        out.insert_redacted(&self::text(path), line, &redacted, moves);
    }
    out
}

/// The 0-based character index of a byte offset.
fn column_of(text: &str, byte: usize) -> u32 {
    u32::try_from(text[..byte].chars().count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        text(s).into_owned()
    }

    /// (input, expected output) pairs: each pattern fires.
    const FIRES: &[(&str, &str)] = &[
        // Credentials in URLs.
        (
            "postgres://admin:hunter2@db:5432/app",
            "postgres://admin:«redacted»@db:5432/app",
        ),
        (
            "https://deploy:S3cr3t@registry.example.com/x.tgz",
            "https://deploy:«redacted»@registry.example.com/x.tgz",
        ),
        ("mysql://root:p@ss@db/app", "mysql://root:«redacted»@db/app"),
        ("redis://:pw@cache:6379", "redis://:«redacted»@cache:6379"),
        (
            "git+https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme/x.git",
            "git+https://«redacted»@github.com/acme/x.git",
        ),
        (
            "https://x-access-token:ghs_abcdefghijklmnopqrstuvwxyz0123456789@github.com/a/b",
            "https://x-access-token:«redacted»@github.com/a/b",
        ),
        (
            "file:../vendor/x.tgz?token=npm_abcdefghijklmnopqrstuvwxyz0123456789",
            "file:../vendor/x.tgz?token=«redacted»",
        ),
        (
            "https://h/x?a=1&access_token=abc&b=2",
            "https://h/x?a=1&access_token=«redacted»&b=2",
        ),
        ("https://h/x?auth=abc", "https://h/x?auth=«redacted»"),
        ("https://h/x?key=abc#f", "https://h/x?key=«redacted»#f"),
        (
            "https://h/x?password=abc",
            "https://h/x?password=«redacted»",
        ),
        ("https://h/x?secret=abc", "https://h/x?secret=«redacted»"),
        (
            "https://h/x?sv=1&sig=abc%2F",
            "https://h/x?sv=1&sig=«redacted»",
        ),
        (
            "https://b.s3.amazonaws.com/k?X-Amz-Signature=abc123&X-Amz-Credential=AK%2F",
            "https://b.s3.amazonaws.com/k?X-Amz-Signature=«redacted»&X-Amz-Credential=«redacted»",
        ),
        (
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "https://hooks.slack.com/services/«redacted»",
        ),
        // Token shapes.
        ("key AKIAIOSFODNN7EXAMPL2 here", "key AKIA«redacted» here"),
        ("ASIAABCDEFGHIJKLMNOP", "ASIA«redacted»"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_«redacted»"),
        ("gho_abcdefghijklmnopqrstuvwxyz0123456789", "gho_«redacted»"),
        ("ghu_abcdefghijklmnopqrstuvwxyz0123456789", "ghu_«redacted»"),
        ("ghs_abcdefghijklmnopqrstuvwxyz0123456789", "ghs_«redacted»"),
        ("ghr_abcdefghijklmnopqrstuvwxyz0123456789", "ghr_«redacted»"),
        (
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "github_pat_«redacted»",
        ),
        ("glpat-abcdefghij0123456789", "glpat-«redacted»"),
        ("npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm_«redacted»"),
        ("xoxb-1234567890-1234567890-abcdefghijkl", "xoxb-«redacted»"),
        ("xoxp-1234567890-abcdef", "xoxp-«redacted»"),
        ("xapp-1-A0123456789-abcdef", "xapp-«redacted»"),
        ("sk_live_abcdefghij0123", "sk_live_«redacted»"),
        ("AIzaSyA0123456789abcdefghijklmnopqrstuv", "AIza«redacted»"),
        (
            "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U;",
            "Bearer «redacted»;",
        ),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0",
            "«redacted»",
        ),
        (
            r#"const k = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";"#,
            r#"const k = "-----BEGIN RSA PRIVATE KEY-----«redacted»";"#,
        ),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "-----BEGIN OPENSSH PRIVATE KEY-----",
        ),
        (
            "-----BEGIN PRIVATE KEY----- MIIEvQIBADANBg",
            "-----BEGIN PRIVATE KEY-----«redacted»",
        ),
        // Values of secret-like keys.
        ("DB_PASSWORD=hunter2", "DB_PASSWORD=«redacted»"),
        ("export API_KEY=abc123", "export API_KEY=«redacted»"),
        (
            "SESSION_SECRET=two words # prod",
            "SESSION_SECRET=«redacted» # prod",
        ),
        ("  DB_PASSWORD: hunter two", "  DB_PASSWORD: «redacted»"),
        (
            "      - POSTGRES_PASSWORD=hunter2",
            "      - POSTGRES_PASSWORD=«redacted»",
        ),
        (
            "ENV A=1 NPM_TOKEN=abc B=2",
            "ENV A=1 NPM_TOKEN=«redacted» B=2",
        ),
        ("ENV NPM_TOKEN abc def", "ENV NPM_TOKEN «redacted»"),
        ("ARG GITHUB_TOKEN=abc", "ARG GITHUB_TOKEN=«redacted»"),
        (
            "//registry.npmjs.org/:_authToken=abc123",
            "//registry.npmjs.org/:_authToken=«redacted»",
        ),
        (
            "//npm.pkg.github.com/:_auth=dXNlcjpwYXNz",
            "//npm.pkg.github.com/:_auth=«redacted»",
        ),
        (
            r#"{"password": "hunter2", "user": "a"}"#,
            r#"{"password": "«redacted»", "user": "a"}"#,
        ),
        (r#"{ apiKey: 'abc' }"#, r#"{ apiKey: '«redacted»' }"#),
        (
            r#"{version: "3", x: {DB_PASSWORD: hunter2, A: b}}"#,
            r#"{version: "3", x: {DB_PASSWORD: «redacted» A: b}}"#,
        ),
        ("clientSecret=abc", "clientSecret=«redacted»"),
        ("GITHUBTOKEN=abc", "GITHUBTOKEN=«redacted»"),
        (
            r#"RUN NPM_TOKEN=abc npm ci"#,
            r#"RUN NPM_TOKEN=«redacted» npm ci"#,
        ),
        // Several secrets in one string, each replaced.
        (
            r#"a: "AKIAIOSFODNN7EXAMPL2", db: "postgres://u:p@h""#,
            r#"a: "AKIA«redacted»", db: "postgres://u:«redacted»@h""#,
        ),
        // A benign value is searched again: the token inside is still found.
        (
            r#""csrf-token": "link:../vendor/ghp_abcdefghijklmnopqrstuvwxyz0123456789""#,
            r#""csrf-token": "link:../vendor/ghp_«redacted»""#,
        ),
    ];

    /// Strings that must come out exactly as they went in.
    const QUIET: &[&str] = &[
        "^1.2.3",
        "workspace:*",
        "https://registry.npmjs.org/x",
        "https://registry.npmjs.org/@scope/pkg/-/pkg-1.0.0.tgz",
        "git+ssh://git@github.com/acme/x.git",
        "git@github.com:acme/x.git",
        "http://localhost:3000/path?page=2",
        "`NPM_TOKEN` is read but never set",
        "ARG NPM_TOKEN",
        "set NPM_TOKEN in the CI settings",
        "DB_PASSWORD=${DB_PASSWORD}",
        "DB_PASSWORD: $DB_PASSWORD",
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
        "NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
        "requireToken: true",
        "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        "commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904 is the empty tree",
        r#""jsonwebtoken": "^9.0.2","#,
        r#""js-tokens": "^4.0.0""#,
        "    js-tokens: 4.0.0",
        r#""secret-handshake": ">=1.0.0 <2""#,
        r#""@aws-sdk/client-secrets-manager": "^3.0.0""#,
        r#"add "csrf-token": "workspace:*" to dependencies"#,
        "pnpm-lock.yaml has no importer for services/auth",
        "`left-pad` is declared as `^1.0.0` here but as `^1.3.0` in 2 other workspaces",
        "akia is not a key, nor is AKIA alone",
        "ghp_short",
        "eyJhbGciOiJIUzI1NiJ9 alone is just a header",
        "-----BEGIN PUBLIC KEY-----",
        "monkey=banana",
        "«redacted»",
        "",
    ];

    #[test]
    fn each_pattern_fires_on_its_vectors() {
        for (input, expected) in FIRES {
            assert_eq!(&r(input), expected, "redacting {input:?}");
        }
    }

    #[test]
    fn benign_strings_are_unchanged_and_borrowed() {
        for input in QUIET {
            let out = text(input);
            assert!(
                matches!(out, Cow::Borrowed(_)),
                "{input:?} became {:?}",
                out.as_ref()
            );
        }
    }

    #[test]
    fn every_pattern_has_a_firing_vector() {
        let compiled = &*COMPILED;
        for (i, pattern) in SECRET_PATTERNS.iter().enumerate() {
            let (whole, _) = compiled.groups[i];
            let fired = FIRES.iter().any(|(input, _)| {
                let mut locations = compiled.regex.capture_locations();
                let mut at = 0;
                while let Some(m) = compiled.regex.captures_read_at(&mut locations, input, at) {
                    if locations.get(whole).is_some() {
                        return true;
                    }
                    at = next_char(input, m.start());
                }
                false
            });
            assert!(fired, "no vector in FIRES exercises {}", pattern.id);
        }
    }

    #[test]
    fn redaction_is_idempotent_and_keeps_quotes() {
        for (input, _) in FIRES {
            let once = r(input);
            assert_eq!(r(&once), once, "redacting {input:?} twice");
        }
        assert_eq!(r(r#"TOKEN="a b""#), r#"TOKEN="«redacted»""#);
        assert_eq!(r("TOKEN='a b'"), "TOKEN='«redacted»'");
    }

    #[test]
    fn edits_point_into_the_original() {
        let s = "x AKIAIOSFODNN7EXAMPL2 y";
        let (out, edits) = text_with_edits(s);
        assert_eq!(out, "x AKIA«redacted» y");
        assert_eq!(edits, vec![Edit { start: 6, end: 22 }]);
    }

    #[test]
    fn snippet_columns_move_with_the_redacted_text() {
        let mut whole = Snippets::default();
        let line = r#"const k = "AKIAIOSFODNN7EXAMPL2"; require('x');"#;
        whole.insert_whole("a.js", 1, line);
        let shown = redact_snippets(&whole);
        let text = shown.get("a.js", 1).expect("the line");
        assert_eq!(text, r#"const k = "AKIA«redacted»"; require('x');"#);
        // The line is ASCII: byte offsets are 0-based columns.
        let start = u32::try_from(line.find("require").unwrap() + 1).unwrap();
        let end = start + u32::try_from("require('x')".len()).unwrap();
        let (s, e) = shown.shown_span("a.js", 1, start, Some(end));
        let chars: Vec<char> = text.chars().collect();
        let hit: String = chars[(s - 1) as usize..(e.unwrap() - 1) as usize]
            .iter()
            .collect();
        assert_eq!(hit, "require('x')");
        // The secret is columns 16..32: a column inside it moves to the marker (16..26);
        // before it, nothing moves.
        assert_eq!(shown.shown_span("a.js", 1, 20, Some(22)), (16, Some(26)));
        assert_eq!(shown.shown_span("a.js", 1, 3, None), (3, None));
        // Long lines are redacted before they are cut for display.
        let mut long = Snippets::default();
        let line = format!("{}ghp_{}", "x ".repeat(115), "a".repeat(36));
        long.insert_whole("b.js", 1, &line);
        let shown = redact_snippets(&long);
        let text = shown.get("b.js", 1).expect("the line");
        assert!(text.ends_with("ghp_«redac…"), "{text}");
        assert!(!text.contains("ghp_a"));
    }

    #[test]
    fn the_pattern_tables_compile_one_by_one() {
        for p in SECRET_PATTERNS.iter().chain(BENIGN_VALUES) {
            assert!(Regex::new(p.regex).is_ok(), "{} does not compile", p.id);
        }
        // The combined expression too (a group name clash would only show here).
        assert_eq!(COMPILED.groups.len(), SECRET_PATTERNS.len());
    }
}
