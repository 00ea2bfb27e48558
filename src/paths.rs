//! Repository-relative path arithmetic. Paths are `/`-separated, relative to the root, with
//! `""` for the root itself. Anything that would climb above the root yields `None`.

/// Joins `rel` (as written in a file: `./x`, `../y`, `z/`) onto the directory `dir`.
pub(crate) fn join(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') {
        // An absolute path inside a repository file points at the machine, not the repository.
        return None;
    }
    // Built in one buffer (every relative import of every file is joined): no part holds a
    // `/`, so `..` drops what follows the last one.
    let mut out = String::with_capacity(dir.len() + rel.len() + 1);
    let push = |out: &mut String, part: &str| {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(part);
    };
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        push(&mut out, part);
    }
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                out.truncate(out.rfind('/').unwrap_or(0));
            }
            p => push(&mut out, p),
        }
    }
    Some(out)
}

/// The directory holding `path` (`""` for top-level files).
/// A repository path as a URI path or relative reference: bytes outside RFC 3986's unreserved
/// set and `/` are percent-encoded (a space, `%`, `#` or `?` in a file name would otherwise
/// change what the URI names). SARIF locations and source-host links both use it.
pub(crate) fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// `path` relative to `dir`, when it lies inside it.
pub(crate) fn strip_dir<'a>(path: &'a str, dir: &str) -> Option<&'a str> {
    if dir.is_empty() {
        return Some(path);
    }
    let rest = path.strip_prefix(dir)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
    }
}

pub(crate) fn is_within(path: &str, dir: &str) -> bool {
    strip_dir(path, dir).is_some()
}

/// Ancestor directories of a file path, nearest first, ending with the root `""`.
pub(crate) fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut current = Some(parent(path));
    std::iter::from_fn(move || {
        let dir = current?;
        current = if dir.is_empty() {
            None
        } else {
            Some(parent(dir))
        };
        Some(dir)
    })
}

/// How a directory is shown to users: the root is `.`.
pub(crate) fn display_dir(dir: &str) -> &str {
    if dir.is_empty() { "." } else { dir }
}

/// Go's `path.Clean` on a slash path: `.` and empty parts dropped, `..` resolved (kept at
/// the front of a relative path, dropped above `/`). Compose cleans mount targets this way
/// (compose-go `loader/normalize.go`), moby's patternmatcher cleans `.dockerignore` patterns.
/// Whether [`clean`] would give `path` back unchanged: relative, no empty, `.` or `..`
/// segment.
pub(crate) fn is_clean(path: &str) -> bool {
    !path.is_empty() && path.split('/').all(|part| !matches!(part, "" | "." | ".."))
}

pub(crate) fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_clean_path_is_what_clean_gives_back() {
        for path in [
            "a",
            "a/b",
            "a/./b",
            "./a",
            "a/",
            "/a",
            "a//b",
            "a/../b",
            "..",
            ".",
            "",
            "a/b/..",
            ".a/b.c",
            "node_modules",
        ] {
            if super::is_clean(path) {
                assert_eq!(super::clean(path), path, "{path:?}");
            }
        }
        for path in ["a", "a/b", ".a/b.c", "apps/api/node_modules"] {
            assert!(super::is_clean(path), "{path:?}");
        }
    }

    use super::*;

    #[test]
    fn joins_and_normalises() {
        assert_eq!(
            join("apps/api", "../../packages/x/").as_deref(),
            Some("packages/x")
        );
        assert_eq!(join("", "./a/./b").as_deref(), Some("a/b"));
        assert_eq!(join("apps", "../.."), None);
        assert_eq!(join("apps", "/etc/passwd"), None);
        // `..` takes back one part of the folder as written, whatever it holds.
        assert_eq!(join("a/./b", "..").as_deref(), Some("a/."));
        assert_eq!(join("a\\b", "..").as_deref(), Some(""));
        assert_eq!(join("a//b/", "..\\c").as_deref(), Some("a/c"));
        assert_eq!(join("", "..").as_deref(), None);
        assert_eq!(join("", "").as_deref(), Some(""));
        assert_eq!(strip_dir("apps/api/src/x.ts", "apps/api"), Some("src/x.ts"));
        assert_eq!(strip_dir("apps/api2/x.ts", "apps/api"), None);
        let a: Vec<_> = ancestors("a/b/c.ts").collect();
        assert_eq!(a, ["a/b", "a", ""]);
    }
}
