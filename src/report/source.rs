//! Where the scanned files live on their source host, for links from each location to the
//! file and line at the scanned commit.
//!
//! Read from the files in `<root>/.git`, never by running git: `config`'s `[remote "origin"]`
//! url, and `HEAD` → `ref: refs/heads/…` → the loose ref or `packed-refs`. A `.git` *file*
//! (`gitdir: …`, a worktree or submodule) is followed only when the directory it names stays
//! inside the root; nothing outside the root is read, and every file read is a regular file
//! (no link) of at most [`MAX_FILE`] bytes. Credentials in the remote URL are dropped here, so
//! they reach no output.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Larger files in `.git` (a huge `packed-refs`) are not read.
const MAX_FILE: u64 = 4 << 20;

/// The repository as the report names and links it (`run.source`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// `owner/name` from the origin remote, else the root folder's name.
    pub repository: String,
    /// The origin remote as a web address, without credentials (`https://github.com/o/r`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remote: Option<String>,
    /// The HEAD commit.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub commit: Option<String>,
    /// Link to a location: `{path}` (percent-encoded), `{line}` and `{commit}` are replaced.
    /// From `--source-url`, or from a GitHub, GitLab or Bitbucket remote with a commit.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url_template: Option<String>,
}

impl Source {
    /// The link to `path` (repo-relative, POSIX) at `line`, if there is a template.
    pub fn link(&self, path: &str, line: u32) -> Option<String> {
        let template = self.url_template.as_deref()?;
        Some(
            template
                .replace("{path}", &crate::paths::uri_encode(path))
                .replace("{line}", &line.to_string())
                .replace("{commit}", self.commit.as_deref().unwrap_or("HEAD")),
        )
    }
}

/// Reads the source of `root`; `template` is `--source-url`. `root_display` names the
/// repository when there is no remote (its last component, never an absolute path). None when
/// there is no remote, commit or template: the report then names the repository by
/// [`folder_name`].
pub fn read(root: &Path, root_display: &str, template: Option<&str>) -> Option<Source> {
    let git = git_dir(root);
    let remote = git
        .as_deref()
        .and_then(|g| read_small(root, &g.join("config")))
        .and_then(|c| origin_url(&c))
        .and_then(|u| web_remote(&u));
    let commit = git.as_deref().and_then(|g| head_commit(root, g));
    let repository = remote
        .as_ref()
        .map(|r| r.name.clone())
        .unwrap_or_else(|| folder_name(root, root_display));
    let url_template = template.map(str::to_string).or_else(|| {
        let r = remote.as_ref()?;
        commit.as_ref()?;
        r.host.map(|h| h.template(&r.web))
    });
    if remote.is_none() && commit.is_none() && url_template.is_none() {
        return None;
    }
    Some(Source {
        repository,
        remote: remote.map(|r| r.web),
        commit,
        url_template,
    })
}

/// The last component of the root as given (`.` and `..` resolved), never a whole path.
pub fn folder_name(root: &Path, root_display: &str) -> String {
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty())
    };
    name(Path::new(root_display))
        .filter(|n| n != "." && n != "..")
        .or_else(|| root.canonicalize().ok().as_deref().and_then(name))
        .unwrap_or_else(|| "repository".to_string())
}

/// `<root>/.git`, or the directory a `.git` file points at when it stays inside the root.
fn git_dir(root: &Path) -> Option<PathBuf> {
    let dot = root.join(".git");
    let meta = std::fs::symlink_metadata(&dot).ok()?;
    if meta.is_dir() {
        return Some(dot);
    }
    let text = read_small(root, &dot)?;
    let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
    let dir = root.join(target).canonicalize().ok()?;
    let canonical_root = root.canonicalize().ok()?;
    (dir.starts_with(&canonical_root) && dir.is_dir()).then_some(dir)
}

/// A regular file (not a link) inside the root, of at most [`MAX_FILE`] bytes.
fn read_small(root: &Path, path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE {
        return None;
    }
    let canonical = path.canonicalize().ok()?;
    if !canonical.starts_with(root.canonicalize().ok()?) {
        return None;
    }
    std::fs::read_to_string(canonical).ok()
}

/// The `url` of `[remote "origin"]` in a git config.
fn origin_url(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let section: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            in_origin = section == "[remote\"origin\"]";
        } else if in_origin
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "url"
        {
            return Some(value.trim().trim_matches('"').to_string());
        }
    }
    None
}

