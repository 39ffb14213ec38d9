#!/usr/bin/env bash
# Store benchmark: metrics logged per second and registration latency on SQLite (a temp file)
# and on a throw-away PostgreSQL 15 server started here on a free port of 127.0.0.1 (as the
# postgres user when run as root) and stopped at the end. Prints a Markdown table.
#   bench/store.sh            (./build.sh bench runs it too)
set -euo pipefail
cd "$(dirname "$0")/.."
PG_BIN=${MODELOPS_PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$PG_BIN/initdb" ] || { echo "bench/store.sh: $PG_BIN/initdb not found; run: apt-get install -y postgresql-15" >&2; exit 1; }

WORK=$(mktemp -d /tmp/modelops-bench-store-XXXXXX)
chmod 755 "$WORK"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$WORK"
as_postgres "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres -E UTF8 --locale=C >/dev/null
# Default durability settings (fsync on), like a real server; only the socket and port are ours.
as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -k $WORK" start >/dev/null
as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres modelops_bench

dotnet build bench/ModelOps.Bench.Store -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet bench/ModelOps.Bench.Store/bin/Release/net10.0/ModelOps.Bench.Store.dll \
  "SQLite (WAL, file)=$WORK/sqlite/modelops.db" \
  "PostgreSQL 15 (local, 127.0.0.1)=postgresql://postgres@127.0.0.1:$PORT/modelops_bench"
