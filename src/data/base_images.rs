//! What common base images contain: libc, a shell, curl, wget, a native toolchain, their users,
//! where `node` lives, and whether they define a healthcheck. Read by `model::docker::image`.
//!
//! An entry matches an image whose repository (registry included, Docker Hub's `library/`
//! dropped) equals `repository`, or starts with it when it ends in `*`, and whose tag matches
//! `tag`: `*` any tag (none included); `*x*` the tag contains `x`; `x*` starts with `x`; else
//! equal. The first entry that matches wins, so variants come before the default. A fact is
//! `Yes`/`No` only where the image's Dockerfile or documentation says so; `Unknown` facts are
//! never used to report anything.

use super::Entry;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Has {
    Yes,
    No,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Libc {
    Glibc,
    Musl,
}

/// Where the `node` binary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeAt {
    /// On `PATH`: `node` by bare name works.
    Path,
    /// Only at this absolute path (distroless: `/nodejs/bin/node`, the image's ENTRYPOINT).
    Absolute(&'static str),
    /// The image has no Node.js.
    Absent,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImageFacts {
    /// A short name for messages: `node slim`, `distroless`, `alpine`.
    pub(crate) kind: &'static str,
    pub(crate) libc: Libc,
    pub(crate) shell: Has,
    pub(crate) curl: Has,
    pub(crate) wget: Has,
    /// python3, make and a C++ compiler: what node-gyp needs to compile an addon.
    pub(crate) toolchain: Has,
    /// The user the image runs as when no `USER` is given.
    pub(crate) default_user: &'static str,
    /// Every user in the image's `/etc/passwd`, when the list is complete; `None` when not known.
    pub(crate) users: Option<&'static [&'static str]>,
    /// Every group in `/etc/group`, when complete.
    pub(crate) groups: Option<&'static [&'static str]>,
    pub(crate) node: NodeAt,
    /// The image defines a HEALTHCHECK of its own.
    pub(crate) healthcheck: Has,
    /// The package manager for OS packages: `apt-get`, `apk`; `None` when there is none.
    pub(crate) os_packages: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct BaseImage {
    pub(crate) repository: &'static str,
    pub(crate) tag: &'static str,
    pub(crate) facts: ImageFacts,
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "why the facts hold and where they are documented; the table test reads it"
        )
    )]
    pub(crate) about: Entry,
}

