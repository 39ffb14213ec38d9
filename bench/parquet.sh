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
# The figure a comparison uses: the best undisturbed run (other processes under 0.1 cores), else the best run.
pick() { if [ "$(get "$1" idle_runs)" -gt 0 ]; then get "$1" best_idle_s; else get "$1" best_s; fi; }
mark() { [ "$(get "$1" idle_runs)" -gt 0 ] || printf ' (disturbed)'; }
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", b / 1048576 }'; }
commas() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
row() {  # name, label, comparison
  local idle="-"
  [ "$(get "$1" idle_runs)" -gt 0 ] && idle="$(get "$1" best_idle_s) ($(get "$1" idle_runs))"
  printf '| %s | %s | %s | %s | %s%s | %s | %s | %s / %s |\n' "$2" "$(get "$1" best_s)" "$(get "$1" median_s)" "$idle" \
    "$(awk -v r="$(get "$1" rows)" -v s="$(pick "$1")" 'BEGIN { printf "%.0f", r / s }' | commas)" "$(mark "$1")" "$3" \
    "$(get "$1" cores)" "$(get "$1" others_cores)" "$(get "$1" others_cores_max)"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

csv_s=$(pick csv_read); ours_s=$(pick parquet_read); write_s=$(pick parquet_write)
fastest_lib=$(for n in arrow_columns arrow_columns_threads arrow_columns_by_column; do echo "$(pick $n) $n"; done | sort -g | head -1)
fastest_lib_s=${fastest_lib% *}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo "+changes")
others_max=$(results | grep '^RESULT' | tr ' ' '\n' | sed -n 's/^others_cores_max=//p' | sort -g | tail -1)

echo
echo "## Parquet: $ROWS rows x 20 columns; CSV $(mb "$CSV") MB, Parquet $(mb "$PARQUET") MB (snappy, row groups of 122,880)"
echo
echo "Commit $commit; $(nproc) cores ($cpu), .NET $(dotnet --version), $(get duckdb_process version | sed 's/^/DuckDB /'); $RUNS rounds after a warm-up."
echo "Other processes: $idle_check cores busy before the run, at most $others_max cores during any timed run. Rows/s and ratios"
echo "use each line's best undisturbed run (other processes under 0.1 cores; how many in brackets), else its best run."
echo
echo "| implementation | best (s) | median (s) | best undisturbed (s) | rows/s | ratio | CPU cores used | other processes, cores (mean / max) |"
echo "|---|---:|---:|---:|---:|---|---:|---:|"
row csv_read "ModelOps \`Dataset.ReadCsv\` → Frame (the CSV)" "reference of goal 1"
row parquet_read "ModelOps \`Dataset.ReadParquet\` → Frame" "**$(ratio "$csv_s" "$ours_s")x** the CSV reader's rows/s (goal ≥ 1)"
row arrow_columns "ParquetSharp Arrow API, column arrays only, 1 thread" "ModelOps takes $(ratio "$ours_s" "$(pick arrow_columns)")x its time"
row arrow_columns_threads "ParquetSharp Arrow API, column arrays only, Arrow's threads (use_threads)" "ModelOps takes $(ratio "$ours_s" "$(pick arrow_columns_threads)")x its time"
row arrow_columns_by_column "ParquetSharp Arrow API, column arrays only, columns over $(nproc) threads (as ModelOps reads)" "ModelOps takes $(ratio "$ours_s" "$(pick arrow_columns_by_column)")x its time"
row arrow_columns_kept "ParquetSharp Arrow API, the same reads with every batch kept until the file is read (all the data held, as a frame holds it; context, not goal 2's reference)" "ModelOps takes $(ratio "$ours_s" "$(pick arrow_columns_kept)")x its time"
row parquetsharp_logical "ParquetSharp LogicalColumnReader, .NET values (strings as .NET strings), 1 thread" ""
row parquetnet_read "Parquet.Net 6.1.0 \`ReadRawAsync\`, values + definition levels, 1 thread" "$(ratio "$(pick arrow_columns)" "$(pick parquetnet_read)")x ParquetSharp Arrow's rows/s (both 1 thread)"
row parquetnet_frame "Parquet.Net 6.1.0 \`ReadRawAsync\` → the same Frame, columns over $(nproc) threads (bench code, as ModelOps reads)" "ModelOps: $(ratio "$(pick parquetnet_frame)" "$ours_s")x its rows/s"
row duckdb_read "DuckDB \`CREATE TABLE t AS SELECT * FROM read_parquet(...)\`, 2 threads" "ModelOps: $(ratio "$(pick duckdb_read)" "$ours_s")x its rows/s"
row parquet_write "ModelOps \`Dataset.WriteParquet\` (snappy; flushed to disk, renamed)" "**$(ratio "$(pick duckdb_write)" "$write_s")x** DuckDB's rows/s (goal ≥ 1)"
row file_io "(the I/O alone: ModelOps' file, already encoded, written to a new file and flushed to disk)" ""
row parquetnet_write "Parquet.Net 6.1.0 \`WriteAllPartsAsync\` (snappy; flushed to disk, renamed)" "ModelOps: $(ratio "$(pick parquetnet_write)" "$write_s")x its rows/s"
row duckdb_write "DuckDB \`COPY w TO ... (FORMAT parquet, COMPRESSION snappy)\`, the product's types, 2 threads" "reference of goal 3"
row duckdb_write_input_types "DuckDB, the same COPY of the input's types (int32, float, date as well)" ""
echo
echo "Conversion into frames: ModelOps takes **$(ratio "$ours_s" "$fastest_lib_s")x** the time of ParquetSharp's fastest column read above ($(echo "$fastest_lib" | cut -d' ' -f2); goal ≤ 1.25)."
echo "Files written: ModelOps $(mb "$OUT/parquet_write_modelops.parquet") MB, Parquet.Net $(mb "$OUT/parquet_write_parquetnet.parquet") MB, DuckDB $(mb "$OUT/parquet_write_duckdb.parquet") MB."
checks=$(results | grep -c '^CHECK .*: ok' || true); failed=$(results | grep -c '^CHECK .*FAILED' || true)
echo "Checks: $checks passed, $failed failed (lines starting with CHECK above)."
disturbed=$(for n in csv_read parquet_read arrow_columns_by_column parquet_write duckdb_write; do [ "$(get $n idle_runs)" -gt 0 ] || echo $n; done | tr '\n' ' ')
if [ -n "$disturbed" ]; then
  echo
  echo "WARNING: no undisturbed run of: $disturbed(other processes used up to $others_max cores): run again on an idle machine."
fi
[ "$failed" -eq 0 ]
