#!/usr/bin/env bash
# Differential check of seaworthy's nest/ rules against the real NestJS.
#
#   scripts/nest-differential.sh [--record] [--nest 11|12|X.Y.Z] [--only GLOB] [SEAWORTHY_BIN]
#
# Not part of `cargo test`: it needs the npm registry. For each fixture app in
# tests/fixtures/nest/<scenario>/ it
#   1. copies the fixture to a temp dir and links node_modules to a shared install (made once, with
#      npm, in ${NEST_DIFF_DIR:-/tmp/seaworthy-nest-diff}/nest<MAJOR>, from the union of the
#      fixtures' dependencies; workspace members are linked by their package names),
#   2. compiles it with tsc (workspace packages first) — a compile error fails the scenario,
#   3. boots the compiled root module with the real Nest:
#        NestFactory.create(AppModule, { preview: true, abortOnError: false, logger: false })
#      (preview resolves the whole DI graph without running constructors or factories, so no
#      database or network is needed). The root module is dist/app.module.js, export AppModule,
#      unless the fixture has a one-line `.nest-root` file: "<compiled path> [<export name>]".
#      The verdict is `boots`, or `fails` and the first line of Nest's error message.
#   4. --record: writes the verdict to tests/fixtures/nest/<scenario>/nest-verdict.txt.
#      Without --record, a fresh verdict that differs from the recorded one is reported.
#   5. with a seaworthy binary (the argument, or target/release/seaworthy if it exists): runs
#      `seaworthy scan <fixture> --json FILE --no-progress -q` on the fixture as committed and
#      compares: Nest boots <=> no unsuppressed error-severity nest/* finding; Nest fails <=>
#      exactly one, with the same (class, dependencies, token, index, module) for "can't resolve",
#      the same (module, token) for "cannot export", and rule nest/circular-import naming the
#      module for "cannot create the X instance".
# It prints one line per scenario and exits non-zero if a scenario disagrees, differs from its
# recording, or could not be compiled or booted.
#
# Options: --nest 11 (default: the newest 11.x the fixtures' ranges allow) or 12 picks the Nest
# major; --nest X.Y.Z pins @nestjs/core, common and platform-express to that exact version (e.g.
# 11.1.6: before 11.1.16 the message ends "... in the M context." instead of "... in the M
# module.", and before 11.1.7 an interface-typed parameter is named Object). --only GLOB runs the
# scenarios whose name matches the shell glob. NEST_DIFF_KEEP=1 keeps the temp copies.
# Recordings are made with Nest 11 only (the default, or an exact 11.x.y).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
fixtures="$repo/tests/fixtures/nest"
helper="$here/nest-differential.mjs"

record=0
major=11
only='*'
seaworthy=''
while [ $# -gt 0 ]; do
  case "$1" in
    --record) record=1 ;;
    --nest)
      [ $# -ge 2 ] || { echo "--nest needs 11, 12 or X.Y.Z" >&2; exit 2; }
      major="$2"
      shift
      ;;
    --nest=*) major="${1#--nest=}" ;;
    --only)
      [ $# -ge 2 ] || { echo "--only needs a glob" >&2; exit 2; }
      only="$2"
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) seaworthy="$1" ;;
  esac
  shift
done
case "$major" in
  11 | 12 | 1[12].[0-9]*.[0-9]*) ;;
  *) echo "--nest must be 11, 12 or an exact 11.x.y/12.x.y version, not $major" >&2; exit 2 ;;
esac
if [ -z "$seaworthy" ] && [ -x "$repo/target/release/seaworthy" ]; then
  seaworthy="$repo/target/release/seaworthy"
fi
if [ -n "$seaworthy" ] && [ ! -x "$seaworthy" ]; then
  echo "seaworthy binary $seaworthy is not executable" >&2
  exit 2
fi
if [ "$record" = 1 ] && [ "${major%%.*}" != 11 ]; then
  echo "recordings are made with Nest 11; run --record without --nest $major" >&2
  exit 2
fi

