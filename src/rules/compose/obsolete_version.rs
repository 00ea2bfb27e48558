use crate::discover::FileKind;
use crate::finding::Finding;
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags the top-level `version:` key of a compose file.
    ///
    /// ## Why is this bad?
    /// The Compose Specification made `version` obsolete: Compose v2 ignores it, always
    /// validates against the newest schema, and prints `the attribute `version` is obsolete, it
    /// will be ignored` on every command. The key suggests that a file format version is being
    /// enforced when none is, and the warning trains readers to skip Compose's output.
    ///
    /// ## Example
    /// ```yaml
    /// version: "3.8"
    /// services:
    ///   api:
    ///     build: ./apps/api
    /// ```
    ///
    /// ## Use instead
    /// Delete the line:
    /// ```yaml
    /// services:
    ///   api:
    ///     build: ./apps/api
    /// ```
    pub struct ObsoleteVersion {
        id: "compose/obsolete-version",
        category: Orchestration,
        severity: Info,
        scope: Repository,
        inputs: [FileKind::Compose],
        summary: "the top-level `version:` key (ignored by Compose v2, prints a warning)",
    }
}

impl Rule for ObsoleteVersion {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for file in &cx.model.compose_files {
            // compose-spec: "version" is informational only; Compose warns when it is set.
            let Some((_, span, value)) =
                file.root.entries().iter().find(|(k, _, _)| k == "version")
            else {
                continue;
            };
            let written = value
                .as_str()
                .map_or_else(String::new, |v| format!(" `{v}`"));
            out.push(
                FindingBuilder::new(
                    &Self::META,
                    &file.path,
                    *span,
                    "version",
                    format!(
                        "the top-level `version`{written} is obsolete: Compose v2 ignores it and warns on every command"
                    ),
                )
                .help("delete the `version:` line; Compose always uses the current specification")
                .build(),
            );
        }
    }

    /// Only a repository with compose files is checked, so a repository without any does not
    /// gain a passing orchestration check.
    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        subject == Subject::Repository && !cx.model.compose_files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::ObsoleteVersion;
    use crate::rules::testing::{Repo, Vectors, case, places};
    use crate::rules::{Context, Rule, Subject};

    const SERVICES: &str = "services:\n  api:\n    build: ./apps/api\n";

    fn compose(path: &str, text: &str) -> Repo {
        Repo::new()
            .file("package.json", r#"{ "name": "acme", "private": true }"#)
            .file(path, text)
    }

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "quoted version",
                    compose(
                        "docker-compose.yml",
                        &format!("version: \"3.8\"\n{SERVICES}"),
                    ),
                ),
                case(
                    "numeric version in an override file",
                    compose(
                        "deploy/docker-compose.prod.yml",
                        &format!("{SERVICES}version: 3\n"),
                    ),
                ),
            ],
            quiet: vec![
                case("no version key", compose("compose.yaml", SERVICES)),
                case(
                    "a service's own `version` label or variable",
                    compose(
                        "compose.yaml",
                        "services:\n  api:\n    image: acme/api:1.2.0\n    environment:\n      version: \"2\"\n    labels:\n      version: \"2\"\n",
                    ),
                ),
                case(
                    "`version` inside an x- extension",
                    compose(
                        "compose.yaml",
                        &format!("x-meta:\n  version: 1\n{SERVICES}"),
                    ),
                ),
                case(
                    "a YAML file that is no compose file",
                    Repo::new()
                        .file("package.json", r#"{ "name": "acme" }"#)
                        .file("openapi.yaml", "version: 3\n"),
                ),
            ],
        }
    }

    #[test]
    fn points_at_the_key_and_applies_only_with_compose_files() {
        let repo = compose("docker-compose.yml", &format!("{SERVICES}version: '3.8'\n"));
        let found = repo.check(&ObsoleteVersion);
        assert_eq!(
            places(&found),
            vec![(
                "docker-compose.yml:4".to_string(),
                "the top-level `version` `3.8` is obsolete: Compose v2 ignores it and warns on every command".to_string()
            )]
        );
        let model = repo.model();
        let cx = Context {
            model: &model,
            policy: &crate::config::NO_POLICY,
        };
        assert!(ObsoleteVersion.applies(&cx, Subject::Repository));
        let empty = Repo::new().file("package.json", "{}").model();
        let cx = Context {
            model: &empty,
            policy: &crate::config::NO_POLICY,
        };
        assert!(!ObsoleteVersion.applies(&cx, Subject::Repository));
    }
}
