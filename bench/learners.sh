#!/usr/bin/env bash
# Learners benchmark: ModelOps next to scikit-learn 1.2.1 and XGBoost 1.7 (Debian), same data and
# hyper-parameters, same run, 2 threads each. Prints markdown tables for docs/benchmarks.md.
# Usage: bench/learners.sh [--rows N]   (synthetic rows, default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=1000000
[ "${1:-}" = "--rows" ] && ROWS=$2
OUT=bench/out
mkdir -p "$OUT"
export OMP_NUM_THREADS=2 DOTNET_gcServer=0
dotnet build bench/ModelOps.Bench.Learners -c Release --nologo -v quiet -clp:ErrorsOnly
OURS="dotnet bench/ModelOps.Bench.Learners/bin/Release/net10.0/ModelOps.Bench.Learners.dll"
# OpenBLAS core-type overrides slow numpy; they are irrelevant to these estimators' kernels but unset them here only.
REF="env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/learners_reference.py"
for mode in quality speed; do
  $OURS $mode --rows "$ROWS" > "$OUT/learners-$mode-ours.jsonl"
  $REF $mode --rows "$ROWS" > "$OUT/learners-$mode-reference.jsonl"
done
/usr/bin/python3 bench/learners_report.py "$OUT" "$ROWS"
