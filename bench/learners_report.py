"""Joins the sides of the learners benchmark into the markdown tables of docs/benchmarks.md.

Usage: learners_report.py OUT ROWS ROUNDS. Reads OUT/learners-quality-{ours,reference}.jsonl when
present and OUT/learners-speed.jsonl (one line per tool, data set, thread count, round and metric)."""
import json
import os
import statistics
import sys
from collections import defaultdict

out, rows, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

# What each tool does differently from ModelOps with the same hyper-parameters: a ratio against a
# different algorithm or different inputs says so in the table.
DIFFERS = {
    ("boosting", "LightGBM"): "same algorithm (histogram, leaf-wise); bins from a 200,000-row sample, min_data_in_bin 3",
    ("boosting", "ML.NET LightGbm"): "LightGBM through ML.NET: float32 inputs, read through an IDataView",
    ("boosting", "ML.NET FastTree"): "ML.NET's own histogram GBDT: float32 inputs, its own binning, no L2 option",
    ("boosting", "scikit-learn"): "same algorithm (histogram, leaf-wise)",
    ("boosting", "XGBoost hist"): "histogram, lossguide; min_child_weight 20 = 20 rows a leaf",
    ("forest", "LightGBM"): "same algorithm (histogram splits, averaged trees); boosting=rf needs bagging: 63.2 % of the rows "
                            "without replacement a tree (ModelOps: bootstrap, n draws with replacement); leaf-wise to num_leaves "
                            "= min(2^depth, 131,072, rows) within the depth; bins from a 200,000-row sample, min_data_in_bin 3",
    ("forest", "scikit-learn"): "**different algorithm**: exact splits (ModelOps: histogram splits)",
}
TOOLS = ["ModelOps", "LightGBM", "ML.NET LightGbm", "ML.NET FastTree", "scikit-learn", "XGBoost hist"]


def load(name):
    with open(os.path.join(out, name)) as f:
        return {(r["name"], r["metric"]): r["value"] for r in map(json.loads, f)}


if os.path.exists(os.path.join(out, "learners-quality-ours.jsonl")):
    q_ours, q_ref = load("learners-quality-ours.jsonl"), load("learners-quality-reference.jsonl")
    print("### Quality (same hyper-parameters)\n")
    print("| model | metric | ModelOps | scikit-learn | ModelOps / scikit-learn | target |")
    print("|---|---|---|---|---|---|")
    targets = {"rmse": "<= 1.02", "cv_roc_auc": "within 0.005 (logistic) / 0.01 (boosting)"}
    for (name, metric), ours in q_ours.items():
        ref = q_ref[(name, metric)]
        relation = f"{ours / ref:.4f}" if metric == "rmse" else f"{ours - ref:+.4f} (difference)"
        print(f"| {name} | {metric} | {ours:.4f} | {ref:.4f} | {relation} | {targets[metric]} |")
    print()

values = defaultdict(list)
with open(os.path.join(out, "learners-speed.jsonl")) as f:
    for r in map(json.loads, f):
        values[(r["data"], r["model"], r["tool"], r["threads"], r["metric"])].append(r["value"])


def med(key):
    return statistics.median(values[key])


cases = sorted({(d, m) for d, m, _, _, _ in values}, key=lambda c: (c[0] != "bike", c[1] != "boosting"))
thread_counts = sorted({t for _, _, _, t, _ in values})
print(f"### Speed ({rounds} rounds, tools alternating; synthetic = Friedman #1, {rows:,} x 20 train, {rows // 5:,} test rows)\n")
print("| data | model | tool | threads | fit min (s) | fit median (s) | fit CPU median (s) | predict median (rows/s) | test RMSE | fits | ModelOps fit speed-up (medians) | differs from ModelOps |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for data, model in cases:
    for tool in sorted({t for d, m, t, _, _ in values if (d, m) == (data, model)}, key=TOOLS.index):
        for threads in thread_counts:
            key = (data, model, tool, threads)
            if not values[key + ("fit_seconds",)]:
                continue
            fit = values[key + ("fit_seconds",)]
            ours = values.get((data, model, "ModelOps", threads, "fit_seconds"))
            ratio = "" if tool == "ModelOps" or not ours else f"{statistics.median(fit) / statistics.median(ours):.2f}x"
            print(f"| {data} | {model} | {tool} | {threads} | {min(fit):.3f} | {statistics.median(fit):.3f} | "
                  f"{med(key + ('fit_cpu_seconds',)):.3f} | {med(key + ('predict_rows_per_second',)):,.0f} | "
                  f"{med(key + ('test_rmse',)):.4f} | {len(fit)} | {ratio} | {DIFFERS.get((model, tool), '')} |")

print("\nEach tool at its best thread count (lowest median fit):\n")
print("| data | model | tool | best threads | fit median (s) | ModelOps fit speed-up (each at its best) |")
print("|---|---|---|---:|---:|---:|")
for data, model in cases:
    best = {}
    for tool in sorted({t for d, m, t, _, _ in values if (d, m) == (data, model)}, key=TOOLS.index):
        options = [(med((data, model, tool, t, "fit_seconds")), t) for t in thread_counts if values[(data, model, tool, t, "fit_seconds")]]
        best[tool] = min(options)
    ours = best.get("ModelOps")
    for tool, (fit, threads) in best.items():
        ratio = "" if tool == "ModelOps" or ours is None else f"{fit / ours[0]:.2f}x"
        print(f"| {data} | {model} | {tool} | {threads} | {fit:.3f} | {ratio} |")
