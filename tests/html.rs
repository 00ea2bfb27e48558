//! The HTML report through the public API: repository strings are escaped everywhere (markup,
//! attributes, source snippets, the embedded JSON), the Content-Security-Policy allows exactly
//! the inline stylesheet and script, nothing is loaded from the network, and the report renders
//! for an empty repository and caps the rows of a rule with many findings.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const DATA_OPEN: &str = r#"<script type="application/json" id="seaworthy-data">"#;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scan(path: &Path) -> seaworthy::report::Analysis {
    seaworthy::scan(&seaworthy::ScanOptions::new(path), &|_| {}).expect("scan runs")
}

fn render(path: &Path) -> String {
    seaworthy::report::html::render(&scan(path)).expect("the report renders")
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "seaworthy-html-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().expect("a file path")).expect("create dir");
        std::fs::write(path, text).expect("write file");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The text between `open` and the next `close`.
fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html.find(open).unwrap_or_else(|| panic!("no {open:?}")) + open.len();
    let end = start
        + html[start..]
            .find(close)
            .unwrap_or_else(|| panic!("no {close:?} after {open:?}"));
    &html[start..end]
}

/// The markup without the raw text of `<style>` and `<script>` elements, where `<` is not a tag.
fn markup_only(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    loop {
        let next = ["<style", "<script"]
            .iter()
            .filter_map(|t| rest.find(t).map(|i| (i, *t)))
            .min();
        let Some((i, tag)) = next else { break };
        out.push_str(&rest[..i]);
        let close = if tag == "<style" {
            "</style>"
        } else {
            "</script>"
        };
        let end = rest[i..].find(close).expect("element is closed") + i + close.len();
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Every start tag in the markup (`<a href="#x">` → `a href="#x"`).
fn tags(markup: &str) -> Vec<&str> {
    markup
        .split('<')
        .skip(1)
        .filter_map(|part| part.split_once('>').map(|(tag, _)| tag))
        .filter(|tag| !tag.starts_with('/') && !tag.starts_with('!'))
        .collect()
}

/// The values of attribute `name` in a start tag, quoted or not.
fn attribute_values<'a>(tag: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=");
    let mut values = Vec::new();
    let mut rest = tag;
    while let Some(i) = rest.find(&needle) {
        let value = &rest[i + needle.len()..];
        let (v, tail) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let end = value[1..].find(q).map_or(value.len(), |e| e + 1);
                (&value[1..end], &value[end.min(value.len())..])
            }
            _ => {
                let end = value.find(char::is_whitespace).unwrap_or(value.len());
                (&value[..end], &value[end..])
            }
        };
        values.push(v);
        rest = tail;
    }
    values
}

fn csp(html: &str) -> String {
    let markup = markup_only(html);
    let meta = tags(&markup)
        .into_iter()
        .find(|t| t.starts_with("meta") && t.contains(r#"http-equiv="Content-Security-Policy""#))
        .expect("a CSP meta tag");
    attribute_values(meta, "content")
        .first()
        .expect("CSP content")
        .to_string()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            n |= u32::from(*b) << (16 - 8 * i);
        }
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char
            } else {
                '='
            });
        }
    }
    out
}

fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

