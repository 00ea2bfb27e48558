//! Script command fragments of build tools that inline dependencies into their output, so what is
//! declared where matters for the build, not for the running process. `deps::common::is_bundled`
//! looks for them (substring) in a build/dev/start/serve/preview script with a space appended;
//! trailing spaces and quotes in names are deliberate word boundaries.

use super::Entry;

/// Command fragments of bundling build tools, matched as substrings of `"{command} "`.
pub(crate) const BUNDLERS: &[Entry] = &[
    Entry {
        name: "vite",
        reason: "Vite bundles the app for production",
        source: "Vite docs: vite build",
    },
    Entry {
        name: "webpack",
        reason: "webpack bundles modules and their dependencies",
        source: "webpack docs: concepts",
    },
    Entry {
        name: "next ",
        reason: "the Next.js CLI (`next build`), bounded by a space so longer words do not match",
        source: "Next.js docs: next CLI",
    },
    Entry {
        name: "next\"",
        reason: "the Next.js CLI as the last word of a quoted sub-command",
        source: "Next.js docs: next CLI",
    },
    Entry {
        name: "rollup",
        reason: "Rollup bundles libraries and apps",
        source: "Rollup docs: introduction",
    },
    Entry {
        name: "esbuild",
        reason: "esbuild bundles dependencies with --bundle",
        source: "esbuild docs: bundle",
    },
    Entry {
        name: "tsup",
        reason: "tsup bundles TypeScript with esbuild",
        source: "tsup docs",
    },
    Entry {
        name: "parcel",
        reason: "Parcel bundles apps",
        source: "Parcel docs",
    },
    Entry {
        name: "nuxt",
        reason: "Nuxt builds the app and its server with Vite and Nitro",
        source: "Nuxt docs: nuxt build",
    },
    Entry {
        name: "astro",
        reason: "Astro builds sites with Vite",
        source: "Astro docs: astro build",
    },
    Entry {
        name: "ng build",
        reason: "the Angular CLI bundles with esbuild or webpack",
        source: "Angular CLI docs: ng build",
    },
    Entry {
        name: "react-scripts",
        reason: "Create React App bundles with webpack",
        source: "Create React App docs: react-scripts build",
    },
    Entry {
        name: "vue-cli-service",
        reason: "Vue CLI bundles with webpack",
        source: "Vue CLI docs: vue-cli-service build",
    },
    Entry {
        name: "rspack",
        reason: "Rspack is a webpack-compatible bundler",
        source: "Rspack docs",
    },
    Entry {
        name: "unbuild",
        reason: "unbuild bundles libraries with Rollup",
        source: "unbuild README",
    },
    Entry {
        name: "microbundle",
        reason: "microbundle bundles libraries with Rollup",
        source: "microbundle README",
    },
    Entry {
        name: "ncc ",
        reason: "Vercel's ncc compiles a Node.js app and its dependencies into one file",
        source: "@vercel/ncc README",
    },
    Entry {
        name: "bun build",
        reason: "Bun's bundler",
        source: "Bun docs: bun build",
    },
    Entry {
        name: "expo",
        reason: "Expo bundles the app with Metro",
        source: "Expo docs: expo export",
    },
    Entry {
        name: "svelte-kit",
        reason: "the SvelteKit CLI; SvelteKit builds with Vite",
        source: "SvelteKit docs: project structure",
    },
    Entry {
        name: "remix",
        reason: "the Remix CLI builds with esbuild or Vite",
        source: "Remix docs: remix build",
    },
    Entry {
        name: "electron-builder",
        reason: "packages an Electron app; what ships is decided by the packager, not an install",
        source: "electron-builder docs",
    },
    Entry {
        name: "electron-vite",
        reason: "bundles an Electron app's main, preload and renderer with Vite",
        source: "electron-vite docs",
    },
    Entry {
        name: "storybook",
        reason: "`storybook build` bundles stories with Vite or webpack",
        source: "Storybook docs: storybook build",
    },
    Entry {
        name: "plasmo",
        reason: "Plasmo bundles browser extensions with Parcel",
        source: "Plasmo docs",
    },
    Entry {
        name: "vinxi",
        reason: "Vinxi builds apps with Vite and Nitro",
        source: "Vinxi docs",
    },
    Entry {
        name: "tsdown",
        reason: "tsdown bundles libraries with Rolldown",
        source: "tsdown docs",
    },
];

