use crate::data::secrets::{PUBLIC_ENV_PREFIXES, is_secret_name};
use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::compose::EnvSource;
use crate::rules::compose::{Sink, applies, finding, label};
use crate::rules::{Context, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a compose service's `environment` variable that holds a secret written into the
    /// file: a secret-like name (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*_KEY`, `apiKey`) with a
    /// literal value, or any value holding a credential inside a URL
    /// (`postgres://user:pass@db`) or a known token shape (`ghp_…`, `sk_live_…`). The value is
    /// never shown: findings name the variable and the service, and every output replaces it.
    ///
    /// Not flagged: values that come from the environment (`${DB_PASSWORD}`,
    /// `${DB_PASSWORD:?set it}`, and `${DATABASE_URL:-postgres://…}`, whose default is the
    /// environment's to override), `env_file`, `secrets:`, empty values, settings about a
    /// secret (`*_REALM`, `*_MIN_LENGTH`, `*_EXPIRES_IN`),
    /// booleans, variables that name where a secret is (`*_FILE: /run/secrets/…`), and
    /// variables the browser is meant to see (`NEXT_PUBLIC_*`, `VITE_*`,
    /// `*PUBLISHABLE*`/`*PUBLIC*` keys).
    ///
    /// ## Why is this bad?
    /// The compose file is in version control: everyone with read access, every fork, every
    /// CI log that prints `docker compose config`, holds the credential, and rotating it means
    /// a commit. The same file then tends to reach production unchanged.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:1
    ///     environment:
    ///       JWT_SECRET: <a literal value>
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:1
    ///     environment:
    ///       JWT_SECRET: ${JWT_SECRET:?set JWT_SECRET}
    /// ```
    /// or `env_file: .env` (gitignored), or compose `secrets:`.
    pub struct HardcodedSecret {
        id: "compose/hardcoded-secret",
        category: Security,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Compose],
        summary: "a secret-like variable with a literal value instead of `${VAR}`/`env_file`/`secrets:`",
    }
}

fn is_public(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    PUBLIC_ENV_PREFIXES
        .iter()
        .any(|p| upper.starts_with(p.name))
        || upper.contains("PUBLISHABLE")
        || upper.contains("PUBLIC")
}

/// A variable that names where the secret is (`DB_PASSWORD_FILE: /run/secrets/db`), not
/// the secret.
fn is_reference(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["_FILE", "_PATH", "_DIR", "_LOCATION"]
        .iter()
        .any(|s| upper.ends_with(s))
        || value.starts_with('/')
        || value.starts_with("file://")
}

/// Last words of a secret-like name that make it a setting about the secret, not the secret:
/// `REGISTRY_AUTH_HTPASSWD_REALM`, `PASSWORD_MIN_LENGTH`, `JWT_SECRET_EXPIRES_IN`.
const SETTING_SUFFIXES: &[&str] = &[
    "_REALM",
    "_USER",
    "_USERNAME",
    "_NAME",
    "_ENABLED",
    "_LENGTH",
    "_EXPIRES",
    "_EXPIRES_IN",
    "_EXPIRY",
    "_TTL",
    "_ALGORITHM",
    "_HEADER",
    "_TYPE",
    "_ROUNDS",
    "_PROVIDER",
    "_METHOD",
    "_POLICY",
    "_ISSUER",
    "_AUDIENCE",
];

fn is_setting(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SETTING_SUFFIXES.iter().any(|s| upper.ends_with(s))
}

/// The text outside `${…}`: what the file itself writes. A default (`${DB_URL:-postgres://…}`)
/// is the environment's to override, like the variable it defaults.
fn outside_interpolation(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut depth = 0usize;
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
            depth += 1;
            i += 2;
            continue;
        }
        if depth > 0 {
            match bytes[i] {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ => {}
            }
            i += 1;
            continue;
        }
        let next = raw[i..].chars().next().unwrap_or(' ');
        out.push(next);
        i += next.len_utf8();
    }
    out
}

fn is_trivial(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "none" | "yes" | "no" | "on" | "off" | "0" | "1"
        )
}

