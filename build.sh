#!/usr/bin/env bash
# ModelOps build script: one entry point for a newcomer, CI and benchmarks (./build.sh help lists the tasks;
# docs/build.md says what each does).
#   ./build.sh demo      run the main job on the shipped data (embedded store)
#   ./build.sh check     format check, build with analyzers, every test, as CI; ends with "N passed, N failed, N skipped"
#   ./build.sh test      the same as check (CI's .ci/run calls check)
#   ./build.sh format    apply dotnet format to the whole solution
#   ./build.sh package   the .NET tool package and the single-file linux-x64 binary under artifacts/
#   ./build.sh docs      the API reference from the XML docs (docfx) under artifacts/docs/, and a check of every link in docs/ and the README
#   ./build.sh clean     remove build outputs, test results, artifacts/ and the demo's .modelops/ and outputs/ (asks first unless --yes)
#   ./build.sh bench     benchmarks side by side with their references; see docs/benchmarks.md
# Each command installs what is missing first: NuGet packages always, Debian packages when
# run as root (otherwise it prints the exact command to run and stops).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages each command needs. The store tests and benchmarks start a throw-away
# PostgreSQL 15 server (initdb, pg_ctl), the UI tests drive Debian's Chromium (Playwright, no browser
# download), the Kafka tests use kcat as an independent Kafka client, and deploy/check.sh parses the
# compose file with docker-compose (no Docker engine needed) and asks the published hub with curl; the reference
# implementations are only needed to regenerate fixtures (tests/fixtures/generate.sh) and for benchmarks.
TEST_DEBS=(postgresql-15 chromium kcat docker-compose curl)
DEMO_DEBS=()
BENCH_DEBS=(python3-pandas python3-sklearn python3-xgboost postgresql-15 wrk nodejs)

die() { echo "build.sh: $*" >&2; exit 1; }

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is missing: install it (https://dot.net) and run again."
}

ensure_debs() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "build.sh: installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing Debian packages; run: sudo apt-get install -y ${missing[*]}"
  fi
}

restore() {
  ensure_dotnet
  dotnet restore ModelOps.slnx --nologo -v quiet
}

cmd_demo() {
  ensure_debs ${DEMO_DEBS[@]+"${DEMO_DEBS[@]}"}
  restore
  dotnet build src/ModelOps.Cli -c Release --no-restore --nologo -v quiet -clp:ErrorsOnly
  dotnet src/ModelOps.Cli/bin/Release/net10.0/modelops.dll demo "$@"
}

cmd_check() {
  ensure_debs ${TEST_DEBS[@]+"${TEST_DEBS[@]}"}
  restore
  echo "build.sh: checking formatting (dotnet format --verify-no-changes)"
  dotnet format ModelOps.slnx --verify-no-changes --no-restore -v quiet
  dotnet build ModelOps.slnx -c Release --no-restore --nologo -v quiet -clp:ErrorsOnly
  local results="$ROOT/TestResults"
  rm -rf "$results"
  mkdir -p "$results"
  # One dotnet test per project, in parallel, each with its own results folder (so TRX file
  # names cannot collide) and its own log (printed whole, in order, when all are done).
  local status=0 pids=() names=() project name
  for project in tests/*/*.Tests.csproj; do
    name=$(basename "$project" .csproj)
    dotnet test "$project" -c Release --no-build --nologo \
      --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results/$name" "$@" \
      > "$results/$name.log" 2>&1 &
    pids+=($!)
    names+=("$name")
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || status=1
    cat "$results/${names[$i]}.log"
  done
  summarize_trx "$results" "${#names[@]}" || status=1
  return $status
}

# Sums the Counters of every TRX file into one plain line. One TRX file per test project is
# expected; a missing one (a crashed test host) counts as one more failure.
summarize_trx() {
  local files found missing=0
  files=$(find "$1" -name '*.trx' 2>/dev/null || true)
  found=$(printf '%s' "$files" | grep -c . || true)
  if [ "$found" -ne "$2" ]; then
    echo "build.sh: expected $2 test result files, found $found" >&2
    missing=1
  fi
  # shellcheck disable=SC2086
  { [ -z "$files" ] || grep -ho '<Counters [^>]*>' $files || true; } | awk -v missing="$missing" '
    { for (i = 1; i <= NF; i++) { split($i, kv, "=\""); sub(/".*/, "", kv[2]); c[kv[1]] += kv[2] } }
    END { printf "%d passed, %d failed, %d skipped\n", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"] + missing, c["notExecuted"] }'
  return "$missing"
}

cmd_bench() {
  ensure_debs "${BENCH_DEBS[@]}"
  # DuckDB, the Parquet benchmark's reference, comes from npm: Debian's nodejs has no npm of its own (NodeSource's has).
  command -v npm >/dev/null 2>&1 || ensure_debs npm
  restore
  bash bench/run.sh "$@"
}

cmd_format() {
  restore
  dotnet format ModelOps.slnx --no-restore -v quiet
  echo "build.sh: formatted (git diff shows what changed)"
}

