//! The README's rule table is generated from the rule registry; this test fails when it drifts.

#[test]
fn readme_rule_table_matches_the_registry() {
    let mut table = String::from("| id | severity | category | flags |\n|---|---|---|---|\n");
    for rule in seaworthy::rules::REGISTRY {
        let m = rule.meta();
        table.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            m.id,
            m.severity.as_str(),
            m.category.id(),
            m.summary
        ));
    }
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme.find("<!-- rules:start -->\n").expect("start marker")
        + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("end marker");
    assert_eq!(
        &readme[start..end],
        table,
        "README.md's rule table is stale; replace the lines between the rules markers with the expected text above"
    );
}
