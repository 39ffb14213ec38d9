#!/usr/bin/env bash
# Hub benchmark: single-record predict (exact SHAP + inference logging) on the bike
# gradient-boosting model of configs/bike/training.yaml (300 trees) through the real 'modelops serve', on SQLite (a temp file;
# the hub's default, synchronous=normal with background checkpoints: no fsync in any commit; then
# synchronous=full with automatic checkpoints: an fsync in every commit; then synchronous=normal with
# automatic checkpoints: the commit that fills the log copies it and waits for the fsyncs) and on a
# throw-away PostgreSQL 15 server (default durability), measured with wrk next to /health in the
# same run, after a warm-up of predict load (20 s: the runtime's tiered JIT keeps recompiling the
# hot paths for 10-15 s of load, measured by the CPU time of its thread). Prints a Markdown table.
#   bench/hub.sh [--duration 10s] [--warmup 20s] [--connections 32] [--only sqlite|postgresql]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=10s
WARMUP=20s
CONNECTIONS=32
ONLY=
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "bench/hub.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "bench/hub.sh: wrk not found; run: apt-get install -y wrk" >&2; exit 1; }
source bench/lib/postgres.sh
pg_require bench/hub.sh

WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/modelops-bench-hub-XXXXXX")
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  pg_stop "$WORK"
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build src/ModelOps.Cli -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet build bench/hub-setup -c Release --nologo -v quiet -clp:ErrorsOnly
MODELOPS="dotnet src/ModelOps.Cli/bin/Release/net10.0/modelops.dll"
SETUP="dotnet bench/hub-setup/bin/Release/net10.0/hub-setup.dll"

pg_start "$WORK"

cat > "$WORK/predict.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("HUB_TOKEN")
wrk.body = '{"record":{"season":3,"yr":1,"mnth":7,"hr":17,"holiday":0,"weekday":4,"workingday":1,"weathersit":1,"temp":0.72,"atemp":0.66,"hum":0.45,"windspeed":0.2239}}'
LUA
sed 's/{"record"/{"explain":false,"record"/' "$WORK/predict.lua" > "$WORK/predict-noshap.lua"

# Requests/s, p50 and p99 (ms) of one wrk run.
measure() {
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  echo "$out" >> "$WORK/wrk.log"
  echo "$out" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50.000%" || $1 == "50%" { p50 = ms($2) }
    $1 == "99.000%" || $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f | %.2f | %.2f | %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }'
}

echo "| database | endpoint | requests/s | p50 ms | p99 ms | non-2xx |"
echo "|---|---|---:|---:|---:|---:|"
# Labels and database URLs in two arrays, paired by index: a URL holds '=' and '&' (and a label
# may too), so no separator inside one string can split them safely. Cutting "label=url" at an
# '=' once passed half a URL to the hub as a file path, and the file it created got committed.
NAMES=("SQLite (WAL, file; the hub's default: synchronous normal, background checkpoints)"
       "SQLite (WAL, file, synchronous full, automatic checkpoints)"
       "SQLite (WAL, file, synchronous normal, automatic checkpoints)"
       "PostgreSQL 15 (local)")
DATABASES=("$WORK/sqlite/modelops.db"
           "sqlite://$WORK/sqlite-full/modelops.db?synchronous=full&checkpoint=auto"
           "sqlite://$WORK/sqlite-normal/modelops.db?synchronous=normal&checkpoint=auto"
           "$PG_URL")
[ ${#NAMES[@]} -eq ${#DATABASES[@]} ] || { echo "bench/hub.sh: ${#NAMES[@]} labels for ${#DATABASES[@]} databases" >&2; exit 1; }
for i in "${!DATABASES[@]}"; do
  NAME=${NAMES[$i]}
  DB=${DATABASES[$i]}
  case "$ONLY:$DB" in
    sqlite:postgresql*|postgresql:/*|postgresql:sqlite:*) continue ;;
  esac
  export HUB_TOKEN
  HUB_TOKEN=$($SETUP "$DB" "$PWD" "$WORK/artifacts" 2>/dev/null)
  $MODELOPS serve --urls http://127.0.0.1:0 --database "$DB" > "$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do grep -q "Listening on" "$WORK/serve.log" && break; sleep 0.1; done
  URL=$(sed -n 's/^Listening on //p' "$WORK/serve.log" | head -1)
  wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s "$WORK/predict.lua" "$URL/api/groups/bike/predict" >/dev/null   # warm-up
  echo "| $NAME | GET /health | $(measure "$URL/health") |"
  echo "| $NAME | POST predict (1 record, SHAP, logged) | $(measure -s "$WORK/predict.lua" "$URL/api/groups/bike/predict") |"
  echo "| $NAME | POST predict (1 record, explain=false, logged) | $(measure -s "$WORK/predict-noshap.lua" "$URL/api/groups/bike/predict") |"
  curl -s "$URL/health" > "$WORK/health.json"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
  echo "  (log counters after the run: $(cat "$WORK/health.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["log"])'))" >&2
done
