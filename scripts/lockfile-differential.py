#!/usr/bin/env python3
"""Differential check of `lockfile/out-of-sync` and `lockfile/unsatisfied-entry` against the
real package managers.

Not part of `cargo test`: it needs the npm registry. For each base fixture (a repository whose
lockfile its manager wrote), it applies mutations to a copy (add a dependency, change a range,
remove one, move one between fields, add a workspace with and without dependencies, switch
`workspace:*` to `workspace:^`, add overrides), runs the manager's frozen install and
`seaworthy scan DIR --json -`, and compares the verdicts: the install fails exactly when
seaworthy reports `lockfile/out-of-sync` (for npm: `lockfile/out-of-sync` or
`lockfile/unsatisfied-entry`, since `npm ci` fails on either).

The npm peer cases (`PEER_CASES`) edit package-lock.json of the npm-peer-deps-* fixtures so a
peer resolves to a version outside its range: hoisted and nested dependents, a conflicting
version the root requires, a direct dependency's peer (ERESOLVE), optional peers at a wrong
version or absent, and `.npmrc` `legacy-peer-deps`, `strict-peer-deps` and `force`. `npm ci
--dry-run` builds the ideal tree and compares it with the lockfile before it stops, so it
reports these failures as a real `npm ci` does.

    cargo build --release && python3 scripts/lockfile-differential.py [--keep DIR] [--only npm]

SEAWORTHY_BIN overrides the binary (default target/release/seaworthy).

Managers (npm10 runs only the peer cases, with `"packageManager": "npm@10.9.9"`): pnpm 9 (`npx pnpm@9.15.9 install --lockfile-only --frozen-lockfile`), npm (`npm ci
--dry-run --ignore-scripts`), yarn 1 (`npx yarn@1 install --frozen-lockfile --ignore-scripts`)
and yarn 4 (`npx -p @yarnpkg/cli-dist@4.9.1 yarn install --immutable --mode=skip-build`).
"""

import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("SEAWORTHY_BIN") or os.path.join(ROOT, "target", "release", "seaworthy")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")

COMMANDS = {
    "pnpm": ["npx", "-y", "pnpm@9.15.9", "install", "--lockfile-only", "--frozen-lockfile", "--ignore-scripts"],
    "npm": ["npm", "ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund"],
    "npm10": ["npx", "-y", "npm@10.9.9", "ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund"],
    "yarn1": ["npx", "-y", "yarn@1.22.22", "install", "--frozen-lockfile", "--ignore-scripts", "--non-interactive"],
    "berry": ["npx", "-y", "-p", "@yarnpkg/cli-dist@4.9.1", "yarn", "install", "--immutable", "--mode=skip-build"],
}

# base fixture, manager, the workspace to mutate, a dependency it declares (field, name),
# a range the locked version still satisfies and one it does not, a dependency using the
# workspace protocol (or None), and the override field.
BASES = [
    dict(fixture="pnpm-in-sync-catalog-overrides", manager="pnpm", ws="apps/api",
         dep=("devDependencies", "left-pad"), satisfied="^1.3.0", unsatisfied="~1.2.0",
         root_dep=("devDependencies", "left-pad"), ws_glob="packages", ws_protocol="@platform/shared",
         overrides=("pnpm", "overrides")),
    dict(fixture="pnpm-outdated-lockfile-prom-client", manager="pnpm", ws="packages/shared",
         dep=("dependencies", "is-number"), satisfied="^7.0.0-0 || ^7.0.0", unsatisfied="~6.0.0",
         root_dep=("devDependencies", "left-pad"), ws_glob="packages", ws_protocol=None,
         overrides=("pnpm", "overrides")),
    dict(fixture="npm-ci-range-still-satisfied", manager="npm", ws="apps/api",
         dep=("dependencies", "ms"), satisfied="^2.1.0", unsatisfied="~2.0.0",
         root_dep=("dependencies", "is-number"), ws_glob="packages", ws_protocol=None,
         overrides=(None, "overrides")),
    dict(fixture="yarn-v1-frozen-ignores-workspace-manifests", manager="yarn1", ws="apps/web",
         dep=("dependencies", "ms"), satisfied="^2.1.0", unsatisfied="~2.0.0",
         root_dep=("devDependencies", "left-pad"), ws_glob="packages", ws_protocol=None,
         overrides=(None, "resolutions")),
    dict(fixture="yarn-berry-dependency-moved-to-dev", manager="berry", ws="apps/web",
         dep=("dependencies", "ms"), satisfied="^2.1.1", unsatisfied="~2.0.0",
         root_dep=("devDependencies", "left-pad"), ws_glob="packages", ws_protocol="ui",
         overrides=(None, "resolutions")),
]


