//! The shapes of secrets that must never reach a report, and the values that look like a secret's
//! place but are not one. `report::redact` compiles [`SECRET_PATTERNS`] once into a single
//! alternation, in table order (at one starting position the earlier entry wins), and replaces
//! the part of a match captured by the group named `secret` (the whole match when an entry has
//! no such group) with a fixed marker. A captured value that matches one of [`BENIGN_VALUES`]
//! in full (quotes stripped) is left as written and the text after its start is searched again.
//!
//! Patterns are written for the `regex` crate: no look-around, `(?-u:\b)` for an ASCII word
//! boundary (fast in the lazy DFA whatever the text), `(?i:…)` only where case does not matter.
//! Token lengths are minimums rather than gitleaks' exact lengths, so that a token cut short
//! (a truncated message, a token of a newer, longer format) is still recognised.

use std::sync::OnceLock;

use super::{Entry, Pattern};

/// A secret-like key name: contains `password`/`passwd`/`secret` (any case); has `token` as a
/// segment (`NPM_TOKEN`, `access_token`, `_authToken`, `GITHUBTOKEN`, but not `jsonwebtoken`);
/// ends in `_KEY`/`-key`/`.key` or a camel-case `Key` (`apiKey`); is `apikey`/`api_key`; or is
/// npm's `_auth`. Keys are identifier-like: letters, digits, `_`, `.`, `-`.
macro_rules! secret_key {
    () => {
        r"(?:[A-Za-z0-9_.\-]*(?i:passw(?:or)?d|secret)[A-Za-z0-9_.\-]*|(?:[A-Za-z0-9_.\-]*[_.\-])?(?i:token)[A-Za-z0-9_.\-]*|[A-Za-z0-9_.\-]*[a-z0-9]Token[A-Za-z0-9_.\-]*|[A-Z0-9_.\-]*TOKEN[A-Z0-9_.\-]*|[A-Za-z0-9_.\-]*[_.\-](?i:key)|[A-Za-z0-9_.\-]*[a-z0-9]Key|(?i:api_?key)|_auth)"
    };
}

