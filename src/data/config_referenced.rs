//! Prefixes and names of tooling that configuration files and scripts reference by name, not by
//! import. `deps/unused` does not report a dependency matching one: an entry ending in `/` or `-`
//! is a prefix, any other matches the exact name or the name followed by `-` (`eslint-plugin-x`).

use super::Entry;

/// Tooling packages named from configs and scripts, exact names or prefixes (`/`, `-` endings).
pub(crate) const CONFIG_REFERENCED: &[Entry] = &[
    Entry {
        name: "eslint",
        reason: "the linter's CLI runs from scripts; its configs and plugins are named in its config",
        source: "ESLint docs: configuration files",
    },
    Entry {
        name: "@eslint/",
        reason: "ESLint's own packages (@eslint/js, @eslint/eslintrc) used by its config",
        source: "ESLint docs: configuration files",
    },
    Entry {
        name: "@typescript-eslint/",
        reason: "the parser and plugin named in the ESLint config",
        source: "typescript-eslint docs: getting started",
    },
    Entry {
        name: "prettier",
        reason: "the formatter runs from scripts and editors",
        source: "Prettier docs: CLI",
    },
    Entry {
        name: "@prettier/",
        reason: "Prettier plugins named in its config",
        source: "Prettier docs: plugins",
    },
    Entry {
        name: "stylelint",
        reason: "the CSS linter runs from scripts; its configs are named in its config",
        source: "Stylelint docs: configuration",
    },
    Entry {
        name: "babel",
        reason: "babel-* presets, plugins and integrations are named in Babel's config",
        source: "Babel docs: plugin and preset naming",
    },
    Entry {
        name: "@babel/",
        reason: "Babel's presets, plugins and CLI are named in its config",
        source: "Babel docs: configuration",
    },
    Entry {
        name: "jest",
        reason: "the test runner runs from scripts; jest-* environments are named in its config",
        source: "Jest docs: configuration",
    },
    Entry {
        name: "@jest/",
        reason: "Jest's scoped packages used by its config and setup",
        source: "Jest docs: configuration",
    },
    Entry {
        name: "ts-jest",
        reason: "the Jest transformer and preset named in jest.config",
        source: "ts-jest docs: presets",
    },
    Entry {
        name: "vitest",
        reason: "the test runner runs from scripts",
        source: "Vitest docs: CLI",
    },
    Entry {
        name: "@vitest/",
        reason: "Vitest's coverage providers and UI are named in its config",
        source: "Vitest docs: coverage.provider",
    },
    Entry {
        name: "mocha",
        reason: "the test runner runs from scripts",
        source: "Mocha docs: CLI",
    },
    Entry {
        name: "chai",
        reason: "the assertion library a test setup often exposes as a global (mocha --require, karma-chai)",
        source: "convention: Mocha and Karma setups",
    },
    Entry {
        name: "nyc",
        reason: "the coverage CLI wraps the test command",
        source: "nyc README",
    },
    Entry {
        name: "c8",
        reason: "the coverage CLI wraps the test command",
        source: "c8 README",
    },
    Entry {
        name: "karma",
        reason: "the test runner; karma-* launchers and reporters are named in karma.conf",
        source: "Karma docs: plugins",
    },
    Entry {
        name: "jasmine",
        reason: "the test runner runs from scripts; jasmine-core is loaded by karma-jasmine",
        source: "Jasmine docs",
    },
    Entry {
        name: "@swc/",
        reason: "SWC's core, CLI and Jest transformer are named in configs",
        source: "SWC docs: usage",
    },
    Entry {
        name: "swc-",
        reason: "SWC integrations (swc-loader) are named in bundler configs",
        source: "SWC docs: swc-loader",
    },
    Entry {
        name: "typescript",
        reason: "the tsc compiler runs from scripts",
        source: "TypeScript handbook: tsc CLI",
    },
    Entry {
        name: "tslib",
        reason: "tsc imports its emit helpers from it under importHelpers; code never imports it by hand",
        source: "TypeScript docs: tsconfig importHelpers",
    },
    Entry {
        name: "ts-node",
        reason: "the TypeScript runner runs from scripts and -r ts-node/register",
        source: "ts-node README",
    },
    Entry {
        name: "tsx",
        reason: "the TypeScript runner runs from scripts",
        source: "tsx docs",
    },
    Entry {
        name: "tsconfig-paths",
        reason: "registered with -r tsconfig-paths/register to resolve tsconfig paths",
        source: "tsconfig-paths README",
    },
    Entry {
        name: "@tsconfig/",
        reason: "base tsconfigs named in extends",
        source: "TypeScript handbook: tsconfig bases",
    },
    Entry {
        name: "husky",
        reason: "installs Git hooks from the prepare script",
        source: "husky docs",
    },
    Entry {
        name: "lint-staged",
        reason: "runs linters on staged files from a pre-commit hook",
        source: "lint-staged README",
    },
    Entry {
        name: "@commitlint/",
        reason: "commit message rules named in commitlint.config",
        source: "commitlint docs",
    },
    Entry {
        name: "commitizen",
        reason: "the commit CLI configured in package.json config.commitizen",
        source: "commitizen README",
    },
    Entry {
        name: "cz-",
        reason: "commitizen adapters named in config.commitizen.path",
        source: "commitizen README: adapters",
    },
    Entry {
        name: "nodemon",
        reason: "the file-watching runner of dev scripts",
        source: "nodemon README",
    },
    Entry {
        name: "rimraf",
        reason: "the rm -rf CLI of clean scripts",
        source: "rimraf README",
    },
    Entry {
        name: "cross-env",
        reason: "sets environment variables in scripts on every platform",
        source: "cross-env README",
    },
    Entry {
        name: "dotenv-cli",
        reason: "loads a .env file for a script's command",
        source: "dotenv-cli README",
    },
    Entry {
        name: "concurrently",
        reason: "runs several commands at once from scripts",
        source: "concurrently README",
    },
    Entry {
        name: "npm-run-all",
        reason: "runs scripts in sequence or in parallel (run-s, run-p)",
        source: "npm-run-all README",
    },
    Entry {
        name: "turbo",
        reason: "the Turborepo task runner runs from scripts",
        source: "Turborepo docs: running tasks",
    },
    Entry {
        name: "nx",
        reason: "the Nx CLI runs from scripts and reads nx.json",
        source: "Nx docs: nx CLI",
    },
    Entry {
        name: "@nx/",
        reason: "Nx plugins named as executors and plugins in nx.json and project.json",
        source: "Nx docs: executors",
    },
    Entry {
        name: "@nrwl/",
        reason: "the names of the Nx plugins before Nx 16",
        source: "Nx docs: @nrwl to @nx rescope",
    },
    Entry {
        name: "lerna",
        reason: "the Lerna CLI runs from scripts and reads lerna.json",
        source: "Lerna docs",
    },
    Entry {
        name: "@changesets/",
        reason: "the Changesets CLI and the changelog generators named in its config",
        source: "Changesets docs: .changeset/config.json",
    },
    Entry {
        name: "webpack",
        reason: "the webpack CLI runs from scripts; webpack-* plugins and loaders are named in its config",
        source: "webpack docs: loaders",
    },
    Entry {
        name: "@webpack-cli/",
        reason: "webpack-cli's subcommand packages (serve, generators)",
        source: "webpack-cli README",
    },
    Entry {
        name: "postcss",
        reason: "PostCSS and its postcss-* plugins are named in postcss.config",
        source: "PostCSS docs: usage",
    },
    Entry {
        name: "autoprefixer",
        reason: "the PostCSS plugin named in postcss.config",
        source: "Autoprefixer README",
    },
    Entry {
        name: "tailwindcss",
        reason: "named in postcss.config and loaded from CSS",
        source: "Tailwind CSS docs: installation",
    },
    Entry {
        name: "@tailwindcss/",
        reason: "Tailwind's plugins and its PostCSS and Vite integrations",
        source: "Tailwind CSS docs: installation",
    },
    Entry {
        name: "sass",
        reason: "the compiler bundlers load for .scss files",
        source: "Vite docs: CSS pre-processors",
    },
    Entry {
        name: "less",
        reason: "the compiler bundlers load for .less files",
        source: "Vite docs: CSS pre-processors",
    },
    Entry {
        name: "vite",
        reason: "the Vite CLI runs from scripts",
        source: "Vite docs: command line interface",
    },
    Entry {
        name: "@vitejs/",
        reason: "Vite's official plugins, named in vite.config",
        source: "Vite docs: official plugins",
    },
    Entry {
        name: "rollup",
        reason: "the Rollup CLI runs from scripts",
        source: "Rollup docs: command line interface",
    },
    Entry {
        name: "@rollup/",
        reason: "Rollup plugins named in rollup.config",
        source: "Rollup docs: plugins",
    },
    Entry {
        name: "esbuild",
        reason: "the esbuild CLI runs from scripts and other tools load it",
        source: "esbuild docs: CLI",
    },
    Entry {
        name: "tsup",
        reason: "the tsup CLI runs from scripts",
        source: "tsup docs",
    },
    Entry {
        name: "@nestjs/cli",
        reason: "the nest CLI runs from scripts",
        source: "NestJS docs: CLI overview",
    },
    Entry {
        name: "@nestjs/schematics",
        reason: "the schematics collection named in nest-cli.json",
        source: "NestJS docs: CLI workspaces",
    },
    Entry {
        name: "@angular-devkit/",
        reason: "Angular builders named in angular.json",
        source: "Angular CLI docs: angular.json builders",
    },
    Entry {
        name: "@angular/cli",
        reason: "the ng CLI runs from scripts",
        source: "Angular CLI docs",
    },
    Entry {
        name: "@angular/compiler-cli",
        reason: "the Angular compiler the build loads",
        source: "Angular docs: compiler-cli",
    },
    Entry {
        name: "source-map-support",
        reason: "registered with node -r source-map-support/register",
        source: "source-map-support README",
    },
    Entry {
        name: "size-limit",
        reason: "the size-limit CLI runs from scripts and loads every @size-limit/* plugin the package declares",
        source: "size-limit README: plugins",
    },
    Entry {
        name: "@size-limit/",
        reason: "size-limit plugins, loaded from the package's dependencies without being named",
        source: "size-limit README: plugins",
    },
    Entry {
        name: "pino-pretty",
        reason: "piped to from scripts or named as a pino transport target",
        source: "pino docs: transports",
    },
    Entry {
        name: "@playwright/",
        reason: "the Playwright test runner runs from scripts",
        source: "Playwright docs: running tests",
    },
    Entry {
        name: "playwright",
        reason: "the Playwright CLI installs browsers and runs tests from scripts",
        source: "Playwright docs: CLI",
    },
    Entry {
        name: "cypress",
        reason: "the Cypress CLI runs from scripts",
        source: "Cypress docs: command line",
    },
    Entry {
        name: "storybook",
        reason: "the Storybook CLI runs from scripts",
        source: "Storybook docs: CLI",
    },
    Entry {
        name: "@storybook/",
        reason: "Storybook addons and frameworks named in .storybook/main",
        source: "Storybook docs: addons",
    },
    Entry {
        name: "@types/",
        reason: "type packages TypeScript includes without an import",
        source: "TypeScript docs: tsconfig types",
    },
    Entry {
        name: "reflect-metadata",
        reason: "the decorator metadata polyfill, loaded once for its side effect",
        source: "reflect-metadata README",
    },
    Entry {
        name: "pg",
        reason: "the PostgreSQL driver ORMs and query builders load by the client named in their config",
        source: "Knex docs: client; TypeORM docs: data source type",
    },
    Entry {
        name: "mysql2",
        reason: "the MySQL driver ORMs and query builders load by the client named in their config",
        source: "Knex docs: client; Sequelize docs: dialects",
    },
    Entry {
        name: "sqlite3",
        reason: "the SQLite driver ORMs and query builders load by the client named in their config",
        source: "Knex docs: client",
    },
    Entry {
        name: "better-sqlite3",
        reason: "the SQLite driver query builders load by the client named in their config",
        source: "Knex docs: client",
    },
    Entry {
        name: "tedious",
        reason: "the SQL Server driver ORMs load for an mssql dialect",
        source: "Sequelize docs: dialects",
    },
    Entry {
        name: "oracledb",
        reason: "the Oracle driver ORMs and query builders load by the client named in their config",
        source: "Knex docs: client",
    },
    Entry {
        name: "@prisma/",
        reason: "Prisma's client and engines, used through the prisma CLI and generated code",
        source: "Prisma docs: Prisma Client",
    },
    Entry {
        name: "prisma",
        reason: "the prisma CLI runs from scripts (generate, migrate)",
        source: "Prisma docs: Prisma CLI",
    },
];
