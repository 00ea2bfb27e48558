//! The score, Lighthouse-style and explainable.
//!
//! Every rule is a check, made once per service (and once for whatever lies outside services)
//! or once for the repository, by the rule's scope. A check that applies scores 1 without
//! findings and loses 1 per error, ½ per warning and ¼ per info finding, never going below 0.
//! It weighs 10, 5 or 1 by the rule's severity; checks that do not apply weigh nothing. A
//! category's score is the weighted mean of its checks × 100; the overall score is the mean of
//! the category scores weighted by `CATEGORY_WEIGHTS`. A check whose input failed to parse is
//! unknown and makes its category's score null rather than 0. Scores are rounded down, so 100
//! means no finding at all. More findings can never raise a score.

use std::collections::BTreeMap;

use crate::finding::{Category, Finding, Severity};
use crate::model::{Model, Service};
use crate::paths;
use crate::report::{
    CategoryScore, CategoryStatus, CheckCounts, CheckResult, CheckStatus, Counts, ErrorEntry,
    Rating,
};
use crate::rules::{Active, Context, Scope, Subject};

pub(crate) const EXPLANATION: &str = "Each rule is a check, made per service or once for the repository. A check that applies scores 1 without findings and loses 1 per error, 0.5 per warning and 0.25 per info finding (never below 0); it weighs 10, 5 or 1 by the rule's severity, and checks that do not apply weigh nothing. A category scores the weighted mean of its checks x 100; the overall score is the mean of category scores weighted dependencies 25, container 20, lockfile 15, nestjs 15, security 15, orchestration 10. A check whose input failed to parse makes its category unknown (null), never 0. Scores are rounded down: >= 90 pass, >= 50 average, below fail.";

pub(crate) fn category_weight(category: Category) -> u32 {
    match category {
        Category::Dependencies => 25,
        Category::Container => 20,
        Category::Lockfile | Category::Nestjs | Category::Security => 15,
        Category::Orchestration => 10,
        Category::Suppressions => 0,
    }
}

pub(crate) fn severity_weight(severity: Severity) -> u32 {
    match severity {
        Severity::Error => 10,
        Severity::Warning => 5,
        Severity::Info => 1,
    }
}

fn penalty(severity: Severity) -> f64 {
    match severity {
        Severity::Error => 1.0,
        Severity::Warning => 0.5,
        Severity::Info => 0.25,
    }
}

pub(crate) struct Scores {
    pub overall: Option<u32>,
    pub categories: Vec<CategoryScore>,
    pub checks: Vec<CheckResult>,
    /// Per service, in `model.services` order.
    pub services: Vec<(Option<u32>, Counts)>,
}

struct Check<'a> {
    rule: &'a str,
    category: Category,
    service: Option<usize>,
    weight: u32,
    /// `None` when unknown.
    score: Option<f64>,
    findings: usize,
}

/// Which subjects a finding counts against: the service it names, else the services of its
/// package, else the repository.
fn subjects_of(model: &Model, finding: &Finding) -> Vec<Option<usize>> {
    if let Some(name) = &finding.service
        && let Some(i) = model.services.iter().position(|s| &s.name == name)
    {
        return vec![Some(i)];
    }
    if let Some(dir) = &finding.package_dir {
        let matching: Vec<_> = model
            .services
            .iter()
            .enumerate()
            .filter(|(_, s)| s.package.is_some_and(|p| &model.packages[p].dir == dir))
            .map(|(i, _)| Some(i))
            .collect();
        if !matching.is_empty() {
            return matching;
        }
    }
    vec![None]
}

fn error_belongs_to(service: &Service, error: &ErrorEntry) -> bool {
    paths::is_within(&error.path, &service.path)
        || service.dockerfile.as_deref() == Some(error.path.as_str())
        || service.compose_file.as_deref() == Some(error.path.as_str())
}

