//! seaworthy's nest/ rules against what NestJS itself said about each scenario under
//! `tests/fixtures/nest/`: `scripts/nest-differential.sh --record` booted every fixture with the
//! real `@nestjs/core` (preview mode) and wrote its verdict to `nest-verdict.txt`. This test
//! runs offline: it compares a scan of each fixture with the recorded verdict, the same way the
//! script compares a live one.

mod common;

use common::{fixture, scan_fixture};
use seaworthy::finding::Severity;

/// The verdict Nest recorded: `None` when it booted, else its first message line.
fn recorded(name: &str) -> Option<String> {
    let text = std::fs::read_to_string(fixture(&format!("nest/{name}")).join("nest-verdict.txt"))
        .unwrap_or_else(|e| panic!("{name}: no nest-verdict.txt ({e})"));
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    match lines.next() {
        Some("boots") => None,
        Some("fails") => Some(lines.next().unwrap_or_default().to_string()),
        other => panic!("{name}: unreadable verdict {other:?}"),
    }
}

/// The comparable part of a message: Nest's sentence up to the module it names, with the
/// Nest 11.1.15-and-earlier ending ("… in the M context.") read like the current one.
fn sentence(message: &str) -> String {
    let message = message.replace(" context.", " module.");
    if let Some(end) = message.find(" module.") {
        return message[..end + " module.".len()].to_string();
    }
    if let Some(end) = message.find(" in this particular context.") {
        return message[..end].to_string();
    }
    message
}

#[test]
fn every_scenario_agrees_with_nest() {
    let dir = fixture("nest");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/nest")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 30, "at least 30 scenarios");
    let mut disagreements = Vec::new();
    for name in &names {
        let report = scan_fixture(&format!("nest/{name}")).report;
        let errors: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.rule.starts_with("nest/") && f.severity == Severity::Error)
            .collect();
        let verdict = recorded(name);
        let agrees = match (&verdict, errors.as_slice()) {
            (None, []) => true,
            (Some(nest), [one]) if nest.starts_with("Nest cannot create the ") => {
                let module = nest
                    .trim_start_matches("Nest cannot create the ")
                    .trim_end_matches(" instance.");
                one.rule == "nest/circular-import" && one.message.contains(module)
            }
            (Some(nest), [one]) => sentence(&one.message) == sentence(nest),
            _ => false,
        };
        if !agrees {
            disagreements.push(format!(
                "{name}:\n  nest:       {}\n  seaworthy:  {}",
                verdict.as_deref().unwrap_or("boots"),
                if errors.is_empty() {
                    "no nest/ error".to_string()
                } else {
                    errors
                        .iter()
                        .map(|f| format!("{} {}", f.rule, f.message))
                        .collect::<Vec<_>>()
                        .join("\n              ")
                }
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} scenarios disagree with Nest:\n{}",
        disagreements.len(),
        names.len(),
        disagreements.join("\n")
    );
}