def load(path):
    with open(path) as f:
        return json.load(f, object_pairs_hook=collections.OrderedDict)


def save(path, data):
    with open(path, "w") as f:
        f.write(json.dumps(data, indent=2) + "\n")


def edit(repo, rel, fn):
    path = os.path.join(repo, rel, "package.json")
    data = load(path)
    fn(data)
    save(path, data)


def mutations(base):
    ws, (field, name) = base["ws"], base["dep"]
    root_field, root_name = base["root_dep"]

    def add_dep(rel, f="dependencies", dep="is-odd", spec="^3.0.1"):
        return lambda repo: edit(repo, rel, lambda d: d.setdefault(f, collections.OrderedDict()).__setitem__(dep, spec))

    def set_range(spec):
        return lambda repo: edit(repo, ws, lambda d: d[field].__setitem__(name, spec))

    def remove(rel, f, dep):
        def apply(d):
            d[f].pop(dep, None)
        return lambda repo: edit(repo, rel, apply)

    def move(repo):
        def apply(d):
            spec = d[field].pop(name)
            other = "devDependencies" if field == "dependencies" else "dependencies"
            d.setdefault(other, collections.OrderedDict())[name] = spec
        edit(repo, ws, apply)

    def new_workspace(with_deps):
        def apply(repo):
            path = os.path.join(repo, base["ws_glob"], "newpkg")
            os.makedirs(path, exist_ok=True)
            data = collections.OrderedDict([("name", "newpkg"), ("version", "1.0.0")])
            if with_deps:
                data["dependencies"] = {"is-odd": "^3.0.1"}
            save(os.path.join(path, "package.json"), data)
        return apply

    def protocol(repo):
        dep = base["ws_protocol"]

        def apply(d):
            for f in ("dependencies", "devDependencies"):
                if dep in d.get(f, {}):
                    spec = d[f][dep]
                    d[f][dep] = "workspace:*" if spec != "workspace:*" else "workspace:^"
        edit(repo, ws, apply)

    def overrides(spec):
        def apply(repo):
            outer, key = base["overrides"]

            def set_override(d):
                target = d
                if outer:
                    target = d.setdefault(outer, collections.OrderedDict())
                target.setdefault(key, collections.OrderedDict())["ms"] = spec
            edit(repo, "", set_override)
        return apply

    out = [
        ("unchanged", lambda repo: None),
        ("add a dependency to a workspace", add_dep(ws)),
        ("add a dependency to the root", add_dep("", root_field)),
        ("change a range, still satisfied", set_range(base["satisfied"])),
        ("change a range, not satisfied", set_range(base["unsatisfied"])),
        ("remove a workspace dependency", remove(ws, field, name)),
        ("remove a root dependency", remove("", root_field, root_name)),
        ("move a dependency between fields", move),
        ("add a workspace without dependencies", new_workspace(False)),
        ("add a workspace with dependencies", new_workspace(True)),
        ("add overrides (ms 2.1.3)", overrides("2.1.3")),
        ("add overrides (ms 2.1.2)", overrides("2.1.2")),
    ]
    if base["ws_protocol"]:
        out.append(("switch workspace:* and workspace:^", protocol))
    return out


