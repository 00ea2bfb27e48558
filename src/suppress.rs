//! The suppress stage: inline `seaworthy-ignore` comments, then the config file's `ignore`
//! globs and per-path rule ignores. A suppressed finding stays in the report, with where it
//! was suppressed and why, and does not count. Comments without a reason suppress nothing,
//! and comments that suppress nothing are reported (`rules::suppression`).

use std::collections::BTreeMap;

use crate::config::Config;
use crate::finding::{Finding, Suppression, SuppressionSource};
use crate::parse::pragma::Pragma;
use crate::rules::{self, FindingBuilder, suppression};
use crate::source::Span;

pub(crate) fn apply(findings: &mut Vec<Finding>, pragmas: &[Pragma], config: &Config) {
    let mut by_path: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in pragmas.iter().enumerate() {
        by_path.entry(p.path.as_str()).or_default().push(i);
    }
    let mut used: Vec<Vec<bool>> = pragmas.iter().map(|p| vec![false; p.rules.len()]).collect();
    for finding in findings.iter_mut() {
        let Some(here) = by_path.get(finding.location.path.as_str()) else {
            continue;
        };
        for &i in here {
            let pragma = &pragmas[i];
            if !pragma.covers(finding.location.line) {
                continue;
            }
            let Some(k) = pragma.rules.iter().position(|r| *r == finding.rule) else {
                continue;
            };
            used[i][k] = true;
            if let Some(reason) = &pragma.reason
                && finding.suppressed.is_none()
            {
                finding.suppressed = Some(Suppression {
                    reason: reason.clone(),
                    source: SuppressionSource::Inline,
                    path: Some(pragma.path.clone()),
                    line: Some(pragma.line),
                });
            }
        }
    }

    for (pragma, used) in pragmas.iter().zip(&used) {
        findings.extend(problems(pragma, used, config));
    }

    for finding in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        finding.suppressed = by_config(finding, config);
    }
}

/// What is wrong with one comment, as findings of the suppression rules that are on.
fn problems(pragma: &Pragma, used: &[bool], config: &Config) -> Vec<Finding> {
    let at = Span::point(pragma.line, pragma.column);
    let build = |meta: &rules::RuleMeta, key: &str, message: String, help: &str| {
        let mut f = FindingBuilder::new(meta, &pragma.path, at, key, message)
            .help(help)
            .build();
        if let Some(Some(severity)) = config.level(meta.id) {
            f.severity = severity;
        }
        f
    };
    let mut out = Vec::new();
    let names = pragma.rules.join(", ");
    if pragma.reason.is_none() {
        if !config.is_off(suppression::MISSING_REASON.id) {
            let first = pragma.rules.first().map_or("RULE", String::as_str);
            out.push(build(
                &suppression::MISSING_REASON,
                &names,
                format!("`seaworthy-ignore {names}` gives no reason, so it suppresses nothing"),
                &format!(
                    "Say why after a colon: `seaworthy-ignore {first}: why this is safe here`."
                ),
            ));
        }
        return out;
    }
    if config.is_off(suppression::UNUSED.id) {
        return out;
    }
    if pragma.rules.is_empty() {
        out.push(build(
            &suppression::UNUSED,
            "",
            "this `seaworthy-ignore` comment names no rule".to_string(),
            "Name the rules it suppresses: `seaworthy-ignore deps/undeclared: why`.",
        ));
    }
    for (rule, used) in pragma.rules.iter().zip(used) {
        if *used {
            continue;
        }
        let known = rules::find(rule).is_some() || suppression::find(rule).is_some();
        if known && config.is_off(rule) {
            continue;
        }
        let (message, help) = if !known {
            (
                format!("`{rule}` in a `seaworthy-ignore` comment is no rule"),
                "`seaworthy rules` lists the rule IDs; a misspelt ID suppresses nothing."
                    .to_string(),
            )
        } else {
            let lines = match pragma.covers {
                None => "it stands above nothing".to_string(),
                Some((a, b)) if a == b => format!("no `{rule}` finding on line {a}"),
                Some((a, b)) => format!("no `{rule}` finding on lines {a}–{b}"),
            };
            (
                format!("`seaworthy-ignore {rule}` suppresses nothing: {lines}"),
                "The finding is gone or moved: delete the suppression, or move it above the line it is about.".to_string(),
            )
        };
        out.push(build(&suppression::UNUSED, rule, message, &help));
    }
    out
}

fn by_config(finding: &Finding, config: &Config) -> Option<Suppression> {
    let path = &finding.location.path;
    let suppressed = |reason: String, line: u32| Suppression {
        reason,
        source: SuppressionSource::Config,
        path: config.path.clone(),
        line: Some(line),
    };
    if let Some(glob) = config.ignore.iter().find(|g| g.matches(path)) {
        return Some(suppressed(
            format!("`{}` is in the config's `ignore`", glob.pattern),
            glob.line,
        ));
    }
    config
        .overrides
        .iter()
        .find(|o| o.rules.contains(&finding.rule) && o.paths.iter().any(|g| g.matches(path)))
        .map(|o| suppressed(o.reason.clone(), o.line))
}
