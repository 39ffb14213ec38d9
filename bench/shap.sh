#!/usr/bin/env bash
# SHAP benchmark: ModelOps TreeSHAP (one-shot and prepared) next to XGBoost's pred_contribs on the
# same model (XGBoost trains it; ModelOps imports the JSON), same rows, 1 and 2 threads, and one-row
# latency; then the bike model of configs/bike/training.yaml served by a prepared explainer.
# Prints markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
mkdir -p "$OUT"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/shap_reference.py > "$OUT/shap-reference.jsonl"
dotnet build bench/ModelOps.Bench.Learners -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet bench/ModelOps.Bench.Learners/bin/Release/net10.0/ModelOps.Bench.Learners.dll shap > "$OUT/shap-ours.jsonl"
/usr/bin/python3 - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
load = lambda name: [json.loads(line) for line in open(os.path.join(out, name))]
ours, ref = load("shap-ours.jsonl"), load("shap-reference.jsonl")
get = lambda name, metric: [r["value"] for r in ours if r["name"] == name and r["metric"] == metric][0]
# SHAP_BENCH=bike runs only the bike part (no XGBoost rows then).
if any(r["name"].startswith("xgboost") for r in ours):
    print("XGBoost-trained model (300 trees of depth 6), 17,379 rows:\n")
    print("| threads | ModelOps one-shot rows/s | ModelOps prepared rows/s | XGBoost pred_contribs rows/s | prepared / XGBoost |")
    print("|---:|---:|---:|---:|---:|")
    for threads in (1, 2):
        suffix = f"{threads} thread" + ("s" if threads > 1 else "")
        x = [r["value"] for r in ref if r["name"].endswith(suffix)][0]
        one, prep = get(f"xgboost one-shot, {suffix}", "rows_per_second"), get(f"xgboost prepared, {suffix}", "rows_per_second")
        print(f"| {threads} | {one:,.0f} | {prep:,.0f} | {x:,.0f} | {prep / x:.2f}x |")
    print(f"\nOne row (prepared, span overload): mean {get('xgboost, 1 row', 'mean_microseconds'):.0f} us, "
          f"p50 {get('xgboost, 1 row', 'p50_microseconds'):.0f} us, p99 {get('xgboost, 1 row', 'p99_microseconds'):.0f} us.")
    print(f"Largest |ModelOps - XGBoost| over the first 200 rows' contributions: {get('xgboost', 'max_abs_difference'):.2e}")
print("\nBike model of configs/bike/training.yaml (GradientBoostingRegressor, 300 iterations, 31 leaves):\n")
print(f"One-shot ShapExplainer.Explain(model, 1 row): {1000 * get('bike one-shot, 1 row', 'seconds'):.1f} ms; "
      f"1,000 rows: {get('bike one-shot, 1,000 rows', 'rows_per_second'):,.0f} rows/s\n")
print("| prepared | tables MB | prepare ms | 1 row mean us | p50 us | p99 us | 1-row frame us | 1,000 rows, 1 thread rows/s | 2 threads rows/s | 8-row batches us/row, warm | after 4 MB of other traffic |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for label in ("linear", "auto"):
    n = f"bike prepared {label}"
    print(f"| {label} | {get(n, 'table_megabytes'):.1f} | {1000 * get(n, 'prepare_seconds'):.1f} | {get(n + ', 1 row', 'mean_microseconds'):.0f} | "
          f"{get(n + ', 1 row', 'p50_microseconds'):.0f} | {get(n + ', 1 row', 'p99_microseconds'):.0f} | "
          f"{get(n + ', 1-row frame (pipeline + SHAP)', 'microseconds'):.0f} | {get(n + ', 1,000 rows, 1 thread', 'rows_per_second'):,.0f} | "
          f"{get(n + ', 1,000 rows, 2 threads', 'rows_per_second'):,.0f} | "
          f"{get(n + ', 8-row batches, warm', 'microseconds_per_row'):.0f} | "
          f"{get(n + ', 8-row batches after 4 MB of other traffic', 'microseconds_per_row'):.0f} |")
PY