/// The HEAD commit: a detached hash, or the ref HEAD names (loose, then `packed-refs`).
fn head_commit(root: &Path, git: &Path) -> Option<String> {
    let head = read_small(root, &git.join("HEAD"))?;
    let head = head.trim();
    let Some(name) = head.strip_prefix("ref:").map(str::trim) else {
        return is_hash(head).then(|| head.to_string());
    };
    // A ref name never climbs out of the git directory.
    if !name.starts_with("refs/") || name.split('/').any(|c| c.is_empty() || c == "..") {
        return None;
    }
    if let Some(loose) = read_small(root, &git.join(name)) {
        let hash = loose.trim();
        return is_hash(hash).then(|| hash.to_string());
    }
    let packed = read_small(root, &git.join("packed-refs"))?;
    packed.lines().find_map(|line| {
        let (hash, r) = line.split_once(' ')?;
        (r.trim() == name && is_hash(hash)).then(|| hash.to_string())
    })
}

fn is_hash(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Host {
    GitHub,
    GitLab,
    Bitbucket,
}

impl Host {
    fn template(self, web: &str) -> String {
        match self {
            Host::GitHub => format!("{web}/blob/{{commit}}/{{path}}#L{{line}}"),
            Host::GitLab => format!("{web}/-/blob/{{commit}}/{{path}}#L{{line}}"),
            Host::Bitbucket => format!("{web}/src/{{commit}}/{{path}}#lines-{{line}}"),
        }
    }
}

struct Remote {
    /// `https://host/owner/name`, without credentials, port or `.git`.
    web: String,
    /// `owner/name`.
    name: String,
    host: Option<Host>,
}

/// A remote URL (`https://user:token@host/o/r.git`, `ssh://git@host/o/r`, `git@host:o/r.git`)
/// as a web address, credentials dropped. None for local paths and anything unrecognised.
fn web_remote(url: &str) -> Option<Remote> {
    let (host, path) = if let Some((scheme, rest)) = url.split_once("://") {
        if !matches!(scheme, "https" | "http" | "ssh" | "git" | "git+ssh") {
            return None;
        }
        let (authority, path) = rest.split_once('/')?;
        // Drop `user:token@` and a port.
        let host = authority.rsplit('@').next()?;
        let host = host.split(':').next()?;
        (host.to_string(), path.to_string())
    } else {
        // scp-like: [user@]host:path
        let (left, path) = url.split_once(':')?;
        if left.contains('/') || path.starts_with('/') && left.len() == 1 {
            return None;
        }
        let host = left.rsplit('@').next()?;
        (host.to_string(), path.to_string())
    };
    let host = host.to_ascii_lowercase();
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return None;
    }
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    if path.is_empty()
        || path
            .split('/')
            .any(|s| s.is_empty() || s == ".." || s == ".")
        || !path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b'~'))
    {
        return None;
    }
    let kind = match host.as_str() {
        "github.com" => Some(Host::GitHub),
        "gitlab.com" => Some(Host::GitLab),
        "bitbucket.org" => Some(Host::Bitbucket),
        _ => None,
    };
    Some(Remote {
        web: format!("https://{host}/{path}"),
        name: path.to_string(),
        host: kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_become_web_addresses_without_credentials() {
        for (url, web, name) in [
            ("git@github.com:o/r.git", "https://github.com/o/r", "o/r"),
            (
                "https://user:tok3n@github.com/o/r.git",
                "https://github.com/o/r",
                "o/r",
            ),
            (
                "ssh://git@gitlab.com:22/g/sub/r.git",
                "https://gitlab.com/g/sub/r",
                "g/sub/r",
            ),
            (
                "https://bitbucket.org/o/r",
                "https://bitbucket.org/o/r",
                "o/r",
            ),
        ] {
            let r = web_remote(url).unwrap();
            assert_eq!((r.web.as_str(), r.name.as_str()), (web, name), "{url}");
        }
        for url in ["/srv/git/r.git", "../r", "file:///x/r", "https://h/o/<x>"] {
            assert!(web_remote(url).is_none(), "{url}");
        }
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(
            crate::paths::uri_encode("a b/<x>#?.ts"),
            "a%20b/%3Cx%3E%23%3F.ts"
        );
    }

    #[test]
    fn origin_url_is_read_from_its_section() {
        let config = "[core]\n\turl = no\n[remote \"upstream\"]\n\turl = git@github.com:u/r\n[remote \"origin\"]\n\turl = git@github.com:o/r.git\n";
        assert_eq!(
            origin_url(config).as_deref(),
            Some("git@github.com:o/r.git")
        );
    }
}
