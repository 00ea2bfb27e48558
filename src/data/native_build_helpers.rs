//! Dependencies that mean "this package has a native addon to build or fetch" at install time
//! (node-gyp: python3, make and a C++ compiler in the image). `model::native::native_reason` reads it.

use super::Entry;

/// Build helpers; a package depending on one builds native code (or fetches a prebuilt binary).
/// `node-gyp` itself is not one: npm's own libraries (`@npmcli/run-script`) depend on it to run
/// other packages' scripts, and the packages that call it directly are in `known_native.rs`.
pub(crate) const BUILD_HELPERS: &[Entry] = &[
    Entry {
        name: "node-gyp-build",
        reason: "loads a prebuilt addon or builds it with node-gyp when none matches",
        source: "node-gyp-build README",
    },
    Entry {
        name: "node-addon-api",
        reason: "C++ headers for an addon compiled at install time",
        source: "node-addon-api README",
    },
    Entry {
        name: "nan",
        reason: "Native Abstractions for Node: headers for an addon compiled at install time",
        source: "nan README",
    },
    Entry {
        name: "prebuild-install",
        reason: "downloads a prebuilt binary and falls back to node-gyp",
        source: "prebuild-install README",
    },
    Entry {
        name: "@mapbox/node-pre-gyp",
        reason: "downloads a prebuilt binary and falls back to node-gyp",
        source: "@mapbox/node-pre-gyp README",
    },
    Entry {
        name: "node-pre-gyp",
        reason: "the unscoped predecessor of @mapbox/node-pre-gyp",
        source: "@mapbox/node-pre-gyp README (renamed from node-pre-gyp)",
    },
];
