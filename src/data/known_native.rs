//! Packages known to build native code at install without depending on a build helper. Read by
//! `model::native::native_reason`; the reason is the text shown for the package.

use super::Entry;

/// Packages that build native code without a helper, each with why.
pub(crate) const KNOWN_NATIVE: &[Entry] = &[
    Entry {
        name: "node-sass",
        reason: "runs its own install script that compiles libsass with node-gyp",
        source: "package's README / package.json scripts",
    },
    Entry {
        name: "re2",
        reason: "compiles Google's RE2 with node-gyp when no prebuilt artifact matches",
        source: "package's README / package.json scripts",
    },
    Entry {
        name: "cpu-features",
        reason: "compiles with node-gyp (buildcheck) at install; an optional dependency of ssh2",
        source: "package's package.json scripts; ssh2's optionalDependencies",
    },
    Entry {
        name: "dtrace-provider",
        reason: "compiles a DTrace addon with node-gyp at install",
        source: "package's README / package.json scripts",
    },
    Entry {
        name: "libxmljs",
        reason: "compiles libxml2 bindings at install",
        source: "package's README / package.json scripts",
    },
    Entry {
        name: "libxmljs2",
        reason: "compiles libxml2 bindings at install",
        source: "package's README / package.json scripts",
    },
    Entry {
        name: "zeromq",
        reason: "builds libzmq bindings (cmake-ts) when no prebuilt binary matches",
        source: "package's README / package.json scripts",
    },
];
