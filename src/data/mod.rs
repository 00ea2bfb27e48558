//! Domain facts as data: the names of the Node.js ecosystem that seaworthy recognises (builtin
//! modules, bundlers, test folders, install commands, native build helpers, ...), one table per
//! file, each entry with a name, a reason and a source. Rules and the model read these tables
//! through the helpers below; they never hold `if` chains or inline lists of names. How a table
//! is matched (exactly, as a prefix, as a substring) is the reader's business and is stated in
//! the table's own module comment; names are kept byte for byte, trailing spaces and quotes
//! included.

pub(crate) mod base_images;
pub(crate) mod bundler_configs;
pub(crate) mod bundlers;
pub(crate) mod config_dirs;
pub(crate) mod config_referenced;
pub(crate) mod electron_packagers;
pub(crate) mod env_templates;
pub(crate) mod fixture_dirs;
pub(crate) mod glibc_only;
pub(crate) mod http_middleware;
pub(crate) mod infra_images;
pub(crate) mod known_native;
pub(crate) mod known_peers;
pub(crate) mod native_build_helpers;
pub(crate) mod native_compiles;
pub(crate) mod nest_decorators;
pub(crate) mod nest_modules;
pub(crate) mod node_builtins;
pub(crate) mod os_packages;
pub(crate) mod package_bins;
pub(crate) mod process_wrappers;
pub(crate) mod provided_by_runtime;
pub(crate) mod script_dirs;
pub(crate) mod secrets;
pub(crate) mod template_dirs;
pub(crate) mod test_dirs;
pub(crate) mod test_markers;
pub(crate) mod ts_runners;

/// One fact of a domain table: the name matched, why it is in the table, and where that is documented or was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) name: &'static str,
    pub(crate) reason: &'static str,
    pub(crate) source: &'static str,
}

/// One pattern of a domain table matched by regular expression (the `regex` crate's syntax):
/// an identifier, the expression, why it is in the table, and where the shape is documented.
/// What a match means (which part is the secret, for instance) is stated by the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub(crate) id: &'static str,
    pub(crate) regex: &'static str,
    pub(crate) reason: &'static str,
    pub(crate) source: &'static str,
}

/// The names of a table, in table order.
pub(crate) fn names(table: &'static [Entry]) -> impl Iterator<Item = &'static str> {
    table.iter().map(|e| e.name)
}

/// Whether `name` is exactly one of the table's names.
pub(crate) fn contains(table: &[Entry], name: &str) -> bool {
    table.iter().any(|e| e.name == name)
}

/// The entry whose name is exactly `name`.
pub(crate) fn find(table: &'static [Entry], name: &str) -> Option<&'static Entry> {
    table.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every table of the layer, by its constant's name.
    const TABLES: &[(&str, &[Entry])] = &[
        ("BUNDLER_CONFIGS", bundler_configs::BUNDLER_CONFIGS),
        ("BUNDLERS", bundlers::BUNDLERS),
        ("BUNDLING_EXECUTORS", bundlers::BUNDLING_EXECUTORS),
        ("LIBRARY_EXECUTORS", bundlers::LIBRARY_EXECUTORS),
        ("CONFIG_DIRS", config_dirs::CONFIG_DIRS),
        ("CONFIG_REFERENCED", config_referenced::CONFIG_REFERENCED),
        ("ELECTRON_PACKAGERS", electron_packagers::ELECTRON_PACKAGERS),
        ("KNOWN_PEERS", known_peers::KNOWN_PEERS),
        ("PACKAGE_BINS", package_bins::PACKAGE_BINS),
        ("TEMPLATE_DIRS", template_dirs::TEMPLATE_DIRS),
        ("ENV_TEMPLATES", env_templates::ENV_TEMPLATES),
        ("FIXTURE_DIRS", fixture_dirs::FIXTURE_DIRS),
        ("GLIBC_ONLY", glibc_only::GLIBC_ONLY),
        ("HTTP_MIDDLEWARE", http_middleware::HTTP_MIDDLEWARE),
        ("ROUTELESS_PACKAGES", http_middleware::ROUTELESS_PACKAGES),
        ("KNOWN_NATIVE", known_native::KNOWN_NATIVE),
        ("BUILD_HELPERS", native_build_helpers::BUILD_HELPERS),
        ("NATIVE_COMPILES", native_compiles::NATIVE_COMPILES),
        ("NODE_BUILTINS", node_builtins::NODE_BUILTINS),
        ("INITS", process_wrappers::INITS),
        ("USER_SWITCHES", process_wrappers::USER_SWITCHES),
        (
            "PROVIDED_BY_RUNTIME",
            provided_by_runtime::PROVIDED_BY_RUNTIME,
        ),
        ("SCRIPT_DIRS", script_dirs::SCRIPT_DIRS),
        ("PUBLIC_ENV_PREFIXES", secrets::PUBLIC_ENV_PREFIXES),
        ("SECRET_FILES", secrets::SECRET_FILES),
        ("TEST_DIRS", test_dirs::TEST_DIRS),
        ("TEST_MARKERS", test_markers::TEST_MARKERS),
        ("TS_RUNNERS", ts_runners::TS_RUNNERS),
    ];

    #[test]
    fn every_table_has_unique_non_empty_names_and_says_why_and_where() {
        for (table, entries) in TABLES {
            assert!(!entries.is_empty(), "{table} is empty");
            let mut seen = BTreeSet::new();
            for entry in *entries {
                assert!(!entry.name.is_empty(), "{table}: an entry has no name");
                assert!(
                    seen.insert(entry.name),
                    "{table}: {:?} is listed twice",
                    entry.name
                );
                assert!(
                    !entry.reason.trim().is_empty(),
                    "{table}: {:?} has no reason",
                    entry.name
                );
                assert!(
                    !entry.source.trim().is_empty(),
                    "{table}: {:?} has no source",
                    entry.name
                );
            }
        }
    }

    /// Every pattern table of the layer, by its constant's name.
    const PATTERN_TABLES: &[(&str, &[Pattern])] = &[
        ("SECRET_PATTERNS", secrets::SECRET_PATTERNS),
        ("BENIGN_VALUES", secrets::BENIGN_VALUES),
    ];

    #[test]
    fn every_pattern_table_has_unique_ids_and_says_why_and_where() {
        for (table, patterns) in PATTERN_TABLES {
            assert!(!patterns.is_empty(), "{table} is empty");
            let mut seen = BTreeSet::new();
            for pattern in *patterns {
                assert!(!pattern.id.is_empty(), "{table}: a pattern has no id");
                assert!(
                    seen.insert(pattern.id),
                    "{table}: {:?} is listed twice",
                    pattern.id
                );
                assert!(
                    !pattern.regex.is_empty(),
                    "{table}: {:?} has no regex",
                    pattern.id
                );
                assert!(
                    !pattern.reason.trim().is_empty(),
                    "{table}: {:?} has no reason",
                    pattern.id
                );
                assert!(
                    !pattern.source.trim().is_empty(),
                    "{table}: {:?} has no source",
                    pattern.id
                );
            }
        }
    }

    #[test]
    fn helpers_match_names_exactly() {
        let table = bundlers::BUNDLERS;
        assert!(contains(table, "next "));
        assert!(!contains(table, "next"));
        assert_eq!(find(table, "next\"").map(|e| e.name), Some("next\""));
        assert_eq!(find(table, "nex"), None);
        assert_eq!(names(table).count(), table.len());
        assert_eq!(names(table).next(), table.first().map(|e| e.name));
    }
}
