//! The repository model built from fixtures: workspaces, members, tsconfig resolution and
//! services, checked fact by fact.

mod common;

use common::fixture;
use seaworthy::model::ServiceKind;

fn prepare(name: &str) -> seaworthy::Prepared {
    seaworthy::prepare(&seaworthy::ScanOptions::new(fixture(name)), &|_| {}).expect("prepares")
}

#[test]
fn pnpm_globs_with_negations_and_standalone_roots() {
    let p = prepare("pnpm-nested-roots");
    let m = &p.model;
    let roots: Vec<(&str, Option<&str>, usize)> = m
        .workspaces
        .iter()
        .map(|w| (w.dir.as_str(), w.lockfile.as_deref(), w.members.len()))
        .collect();
    // apps/legacy is excluded by `!apps/legacy` and has no lockfile: nested, not a root.
    // services/billing has its own package-lock.json: a standalone root.
    assert_eq!(
        roots,
        vec![
            ("", Some("pnpm-lock.yaml"), 4),
            (
                "services/billing",
                Some("services/billing/package-lock.json"),
                1
            )
        ]
    );
    let legacy = m.package_at("apps/legacy").expect("legacy package");
    assert_eq!(legacy.workspace, None);
    assert_eq!(
        m.workspaces[0].package_manager.map(|pm| pm.as_str()),
        Some("pnpm")
    );
    assert_eq!(
        m.workspaces[0].package_manager_version.as_deref(),
        Some("pnpm@9.12.0")
    );
    assert_eq!(
        m.owner_of("apps/api/src/main.ts")
            .map(|i| m.packages[i].dir.as_str()),
        Some("apps/api")
    );
}

#[test]
fn tsconfig_extends_into_a_workspace_package() {
    let p = prepare("pnpm-nested-roots");
    let ts = p
        .model
        .tsconfig_for("apps/api/src/main.ts")
        .expect("governing tsconfig");
    assert_eq!(ts.path, "apps/api/tsconfig.json");
    assert_eq!(ts.base_url.as_deref(), Some("apps/api"));
    assert_eq!(ts.module_resolution.as_deref(), Some("nodenext"));
    // `paths` come from the parent but resolve against the child's baseUrl, as in TypeScript.
    assert_eq!(ts.paths.len(), 1);
    assert_eq!(ts.paths[0].pattern, "@app/*");
    assert_eq!(ts.paths[0].targets, vec!["apps/api/src/app/*".to_string()]);
    assert_eq!(
        ts.references,
        vec!["packages/shared/tsconfig.json".to_string()]
    );
    assert_eq!(ts.out_dir.as_deref(), Some("apps/api/dist"));
    assert!(ts.unresolved_extends.is_empty());
}

#[test]
fn services_come_from_compose_dockerfiles_and_start_scripts() {
    let p = prepare("pnpm-nested-roots");
    let services: Vec<(&str, ServiceKind, &str)> = p
        .model
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.kind, s.path.as_str()))
        .collect();
    assert_eq!(
        services,
        vec![
            ("api", ServiceKind::Compose, "apps/api"),
            ("billing", ServiceKind::Package, "services/billing"),
            ("legacy", ServiceKind::Package, "apps/legacy"),
        ]
    );
    let api = &p.model.services[0];
    assert_eq!(api.dockerfile.as_deref(), Some("apps/api/Dockerfile"));
    assert_eq!(api.context.as_deref(), Some(""));
    assert_eq!(api.compose_file.as_deref(), Some("docker-compose.yml"));
}

#[test]
fn npm_array_and_yarn_object_workspaces() {
    let p = prepare("npm-workspaces-version-mismatch");
    assert_eq!(p.model.workspaces.len(), 1);
    assert_eq!(p.model.workspaces[0].members.len(), 4);
    let p = prepare("yarn-local-links");
    assert_eq!(p.model.workspaces.len(), 1);
    assert_eq!(p.model.workspaces[0].members.len(), 3);
    assert_eq!(
        p.model.workspaces[0].package_manager.map(|pm| pm.as_str()),
        Some("yarn")
    );
}
