#!/usr/bin/env bash
# Store benchmark: metrics logged per second and registration latency on SQLite (a temp file)
# and on a throw-away PostgreSQL 15 server started here on a free port of 127.0.0.1 (as the
# postgres user when run as root) and stopped at the end. Prints a Markdown table.
#   bench/store.sh            (./build.sh bench runs it too)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/postgres.sh
pg_require bench/store.sh

WORK=$(mktemp -d /tmp/modelops-bench-store-XXXXXX)
cleanup() {
  pg_stop "$WORK"
  rm -rf "$WORK"
}
trap cleanup EXIT

pg_start "$WORK"

dotnet build bench/ModelOps.Bench.Store -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet bench/ModelOps.Bench.Store/bin/Release/net10.0/ModelOps.Bench.Store.dll \
  "SQLite (WAL, file)=$WORK/sqlite/modelops.db" \
  "PostgreSQL 15 (local, 127.0.0.1)=$PG_URL"
