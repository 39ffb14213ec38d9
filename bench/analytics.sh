#!/usr/bin/env bash
# Analytics benchmark: a group with ROWS logged rows (default 10,000,000: 5,000,000 requests scored by the champion or
# the challenger and by a shadow) over 8 days, written through the store with their statistics, 100,000 of them labelled;
# the bytes one 7-day report allocates in process (store read + report); then GET /api/groups/bench/analytics of a 7-day
# window from the real 'modelops serve': one call at a time and 8 at once (latency percentiles, the hub's resident memory
# before and at its peak), and on a 12-hour window the report from the statistics next to exact=true (from the rows) in
# the same run. On SQLite (a temp file) and on a throw-away
# PostgreSQL 15 server. Prints a Markdown table.
#   bench/analytics.sh [--rows N] [--calls N] [--only sqlite|postgresql]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=10000000
CALLS=100
ONLY=
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --calls) CALLS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "bench/analytics.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
source bench/lib/postgres.sh
pg_require bench/analytics.sh

WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/modelops-bench-analytics-XXXXXX")
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  pg_stop "$WORK"
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build src/ModelOps.Cli -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet build bench/ModelOps.Bench.Analytics -c Release --nologo -v quiet -clp:ErrorsOnly
MODELOPS="dotnet src/ModelOps.Cli/bin/Release/net10.0/modelops.dll"
BENCH="dotnet bench/ModelOps.Bench.Analytics/bin/Release/net10.0/ModelOps.Bench.Analytics.dll"

pg_start "$WORK"
# 100,000 labelled requests, or every request of a smaller log (two rows a request).
LABELS=$(( ROWS / 2 < 100000 ? ROWS / 2 : 100000 ))

echo "| database | call | p50 ms | p99 ms | hub memory |"
echo "|---|---|---:|---:|---|"
NAMES=("SQLite (WAL, file)" "PostgreSQL 15 (local)")
DATABASES=("$WORK/sqlite/modelops.db" "$PG_URL")
for i in "${!DATABASES[@]}"; do
  DB=${DATABASES[$i]}
  case "$ONLY:$DB" in
    sqlite:postgresql*|postgresql:/*) continue ;;
  esac
  TOKEN=$($BENCH fill "$DB" "$PWD" "$WORK/artifacts" "$ROWS" 8 "$LABELS")
  $BENCH allocations "$DB" 50 | sed "s/^| /| ${NAMES[$i]} | /"
  $MODELOPS serve --urls http://127.0.0.1:0 --database "$DB" > "$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do grep -q "Listening on" "$WORK/serve.log" && break; sleep 0.1; done
  URL=$(sed -n 's/^Listening on //p' "$WORK/serve.log" | head -1)
  # dotnet runs modelops.dll as the server process itself: its memory is the hub's.
  $BENCH query "$URL" "$TOKEN" "$SERVER" "$CALLS" | sed "s/^| /| ${NAMES[$i]} | /"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
done
