#!/usr/bin/env bash
# Benchmarks side by side with their references; docs/benchmarks.md explains the method.
#   bash bench/csv.sh [--runs N]      (./build.sh bench [--runs N] installs what is missing first)
# CSV read: bench/out/hour_1m.csv (data/bike_sharing/hour.csv replicated to 1,000,000 rows, `instant`
# renumbered 1..N) read into a Frame by ModelOps.Bench.Datasets and by pandas.read_csv, same protocol:
# one warm-up run, then N timed runs, best and median. Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    *) echo "usage: bench/csv.sh [--runs N]" >&2; exit 2 ;;
  esac
done

OUT=bench/out
PY=/usr/bin/python3   # Debian's interpreter, which has python3-pandas (the python3 on PATH may not)
ROWS=1000000
CSV="$OUT/hour_1m.csv"
mkdir -p "$OUT"

if [ ! -s "$CSV" ] || [ "$(wc -l < "$CSV")" -ne $((ROWS + 1)) ]; then
  echo "bench: generating $CSV ($ROWS rows from data/bike_sharing/hour.csv)"
  awk -v rows="$ROWS" '
    NR == 1 { header = $0; next }
    { sub(/^[^,]*/, ""); rest[n++] = $0 }
    END {
      print header
      for (i = 0; i < rows; i++) print (i + 1) rest[i % n]
    }' data/bike_sharing/hour.csv > "$CSV.tmp"
  mv "$CSV.tmp" "$CSV"
fi

echo "bench: building bench/ModelOps.Bench.Datasets (Release)"
dotnet build bench/ModelOps.Bench.Datasets -c Release --nologo -v quiet -clp:ErrorsOnly

echo "bench: csv read, ModelOps ($RUNS runs after a warm-up)"
dotnet bench/ModelOps.Bench.Datasets/bin/Release/net10.0/modelops-bench.dll csv "$CSV" --runs "$RUNS" | tee "$OUT/csv_modelops.txt"

# OpenBLAS tuning variables do not matter to read_csv; drop them (only if set, only for pandas).
UNSET=()
if [ -n "${OPENBLAS_CORETYPE+x}" ]; then UNSET+=(-u OPENBLAS_CORETYPE); fi
if [ -n "${OPENBLAS_L2_SIZE+x}" ]; then UNSET+=(-u OPENBLAS_L2_SIZE); fi
echo "bench: csv read, pandas ($RUNS runs after a warm-up)"
env ${UNSET[@]+"${UNSET[@]}"} "$PY" bench/csv_pandas.py "$CSV" --runs "$RUNS" | tee "$OUT/csv_pandas.txt"

field() { grep '^RESULT' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
ours=$(field "$OUT/csv_modelops.txt" rows_per_s)
theirs=$(field "$OUT/csv_pandas.txt" rows_per_s)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)

echo
echo "## CSV read: $(basename "$CSV"), $ROWS rows x 17 columns, $(du -m "$CSV" | cut -f1) MB"
echo
echo "Machine: $(nproc) cores ($cpu), .NET $(dotnet --version), pandas $(field "$OUT/csv_pandas.txt" version)"
echo
echo "| reader | best (s) | median (s) | rows/s (best) | peak RSS (MB) |"
echo "|---|---:|---:|---:|---:|"
printf '| ModelOps `Dataset.ReadCsv` | %s | %s | %s | %s |\n' "$(field "$OUT/csv_modelops.txt" best_s)" "$(field "$OUT/csv_modelops.txt" median_s)" "$ours" "$(field "$OUT/csv_modelops.txt" peak_rss_mb)"
printf '| pandas `read_csv` | %s | %s | %s | %s |\n' "$(field "$OUT/csv_pandas.txt" best_s)" "$(field "$OUT/csv_pandas.txt" median_s)" "$theirs" "$(field "$OUT/csv_pandas.txt" peak_rss_mb)"
echo
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "Ratio ours/pandas (rows/s, best run): **%.2f** (higher is faster)\n", a / b }'
