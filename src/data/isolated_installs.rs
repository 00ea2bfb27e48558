//! Install commands that install one workspace in isolation (rules.md, `deps/relies-on-hoisting`).
//! `deps::common::isolated_install` looks for them (substring) in a Dockerfile's RUN lines.

use super::Entry;

/// Fragments of commands that install a single workspace without the rest of the monorepo.
pub(crate) const ISOLATED_INSTALLS: &[Entry] = &[
    Entry {
        name: "pnpm deploy",
        reason: "copies one workspace package and its own dependencies to an isolated folder",
        source: "pnpm docs: pnpm deploy",
    },
    Entry {
        name: "turbo prune",
        reason: "writes the subset of the monorepo one workspace needs, to install on its own",
        source: "Turborepo docs: turbo prune",
    },
    Entry {
        name: "yarn workspaces focus",
        reason: "installs one workspace and its dependencies only",
        source: "yarnpkg docs: yarn workspaces focus",
    },
    Entry {
        name: "npx turbo prune",
        reason: "turbo prune run through npx",
        source: "Turborepo docs: turbo prune",
    },
];
