//! What an HTTP healthcheck probes: the host, port, path and method a `curl`, `wget` or
//! `node -e "require('http').get(…)"` command asks for, read from the simple commands of a
//! healthcheck test (`parse::shell`). Used by `compose/healthcheck-route-missing` to compare a
//! probe with the routes the service's code serves (`model::contract::routes`).
//!
//! Reading is conservative: a probe is known only when its URL is a literal in the command
//! (a variable in the path, a script file, a URL assembled by concatenation, a `nc` TCP check
//! or a program seaworthy does not read leave it unknown, and the rule says nothing).

use crate::parse::shell::Command;

/// An HTTP request a healthcheck makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpProbe {
    pub host: String,
    pub port: Option<u16>,
    /// The path as written, with its query (`/health?full=1`); `/` for none.
    pub path: String,
    /// `GET` (or `HEAD`, which Express, Fastify and Nest answer from GET routes) as opposed to
    /// another method (`curl -X POST`, `curl -d …`).
    pub method_is_get: bool,
    /// The program that makes the request (`curl`, `wget`, `node`).
    pub tool: &'static str,
}

impl HttpProbe {
    /// The request as a reader would write it: `GET /health`.
    pub fn describe(&self) -> String {
        let method = if self.method_is_get {
            "GET"
        } else {
            "a request to"
        };
        format!("{method} {}", self.path)
    }

    /// Whether it asks the container itself (`localhost`, a loopback address, `0.0.0.0`) or
    /// one of `own_names` (the service's name, `hostname` or `container_name`), rather than
    /// another service or an outside address.
    pub fn is_local(&self, own_names: &[&str]) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host.starts_with("127.")
            || host == "0.0.0.0"
            || host == "::1"
            || host == "::"
            || own_names.iter().any(|n| n.eq_ignore_ascii_case(host))
    }
}

/// The HTTP request of a healthcheck's commands: the first `curl`, `wget` or `node -e` that
/// runs unconditionally (`a || b`: b runs when a failed, and the check fails then anyway).
/// `None` when there is none, or when its URL is not a literal.
pub fn http_probe(commands: &[Command]) -> Option<HttpProbe> {
    for command in commands.iter().filter(|c| !c.after_or) {
        let probe = match command.program() {
            "curl" => curl(command.args()),
            "wget" => wget(command.args()),
            "node" | "nodejs" | "bun" => node_eval(command.args()),
            _ => continue,
        };
        return probe;
    }
    None
}

/// curl options that take a value (`-o FILE`, `--max-time 5`).
const CURL_VALUE: &[&str] = &[
    "-A",
    "-b",
    "-c",
    "-d",
    "-e",
    "-F",
    "-H",
    "-K",
    "-m",
    "-o",
    "-r",
    "-T",
    "-u",
    "-w",
    "-x",
    "-X",
    "-Y",
    "-y",
    "-z",
    "--cacert",
    "--capath",
    "--cert",
    "--config",
    "--connect-timeout",
    "--connect-to",
    "--cookie",
    "--cookie-jar",
    "--data",
    "--data-ascii",
    "--data-binary",
    "--data-raw",
    "--data-urlencode",
    "--form",
    "--header",
    "--interface",
    "--json",
    "--key",
    "--max-time",
    "--output",
    "--proxy",
    "--range",
    "--referer",
    "--request",
    "--resolve",
    "--retry",
    "--retry-delay",
    "--retry-max-time",
    "--unix-socket",
    "--upload-file",
    "--url",
    "--user",
    "--user-agent",
    "--write-out",
];

/// curl short options that take a value, as the last letter of a cluster (`-so FILE`).
const CURL_SHORT_VALUE: &str = "AbcdeFHKmorTuwxXYyz";

const CURL_BODY: &[&str] = &[
    "-d",
    "-F",
    "-T",
    "--data",
    "--data-ascii",
    "--data-binary",
    "--data-raw",
    "--data-urlencode",
    "--form",
    "--json",
    "--upload-file",
];

