//! The score, Lighthouse-style and explainable, and never greener than the gate.
//!
//! Every rule is a check, made once per service (and once for whatever lies outside services)
//! or once for the repository, by the rule's scope. A check that applies scores 1 without
//! findings and 1 / (1 + p) with them, where p adds 1 per error, ½ per warning and ¼ per info
//! finding: one error halves it, and every further finding still costs something, so a check
//! with 92 findings scores below one with 1. It weighs 10, 5 or 1 by the rule's severity;
//! checks that do not apply weigh nothing. A category's raw score is the weighted mean of its
//! checks × 100, the overall raw score the mean of the category scores weighted by
//! `CATEGORY_WEIGHTS`.
//!
//! Errors dominate: an error means a service will fail to build, start or serve, so a score
//! (overall, category or service) with E error findings in its scope is at most
//! `ceiling(E) = 89 − 10·log2(E)`: 89 for one error (never a pass), 79 for two, 49 for sixteen,
//! 0 from 2^8.9 ≈ 478. The overall score can therefore not rate pass while the default gate
//! (`--fail-on error`) fails, which counts the same unsuppressed errors.
//!
//! A check whose input failed to parse is unknown and makes its category's score null rather
//! than 0; a category none of whose rules ran (all turned `off`) is "not checked". Scores are
//! rounded down, so 100 means no finding at all. More findings can never raise a score: the
//! raw scores and the ceiling both only fall as findings are added.
//!
//! A finding counts for the service it names, or for the services that ship the file it is
//! about (its Dockerfile, else the most specific service or Dockerfile folders that hold it; a
//! finding in a compose file that names none of its services is the repository's),
//! or for the services built from the package whose manifest it is about; repository-scoped
//! rules count for the repository only. A failing check's impact is the points the overall
//! score would recover if its findings were fixed, computed by scoring again without them.

use std::collections::BTreeMap;

use crate::finding::{Category, Finding, Severity};
use crate::model::{Model, Service};
use crate::paths;
use crate::report::{
    CategoryScore, CategoryStatus, CheckCounts, CheckResult, CheckStatus, Counts, ErrorEntry,
    Rating,
};
use crate::rules::{Active, Context, Scope, Subject};

pub(crate) const EXPLANATION: &str = "Each rule is a check, made per service or once for the repository. A check that applies scores 1 without findings and 1/(1+p) with them, where p adds 1 per error, 0.5 per warning and 0.25 per info finding; it weighs 10, 5 or 1 by the rule's severity, and checks that do not apply weigh nothing. A category scores the weighted mean of its checks x 100; the overall score is the mean of category scores weighted dependencies 25, container 20, lockfile 15, nestjs 15, security 15, orchestration 10. Errors dominate: a score with E error findings in its scope (the repository, a category or a service) is at most 89 - 10*log2(E), so one error means at best 89 (average), 16 errors at best 49 (fail), and the rating is never pass while the default gate (--fail-on error) fails. A finding counts for the services that ship the file it is about. A check whose input failed to parse makes its category unknown (null), never 0. Scores are rounded down: >= 90 pass, >= 50 average, below fail. A failing check's impact is the points the overall score would recover if it passed.";

/// The highest score, in points, that a scope with `errors` error findings can have.
pub(crate) fn ceiling(errors: usize) -> f64 {
    if errors == 0 {
        100.0
    } else {
        (89.0 - 10.0 * (errors as f64).log2()).max(0.0)
    }
}

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
    /// The input failed to parse: the check's score is unknown.
    unknown: bool,
    /// Indices into the scored findings.
    findings: Vec<usize>,
}

