#!/usr/bin/env bash
# Validates seaworthy's SARIF for every fixture with Microsoft's SARIF multitool, under the
# rules GitHub code scanning applies (Gh) and the spec's own (Sarif). Installs the multitool
# into a temporary directory; needs npm, and a built seaworthy (cargo build) or SEAWORTHY=path.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${SEAWORTHY:-target/debug/seaworthy}"
tools="${SARIF_TOOLS:-$(mktemp -d)}"
out="$(mktemp -d)"
if [ ! -x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
  npm install --no-save --prefix "$tools" @microsoft/sarif-multitool >/dev/null 2>&1
fi
multitool="$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
chmod u+x "$multitool"
status=0
for dir in tests/fixtures/*/; do
  name="$(basename "$dir")"
  "$bin" scan "$dir" --sarif "$out/$name.sarif" --no-progress -q --fail-on never >/dev/null 2>&1 || true
  [ -s "$out/$name.sarif" ] || { echo "$name: no SARIF written"; status=1; continue; }
  if ! "$multitool" validate --rule-kind "Gh;Sarif" --output "$out/$name.validation.sarif" "$out/$name.sarif" >"$out/$name.log" 2>&1; then
    echo "$name: multitool failed"; cat "$out/$name.log"; status=1
  fi
  count() { node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).runs[0].results||[];console.log(r.filter(x=>(x.level||"warning")===process.argv[2]).length)' "$out/$name.validation.sarif" "$1"; }
  errors=$(count error)
  warnings=$(count warning)
  echo "$name: $errors errors, $warnings warnings"
  if [ "$errors" != 0 ] || [ "$warnings" != 0 ]; then status=1; fi
done
exit "$status"