fn curl(args: &[String]) -> Option<HttpProbe> {
    let mut url: Option<&str> = None;
    let mut method_is_get = true;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v)),
            _ => (arg.as_str(), None),
        };
        if flag == "--" {
            url = url.or(args.get(i).map(String::as_str));
            break;
        }
        if flag.starts_with("--") {
            if !CURL_VALUE.contains(&flag) {
                if flag == "--head" {
                    method_is_get = true;
                }
                continue;
            }
            let value = option_value(args, &mut i, inline);
            match flag {
                "--url" => url = url.or(value),
                "--request" => method_is_get = value.is_some_and(is_get),
                f if CURL_BODY.contains(&f) => method_is_get = false,
                _ => {}
            }
            continue;
        }
        if let Some(cluster) = flag.strip_prefix('-')
            && !cluster.is_empty()
        {
            // `-fsSo /dev/null`: letters, the first value letter takes the rest or the next word.
            for (at, letter) in cluster.char_indices() {
                if !CURL_SHORT_VALUE.contains(letter) {
                    continue;
                }
                let rest = &cluster[at + letter.len_utf8()..];
                let value = option_value(args, &mut i, Some(rest).filter(|r| !r.is_empty()));
                match letter {
                    'X' => method_is_get = value.is_some_and(is_get),
                    'd' | 'F' | 'T' => method_is_get = false,
                    _ => {}
                }
                break;
            }
            continue;
        }
        url = url.or(Some(arg.as_str()));
    }
    parse_url(url?, "curl", method_is_get)
}

/// The value of an option: written inline (`--max-time=5`, `-o/dev/null`), else the next
/// argument (consumed).
fn option_value<'a>(args: &'a [String], i: &mut usize, inline: Option<&'a str>) -> Option<&'a str> {
    if inline.is_some() {
        return inline;
    }
    *i += 1;
    args.get(*i - 1).map(String::as_str)
}

fn is_get(method: &str) -> bool {
    method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD")
}

/// wget options (GNU and busybox) that take a value.
const WGET_VALUE: &[&str] = &[
    "-O", "-o", "-P", "-T", "-t", "-U", "-Y", "-e", "-a", "-i", "-w",
];
const WGET_LONG_VALUE: &[&str] = &[
    "--body-data",
    "--body-file",
    "--header",
    "--method",
    "--output-document",
    "--output-file",
    "--post-data",
    "--post-file",
    "--timeout",
    "--tries",
    "--user-agent",
    "--wait",
];

fn wget(args: &[String]) -> Option<HttpProbe> {
    let mut url: Option<&str> = None;
    let mut method_is_get = true;
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        if arg.starts_with("--") {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) => (f, Some(v)),
                None => (arg.as_str(), None),
            };
            if !WGET_LONG_VALUE.contains(&flag) {
                continue;
            }
            let value = option_value(args, &mut i, inline);
            match flag {
                "--method" => method_is_get = value.is_some_and(is_get),
                "--post-data" | "--post-file" | "--body-data" | "--body-file" => {
                    method_is_get = false;
                }
                _ => {}
            }
            continue;
        }
        if let Some(cluster) = arg.strip_prefix('-')
            && !cluster.is_empty()
        {
            // `-qO- URL`, `-O /dev/null`, `-T 5`.
            for (at, letter) in cluster.char_indices() {
                let short = format!("-{letter}");
                if !WGET_VALUE.contains(&short.as_str()) {
                    continue;
                }
                if cluster[at + letter.len_utf8()..].is_empty() {
                    i += 1;
                }
                break;
            }
            continue;
        }
        url = url.or(Some(arg.as_str()));
    }
    parse_url(url?, "wget", method_is_get)
}

