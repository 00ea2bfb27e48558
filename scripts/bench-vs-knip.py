#!/usr/bin/env python3
"""Side-by-side timing of seaworthy and knip on real monorepos (not part of `cargo test`).

For each repository it runs, in turn on the same machine: seaworthy with an empty cache
directory (cold: parses everything and fills the cache), again (warm: nothing changed), again
after appending a comment to one file (one changed), and `knip --reporter json`. It prints
wall time, CPU time (user + system) and peak memory (max RSS) from GNU time, and the ratios.

knip loads each plugin's config file (vite, jest, eslint, ...) with its imports, which fails in
a checkout without node_modules; the failing plugins are switched off one by one in a knip
config under the temporary directory until knip runs, and the ones switched off are printed.

    cargo build --release
    npm install --prefix /tmp/knip knip@5 typescript@5
    python3 scripts/bench-vs-knip.py --knip /tmp/knip/node_modules/.bin/knip REPO...
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Words of a config file's name, and the knip plugin that loads it.
PLUGINS = [
    ("lint-staged", "lint-staged"), ("prettier", "prettier"), ("jest", "jest"), ("vitest", "vitest"),
    ("vite", "vite"), ("next.config", "next"), ("eslint", "eslint"), ("tailwind", "tailwind"),
    ("postcss", "postcss"), ("playwright", "playwright"), ("webpack", "webpack"),
    ("storybook", "storybook"), ("babel", "babel"), ("commitlint", "commitlint"),
    ("cypress", "cypress"), ("nuxt", "nuxt"), ("svelte", "svelte"), ("astro", "astro"),
    ("rollup", "rollup"), ("tsup", "tsup"), ("remix", "remix"), ("nest-cli", "nest"),
    ("typedoc", "typedoc"), ("release-it", "release-it"), ("stylelint", "stylelint"),
    ("semantic-release", "semantic-release"), ("lefthook", "lefthook"), ("husky", "husky"),
    ("codegen", "graphql-codegen"), ("drizzle", "drizzle"), ("karma", "karma"),
    ("angular", "angular"), ("docusaurus", "docusaurus"), ("react-router", "react-router"),
    ("tsdown", "tsdown"), ("unbuild", "unbuild"), ("electron", "electron"), ("sentry", "sentry"),
    ("wrangler", "wrangler"), ("changeset", "changesets"), ("lingui", "lingui"),
    ("trigger", "trigger"), ("vercel", "vercel"), ("mocha", "mocha"), ("nodemon", "nodemon"),
    ("size-limit", "size-limit"), ("syncpack", "syncpack"), ("rsbuild", "rsbuild"),
    ("rspack", "rspack"), ("svgo", "svgo"), ("prisma", "prisma"), ("vue", "vue"),
    ("tauri", "tauri"), ("histoire", "histoire"), ("uno.config", "unocss"), ("unocss", "unocss"),
]


def knip_config(knip, repo, tmp):
    """A knip config switching off the plugins whose config files cannot load here."""
    path = os.path.join(tmp, f"knip-{os.path.basename(repo)}.json")
    off = {}
    for _ in range(40):
        with open(path, "w") as f:
            json.dump(off, f)
        run = subprocess.run([knip, "--reporter", "json", "--no-progress", "--config", path],
                             cwd=repo, capture_output=True, text=True)
        m = re.search(r"Error loading (\S+)", run.stderr)
        if not m:
            return path, sorted(off)
        name = m.group(1).lower()
        plugin = next((p for k, p in PLUGINS if k in os.path.basename(name)), None) or \
            next((p for k, p in PLUGINS if k in name), None)
        if plugin is None or plugin in off:
            raise SystemExit(f"{repo}: knip cannot load {m.group(1)}")
        off[plugin] = False
    raise SystemExit(f"{repo}: knip still fails")


def timed(cmd, cwd=None):
    out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *cmd], cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall, user, system, rss = out.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(rss) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--knip", required=True)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "seaworthy"))
    parser.add_argument("repos", nargs="+")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-vs-knip-")
    print("| repository | seaworthy cold | warm | one file changed | knip | CPU knip/cold | wall knip/warm |")
    print("|---|---|---|---|---|---|---|")
    for repo in args.repos:
        config, off = knip_config(args.knip, repo, tmp)
        cache = os.path.join(tmp, "cache-" + os.path.basename(repo))
        scan = [args.bin, "scan", repo, "--json", os.path.join(tmp, "r.json"), "--no-progress",
                "-q", "--fail-on", "never", "--cache-dir", cache]
        cold = timed(scan)
        warm = timed(scan)
        changed = next((os.path.join(d, f) for d, _, fs in sorted(os.walk(repo))
                        if "node_modules" not in d for f in sorted(fs) if f.endswith(".service.ts")), None)
        one = None
        if changed:
            original = open(changed, "rb").read()
            with open(changed, "ab") as f:
                f.write(b"\n// changed\n")
            one = timed(scan)
            with open(changed, "wb") as f:
                f.write(original)
        knip = timed([args.knip, "--reporter", "json", "--no-progress", "--config", config], cwd=repo)
        fmt = lambda t: f"{t[0]:.2f} s, {t[1]:.2f} s CPU, {t[2]:.0f} MiB" if t else "-"
        print(f"| {os.path.basename(repo)} | {fmt(cold)} | {fmt(warm)} | {fmt(one)} | {fmt(knip)} "
              f"| {knip[1] / cold[1]:.1f}x | {knip[0] / warm[0]:.1f}x |")
        if off:
            print(f"<!-- {os.path.basename(repo)}: knip plugins off: {', '.join(off)} -->")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
