#!/usr/bin/env bash
# Parquet read and write side by side with the product's CSV reader, the Parquet libraries and DuckDB, in one run;
# docs/benchmarks.md ("Parquet") explains the method.
#   bash bench/parquet.sh [--rows N] [--runs N]      (./build.sh bench parquet installs what is missing first)
# Input: bench/out/mixed_N.{csv,parquet}, one table of N rows x 20 mixed-type columns (int32, int64, double, float,
# bool, strings of low and high cardinality, date, timestamp, with nulls) made deterministically by
# `modelops-bench parquet-data` (bench/ModelOps.Bench.Datasets/BenchTable.cs). Then, each with one warm-up round and N
# timed rounds (best and median): `modelops-bench parquet` (the product's CSV and Parquet readers, ParquetSharp's and
# Parquet.Net's own column reads, the product's and Parquet.Net's writers, with correctness checks) and DuckDB
# (bench/duckdb/parquet_duckdb.mjs, 2 threads). Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=1000000
RUNS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    *) echo "usage: bench/parquet.sh [--rows N] [--runs N]" >&2; exit 2 ;;
  esac
done

OUT=bench/out
CSV="$OUT/mixed_$ROWS.csv"
PARQUET="$OUT/mixed_$ROWS.parquet"
BENCH=bench/ModelOps.Bench.Datasets/bin/Release/net10.0/modelops-bench.dll
mkdir -p "$OUT"

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
  { echo "bench/parquet.sh: node and npm are needed for DuckDB: apt-get install -y nodejs npm" >&2; exit 1; }
if [ ! -d bench/duckdb/node_modules/@duckdb/node-api ]; then
  echo "bench: installing DuckDB from npm (bench/duckdb, pinned in package-lock.json)"
  (cd bench/duckdb && npm ci --no-audit --no-fund --silent)
fi

echo "bench: building bench/ModelOps.Bench.Datasets (Release)"
dotnet build bench/ModelOps.Bench.Datasets -c Release --nologo -v quiet -clp:ErrorsOnly

if [ ! -s "$PARQUET" ] || [ ! -s "$CSV" ] || [ bench/ModelOps.Bench.Datasets/BenchTable.cs -nt "$PARQUET" ]; then
  echo "bench: generating $CSV and $PARQUET ($ROWS rows x 20 columns)"
  dotnet "$BENCH" parquet-data "$CSV" "$PARQUET" "$ROWS"
fi

# The machine's busy cores over 3 s before the run (nothing of ours runs then): /proc/stat, all but idle and iowait.
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
before=$(busy); sleep 3; idle_check=$(awk -v a="$before" -v b="$(busy)" 'BEGIN { printf "%.2f", (b - a) / 100 / 3 }')
echo "bench: other processes before the run: $idle_check cores busy"

echo "bench: .NET side ($RUNS rounds after a warm-up)"
dotnet "$BENCH" parquet "$CSV" "$PARQUET" "$OUT" --runs "$RUNS" | tee "$OUT/parquet_dotnet.txt"
echo "bench: DuckDB side ($RUNS rounds after a warm-up)"
node bench/duckdb/parquet_duckdb.mjs "$PARQUET" "$OUT/parquet_write_modelops.parquet" "$OUT/parquet_expected.json" "$OUT" --runs "$RUNS" |
  tee "$OUT/parquet_duckdb.txt"

results() { cat "$OUT/parquet_dotnet.txt" "$OUT/parquet_duckdb.txt"; }
get() { results | grep "^RESULT name=$1 " | tr ' ' '\n' | sed -n "s/^$2=//p"; }
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", b / 1048576 }'; }
row() {  # name, label, comparison
  printf '| %s | %s | %s | %s | %s | %s | %s / %s |\n' "$2" "$(get "$1" best_s)" "$(get "$1" median_s)" \
    "$(get "$1" rows_per_s | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')" "$3" "$(get "$1" cores)" "$(get "$1" others_cores)" "$(get "$1" others_cores_max)"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

csv_s=$(get csv_read best_s); ours_s=$(get parquet_read best_s); write_s=$(get parquet_write best_s)
fastest_lib_s=$(printf '%s\n' "$(get arrow_columns best_s)" "$(get arrow_columns_threads best_s)" "$(get arrow_columns_by_column best_s)" | sort -g | head -1)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo "+changes")
others_max=$(results | grep '^RESULT' | tr ' ' '\n' | sed -n 's/^others_cores_max=//p' | sort -g | tail -1)

