#!/usr/bin/env bash
# SHAP benchmark: ModelOps TreeSHAP (one-shot and prepared) next to XGBoost's pred_contribs and
# LightGBM's pred_contrib, each on its own trees: XGBoost trains one model (ModelOps imports its JSON),
# LightGBM another on the same rows (ModelOps reads its model file), so every ratio compares the same
# trees; then the bike model of configs/bike/training.yaml served by a prepared explainer.
# Speed: --rounds rounds (default 3); in each round, for 1 and then 2 threads, the .NET process (ModelOps
# on both models and LightGBM, cases alternating) and the Python process (XGBoost) run one after the
# other, which goes first turning each round. Threads pinned: DOTNET_PROCESSOR_COUNT and OMP_NUM_THREADS
# for both processes, and each tool's own option (maxDegreeOfParallelism, num_threads, nthread).
# Prints markdown tables (min and median of the rounds).
# Usage: bench/shap.sh [--rounds N] [--threads "1 2"]
#   SHAP_BENCH=bike: the serving case only
#   BENCH_LOCK=FILE: take flock FILE around each process (a machine shared with other benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=3 THREADS="1 2"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    *) echo "usage: bench/shap.sh [--rounds N] [--threads \"1 2\"]" >&2; exit 2 ;;
  esac
done
OUT=bench/out
mkdir -p "$OUT"
LOCK=()
[ -n "${BENCH_LOCK:-}" ] && LOCK=(flock "$BENCH_LOCK")
"${LOCK[@]}" dotnet build bench/ModelOps.Bench.Learners -c Release --nologo -v quiet -clp:ErrorsOnly >&2   # stdout is the report
OURS=(dotnet bench/ModelOps.Bench.Learners/bin/Release/net10.0/ModelOps.Bench.Learners.dll)
# OpenBLAS core-type overrides slow numpy; unset them here only.
REF=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/shap_reference.py)

ROUNDS_FILE="$OUT/shap-rounds.jsonl"
rm -f "$ROUNDS_FILE" "$OUT/shap-checks.jsonl"   # a bike-only run reports no stale figures
if [ "${SHAP_BENCH:-}" != bike ]; then
  "${LOCK[@]}" env OMP_NUM_THREADS=2 "${REF[@]}" train > "$OUT/shap-checks.jsonl"
  "${LOCK[@]}" env DOTNET_PROCESSOR_COUNT=2 OMP_NUM_THREADS=2 "${OURS[@]}" shap-setup >> "$OUT/shap-checks.jsonl"
  for round in $(seq 1 "$ROUNDS"); do
    for threads in $THREADS; do
      pin=(env DOTNET_PROCESSOR_COUNT="$threads" OMP_NUM_THREADS="$threads")
      ours() { "${LOCK[@]}" "${pin[@]}" "${OURS[@]}" shap-round --threads "$threads" --round "$round" >> "$ROUNDS_FILE"; }
      reference() { "${LOCK[@]}" "${pin[@]}" "${REF[@]}" round --threads "$threads" --round "$round" >> "$ROUNDS_FILE"; }
      if [ $((round % 2)) -eq 1 ]; then ours; reference; else reference; ours; fi
      echo "round $round, $threads thread(s) done" >&2
    done
  done
fi
"${LOCK[@]}" env DOTNET_PROCESSOR_COUNT=2 "${OURS[@]}" shap > "$OUT/shap-ours.jsonl"
/usr/bin/python3 bench/shap_report.py "$OUT" "$ROUNDS"
