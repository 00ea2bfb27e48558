//! The README's rule table is generated from the rule registry; this test fails when it drifts,
//! and `SEAWORTHY_UPDATE_README=1` rewrites it, as `SEAWORTHY_UPDATE_SCHEMA=1` does the schema.

const START: &str = "<!-- rules:start -->\n";
const END: &str = "<!-- rules:end -->";

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