# --- 1. the shared install -------------------------------------------------------------------
cache="${NEST_DIFF_DIR:-/tmp/seaworthy-nest-diff}/nest$major"
mkdir -p "$cache"
wanted="$(node "$helper" deps "$fixtures" "$major")"
if [ ! -d "$cache/node_modules/@nestjs/core" ] || [ "$wanted" != "$(cat "$cache/package.json" 2>/dev/null)" ]; then
  echo "installing Nest $major and the fixtures' libraries into $cache ..." >&2
  rm -rf "$cache/node_modules" "$cache/package-lock.json"
  printf '%s\n' "$wanted" >"$cache/package.json"
  (cd "$cache" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi
nest_version="$(node -p 'require(process.argv[1]).version' "$cache/node_modules/@nestjs/core/package.json")"
tsc="$cache/node_modules/.bin/tsc"
echo "Nest: @nestjs/core $nest_version; TypeScript $("$tsc" --version | sed 's/^Version //')${seaworthy:+; seaworthy: $seaworthy}" >&2

work="$(mktemp -d "${TMPDIR:-/tmp}/nest-differential.XXXXXX")"
cleanup() {
  if [ "${NEST_DIFF_KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- 2..5. each scenario ---------------------------------------------------------------------
total=0
agreed=0
problems=0
for fixture in "$fixtures"/*/; do
  fixture="${fixture%/}"
  name="$(basename "$fixture")"
  # shellcheck disable=SC2254 # $only is a glob on purpose
  case "$name" in $only) ;; *) continue ;; esac
  total=$((total + 1))
  copy="$work/$name"
  result="$work/$name.nest.json"

  cp -R "$fixture" "$copy"
  rm -rf "$copy/node_modules" "$copy/dist" "$copy/nest-verdict.txt"
  if ! configs="$(node "$helper" prepare "$copy" "$cache/node_modules")"; then
    echo "ERROR     $name: could not prepare the copy"
    problems=$((problems + 1))
    continue
  fi
  compiled=1
  while IFS= read -r config; do
    if ! output="$(cd "$(dirname "$config")" && "$tsc" -p tsconfig.json 2>&1)"; then
      echo "ERROR     $name: TypeScript compile error in ${config#"$work/"}:"
      printf '%s\n' "$output" | sed 's/^/            /'
      compiled=0
      break
    fi
  done <<<"$configs"
  if [ "$compiled" = 0 ]; then
    problems=$((problems + 1))
    continue
  fi

  if ! timeout 120 node "$helper" boot "$copy" "$result" || [ ! -s "$result" ]; then
    echo "ERROR     $name: the boot script crashed or timed out"
    problems=$((problems + 1))
    continue
  fi
  verdict="$(node -p 'require(process.argv[1]).verdict' "$result")"
  message="$(node -p 'require(process.argv[1]).message ?? ""' "$result")"
  if [ "$verdict" = error ]; then
    echo "ERROR     $name: $message"
    problems=$((problems + 1))
    continue
  fi
  nest_text="$verdict${message:+: $message}"

  recorded="$fixture/nest-verdict.txt"
  note=''
  if [ "$record" = 1 ]; then
    {
      echo "# recorded by scripts/nest-differential.sh with @nestjs/core $nest_version"
      echo "$verdict"
      if [ "$verdict" = fails ]; then echo "$message"; fi
    } >"$recorded"
  elif [ -f "$recorded" ]; then
    case "$(node "$helper" same "$recorded" "$result")" in
      same) ;;
      same-normalised) note=" [same as recorded, in other wording]" ;;
      *)
        note=" [DIFFERS from the recording: $(sed -n '2,3p' "$recorded" | paste -sd ' ')]"
        problems=$((problems + 1))
        ;;
    esac
  fi

  if [ -z "$seaworthy" ]; then
    echo "nest      $name: $nest_text$note"
    continue
  fi
  report="$work/$name.seaworthy.json"
  set +e
  "$seaworthy" scan "$fixture" --json "$report" --no-progress -q >/dev/null 2>"$work/$name.seaworthy.err"
  rc=$?
  set -e
  if [ "$rc" -gt 1 ] || [ ! -s "$report" ]; then
    echo "ERROR     $name: seaworthy exited $rc: $(head -c 300 "$work/$name.seaworthy.err")"
    problems=$((problems + 1))
    continue
  fi
  IFS=$'\t' read -r outcome sw_text < <(node "$helper" compare "$result" "$report")
  if [ "$outcome" = agree ]; then
    agreed=$((agreed + 1))
    printf 'agree     %s: nest %s | seaworthy %s%s\n' "$name" "$nest_text" "$sw_text" "$note"
  else
    printf 'DISAGREE  %s: nest %s | seaworthy %s%s\n' "$name" "$nest_text" "$sw_text" "$note"
  fi
done

if [ -n "$seaworthy" ]; then
  echo "$agreed/$total scenarios agree"
  [ "$agreed" = "$total" ] || exit 1
else
  echo "$total scenarios run with @nestjs/core $nest_version (no seaworthy binary: nothing compared)"
fi
if [ "$problems" -gt 0 ]; then
  echo "$problems scenario(s) could not be run or differ from their recording" >&2
  exit 1
fi