def lock_edit(fn):
    """A mutation applying `fn` to the parsed package-lock.json's `packages`."""
    def apply(repo):
        path = os.path.join(repo, "package-lock.json")
        data = load(path)
        fn(data["packages"])
        save(path, data)
    return apply


def set_in(obj, keys, value):
    for k in keys[:-1]:
        obj = obj.setdefault(k, collections.OrderedDict())
    obj[keys[-1]] = value


def root_dep(name, spec):
    """The root manifest and its lockfile entry both gain `name@spec` (in sync)."""
    def apply(repo):
        edit(repo, "", lambda d: d.setdefault("dependencies", collections.OrderedDict()).__setitem__(name, spec))
        lock_edit(lambda p: set_in(p, ["", "dependencies", name], spec))(repo)
    return apply


def npmrc(text):
    def apply(repo):
        with open(os.path.join(repo, ".npmrc"), "w") as f:
            f.write(text)
    return apply


def both(*steps):
    def apply(repo):
        for step in steps:
            step(repo)
    return apply


def remove_root_dep(name):
    def apply(repo):
        edit(repo, "", lambda d: d["dependencies"].pop(name))
        lock_edit(lambda p: p[""]["dependencies"].pop(name))(repo)
    return apply


def add_workspace(name, deps):
    """A workspace `packages/<name>` declaring `deps`, linked in the lockfile as npm writes it."""
    def apply(repo):
        path = os.path.join(repo, "packages", name)
        os.makedirs(path, exist_ok=True)
        manifest = collections.OrderedDict([("name", name), ("version", "1.0.0"), ("dependencies", deps)])
        save(os.path.join(path, "package.json"), manifest)
        edit(repo, "", lambda d: d.__setitem__("workspaces", ["packages/*"]))

        def lock(p):
            p[""]["workspaces"] = ["packages/*"]
            p["node_modules/" + name] = collections.OrderedDict([("resolved", "packages/" + name), ("link", True)])
            p["packages/" + name] = collections.OrderedDict([("name", name), ("version", "1.0.0"), ("dependencies", deps)])
        lock_edit(lock)(repo)
    return apply


# The hoisted ajv-keywords@3 (dependent: schema-utils, not the root) peers on ajv@^8 while the
# root has ajv@6, which schema-utils also needs.
HOISTED_PEER_WRONG = lock_edit(lambda p: set_in(p, ["node_modules/ajv-keywords", "peerDependencies", "ajv"], "^8.0.0"))
ROOT_PINS_AJV6 = both(HOISTED_PEER_WRONG, root_dep("ajv", "^6.12.6"))
# The direct ajv-keywords@5 peers on ajv@^6 while the root requires ajv@^8.
DIRECT_PEER_WRONG = lock_edit(lambda p: set_in(p, ["node_modules/ajv-keywords", "peerDependencies", "ajv"], "^6.9.1"))


def nested_dependent_unpinned(p):
    # schema-utils no longer depends on ajv itself, and its nested ajv@6 is moved out of the
    # way: the nested ajv-keywords@3 (peer ajv@^6.9.1) resolves to the root's ajv@8.
    p["node_modules/schema-utils"]["dependencies"].pop("ajv")
    p["node_modules/schema-utils/node_modules/unused-ajv"] = p.pop("node_modules/schema-utils/node_modules/ajv")


NESTED_CAN_NEST = lock_edit(nested_dependent_unpinned)


def relock_legacy(repo):
    """What a committed `npm install --legacy-peer-deps` leaves: npm itself rewrites the lockfile
    ignoring peers."""
    subprocess.run(["npm", "install", "--package-lock-only", "--legacy-peer-deps", "--ignore-scripts",
                    "--no-audit", "--no-fund"], cwd=repo, capture_output=True, check=True, timeout=600)


