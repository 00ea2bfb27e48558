//! What `npm ci` does with a peer dependency that the lockfile resolves to a version outside
//! its range (arborist `build-ideal-tree.js`, `place-dep.js`, `can-place-dep.js`,
//! `deepest-nesting-target.js`, `peer-entry-sets.js`, as shipped with npm 11).
//!
//! The dependent is queued and arborist fetches a version that satisfies the peer, then tries to
//! place it at the dependent's *deepest nesting target*: the nearest ancestor of the dependent
//! that does not itself have a peer edge of that name (the root at the latest). Only that first
//! target decides the verdict:
//!
//! - the copy can go there (nothing at that location, or the locked copy there can be replaced
//!   or pushed deeper): it is placed, the ideal tree differs from the lockfile and `npm ci`
//!   fails with "Missing: … from lock file" or "Invalid: lock file's …";
//! - it conflicts (an edge from the target itself, or one whose own nesting target is the
//!   target or above, needs the locked copy): with the peer's dependent a direct dependency of
//!   the root project or a workspace ("isMine"), or `strict-peer-deps`, arborist throws
//!   ERESOLVE; otherwise, and always with `force`, it only warns ("overriding peer dependency")
//!   and keeps the lockfile's tree, so `npm ci` passes.
//!
//! The version npm fetches is unknown here (the highest the registry has in the range), so
//! whether it satisfies another edge is decided from the ranges alone: certainly when the other
//! range contains the whole peer range, certainly not when they do not intersect. Anything else
//! is left undecided, and an undecided placement is reported only when both of its outcomes
//! fail (a direct dependency's peer, or `strict-peer-deps`).

use std::collections::{BTreeSet, HashMap};

use super::{Context, Validity, join};
use crate::model::{Model, Workspace};
use crate::parse::lockfile::npm::NpmEntry;
use crate::parse::package_json::DepKind;
use crate::paths;
use crate::semver;

/// An edge of arborist's tree: from the root, a workspace or an installed lockfile entry.
struct Edge<'a> {
    /// The location of the dependent: `""`, `packages/api`, `node_modules/a`.
    from: &'a str,
    /// The root project or a workspace (arborist `isTop`, `isProjectRoot || isWorkspace`).
    top: bool,
    name: &'a str,
    spec: String,
    peer: bool,
    to: Option<&'a NpmEntry>,
    valid: bool,
}

/// Whether every, no or some version in the peer range satisfies another edge's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Covers {
    Yes,
    No,
    Maybe,
}

fn covers(edge_spec: &str, peer_range: &str) -> Covers {
    let edge_spec = edge_spec.trim();
    if edge_spec.is_empty() || edge_spec == "*" {
        return Covers::Yes;
    }
    match (
        semver::contains(edge_spec, peer_range),
        semver::intersects(edge_spec, peer_range),
    ) {
        (Some(true), _) => Covers::Yes,
        (_, Some(false)) => Covers::No,
        _ => Covers::Maybe,
    }
}

/// What arborist makes of one invalid peer edge.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// It warns and keeps the lockfile's tree (or cannot be predicted): nothing to report.
    Quiet,
    /// A satisfying copy goes to `<at>/node_modules/<name>`, where the lockfile has nothing.
    Nest { at: String },
    /// The locked copy the peer resolves to is replaced by a satisfying version.
    Replace,
    /// No copy fits and the conflict is fatal; `blocker` names an edge that needs the locked copy.
    Eresolve { why: Fatal, blocker: Option<String> },
    /// A direct dependency's peer (or strict-peer-deps): npm either places a copy or throws
    /// ERESOLVE, and fails either way.
    Fails { why: Fatal },
}

#[derive(Debug, PartialEq, Eq, Clone)]
pub(super) enum Fatal {
    /// The peer's dependent is a direct dependency of the root project or of this workspace.
    Mine(String),
    StrictPeerDeps,
}

/// A placement at the first target.
enum Placement {
    Nest(String),
    Replace,
    Conflict(Option<String>),
    /// Depends on the version npm fetches: placed or conflicting.
    Undecided,
    /// The tree has a shape this model does not follow: stay quiet.
    Unmodelled,
}

pub(super) struct Graph<'a> {
    edges: Vec<Edge<'a>>,
    into: HashMap<&'a str, Vec<usize>>,
    out: HashMap<&'a str, Vec<usize>>,
    /// `location` → how to name that project in a message.
    projects: HashMap<&'a str, String>,
}

