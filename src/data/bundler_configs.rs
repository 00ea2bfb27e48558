//! Stems of bundler config files that can alias module names (`resolve.alias`, virtual modules).
//! `model::bundler_configs` marks the package of a file named `<stem>.<ext>` as aliasing: a bare
//! name no package.json of the repository declares is not reported there.

use super::Entry;

/// Config file stems (the file name up to the extension) of bundlers that can alias module names.
pub(crate) const BUNDLER_CONFIGS: &[Entry] = &[
    Entry {
        name: "vite.config",
        reason: "Vite's resolve.alias and plugins define module names",
        source: "Vite docs: resolve.alias",
    },
    Entry {
        name: "vitest.config",
        reason: "Vitest takes Vite's resolve.alias and plugins",
        source: "Vitest docs: alias",
    },
    Entry {
        name: "webpack.config",
        reason: "webpack's resolve.alias maps module names",
        source: "webpack docs: resolve.alias",
    },
    Entry {
        name: "next.config",
        reason: "Next.js can alias through its webpack and Turbopack options",
        source: "Next.js docs: next.config.js webpack, turbopack.resolveAlias",
    },
    Entry {
        name: "nuxt.config",
        reason: "Nuxt's alias option maps module names",
        source: "Nuxt docs: alias",
    },
    Entry {
        name: "svelte.config",
        reason: "SvelteKit's kit.alias maps module names ($lib among them)",
        source: "SvelteKit docs: kit.alias",
    },
    Entry {
        name: "astro.config",
        reason: "Astro builds with Vite, whose resolve.alias it exposes",
        source: "Astro docs: configuration (vite)",
    },
    Entry {
        name: "rollup.config",
        reason: "Rollup plugins alias and create virtual modules",
        source: "Rollup docs: @rollup/plugin-alias",
    },
    Entry {
        name: "quasar.config",
        reason: "Quasar's build options extend the Vite or webpack aliases",
        source: "Quasar docs: quasar.config build options",
    },
    Entry {
        name: "vue.config",
        reason: "Vue CLI's configureWebpack and chainWebpack can alias names",
        source: "Vue CLI docs: vue.config.js configureWebpack",
    },
    Entry {
        name: "craco.config",
        reason: "CRACO overrides Create React App's webpack config, aliases included",
        source: "CRACO docs: webpack.alias",
    },
    Entry {
        name: "rsbuild.config",
        reason: "Rsbuild's resolve.alias maps module names",
        source: "Rsbuild docs: resolve.alias",
    },
    Entry {
        name: "electron.vite.config",
        reason: "electron-vite wraps a Vite config for main, preload and renderer",
        source: "electron-vite docs: electron.vite.config",
    },
    Entry {
        name: "remix.config",
        reason: "Remix's classic compiler config, which provides virtual modules",
        source: "Remix docs: remix.config.js",
    },
    Entry {
        name: "app.config",
        reason: "Vinxi apps (SolidStart, TanStack Start) configure Vite here",
        source: "SolidStart docs: app.config.ts",
    },
];
