//! The rule framework: one trait, one registry, and the metadata every output renders.
//!
//! A rule lives in one file: a `declare_rule!` whose doc comment (sections *What it does*,
//! *Why is this bad?*, *Example*, *Use instead*) is the help users read in `seaworthy rules ID`,
//! and a `check` that reads the model and pushes findings. Rules do no I/O and print nothing.
//! Adding a rule touches its file, one `mod` line and one line of `REGISTRY`.

pub(crate) mod compose;
pub(crate) mod deps;
pub(crate) mod docker;
pub(crate) mod lockfile;
pub(crate) mod nest;
pub mod suppression;
#[cfg(test)]
pub mod testing;

use crate::discover::FileKind;
use crate::finding::{Category, Finding, Location, Related, Severity};
use crate::model::Model;
use crate::source::Span;

/// Whether a rule's checks are made per service or once for the whole repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One check per service, plus one for everything outside any service.
    Service,
    /// One check for the repository.
    Repository,
}

#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// One line, shown in lists.
    pub summary: &'static str,
    /// The rule's doc comment, as Markdown.
    pub docs: &'static [&'static str],
    pub scope: Scope,
    /// The kinds of file the rule reads: when one of them failed to parse, its check is unknown.
    pub inputs: &'static [FileKind],
}

impl RuleMeta {
    /// The full help text, from the doc comment.
    pub fn help(&self) -> String {
        let mut out = String::new();
        for line in self.docs {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }
}

/// What a check is scored for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    Repository,
    Service(&'a crate::model::Service),
}

/// Everything a rule may look at.
pub struct Context<'a> {
    pub model: &'a Model,
    /// The policy knobs of `seaworthy.toml` (never severities: those are applied after).
    pub policy: &'a crate::config::Policy,
}

/// A rule that runs, with the severity its checks weigh (the config's, else its own).
#[derive(Clone, Copy)]
pub struct Active {
    pub rule: &'static dyn Rule,
    pub severity: Severity,
}

/// The rules the config leaves on, in ID order.
pub fn active(config: &crate::config::Config) -> Vec<Active> {
    REGISTRY
        .iter()
        .filter_map(|&rule| {
            let meta = rule.meta();
            let level = config.level(meta.id)?;
            Some(Active {
                rule,
                severity: level.unwrap_or(meta.severity),
            })
        })
        .collect()
}

/// A rule's metadata; implemented by `declare_rule!`, so rule files only write the check.
pub trait Described {
    fn meta(&self) -> &'static RuleMeta;

    /// The rule's must-fire and must-not-fire vectors: `tests::vectors()` in its own file.
    #[cfg(test)]
    fn vectors(&self) -> testing::Vectors;
}

pub trait Rule: Described + Send + Sync {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);

    /// Whether the check applies to a subject; a check that does not apply is "not applicable"
    /// and weighs nothing in the score. By default: a repository rule to the repository only;
    /// a service rule to the repository and to every service that runs a package.
    fn applies(&self, _cx: &Context<'_>, subject: Subject<'_>) -> bool {
        match (self.meta().scope, subject) {
            (_, Subject::Repository) => true,
            (Scope::Repository, Subject::Service(_)) => false,
            (Scope::Service, Subject::Service(service)) => service.package.is_some(),
        }
    }
}

/// Declares a rule struct whose doc comment becomes its help text.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])+
        pub struct $name:ident {
            id: $id:literal,
            category: $category:ident,
            severity: $severity:ident,
            scope: $scope:ident,
            inputs: [$($input:expr),* $(,)?],
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        pub(crate) struct $name;

        impl $name {
            pub(crate) const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                id: $id,
                category: $crate::finding::Category::$category,
                severity: $crate::finding::Severity::$severity,
                summary: $summary,
                docs: &[$($doc),+],
                scope: $crate::rules::Scope::$scope,
                inputs: &[$($input),*],
            };
        }

        impl $crate::rules::Described for $name {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &Self::META
            }

            #[cfg(test)]
            fn vectors(&self) -> $crate::rules::testing::Vectors {
                tests::vectors()
            }
        }
    };
}
pub(crate) use declare_rule;

