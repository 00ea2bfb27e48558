//! Stems of bundler config files that can alias module names (`resolve.alias`, virtual modules).
//! The parser reads the aliases such a file (`<stem>.<ext>`) declares (`parse::typescript::
//! aliases`); a bare name that matches one of them is an alias, not a package. A config whose
//! aliases cannot be read statically, or a framework in [`IMPLICIT_ALIASES`], makes every name
//! no package.json declares a possible alias in that package.

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
        name: "babel.config",
        reason: "babel-plugin-module-resolver's alias option maps module names",
        source: "babel-plugin-module-resolver docs: alias",
    },
    Entry {
        name: "app.config",
        reason: "Vinxi apps (SolidStart, TanStack Start) configure Vite here",
        source: "SolidStart docs: app.config.ts",
    },
];

/// Config stems of frameworks that define bare-looking aliases of their own, beyond what their
/// config file declares: every undeclared name in such a package may be one.
pub(crate) const IMPLICIT_ALIASES: &[Entry] = &[
    Entry {
        name: "nuxt.config",
        reason: "Nuxt aliases `assets`, `public`, `~~`, `@@` and the `#` names itself, and its modules add more",
        source: "Nuxt docs: alias (default aliases)",
    },
    Entry {
        name: "quasar.config",
        reason: "Quasar aliases `src`, `app`, `components`, `layouts`, `pages`, `assets`, `boot` and `stores`",
        source: "Quasar docs: handling webpack/vite, aliases",
    },
    Entry {
        name: "remix.config",
        reason: "Remix's classic compiler provides virtual modules",
        source: "Remix docs: remix.config.js",
    },
];

/// Modules that bundler plugins serve without a package of that name; matched exactly.
pub(crate) const PLUGIN_MODULES: &[Entry] = &[
    Entry {
        name: "uno.css",
        reason: "UnoCSS's Vite and webpack plugins serve the generated stylesheet as `uno.css`",
        source: "UnoCSS docs: Vite integration",
    },
    Entry {
        name: "unfonts.css",
        reason: "unplugin-fonts serves its generated font-face rules as `unfonts.css`",
        source: "unplugin-fonts README: usage (`import 'unfonts.css'`)",
    },
    Entry {
        name: "windi.css",
        reason: "vite-plugin-windicss serves the generated stylesheet as `windi.css`",
        source: "Windi CSS docs: Vite integration",
    },
];

/// The config stem `file_name` (a file name, no folder) is a config of, among `table`.
pub(crate) fn config_stem(table: &'static [Entry], file_name: &str) -> Option<&'static str> {
    super::names(table).find(|c| {
        file_name
            .strip_prefix(c)
            .is_some_and(|rest| rest.starts_with('.'))
    })
}
