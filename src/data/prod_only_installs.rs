//! Install commands that leave devDependencies out (rules.md, `deps/dev-only-at-runtime`).
//! `deps::common::prod_only_install` looks for them (substring) in a Dockerfile's RUN lines.

use super::Entry;

/// Fragments of install commands that skip devDependencies.
pub(crate) const PROD_ONLY_INSTALLS: &[Entry] = &[
    Entry {
        name: "--omit=dev",
        reason: "npm 7+ leaves devDependencies out",
        source: "npm docs: npm ci --omit",
    },
    Entry {
        name: "--omit dev",
        reason: "the same npm flag with a space",
        source: "npm docs: npm ci --omit",
    },
    Entry {
        name: "--production",
        reason: "npm (legacy), yarn 1 and pnpm skip devDependencies",
        source: "npm docs: npm install --production; yarnpkg docs: yarn install --production",
    },
    Entry {
        name: "--prod",
        reason: "pnpm's production-only install (`pnpm install --prod`)",
        source: "pnpm docs: pnpm install --prod",
    },
    Entry {
        name: "NODE_ENV=production npm ci",
        reason: "npm omits devDependencies when NODE_ENV is production",
        source: "npm docs: config omit",
    },
    Entry {
        name: "NODE_ENV=production npm install",
        reason: "npm omits devDependencies when NODE_ENV is production",
        source: "npm docs: config omit",
    },
    Entry {
        name: "yarn workspaces focus --production",
        reason: "yarn berry installs one workspace without devDependencies",
        source: "yarnpkg docs: yarn workspaces focus",
    },
    Entry {
        name: "npm prune --omit=dev",
        reason: "removes devDependencies after a build",
        source: "npm docs: npm prune --omit",
    },
    Entry {
        name: "npm prune --production",
        reason: "the older spelling of npm prune --omit=dev",
        source: "npm docs: npm prune",
    },
];
