//! The `lockfile/` rules against fixtures whose lockfiles were written by the real package
//! managers (pnpm 9.15.9, npm 11, yarn 1.22.22, yarn 4.9.1) and whose verdicts were checked
//! with their frozen installs; and the lockfile facts the model exposes to other rules.

mod common;

use common::{findings, fixture, scan_fixture};

fn lockfile_findings(fixture: &str) -> Vec<String> {
    scan_fixture(fixture)
        .report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("lockfile/"))
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect()
}

fn prepare(name: &str) -> seaworthy::Prepared {
    seaworthy::prepare(&seaworthy::ScanOptions::new(fixture(name)), &|_| {}).expect("prepares")
}

#[test]
fn pnpm_added_dependency_is_out_of_sync() {
    // ERR_PNPM_OUTDATED_LOCKFILE: prom-client added to services/auth without `pnpm install`.
    let found = findings("pnpm-outdated-lockfile-prom-client", "lockfile/out-of-sync");
    assert_eq!(found.len(), 1, "{found:#?}");
    let (path, line, message) = &found[0];
    assert_eq!((path.as_str(), *line), ("services/auth/package.json", 9));
    assert!(
        message.contains("`prom-client` (`^15.1.0`)")
            && message.contains("importer `services/auth`"),
        "{message}"
    );
    let report = scan_fixture("pnpm-outdated-lockfile-prom-client").report;
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "lockfile/out-of-sync")
        .expect("finding");
    assert!(
        finding
            .help
            .contains("`pnpm install` at the repository root"),
        "{}",
        finding.help
    );
}

#[test]
fn pnpm_compares_specifiers_exactly_and_checks_overrides() {
    // ^2.1.0 → ^2.1.1 still matches the locked 2.1.3, but pnpm compares strings.
    let found = findings(
        "pnpm-specifier-changed-still-satisfied",
        "lockfile/out-of-sync",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].2.contains("declared as `^2.1.1`") && found[0].2.contains("`^2.1.0`"));
    // ERR_PNPM_LOCKFILE_CONFIG_MISMATCH for `overrides`.
    let found = findings("pnpm-overrides-changed", "lockfile/out-of-sync");
    assert!(
        found
            .iter()
            .any(|(p, _, m)| p == "pnpm-lock.yaml" && m.contains("`overrides` differ")),
        "{found:#?}"
    );
}

#[test]
fn pnpm_in_sync_workspace_with_catalogs_overrides_and_peers_is_quiet() {
    // Catalog specifiers, an override rewriting a workspace's range, auto-installed peers,
    // `workspace:^` and a project without dependencies: pnpm's frozen install accepts it.
    assert_eq!(
        lockfile_findings("pnpm-in-sync-catalog-overrides"),
        Vec::<String>::new()
    );
}

#[test]
fn npm_ci_is_semantic() {
    // A range the locked version still satisfies, and a removed dependency: npm ci passes.
    assert_eq!(
        lockfile_findings("npm-ci-range-still-satisfied"),
        Vec::<String>::new()
    );
    let found = findings("npm-ci-missing-prom-client", "lockfile/out-of-sync");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].2.contains("`prom-client`") && found[0].2.contains("Missing"));
    let found = findings("npm-ci-range-not-satisfied", "lockfile/out-of-sync");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].2.contains("declared as `~2.0.0`") && found[0].2.contains("locks `2.1.3`"));
}

#[test]
fn npm_entries_that_do_not_satisfy_each_other() {
    let found = findings(
        "npm-unsatisfied-entry-nested-copy-lost",
        "lockfile/unsatisfied-entry",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "package-lock.json");
    assert!(found[0].2.contains("`is-odd@3.0.1`") && found[0].2.contains("`is-number@^6.0.0`"));
    assert!(findings("npm-ci-range-still-satisfied", "lockfile/unsatisfied-entry").is_empty());
}