# The tool package (framework-dependent, every platform's native libraries) and the self-contained single-file
# binary for linux-x64; --output DIR puts them somewhere else than artifacts/ (the packaging tests do).
cmd_package() {
  local out="$ROOT/artifacts"
  while [ $# -gt 0 ]; do
    case "$1" in
      --output) [ $# -ge 2 ] || die "package: --output needs a folder"; out=$2; shift 2 ;;
      *) die "package: unknown option '$1' (only --output DIR)" ;;
    esac
  done
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  restore
  rm -f "$out"/modelops.*.nupkg
  rm -rf "$out/linux-x64"
  dotnet pack src/ModelOps.Cli -c Release --no-restore --nologo -v quiet -clp:ErrorsOnly -o "$out"
  # The publish folder also holds the UI's files that the bundle already carries: only the one file is the product.
  local publish="$ROOT/src/ModelOps.Cli/bin/Release/net10.0/linux-x64/publish"
  rm -rf "$publish"
  dotnet publish src/ModelOps.Cli -c Release -r linux-x64 -p:PublishSingleFile=true --nologo -v quiet -clp:ErrorsOnly
  mkdir -p "$out/linux-x64"
  cp "$publish/modelops" "$out/linux-x64/modelops"
  echo "build.sh: packaged version $(version)"
  ls -l "$out"/modelops.*.nupkg "$out/linux-x64/modelops" | awk '{ printf "  %s  %.1f MiB\n", $NF, $5 / 1048576 }'
}

# The one version, as Directory.Build.props says it.
version() {
  sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$ROOT/Directory.Build.props" | head -n 1
}

