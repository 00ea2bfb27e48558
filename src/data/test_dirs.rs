//! Folder names that hold tests, test helpers and stories. `SourceClass::of` classes a file under
//! one of them (a path segment, leading dot removed, matched exactly) as `SourceClass::Test`.

use super::Entry;

/// Folders of tests, test helpers, mocks and stories.
pub(crate) const TEST_DIRS: &[Entry] = &[
    Entry {
        name: "test",
        reason: "Mocha's default spec folder and the usual home of tests",
        source: "Mocha docs: default spec ./test",
    },
    Entry {
        name: "tests",
        reason: "the plural of test/",
        source: "convention: Node.js project layouts",
    },
    Entry {
        name: "__tests__",
        reason: "the folder Jest's default testMatch collects",
        source: "Jest docs: testMatch",
    },
    Entry {
        name: "__mocks__",
        reason: "manual mocks Jest substitutes for modules under test",
        source: "Jest docs: manual mocks",
    },
    Entry {
        name: "e2e",
        reason: "end-to-end tests run against a running app",
        source: "convention: Angular CLI e2e/ folder",
    },
    Entry {
        name: "cypress",
        reason: "Cypress specs, support files and fixtures",
        source: "Cypress docs: folder structure",
    },
    Entry {
        name: "playwright",
        reason: "Playwright end-to-end tests",
        source: "convention: Playwright projects (testDir)",
    },
    Entry {
        name: "test-utils",
        reason: "shared helpers for tests",
        source: "Testing Library docs: custom render (test-utils)",
    },
    Entry {
        name: "testing-utils",
        reason: "shared helpers for tests",
        source: "convention: monorepo test helper folders",
    },
    Entry {
        name: "testing",
        reason: "test helpers and testing entry points",
        source: "convention: Angular packages' testing/ entry points",
    },
    Entry {
        name: "mocks",
        reason: "hand-written mocks and mock server handlers used by tests",
        source: "MSW docs: src/mocks/handlers",
    },
    Entry {
        name: "stories",
        reason: "Storybook stories, loaded only by Storybook",
        source: "Storybook docs: stories glob in .storybook/main",
    },
    Entry {
        name: "__stories__",
        reason: "the double-underscore spelling of stories/",
        source: "convention: Storybook projects",
    },
];
