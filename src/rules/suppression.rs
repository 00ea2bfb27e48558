//! The rules about suppressions themselves. They run after every other rule (they need its
//! findings), in the suppress stage of the pipeline (`crate::suppress`), and are not scored: a
//! stale or unexplained suppression says nothing about whether a service ships.

use crate::finding::{Category, Severity};
use crate::rules::{RuleMeta, Scope};

pub(crate) const MISSING_REASON: RuleMeta = RuleMeta {
    id: "suppression/missing-reason",
    category: Category::Suppressions,
    severity: Severity::Warning,
    summary: "a `seaworthy-ignore` comment gives no reason, so it suppresses nothing",
    docs: &[
        " ## What it does",
        " Flags a `seaworthy-ignore RULE` comment without a reason after a colon. Such a comment",
        " suppresses nothing: the finding it stands above is still reported.",
        "",
        " ## Why is this bad?",
        " A suppression is a decision someone made about a real defect. Without the reason, the",
        " next reader cannot tell a considered exception from a silenced alarm, and a merge gate",
        " that trusts it can no longer be trusted.",
        "",
        " ## Example",
        " ```ts",
        " // seaworthy-ignore deps/undeclared",
        " import { Registry } from 'prom-client';",
        " ```",
        "",
        " ## Use instead",
        " ```ts",
        " // seaworthy-ignore deps/undeclared: bundled into dist/ by esbuild, never required at runtime",
        " import { Registry } from 'prom-client';",
        " ```",
    ],
    scope: Scope::Repository,
    inputs: &[],
};

pub(crate) const UNUSED: RuleMeta = RuleMeta {
    id: "suppression/unused",
    category: Category::Suppressions,
    severity: Severity::Warning,
    summary: "a `seaworthy-ignore` comment suppresses no finding, or names no rule",
    docs: &[
        " ## What it does",
        " Flags a rule named in a `seaworthy-ignore` comment that suppresses no finding on the",
        " lines the comment covers, and a name that is no rule at all. A rule turned `off` in",
        " `seaworthy.toml` is not reported: its findings are not looked for.",
        "",
        " ## Why is this bad?",
        " The defect was fixed or the code moved, and the comment stayed. A stale suppression",
        " silently swallows the next real finding on that line.",
        "",
        " ## Example",
        " ```dockerfile",
        " # seaworthy-ignore docker/runs-as-root: the entrypoint drops privileges",
        " USER node",
        " ```",
        "",
        " ## Use instead",
        " Delete the comment (the image no longer runs as root).",
    ],
    scope: Scope::Repository,
    inputs: &[],
};

/// The suppression rules, in ID order.
pub static RULES: &[&RuleMeta] = &[&MISSING_REASON, &UNUSED];

pub fn find(id: &str) -> Option<&'static RuleMeta> {
    RULES.iter().copied().find(|m| m.id == id)
}

#[cfg(test)]
mod tests {
    use crate::config;
    use crate::rules::testing::Repo;

    const MANIFEST: &str = r#"{ "name": "api", "version": "1.0.0", "dependencies": {} }"#;

    fn rules_found(repo: Repo, config: &str) -> Vec<(String, Option<String>, u32)> {
        let config = config::parse("seaworthy.toml", config).unwrap();
        crate::findings(&repo.model(), &config)
            .into_iter()
            .map(|f| (f.rule, f.suppressed.map(|s| s.reason), f.location.line))
            .collect()
    }

    #[test]
    fn fires() {
        // No reason: the finding stands, and the comment is reported.
        let found = rules_found(
            Repo::new().file("package.json", MANIFEST).file(
                "src/main.ts",
                "// seaworthy-ignore deps/undeclared\nimport 'prom-client';\n",
            ),
            "",
        );
        assert_eq!(
            found,
            [
                ("suppression/missing-reason".to_string(), None, 1),
                ("deps/undeclared".to_string(), None, 2),
            ]
        );
        // Nothing on the covered line; a misspelt rule; one of two names used.
        let found = rules_found(
            Repo::new().file("package.json", MANIFEST).file(
                "src/main.ts",
                "// seaworthy-ignore deps/undeclared: old\nimport 'node:fs';\n// seaworthy-ignore deps/undeclard: typo\nimport 'a';\n// seaworthy-ignore deps/undeclared, docker/runs-as-root: both\nimport 'b';\n",
            ),
            "",
        );
        let unused: Vec<u32> = found
            .iter()
            .filter(|f| f.0 == "suppression/unused")
            .map(|f| f.2)
            .collect();
        assert_eq!(unused, [1, 3, 5], "{found:?}");
        assert!(
            found
                .iter()
                .any(|f| f.0 == "deps/undeclared" && f.2 == 4 && f.1.is_none()),
            "a typo suppresses nothing: {found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.0 == "deps/undeclared" && f.2 == 6 && f.1.as_deref() == Some("both")),
            "{found:?}"
        );
    }

    #[test]
    fn quiet() {
        // A reasoned suppression that matches: the finding is kept, suppressed, and nothing else.
        let found = rules_found(
            Repo::new().file("package.json", MANIFEST).file(
                "src/main.ts",
                "// seaworthy-ignore deps/undeclared: bundled by esbuild\nimport 'prom-client';\n",
            ),
            "",
        );
        assert_eq!(
            found,
            [(
                "deps/undeclared".to_string(),
                Some("bundled by esbuild".to_string()),
                2
            )]
        );
        // A rule turned off is not looked for, so its suppression is not stale.
        let found = rules_found(
            Repo::new().file("package.json", MANIFEST).file(
                "src/main.ts",
                "// seaworthy-ignore deps/undeclared: bundled\nimport 'prom-client';\n",
            ),
            "[rules]\n\"deps/undeclared\" = \"off\"\n",
        );
        assert!(found.is_empty(), "{found:?}");
        // A compose key and what is nested under it, and a Dockerfile instruction.
        let compose = "services:\n  # seaworthy-ignore compose/hardcoded-secret: the local test database only\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: s3cr3t-Passw0rd-9a8b7c\n";
        let found = rules_found(
            Repo::new()
                .file("package.json", MANIFEST)
                .file("docker-compose.yml", compose),
            "",
        );
        let secrets: Vec<_> = found
            .iter()
            .filter(|f| f.0 == "compose/hardcoded-secret")
            .collect();
        assert!(!secrets.is_empty(), "{found:?}");
        assert!(
            secrets
                .iter()
                .all(|f| f.1.as_deref() == Some("the local test database only")),
            "{found:?}"
        );
        assert!(
            found.iter().all(|f| !f.0.starts_with("suppression/")),
            "{found:?}"
        );
        // The suppression rules can be turned off like any other.
        let found = rules_found(
            Repo::new().file("package.json", MANIFEST).file(
                "src/main.ts",
                "// seaworthy-ignore deps/undeclared: old\nimport 'node:fs';\n",
            ),
            "[rules]\n\"suppression/unused\" = \"off\"\n",
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
