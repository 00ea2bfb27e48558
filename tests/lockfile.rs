//! The lockfile facts the model exposes to other rules (locked versions, the resolved graph,
//! npm placement), on fixtures whose lockfiles were written by the real package managers
//! (pnpm 9.15.9, npm 11, yarn 1.22.22, yarn 4.9.1, bun 1.4.5). The `lockfile/` rules' own cases, on the
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

/// `bun-workspace`: bun.lock written by Bun 1.4.5 (`bun install --lockfile-only`). The root
/// and `api` take `ms` 2.1.3 (hoisted, key `ms`); `shared` pins 2.0.0, nested as `shared/ms`,
/// and so does the root's devDependency `debug` (`debug/ms`).
#[test]
fn bun_lock_answers_locked_versions_graph_and_placement() {
    let p = prepare("bun-workspace");
    let m = &p.model;
    let version = |dir: &str, name: &str| {
        let package = m.package_at(dir).expect("package");
        m.locked(package, name).map(|l| l.version)
    };
    assert_eq!(version("", "ms").as_deref(), Some("2.1.3"));
    assert_eq!(version("apps/api", "ms").as_deref(), Some("2.1.3"));
    assert_eq!(version("packages/shared", "ms").as_deref(), Some("2.0.0"));
    assert_eq!(version("", "debug").as_deref(), Some("2.6.9"));
    assert_eq!(version("apps/api", "shared").as_deref(), Some("0.1.0"));

    let api = m.package_at("apps/api").expect("api");
    let lock = m.lock_of(api).expect("lock");
    let debug = lock
        .nodes()
        .iter()
        .find(|n| n.id == "debug")
        .expect("debug");
    let dep = debug.dependencies.first().map(|&d| &lock.nodes()[d]);
    assert_eq!(
        dep.map(|n| (n.id.as_str(), n.version.as_str())),
        Some(("debug/ms", "2.0.0"))
    );
    // api installs its own ms, and shared's copy through the workspace link; never debug.
    let installed: Vec<&str> = m
        .installed(api, false)
        .iter()
        .map(|&i| lock.nodes()[i].id.as_str())
        .collect();
    assert_eq!(installed, ["ms", "shared", "shared/ms"]);

    // configVersion 1 with workspaces: the isolated linker links each workspace's own
    // dependencies into its node_modules, the root's into the root's (checked with `bun
    // install`: apps/api/node_modules/{ms,shared}, packages/shared/node_modules/ms,
    // node_modules/{debug,ms}).
    let shared = m.package_at("packages/shared").expect("shared");
    let placed = m.placement(shared, "ms").expect("placed");
    assert_eq!(placed.path, "packages/shared/node_modules/ms");
    assert!(!placed.hoisted);
    let root = m.package_at("").expect("root");
    assert!(m.placement(root, "ms").is_some_and(|p| p.hoisted));
    let at = |p: &seaworthy::model::Package, name| m.placement(p, name).map(|p| p.path);
    assert_eq!(
        at(api, "shared").as_deref(),
        Some("apps/api/node_modules/shared")
    );
    assert_eq!(at(api, "debug").as_deref(), Some("node_modules/debug"));
    assert_eq!(at(shared, "debug").as_deref(), Some("node_modules/debug"));
    assert_eq!(at(shared, "nope"), None);
    assert!(m.npm_placement(shared, "ms").is_none());
}
