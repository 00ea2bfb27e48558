//! Electron packagers. A package.json that declares `electron` and one of these is an Electron
//! app manifest: its dependencies are what the packager bundles into the app (for the libraries
//! it packages too), so `deps/unused` does not report them. Matched exactly against declared names.

use super::Entry;

/// Packages that build an Electron app from its manifest.
pub(crate) const ELECTRON_PACKAGERS: &[Entry] = &[
    Entry {
        name: "electron-builder",
        reason: "packages an Electron app with the dependencies its manifest declares",
        source: "electron-builder docs: two package.json structure",
    },
    Entry {
        name: "electron-packager",
        reason: "packages an Electron app with the dependencies its manifest declares",
        source: "electron-packager README",
    },
    Entry {
        name: "@electron/packager",
        reason: "packages an Electron app with the dependencies its manifest declares",
        source: "@electron/packager README",
    },
    Entry {
        name: "@electron-forge/cli",
        reason: "Electron Forge packages the app with the dependencies its manifest declares",
        source: "Electron Forge docs",
    },
    Entry {
        name: "electron-forge",
        reason: "Electron Forge (before v6) packages the app with its manifest's dependencies",
        source: "Electron Forge docs",
    },
];
