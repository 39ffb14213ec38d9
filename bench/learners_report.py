"""Joins the two sides of the learners benchmark into the markdown tables of docs/benchmarks.md."""
import json
import os
import sys

out, rows = sys.argv[1], int(sys.argv[2])


def load(name):
    with open(os.path.join(out, name)) as f:
        return {(r["name"], r["metric"]): r["value"] for r in map(json.loads, f)}


q_ours, q_ref = load("learners-quality-ours.jsonl"), load("learners-quality-reference.jsonl")
print("### Quality (same hyper-parameters)\n")
print("| model | metric | ModelOps | scikit-learn | ModelOps / scikit-learn | target |")
print("|---|---|---|---|---|---|")
targets = {"rmse": "<= 1.02", "cv_roc_auc": "within 0.005 (logistic) / 0.01 (boosting)"}
for (name, metric), ours in q_ours.items():
    ref = q_ref[(name, metric)]
    relation = f"{ours / ref:.4f}" if metric == "rmse" else f"{ours - ref:+.4f} (difference)"
    print(f"| {name} | {metric} | {ours:.4f} | {ref:.4f} | {relation} | {targets[metric]} |")

s_ours, s_ref = load("learners-speed-ours.jsonl"), load("learners-speed-reference.jsonl")
print(f"\n### Speed (2 threads; synthetic = Friedman #1, {rows:,} x 20)\n")
print("| data | model | tool | fit (s) | predict (rows/s) | ModelOps fit speed-up | ModelOps predict ratio |")
print("|---|---|---|---:|---:|---:|---:|")
for (name, metric), ours_fit in s_ours.items():
    if metric != "fit_seconds":
        continue
    data, learner, _ = name.split(" ", 2)
    ours_rate = s_ours[(name, "predict_rows_per_second")]
    print(f"| {data} | {learner} | ModelOps | {ours_fit:.2f} | {ours_rate:,.0f} | | |")
    for (ref_name, ref_metric), ref_fit in s_ref.items():
        if ref_metric == "fit_seconds" and ref_name.startswith(f"{data} {learner} "):
            tool = ref_name.split(" ", 2)[2]
            ref_rate = s_ref[(ref_name, "predict_rows_per_second")]
            print(f"| | | {tool} | {ref_fit:.2f} | {ref_rate:,.0f} | {ref_fit / ours_fit:.2f}x | {ours_rate / ref_rate:.2f}x |")