def set_root_range(name, spec):
    return lambda repo: edit(repo, "", lambda d: d["dependencies"].__setitem__(name, spec))

# (fixture, label, mutation): npm only; the verdict compared is out-of-sync or unsatisfied-entry.
PEER_CASES = [
    ("npm-peer-deps-hoisted", "unchanged (optional peer bufferutil absent)", lambda repo: None),
    ("npm-peer-deps-hoisted", "hoisted peer at a wrong version, replaceable", HOISTED_PEER_WRONG),
    ("npm-peer-deps-hoisted", "hoisted peer, range overlapping the locked major",
     lock_edit(lambda p: set_in(p, ["node_modules/ajv-keywords", "peerDependencies", "ajv"], "^6.20.0 || ^8.0.0"))),
    ("npm-peer-deps-hoisted", "hoisted peer, root pins the locked version", ROOT_PINS_AJV6),
    ("npm-peer-deps-hoisted", "hoisted peer, root pins it, range partly overlapping the root's",
     both(ROOT_PINS_AJV6, lock_edit(lambda p: set_in(p, ["node_modules/ajv-keywords", "peerDependencies", "ajv"], "^8.0.0 || ^6.30.0")))),
    ("npm-peer-deps-hoisted", "hoisted peer, root pins it and depends on the dependent",
     both(ROOT_PINS_AJV6, root_dep("ajv-keywords", "^3.5.2"))),
    ("npm-peer-deps-hoisted", "hoisted peer, root pins it, a workspace depends on the dependent",
     both(ROOT_PINS_AJV6, add_workspace("w", {"ajv-keywords": "^3.5.2"}))),
    ("npm-peer-deps-hoisted", "hoisted peer, root pins it, strict-peer-deps",
     both(ROOT_PINS_AJV6, npmrc("strict-peer-deps=true\n"))),
    ("npm-peer-deps-hoisted", "hoisted peer, root pins it, force", both(ROOT_PINS_AJV6, npmrc("force=true\n"))),
    ("npm-peer-deps-hoisted", "hoisted peer replaceable, strict-peer-deps",
     both(HOISTED_PEER_WRONG, npmrc("strict-peer-deps=true\n"))),
    ("npm-peer-deps-hoisted", "hoisted peer replaceable, legacy-peer-deps",
     both(HOISTED_PEER_WRONG, npmrc("legacy-peer-deps=true\n"))),
    ("npm-peer-deps-hoisted", "hoisted peer made optional, wrong version",
     both(HOISTED_PEER_WRONG, lock_edit(lambda p: set_in(p, ["node_modules/ajv-keywords", "peerDependenciesMeta", "ajv", "optional"], True)))),
    ("npm-peer-deps-hoisted", "optional peer at a wrong version",
     lock_edit(lambda p: set_in(p, ["node_modules/ws", "peerDependencies", "utf-8-validate"], "^6.0.0"))),
    ("npm-peer-deps-hoisted", "optional peer absent",
     both(remove_root_dep("utf-8-validate"),
          lock_edit(lambda p: [p.pop(k) for k in ("node_modules/utf-8-validate", "node_modules/node-gyp-build")]))),
    ("npm-peer-deps-hoisted", "root requires ajv@8, relocked with --legacy-peer-deps (transitive peer)",
     both(lambda repo: edit(repo, "", lambda d: d["dependencies"].__setitem__("ajv", "^8.12.0")), relock_legacy)),
    ("npm-peer-deps-nested", "unchanged", lambda repo: None),
    ("npm-peer-deps-nested", "root requires ajv@6, relocked with --legacy-peer-deps (direct peer)",
     both(set_root_range("ajv", "^6.12.6"), relock_legacy)),
    ("npm-peer-deps-nested", "nested peer, its dependent pins the locked version",
     lock_edit(lambda p: set_in(p, ["node_modules/schema-utils/node_modules/ajv-keywords", "peerDependencies", "ajv"], "^8.0.0"))),
    ("npm-peer-deps-nested", "nested peer, a copy can be nested beside it", NESTED_CAN_NEST),
    ("npm-peer-deps-nested", "nested peer nestable, strict-peer-deps", both(NESTED_CAN_NEST, npmrc("strict-peer-deps=true\n"))),
    ("npm-peer-deps-nested", "nested peer nestable, legacy-peer-deps", both(NESTED_CAN_NEST, npmrc("legacy-peer-deps=true\n"))),
    ("npm-peer-deps-nested", "direct dependency's peer conflicts with the root", DIRECT_PEER_WRONG),
    ("npm-peer-deps-nested", "direct dependency's peer, range partly overlapping the root's (no 8.30 exists)",
     lock_edit(lambda p: set_in(p, ["node_modules/ajv-keywords", "peerDependencies", "ajv"], "^8.30.0 || ^6.9.1"))),
    ("npm-peer-deps-nested", "direct dependency's peer conflict, legacy-peer-deps",
     both(DIRECT_PEER_WRONG, npmrc("legacy-peer-deps=true\n"))),
    ("npm-peer-deps-nested", "direct dependency's peer conflict, force", both(DIRECT_PEER_WRONG, npmrc("force=true\n"))),
    ("npm-peer-deps-nested", "direct dependency's optional peer conflict",
     both(DIRECT_PEER_WRONG, lock_edit(lambda p: set_in(p, ["node_modules/ajv-keywords", "peerDependenciesMeta", "ajv", "optional"], True)))),
]


