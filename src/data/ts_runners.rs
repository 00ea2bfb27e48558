//! Command fragments that run TypeScript without a compile step. `deps/unbuilt-workspace-entry`
//! looks for them (substring) in start scripts with a space appended; a service whose start script
//! has one is not a compiled service. Trailing spaces and quotes are deliberate word boundaries.

use super::Entry;

/// Command fragments of TypeScript runners, matched as substrings of `"{command} "`.
pub(crate) const TS_RUNNERS: &[Entry] = &[
    Entry {
        name: "ts-node",
        reason: "runs TypeScript directly, compiling in memory",
        source: "ts-node README",
    },
    Entry {
        name: "tsx ",
        reason: "the tsx runner, bounded by a space so longer words do not match",
        source: "tsx docs",
    },
    Entry {
        name: "tsx\"",
        reason: "the tsx runner as the last word of a quoted sub-command",
        source: "tsx docs",
    },
    Entry {
        name: "bun ",
        reason: "Bun runs TypeScript natively",
        source: "Bun docs: TypeScript",
    },
    Entry {
        name: "ts-node-dev",
        reason: "ts-node with restarts on change",
        source: "ts-node-dev README",
    },
    Entry {
        name: "swc-node",
        reason: "runs TypeScript through SWC (@swc-node/register)",
        source: "@swc-node/register README",
    },
    Entry {
        name: "esno",
        reason: "an esbuild-based TypeScript runner, now an alias of tsx",
        source: "esno README",
    },
    Entry {
        name: "vite-node",
        reason: "runs TypeScript through Vite's transform pipeline",
        source: "vite-node README",
    },
    Entry {
        name: "--loader",
        reason: "node --loader registers a TypeScript loader (ts-node/esm, tsx)",
        source: "Node.js docs: --experimental-loader",
    },
    Entry {
        name: "--import",
        reason: "node --import registers a TypeScript loader (tsx, @swc-node/register/esm)",
        source: "Node.js docs: --import",
    },
    Entry {
        name: "--experimental-strip-types",
        reason: "Node runs TypeScript by stripping its types",
        source: "Node.js docs: --experimental-strip-types",
    },
    Entry {
        name: "deno ",
        reason: "Deno runs TypeScript natively",
        source: "Deno docs: TypeScript support",
    },
];