/// Debian's base users (`/etc/passwd` of debian:bookworm and bullseye).
const DEBIAN_USERS: &[&str] = &[
    "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy",
    "www-data", "backup", "list", "irc", "gnats", "_apt", "nobody",
];
const DEBIAN_GROUPS: &[&str] = &[
    "root", "daemon", "bin", "sys", "adm", "tty", "disk", "lp", "mail", "news", "uucp", "man",
    "proxy", "kmem", "dialout", "fax", "voice", "cdrom", "floppy", "tape", "sudo", "audio", "dip",
    "www-data", "backup", "operator", "list", "irc", "src", "gnats", "shadow", "utmp", "video",
    "sasl", "plugdev", "staff", "games", "users", "nogroup",
];
/// Debian's, plus the `node` user and group (uid/gid 1000) docker-node creates.
const NODE_DEBIAN_USERS: &[&str] = &[
    "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy",
    "www-data", "backup", "list", "irc", "gnats", "_apt", "nobody", "node",
];
const NODE_DEBIAN_GROUPS: &[&str] = &[
    "root", "daemon", "bin", "sys", "adm", "tty", "disk", "lp", "mail", "news", "uucp", "man",
    "proxy", "kmem", "dialout", "fax", "voice", "cdrom", "floppy", "tape", "sudo", "audio", "dip",
    "www-data", "backup", "operator", "list", "irc", "src", "gnats", "shadow", "utmp", "video",
    "sasl", "plugdev", "staff", "games", "users", "nogroup", "node",
];
/// Alpine's base users (`/etc/passwd` of alpine:3.19–3.21).
const ALPINE_USERS: &[&str] = &[
    "root",
    "bin",
    "daemon",
    "adm",
    "lp",
    "sync",
    "shutdown",
    "halt",
    "mail",
    "news",
    "uucp",
    "operator",
    "man",
    "postmaster",
    "cron",
    "ftp",
    "sshd",
    "at",
    "squid",
    "xfs",
    "games",
    "cyrus",
    "vpopmail",
    "ntp",
    "smmsp",
    "guest",
    "nobody",
];
const ALPINE_GROUPS: &[&str] = &[
    "root", "bin", "daemon", "sys", "adm", "tty", "disk", "lp", "mem", "kmem", "wheel", "floppy",
    "mail", "news", "uucp", "man", "cron", "console", "audio", "cdrom", "dialout", "ftp", "sshd",
    "input", "at", "tape", "video", "netdev", "readproc", "squid", "xfs", "kvm", "games", "shadow",
    "cdrw", "www-data", "usb", "vpopmail", "users", "ntp", "nofiles", "smmsp", "locate", "abuild",
    "utmp", "ping", "nogroup", "nobody",
];
const NODE_ALPINE_USERS: &[&str] = &[
    "root",
    "bin",
    "daemon",
    "adm",
    "lp",
    "sync",
    "shutdown",
    "halt",
    "mail",
    "news",
    "uucp",
    "operator",
    "man",
    "postmaster",
    "cron",
    "ftp",
    "sshd",
    "at",
    "squid",
    "xfs",
    "games",
    "cyrus",
    "vpopmail",
    "ntp",
    "smmsp",
    "guest",
    "nobody",
    "node",
];
const NODE_ALPINE_GROUPS: &[&str] = &[
    "root", "bin", "daemon", "sys", "adm", "tty", "disk", "lp", "mem", "kmem", "wheel", "floppy",
    "mail", "news", "uucp", "man", "cron", "console", "audio", "cdrom", "dialout", "ftp", "sshd",
    "input", "at", "tape", "video", "netdev", "readproc", "squid", "xfs", "kvm", "games", "shadow",
    "cdrw", "www-data", "usb", "vpopmail", "users", "ntp", "nofiles", "smmsp", "locate", "abuild",
    "utmp", "ping", "nogroup", "nobody", "node",
];
/// distroless's `/etc/passwd` (base-debian12): root, nobody and nonroot (uid 65532).
const DISTROLESS_USERS: &[&str] = &["root", "nobody", "nonroot"];
const DISTROLESS_GROUPS: &[&str] = &["root", "nobody", "nonroot", "tty", "staff"];

const NODE_FULL: ImageFacts = ImageFacts {
    kind: "node (Debian, full)",
    libc: Libc::Glibc,
    shell: Has::Yes,
    curl: Has::Yes,
    wget: Has::Yes,
    toolchain: Has::Yes,
    default_user: "root",
    users: Some(NODE_DEBIAN_USERS),
    groups: Some(NODE_DEBIAN_GROUPS),
    node: NodeAt::Path,
    healthcheck: Has::No,
    os_packages: Some("apt-get"),
};

const NODE_SLIM: ImageFacts = ImageFacts {
    kind: "node slim",
    curl: Has::No,
    wget: Has::No,
    toolchain: Has::No,
    ..NODE_FULL
};

const NODE_ALPINE: ImageFacts = ImageFacts {
    kind: "node alpine",
    libc: Libc::Musl,
    shell: Has::Yes,
    curl: Has::No,
    // busybox's wget applet.
    wget: Has::Yes,
    toolchain: Has::No,
    default_user: "root",
    users: Some(NODE_ALPINE_USERS),
    groups: Some(NODE_ALPINE_GROUPS),
    node: NodeAt::Path,
    healthcheck: Has::No,
    os_packages: Some("apk"),
};

const DISTROLESS_NODE: ImageFacts = ImageFacts {
    kind: "distroless",
    libc: Libc::Glibc,
    shell: Has::No,
    curl: Has::No,
    wget: Has::No,
    toolchain: Has::No,
    default_user: "root",
    users: Some(DISTROLESS_USERS),
    groups: Some(DISTROLESS_GROUPS),
    node: NodeAt::Absolute("/nodejs/bin/node"),
    healthcheck: Has::No,
    os_packages: None,
};

