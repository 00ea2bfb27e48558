//! Folder names (leading dot removed: `.storybook` is `storybook`) that hold dev-tool configuration.
//! `SourceClass::of` classes a file under one of them (matched exactly) as `SourceClass::DevConfig`.

use super::Entry;

/// Folders of dev-tool configuration.
pub(crate) const CONFIG_DIRS: &[Entry] = &[
    Entry {
        name: "storybook",
        reason: "`.storybook/` holds Storybook's main and preview configuration",
        source: "Storybook docs: .storybook/main",
    },
    Entry {
        name: "husky",
        reason: "`.husky/` holds the Git hooks husky installs",
        source: "husky docs",
    },
    Entry {
        name: "github",
        reason: "`.github/` holds CI workflows and the code of local actions",
        source: "GitHub docs: .github/workflows",
    },
    Entry {
        name: "changeset",
        reason: "`.changeset/` holds the Changesets configuration and release notes",
        source: "Changesets docs: .changeset/config.json",
    },
    Entry {
        name: "vitepress",
        reason: "`.vitepress/` holds the VitePress site configuration and theme",
        source: "VitePress docs: .vitepress/config",
    },
    Entry {
        name: "docusaurus",
        reason: "`.docusaurus/` holds the files Docusaurus generates for its build",
        source: "Docusaurus docs: generated .docusaurus folder",
    },
];
