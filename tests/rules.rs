//! Each rule against fixtures it must flag and fixtures it must not.

mod common;

use common::scan_fixture;

fn findings(fixture: &str, rule: &str) -> Vec<(String, u32, String)> {
    scan_fixture(fixture)
        .report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.location.path.clone(), f.location.line, f.message.clone()))
        .collect()
}

#[test]
fn version_mismatch_flags_the_minority_range_only() {
    let found = findings("npm-workspaces-version-mismatch", "deps/version-mismatch");
    let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
    // zod: ^3.22.0 in api against ^3.23.8 in worker and shared. typescript: ^5.2.0 in worker
    // against ^5.4.5 in the root and api.
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`zod` is declared as `^3.22.0`")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`typescript` is declared as `^5.2.0`")),
        "{messages:#?}"
    );
    // Not flagged: peer ranges (react), `*` and git specifiers (left-pad), same ranges (lodash),
    // and workspace packages (@acme/shared at `*` and `1.0.0`).
    for quiet in ["react", "left-pad", "lodash", "@acme/shared"] {
        assert!(
            !messages.iter().any(|m| m.contains(&format!("`{quiet}`"))),
            "{quiet} flagged: {messages:#?}"
        );
    }
}

#[test]
fn version_mismatch_does_not_fire_across_separate_install_roots() {
    // express differs between the pnpm workspace, the standalone billing service and the
    // excluded legacy app, but they are installed separately.
    assert!(findings("pnpm-nested-roots", "deps/version-mismatch").is_empty());
}

#[test]
fn broken_local_link_flags_missing_and_escaping_targets() {
    let found = findings("yarn-local-links", "deps/broken-local-link");
    let summary: Vec<(u32, &str)> = found.iter().map(|(_, l, m)| (*l, m.as_str())).collect();
    assert_eq!(found.len(), 3, "{summary:#?}");
    assert!(
        summary
            .iter()
            .any(|(_, m)| m.contains("`theme` points at `link:../../packages/theme`"))
    );
    assert!(
        summary
            .iter()
            .any(|(_, m)| m.contains("`vendored`") && m.contains("outside the repository"))
    );
    assert!(summary.iter().any(|(_, m)| m.contains("`tarball`")));
    // Not flagged: an existing workspace folder (ui) and gitignored build output (icons).
    assert!(
        !summary
            .iter()
            .any(|(_, m)| m.contains("`ui`") || m.contains("`icons`")),
        "{summary:#?}"
    );
}