/// Secret shapes, in priority order. The `secret` group is what is replaced; what stays around
/// it (a URL's scheme and host, a key's name, a token's vendor prefix) is what a reader needs to
/// act on the finding.
pub(crate) const SECRET_PATTERNS: &[Pattern] = &[
    Pattern {
        id: "private-key",
        regex: r#"-----BEGIN[ A-Z0-9_\-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?P<secret>(?s:.*?)-----END[ A-Z0-9_\-]{0,100}PRIVATE KEY(?: BLOCK)?-----|[^"'`\n]*)"#,
        reason: "a PEM private key: the header stays, the body (up to the END line, or to the end of the quoted string or line when the END line is elsewhere) is replaced",
        source: "gitleaks config: private-key; RFC 7468 (textual encodings of PKIX and PKCS structures)",
    },
    Pattern {
        id: "url-password",
        regex: r#"(?-u:\b)[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@"'`<>]*:(?P<secret>[^\s/?#"'`<>]+)@"#,
        reason: "the password of a URL's userinfo (`postgres://admin:PW@db`, `https://deploy:PW@host/x.tgz`); the scheme, user name and host stay",
        source: "RFC 3986 section 3.2.1 (user information); gitleaks config: generic-api-key",
    },
    Pattern {
        id: "url-token-userinfo",
        regex: r#"(?-u:\b)(?i:git\+)?(?i:https?)://(?P<secret>[^\s:/?#@"'`<>]+)@"#,
        reason: "an HTTP(S) URL whose userinfo is a single word is a token used as the user name (`git+https://<token>@github.com/...`, as npm and git accept); SSH logins such as `git@` are not matched",
        source: "npm docs: package.json dependencies (git URLs as dependencies); GitHub docs: authenticating with a personal access token over HTTPS",
    },
    Pattern {
        id: "url-secret-query",
        regex: r#"[?&;](?i:[A-Za-z0-9_.\-]*(?:token|secret|passw(?:or)?d|signature|credential)[A-Za-z0-9_.\-]*|sig|key|apikey|api[_\-]key|[A-Za-z0-9]+[_\-]key|auth)=(?P<secret>[^&#\s"'`<>]+)"#,
        reason: "a query parameter that carries a credential (`?token=`, `access_token=`, `auth=`, `key=`, `password=`, `secret=`, `sig=`, `X-Amz-Signature=`…); the parameter name stays",
        source: "RFC 6750 section 2.3 (access_token URI query parameter); AWS docs: authenticating requests with query parameters (X-Amz-Signature, X-Amz-Credential); Azure docs: SAS tokens (sig=)",
    },
    Pattern {
        id: "slack-webhook-url",
        regex: r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9+/_\-]{20,})",
        reason: "a Slack incoming webhook URL: its path is the credential",
        source: "gitleaks config: slack-webhook-url; Slack docs: sending messages using incoming webhooks",
    },
    Pattern {
        id: "aws-access-key-id",
        regex: r"(?-u:\b)(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)(?P<secret>[A-Z0-9]{16})(?-u:\b)",
        reason: "an AWS access key id (AKIA long-term, ASIA temporary)",
        source: "gitleaks config: aws-access-token; AWS IAM docs: understanding unique ID prefixes",
    },
    Pattern {
        id: "github-pat",
        regex: r"(?-u:\b)ghp_(?P<secret>[A-Za-z0-9]{20,})",
        reason: "a GitHub personal access token (classic)",
        source: "gitleaks config: github-pat; GitHub docs: about authentication to GitHub (GitHub's token formats)",
    },
    Pattern {
        id: "github-oauth",
        regex: r"(?-u:\b)gho_(?P<secret>[A-Za-z0-9]{20,})",
        reason: "a GitHub OAuth access token",
        source: "gitleaks config: github-oauth; GitHub docs: about authentication to GitHub (GitHub's token formats)",
    },
    Pattern {
        id: "github-app-token",
        regex: r"(?-u:\b)gh[us]_(?P<secret>[A-Za-z0-9]{20,})",
        reason: "a GitHub App user-to-server (ghu_) or installation (ghs_) token",
        source: "gitleaks config: github-app-token; GitHub docs: about authentication to GitHub (GitHub's token formats)",
    },
    Pattern {
        id: "github-refresh-token",
        regex: r"(?-u:\b)ghr_(?P<secret>[A-Za-z0-9]{20,})",
        reason: "a GitHub App refresh token",
        source: "gitleaks config: github-refresh-token; GitHub docs: about authentication to GitHub (GitHub's token formats)",
    },
    Pattern {
        id: "github-fine-grained-pat",
        regex: r"(?-u:\b)github_pat_(?P<secret>[A-Za-z0-9_]{22,})",
        reason: "a GitHub fine-grained personal access token",
        source: "gitleaks config: github-fine-grained-pat; GitHub docs: managing your personal access tokens",
    },
    Pattern {
        id: "gitlab-token",
        regex: r"(?-u:\b)gl(?:pat|dt|rt|ptt|cbt|ft|imt|oas|soat|agent)-(?P<secret>[A-Za-z0-9_\-]{20,})",
        reason: "a GitLab token (personal, deploy, runner, pipeline trigger, CI job, feed, incoming mail, OAuth, service account, agent)",
        source: "gitleaks config: gitlab-pat, gitlab-deploy-token, gitlab-runner-authentication-token, gitlab-ptt; GitLab docs: token prefixes",
    },
    Pattern {
        id: "npm-access-token",
        regex: r"(?-u:\b)npm_(?P<secret>[A-Za-z0-9]{20,})",
        reason: "an npm access token",
        source: "gitleaks config: npm-access-token; npm docs: about access tokens",
    },
    Pattern {
        id: "slack-token",
        regex: r"(?-u:\b)xox[abeoprs]-(?P<secret>[A-Za-z0-9\-]{10,})",
        reason: "a Slack bot (xoxb-), user (xoxp-), app-level legacy, refresh or workspace token",
        source: "gitleaks config: slack-bot-token, slack-user-token, slack-legacy-token, slack-legacy-workspace-token; Slack docs: token types",
    },
    Pattern {
        id: "slack-app-token",
        regex: r"(?-u:\b)xapp-(?P<secret>[0-9]-[A-Za-z0-9\-]{10,})",
        reason: "a Slack app-level token",
        source: "gitleaks config: slack-app-token; Slack docs: token types",
    },
    Pattern {
        id: "stripe-key",
        regex: r"(?-u:\b)(?:sk|rk)_(?:test|live|prod)_(?P<secret>[A-Za-z0-9]{10,})",
        reason: "a Stripe secret or restricted API key",
        source: "gitleaks config: stripe-access-token; Stripe docs: API keys",
    },
    Pattern {
        id: "gcp-api-key",
        regex: r"(?-u:\b)AIza(?P<secret>[A-Za-z0-9_\-]{35})",
        reason: "a Google Cloud API key",
        source: "gitleaks config: gcp-api-key; Google Cloud docs: manage API keys",
    },
    Pattern {
        id: "jwt",
        regex: r"(?-u:\b)eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}(?:\.[A-Za-z0-9_\-+/=]*)?",
        reason: "a JSON Web Token (base64url of `{\"` twice, then the signature); the signature part is optional so that a cut token is still recognised",
        source: "gitleaks config: jwt; RFC 7519 (JSON Web Token) and RFC 7515 section 7.1 (compact serialization)",
    },
    Pattern {
        id: "dockerfile-env-legacy",
        regex: concat!(
            r"(?m:^)[ \t]*(?i:(?:ONBUILD[ \t]+)?ENV)[ \t]+",
            secret_key!(),
            r"[ \t]+(?P<secret>[^\s=][^\n]*?)[ \t\r]*(?m:$)"
        ),
        reason: "the legacy `ENV KEY value` form, whose value runs to the end of the line",
        source: "Dockerfile reference: ENV (alternative syntax `ENV MY_VAR my-value`)",
    },
    Pattern {
        id: "secret-key-line",
        regex: concat!(
            r#"(?m:^)[ \t]*(?:export[ \t]+|-[ \t]+)?["']?"#,
            secret_key!(),
            r#"["']?[ \t]*[=:][ \t]*(?P<secret>[^\s"'`#{\[(<](?:[^\n]*?[^\s])?)(?:[ \t]+#[^\n]*)?[ \t\r]*(?m:$)"#
        ),
        reason: "a line that assigns a secret-like key (`.env` `KEY=value`, `export KEY=value`, YAML `KEY: value`, a compose `environment` list item `- KEY=value`): an unquoted value runs to the end of the line or to a ` #` comment",
        source: "dotenv docs: rules (unquoted values are trimmed, ` #` starts a comment); YAML 1.2 plain scalars; compose-spec: environment; gitleaks config: generic-api-key",
    },
    Pattern {
        id: "secret-key-quoted",
        regex: concat!(
            r"(?-u:\b)",
            secret_key!(),
            r#"["']?[ \t]*(?:=>|:=|=|:)[ \t]*(?P<secret>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"#
        ),
        reason: "a quoted value of a secret-like key (`\"password\": \"…\"`, `DB_PASSWORD=\"…\"`, `token: '…'`); the quotes stay",
        source: "gitleaks config: generic-api-key; ECMA-404 (JSON) object members",
    },
    Pattern {
        id: "secret-key-unquoted",
        regex: concat!(
            r"(?-u:\b)",
            secret_key!(),
            r#"["']?(?:=|:[ \t]+)(?P<secret>[^\s"'`{\[(<][^\s"'`]*)"#
        ),
        reason: "an unquoted value of a secret-like key inside a line (`ENV A=1 NPM_TOKEN=…`, `ARG NPM_TOKEN=…`, `//registry.npmjs.org/:_authToken=…`, `{DB_PASSWORD: …}`): the value runs to the next space or quote",
        source: "Dockerfile reference: ENV and ARG; npm docs: .npmrc (auth-related configuration); gitleaks config: generic-api-key",
    },
];

