//! The README's rule table is generated from the rule registry; this test fails when it drifts,
//! and `SEAWORTHY_UPDATE_README=1` rewrites it, as `SEAWORTHY_UPDATE_SCHEMA=1` does the schema.

const START: &str = "<!-- rules:start -->\n";
const END: &str = "<!-- rules:end -->";

#[test]
fn readme_rule_table_matches_the_registry() {
    let mut table = String::from("| id | severity | category | flags |\n|---|---|---|---|\n");
    let all = seaworthy::rules::REGISTRY
        .iter()
        .map(|r| r.meta())
        .chain(seaworthy::rules::suppression::RULES.iter().copied());
    for m in all {
        table.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            m.id,
            m.severity.as_str(),
            m.category.id(),
            m.summary
        ));
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let start = readme.find(START).expect("start marker") + START.len();
    let end = readme.find(END).expect("end marker");
    if std::env::var_os("SEAWORTHY_UPDATE_README").is_some() {
        let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write(path, updated).expect("write README.md");
        return;
    }
    assert!(
        readme[start..end] == table,
        "README.md's rule table is stale; regenerate it with\n  SEAWORTHY_UPDATE_README=1 cargo test --test readme\n\nexpected:\n{table}"
    );
}

/// Every `toml` block of the README is a `seaworthy.toml` that seaworthy accepts.
#[test]
fn readme_config_examples_parse() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let mut blocks = 0;
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("```toml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("closed block");
        let parsed = seaworthy::config::parse("README.md", &body[..end]);
        assert!(parsed.is_ok(), "{:?}\n{}", parsed.err(), &body[..end]);
        blocks += 1;
        rest = &body[end..];
    }
    assert!(blocks > 0, "the README shows a seaworthy.toml");
}
