//! The lockfile facts the model exposes to other rules (locked versions, the resolved graph,
//! npm placement), on fixtures whose lockfiles were written by the real package managers
//! (pnpm 9.15.9, npm 11, yarn 1.22.22, yarn 4.9.1). The `lockfile/` rules' own cases, on the
//! same fixtures, live with each rule in `src/rules/lockfile/`.

mod common;

use common::fixture;

fn prepare(name: &str) -> seaworthy::Prepared {
    seaworthy::prepare(&seaworthy::ScanOptions::new(fixture(name)), &|_| {}).expect("prepares")
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
