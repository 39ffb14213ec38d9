# A throw-away PostgreSQL 15 server for the bench scripts (sourced, not run): started on a free port of 127.0.0.1
# with its data and socket under the script's work folder (as the postgres user when run as root: PostgreSQL refuses
# root), with the server's default durability settings (fsync on), like a real server, and a database
# modelops_bench; stopped by pg_stop from the script's exit trap.
#   source bench/lib/postgres.sh
#   pg_require SCRIPT     exits with the install command when PostgreSQL 15 is missing
#   pg_start WORK         sets PG_URL (postgresql://postgres@127.0.0.1:PORT/modelops_bench)
#   pg_stop WORK
PG_BIN=${MODELOPS_PG_BIN:-/usr/lib/postgresql/15/bin}

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_require() {
  [ -x "$PG_BIN/initdb" ] || { echo "$1: $PG_BIN/initdb not found; run: apt-get install -y postgresql-15" >&2; exit 1; }
}

pg_start() {
  local work=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  chmod 755 "$work"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$work"
  as_postgres "$PG_BIN/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 --locale=C >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-p $port -c listen_addresses=127.0.0.1 -k $work" start >/dev/null
  as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres modelops_bench
  PG_URL="postgresql://postgres@127.0.0.1:$port/modelops_bench"
}

pg_stop() {
  as_postgres "$PG_BIN/pg_ctl" -D "$1/pg" -m immediate -w stop >/dev/null 2>&1 || true
}
