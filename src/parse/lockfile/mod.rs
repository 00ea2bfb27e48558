//! Lockfiles: `pnpm-lock.yaml` (v5.4, v6, v9), `package-lock.json` / `npm-shrinkwrap.json`
//! (v1 recognised; v2, v3 read), `yarn.lock` (v1 and berry) and Bun's text `bun.lock`, each turned into owned facts
//! with the line every importer, dependency and package entry was written at, so findings can
//! point into the lockfile. Judging them against package.json is the `lockfile/` rules' job;
//! the questions other rules ask (locked versions, the dependency graph, native builds, npm's
//! placement) are answered by `crate::model::lockfile`.

pub mod bun;
pub(crate) mod lines;
pub mod npm;
pub mod pnpm;
pub mod yarn;

use super::ParseError;
use crate::discover::LockfileKind;

/// A lockfile read into facts.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Lockfile {
    Pnpm(pnpm::PnpmLockfile),
    Npm(npm::NpmLockfile),
    Yarn(yarn::YarnLockfile),
    Bun(bun::BunLockfile),
}

impl Lockfile {
    pub fn path(&self) -> &str {
        match self {
            Lockfile::Pnpm(l) => &l.path,
            Lockfile::Npm(l) => &l.path,
            Lockfile::Yarn(l) => &l.path,
            Lockfile::Bun(l) => &l.path,
        }
    }
}

/// Parses a lockfile of the given kind. Bun's binary `bun.lockb` is not read (`None`).
pub fn parse(path: &str, kind: LockfileKind, text: &str) -> Option<Result<Lockfile, ParseError>> {
    Some(match kind {
        LockfileKind::Pnpm => pnpm::parse(path, text).map(Lockfile::Pnpm),
        LockfileKind::Npm => npm::parse(path, text).map(Lockfile::Npm),
        LockfileKind::Yarn => yarn::parse(path, text).map(Lockfile::Yarn),
        LockfileKind::Bun if path.ends_with(".lockb") => return None,
        LockfileKind::Bun => bun::parse(path, text).map(Lockfile::Bun),
    })
}

/// Splits a package key `name@rest` (scoped names keep their leading `@`).
pub(crate) fn split_name(key: &str) -> Option<(&str, &str)> {
    let at = key.get(1..)?.find('@')? + 1;
    Some((&key[..at], &key[at + 1..]))
}

/// Indices of the direct children of `lines[parent]` (all top-level lines for `None`).
pub(crate) fn children<'l, 'a>(
    lines: &'l [lines::Line<'a>],
    parent: Option<usize>,
) -> impl Iterator<Item = usize> + 'l {
    let (start, depth) = match parent {
        Some(i) => (i + 1, lines.get(i).map_or(0, |l| l.depth + 1)),
        None => (0, 0),
    };
    lines
        .get(start..)
        .unwrap_or(&[])
        .iter()
        .take_while(move |l| l.depth >= depth)
        .enumerate()
        .filter(move |(_, l)| l.depth == depth)
        .map(move |(k, _)| start + k)
}

/// The child of `lines[parent]` with the given key.
pub(crate) fn child(lines: &[lines::Line<'_>], parent: Option<usize>, key: &str) -> Option<usize> {
    children(lines, parent).find(|&i| lines[i].key() == key)
}

/// `name: value` children of a block, as owned pairs.
pub(crate) fn string_map(
    lines: &[lines::Line<'_>],
    parent: Option<usize>,
) -> Vec<(String, String)> {
    children(lines, parent)
        .filter_map(|i| {
            let l = &lines[i];
            Some((l.key.as_deref()?.to_string(), l.scalar()?.to_string()))
        })
        .collect()
}

/// Items of a lockfile (npm's entries, pnpm's importers) by the hash of their key, built at
/// the first lookup; a hash two keys share maps to `SHARED`, and those are found by binary
/// search (`sorted` items) or a scan. Derived data: equal for every lockfile, so it never
/// changes a comparison, and never cached (`#[serde(skip)]` where it is a field).
#[derive(Clone, Default)]
pub struct KeyIndex(std::sync::OnceLock<rustc_hash::FxHashMap<u64, u32>>);

impl KeyIndex {
    const SHARED: u32 = u32::MAX;

    fn hash(key: &str) -> u64 {
        use std::hash::BuildHasher as _;
        rustc_hash::FxBuildHasher.hash_one(key)
    }

    /// The index in `items` of the item whose `key_of` is `key`.
    pub fn find<T>(
        &self,
        items: &[T],
        key: &str,
        key_of: impl Fn(&T) -> &str,
        sorted: bool,
    ) -> Option<usize> {
        let index = self.0.get_or_init(|| {
            let mut index = rustc_hash::FxHashMap::default();
            index.reserve(items.len());
            for (i, item) in items.iter().enumerate() {
                let i = u32::try_from(i).unwrap_or(Self::SHARED);
                index
                    .entry(Self::hash(key_of(item)))
                    .and_modify(|at| *at = Self::SHARED)
                    .or_insert(i);
            }
            index
        });
        match index.get(&Self::hash(key)) {
            None => None,
            Some(&Self::SHARED) if sorted => {
                items.binary_search_by(|item| key_of(item).cmp(key)).ok()
            }
            Some(&Self::SHARED) => items.iter().position(|item| key_of(item) == key),
            Some(&i) => {
                Some(i as usize).filter(|&i| items.get(i).is_some_and(|it| key_of(it) == key))
            }
        }
    }
}

impl PartialEq for KeyIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for KeyIndex {}

impl std::fmt::Debug for KeyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyIndex")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_scoped_and_plain_names() {
        assert_eq!(split_name("@a/b@1.0.0"), Some(("@a/b", "1.0.0")));
        assert_eq!(split_name("ms@2.1.3(x@1)"), Some(("ms", "2.1.3(x@1)")));
        assert_eq!(split_name("@a/b"), None);
    }
}