const DISTROLESS_NODE_NONROOT: ImageFacts = ImageFacts {
    kind: "distroless (nonroot)",
    default_user: "nonroot",
    ..DISTROLESS_NODE
};

/// `:debug` tags add busybox (`/busybox/sh`, and its `wget`).
const DISTROLESS_NODE_DEBUG: ImageFacts = ImageFacts {
    kind: "distroless (debug)",
    shell: Has::Yes,
    wget: Has::Yes,
    ..DISTROLESS_NODE
};

const DISTROLESS_NODE_DEBUG_NONROOT: ImageFacts = ImageFacts {
    kind: "distroless (debug, nonroot)",
    default_user: "nonroot",
    ..DISTROLESS_NODE_DEBUG
};

const DISTROLESS_OTHER: ImageFacts = ImageFacts {
    kind: "distroless",
    node: NodeAt::Absent,
    ..DISTROLESS_NODE
};

const ALPINE: ImageFacts = ImageFacts {
    kind: "alpine",
    users: Some(ALPINE_USERS),
    groups: Some(ALPINE_GROUPS),
    node: NodeAt::Absent,
    ..NODE_ALPINE
};

const DEBIAN_SLIM: ImageFacts = ImageFacts {
    kind: "Debian",
    users: Some(DEBIAN_USERS),
    groups: Some(DEBIAN_GROUPS),
    node: NodeAt::Absent,
    ..NODE_SLIM
};

const PYTHON_FULL: ImageFacts = ImageFacts {
    kind: "python (Debian, full)",
    users: Some(DEBIAN_USERS),
    groups: Some(DEBIAN_GROUPS),
    node: NodeAt::Absent,
    ..NODE_FULL
};

const PYTHON_SLIM: ImageFacts = ImageFacts {
    kind: "python slim",
    // python is the image's point; make and g++ are not there.
    toolchain: Has::No,
    ..DEBIAN_SLIM
};

const PYTHON_ALPINE: ImageFacts = ImageFacts {
    kind: "python alpine",
    ..ALPINE
};

const NGINX: ImageFacts = ImageFacts {
    kind: "nginx",
    libc: Libc::Glibc,
    shell: Has::Yes,
    curl: Has::Yes,
    wget: Has::Unknown,
    toolchain: Has::No,
    default_user: "root",
    users: None,
    groups: None,
    node: NodeAt::Absent,
    healthcheck: Has::No,
    os_packages: Some("apt-get"),
};

const NGINX_ALPINE: ImageFacts = ImageFacts {
    kind: "nginx alpine",
    libc: Libc::Musl,
    wget: Has::Yes,
    curl: Has::Unknown,
    os_packages: Some("apk"),
    ..NGINX
};

const NGINX_UNPRIVILEGED: ImageFacts = ImageFacts {
    kind: "nginx (unprivileged)",
    default_user: "nginx",
    ..NGINX
};

const BUN: ImageFacts = ImageFacts {
    kind: "bun (Debian)",
    libc: Libc::Glibc,
    shell: Has::Yes,
    curl: Has::Unknown,
    wget: Has::Unknown,
    toolchain: Has::No,
    default_user: "root",
    users: None,
    groups: None,
    node: NodeAt::Unknown,
    healthcheck: Has::No,
    os_packages: Some("apt-get"),
};

const BUN_ALPINE: ImageFacts = ImageFacts {
    kind: "bun alpine",
    libc: Libc::Musl,
    wget: Has::Yes,
    curl: Has::No,
    os_packages: Some("apk"),
    ..BUN
};

const BUN_DISTROLESS: ImageFacts = ImageFacts {
    kind: "bun distroless",
    shell: Has::No,
    curl: Has::No,
    wget: Has::No,
    os_packages: None,
    ..BUN
};

const CHAINGUARD_NODE: ImageFacts = ImageFacts {
    kind: "Chainguard node",
    libc: Libc::Glibc,
    shell: Has::No,
    curl: Has::No,
    wget: Has::No,
    toolchain: Has::No,
    default_user: "node",
    users: None,
    groups: None,
    node: NodeAt::Path,
    healthcheck: Has::No,
    os_packages: None,
};

