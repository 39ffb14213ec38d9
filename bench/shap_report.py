"""Joins the sides of the SHAP benchmark (bench/shap.sh) into the markdown tables of docs/benchmarks.md.

Usage: shap_report.py OUT ROUNDS. Reads OUT/shap-rounds.jsonl (one line per model, tool, call, thread
count, round and metric) and OUT/shap-checks.jsonl when present, and OUT/shap-ours.jsonl (the serving case)."""
import json
import os
import statistics
import sys
from collections import defaultdict

out, rounds = sys.argv[1], int(sys.argv[2])

# The algorithm behind each call: a ratio between two different ones says so.
ALGORITHM = {
    "ModelOps": "Linear TreeSHAP (Yu et al. 2022)",
    "XGBoost": "**original TreeSHAP** (Lundberg et al. 2018, Algorithm 2)",
    "LightGBM": "**original TreeSHAP** (Lundberg et al. 2018, Algorithm 2)",
}
REFERENCE = {"xgboost": ("XGBoost", "pred_contribs"), "lightgbm": ("LightGBM", "pred_contrib")}
MODEL = {"xgboost": "XGBoost-trained (300 trees, depth 6)", "lightgbm": "LightGBM-trained (300 trees, depth <= 6, <= 64 leaves)"}


def lines(name):
    path = os.path.join(out, name)
    return [json.loads(line) for line in open(path)] if os.path.exists(path) else []


if lines("shap-rounds.jsonl"):
    values = defaultdict(list)
    rows = 0
    for r in lines("shap-rounds.jsonl"):
        if r["metric"] == "rows":
            rows = int(r["value"])
            continue
        values[(r["model"], r["tool"], r["call"], r["threads"], r["metric"])].append(r["value"])
    med = lambda key: statistics.median(values[key]) if values[key] else None
    thread_counts = sorted({k[3] for k in values})
    print(f"### SHAP against XGBoost and LightGBM ({rounds} rounds, cases alternating; {rows:,} rows, 12 features)\n")
    print("Ratios compare **different algorithms** (Linear TreeSHAP against the original TreeSHAP) on the same trees; "
          "the one-shot call includes ModelOps's preparation, the prepared call does not (its preparation is its own column).\n")
    print("| model | tool, call | threads | prepare median (s) | explain min (s) | explain median (s) | rows/s (median) | "
          "ModelOps speed-up, prepared (medians) | ModelOps speed-up, prepare + explain (medians) | algorithm |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for model in ("xgboost", "lightgbm"):
        ref_tool, ref_call = REFERENCE[model]
        for tool, call in (("ModelOps", "prepared"), ("ModelOps", "one-shot"), (ref_tool, ref_call)):
            for threads in thread_counts:
                explain = values[(model, tool, call, threads, "explain_seconds")]
                if not explain:
                    continue
                prepare = med((model, tool, call, threads, "prepare_seconds"))
                ref = med((model, ref_tool, ref_call, threads, "explain_seconds"))
                steady = end_to_end = ""
                if tool == "ModelOps" and ref:
                    total = statistics.median(explain) + (prepare or 0.0)
                    end_to_end = f"{ref / total:.1f}x"
                    if call == "prepared":
                        steady = f"{ref / statistics.median(explain):.1f}x"
                prep = f"{prepare:.4f}" if prepare is not None else ("inside the call" if tool == "ModelOps" else "none (inside each call)")
                print(f"| {MODEL[model]} | {tool} {call} | {threads} | {prep} | {min(explain):.3f} | {statistics.median(explain):.3f} | "
                      f"{rows / statistics.median(explain):,.0f} | {steady} | {end_to_end} | {ALGORITHM[tool]} |")
    dmatrix = [v for k, vs in values.items() if k[4] == "dmatrix_seconds" for v in vs]
    if dmatrix:
        print(f"\nXGBoost's DMatrix of the rows (data, not SHAP, preparation; ModelOps's and LightGBM's matrices are made "
              f"outside the timings too): median {statistics.median(dmatrix):.4f} s.")
    tables = [v for k, vs in values.items() if k[4] == "table_megabytes" for v in vs]
    if tables:
        print(f"ModelOps's prepared explainers held {max(tables):.1f} MB of per-leaf tables at most (0: Linear TreeSHAP on every tree).")

checks = lines("shap-checks.jsonl")
if checks:
    print("\nChecks of the values (largest absolute difference):\n")
    print("| check | value |")
    print("|---|---:|")
    for c in checks:
        value = c["value"]
        text = f"{value:.2e}" if c["metric"] == "max_abs_difference" else (f"{value:.1f}" if c["metric"] == "mean" else f"{value:,.0f}")
        print(f"| {c['name']} | {text} |")

ours = lines("shap-ours.jsonl")
if ours:
    get = lambda name, metric: [r["value"] for r in ours if r["name"] == name and r["metric"] == metric][0]
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