def npm10(mutate):
    """The same case with `"packageManager": "npm@10.9.9"`, run with npm 10."""
    return both(lambda repo: edit(repo, "", lambda d: d.__setitem__("packageManager", "npm@10.9.9")), mutate)


OPTIONAL_PEER_WRONG = lock_edit(lambda p: set_in(p, ["node_modules/ws", "peerDependencies", "utf-8-validate"], "^6.0.0"))
HOISTED_MADE_OPTIONAL = both(HOISTED_PEER_WRONG, lock_edit(
    lambda p: set_in(p, ["node_modules/ajv-keywords", "peerDependenciesMeta", "ajv", "optional"], True)))

# npm 10 rebuilds an optional peer locked at a wrong version (npm 11 keeps it): seaworthy judges
# optional peers only when packageManager declares npm 10 or older.
NPM10_CASES = [
    ("npm-peer-deps-hoisted", "optional peer at a wrong version, direct dependent", OPTIONAL_PEER_WRONG),
    ("npm-peer-deps-hoisted", "hoisted peer made optional, wrong version", HOISTED_MADE_OPTIONAL),
    ("npm-peer-deps-hoisted", "optional peer absent",
     both(remove_root_dep("utf-8-validate"),
          lock_edit(lambda p: [p.pop(k) for k in ("node_modules/utf-8-validate", "node_modules/node-gyp-build")]))),
    ("npm-peer-deps-hoisted", "hoisted peer at a wrong version, replaceable", HOISTED_PEER_WRONG),
    ("npm-peer-deps-hoisted", "hoisted peer, root pins the locked version", ROOT_PINS_AJV6),
    ("npm-peer-deps-nested", "nested peer, a copy can be nested beside it", NESTED_CAN_NEST),
    ("npm-peer-deps-nested", "direct dependency's peer conflicts with the root", DIRECT_PEER_WRONG),
    ("npm-peer-deps-nested", "direct dependency's optional peer conflict",
     both(DIRECT_PEER_WRONG, lock_edit(lambda p: set_in(p, ["node_modules/ajv-keywords", "peerDependenciesMeta", "ajv", "optional"], True)))),
]


def clean(repo):
    for dirpath, dirnames, _ in os.walk(repo):
        for d in list(dirnames):
            if d in ("node_modules", ".yarn"):
                shutil.rmtree(os.path.join(dirpath, d), ignore_errors=True)
                dirnames.remove(d)
    for f in (".pnp.cjs", ".pnp.loader.mjs"):
        p = os.path.join(repo, f)
        if os.path.exists(p):
            os.remove(p)


