//! `.npmrc`: the install settings that change what a lockfile must record (pnpm's
//! `auto-install-peers`, npm's `legacy-peer-deps`, …). Only the keys in [`KEPT`] are kept:
//! `.npmrc` files routinely hold registry tokens, and nothing else is needed.

use std::collections::BTreeMap;

/// Settings read; everything else (auth, registries, proxies) is dropped unread.
const KEPT: &[&str] = &[
    "auto-install-peers",
    "dedupe-peers",
    "exclude-links-from-lockfile",
    "inject-workspace-packages",
    "legacy-peer-deps",
    "link-workspace-packages",
    "node-linker",
    "peers-suffix-max-length",
    "shamefully-hoist",
    "strict-peer-dependencies",
    "strict-peer-deps",
    "force",
    "install-strategy",
    "engine-strict",
    "package-lock",
    "lockfile",
];

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Npmrc {
    pub path: String,
    /// Kept settings, keys lower-cased with `_` read as `-` (npm and pnpm accept both).
    pub settings: BTreeMap<String, String>,
    /// An auth setting (`_authToken`, `_auth`, `_password`, bare or scoped to a registry)
    /// holds a literal value rather than an `${ENV}` reference. The value itself is not kept.
    pub literal_auth: bool,
}

impl Npmrc {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(String::as_str)
    }

    /// A boolean setting as npm's ini reader takes it (`true`/`false`, quoted or not).
    pub fn flag(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

/// Never fails: a line that is not `key=value` is ignored, as npm's ini parser does. Lines end
/// at `\n` or `\r`, as there (npm/ini `decode`: `str.split(/[\r\n]+/g)`).
pub fn parse(path: &str, text: &str) -> Npmrc {
    let mut settings = BTreeMap::new();
    let mut literal_auth = false;
    for line in crate::source::lines(text) {
        let line = line.trim();
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with(';')
            || line.starts_with('[')
        {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if is_auth_key(key) && is_literal(value) {
            literal_auth = true;
        }
        let key = key.trim().to_ascii_lowercase().replace('_', "-");
        if !KEPT.contains(&key.as_str()) {
            continue;
        }
        let value = value
            .trim()
            .trim_matches('"')
            .trim_matches('\'')
            .to_string();
        settings.insert(key, value);
    }
    Npmrc {
        path: path.to_string(),
        settings,
        literal_auth,
    }
}

/// `_authToken`, `_auth`, `_password`, alone or after a registry (`//registry.npmjs.org/:`),
/// as npm's config reads them (npm docs: .npmrc, auth-related configuration).
fn is_auth_key(key: &str) -> bool {
    let name = key.trim().rsplit(':').next().unwrap_or("");
    ["_authtoken", "_auth", "_password"].contains(&name.to_ascii_lowercase().as_str())
}

/// A value written out, not `${NPM_TOKEN}` (npm expands `${VAR}` from the environment).
fn is_literal(value: &str) -> bool {
    let value = value.trim().trim_matches('"').trim_matches('\'');
    !value.is_empty() && !value.starts_with("${")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_install_settings_and_drops_secrets() {
        let rc = parse(
            ".npmrc",
            "# c\n//registry.npmjs.org/:_authToken=secret\nauto-install-peers = false\nlegacy_peer_deps=true\n[section]\n",
        );
        assert_eq!(rc.flag("auto-install-peers"), Some(false));
        assert_eq!(rc.flag("legacy-peer-deps"), Some(true));
        assert_eq!(rc.settings.len(), 2);
        assert!(rc.literal_auth);
        let rc = parse(
            ".npmrc",
            "//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}\n@acme:registry=https://npm.pkg.github.com\n",
        );
        assert!(!rc.literal_auth);
    }

    #[test]
    fn lines_end_at_a_lone_carriage_return_as_in_npm() {
        // npm/ini `decode` splits at `/[\r\n]+/`.
        let rc = parse(
            ".npmrc",
            "# c\rauto-install-peers=false\r\nlegacy-peer-deps=true\r",
        );
        assert_eq!(rc.flag("auto-install-peers"), Some(false));
        assert_eq!(rc.flag("legacy-peer-deps"), Some(true));
    }
}
