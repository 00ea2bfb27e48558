use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::docker::StageSim;
use crate::model::docker::expand::{Var, expand};
use crate::parse::dockerfile::{Op, Word};
use crate::rules::docker::{applies, for_service, images};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --chown=user:group` and `USER user` naming a user or group that is not
    /// numeric, not created in the stage (`adduser`, `useradd`, `addgroup`, `groupadd`, in
    /// it or a stage it is built on), and not in the base image (`node` in node images,
    /// `nonroot` in distroless). Images whose users the table does not know are not judged.
    ///
    /// ## Why is this bad?
    /// BuildKit resolves the names through the stage's `/etc/passwd` and `/etc/group`; a name
    /// that is not there fails the build (`unable to convert uid/gid chown string to host
    /// mapping`), and a `USER` that does not exist fails the container at start (`unable to
    /// find user netra: no matching entries in passwd file`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY --chown=netra:netra dist ./dist
    /// USER netra
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:20-slim
    /// RUN groupadd --system netra && useradd --system --gid netra netra
    /// COPY --chown=netra:netra dist ./dist
    /// USER netra
    /// ```
    /// or the image's own `node` user, or numeric ids (`--chown=1000:1000`).
    pub struct ChownUnknownUser {
        id: "docker/chown-unknown-user",
        category: Container,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Dockerfile],
        summary: "`COPY --chown=u:g` or `USER u` naming a user or group that neither the base image nor the stage creates",
    }
}

impl Rule for ChownUnknownUser {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut seen = std::collections::BTreeSet::new();
        for image in images(cx.model) {
            for stage in &image.build.stages {
                if stage.users_open {
                    continue;
                }
                let Some(facts) = stage.facts else { continue };
                let (Some(users), Some(groups)) = (facts.users, facts.groups) else {
                    continue;
                };
                for index in stage.from + 1..=stage.last {
                    let Some(instruction) = image.instruction(index) else {
                        continue;
                    };
                    let (word, what): (&Word, &str) = match &instruction.op {
                        Op::Copy(copy) => match &copy.chown {
                            Some(w) => (w, "--chown"),
                            None => continue,
                        },
                        Op::User(w) => (w, "USER"),
                        _ => continue,
                    };
                    let Some(text) = expand(&word.text, &|n| lookup(stage, n)) else {
                        continue;
                    };
                    let (user, group) = match text.split_once(':') {
                        Some((u, g)) => (u, Some(g)),
                        None => (text.as_str(), None),
                    };
                    let missing_user = unknown(user, users, stage);
                    let missing_group = group.filter(|g| unknown(g, groups, stage));
                    let (kind, name) = match (missing_user, missing_group) {
                        (true, _) => ("user", user),
                        (false, Some(g)) => ("group", g),
                        (false, None) => continue,
                    };
                    if !seen.insert((image.df.path.clone(), index)) {
                        continue;
                    }
                    let consequence = if what == "USER" {
                        "the container fails to start (`unable to find user`)"
                    } else {
                        "the build fails (`unable to convert uid/gid chown string to host mapping`)"
                    };
                    out.push(
                        for_service(
                            FindingBuilder::new(
                                &Self::META,
                                &image.df.path,
                                instruction.span_of_word(word),
                                format!("{kind}:{name}"),
                                format!(
                                    "`{what} {text}`: the {kind} `{name}` does not exist in {} ({} image, and no adduser/useradd/addgroup/groupadd creates it); {consequence}",
                                    image.stage_label(stage_index(&image.build.stages, stage)),
                                    facts.kind
                                ),
                            )
                            .help(format!(
                                "create it first (`RUN groupadd --system {name} && useradd --system --gid {name} {name}`, or `addgroup -S {name} && adduser -S -G {name} {name}` on Alpine), use an existing one (`node`), or use numeric ids"
                            )),
                            cx.model,
                            &image,
                        )
                        .build(),
                    );
                }
            }
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        applies(cx, subject)
    }
}

fn stage_index(stages: &[StageSim], stage: &StageSim) -> usize {
    stages
        .iter()
        .position(|s| s.from == stage.from)
        .unwrap_or(0)
}

fn lookup(stage: &StageSim, name: &str) -> Var {
    match stage.var(name) {
        Some(v) => Var::Set(v),
        None => Var::Unknown,
    }
}

fn unknown(name: &str, known: &[&str], stage: &StageSim) -> bool {
    !name.is_empty()
        && !name.chars().all(|c| c.is_ascii_digit())
        && !known.contains(&name)
        && !stage.created.contains(name)
}

#[cfg(test)]
mod tests {
    use crate::rules::docker::fixtures::api;
    use crate::rules::testing::{Vectors, case};

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "--chown to a user nobody created",
                    api(
                        "FROM node:20-slim\nWORKDIR /app\nCOPY --chown=netra:netra . .\nUSER node\n",
                    ),
                ),
                case(
                    "USER that was never created",
                    api("FROM node:20-alpine\nUSER app\nCMD [\"node\", \"main.js\"]\n"),
                ),
                case(
                    "a known user with a group nobody created",
                    api("FROM node:20-slim\nCOPY --chown=node:app . /app\n"),
                ),
                case(
                    "users created with ids from ARG defaults, and USER names another",
                    api(
                        "FROM node:20-alpine\nARG UID=1001\nRUN addgroup -g ${UID} app && adduser -u ${UID} -G app -D app\nUSER netra\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "numeric ids and the image's own user",
                    api(
                        "FROM node:20-slim\nCOPY --chown=1000:1000 . /app\nCOPY --chown=node:node . /app\nUSER node\n",
                    ),
                ),
                case(
                    "nonroot on distroless",
                    api(
                        "FROM gcr.io/distroless/nodejs20-debian12\nCOPY --chown=nonroot:nonroot main.js /app/\nUSER nonroot\n",
                    ),
                ),
                case(
                    "users created in the stage (Alpine and Debian)",
                    api(
                        "FROM node:20-alpine\nRUN addgroup -S -g 1001 nodejs && adduser -S nextjs -u 1001 -G nodejs\nCOPY --chown=nextjs:nodejs . /app\nUSER nextjs\n",
                    ),
                ),
                case(
                    "users created in the stage it is built on",
                    api(
                        "FROM node:20-slim AS base\nRUN groupadd -r app && useradd -r -g app app\nFROM base\nCOPY --chown=app:app . /app\nUSER app\n",
                    ),
                ),
                case(
                    "an image the table does not know",
                    api("FROM acme/runtime:1\nUSER app\n"),
                ),
                case(
                    "a user from a variable the build decides",
                    api("FROM node:20-slim\nARG APP_USER\nUSER ${APP_USER}\n"),
                ),
                case(
                    "a script of the repository may create users",
                    api("FROM node:20-slim\nCOPY setup.sh /\nRUN /setup.sh\nUSER app\n"),
                ),
            ],
        }
    }
}
