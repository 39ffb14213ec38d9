#!/usr/bin/env bash
# Learners benchmark: ModelOps next to LightGBM 4.7.0 (its C API, in the same .NET process), ML.NET 6.0
# FastTree and LightGbm, scikit-learn 1.2.1 and XGBoost 1.7 (Debian), same data and hyper-parameters.
# Speed: --rounds rounds (default 3); in each round, for 1 and then 2 threads, the .NET process (ModelOps,
# LightGBM, ML.NET, tools alternating) and the Python process (scikit-learn, XGBoost) run one after the
# other, which goes first turning each round. Threads are pinned: DOTNET_PROCESSOR_COUNT and
# OMP_NUM_THREADS for both processes, and each tool's own option (num_threads, NumberOfThreads, n_jobs).
# Prints markdown tables (min and median of the rounds, wall and CPU seconds) for docs/benchmarks.md.
# Usage: bench/learners.sh [--rows N] [--rounds N] [--threads "1 2"] [--repeats N] [--forest | --forest-only] [--no-quality]
#   --rows: synthetic training rows (default 1,000,000; rows / 5 more are the test rows)
#   --repeats: fits of each tool a round (default 5 on the bike data, 1 on the synthetic data)
#   --forest: the random forests too (ModelOps's, LightGBM's boosting=rf and scikit-learn's exact-split forest,
#             which takes minutes on 1M rows); --forest-only: the forests without the boosters
#   BENCH_LOCK=FILE: take flock FILE around each process (a machine shared with other benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=1000000 ROUNDS=3 THREADS="1 2" FOREST=() QUALITY=1 REPEATS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --repeats) REPEATS=(--repeats "$2"); shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --forest) FOREST=(--forest); shift ;;
    --forest-only) FOREST=(--forest --no-boosting); shift ;;
    --no-quality) QUALITY=""; shift ;;
    *) echo "usage: bench/learners.sh [--rows N] [--rounds N] [--threads \"1 2\"] [--repeats N] [--forest | --forest-only] [--no-quality]" >&2; exit 2 ;;
  esac
done
OUT=bench/out
mkdir -p "$OUT"
LOCK=()
[ -n "${BENCH_LOCK:-}" ] && LOCK=(flock "$BENCH_LOCK")
export DOTNET_gcServer=0
"${LOCK[@]}" dotnet build bench/ModelOps.Bench.Learners -c Release --nologo -v quiet -clp:ErrorsOnly >&2   # stdout is the report
OURS=(dotnet bench/ModelOps.Bench.Learners/bin/Release/net10.0/ModelOps.Bench.Learners.dll)
# OpenBLAS core-type overrides slow numpy; they are irrelevant to these estimators' kernels but unset them here only.
REF=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/learners_reference.py)

if [ -n "$QUALITY" ]; then
  "${LOCK[@]}" env OMP_NUM_THREADS=2 "${OURS[@]}" quality > "$OUT/learners-quality-ours.jsonl"
  "${LOCK[@]}" env OMP_NUM_THREADS=2 "${REF[@]}" quality > "$OUT/learners-quality-reference.jsonl"
fi

SPEED="$OUT/learners-speed.jsonl"
: > "$SPEED"
for round in $(seq 1 "$ROUNDS"); do
  for threads in $THREADS; do
    pin=(env DOTNET_PROCESSOR_COUNT="$threads" OMP_NUM_THREADS="$threads")
    ours() { "${LOCK[@]}" "${pin[@]}" "${OURS[@]}" speed --rows "$ROWS" --threads "$threads" --round "$round" "${FOREST[@]}" "${REPEATS[@]}" >> "$SPEED"; }
    reference() { "${LOCK[@]}" "${pin[@]}" "${REF[@]}" speed --rows "$ROWS" --threads "$threads" --round "$round" "${FOREST[@]}" "${REPEATS[@]}" >> "$SPEED"; }
    if [ $((round % 2)) -eq 1 ]; then ours; reference; else reference; ours; fi
    echo "round $round, $threads thread(s) done" >&2
  done
done
/usr/bin/python3 bench/learners_report.py "$OUT" "$ROWS" "$ROUNDS"
