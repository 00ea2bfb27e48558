//! Packages the runtime itself provides although projects declare them as devDependencies.
//! `deps::common::provided_by_runtime` matches a package name exactly; deps/ rules exempt it.

use super::Entry;

/// Packages provided by the host runtime, each with why.
pub(crate) const PROVIDED_BY_RUNTIME: &[Entry] = &[
    Entry {
        name: "electron",
        reason: "Electron apps run inside Electron; electron-builder requires it in devDependencies",
        source: "electron-builder docs",
    },
    Entry {
        name: "vscode",
        reason: "VS Code provides the `vscode` module to extensions",
        source: "VS Code docs: extension API",
    },
    Entry {
        name: "@types/vscode",
        reason: "types only",
        source: "VS Code docs: extension manifest (engines.vscode)",
    },
    Entry {
        name: "obsidian",
        reason: "Obsidian provides its API to plugins",
        source: "obsidian-sample-plugin package.json",
    },
];