impl<'a> Graph<'a> {
    pub(super) fn new(cx: &Context<'a>, model: &'a Model, workspace: &Workspace) -> Graph<'a> {
        let lock = cx.lock;
        let mut graph = Graph {
            edges: Vec::new(),
            into: HashMap::new(),
            out: HashMap::new(),
            projects: HashMap::new(),
        };
        let mut project_locations = BTreeSet::new();
        for (_, package) in super::projects(model, workspace) {
            let Some(location) = paths::strip_dir(&package.dir, cx.lock_dir) else {
                continue;
            };
            project_locations.insert(location);
            let label = if location.is_empty() {
                "the root project".to_string()
            } else {
                format!(
                    "workspace `{}`",
                    package
                        .manifest
                        .name
                        .as_ref()
                        .map_or(location, |n| n.value.as_str())
                )
            };
            graph.projects.insert(location, label);
            // arborist loads peers, then dependencies, optional and dev dependencies, each
            // replacing an edge of the same name.
            let rank = |kind: DepKind| match kind {
                DepKind::Peer => 0,
                DepKind::Prod => 1,
                DepKind::Optional => 2,
                DepKind::Dev => 3,
            };
            let mut chosen: HashMap<&str, (&str, DepKind)> = HashMap::new();
            for dep in &package.manifest.dependencies {
                if dep.kind == DepKind::Peer && cx.legacy_peer_deps {
                    continue;
                }
                match chosen.get(dep.name.as_str()) {
                    Some((_, kind)) if rank(*kind) > rank(dep.kind) => {}
                    _ => {
                        chosen.insert(&dep.name, (&dep.spec, dep.kind));
                    }
                }
            }
            for (name, (spec, kind)) in chosen {
                // Global overrides rewrite every edge below the root, workspaces' included.
                let spec = match cx.simple_overrides.get(name) {
                    Some(spec) if !location.is_empty() => spec.clone(),
                    _ => spec.to_string(),
                };
                graph.add(cx, location, true, name, spec, kind == DepKind::Peer);
            }
        }
        // Installed packages, and link targets outside node_modules that are not workspaces
        // (`file:` folders): their edges hold the locked copies in place too.
        for entry in &lock.entries {
            if entry.link
                || entry.location.is_empty()
                || project_locations.contains(entry.location.as_str())
            {
                continue;
            }
            for ((name, spec), _, peer) in super::entry_edges(entry, cx.legacy_peer_deps) {
                let spec = cx.simple_overrides.get(name).unwrap_or(spec).clone();
                graph.add(cx, &entry.location, false, name, spec, peer);
            }
        }
        graph
    }

    fn add(
        &mut self,
        cx: &Context<'a>,
        from: &'a str,
        top: bool,
        name: &'a str,
        spec: String,
        peer: bool,
    ) {
        let to = cx.lock.resolve(from, name);
        let valid = to.is_some_and(|to| {
            cx.valid(to, name, &spec, &join(cx.lock_dir, from)) != Validity::Invalid
        });
        let index = self.edges.len();
        if let Some(to) = to {
            self.into
                .entry(to.location.as_str())
                .or_default()
                .push(index);
        }
        self.out.entry(from).or_default().push(index);
        self.edges.push(Edge {
            from,
            top,
            name,
            spec,
            peer,
            to,
            valid,
        });
    }

    fn edges_into(&self, location: &str) -> impl Iterator<Item = &Edge<'a>> {
        self.into
            .get(location)
            .into_iter()
            .flatten()
            .map(|&i| &self.edges[i])
    }

    fn edge_out(&self, from: &str, name: &str) -> Option<&Edge<'a>> {
        self.out
            .get(from)
            .into_iter()
            .flatten()
            .map(|&i| &self.edges[i])
            .find(|e| e.name == name)
    }

    /// deepest-nesting-target.js: from `from` itself upward, the first location that is the
    /// root or has no peer edge named `name`.
    fn nesting_target(&self, cx: &Context<'_>, from: &str, name: &str) -> String {
        let mut at = from.to_string();
        loop {
            if at.is_empty() || !self.edge_out(&at, name).is_some_and(|e| e.peer) {
                return at;
            }
            at = cx.lock.parent_location(&at);
        }
    }

    /// place-dep.js `isMine`: the dependent has a non-peer edge from the root or a workspace,
    /// or is in a peer set entered from one (peer-entry-sets.js).
    fn mine(&self, dependent: &str) -> Option<String> {
        let mut seen = BTreeSet::from([dependent]);
        let mut stack = vec![dependent];
        while let Some(node) = stack.pop() {
            for edge in self.edges_into(node) {
                let entry = if node == dependent {
                    !edge.peer || edge.valid
                } else {
                    edge.valid
                };
                if edge.top && entry {
                    return self.projects.get(edge.from).cloned();
                }
                if edge.peer && edge.valid && !edge.top && seen.insert(edge.from) {
                    stack.push(edge.from);
                }
            }
        }
        None
    }

    pub(super) fn judge(
        &self,
        cx: &Context<'_>,
        dependent: &NpmEntry,
        name: &str,
        range: &str,
        found: &NpmEntry,
    ) -> Verdict {
        if found.link || found.in_bundle || !semver::is_range(range) {
            return Verdict::Quiet;
        }
        let fatal = if cx.force {
            None
        } else if let Some(project) = self.mine(&dependent.location) {
            Some(Fatal::Mine(project))
        } else if cx.strict_peer_deps {
            Some(Fatal::StrictPeerDeps)
        } else {
            None
        };
        match self.placement(cx, dependent, name, range, found) {
            Placement::Nest(at) => Verdict::Nest { at },
            Placement::Replace => Verdict::Replace,
            Placement::Conflict(blocker) => match fatal {
                Some(why) => Verdict::Eresolve { why, blocker },
                None => Verdict::Quiet,
            },
            Placement::Undecided => match fatal {
                Some(why) => Verdict::Fails { why },
                None => Verdict::Quiet,
            },
            Placement::Unmodelled => Verdict::Quiet,
        }
    }

    /// can-place-dep.js at the first target of place-dep.js (a conflict there ends the walk).
    fn placement(
        &self,
        cx: &Context<'_>,
        dependent: &NpmEntry,
        name: &str,
        range: &str,
        found: &NpmEntry,
    ) -> Placement {
        let target = self.nesting_target(cx, &dependent.location, name);
        let slot = if target.is_empty() {
            format!("node_modules/{name}")
        } else {
            format!("{target}/node_modules/{name}")
        };
        match cx.lock.entry(&slot) {
            None => self.place_without_current(cx, dependent, name, range, found, target),
            Some(current) if current.location == found.location && !current.link => {
                self.place_over_current(cx, dependent, name, range, found, &target)
            }
            // The peer resolves to a copy deeper than the target, or the target holds a link.
            Some(_) => Placement::Unmodelled,
        }
    }

    /// checkCanPlaceNoCurrent: the locked copy is above the target; a copy at the target
    /// conflicts with the target's own edge, or a valid edge from inside the target into the
    /// copy above that the new version would not satisfy.
    fn place_without_current(
        &self,
        cx: &Context<'_>,
        dependent: &NpmEntry,
        name: &str,
        range: &str,
        found: &NpmEntry,
        target: String,
    ) -> Placement {
        if cx.lock.resolve(&target, name).map(|e| e.location.as_str())
            != Some(found.location.as_str())
        {
            return Placement::Unmodelled;
        }
        let mut undecided = false;
        let own = self.edge_out(&target, name);
        for edge in own.into_iter().chain(
            self.edges_into(&found.location)
                .filter(|e| e.valid && e.from != dependent.location && is_within(e.from, &target)),
        ) {
            match covers(&edge.spec, range) {
                Covers::Yes => {}
                Covers::No => return Placement::Conflict(Some(self.describe(edge))),
                Covers::Maybe => undecided = true,
            }
        }
        if undecided {
            Placement::Undecided
        } else {
            Placement::Nest(target)
        }
    }

    /// checkCanPlaceCurrent: the locked copy sits at the target. It is replaced when the new
    /// version satisfies every other edge into it (canReplace), or when each entry into its
    /// peer set that needs it can nest its own copy deeper; otherwise it is a conflict.
    fn place_over_current(
        &self,
        cx: &Context<'_>,
        dependent: &NpmEntry,
        name: &str,
        range: &str,
        found: &NpmEntry,
        target: &str,
    ) -> Placement {
        let parent = cx.lock.parent_location(&found.location);
        let nested_in_current = format!("{}/", found.location);
        // canReplace: every other edge in, valid or not, except those from the copy's own
        // nested dependencies; a peer edge from a sibling may be ignored as part of a peer set
        // arborist replaces whole, so it is never a certain obstacle.
        let mut replaceable = Covers::Yes;
        for edge in self.edges_into(&found.location) {
            if edge.from == dependent.location || edge.from.starts_with(&nested_in_current) {
                continue;
            }
            let sibling_peer = edge.peer && cx.lock.parent_location(edge.from) == parent;
            match covers(&edge.spec, range) {
                Covers::Yes => {}
                Covers::No if !sibling_peer => replaceable = Covers::No,
                _ if replaceable == Covers::Yes => replaceable = Covers::Maybe,
                _ => {}
            }
        }
        if replaceable == Covers::Yes {
            return Placement::Replace;
        }
        // The peer-set entries: valid edges into the copy, or into a package that (through a
        // chain of valid peer edges) peers on it.
        let peer_names = |start: &str| -> Vec<String> {
            let mut names = Vec::new();
            let mut seen = BTreeSet::from([start.to_string()]);
            let mut stack = vec![start.to_string()];
            while let Some(at) = stack.pop() {
                if let Some(node) = cx.lock.entry(&at) {
                    names.push(node.name().to_string());
                }
                for edge in self.out.get(at.as_str()).into_iter().flatten() {
                    let edge = &self.edges[*edge];
                    if let (true, true, Some(to)) = (edge.peer, edge.valid, edge.to)
                        && seen.insert(to.location.clone())
                    {
                        stack.push(to.location.clone());
                    }
                }
            }
            names
        };
        let blocks = |from: &str, members: &[String]| {
            members.iter().any(|member| {
                let deepest = self.nesting_target(cx, from, member);
                is_within(target, &deepest)
            })
        };
        // Whether or not canReplace holds, the copy is replaced unless an entry blocks it.
        let mut undecided = false;
        let current_set = peer_names(&found.location);
        let mut members: BTreeSet<&str> = BTreeSet::from([found.location.as_str()]);
        let mut stack = vec![found.location.as_str()];
        while let Some(member) = stack.pop() {
            let is_current = member == found.location;
            for edge in self.edges_into(member) {
                if !edge.valid || edge.from == dependent.location {
                    continue;
                }
                if edge.peer && !edge.top {
                    // A package that peers on this member: part of the same peer set.
                    if members.insert(edge.from) {
                        stack.push(edge.from);
                    }
                    continue;
                }
                // An entry edge into the peer set.
                let clobber = if is_current {
                    replaceable
                } else if current_set
                    .iter()
                    .any(|n| Some(n.as_str()) == edge.to.map(|t| t.name()))
                {
                    Covers::Maybe
                } else {
                    self.clobber(member, name, range, &current_set)
                };
                if clobber == Covers::Yes {
                    continue;
                }
                let sub = peer_names(member);
                if blocks(edge.from, &sub) {
                    if clobber == Covers::No {
                        return Placement::Conflict(Some(self.describe(edge)));
                    }
                    undecided = true;
                }
            }
        }
        if undecided {
            Placement::Undecided
        } else {
            Placement::Replace
        }
    }

    /// The canClobber walk for an entry into the peer set through another package: its valid
    /// peer edges named like the peer must accept the new version. The new version's own
    /// peers are unknown; the locked copy's (`peers`) stand in for them, undecided.
    fn clobber(&self, member: &str, name: &str, range: &str, peers: &[String]) -> Covers {
        let mut verdict = Covers::Yes;
        let mut seen = BTreeSet::from([member]);
        let mut stack = vec![member];
        while let Some(at) = stack.pop() {
            for &i in self.out.get(at).into_iter().flatten() {
                let edge = &self.edges[i];
                if !edge.peer || !edge.valid {
                    continue;
                }
                if edge.name == name {
                    match covers(&edge.spec, range) {
                        Covers::No => return Covers::No,
                        Covers::Maybe => verdict = Covers::Maybe,
                        Covers::Yes => {}
                    }
                } else if peers.iter().any(|p| p == edge.name) {
                    verdict = Covers::Maybe;
                } else if let Some(to) = edge.to
                    && seen.insert(to.location.as_str())
                {
                    stack.push(to.location.as_str());
                }
            }
        }
        verdict
    }

    fn describe(&self, edge: &Edge<'_>) -> String {
        let from = match self.projects.get(edge.from) {
            Some(project) => project.clone(),
            None => format!("`{}`", edge.from),
        };
        let kind = if edge.peer { "peer " } else { "" };
        format!("{from}'s {kind}`{}@{}`", edge.name, edge.spec)
    }
}

/// Whether `location` is `ancestor` or inside it (`""` contains everything).
fn is_within(location: &str, ancestor: &str) -> bool {
    ancestor.is_empty()
        || location == ancestor
        || location
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}