const CHAINGUARD_NODE_DEV: ImageFacts = ImageFacts {
    kind: "Chainguard node (dev)",
    shell: Has::Yes,
    wget: Has::Unknown,
    curl: Has::Unknown,
    os_packages: Some("apk"),
    ..CHAINGUARD_NODE
};

const fn image(
    repository: &'static str,
    tag: &'static str,
    facts: ImageFacts,
    reason: &'static str,
    source: &'static str,
) -> BaseImage {
    BaseImage {
        repository,
        tag,
        facts,
        about: Entry {
            name: repository,
            reason,
            source,
        },
    }
}

const DOCKER_NODE: &str =
    "nodejs/docker-node: README \"Image Variants\" and <version>/<variant>/Dockerfile";
const DISTROLESS: &str = "GoogleContainerTools/distroless: nodejs/README.md, base/README.md; distroless#1773 (node off PATH)";

/// Known base images, most specific first.
pub(crate) const BASE_IMAGES: &[BaseImage] = &[
    image(
        "node",
        "*alpine*",
        NODE_ALPINE,
        "FROM alpine: musl libc, busybox sh and wget, no curl, no python/make/g++; user node (1000) exists",
        DOCKER_NODE,
    ),
    image(
        "node",
        "*slim*",
        NODE_SLIM,
        "curl, wget and the toolchain used to fetch Node are purged (apt-get purge --auto-remove); glibc; user node (1000) exists",
        DOCKER_NODE,
    ),
    image(
        "node",
        "*",
        NODE_FULL,
        "FROM buildpack-deps:<suite>: curl, wget, git, python3, make, g++; glibc; user node (1000) exists",
        DOCKER_NODE,
    ),
    image(
        "gcr.io/distroless/nodejs*",
        "*debug-nonroot*",
        DISTROLESS_NODE_DEBUG_NONROOT,
        "busybox shell in /busybox; runs as nonroot (65532); node at /nodejs/bin/node, off PATH",
        DISTROLESS,
    ),
    image(
        "gcr.io/distroless/nodejs*",
        "*debug*",
        DISTROLESS_NODE_DEBUG,
        "busybox shell in /busybox; runs as root; node at /nodejs/bin/node, off PATH",
        DISTROLESS,
    ),
    image(
        "gcr.io/distroless/nodejs*",
        "*nonroot*",
        DISTROLESS_NODE_NONROOT,
        "no shell, no package manager; runs as nonroot (65532); node at /nodejs/bin/node (the ENTRYPOINT), off PATH",
        DISTROLESS,
    ),
    image(
        "gcr.io/distroless/nodejs*",
        "*",
        DISTROLESS_NODE,
        "no shell, no package manager, no curl or wget; runs as root; node at /nodejs/bin/node (the ENTRYPOINT), off PATH",
        DISTROLESS,
    ),
    image(
        "gcr.io/distroless/*",
        "*nonroot*",
        ImageFacts {
            default_user: "nonroot",
            ..DISTROLESS_OTHER
        },
        "no shell, no Node.js; runs as nonroot (65532)",
        DISTROLESS,
    ),
    image(
        "gcr.io/distroless/*",
        "*",
        DISTROLESS_OTHER,
        "no shell, no Node.js; runs as root",
        DISTROLESS,
    ),
    image(
        "cgr.dev/chainguard/node",
        "*-dev*",
        CHAINGUARD_NODE_DEV,
        "the -dev variant adds a shell and apk; runs as node",
        "Chainguard Images: node README",
    ),
    image(
        "cgr.dev/chainguard/node",
        "*",
        CHAINGUARD_NODE,
        "no shell; runs as node (65532); node on PATH",
        "Chainguard Images: node README",
    ),
    image(
        "oven/bun",
        "*distroless*",
        BUN_DISTROLESS,
        "no shell",
        "oven-sh/bun: dockerhub/distroless/Dockerfile",
    ),
    image(
        "oven/bun",
        "*alpine*",
        BUN_ALPINE,
        "musl, busybox wget",
        "oven-sh/bun: dockerhub/alpine/Dockerfile",
    ),
    image(
        "oven/bun",
        "*",
        BUN,
        "Debian slim with bun; user bun exists",
        "oven-sh/bun: dockerhub/debian/Dockerfile",
    ),
    image(
        "nginxinc/nginx-unprivileged",
        "*",
        NGINX_UNPRIVILEGED,
        "runs as nginx (101)",
        "nginxinc/docker-nginx-unprivileged README",
    ),
    image(
        "nginx",
        "*alpine*",
        NGINX_ALPINE,
        "alpine with nginx; user nginx exists; busybox wget",
        "nginxinc/docker-nginx: mainline/alpine/Dockerfile",
    ),
    image(
        "nginx",
        "*",
        NGINX,
        "Debian slim with nginx and curl; user nginx exists; runs as root",
        "nginxinc/docker-nginx: mainline/debian/Dockerfile",
    ),
    image(
        "python",
        "*alpine*",
        PYTHON_ALPINE,
        "alpine with python; busybox wget",
        "docker-library/python: <version>/alpine<v>/Dockerfile",
    ),
    image(
        "python",
        "*slim*",
        PYTHON_SLIM,
        "Debian slim with python; no curl, wget, make or g++",
        "docker-library/python: <version>/slim-<suite>/Dockerfile",
    ),
    image(
        "python",
        "*",
        PYTHON_FULL,
        "FROM buildpack-deps: curl, wget, make, g++",
        "docker-library/python: <version>/<suite>/Dockerfile",
    ),
    image(
        "alpine",
        "*",
        ALPINE,
        "musl, busybox sh and wget, no curl",
        "alpinelinux/docker-alpine",
    ),
    image(
        "debian",
        "*slim*",
        DEBIAN_SLIM,
        "no curl or wget",
        "debuerreotype/docker-debian-artifacts",
    ),
    image(
        "debian",
        "*",
        DEBIAN_SLIM,
        "the minimal Debian rootfs: no curl or wget",
        "debuerreotype/docker-debian-artifacts",
    ),
    image(
        "ubuntu",
        "*",
        ImageFacts {
            kind: "Ubuntu",
            users: None,
            groups: None,
            ..DEBIAN_SLIM
        },
        "the minimal Ubuntu rootfs: no curl or wget",
        "Canonical's Ubuntu images",
    ),
];

