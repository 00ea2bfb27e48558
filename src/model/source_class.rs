//! Source classification: what a file is for, read from its path alone. It decides whether
//! a bad import breaks production (runtime code) or only a test, a dev tool or a script. The
//! folder and file-name lists are data (`src/data/`).

use crate::data::{
    self, config_dirs::CONFIG_DIRS, fixture_dirs::FIXTURE_DIRS, script_dirs::SCRIPT_DIRS,
    test_dirs::TEST_DIRS, test_markers::TEST_MARKERS,
};
use crate::paths;

/// What a file is for: it decides whether a bad import breaks production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceClass {
    /// Shipped and executed.
    Runtime,
    /// `*.spec.*`, `*.test.*`, `__tests__/`, `test/`, `e2e/`, stories, mocks, fixtures.
    Test,
    /// The config of a dev tool (`jest.config.*`, `vite.config.*`, `.eslintrc.js`, …).
    DevConfig,
    /// Repository scripts (`scripts/`, `tools/`), run in development or CI only.
    Script,
    /// Type declarations (`*.d.ts`): read by the type checker only.
    Declaration,
    /// Code that is data for something else: scaffolding templates, test fixtures, examples.
    /// Its imports belong to the project it will be copied into, not to this package.
    Fixture,
}

impl SourceClass {
    pub fn of(path: &str) -> SourceClass {
        Self::classify(path, true)
    }

    /// The class of a file under a fixture folder that other code imports: what its path says
    /// once the fixture folders are left out (never [`SourceClass::Fixture`]).
    pub fn of_imported(path: &str) -> SourceClass {
        Self::classify(path, false)
    }

    fn classify(path: &str, fixtures: bool) -> SourceClass {
        let name = paths::file_name(path);
        if is_declaration_file(path) {
            return SourceClass::Declaration;
        }
        let lower = name.to_ascii_lowercase();
        // Folder names without a leading dot (`.scripts` is `scripts`), for the lists below.
        let dirs: Vec<&str> = path.split('/').map(|d| d.trim_start_matches('.')).collect();
        let dirs = &dirs[..dirs.len().saturating_sub(1)];
        // `apps/web-e2e`, `api-tests`: whole projects of tests.
        let test_project = dirs.iter().any(|d| {
            d.split(['-', '_'])
                .skip(1)
                .any(|t| matches!(t, "e2e" | "test" | "tests" | "spec" | "specs"))
        });
        // A `.template.` file is data for a generator even when the generator imports it.
        if lower.contains(".template.")
            || fixtures && dirs.iter().any(|d| data::contains(FIXTURE_DIRS, d))
        {
            return SourceClass::Fixture;
        }
        if test_project
            || data::names(TEST_MARKERS).any(|m| lower.contains(m))
            || dirs.iter().any(|d| data::contains(TEST_DIRS, d))
        {
            return SourceClass::Test;
        }
        let stem = lower.rsplit_once('.').map_or(lower.as_str(), |(s, _)| s);
        let is_config = stem.ends_with(".config")
            || stem.ends_with(".conf")
            || stem.contains(".config.")
            || (lower.starts_with('.') && stem.ends_with("rc"))
            || stem.starts_with("webpack.")
            || matches!(
                stem,
                "gulpfile"
                    | "gruntfile"
                    | "knexfile"
                    | "jakefile"
                    | "ecosystem.config"
                    | "config-overrides"
            )
            || dirs.iter().any(|d| data::contains(CONFIG_DIRS, d));
        if is_config {
            return SourceClass::DevConfig;
        }
        // `scripts/`, and also `migration-scripts/`, `build_tools/`.
        if dirs.iter().any(|d| {
            data::contains(SCRIPT_DIRS, d)
                || d.split(['-', '_']).any(|t| data::contains(SCRIPT_DIRS, t))
        }) {
            return SourceClass::Script;
        }
        SourceClass::Runtime
    }

    pub fn is_runtime(self) -> bool {
        self == SourceClass::Runtime
    }
}

pub(crate) fn is_declaration_file(path: &str) -> bool {
    let name = paths::file_name(path);
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|e| name.ends_with(e))
        || name.contains(".d.")
}