/// Nx and Angular executors (`project.json` `executor`, `angular.json` `builder`) that bundle the
/// project's dependencies into browser output, matched exactly. `@nx/webpack:webpack` and
/// `@nx/esbuild:esbuild` are not here: for a Node target they keep `node_modules` external
/// (`externalDependencies: "all"`, their default), and the process resolves them at run time.
pub(crate) const BUNDLING_EXECUTORS: &[Entry] = &[
    Entry {
        name: "@angular-devkit/build-angular:browser",
        reason: "the Angular CLI's webpack browser builder bundles the app",
        source: "Angular docs: builders (browser)",
    },
    Entry {
        name: "@angular-devkit/build-angular:application",
        reason: "the Angular CLI's esbuild application builder bundles the app",
        source: "Angular docs: application builder",
    },
    Entry {
        name: "@angular-devkit/build-angular:browser-esbuild",
        reason: "the esbuild browser builder bundles the app",
        source: "Angular docs: esbuild builder",
    },
    Entry {
        name: "@angular/build:application",
        reason: "the Angular 17+ application builder bundles the app",
        source: "Angular docs: application builder",
    },
    Entry {
        name: "@angular-builders/custom-webpack:browser",
        reason: "the Angular browser builder with a custom webpack config",
        source: "angular-builders README: custom-webpack",
    },
    Entry {
        name: "@angular-builders/custom-esbuild:application",
        reason: "the Angular application builder with esbuild plugins",
        source: "angular-builders README: custom-esbuild",
    },
    Entry {
        name: "@nx/angular:webpack-browser",
        reason: "Nx's Angular webpack browser executor",
        source: "Nx docs: @nx/angular executors",
    },
    Entry {
        name: "@nx/angular:browser-esbuild",
        reason: "Nx's Angular esbuild browser executor",
        source: "Nx docs: @nx/angular executors",
    },
    Entry {
        name: "@nx/angular:application",
        reason: "Nx's Angular application executor",
        source: "Nx docs: @nx/angular executors",
    },
    Entry {
        name: "@nx/vite:build",
        reason: "Vite bundles the app for production",
        source: "Nx docs: @nx/vite:build",
    },
    Entry {
        name: "@nx/next:build",
        reason: "next build bundles the app",
        source: "Nx docs: @nx/next:build",
    },
    Entry {
        name: "@nx/web:webpack",
        reason: "Nx's web (browser) webpack executor",
        source: "Nx docs: @nx/web (before Nx 17)",
    },
    Entry {
        name: "@nrwl/angular:webpack-browser",
        reason: "the Nx 15 name of @nx/angular:webpack-browser",
        source: "Nx docs: @nrwl to @nx rescope",
    },
    Entry {
        name: "@nrwl/web:webpack",
        reason: "the Nx 15 name of @nx/web:webpack",
        source: "Nx docs: @nrwl to @nx rescope",
    },
    Entry {
        name: "@nrwl/vite:build",
        reason: "the Nx 15 name of @nx/vite:build",
        source: "Nx docs: @nrwl to @nx rescope",
    },
    Entry {
        name: "@nrwl/next:build",
        reason: "the Nx 15 name of @nx/next:build",
        source: "Nx docs: @nrwl to @nx rescope",
    },
];

/// Executors that package an Angular library with ng-packagr, whose dependencies stay external
/// for the app that bundles it. A private package built so is only ever consumed by the
/// repository's own bundled apps, which resolve its imports at build time.
pub(crate) const LIBRARY_EXECUTORS: &[Entry] = &[
    Entry {
        name: "@nx/angular:package",
        reason: "Nx's ng-packagr library executor",
        source: "Nx docs: @nx/angular:package",
    },
    Entry {
        name: "@nx/angular:ng-packagr-lite",
        reason: "Nx's incremental ng-packagr executor",
        source: "Nx docs: @nx/angular:ng-packagr-lite",
    },
    Entry {
        name: "@angular-devkit/build-angular:ng-packagr",
        reason: "the Angular CLI's library builder",
        source: "Angular docs: creating libraries",
    },
    Entry {
        name: "@angular/build:ng-packagr",
        reason: "the Angular 19+ library builder",
        source: "Angular docs: creating libraries",
    },
    Entry {
        name: "@nrwl/angular:package",
        reason: "the Nx 15 name of @nx/angular:package",
        source: "Nx docs: @nrwl to @nx rescope",
    },
];
