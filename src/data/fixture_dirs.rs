//! Folder names whose sources are templates, fixtures or examples: their imports belong to the
//! project they are copied into. `SourceClass::of` classes a file under one of them (a path
//! segment, leading dot removed, matched exactly) as `SourceClass::Fixture`; the deps/ rules skip it.

use super::Entry;

/// Folders of templates, fixtures and examples.
pub(crate) const FIXTURE_DIRS: &[Entry] = &[
    Entry {
        name: "fixtures",
        reason: "sample inputs and projects for tests, importing what the simulated project would",
        source: "convention: Jest and Mocha test layouts",
    },
    Entry {
        name: "__fixtures__",
        reason: "the double-underscore spelling of fixtures/",
        source: "convention: Jest-style __tests__/__mocks__ naming",
    },
    Entry {
        name: "__snapshots__",
        reason: "snapshot files the test runner writes next to the tests",
        source: "Jest docs: snapshot testing",
    },
    Entry {
        name: "templates",
        reason: "files a code generator copies into the project it generates",
        source: "Yeoman docs: templatePath() reads ./templates",
    },
    Entry {
        name: "template",
        reason: "the singular of templates/",
        source: "convention: code generator layouts",
    },
    Entry {
        name: "boilerplate",
        reason: "a starter project meant to be copied, with its own dependencies",
        source: "convention: starter-kit repositories",
    },
    Entry {
        name: "boilerplates",
        reason: "the plural of boilerplate/",
        source: "convention: starter-kit repositories",
    },
    Entry {
        name: "scaffold",
        reason: "files a scaffolding tool copies into a new project",
        source: "convention: scaffolding generators",
    },
    Entry {
        name: "scaffolds",
        reason: "the plural of scaffold/",
        source: "convention: scaffolding generators",
    },
    Entry {
        name: "examples",
        reason: "example projects showing how to use a package, with their own dependencies",
        source: "convention: library repositories (examples/ next to src/)",
    },
    Entry {
        name: "example",
        reason: "the singular of examples/",
        source: "convention: library repositories",
    },
    Entry {
        name: "playground",
        reason: "a scratch app for trying a package by hand, not shipped",
        source: "convention: library monorepos (vite's playground/)",
    },
    Entry {
        name: "sandbox",
        reason: "a scratch app for manual experiments, not shipped",
        source: "convention: library monorepos",
    },
    Entry {
        name: "static",
        reason: "a generator's tree of files copied verbatim into the generated project",
        source: "seen in amplication",
    },
];