impl Rule for HardcodedSecret {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let mut sink = Sink::new(out);
        for project in &model.compose.projects {
            for svc in &project.services {
                for var in svc.environment() {
                    let EnvSource::Value(node) = var.source else {
                        continue;
                    };
                    let Some(scalar) = node.scalar() else {
                        continue;
                    };
                    let raw = scalar.raw.as_str();
                    let literal = scalar.value.uses.is_empty();
                    let what = if literal
                        && !is_trivial(raw)
                        && is_secret_name(var.name)
                        && !is_public(var.name)
                        && !is_reference(var.name, raw)
                        && !is_setting(var.name)
                    {
                        "to a literal value"
                    } else if !is_public(var.name) && {
                        let own = outside_interpolation(raw);
                        crate::report::redact::text(&own) != own
                    } {
                        "to a value with a literal credential in it"
                    } else {
                        continue;
                    };
                    sink.push(
                        finding(
                            &Self::META,
                            model,
                            svc,
                            (var.file, var.key_span),
                            var.name,
                            format!("{} sets `{}` {what} in {}", label(model, project, svc), var.name, var.file),
                        )
                        .help(format!("read `{}` from the environment (`${{{}:?set it}}`), from an `env_file` that is not committed, or from compose `secrets:`; then rotate the value, which is in the repository's history", var.name, var.name))
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

#[cfg(test)]
mod tests {
    use crate::rules::compose::fixtures::compose;
    use crate::rules::testing::{Vectors, case};

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![
                case(
                    "a password in map form",
                    compose(
                        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2-prod\n",
                    ),
                ),
                case(
                    "a secret in list form",
                    compose(
                        "services:\n  api:\n    image: acme/api:1\n    environment:\n      - JWT_SECRET=9f8e7d6c5b4a\n      - STRIPE_API_KEY=abc123def456\n",
                    ),
                ),
                case(
                    "a credential inside a URL with a variable host",
                    compose(
                        "services:\n  api:\n    image: acme/api:1\n    environment:\n      DATABASE_URL: postgres://app:s3cr3t@${DB_HOST}:5432/app\n",
                    ),
                ),
                case(
                    "an x- anchor merged into environment",
                    compose(
                        "x-env: &env\n  SESSION_SECRET: keyboard-cat-42\nservices:\n  api:\n    image: acme/api:1\n    environment:\n      <<: *env\n",
                    ),
                ),
            ],
            quiet: vec![
                case(
                    "`${VAR:?}` and `${VAR}` secrets",
                    compose(
                        "services:\n  api:\n    image: acme/api:1\n    environment:\n      JWT_SECRET: ${JWT_SECRET:?set it}\n      DB_PASSWORD: ${DB_PASSWORD}\n      DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app\n",
                    ),
                ),
                case(
                    "env_file and secrets",
                    compose(
                        "services:\n  api:\n    image: acme/api:1\n    env_file: .env\n    secrets: [db_password]\n    environment:\n      DB_PASSWORD_FILE: /run/secrets/db_password\nsecrets:\n  db_password:\n    file: ./db_password.txt\n",
                    ),
                ),
                case(
                    "public keys, booleans, empty values, a URL without credentials",
                    compose(
                        "services:\n  web:\n    image: acme/web:1\n    environment:\n      NEXT_PUBLIC_STRIPE_KEY: pk_test_123\n      STRIPE_PUBLISHABLE_KEY: pk_test_123\n      AUTH_TOKEN_ENABLED: 'true'\n      API_TOKEN: ''\n      REDIS_URL: redis://redis:6379\n",
                    ),
                ),
                case(
                    "a credential only in a default, settings about a secret, a secret file",
                    compose(
                        "services:\n  api:\n    image: acme/api:1\n    environment:\n      DATABASE_URL: ${DATABASE_URL:-postgres://app:app@db:5432/app}\n      REGISTRY_AUTH_HTPASSWD_REALM: Registry Realm\n      PASSWORD_MIN_LENGTH: '12'\n      WORKER_TOKEN: file:///run/token\n",
                    ),
                ),
                case(
                    "a variable taken from the shell",
                    compose(
                        "services:\n  api:\n    image: acme/api:1\n    environment:\n      - NPM_TOKEN\n",
                    ),
                ),
            ],
        }
    }
}
