use crate::discover::FileKind;
use crate::finding::Finding;
use crate::parse::dockerfile::{Op, Word};
use crate::rules::docker::{Image, applies, dockerfiles, for_service};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=X`, `RUN --mount=from=X` and `FROM X` where `X` is meant as a stage
    /// but names none before it: a stage defined later, the stage itself, a stage index out of
    /// range, or a near-miss of an earlier stage's name (`buidler` for `builder`).
    ///
    /// ## Why is this bad?
    /// BuildKit takes a name that is not an earlier stage for an image and tries to pull it:
    /// the build fails with `pull access denied for buidler` (or, worse, pulls a public image
    /// of that name). A stage can only use stages defined above it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20 AS builder
    /// RUN npm ci && npm run build
    /// FROM node:20-slim
    /// COPY --from=buidler /app/dist ./dist
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY --from=builder /app/dist ./dist
    /// ```
    pub struct StageNameUnknown {
        id: "docker/stage-name-unknown",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile],
        summary: "`COPY --from=X` / `FROM X` / `RUN --mount=from=X` naming no earlier stage (and not an image reference)",
    }
}

impl Rule for StageNameUnknown {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for image in dockerfiles(cx.model) {
            let names: Vec<Option<&str>> =
                image.df.stages.iter().map(|s| s.name.as_deref()).collect();
            for (current, stage) in image.df.stages.iter().enumerate() {
                for index in stage.first..=stage.last {
                    let Some(instruction) = image.instruction(index) else {
                        continue;
                    };
                    let mut refs: Vec<(String, Option<&Word>)> = Vec::new();
                    match &instruction.op {
                        Op::Copy(copy) => {
                            if let Some(from) = &copy.from {
                                refs.push((from.text.clone(), Some(from)));
                            }
                        }
                        Op::Run(run) => {
                            for m in &run.mounts {
                                if let Some(from) = m.option("from") {
                                    refs.push((from.to_string(), None));
                                }
                            }
                        }
                        Op::From(from) if index == stage.first => {
                            refs.push((from.image.text.clone(), Some(&from.image)));
                        }
                        _ => {}
                    }
                    for (written, word) in refs {
                        if written.contains('$') {
                            continue;
                        }
                        let Some(why) =
                            problem(&names, current, &written, instruction.keyword == "FROM")
                        else {
                            continue;
                        };
                        let span = word
                            .map_or_else(|| instruction.span(), |w| instruction.span_of_word(w));
                        out.push(finding(cx, &image, span, &written, &why));
                    }
                }
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

fn finding(
    cx: &Context<'_>,
    image: &Image<'_>,
    span: crate::source::Span,
    written: &str,
    why: &str,
) -> Finding {
    for_service(
        FindingBuilder::new(
            &StageNameUnknown::META,
            &image.df.path,
            span,
            written.to_ascii_lowercase(),
            format!("`{written}` names no earlier stage ({why}): BuildKit takes it for an image to pull, and the build fails"),
        )
        .help("name a stage defined above this instruction (stage names are case-insensitive), or move the stage up"),
        cx.model,
        image,
    )
    .build()
}

/// Why `written` is a broken stage reference from stage `current`, if it is one.
fn problem(names: &[Option<&str>], current: usize, written: &str, is_from: bool) -> Option<String> {
    let lower = written.to_ascii_lowercase();
    if let Ok(n) = lower.parse::<usize>() {
        if is_from {
            return None;
        }
        return (n >= current).then(|| format!("stage {n} is this stage or a later one"));
    }
    if names
        .iter()
        .take(current)
        .any(|n| *n == Some(lower.as_str()))
    {
        return None;
    }
    if names.get(current).copied().flatten() == Some(lower.as_str()) {
        return Some("it is the stage this instruction is in".to_string());
    }
    if names
        .iter()
        .skip(current + 1)
        .any(|n| *n == Some(lower.as_str()))
    {
        return Some("that stage is defined further down".to_string());
    }
    // An image reference (`node:20`, `ghcr.io/x`) or a named context is not a stage.
    if lower.contains([':', '/', '.', '@']) {
        return None;
    }
    names
        .iter()
        .take(current)
        .flatten()
        .find(|n| n.len() >= 4 && distance(n, &lower) <= 2)
        .map(|n| format!("did you mean `{n}`?"))
}

/// Levenshtein distance, for near-misses of stage names (and of rule IDs in the config).
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(previous + usize::from(ca != *cb));
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a near-miss of the builder's name",
                    api(
                        "FROM node:20 AS builder\nRUN echo\nFROM node:20-slim\nCOPY --from=buidler /app/dist ./dist\n",
                    ),
                ),
                case(
                    "a stage defined further down",
                    api(
                        "FROM node:20 AS deps\nCOPY --from=build /app/dist ./dist\nFROM node:20 AS build\nRUN echo\n",
                    ),
                ),
                case(
                    "a cache mount from the stage itself",
                    api("FROM node:20 AS build\nRUN --mount=type=bind,from=build,target=/x echo\n"),
                ),
                case(
                    "an index that is not before the stage",
                    api("FROM node:20\nFROM node:20-slim\nCOPY --from=1 /app /app\n"),
                ),
            ],
            quiet: vec![
                case(
                    "stage names compare case-insensitively",
                    api(
                        "FROM node:20 AS Builder\nRUN echo\nFROM node:20-slim\nCOPY --from=builder /app /app\nCOPY --from=0 /app /app2\n",
                    ),
                ),
                case(
                    "an image as --from",
                    api(
                        "FROM node:20-slim\nCOPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/\nCOPY --from=ghcr.io/acme/assets /x /x\nCOPY --from=busybox /bin/wget /bin/wget\n",
                    ),
                ),
                case(
                    "a variable decides",
                    api(
                        "ARG FROM_STAGE=build\nFROM node:20 AS build\nFROM node:20-slim\nCOPY --from=${FROM_STAGE} /app /app\n",
                    ),
                ),
            ],
        }
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(super::distance("builder", "buidler"), 2);
        assert_eq!(super::distance("builder", "builder"), 0);
        assert_eq!(super::distance("deps", "nginx"), 5);
    }
}