echo
echo "## Parquet: $ROWS rows x 20 columns; CSV $(mb "$CSV") MB, Parquet $(mb "$PARQUET") MB (snappy, row groups of 122,880)"
echo
echo "Commit $commit; $(nproc) cores ($cpu), .NET $(dotnet --version), $(get duckdb_process version | sed 's/^/DuckDB /'); best of $RUNS after a warm-up."
echo "Other processes: $idle_check cores busy before the run, at most $others_max cores during any timed run."
echo
echo "| implementation | best (s) | median (s) | rows/s (best) | ratio | CPU cores used | other processes, cores (mean / max) |"
echo "|---|---:|---:|---:|---|---:|---:|"
row csv_read "ModelOps \`Dataset.ReadCsv\` → Frame (the CSV)" "reference of goal 1"
row parquet_read "ModelOps \`Dataset.ReadParquet\` → Frame" "**$(ratio "$csv_s" "$ours_s")x** the CSV reader's rows/s (goal ≥ 1)"
row arrow_columns "ParquetSharp Arrow API, column arrays only, 1 thread" "ModelOps takes $(ratio "$ours_s" "$(get arrow_columns best_s)")x its time"
row arrow_columns_threads "ParquetSharp Arrow API, column arrays only, Arrow's threads (use_threads)" "ModelOps takes $(ratio "$ours_s" "$(get arrow_columns_threads best_s)")x its time"
row arrow_columns_by_column "ParquetSharp Arrow API, column arrays only, columns over $(nproc) threads (as ModelOps reads)" "ModelOps takes $(ratio "$ours_s" "$(get arrow_columns_by_column best_s)")x its time"
row parquetsharp_logical "ParquetSharp LogicalColumnReader, .NET values (strings as .NET strings), 1 thread" ""
row parquetnet_read "Parquet.Net 6.1.0 \`ReadRawAsync\`, values + definition levels, 1 thread" "$(ratio "$(get arrow_columns best_s)" "$(get parquetnet_read best_s)")x ParquetSharp Arrow's rows/s (both 1 thread)"
row parquetnet_frame "Parquet.Net 6.1.0 \`ReadRawAsync\` → the same Frame, columns over $(nproc) threads (bench code, as ModelOps reads)" "ModelOps: $(ratio "$(get parquetnet_frame best_s)" "$ours_s")x its rows/s"
row duckdb_read "DuckDB \`CREATE TABLE t AS SELECT * FROM read_parquet(...)\`, 2 threads" "ModelOps: $(ratio "$(get duckdb_read best_s)" "$ours_s")x its rows/s"
row parquet_write "ModelOps \`Dataset.WriteParquet\` (snappy; flushed to disk, renamed)" "**$(ratio "$(get duckdb_write best_s)" "$write_s")x** DuckDB's rows/s (goal ≥ 1)"
row parquetnet_write "Parquet.Net 6.1.0 \`WriteAllPartsAsync\` (snappy; flushed to disk, renamed)" "ModelOps: $(ratio "$(get parquetnet_write best_s)" "$write_s")x its rows/s"
row duckdb_write "DuckDB \`COPY w TO ... (FORMAT parquet, COMPRESSION snappy)\`, the product's types, 2 threads" "reference of goal 3"
row duckdb_write_input_types "DuckDB, the same COPY of the input's types (int32, float, date as well)" ""
echo
echo "Conversion into frames: ModelOps takes **$(ratio "$ours_s" "$fastest_lib_s")x** the time of ParquetSharp's fastest column read above (goal ≤ 1.25)."
checks=$(results | grep -c '^CHECK .*: ok' || true); failed=$(results | grep -c '^CHECK .*FAILED' || true)
echo "Checks: $checks passed, $failed failed (lines starting with CHECK above)."
if awk -v m="$others_max" 'BEGIN { exit !(m > 0.1) }'; then
  echo
  echo "WARNING: other processes used up to $others_max cores during a timed run: these figures are disturbed, run again on an idle machine."
fi
[ "$failed" -eq 0 ]
