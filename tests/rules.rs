//! Each rule against fixtures it must flag and fixtures it must not.

mod common;

use common::{findings, scan_fixture};

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

/// (rule, severity, path:line) of every finding of a fixture, for exact comparisons.
fn all(fixture: &str) -> Vec<(String, String, String)> {
    scan_fixture(fixture)
        .report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("deps/"))
        .map(|f| {
            (
                f.rule.clone(),
                f.severity.as_str().to_string(),
                format!("{}:{}", f.location.path, f.location.line),
            )
        })
        .collect()
}

#[test]
fn deps_rules_on_the_prom_client_incident() {
    let found = all("pnpm-undeclared-prom-client");
    let expect = |rule: &str, severity: &str, at: &str| {
        assert!(
            found
                .iter()
                .any(|(r, s, a)| r == rule && s == severity && a == at),
            "expected {severity} {rule} at {at}; got {found:#?}"
        );
    };
    // The incident: an undeclared runtime import.
    expect(
        "deps/undeclared",
        "error",
        "services/auth/src/modules/metrics/metrics.service.ts:2",
    );
    // In a test it is a warning.
    expect(
        "deps/undeclared",
        "warning",
        "services/auth/src/metrics.spec.ts:1",
    );
    // A devDependency used at runtime, escalated by `pnpm install --prod` in the Dockerfile.
    expect(
        "deps/dev-only-at-runtime",
        "error",
        "services/auth/src/app.module.ts:4",
    );
    // Root-only dependency: a warning, and an error where `pnpm deploy` installs in isolation.
    expect(
        "deps/relies-on-hoisting",
        "warning",
        "services/auth/src/main.ts:10",
    );
    expect(
        "deps/relies-on-hoisting",
        "error",
        "services/billing/src/index.ts:1",
    );
    expect(
        "deps/undeclared-workspace",
        "error",
        "services/billing/src/index.ts:2",
    );
    expect(
        "deps/unbuilt-workspace-entry",
        "error",
        "services/auth/src/main.ts:12",
    );
    expect(
        "deps/unresolved-import",
        "error",
        "services/auth/src/broken.ts:1",
    );
    expect(
        "deps/unresolved-import",
        "error",
        "services/auth/src/broken.ts:2",
    );
    expect("deps/unused", "info", "services/auth/package.json:18");
    assert_eq!(found.len(), 11, "nothing else may fire: {found:#?}");
}

#[test]
fn deps_rules_stay_quiet_on_what_rules_md_says_must_never_be_flagged() {
    let found = all("pnpm-undeclared-prom-client");
    let quiet_files = [
        // builtins with and without node:, `.js` → `.ts`, JSON imports, `import x = require()`,
        // tsconfig paths, `#imports`, gitignored generated code, npm aliases, a dynamic import
        // with a variable, type-only and type-position-only imports of devDependencies.
        "services/auth/src/main.ts:2",
        "services/auth/src/main.ts:3",
        "services/auth/src/main.ts:4",
        "services/auth/src/main.ts:5",
        "services/auth/src/main.ts:6",
        "services/auth/src/main.ts:7",
        "services/auth/src/main.ts:8",
        "services/auth/src/main.ts:9",
        "services/auth/src/main.ts:11",
        "services/auth/src/main.ts:13",
        "services/auth/src/main.ts:16",
        "services/auth/src/app.module.ts:2",
        "services/auth/src/app.module.ts:3",
        // a require() in try/catch is optional by design
        "services/auth/src/optional.ts:3",
        // `@/x` and `~/x` tsconfig aliases
        "services/auth/src/aliases.ts:1",
        "services/auth/src/aliases.ts:2",
        // tests and dev-tool configs importing devDependencies
        "services/auth/test/app.e2e.ts:1",
        "services/auth/jest.config.ts:1",
    ];
    for at in quiet_files {
        assert!(
            !found.iter().any(|(_, _, a)| a == at),
            "{at} must not be flagged: {found:#?}"
        );
    }
    // Nx integrated repositories declare everything at the root; single-package repositories
    // have one manifest.
    assert_eq!(all("nx-integrated-root-deps"), vec![]);
    assert_eq!(all("single-package-express"), vec![]);
}
