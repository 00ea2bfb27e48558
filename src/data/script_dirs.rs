//! Folder names that hold repository scripts and tools, run by hand or from package.json scripts,
//! never shipped. `SourceClass::of` classes a file as `SourceClass::Script` when a folder of its path
//! (leading dot removed) or one of its `-`/`_` separated words (`migration-scripts`) is one of them.

use super::Entry;

/// Folders (or words of folder names) of scripts and tools.
pub(crate) const SCRIPT_DIRS: &[Entry] = &[
    Entry {
        name: "scripts",
        reason: "scripts run by hand or from package.json scripts, not shipped",
        source: "convention: npm scripts folders",
    },
    Entry {
        name: "script",
        reason: "the singular of scripts/",
        source: "convention: npm scripts folders",
    },
    Entry {
        name: "tools",
        reason: "build and maintenance tools of a repository",
        source: "convention: Nx workspaces (tools/)",
    },
    Entry {
        name: "tooling",
        reason: "build tooling of a monorepo",
        source: "convention: monorepo tooling/ folders",
    },
    Entry {
        name: "benchmarks",
        reason: "benchmarks run by hand",
        source: "convention: library repositories",
    },
    Entry {
        name: "bench",
        reason: "the short spelling of benchmarks/",
        source: "convention: library repositories",
    },
];