pub(crate) fn score(
    cx: &Context<'_>,
    rules: &[Active],
    findings: &[Finding],
    errors: &[ErrorEntry],
) -> Scores {
    let model = cx.model;
    let mut by_rule_subject: BTreeMap<(&str, Option<usize>), Vec<&Finding>> = BTreeMap::new();
    // Each finding is attributed once: to its services' counts, and (unless its rule is
    // scored once for the repository) to those services' checks.
    let mut service_counts = vec![Counts::default(); model.services.len()];
    for finding in findings.iter().filter(|f| f.suppressed.is_none()) {
        let attributed = subjects_of(model, finding);
        for i in attributed.iter().flatten() {
            service_counts[*i].add(finding.severity);
        }
        let scope = rules
            .iter()
            .find(|r| r.rule.meta().id == finding.rule)
            .map(|r| r.rule.meta().scope);
        let subjects = if scope == Some(Scope::Repository) {
            vec![None]
        } else {
            attributed
        };
        for subject in subjects {
            by_rule_subject
                .entry((finding.rule.as_str(), subject))
                .or_default()
                .push(finding);
        }
    }

    let mut checks = Vec::new();
    let mut not_applicable: BTreeMap<Category, usize> = BTreeMap::new();
    for active in rules {
        let rule = active.rule;
        let meta = rule.meta();
        let mut subjects: Vec<Option<usize>> = vec![None];
        if meta.scope == Scope::Service {
            subjects.extend((0..model.services.len()).map(Some));
        }
        for subject in subjects {
            let as_subject = subject.map_or(Subject::Repository, |i| {
                Subject::Service(&model.services[i])
            });
            if !rule.applies(cx, as_subject) {
                *not_applicable.entry(meta.category).or_default() += 1;
                continue;
            }
            let failed_input = errors
                .iter()
                .filter(|e| e.kind.is_some_and(|k| meta.inputs.contains(&k)))
                .any(|e| match (meta.scope, subject) {
                    (Scope::Repository, _) => true,
                    (Scope::Service, Some(i)) => error_belongs_to(&model.services[i], e),
                    (Scope::Service, None) => {
                        !model.services.iter().any(|s| error_belongs_to(s, e))
                    }
                });
            let found = by_rule_subject
                .get(&(meta.id, subject))
                .map_or(&[][..], Vec::as_slice);
            let lost: f64 = found.iter().map(|f| penalty(f.severity)).sum();
            checks.push(Check {
                rule: meta.id,
                category: meta.category,
                service: subject,
                weight: severity_weight(active.severity),
                score: (!failed_input).then(|| (1.0 - lost).max(0.0)),
                findings: found.len(),
            });
        }
    }

    let mut categories = Vec::new();
    let mut category_totals: BTreeMap<Category, (f64, u32, bool)> = BTreeMap::new();
    for category in Category::ALL {
        let in_category: Vec<&Check<'_>> =
            checks.iter().filter(|c| c.category == category).collect();
        let mut counts = CheckCounts {
            not_applicable: not_applicable.get(&category).copied().unwrap_or(0),
            ..CheckCounts::default()
        };
        let mut earned = 0.0;
        let mut total = 0;
        let mut unknown = false;
        for check in &in_category {
            match check.score {
                None => {
                    counts.unknown += 1;
                    unknown = true;
                }
                Some(s) => {
                    if s >= 1.0 {
                        counts.pass += 1
                    } else {
                        counts.fail += 1
                    }
                    earned += f64::from(check.weight) * s;
                    total += check.weight;
                }
            }
        }
        let (score, status) = if unknown {
            (None, CategoryStatus::Unknown)
        } else if total == 0 {
            (None, CategoryStatus::NotApplicable)
        } else {
            (
                Some(floor_score(earned / f64::from(total))),
                CategoryStatus::Scored,
            )
        };
        category_totals.insert(category, (earned, total, unknown));
        categories.push(CategoryScore {
            id: category,
            title: category.title().to_string(),
            score,
            status,
            weight: category_weight(category),
            checks: counts,
            score_delta: None,
        });
    }

    let scored: Vec<&CategoryScore> = categories
        .iter()
        .filter(|c| c.status == CategoryStatus::Scored)
        .collect();
    let weight_sum: u32 = scored.iter().map(|c| c.weight).sum();
    let overall = (weight_sum > 0).then(|| {
        let exact: f64 = scored
            .iter()
            .map(|c| {
                let (earned, total, _) = category_totals[&c.id];
                f64::from(c.weight) * earned / f64::from(total)
            })
            .sum::<f64>()
            / f64::from(weight_sum);
        floor_score(exact)
    });

    let mut results: Vec<CheckResult> = checks
        .iter()
        .filter(|c| c.score.is_none_or(|s| s < 1.0))
        .map(|c| {
            let (_, total, unknown) = category_totals[&c.category];
            let impact = match c.score {
                Some(s) if !unknown && total > 0 && weight_sum > 0 => {
                    100.0 * f64::from(c.weight) * (1.0 - s) / f64::from(total)
                        * f64::from(category_weight(c.category))
                        / f64::from(weight_sum)
                }
                _ => 0.0,
            };
            CheckResult {
                rule: c.rule.to_string(),
                category: c.category,
                service: c.service.map(|i| model.services[i].name.clone()),
                status: if c.score.is_some() {
                    CheckStatus::Fail
                } else {
                    CheckStatus::Unknown
                },
                score: round2(c.score.unwrap_or(0.0)),
                weight: c.weight,
                findings: c.findings,
                impact: round2(impact),
            }
        })
        .collect();
    results.sort_by(|a, b| {
        b.impact
            .total_cmp(&a.impact)
            .then_with(|| (&a.rule, &a.service).cmp(&(&b.rule, &b.service)))
    });

    let services = service_counts
        .into_iter()
        .enumerate()
        .map(|(i, counts)| {
            let mine: Vec<&Check<'_>> = checks.iter().filter(|c| c.service == Some(i)).collect();
            let total: u32 = mine.iter().map(|c| c.weight).sum();
            let score = if mine.iter().any(|c| c.score.is_none()) || total == 0 {
                None
            } else {
                let earned: f64 = mine
                    .iter()
                    .map(|c| f64::from(c.weight) * c.score.unwrap_or(0.0))
                    .sum();
                Some(floor_score(earned / f64::from(total)))
            };
            (score, counts)
        })
        .collect();

    Scores {
        overall,
        categories,
        checks: results,
        services,
    }
}

fn floor_score(fraction: f64) -> u32 {
    // The epsilon keeps 0.29999999 × 100 from flooring to 29.
    ((fraction * 100.0 + 1e-9).floor().clamp(0.0, 100.0)) as u32
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub(crate) fn rating(score: Option<u32>) -> Option<Rating> {
    score.map(Rating::of)
}
