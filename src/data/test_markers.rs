//! Fragments of file names that mark tests, stories, benchmarks and test setup. `SourceClass::of`
//! classes a file whose lower-cased name contains one of them as `SourceClass::Test`.

use super::Entry;

/// Substrings of a lower-cased file name that make it a test file.
pub(crate) const TEST_MARKERS: &[Entry] = &[
    Entry {
        name: ".spec.",
        reason: "spec files of Jest, Vitest, Jasmine, Angular and Nest",
        source: "Jest docs: testMatch",
    },
    Entry {
        name: ".test.",
        reason: "test files of Jest, Vitest and node:test",
        source: "Jest docs: testMatch",
    },
    Entry {
        name: "-spec.",
        reason: "hyphenated spec names (`foo-spec.js`, `app.e2e-spec.ts`)",
        source: "convention: Jasmine spec naming",
    },
    Entry {
        name: " spec.",
        reason: "spec names with a space before `spec`",
        source: "convention: spelling variant of -spec.",
    },
    Entry {
        name: ".e2e.",
        reason: "end-to-end test files (`app.e2e.ts`)",
        source: "convention: e2e test naming",
    },
    Entry {
        name: ".e2e-",
        reason: "Nest's end-to-end spec naming (`app.e2e-spec.ts`)",
        source: "Nest CLI: new project test/app.e2e-spec.ts",
    },
    Entry {
        name: ".stories.",
        reason: "Storybook Component Story Format files",
        source: "Storybook docs: *.stories.* files",
    },
    Entry {
        name: ".story.",
        reason: "the singular spelling of story files",
        source: "convention: Storybook projects",
    },
    Entry {
        name: ".bench.",
        reason: "Vitest benchmark files",
        source: "Vitest docs: benchmark.include (*.bench.*)",
    },
    Entry {
        name: ".cy.",
        reason: "Cypress 10+ spec files",
        source: "Cypress docs: specPattern (*.cy.*)",
    },
    Entry {
        name: "setuptests.",
        reason: "Create React App's test setup file (`src/setupTests.js`)",
        source: "Create React App docs: src/setupTests.js",
    },
    Entry {
        name: "test-setup.",
        reason: "test setup files (`src/test-setup.ts`)",
        source: "convention: Nx Jest projects (src/test-setup.ts)",
    },
    Entry {
        name: "jest.setup",
        reason: "Jest setup files (`jest.setup.ts`)",
        source: "Jest docs: setupFilesAfterEnv",
    },
    Entry {
        name: "vitest.setup",
        reason: "Vitest setup files (`vitest.setup.ts`)",
        source: "Vitest docs: setupFiles",
    },
    Entry {
        name: "test-utils.",
        reason: "a test helper module (`test-utils.tsx`)",
        source: "Testing Library docs: custom render (test-utils)",
    },
    Entry {
        name: ".mock.",
        reason: "mock modules used by tests",
        source: "convention: test mocks (*.mock.ts)",
    },
    Entry {
        name: ".fixture.",
        reason: "fixture modules used by tests",
        source: "convention: test fixtures (*.fixture.ts)",
    },
];