/// Values in a secret's place that are not secrets: matched against the whole captured value
/// (its quotes stripped). Redacting them would hide what a finding is about (a dependency's
/// range, the variable a compose file interpolates) without protecting anything.
pub(crate) const BENIGN_VALUES: &[Pattern] = &[
    Pattern {
        id: "literal",
        regex: r"(?i:true|false|null|undefined)",
        reason: "a boolean or null is a setting, not a credential",
        source: "gitleaks config: global allowlist (true|false|null)",
    },
    Pattern {
        id: "variable-reference",
        regex: r"\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\}",
        reason: "a reference to a variable (`${NPM_TOKEN}` in .npmrc, `$DB_PASSWORD` in compose) names where the secret comes from",
        source: "gitleaks config: global allowlist ($VAR, ${VAR}); npm docs: .npmrc (environment variables); compose-spec: interpolation",
    },
    Pattern {
        id: "actions-expression",
        regex: r"\$\{\{[^}]*\}\}",
        reason: "a GitHub Actions expression (`${{ secrets.NPM_TOKEN }}`) names the secret store entry",
        source: "gitleaks config: global allowlist (${{ env|github|secrets|vars.… }}); GitHub docs: using secrets in GitHub Actions",
    },
    Pattern {
        id: "semver-range",
        regex: r"(?:(?:[<>]=?|=|~|\^)\s*v?[0-9]+(?:\.(?:[0-9]+|[xX*])){0,2}|v?[0-9]+(?:\.(?:[0-9]+|[xX*])){1,2})(?:-[0-9A-Za-z.\-]+)?(?:\+[0-9A-Za-z.\-]+)?(?:(?:\s*\|\|\s*|\s+-\s+|\s+)(?:(?:[<>]=?|=|~|\^)\s*v?[0-9]+(?:\.(?:[0-9]+|[xX*])){0,2}|v?[0-9]+(?:\.(?:[0-9]+|[xX*])){1,2})(?:-[0-9A-Za-z.\-]+)?(?:\+[0-9A-Za-z.\-]+)?)*|\*|latest",
        reason: "a version or range (a bare number needs a dot: `1234` may be a PIN): the spec of a dependency whose name merely contains a secret-like word (`\"js-tokens\": \"^4.0.0\"`, `secretjs: 1.2.0` in a lockfile)",
        source: "node-semver README: ranges; npm docs: package.json dependencies",
    },
    Pattern {
        id: "package-protocol",
        regex: r"(?:workspace:[A-Za-z0-9_.\-^~*/@]*|catalog:[A-Za-z0-9_.\-]*|npm:(?:@[A-Za-z0-9_.\-]+/)?[A-Za-z0-9_.\-]+(?:@[A-Za-z0-9_.\-^~<>=*| ]*)?|(?:link|portal|file):[^?#\s]*)",
        reason: "a workspace, catalog, alias or local-path dependency spec (a path with a query is not benign: the query may carry a token)",
        source: "pnpm docs: workspace protocol and catalogs; npm docs: package.json dependencies (aliases, local paths); Yarn docs: protocols (portal:, link:)",
    },
];

