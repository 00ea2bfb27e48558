//! Commands whose name differs from their package's, for `deps/unused` where the lockfile does
//! not record `bin` (pnpm records only `hasBin`, yarn nothing): a script running `run-s` uses
//! `npm-run-all2`. Each name is `"<package> <command>"`, matched exactly. Where the lockfile
//! records `bin` (npm's package-lock v2/v3) the lockfile is used too.

use super::Entry;

/// `"<package> <command>"`: installing `<package>` provides the command `<command>`.
pub(crate) const PACKAGE_BINS: &[Entry] = &[
    Entry {
        name: "npm-run-all2 run-s",
        reason: "npm-run-all2 installs run-s, run-p and npm-run-all",
        source: "npm-run-all2 package.json bin",
    },
    Entry {
        name: "npm-run-all2 run-p",
        reason: "npm-run-all2 installs run-s, run-p and npm-run-all",
        source: "npm-run-all2 package.json bin",
    },
    Entry {
        name: "npm-run-all2 npm-run-all",
        reason: "npm-run-all2 installs run-s, run-p and npm-run-all",
        source: "npm-run-all2 package.json bin",
    },
    Entry {
        name: "npm-run-all run-s",
        reason: "npm-run-all installs run-s and run-p",
        source: "npm-run-all package.json bin",
    },
    Entry {
        name: "npm-run-all run-p",
        reason: "npm-run-all installs run-s and run-p",
        source: "npm-run-all package.json bin",
    },
    Entry {
        name: "antlr4ts-cli antlr4ts",
        reason: "antlr4ts-cli installs the antlr4ts command",
        source: "antlr4ts-cli package.json bin",
    },
    Entry {
        name: "dotenv-flow-cli dotenv-flow",
        reason: "dotenv-flow-cli installs the dotenv-flow command",
        source: "dotenv-flow-cli package.json bin",
    },
    Entry {
        name: "sirv-cli sirv",
        reason: "sirv-cli installs the sirv command",
        source: "sirv-cli package.json bin",
    },
    Entry {
        name: "@stoplight/spectral-cli spectral",
        reason: "the Spectral CLI's command",
        source: "@stoplight/spectral-cli package.json bin",
    },
    Entry {
        name: "@arethetypeswrong/cli attw",
        reason: "the Are the Types Wrong CLI's command",
        source: "@arethetypeswrong/cli package.json bin",
    },
    Entry {
        name: "@graphql-codegen/cli graphql-codegen",
        reason: "the GraphQL Code Generator CLI's command",
        source: "@graphql-codegen/cli package.json bin",
    },
    Entry {
        name: "@graphql-codegen/cli gql-gen",
        reason: "the GraphQL Code Generator CLI's short command",
        source: "@graphql-codegen/cli package.json bin",
    },
    Entry {
        name: "@import-meta-env/cli import-meta-env",
        reason: "the import-meta-env CLI's command",
        source: "@import-meta-env/cli package.json bin",
    },
    Entry {
        name: "@tauri-apps/cli tauri",
        reason: "the Tauri CLI's command",
        source: "@tauri-apps/cli package.json bin",
    },
    Entry {
        name: "@oclif/dev-cli oclif-dev",
        reason: "the oclif dev CLI's command",
        source: "@oclif/dev-cli package.json bin",
    },
    Entry {
        name: "@digitak/esrun esrun",
        reason: "the esrun runner's command",
        source: "@digitak/esrun package.json bin",
    },
    Entry {
        name: "zapier-platform-cli zapier",
        reason: "the Zapier platform CLI's command",
        source: "zapier-platform-cli package.json bin",
    },
    Entry {
        name: "@angular/cli ng",
        reason: "the Angular CLI's command",
        source: "@angular/cli package.json bin",
    },
    Entry {
        name: "@nestjs/cli nest",
        reason: "the NestJS CLI's command",
        source: "@nestjs/cli package.json bin",
    },
    Entry {
        name: "@vue/cli-service vue-cli-service",
        reason: "the Vue CLI service's command",
        source: "@vue/cli-service package.json bin",
    },
    Entry {
        name: "@microsoft/api-extractor api-extractor",
        reason: "API Extractor's command",
        source: "@microsoft/api-extractor package.json bin",
    },
    Entry {
        name: "@changesets/cli changeset",
        reason: "the Changesets CLI's command",
        source: "@changesets/cli package.json bin",
    },
    Entry {
        name: "@biomejs/biome biome",
        reason: "Biome's command",
        source: "@biomejs/biome package.json bin",
    },
    Entry {
        name: "@sentry/cli sentry-cli",
        reason: "the Sentry CLI's command",
        source: "@sentry/cli package.json bin",
    },
    Entry {
        name: "@redocly/cli redocly",
        reason: "the Redocly CLI's command",
        source: "@redocly/cli package.json bin",
    },
    Entry {
        name: "@lhci/cli lhci",
        reason: "the Lighthouse CI CLI's command",
        source: "@lhci/cli package.json bin",
    },
    Entry {
        name: "@cucumber/cucumber cucumber-js",
        reason: "Cucumber's command",
        source: "@cucumber/cucumber package.json bin",
    },
    Entry {
        name: "@playwright/test playwright",
        reason: "the Playwright test runner's command",
        source: "@playwright/test package.json bin",
    },
    Entry {
        name: "@swc/cli swc",
        reason: "the SWC CLI's command",
        source: "@swc/cli package.json bin",
    },
    Entry {
        name: "@lingui/cli lingui",
        reason: "the Lingui CLI's command",
        source: "@lingui/cli package.json bin",
    },
    Entry {
        name: "@electron/rebuild electron-rebuild",
        reason: "electron-rebuild's command",
        source: "@electron/rebuild package.json bin",
    },
    Entry {
        name: "@vue/cli vue",
        reason: "the Vue CLI's command",
        source: "@vue/cli package.json bin",
    },
];