#[test]
fn repository_strings_cannot_inject_markup() {
    let analysis = scan(&fixture("html-escaping"));
    let report = &analysis.report;
    // The fixture must actually carry the payloads into the report, or this test proves nothing.
    let mismatch = report
        .findings
        .iter()
        .find(|f| f.rule == "deps/version-mismatch")
        .expect("version mismatch");
    assert_eq!(
        mismatch.workspace.as_deref(),
        Some("<script>alert(1)</script>")
    );
    let link = report
        .findings
        .iter()
        .find(|f| f.rule == "deps/broken-local-link")
        .expect("broken link");
    assert!(link.message.contains("<img src=x"), "{}", link.message);
    assert!(
        analysis
            .snippets
            .get(&link.location.path, link.location.line)
            .unwrap()
            .contains("<img src=x")
    );

    let html = seaworthy::report::html::render(&analysis).unwrap();
    assert!(
        !html.contains("<script>alert(1)"),
        "unescaped workspace name"
    );
    assert!(!html.contains("<img src=x"), "unescaped message or snippet");
    assert!(!html.contains("</pre><img"), "unescaped snippet");
    assert!(
        html.contains("&lt;script&gt;alert(1)"),
        "escaped workspace name"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "escaped message and snippet"
    );
    // The snippet is rendered, escaped, in a <pre>.
    let snippet = between(
        &html,
        r#"<pre class="snippet"><span class="ln">6</span>"#,
        "</pre>",
    );
    assert!(snippet.contains("nowhere&lt;"), "{snippet}");

    // Stable anchors.
    for f in &report.findings {
        assert!(
            html.contains(&format!(r#"id="finding-{}""#, f.fingerprint)),
            "anchor of {}",
            f.fingerprint
        );
    }
    assert!(
        html.contains(r#"id="rule-deps&#x2F;version-mismatch""#)
            || html.contains(r#"id="rule-deps/version-mismatch""#)
    );

    // The CSP forbids remote loads.
    let policy = csp(&html);
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(policy.contains("img-src data:"), "{policy}");
    assert!(
        html.contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none';"#)
    );

    // No network request: every src/href (and any other URL-bearing attribute) stays local.
    let markup = markup_only(&html);
    for tag in tags(&markup) {
        for name in ["src", "href", "action", "srcset", "poster", "data"] {
            for value in attribute_values(tag, name) {
                let lower = value.to_ascii_lowercase();
                assert!(
                    !lower.contains("http:")
                        && !lower.contains("https:")
                        && !lower.starts_with("//"),
                    "remote URL in <{tag}>"
                );
                if name == "href" {
                    assert!(value.starts_with('#'), "non-fragment link in <{tag}>");
                }
            }
        }
        assert!(!tag.starts_with("link"), "<{tag}> would load something");
    }

    // The embedded JSON: no `<` at all, and it parses to the canonical JSON.
    let data = between(&html, DATA_OPEN, "</script>");
    assert!(!data.contains('<'), "`<` in the embedded JSON");
    assert!(!data.contains('\u{2028}') && !data.contains('\u{2029}'));
    let parsed: serde_json::Value = serde_json::from_str(data).expect("embedded JSON parses");
    let canonical: serde_json::Value =
        serde_json::from_str(&seaworthy::report::json::render(report)).unwrap();
    assert_eq!(parsed, canonical);
}

#[test]
fn csp_hashes_match_the_inline_style_and_script() {
    let html = render(&fixture("html-escaping"));
    let policy = csp(&html);
    let directive = |name: &str| {
        policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in {policy}"))
            .to_string()
    };

    assert_eq!(html.matches("<style>").count(), 1, "one inline stylesheet");
    assert_eq!(html.matches("<script>").count(), 1, "one inline script");
    let style = between(&html, "<style>", "</style>");
    let script = between(&html, "<script>", "</script>");
    assert!(style.contains("@media print"));
    assert!(script.contains("hashchange"));
    assert_eq!(
        directive("style-src"),
        format!("style-src {}", csp_hash(style))
    );
    assert_eq!(
        directive("script-src"),
        format!("script-src {}", csp_hash(script))
    );

    // The CSP would block inline style attributes and event handlers: there must be none.
    for tag in tags(&markup_only(&html)) {
        assert!(
            attribute_values(tag, "style").is_empty(),
            "style attribute in <{tag}>"
        );
        assert!(
            !tag.split_whitespace().any(|a| a.starts_with("on")),
            "event handler in <{tag}>"
        );
    }
    // Every other script element is data, which the CSP need not allow.
    let script_tags: Vec<&str> = tags(&html)
        .into_iter()
        .filter(|t| t.starts_with("script"))
        .collect();
    assert!(
        script_tags
            .iter()
            .all(|t| *t == "script" || t.contains(r#"type="application/json""#)),
        "{script_tags:?}"
    );
}

#[test]
fn renders_a_repository_without_findings() {
    let dir = TempDir::new("empty");
    dir.write("package.json", r#"{"name":"x"}"#);
    let analysis = scan(&dir.0);
    assert!(
        analysis.report.findings.is_empty(),
        "{:?}",
        analysis.report.findings
    );
    let html = seaworthy::report::html::render(&analysis).unwrap();
    assert_eq!(
        html,
        seaworthy::report::html::render(&analysis).unwrap(),
        "deterministic"
    );
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("No findings."));
    assert!(html.trim_end().ends_with("</html>"));
    let data = between(&html, DATA_OPEN, "</script>");
    serde_json::from_str::<serde_json::Value>(data).expect("embedded JSON parses");
}

#[test]
fn caps_the_rows_of_a_rule_and_counts_the_rest() {
    // 210 dependencies of `a` disagree with `b` and `c`: 210 version-mismatch findings.
    let dir = TempDir::new("many");
    dir.write(
        "package.json",
        r#"{"name": "root", "private": true, "workspaces": ["packages/*"]}"#,
    );
    let deps = |range: &str| -> String {
        (0..210)
            .map(|i| format!(r#""dep-{i}": "{range}""#))
            .collect::<Vec<_>>()
            .join(",\n    ")
    };
    for (name, range) in [("a", "^1.0.0"), ("b", "^2.0.0"), ("c", "^2.0.0")] {
        dir.write(
            &format!("packages/{name}/package.json"),
            &format!(
                "{{\n  \"name\": \"{name}\",\n  \"dependencies\": {{\n    {}\n  }}\n}}\n",
                deps(range)
            ),
        );
    }
    let analysis = scan(&dir.0);
    let total = analysis
        .report
        .findings
        .iter()
        .filter(|f| f.rule == "deps/version-mismatch")
        .count();
    assert_eq!(total, 210);
    let html = seaworthy::report::html::render(&analysis).unwrap();
    let rows = html.matches(r#"<li class="finding" "#).count();
    assert_eq!(rows, seaworthy::report::html::MAX_ROWS_PER_RULE);
    assert!(html.contains(r#"<span class="more-n">10</span> more are in the JSON report"#));
    // The JSON keeps them all.
    let data: serde_json::Value =
        serde_json::from_str(between(&html, DATA_OPEN, "</script>")).unwrap();
    assert_eq!(
        data["findings"].as_array().unwrap().len(),
        analysis.report.findings.len()
    );
}

#[test]
fn control_and_bidi_characters_stay_inside_escaped_text() {
    let dir = TempDir::new("controls");
    // Raw ESC, BEL and bidi controls (JSON escapes decode to them) next to markup.
    dir.write(
        "package.json",
        r#"{
  "name": "<b>svc\u001b]0;pwned\u0007\u202e</b>",
  "scripts": { "start": "node index.js" },
  "dependencies": { "evil\u001b[2J\u2066<i>": "^1.0.0" }
}
"#,
    );
    dir.write(
        "src/a\u{1b}]0;t\u{7}\u{202e}<u>.js",
        "require('left-pad'); // \u{1b}[2J</pre>\u{200f}\n",
    );
    let analysis = scan(&dir.0);
    let html = seaworthy::report::html::render(&analysis).unwrap();
    let markup = markup_only(&html);
    for tag in ["<b>svc", "\u{2066}<i>", "<u>.js", "</pre>\u{200f}"] {
        assert!(!markup.contains(tag), "unescaped {tag:?}");
    }
    // Escaped, the names are still there, control characters and all, as text.
    assert!(html.contains("&lt;b&gt;svc\u{1b}]0;pwned\u{7}\u{202e}&lt;&#x2F;b&gt;"));
    assert!(html.contains("evil\u{1b}[2J\u{2066}&lt;i&gt;"));
    assert!(html.contains("a\u{1b}]0;t\u{7}\u{202e}&lt;u&gt;.js"));
    assert!(html.contains("\u{1b}[2J&lt;&#x2F;pre&gt;\u{200f}"));
    // The embedded JSON escapes the C0 controls and parses to the canonical report.
    let data = between(&html, DATA_OPEN, "</script>");
    assert!(!data.contains('<') && !data.contains('\u{1b}') && !data.contains('\u{7}'));
    let parsed: serde_json::Value = serde_json::from_str(data).expect("embedded JSON parses");
    let canonical: serde_json::Value =
        serde_json::from_str(&seaworthy::report::json::render(&analysis.report)).unwrap();
    assert_eq!(parsed, canonical);
}

#[test]
fn embeds_the_markdown_summary_for_the_copy_button() {
    const OPEN: &str = r#"<script type="application/json" id="seaworthy-markdown">"#;
    let analysis = scan(&fixture("html-escaping"));
    let html = seaworthy::report::html::render(&analysis).unwrap();
    let embedded = between(&html, OPEN, "</script>");
    // Escaped for a script element: no tag can open or close inside it.
    assert!(
        !embedded.contains('<') && !embedded.contains('>'),
        "{embedded}"
    );
    let text: String = serde_json::from_str(embedded).expect("a JSON string");
    let markdown = seaworthy::report::markdown::render_markdown(
        &analysis.report,
        seaworthy::report::markdown::MAX_CHARS,
    );
    assert_eq!(text, markdown, "the same text as --markdown");
    assert!(text.starts_with("<!-- seaworthy:report v1 -->"));
    // The button is hidden until the script shows it, so a page without JavaScript has no
    // button that does nothing.
    assert!(html.contains(
        r#"<p class="actions" id="actions" hidden><button type="button" id="copy-markdown""#
    ));
}

/// A copy of a committed fixture in a temp dir, to which a test adds a hand-written `.git`.
fn copy_of(name: &str) -> TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create dir");
        for entry in std::fs::read_dir(from).expect("read fixture") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }
    let dir = TempDir::new(name);
    copy(&fixture(name), &dir.0);
    dir
}

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// The attribute values as a browser reads them (tera writes `/` as `&#x2F;`).
fn unescape(s: &str) -> String {
    s.replace("&#x2F;", "/").replace("&amp;", "&")
}

#[test]
fn locations_link_to_the_remote_at_head_without_credentials() {
    let dir = copy_of("html-escaping");
    dir.write(
        ".git/config",
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://ci-bot:s3cr3tT0KEN@github.com/acme/shop.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
    );
    dir.write(".git/HEAD", "ref: refs/heads/main\n");
    dir.write(".git/refs/heads/main", &format!("{SHA}\n"));
    let analysis = scan(&dir.0);
    let html = seaworthy::report::html::render(&analysis).expect("renders");
    let json = seaworthy::report::json::render(&analysis.report);
    for out in [&html, &json] {
        assert!(
            !out.contains("s3cr3tT0KEN") && !out.contains("ci-bot"),
            "credentials leaked"
        );
    }
    let page = unescape(&html);
    assert!(
        page.contains(&format!(
            r#"href="https://github.com/acme/shop/blob/{SHA}/packages/b/package.json#L6""#
        )),
        "GitHub link"
    );
    assert!(
        page.contains("<h1><code>acme/shop</code></h1>"),
        "named by the remote"
    );
    let header = between(&html, "<header", "</header>");
    assert!(
        !header.contains(&*dir.0.to_string_lossy()),
        "absolute path in the header"
    );
    assert!(!unescape(header).contains(&*dir.0.to_string_lossy()));
    let data: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(data["run"]["source"]["commit"], SHA);
    assert_eq!(
        data["run"]["source"]["remote"],
        "https://github.com/acme/shop"
    );
}

#[test]
fn gitlab_and_bitbucket_remotes_and_packed_refs() {
    for (url, link) in [
        (
            "git@gitlab.com:grp/sub/shop.git",
            format!("https://gitlab.com/grp/sub/shop/-/blob/{SHA}/packages/b/package.json#L6"),
        ),
        (
            "ssh://git@bitbucket.org/acme/shop.git",
            format!("https://bitbucket.org/acme/shop/src/{SHA}/packages/b/package.json#lines-6"),
        ),
    ] {
        let dir = copy_of("html-escaping");
        dir.write(
            ".git/config",
            &format!("[remote \"origin\"]\n  url = {url}\n"),
        );
        dir.write(".git/HEAD", "ref: refs/heads/release/1.x\n");
        dir.write(
            ".git/packed-refs",
            &format!(
                "# pack-refs with: peeled fully-peeled sorted\n{SHA} refs/heads/release/1.x\n"
            ),
        );
        let html = unescape(&render(&dir.0));
        assert!(html.contains(&format!(r#"href="{link}""#)), "{url}");
    }
}

#[test]
fn a_gitdir_file_pointing_outside_the_root_is_not_followed() {
    let outside = TempDir::new("outside-git");
    outside.write(
        "config",
        "[remote \"origin\"]\n  url = git@github.com:evil/leak.git\n",
    );
    outside.write("HEAD", &format!("{SHA}\n"));
    let dir = copy_of("html-escaping");
    dir.write(".git", &format!("gitdir: {}\n", outside.0.display()));
    let html = render(&dir.0);
    assert!(!html.contains("evil") && !html.contains(SHA));
    // No remote: the folder's name, not its path.
    assert!(html.contains(&format!(
        "<h1><code>{}</code></h1>",
        dir.0.file_name().unwrap().to_string_lossy()
    )));
    // Inside the root (a worktree-like layout), it is followed.
    dir.write(".gitdirs/wt/HEAD", &format!("{SHA}\n"));
    dir.write(
        ".gitdirs/wt/config",
        "[remote \"origin\"]\n  url = git@github.com:acme/shop\n",
    );
    dir.write(".git", "gitdir: .gitdirs/wt\n");
    let html = unescape(&render(&dir.0));
    assert!(
        html.contains(&format!("/acme/shop/blob/{SHA}/")),
        "followed inside the root"
    );
}

#[test]
fn source_url_template_links_other_hosts() {
    let dir = copy_of("html-escaping");
    dir.write(".git/HEAD", &format!("{SHA}\n"));
    let out = dir.0.join("r.html");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_seaworthy"))
        .arg("scan")
        .arg(&dir.0)
        .args(["--no-progress", "--fail-on", "never", "--html"])
        .arg(&out)
        .args([
            "--source-url",
            "https://git.example.org/shop/{commit}/{path}?l={line}&x=\"1\"",
        ])
        .output()
        .expect("seaworthy runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let html = std::fs::read_to_string(out).expect("report");
    // The whole href is attribute-escaped: the template's quote cannot end the attribute.
    assert!(
        unescape(&html).contains(&format!(
            r#"href="https://git.example.org/shop/{SHA}/packages/b/package.json?l=6&x=&quot;1&quot;""#
        )),
        "template link"
    );
}