/// The services a finding counts for; empty means the repository.
fn services_of(model: &Model, finding: &Finding) -> Vec<usize> {
    if let Some(name) = &finding.service
        && let Some(i) = model.services.iter().position(|s| &s.name == name)
    {
        return vec![i];
    }
    let path = finding.location.path.as_str();
    // The services that ship the file: its Dockerfile, else the most specific service folders
    // that hold it (a file in apps/api belongs to the api service, not to a service rooted at
    // the repository).
    let by_file: Vec<usize> = model
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| s.dockerfile.as_deref() == Some(path))
        .map(|(i, _)| i)
        .collect();
    if !by_file.is_empty() {
        return by_file;
    }
    // A compose file is shared by all its services, and a Dockerfile no service builds ships
    // nothing: a finding in one that names no service (a database in compose, say) is about
    // the repository.
    if model.compose_files.iter().any(|c| c.path == path)
        || model.dockerfiles.iter().any(|d| d.path == path)
    {
        return Vec::new();
    }
    // How specifically a service holds the file: the depth of the deepest of its folder and
    // its Dockerfile's folder that contains it (a Dockerfile in apps/api built from the
    // repository root ships apps/api, not apps/web).
    let holds = |s: &Service| -> Option<usize> {
        let dockerfile_dir = s.dockerfile.as_deref().map(paths::parent);
        [Some(s.path.as_str()), dockerfile_dir]
            .into_iter()
            .flatten()
            .filter(|dir| paths::is_within(path, dir))
            .map(depth_of)
            .max()
    };
    let holding: Vec<(usize, usize)> = model
        .services
        .iter()
        .enumerate()
        .filter_map(|(i, s)| holds(s).map(|d| (i, d)))
        .collect();
    if let Some(depth) = holding.iter().map(|&(_, d)| d).max() {
        let deepest: Vec<usize> = holding
            .into_iter()
            .filter(|&(_, d)| d == depth)
            .map(|(i, _)| i)
            .collect();
        // A file that only services rooted at the repository hold is theirs when there is
        // one. With several (Nx: one package.json, a Dockerfile per app, all built from the
        // root), which of them ships a file outside every app folder (a lib) is not known:
        // it counts for the repository, unless it is the manifest they all install.
        if depth > 0 || deepest.len() == 1 {
            return deepest;
        }
        let manifest = finding.package_dir.as_deref().is_some_and(|dir| {
            paths::parent(path) == dir && paths::file_name(path) == "package.json"
        });
        if !manifest {
            return Vec::new();
        }
    }
    // The services built from the package whose manifest the finding is about.
    if let Some(dir) = &finding.package_dir {
        return model
            .services
            .iter()
            .enumerate()
            .filter(|(_, s)| s.package.is_some_and(|p| &model.packages[p].dir == dir))
            .map(|(i, _)| i)
            .collect();
    }
    Vec::new()
}

fn depth_of(dir: &str) -> usize {
    if dir.is_empty() || dir == "." {
        0
    } else {
        dir.split('/').count()
    }
}

fn error_belongs_to(service: &Service, error: &ErrorEntry) -> bool {
    paths::is_within(&error.path, &service.path)
        || service.dockerfile.as_deref() == Some(error.path.as_str())
        || service.compose_file.as_deref() == Some(error.path.as_str())
}

/// The score of a check with penalty `p`.
fn check_score(p: f64) -> f64 {
    1.0 / (1.0 + p)
}

/// One evaluation of the scores, with some findings taken as fixed.
struct Evaluation {
    /// Per check: its score, `None` when unknown.
    checks: Vec<Option<f64>>,
    /// Per category: the exact score in points, or why there is none.
    categories: BTreeMap<Category, Result<f64, CategoryStatus>>,
    /// The exact overall score in points.
    overall: Option<f64>,
}

