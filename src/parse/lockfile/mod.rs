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