# The API reference (docfx, a local tool pinned in .config/dotnet-tools.json) from the public types' XML docs, then the
# link check. --links-only [DIR] checks only the links, of DIR's README.md and docs/ (default: this checkout).
cmd_docs() {
  if [ "${1:-}" = "--links-only" ]; then
    check_links "${2:-$ROOT}"
    return
  fi
  [ $# -eq 0 ] || die "docs: unknown option '$1' (only --links-only [DIR])"
  restore
  dotnet tool restore >/dev/null
  dotnet build src/ModelOps.Cli -c Release --no-restore --nologo -v quiet -clp:ErrorsOnly -clp:NoSummary
  rm -rf artifacts/docs
  mkdir -p artifacts/docs
  # A warning (a broken cref, an invalid link) fails the task, as a compiler warning fails the build.
  dotnet docfx docs/api/docfx.json --warningsAsErrors > artifacts/docs/docfx.log 2>&1 || { cat artifacts/docs/docfx.log; die "docs: docfx failed"; }
  echo "build.sh: API reference in artifacts/docs/site/index.html ($(find artifacts/docs/api -name '*.yml' | wc -l) pages; docfx's log: artifacts/docs/docfx.log)"
  check_links "$ROOT"
}

# Every relative link and image of README.md and docs/**/*.md under $1 must name a file or folder that exists, and a
# '#fragment' into a Markdown file one of its headings (GitHub's anchors: lower case, punctuation dropped, spaces to
# '-', repeats numbered -1, -2) or an <a id/name>. Links with a scheme (https:, mailto:) are not followed: no network
# here. Prints "FILE:LINE: broken link TARGET (why)" for each one that does not resolve and fails if there is any.
check_links() {
  local root files anchors links broken=0 file line target path fragment resolved
  root=$(cd "$1" && pwd) || die "docs: no folder $1"
  files=$(cd "$root" && { [ -f README.md ] && echo README.md; [ -d docs ] && find docs -name '*.md' | sort; } || true)
  [ -n "$files" ] || die "docs: no README.md or docs/ in $root"
  # shellcheck disable=SC2086
  anchors=$(cd "$root" && awk '
    FNR == 1 { fence = 0; split("", count) }
    /^[ \t]*(```|~~~)/ { fence = !fence; next }
    fence { next }
    /^#+[ \t]/ {
      h = $0
      sub(/^#+[ \t]+/, "", h); sub(/[ \t]+#+[ \t]*$/, "", h)
      gsub(/\]\([^)]*\)/, "]", h)
      h = tolower(h)
      gsub(/[^a-z0-9 _-]/, "", h)
      gsub(/ /, "-", h)
      if (h in count) { count[h]++; print FILENAME "#" h "-" count[h] } else { count[h] = 0; print FILENAME "#" h }
    }
    {
      rest = $0
      while (match(rest, /<a (id|name)="[^"]*"/)) {
        a = substr(rest, RSTART, RLENGTH); sub(/^<a (id|name)="/, "", a); sub(/"$/, "", a)
        print FILENAME "#" a
        rest = substr(rest, RSTART + RLENGTH)
      }
    }' $files)
  # shellcheck disable=SC2086
  links=$(cd "$root" && awk '
    function emit(t) {
      sub(/^[ \t]+/, "", t); sub(/^</, "", t); sub(/>$/, "", t); sub(/[ \t]+".*$/, "", t)
      if (t == "" || t ~ /^[a-zA-Z][a-zA-Z0-9+.-]*:/) return
      print FILENAME "\t" FNR "\t" t
    }
    FNR == 1 { fence = 0 }
    /^[ \t]*(```|~~~)/ { fence = !fence; next }
    fence { next }
    {
      text = $0
      gsub(/`[^`]*`/, "", text)
      if (match(text, /^[ \t]*\[[^]]+\]:[ \t]+/)) { emit(substr(text, RLENGTH + 1)); next }
      rest = text
      while (match(rest, /\]\([^)]*\)/)) { emit(substr(rest, RSTART + 2, RLENGTH - 3)); rest = substr(rest, RSTART + RLENGTH) }
      rest = text
      while (match(rest, /(src|href)="[^"]*"/)) {
        t = substr(rest, RSTART, RLENGTH); sub(/^(src|href)="/, "", t); sub(/"$/, "", t); emit(t)
        rest = substr(rest, RSTART + RLENGTH)
      }
    }' $files)
  while IFS=$'\t' read -r file line target; do
    [ -n "$file" ] || continue
    path=${target%%#*}
    fragment=
    [ "$path" = "$target" ] || fragment=${target#*#}
    path=${path//%20/ }
    if [ -z "$path" ]; then
      resolved=$file
    elif [ "${path:0:1}" = / ]; then
      resolved=$(realpath -m --relative-to="$root" "$root/$path")
    else
      resolved=$(realpath -m --relative-to="$root" "$root/$(dirname "$file")/$path")
    fi
    if [ "${resolved:0:3}" = ../ ] || [ "$resolved" = .. ]; then
      echo "$file:$line: broken link $target (it leaves the repository)"; broken=$((broken + 1))
    elif [ ! -e "$root/$resolved" ]; then
      echo "$file:$line: broken link $target (no file $resolved)"; broken=$((broken + 1))
    elif [ -n "$fragment" ] && [ "${resolved%.md}" != "$resolved" ] && ! grep -qxF "$resolved#$fragment" <<<"$anchors"; then
      echo "$file:$line: broken link $target (no heading #$fragment in $resolved)"; broken=$((broken + 1))
    fi
  done <<<"$links"
  if [ "$broken" -gt 0 ]; then
    echo "build.sh: $broken broken link(s) in README.md and docs/ of $root" >&2
    return 1
  fi
  echo "build.sh: every link in README.md and docs/ resolves ($(grep -c . <<<"$links") checked)"
}

# What clean removes: every project's bin/ and obj/, the test results, artifacts/, and the demo's store and outputs.
clean_targets() {
  find src tests bench -type d \( -name bin -o -name obj \) -prune -print 2>/dev/null | sort
  for path in TestResults artifacts .modelops outputs; do
    [ -e "$path" ] && echo "$path"
  done
  return 0
}

cmd_clean() {
  local yes=0 targets answer
  while [ $# -gt 0 ]; do
    case "$1" in
      --yes|-y) yes=1; shift ;;
      *) die "clean: unknown option '$1' (only --yes)" ;;
    esac
  done
  targets=$(clean_targets)
  if [ -z "$targets" ]; then
    echo "build.sh: nothing to clean"
    return 0
  fi
  echo "build.sh: clean removes:"
  sed 's/^/  /' <<<"$targets"
  if [ "$yes" -eq 0 ]; then
    answer=
    # The question is printed even when the answer comes from a pipe (read -p asks only a terminal).
    printf 'Remove them? [y/N] '
    read -r answer || true
    echo
    case "$answer" in
      y|Y|yes) ;;
      *) echo "build.sh: nothing removed (answer y, or pass --yes)"; return 1 ;;
    esac
  fi
  while IFS= read -r path; do rm -rf -- "$path"; done <<<"$targets"
  echo "build.sh: cleaned"
}

usage() {
  cat <<'USAGE'
usage: ./build.sh TASK [args]

  demo [--database URL]          run the main job (the bike pipeline) on the shipped data, embedded store
  check [dotnet test args]       format check, build with analyzers, every test, as CI (CI runs it through .ci/run);
                                 ends with "N passed, N failed, N skipped"
  test [dotnet test args]        the same as check; e.g. ./build.sh test --filter FullyQualifiedName~Demo
  format                         apply dotnet format to the whole solution
  package [--output DIR]         the .NET tool package and the single-file linux-x64 binary (default DIR: artifacts/)
  docs [--links-only [DIR]]      the API reference (docfx) in artifacts/docs/ and a check of every link in docs/ and
                                 README.md; --links-only checks only the links (of DIR, default this checkout)
  clean [--yes]                  remove bin/, obj/, TestResults/, artifacts/ and the demo's .modelops/ and outputs/
                                 (asks first unless --yes)
  bench [csv|learners|shap|...]  benchmarks next to their references (docs/benchmarks.md)
  help                           this list

Each task installs what it needs first (NuGet packages; Debian packages when run as root). docs/build.md has the details.
USAGE
}

case "${1:-}" in
  demo) shift; cmd_demo "$@" ;;
  check|test) shift; cmd_check "$@" ;;
  format) shift; cmd_format "$@" ;;
  package) shift; cmd_package "$@" ;;
  docs) shift; cmd_docs "$@" ;;
  clean) shift; cmd_clean "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  help|-h|--help) usage ;;
  *) usage >&2; exit 2 ;;
esac
