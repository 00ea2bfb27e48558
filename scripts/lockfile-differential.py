#!/usr/bin/env python3
"""Differential check of `lockfile/out-of-sync` against the real package managers.

Not part of `cargo test`: it needs the npm registry. For each base fixture (a repository whose
lockfile its manager wrote), it applies mutations to a copy (add a dependency, change a range,
remove one, move one between fields, add a workspace with and without dependencies, switch
`workspace:*` to `workspace:^`, add overrides), runs the manager's frozen install and
`seaworthy scan DIR --json -`, and compares the verdicts: the install fails exactly when
seaworthy reports `lockfile/out-of-sync`.

    cargo build --release && python3 scripts/lockfile-differential.py [--keep DIR]

Managers: pnpm 9 (`npx pnpm@9.15.9 install --lockfile-only --frozen-lockfile`), npm (`npm ci
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
BIN = os.path.join(ROOT, "target", "release", "seaworthy")
FIXTURES = os.path.join(ROOT, "tests", "fixtures")

COMMANDS = {
    "pnpm": ["npx", "-y", "pnpm@9.15.9", "install", "--lockfile-only", "--frozen-lockfile", "--ignore-scripts"],
    "npm": ["npm", "ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund"],
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
    reason = next((l for l in output if "ERR_PNPM" in l or "Missing:" in l or "Invalid:" in l
                   or "lockfile" in l.lower() and ("error" in l.lower() or "YN0028" in l)), output[-1] if output else "")
    return result.returncode != 0, reason.strip()[:120]


def seaworthy_fails(repo):
    result = subprocess.run([BIN, "scan", repo, "--json", "-", "--quiet", "--no-progress", "--fail-on", "never"],
                            capture_output=True, text=True, timeout=120)
    report = json.loads(result.stdout)
    findings = [f for f in report["findings"] if f["rule"] == "lockfile/out-of-sync"]
    return bool(findings), findings[0]["message"][:120] if findings else ""


def main():
    if not os.path.exists(BIN):
        sys.exit("build the release binary first: cargo build --release")
    keep = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--keep" else None
    work = keep or tempfile.mkdtemp(prefix="seaworthy-differential-")
    rows, agree = [], 0
    for base in BASES:
        for label, mutate in mutations(base):
            repo = os.path.join(work, base["fixture"] + "--" + label.replace(" ", "-").replace(":", "").replace("(", "").replace(")", "").replace("*", "star").replace("^", "caret"))
            shutil.rmtree(repo, ignore_errors=True)
            shutil.copytree(os.path.join(FIXTURES, base["fixture"]), repo)
            mutate(repo)
            ours, our_reason = seaworthy_fails(repo)
            theirs, their_reason = manager_fails(base["manager"], repo)
            clean(repo)
            ok = ours == theirs
            agree += ok
            rows.append((base["manager"], base["fixture"], label, theirs, ours, ok, their_reason, our_reason))
            print(f"{'ok ' if ok else 'DIFF'} {base['manager']:5} {label:40} manager={'fail' if theirs else 'pass'} "
                  f"seaworthy={'fail' if ours else 'pass'}  {their_reason if theirs else ''}", flush=True)
    print(f"\nagreement: {agree}/{len(rows)} ({100 * agree / len(rows):.0f}%)")
    for manager in COMMANDS:
        mine = [r for r in rows if r[0] == manager]
        if mine:
            print(f"  {manager:5} {sum(r[5] for r in mine)}/{len(mine)}")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if agree == len(rows) else 1)


if __name__ == "__main__":
    main()
