//! npm-compatible semver, shared by the frozen-install replay and the rules, through `nodejs-semver` (a port of node-semver): range satisfaction
//! and intersection, answering `None` when a string is not a range node-semver would accept, so
//! callers can stay silent rather than guess.

use std::cell::RefCell;

use nodejs_semver::{Range, Version};
use rustc_hash::FxHashMap;

/// Longest range parsed: a longer string is no range (real ones are a few dozen bytes, and a
/// hostile one of many `||` alternatives costs the parser, and every comparison, far more).
const MAX_RANGE: usize = 1024;

/// A range as node-semver's `validRange` reads it; `""` means `*` as in npm. `None` past
/// [`MAX_RANGE`] bytes.
fn range(spec: &str) -> Option<Range> {
    let spec = spec.trim();
    if spec.len() > MAX_RANGE {
        return None;
    }
    let spec = if spec.is_empty() { "*" } else { spec };
    // node-semver accepts `x`, `X` and `*` alike.
    Range::parse(spec).ok()
}

/// Ranges parsed so far on this thread. A lockfile replay checks every edge of every entry,
/// and the same few hundred ranges (`^4.17.21`) recur thousands of times: parsing them was a
/// fifth of a warm scan of an npm monorepo. Per thread, so no lock; cleared when it grows
/// past `MAX_MEMO` distinct ranges, so hostile input cannot grow it without bound.
const MAX_MEMO: usize = 20_000;

thread_local! {
    static RANGES: RefCell<FxHashMap<Box<str>, Option<Range>>> = RefCell::default();
}

/// Calls `f` with the parsed range, or answers `None` when `spec` is no range.
fn with_range<R>(spec: &str, f: impl FnOnce(&Range) -> R) -> Option<R> {
    if spec.len() > MAX_RANGE {
        // Not kept: the memo holds short strings only.
        return range(spec).as_ref().map(f);
    }
    RANGES.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(parsed) = memo.get(spec) {
            return parsed.as_ref().map(f);
        }
        if memo.len() >= MAX_MEMO {
            memo.clear();
        }
        let parsed = range(spec);
        let answer = parsed.as_ref().map(f);
        memo.insert(spec.into(), parsed);
        answer
    })
}

/// Whether node-semver would accept `spec` as a range.
pub(crate) fn is_range(spec: &str) -> bool {
    with_range(spec, |_| ()).is_some()
}

pub(crate) fn version(text: &str) -> Option<Version> {
    Version::parse(text.trim()).ok()
}

/// Whether `version` satisfies `spec` (prereleases only for ranges that name one), or `None`
/// when either does not parse.
pub(crate) fn satisfies(version_text: &str, spec: &str) -> Option<bool> {
    let version = version(version_text)?;
    with_range(spec, |range| range.satisfies(&version))
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
    fn the_range_memo_answers_as_a_fresh_parse_and_stays_bounded() {
        for round in 0..2 {
            assert_eq!(satisfies("2.1.3", "^2.0.0"), Some(true), "round {round}");
            assert_eq!(satisfies("1.9.0", "^2.0.0"), Some(false), "round {round}");
            assert!(!is_range("latest"), "round {round}");
        }
        for i in 0..MAX_MEMO + 10 {
            assert!(is_range(&format!("^{i}.0.0")));
        }
        assert!(RANGES.with(|m| m.borrow().len()) <= MAX_MEMO);
        assert_eq!(satisfies("3.0.0", "^3.0.0"), Some(true));
        assert_eq!(satisfies("3.0.0", "latest"), None);
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