/// Whether a whole variable name is secret-like: the [`secret_key!`] shape, anchored at both
/// ends (`NPM_TOKEN`, `DB_PASSWORD`, `STRIPE_SECRET_KEY`, `apiKey`; not `jsonwebtoken`, not
/// `KEYCLOAK_URL`). Compiled once.
pub(crate) fn is_secret_name(name: &str) -> bool {
    static NAME: OnceLock<Option<regex::Regex>> = OnceLock::new();
    NAME.get_or_init(|| regex::Regex::new(concat!("^", secret_key!(), "$")).ok())
        .as_ref()
        .is_some_and(|re| re.is_match(name))
}

/// Prefixes of variables that frameworks inline into the browser bundle: whatever they hold
/// is public by design (a publishable key, an analytics write key), not a secret.
pub(crate) const PUBLIC_ENV_PREFIXES: &[Entry] = &[
    Entry {
        name: "NEXT_PUBLIC_",
        reason: "Next.js inlines NEXT_PUBLIC_ variables into the JavaScript sent to the browser",
        source: "Next.js docs: environment variables (bundling environment variables for the browser)",
    },
    Entry {
        name: "VITE_",
        reason: "Vite exposes VITE_-prefixed variables to client code through import.meta.env",
        source: "Vite docs: env variables and modes",
    },
    Entry {
        name: "REACT_APP_",
        reason: "Create React App embeds REACT_APP_ variables into the build",
        source: "Create React App docs: adding custom environment variables",
    },
    Entry {
        name: "NUXT_PUBLIC_",
        reason: "Nuxt exposes runtimeConfig.public (NUXT_PUBLIC_) to the client",
        source: "Nuxt docs: runtime config",
    },
    Entry {
        name: "EXPO_PUBLIC_",
        reason: "Expo inlines EXPO_PUBLIC_ variables into the app bundle",
        source: "Expo docs: environment variables",
    },
    Entry {
        name: "PUBLIC_",
        reason: "SvelteKit ($env/static/public) and Astro expose PUBLIC_ variables to the client",
        source: "SvelteKit docs: $env/static/public; Astro docs: environment variables",
    },
];