fn evaluate(
    checks: &[Check<'_>],
    findings: &[&Finding],
    active_categories: &[Category],
    fixed: &dyn Fn(usize) -> bool,
) -> Evaluation {
    let scores: Vec<Option<f64>> = checks
        .iter()
        .map(|c| {
            (!c.unknown).then(|| {
                let p: f64 = c
                    .findings
                    .iter()
                    .filter(|&&i| !fixed(i))
                    .map(|&i| penalty(findings[i].severity))
                    .sum();
                check_score(p)
            })
        })
        .collect();
    let mut errors_in: BTreeMap<Category, usize> = BTreeMap::new();
    let mut errors = 0;
    for (i, f) in findings.iter().enumerate() {
        if f.severity == Severity::Error && !fixed(i) {
            *errors_in.entry(f.category).or_default() += 1;
            errors += 1;
        }
    }
    let mut categories = BTreeMap::new();
    for category in Category::ALL {
        let mut earned = 0.0;
        let mut total = 0;
        let mut unknown = false;
        for (check, score) in checks.iter().zip(&scores) {
            if check.category != category {
                continue;
            }
            match score {
                None => unknown = true,
                Some(s) => {
                    earned += f64::from(check.weight) * s;
                    total += check.weight;
                }
            }
        }
        let value = if !active_categories.contains(&category) {
            Err(CategoryStatus::NotChecked)
        } else if unknown {
            Err(CategoryStatus::Unknown)
        } else if total == 0 {
            Err(CategoryStatus::NotApplicable)
        } else {
            let raw = 100.0 * earned / f64::from(total);
            Ok(raw.min(ceiling(errors_in.get(&category).copied().unwrap_or(0))))
        };
        categories.insert(category, value);
    }
    let mut weighted = 0.0;
    let mut weight_sum = 0;
    for (category, value) in &categories {
        if let Ok(points) = value {
            weighted += f64::from(category_weight(*category)) * points;
            weight_sum += category_weight(*category);
        }
    }
    let overall = (weight_sum > 0).then(|| (weighted / f64::from(weight_sum)).min(ceiling(errors)));
    Evaluation {
        checks: scores,
        categories,
        overall,
    }
}

pub(crate) fn score(
    cx: &Context<'_>,
    rules: &[Active],
    findings: &[Finding],
    errors: &[ErrorEntry],
) -> Scores {
    let model = cx.model;
    let scored: Vec<&Finding> = findings.iter().filter(|f| f.suppressed.is_none()).collect();
    let scope_of: BTreeMap<&str, Scope> = rules
        .iter()
        .map(|r| (r.rule.meta().id, r.rule.meta().scope))
        .collect();
    // Each finding counts for its services (their counts, and their checks unless its rule is
    // scored once for the repository), or for the repository.
    let mut by_rule_subject: BTreeMap<(&str, Option<usize>), Vec<usize>> = BTreeMap::new();
    let mut service_counts = vec![Counts::default(); model.services.len()];
    for (index, finding) in scored.iter().enumerate() {
        let repository_wide = scope_of.get(finding.rule.as_str()) == Some(&Scope::Repository);
        let services = if repository_wide {
            Vec::new()
        } else {
            services_of(model, finding)
        };
        for &i in &services {
            service_counts[i].add(finding.severity);
        }
        if services.is_empty() {
            by_rule_subject
                .entry((finding.rule.as_str(), None))
                .or_default()
                .push(index);
        }
        for i in services {
            by_rule_subject
                .entry((finding.rule.as_str(), Some(i)))
                .or_default()
                .push(index);
        }
    }

    let mut checks = Vec::new();
    let mut not_applicable: BTreeMap<Category, usize> = BTreeMap::new();
    let mut active_categories = Vec::new();
    for active in rules {
        let rule = active.rule;
        let meta = rule.meta();
        if !active_categories.contains(&meta.category) {
            active_categories.push(meta.category);
        }
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
            checks.push(Check {
                rule: meta.id,
                category: meta.category,
                service: subject,
                weight: severity_weight(active.severity),
                unknown: failed_input,
                // Each (rule, subject) is checked once: its findings move into the check.
                findings: by_rule_subject
                    .remove(&(meta.id, subject))
                    .unwrap_or_default(),
            });
        }
    }

    let now = evaluate(&checks, &scored, &active_categories, &|_| false);

    let categories = Category::ALL
        .into_iter()
        .map(|category| {
            let mut counts = CheckCounts {
                not_applicable: not_applicable.get(&category).copied().unwrap_or(0),
                ..CheckCounts::default()
            };
            for (check, score) in checks.iter().zip(&now.checks) {
                if check.category == category {
                    match score {
                        None => counts.unknown += 1,
                        Some(s) if *s >= 1.0 => counts.pass += 1,
                        Some(_) => counts.fail += 1,
                    }
                }
            }
            let (score, status) = match now.categories[&category] {
                Ok(points) => (Some(floor_points(points)), CategoryStatus::Scored),
                Err(status) => (None, status),
            };
            CategoryScore {
                id: category,
                title: category.title().to_string(),
                score,
                status,
                weight: category_weight(category),
                checks: counts,
                score_delta: None,
            }
        })
        .collect();

    let mut results: Vec<CheckResult> = checks
        .iter()
        .zip(&now.checks)
        .filter(|(_, s)| s.is_none_or(|s| s < 1.0))
        .map(|(c, s)| {
            // Score again with this check's findings fixed (wherever else they count).
            let impact = match (s, now.overall) {
                (Some(_), Some(before)) => {
                    let mut mask = vec![false; scored.len()];
                    for &i in &c.findings {
                        mask[i] = true;
                    }
                    let after = evaluate(&checks, &scored, &active_categories, &|i| mask[i]);
                    after.overall.map_or(0.0, |a| (a - before).max(0.0))
                }
                _ => 0.0,
            };
            CheckResult {
                rule: c.rule.to_string(),
                category: c.category,
                service: c.service.map(|i| model.services[i].name.clone()),
                status: if s.is_some() {
                    CheckStatus::Fail
                } else {
                    CheckStatus::Unknown
                },
                score: round2(s.unwrap_or(0.0)),
                weight: c.weight,
                findings: c.findings.len(),
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
            let mine: Vec<(&Check<'_>, Option<f64>)> = checks
                .iter()
                .zip(now.checks.iter().copied())
                .filter(|(c, _)| c.service == Some(i))
                .collect();
            let total: u32 = mine.iter().map(|(c, _)| c.weight).sum();
            let score = if mine.iter().any(|(_, s)| s.is_none()) || total == 0 {
                None
            } else {
                let earned: f64 = mine
                    .iter()
                    .map(|(c, s)| f64::from(c.weight) * s.unwrap_or(0.0))
                    .sum();
                let raw = 100.0 * earned / f64::from(total);
                Some(floor_points(raw.min(ceiling(counts.error))))
            };
            (score, counts)
        })
        .collect();

    Scores {
        overall: now.overall.map(floor_points),
        categories,
        checks: results,
        services,
    }
}

fn floor_points(points: f64) -> u32 {
    // The epsilon keeps 29.999999 from flooring to 29.
    ((points + 1e-9).floor().clamp(0.0, 100.0)) as u32
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub(crate) fn rating(score: Option<u32>) -> Option<Rating> {
    score.map(Rating::of)
}