/// The facts of the first entry matching `repository` and `tag`.
pub(crate) fn lookup(repository: &str, tag: Option<&str>) -> Option<&'static BaseImage> {
    BASE_IMAGES
        .iter()
        .find(|b| repository_matches(b.repository, repository) && tag_matches(b.tag, tag))
}

fn repository_matches(pattern: &str, repository: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => repository.starts_with(prefix),
        None => pattern == repository,
    }
}

fn tag_matches(pattern: &str, tag: Option<&str>) -> bool {
    if pattern == "*" {
        return true;
    }
    let tag = tag.unwrap_or("latest");
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(rest), _) if rest.ends_with('*') => tag.contains(&rest[..rest.len() - 1]),
        (_, Some(prefix)) => tag.starts_with(prefix),
        _ => tag == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_entry_wins() {
        let kind = |r: &str, t: Option<&str>| lookup(r, t).map(|b| b.facts.kind);
        assert_eq!(kind("node", Some("20-alpine3.19")), Some("node alpine"));
        assert_eq!(kind("node", Some("20-bookworm-slim")), Some("node slim"));
        assert_eq!(kind("node", Some("20")), Some("node (Debian, full)"));
        assert_eq!(kind("node", None), Some("node (Debian, full)"));
        assert_eq!(
            kind("gcr.io/distroless/nodejs20-debian12", Some("nonroot")),
            Some("distroless (nonroot)")
        );
        assert_eq!(
            kind("gcr.io/distroless/nodejs22-debian12", None),
            Some("distroless")
        );
        assert_eq!(kind("acme/base", Some("1")), None);
    }

    #[test]
    fn every_entry_has_a_reason_and_a_source() {
        for b in BASE_IMAGES {
            assert!(!b.about.reason.is_empty() && !b.about.source.is_empty());
            if let Some(users) = b.facts.users {
                assert!(users.contains(&b.facts.default_user), "{}", b.repository);
            }
        }
    }
}