/// `node -e "require('http').get('http://localhost:3000/health', r => …)"`, `fetch(…)`, or
/// `http.get({ host: 'localhost', port: 3000, path: '/health' }, …)`: the request's literal URL,
/// or literal `path` option (with `localhost` for the host unless a literal `host`/`hostname`
/// option says otherwise).
fn node_eval(args: &[String]) -> Option<HttpProbe> {
    let at = args
        .iter()
        .position(|a| matches!(a.as_str(), "-e" | "--eval" | "-p" | "--print"))?;
    let script = args.get(at + 1)?;
    if !(script.contains("http") || script.contains("fetch")) {
        return None;
    }
    let literals = string_literals(script);
    let urls: Vec<&Literal> = literals
        .iter()
        .filter(|l| l.text.starts_with("http://") || l.text.starts_with("https://"))
        .collect();
    if let [only] = urls.as_slice() {
        // `'http://localhost:' + port + '/health'`: assembled, not read.
        if only.concatenated || only.template {
            return None;
        }
        return parse_url(&only.text, "node", !script.contains("method"));
    }
    if !urls.is_empty() {
        return None;
    }
    // An options object: `path: '/health'`.
    let path = option_literal(script, &literals, "path")?;
    if !path.starts_with('/') {
        return None;
    }
    let host = option_literal(script, &literals, "hostname")
        .or_else(|| option_literal(script, &literals, "host"))
        .unwrap_or_else(|| "localhost".to_string());
    Some(HttpProbe {
        host,
        port: None,
        path,
        method_is_get: !script.contains("method"),
        tool: "node",
    })
}

#[derive(Debug)]
struct Literal {
    text: String,
    /// Where it starts in the script (the quote).
    start: usize,
    /// Written next to a `+`: part of a string built by concatenation.
    concatenated: bool,
    /// A template literal with a `${…}` in it.
    template: bool,
}

/// The string literals of a JavaScript one-liner (`'…'`, `"…"`, `` `…` ``), with escapes
/// kept as written (a healthcheck URL has none).
fn string_literals(script: &str) -> Vec<Literal> {
    let bytes = script.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let quote = bytes[i];
        if !matches!(quote, b'\'' | b'"' | b'`') {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let body_start = i;
        while i < bytes.len() && bytes[i] != quote {
            if bytes[i] == b'\\' {
                i += 1;
            }
            i += 1;
        }
        let end = i.min(bytes.len());
        let text = script.get(body_start..end).unwrap_or_default().to_string();
        i = end + 1;
        let before = script.get(..start).unwrap_or_default().trim_end();
        let after = script
            .get(i.min(script.len())..)
            .unwrap_or_default()
            .trim_start();
        out.push(Literal {
            template: quote == b'`' && text.contains("${"),
            concatenated: before.ends_with('+') || after.starts_with('+'),
            text,
            start,
        });
    }
    out
}

/// The literal value of an object option `name: '…'` in the script.
fn option_literal(script: &str, literals: &[Literal], name: &str) -> Option<String> {
    literals.iter().find_map(|l| {
        let before = script.get(..l.start)?.trim_end().strip_suffix(':')?;
        let key = before
            .trim_end()
            .trim_end_matches(['\'', '"'])
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()?;
        (key == name && !l.concatenated && !l.template).then(|| l.text.clone())
    })
}

