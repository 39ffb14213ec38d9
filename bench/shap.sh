#!/usr/bin/env bash
# SHAP benchmark: ModelOps TreeSHAP next to XGBoost's pred_contribs on the same model (XGBoost
# trains it; ModelOps imports the JSON), same rows, 1 and 2 threads. Prints a markdown table.
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
check = [r for r in ours if r["metric"] == "max_abs_difference"][0]["value"]
print("| threads | ModelOps TreeSHAP rows/s | XGBoost pred_contribs rows/s | ratio |")
print("|---:|---:|---:|---:|")
for threads in (1, 2):
    o = [r["value"] for r in ours if r["metric"] == "rows_per_second" and r["name"].endswith(f"{threads} thread" + ("s" if threads > 1 else ""))][0]
    x = [r["value"] for r in ref if r["name"].endswith(f"{threads} thread" + ("s" if threads > 1 else ""))][0]
    print(f"| {threads} | {o:,.0f} | {x:,.0f} | {o / x:.2f}x |")
print(f"\nLargest |ModelOps - XGBoost| over the first 200 rows' contributions: {check:.2e}")
PY
