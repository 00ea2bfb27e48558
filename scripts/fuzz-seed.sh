#!/usr/bin/env bash
# Seeds each cargo-fuzz target's corpus (fuzz/corpus/<target>/) from the test fixtures, by the
# kind of file the target parses. Run from anywhere; the corpora are gitignored.
set -euo pipefail
cd "$(dirname "$0")/.."
seed() { # target, find expression...
  local target=$1; shift
  mkdir -p "fuzz/corpus/$target"
  find tests/fixtures "$@" -type f -print0 | while IFS= read -r -d '' f; do
    cp "$f" "fuzz/corpus/$target/$(printf '%s' "$f" | sha1sum | cut -c1-16)"
  done
}
seed package_json -name package.json
seed tsconfig \( -name 'tsconfig*.json' -o -name jsconfig.json \)
seed pnpm_lock \( -name pnpm-lock.yaml -o -name pnpm-workspace.yaml \)
seed npm_lock -name package-lock.json
seed yarn_lock -name yarn.lock
seed dockerfile \( -name 'Dockerfile*' -o -name '*.Dockerfile' \)
seed compose \( -name 'docker-compose*.yml' -o -name 'compose*.yaml' \)
seed typescript \( -name '*.ts' -o -name '*.tsx' -o -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \)
seed ignore_file \( -name .gitignore -o -name .dockerignore \)
for d in fuzz/corpus/*/; do echo "$(basename "$d"): $(ls "$d" | wc -l) seeds"; done