/// Files that hold credentials, by name: an entry matches a file name equal to it, or, when
/// it starts with `*`, a name ending with the rest. `.npmrc` is not here: it is a secret only
/// when it holds a literal token (see `parse::npmrc`).
pub(crate) const SECRET_FILES: &[Entry] = &[
    Entry {
        name: ".env",
        reason: "dotenv files hold the service's runtime secrets (database URLs, API keys)",
        source: "dotenv docs: should I commit my .env file? (no); Docker docs: build context (exclude .env with .dockerignore)",
    },
    Entry {
        name: ".env.local",
        reason: "the local-override dotenv file, for secrets by convention (Next.js, Vite)",
        source: "Next.js docs: environment variables (.env.local); Vite docs: env files",
    },
    Entry {
        name: "*.pem",
        reason: "PEM files hold private keys and certificates; a private key in an image is readable by anyone who pulls it",
        source: "RFC 7468 (textual encodings of PKIX structures); hadolint/Trivy DS-0031 secret files",
    },
    Entry {
        name: "id_rsa",
        reason: "an OpenSSH private key",
        source: "OpenSSH ssh-keygen(1): FILES",
    },
    Entry {
        name: "id_dsa",
        reason: "an OpenSSH private key",
        source: "OpenSSH ssh-keygen(1): FILES",
    },
    Entry {
        name: "id_ecdsa",
        reason: "an OpenSSH private key",
        source: "OpenSSH ssh-keygen(1): FILES",
    },
    Entry {
        name: "id_ed25519",
        reason: "an OpenSSH private key",
        source: "OpenSSH ssh-keygen(1): FILES",
    },
];

/// The entry of [`SECRET_FILES`] a file name matches.
pub(crate) fn secret_file(name: &str) -> Option<&'static Entry> {
    SECRET_FILES
        .iter()
        .find(|e| match e.name.strip_prefix('*') {
            Some(suffix) => name.len() > suffix.len() && name.ends_with(suffix),
            None => e.name == name,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_matched_whole() {
        for name in [
            "NPM_TOKEN",
            "DB_PASSWORD",
            "JWT_SECRET",
            "STRIPE_SECRET_KEY",
            "apiKey",
            "API_KEY",
            "GITHUB_TOKEN",
            "_auth",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "NODE_ENV",
            "jsonwebtoken",
            "KEYCLOAK_URL",
            "PORT",
            "MONKEY",
            "HOST",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
        assert_eq!(secret_file("server.pem").map(|e| e.name), Some("*.pem"));
        assert_eq!(secret_file(".pem"), None);
        assert_eq!(secret_file(".env").map(|e| e.name), Some(".env"));
        assert_eq!(secret_file(".env.example"), None);
    }
}
