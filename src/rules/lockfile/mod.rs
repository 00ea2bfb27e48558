//! `lockfile/`: package.json against the lockfile, judged the way each package manager's
//! frozen install judges it (see [`crate::model::frozen`]).

pub mod missing;
pub mod multiple_managers;
pub mod out_of_sync;
pub mod package_manager_drift;
pub mod unsatisfied_entry;

use crate::model::{Model, Workspace, frozen};

/// The command that rewrites the lockfile of an install root, run where it must be run.
pub(crate) fn regenerate(model: &Model, workspace: &Workspace) -> String {
    let command = match model.lock_for(workspace).map(|l| &l.file) {
        Some(lockfile) => frozen::fix_command(workspace, lockfile).0,
        None => match workspace.package_manager {
            Some(crate::model::PackageManager::Pnpm) => "pnpm install",
            Some(crate::model::PackageManager::Yarn) => "yarn install",
            Some(crate::model::PackageManager::Bun) => "bun install",
            _ => "npm install",
        },
    };
    if workspace.dir.is_empty() {
        format!("`{command}` at the repository root")
    } else {
        format!("`{command}` in {}", workspace.dir)
    }
}
