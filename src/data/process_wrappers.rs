//! Programs that start a container's real process for it: inits that forward signals and
//! reap zombies when they are PID 1, and user switches that drop root before exec'ing what
//! follows their arguments. Read by the Docker rules (`rules/docker/mod.rs`: how an image
//! starts; `docker/runs-as-root`: an image that starts as root to drop it). Matched exactly
//! against a program's file name.

use super::Entry;

/// Inits for PID 1.
pub(crate) const INITS: &[Entry] = &[
    Entry {
        name: "tini",
        reason: "a tiny init: forwards signals to its child and reaps zombies",
        source: "krallin/tini README; docker run --init uses it",
    },
    Entry {
        name: "tini-static",
        reason: "tini, statically linked",
        source: "krallin/tini releases",
    },
    Entry {
        name: "dumb-init",
        reason: "a minimal init that forwards signals and reaps zombies",
        source: "Yelp/dumb-init README; docker-node BestPractices.md",
    },
    Entry {
        name: "catatonit",
        reason: "a container init, podman's default for --init",
        source: "openSUSE/catatonit README",
    },
];

/// User switches: started as root, they exec the program as another user.
pub(crate) const USER_SWITCHES: &[Entry] = &[
    Entry {
        name: "su-exec",
        reason: "switches user and group, then execs its arguments (Alpine's gosu)",
        source: "ncopa/su-exec README",
    },
    Entry {
        name: "gosu",
        reason: "switches user and group, then execs its arguments",
        source: "tianon/gosu README",
    },
    Entry {
        name: "s6-setuidgid",
        reason: "s6's user switch before exec",
        source: "skarnet s6 documentation",
    },
    Entry {
        name: "setpriv",
        reason: "util-linux: runs a program with other uid/gid",
        source: "util-linux setpriv(1)",
    },
    Entry {
        name: "runuser",
        reason: "util-linux: runs a command as another user (root only)",
        source: "util-linux runuser(1)",
    },
    Entry {
        name: "su",
        reason: "runs a shell or command as another user",
        source: "su(1)",
    },
    Entry {
        name: "chroot",
        reason: "`chroot --userspec=u:g` drops to a user",
        source: "coreutils chroot(1)",
    },
];
