//! npm-compatible semver, shared by the frozen-install replay and the rules, through `nodejs-semver` (a port of node-semver): range satisfaction
//! and intersection, answering `None` when a string is not a range node-semver would accept, so
//! callers can stay silent rather than guess.

use nodejs_semver::{Range, Version};

/// A range as node-semver's `validRange` reads it; `""` means `*` as in npm.
pub(crate) fn range(spec: &str) -> Option<Range> {
    let spec = spec.trim();
    let spec = if spec.is_empty() { "*" } else { spec };
    // node-semver accepts `x`, `X` and `*` alike.
    Range::parse(spec).ok()
}

pub(crate) fn version(text: &str) -> Option<Version> {
    Version::parse(text.trim()).ok()
}

/// Whether `version` satisfies `spec` (prereleases only for ranges that name one), or `None`
/// when either does not parse.
pub(crate) fn satisfies(version_text: &str, spec: &str) -> Option<bool> {
    let range = range(spec)?;
    let version = version(version_text)?;
    Some(range.satisfies(&version))
}

/// node-semver's `intersects` on two ranges, `None` when either does not parse.
pub(crate) fn intersects(a: &str, b: &str) -> Option<bool> {
    Some(range(a)?.allows_any(&range(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_node_semver() {
        assert_eq!(satisfies("2.1.3", "^2.0.0"), Some(true));
        assert_eq!(satisfies("2.1.3", "~2.0.0"), Some(false));
        assert_eq!(satisfies("1.3.0", ">=1.2.0 <2"), Some(true));
        assert_eq!(satisfies("1.3.0", "1.x || ^3"), Some(true));
        assert_eq!(satisfies("3.0.0-beta.1", "^3.0.0"), Some(false));
        assert_eq!(satisfies("3.0.0-beta.2", "^3.0.0-beta.1"), Some(true));
        assert_eq!(satisfies("1.0.0", ""), Some(true));
        assert_eq!(satisfies("1.0.0", "*"), Some(true));
        assert_eq!(satisfies("1.0.0", "latest"), None);
        assert_eq!(satisfies("1.0.0", "workspace:*"), None);
        assert_eq!(intersects("<2", "^1.5.0"), Some(true));
        assert_eq!(intersects("<2", "^2.1.0"), Some(false));
    }
}