#[test]
fn yarn_frozen_installs() {
    let found = findings("yarn-v1-frozen-new-dependency", "lockfile/out-of-sync");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].2.contains("`is-odd@^3.0.1`"));
    // yarn 1's --frozen-lockfile does not look at workspace manifests (yarnpkg/yarn#5840).
    assert_eq!(
        lockfile_findings("yarn-v1-frozen-ignores-workspace-manifests"),
        Vec::<String>::new()
    );
    let found = findings(
        "yarn-berry-immutable-new-dependency",
        "lockfile/out-of-sync",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].2.contains("`is-odd`") && found[0].2.contains("--immutable"));
    // Berry merges dependencies and devDependencies in the workspace entry: a move passes.
    assert_eq!(
        lockfile_findings("yarn-berry-dependency-moved-to-dev"),
        Vec::<String>::new()
    );
}

#[test]
fn missing_multiple_managers_and_drift() {
    let found = findings("npm-service-without-lockfile", "lockfile/missing");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].2.contains("`billing` is deployable"));
    assert!(findings("pnpm-outdated-lockfile-prom-client", "lockfile/missing").is_empty());

    let found = findings(
        "pnpm-with-leftover-package-lock",
        "lockfile/multiple-managers",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "package-lock.json");
    assert!(
        findings(
            "pnpm-outdated-lockfile-prom-client",
            "lockfile/multiple-managers"
        )
        .is_empty()
    );

    let found = findings(
        "pnpm-docker-activates-pnpm8",
        "lockfile/package-manager-drift",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1),
        ("services/auth/Dockerfile", 4)
    );
    assert!(found[0].2.contains("pnpm 8") && found[0].2.contains("pnpm@9.15.9"));
    // `corepack enable` alone follows packageManager.
    assert!(
        findings(
            "pnpm-outdated-lockfile-prom-client",
            "lockfile/package-manager-drift"
        )
        .is_empty()
    );
}

#[test]
fn the_model_answers_locked_versions_graph_and_placement() {
    for (name, dir) in [
        ("pnpm-in-sync-catalog-overrides", "apps/api"),
        ("npm-ci-range-still-satisfied", "apps/api"),
        ("yarn-berry-dependency-moved-to-dev", "apps/web"),
    ] {
        let p = prepare(name);
        let m = &p.model;
        let package = m.package_at(dir).expect("package");
        let locked = m.locked(package, "ms").expect("ms is locked");
        assert_eq!(locked.version, "2.1.3", "{name}");
        let lock = m.lock_of(package).expect("lock");
        let node = locked.node.expect("ms is a graph node");
        assert_eq!(lock.nodes()[node].name, "ms");
        assert!(lock.native_build(node).is_none());
        assert!(m.installed(package, false).contains(&node), "{name}");
    }
    // yarn v1 locks by `name@range`.
    let p = prepare("yarn-v1-frozen-new-dependency");
    let web = p.model.package_at("apps/web").expect("web");
    assert_eq!(
        p.model.locked(web, "ms").map(|l| l.version).as_deref(),
        Some("2.1.3")
    );

    // npm placement: hoisted at the root, or nested under the package that needs another copy.
    let p = prepare("npm-ci-range-still-satisfied");
    let m = &p.model;
    let root = m.package_at("").expect("root");
    let placed = m.npm_placement(root, "is-number").expect("placed");
    assert_eq!(placed.path, "node_modules/is-number");
    assert!(placed.hoisted);
    let lock = m.lock_of(root).expect("lock");
    let nested = lock
        .nodes()
        .iter()
        .find(|n| n.id == "node_modules/is-odd/node_modules/is-number")
        .expect("nested copy");
    assert_eq!(nested.version, "6.0.0");
    // is-odd depends on the nested copy, not the hoisted one.
    let is_odd = lock
        .nodes()
        .iter()
        .find(|n| n.id == "node_modules/is-odd")
        .expect("is-odd");
    assert!(
        is_odd
            .dependencies
            .iter()
            .any(|&d| lock.nodes()[d].version == "6.0.0")
    );
}
