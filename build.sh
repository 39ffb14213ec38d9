#!/usr/bin/env bash
# ModelOps build script: one entry point for a newcomer, CI and benchmarks.
#   ./build.sh demo    run the main job on the shipped data (embedded store)
#   ./build.sh test    format check, build, every test; ends with "N passed, N failed, N skipped"
#   ./build.sh bench   benchmarks side by side with their references; see docs/benchmarks.md
# Each command installs what is missing first: NuGet packages always, Debian packages when
# run as root (otherwise it prints the exact command to run and stops).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages each command needs. The store tests and benchmarks start a throw-away
# PostgreSQL 15 server (initdb, pg_ctl), the UI tests drive Debian's Chromium (Playwright, no browser
# download) and the Kafka tests use kcat as an independent Kafka client; the reference
# implementations are only needed to regenerate fixtures (tests/fixtures/generate.sh) and for benchmarks.
TEST_DEBS=(postgresql-15 chromium kcat)
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

cmd_test() {
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

case "${1:-}" in
  demo) shift; cmd_demo "$@" ;;
  test) shift; cmd_test "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  *) echo "usage: ./build.sh demo|test|bench [args]"; exit 2 ;;
esac
