//! npm-compatible semver, shared by the frozen-install replay and the rules, through `nodejs-semver` (a port of node-semver): range satisfaction
//! and intersection, answering `None` when a string is not a range node-semver would accept, so
//! callers can stay silent rather than guess.

use nodejs_semver::{Range, Version};

/// Longest range parsed: a longer string is no range (real ones are a few dozen bytes, and a
/// hostile one of many `||` alternatives costs the parser, and every comparison, far more).
const MAX_RANGE: usize = 1024;

/// A range as node-semver's `validRange` reads it; `""` means `*` as in npm. `None` past
/// [`MAX_RANGE`] bytes.
pub(crate) fn range(spec: &str) -> Option<Range> {
    let spec = spec.trim();
    if spec.len() > MAX_RANGE {
        return None;
    }
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

/// Whether every version `inner` allows is allowed by `outer`, `None` when either does not
/// parse. nodejs-semver's `Range::allows_all` answers true when any one alternative of `inner`
/// fits in any one of `outer` (`^6.12.6` would "contain" `^8.0.0 || ^6.30.0`), so each
/// alternative of `inner` is checked on its own; an alternative that only the union of several
/// of `outer`'s fits counts as not contained (callers treat that as undecided, not as false).
pub(crate) fn contains(outer: &str, inner: &str) -> Option<bool> {
    let outer_range = range(outer)?;
    range(inner)?;
    let outer_parts: Vec<Range> = outer
        .split("||")
        .map(range)
        .collect::<Option<Vec<_>>>()
        .unwrap_or_else(|| vec![outer_range]);
    for part in inner.split("||") {
        let part = range(part)?;
        if !outer_parts.iter().any(|o| o.allows_all(&part)) {
            return Some(false);
        }
    }
    Some(true)
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
        assert_eq!(contains("^6.12.6", "^6.30.0"), Some(true));
        assert_eq!(contains("^6.12.6", "^8.0.0 || ^6.30.0"), Some(false));
        assert_eq!(
            contains("^6.0.0 || ^8.0.0", "^8.1.0 || ^6.30.0"),
            Some(true)
        );
        assert_eq!(contains(">=5.0.2", "^6.0.0"), Some(true));
        assert_eq!(contains("^8.12.0", "^8.0.0"), Some(false));
    }

    #[test]
    fn a_range_longer_than_a_kib_is_no_range() {
        let long = format!("{}^2.0.0", "1.x || ".repeat(200));
        assert!(long.len() > MAX_RANGE);
        assert!(range(&long).is_none());
        assert_eq!(satisfies("2.1.3", &long), None);
        assert_eq!(intersects(&long, "^2"), None);
        assert_eq!(contains(&long, "^2"), None);
        let fits = format!("{}^2.0.0", "1.x || ".repeat(100));
        assert!(fits.len() <= MAX_RANGE);
        assert_eq!(satisfies("2.1.3", &fits), Some(true));
        // Surrounding whitespace is not counted.
        let padded = format!("{}^2{}", " ".repeat(2000), " ".repeat(2000));
        assert_eq!(satisfies("2.1.3", &padded), Some(true));
    }
}