def manager_fails(manager, repo):
    env = dict(os.environ, YARN_ENABLE_TELEMETRY="0", YARN_ENABLE_GLOBAL_CACHE="1", CI="true")
    result = subprocess.run(COMMANDS[manager], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    output = (result.stdout + result.stderr).strip().splitlines()
    reason = next((l for l in output if "ERR_PNPM" in l or "Missing:" in l or "Invalid:" in l or "ERESOLVE could" in l
                   or "lockfile" in l.lower() and ("error" in l.lower() or "YN0028" in l)), output[-1] if output else "")
    return result.returncode != 0, reason.strip()[:120]


def seaworthy_fails(repo, manager):
    result = subprocess.run([BIN, "scan", repo, "--json", "-", "--quiet", "--no-progress", "--fail-on", "never",
                             "--no-cache"], capture_output=True, text=True, timeout=120)
    report = json.loads(result.stdout)
    rules = ["lockfile/out-of-sync"] + (["lockfile/unsatisfied-entry"] if manager.startswith("npm") else [])
    findings = [f for f in report["findings"] if f["rule"] in rules]
    return bool(findings), f"{findings[0]['rule']}: {findings[0]['message'][:160]}" if findings else ""


def run_case(work, manager, fixture, label, mutate):
    slug = label.replace(" ", "-")
    for c in ":()*^'|,":
        slug = slug.replace(c, "")
    repo = os.path.join(work, fixture + "--" + slug)
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(os.path.join(FIXTURES, fixture), repo)
    mutate(repo)
    ours, our_reason = seaworthy_fails(repo, manager)
    theirs, their_reason = manager_fails(manager, repo)
    clean(repo)
    ok = ours == theirs
    print(f"{'ok ' if ok else 'DIFF'} {manager:5} {label[:60]:60} manager={'fail' if theirs else 'pass'} "
          f"seaworthy={'fail' if ours else 'pass'}  {their_reason if theirs else ''}", flush=True)
    if not ok or os.environ.get("VERBOSE"):
        print(f"      seaworthy: {our_reason}", flush=True)
    return (manager, fixture, label, theirs, ours, ok, their_reason, our_reason)


def main():
    if not os.path.exists(BIN):
        sys.exit("build the release binary first: cargo build --release")
    args = sys.argv[1:]
    keep = args[args.index("--keep") + 1] if "--keep" in args else None
    only = args[args.index("--only") + 1] if "--only" in args else None
    work = keep or tempfile.mkdtemp(prefix="seaworthy-differential-")
    rows = []
    for base in BASES:
        if only and base["manager"] != only:
            continue
        for label, mutate in mutations(base):
            rows.append(run_case(work, base["manager"], base["fixture"], label, mutate))
    if not only or only == "npm":
        for fixture, label, mutate in PEER_CASES:
            rows.append(run_case(work, "npm", fixture, "peer: " + label, mutate))
    if not only or only == "npm10":
        for fixture, label, mutate in NPM10_CASES:
            rows.append(run_case(work, "npm10", fixture, "peer: " + label, npm10(mutate)))
    agree = sum(r[5] for r in rows)
    print(f"\nagreement: {agree}/{len(rows)} ({100 * agree / len(rows):.0f}%)")
    for manager in COMMANDS:
        mine = [r for r in rows if r[0] == manager]
        if mine:
            print(f"  {manager:5} {sum(r[5] for r in mine)}/{len(mine)}")
    peers = [r for r in rows if r[2].startswith("peer: ") and r[0] == "npm"]
    if peers:
        print(f"  (npm peer cases {sum(r[5] for r in peers)}/{len(peers)})")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if agree == len(rows) else 1)


if __name__ == "__main__":
    main()