/// `http://host:port/path?query` → its parts; `None` for a URL with a variable (`$PORT` is
/// fine in the port, not in the host or path), or that is not HTTP. A URL written without a
/// scheme (`localhost:3000/health`, as curl and wget accept) is read as HTTP.
fn parse_url(url: &str, tool: &'static str, method_is_get: bool) -> Option<HttpProbe> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    if rest.contains("://") {
        return None;
    }
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, p) = v6.split_once(']')?;
        (h, p.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host.contains(['$', '`', '{']) || path.contains(['$', '`', '{']) {
        return None;
    }
    let port = match port {
        Some(p) if p.contains('$') => None,
        Some(p) => Some(p.parse().ok()?),
        None => None,
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_string()
    };
    Some(HttpProbe {
        host: host.to_string(),
        port,
        path,
        method_is_get,
        tool,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::shell;

    fn probe(script: &str) -> Option<HttpProbe> {
        http_probe(&shell::commands(script))
    }

    fn path(script: &str) -> Option<String> {
        probe(script).map(|p| p.path)
    }

    #[test]
    fn curl_and_wget_in_every_spelling() {
        assert_eq!(
            path("curl -f http://localhost:3000/health || exit 1").as_deref(),
            Some("/health")
        );
        assert_eq!(
            path("curl -fsSo /dev/null --max-time 5 http://127.0.0.1:8080/api/health?x=1")
                .as_deref(),
            Some("/api/health?x=1")
        );
        assert_eq!(
            path("curl --silent --fail --url=http://localhost/healthz").as_deref(),
            Some("/healthz")
        );
        assert_eq!(path("curl -f localhost:3000").as_deref(), Some("/"));
        assert_eq!(
            path("wget -qO- http://localhost:3000/live").as_deref(),
            Some("/live")
        );
        assert_eq!(
            path("wget --no-verbose --tries=1 --spider http://0.0.0.0:3000/ready").as_deref(),
            Some("/ready")
        );
        assert_eq!(
            path("wget -q -O /dev/null -T 3 http://localhost:4000/health").as_deref(),
            Some("/health")
        );
        let p = probe("curl -X POST http://localhost:3000/graphql").unwrap();
        assert!(!p.method_is_get);
        let p = probe("curl -sf -d '{}' http://localhost:3000/graphql").unwrap();
        assert!(!p.method_is_get);
        let p = probe("curl -I http://localhost:3000/").unwrap();
        assert!(p.method_is_get);
        assert_eq!(p.port, Some(3000));
    }

    #[test]
    fn node_one_liners() {
        assert_eq!(
            path(r#"node -e "require('http').get('http://localhost:3000/health', r => process.exit(r.statusCode === 200 ? 0 : 1))""#)
                .as_deref(),
            Some("/health")
        );
        assert_eq!(
            path(r#"node -e "fetch('http://127.0.0.1:3000/api/v1/health').then(r => process.exit(r.ok ? 0 : 1))""#)
                .as_deref(),
            Some("/api/v1/health")
        );
        assert_eq!(
            path(r#"node -e "require('http').get({ host: 'localhost', port: 3000, path: '/healthz' }, r => process.exit(0))""#)
                .as_deref(),
            Some("/healthz")
        );
    }

    #[test]
    fn unknown_probes_are_not_read() {
        for script in [
            "curl -f http://localhost:3000/$HEALTH_PATH",
            "curl -f http://localhost:3000/${HEALTH_PATH}",
            "curl -f http://$HOST:3000/health",
            "node healthcheck.js",
            "nc -z localhost 3000",
            "pg_isready -U postgres",
            r#"node -e "require('http').get('http://localhost:' + process.env.PORT + '/health')""#,
            r#"node -e "fetch(`http://localhost:3000/${path}`)""#,
            "curl -f ftp://localhost/x",
            "exit 0 || curl -f http://localhost/health",
        ] {
            assert_eq!(probe(script).map(|p| p.path), None, "{script}");
        }
        // The port may be a variable: the path is still known.
        assert_eq!(
            path("curl -f http://localhost:${PORT}/health").as_deref(),
            Some("/health")
        );
    }

    #[test]
    fn local_hosts() {
        let p = probe("curl -f http://api:3000/health").unwrap();
        assert!(p.is_local(&["api"]));
        assert!(!p.is_local(&["web"]));
        assert!(probe("curl http://[::1]:3000/").unwrap().is_local(&[]));
        assert!(!probe("curl https://example.com/").unwrap().is_local(&[]));
    }
}
