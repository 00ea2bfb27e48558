//! Native packages whose install is known to compile, and so to fail, on an image without
//! python3, make and g++, though they load prebuilt binaries where one matches: the packages
//! rules.md names for `docker/native-rebuild-in-slim-runtime`. A package that only loads
//! prebuilt binaries and is not here compiles only when none matches the platform, which the
//! rule reports as a warning. Matched exactly against lockfile package names.

use super::Entry;

pub(crate) const NATIVE_COMPILES: &[Entry] = &[
    Entry {
        name: "argon2",
        reason: "recompiled by `npm ci` on node:20-bullseye-slim and failed with `gyp ERR! find Python` (the seeds' BUG-002); prebuilds do not cover every Node ABI and architecture",
        source: "shared/seeds incident 000; ranisalt/node-argon2#117, #321, #402",
    },
    Entry {
        name: "bcrypt",
        reason: "falls back to node-gyp when node-pre-gyp finds no binary for the Node ABI, libc or architecture",
        source: "kelektiv/node.bcrypt.js README (installation); rules.md",
    },
    Entry {
        name: "canvas",
        reason: "prebuilds are glibc-only for 2.x; elsewhere it compiles against cairo and pango",
        source: "Automattic/node-canvas#1486, #1877",
    },
    Entry {
        name: "better-sqlite3",
        reason: "compiles SQLite with node-gyp when prebuild-install finds no binary",
        source: "WiseLibs/better-sqlite3 docs/troubleshooting.md",
    },
    Entry {
        name: "sqlite3",
        reason: "compiles with node-gyp when no prebuilt binary matches",
        source: "TryGhost/node-sqlite3 README (source install)",
    },
    Entry {
        name: "node-rdkafka",
        reason: "always compiles librdkafka at install",
        source: "Blizzard/node-rdkafka README",
    },
    Entry {
        name: "gl",
        reason: "headless-gl compiles against Mesa/X11 headers",
        source: "stackgl/headless-gl README",
    },
];