/// Every rule, in ID order.
pub static REGISTRY: &[&dyn Rule] = &[
    &compose::depends_on_not_healthy::DependsOnNotHealthy,
    &compose::dockerfile_missing::DockerfileMissing,
    &compose::hardcoded_secret::HardcodedSecret,
    &compose::healthcheck_route_missing::HealthcheckRouteMissing,
    &compose::insecure_infra::InsecureInfra,
    &compose::missing_env::MissingEnv,
    &compose::no_healthcheck::NoHealthcheck,
    &compose::no_resource_limits::NoResourceLimits,
    &compose::no_restart_policy::NoRestartPolicy,
    &compose::obsolete_version::ObsoleteVersion,
    &compose::port_conflict::PortConflict,
    &compose::single_replica_kafka::SingleReplicaKafka,
    &compose::stateful_without_volume::StatefulWithoutVolume,
    &compose::undefined_variable::UndefinedVariable,
    &compose::unpinned_image::UnpinnedImage,
    &deps::broken_local_link::BrokenLocalLink,
    &deps::dev_only_at_runtime::DevOnlyAtRuntime,
    &deps::relies_on_hoisting::ReliesOnHoisting,
    &deps::unbuilt_workspace_entry::UnbuiltWorkspaceEntry,
    &deps::undeclared::Undeclared,
    &deps::undeclared_workspace::UndeclaredWorkspace,
    &deps::unresolved_import::UnresolvedImport,
    &deps::unused::Unused,
    &deps::version_mismatch::VersionMismatch,
    &docker::chown_unknown_user::ChownUnknownUser,
    &docker::copy_all_before_install::CopyAllBeforeInstall,
    &docker::copy_source_ignored::CopySourceIgnored,
    &docker::copy_source_missing::CopySourceMissing,
    &docker::dev_deps_in_final_image::DevDepsInFinalImage,
    &docker::frozen_install_with_drift::FrozenInstallWithDrift,
    &docker::healthcheck_tool_missing::HealthcheckToolMissing,
    &docker::lockfile_not_copied::LockfileNotCopied,
    &docker::missing_dockerignore::MissingDockerignore,
    &docker::musl_incompatible_dependency::MuslIncompatibleDependency,
    &docker::native_rebuild_in_slim_runtime::NativeRebuildInSlimRuntime,
    &docker::no_healthcheck::NoHealthcheck,
    &docker::non_reproducible_install::NonReproducibleInstall,
    &docker::npm_as_pid1::NpmAsPid1,
    &docker::runs_as_root::RunsAsRoot,
    &docker::runtime_module_missing::RuntimeModuleMissing,
    &docker::secret_in_image::SecretInImage,
    &docker::shell_form_in_distroless::ShellFormInDistroless,
    &docker::stage_name_unknown::StageNameUnknown,
    &docker::start_file_missing::StartFileMissing,
    &docker::unpinned_base_image::UnpinnedBaseImage,
    &docker::workspace_dep_not_built::WorkspaceDepNotBuilt,
    &lockfile::missing::Missing,
    &lockfile::multiple_managers::MultipleManagers,
    &lockfile::out_of_sync::OutOfSync,
    &lockfile::package_manager_drift::PackageManagerDrift,
    &lockfile::unsatisfied_entry::UnsatisfiedEntry,
    &nest::circular_import::CircularImport,
    &nest::controller_not_in_module::ControllerNotInModule,
    &nest::export_not_provided::ExportNotProvided,
    &nest::missing_health_endpoint::MissingHealthEndpoint,
    &nest::primitive_injection::PrimitiveInjection,
    &nest::provider_not_in_module::ProviderNotInModule,
    &nest::unresolved_provider::UnresolvedProvider,
];

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    REGISTRY.iter().copied().find(|r| r.meta().id == id)
}

/// Builds a finding with the rule's metadata filled in; `key` is the semantic identity used
/// by the fingerprint (workspace + dependency, stage + subject, …), never a line number.
pub struct FindingBuilder {
    finding: Finding,
}

impl FindingBuilder {
    pub fn new(
        meta: &RuleMeta,
        path: &str,
        span: Span,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FindingBuilder {
            finding: Finding {
                rule: meta.id.to_string(),
                severity: meta.severity,
                category: meta.category,
                message: message.into(),
                help: String::new(),
                location: Location::new(path, span),
                related: Vec::new(),
                service: None,
                workspace: None,
                fingerprint: String::new(),
                baseline_state: None,
                suppressed: None,
                key: key.into(),
                package_dir: None,
            },
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.finding.help = help.into();
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.finding.severity = severity;
        self
    }

    pub fn related(mut self, path: &str, line: u32, message: impl Into<String>) -> Self {
        self.finding.related.push(Related {
            path: path.to_string(),
            line,
            message: message.into(),
        });
        self
    }

    pub fn package(mut self, package: &crate::model::Package) -> Self {
        self.finding.workspace = Some(package.name().to_string());
        self.finding.package_dir = Some(package.dir.clone());
        self
    }

    pub fn service(mut self, name: &str) -> Self {
        self.finding.service = Some(name.to_string());
        self
    }

    pub fn build(self) -> Finding {
        self.finding
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_unique_and_documented() {
        let ids: Vec<_> = REGISTRY.iter().map(|r| r.meta().id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            ids, sorted,
            "REGISTRY must be in ID order without duplicates"
        );
        for rule in REGISTRY {
            let help = rule.meta().help();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(help.contains(section), "{} lacks {section}", rule.meta().id);
            }
        }
    }

    /// Every rule carries vectors of both kinds in its own file, and they hold: each `fires`
    /// repository gets at least one finding of the rule, each `quiet` one none. The rule's
    /// findings on its `fires` vectors, alone, are its snapshot.
    #[test]
    fn every_rule_has_vectors_that_hold() {
        let mut failures = Vec::new();
        let mut snapshots = Vec::new();
        for rule in REGISTRY {
            let id = rule.meta().id;
            let vectors = rule.vectors();
            if vectors.fires.is_empty() || vectors.quiet.is_empty() {
                failures.push(format!(
                    "{id}: needs `fires` and `quiet` vectors ({} and {})",
                    vectors.fires.len(),
                    vectors.quiet.len()
                ));
            }
            let mut snapshot = String::new();
            for case in &vectors.fires {
                let found = case.repo.check(*rule);
                if found.is_empty() {
                    failures.push(format!("{id}: fires `{}` found nothing", case.name));
                }
                if found.iter().any(|f| f.rule != id) {
                    failures.push(format!(
                        "{id}: `{}` pushed another rule's findings",
                        case.name
                    ));
                }
                snapshot.push_str(&format!("## {}\n{}\n", case.name, testing::render(&found)));
            }
            for case in &vectors.quiet {
                let found = case.repo.check(*rule);
                if !found.is_empty() {
                    failures.push(format!(
                        "{id}: quiet `{}` flagged:\n{}",
                        case.name,
                        testing::render(&found)
                    ));
                }
            }
            snapshots.push((id.replace('/', "__"), snapshot));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        for (name, snapshot) in snapshots {
            insta::assert_snapshot!(name, snapshot);
        }
    }
}
