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
print("| data | model | fit seconds | predict rows/s | fit speed-up of ModelOps (reference s / ModelOps s) | predict ratio (ModelOps / reference) |")
print("|---|---|---|---|---|---|")
for (name, metric), value in s_ref.items():
    if metric != "fit_seconds":
        continue
    data, learner, tool = name.split(" ", 2)
    ours_name = f"{data} {learner} ModelOps"
    ours_fit = s_ours[(ours_name, "fit_seconds")]
    ours_rate = s_ours[(ours_name, "predict_rows_per_second")]
    ref_rate = s_ref[(name, "predict_rows_per_second")]
    print(f"| {data} | {learner}: {tool} | {value:.2f} | {ref_rate:,.0f} | {value / ours_fit:.2f}x | {ours_rate / ref_rate:.2f}x |")
    print(f"| {data} | {learner}: ModelOps | {ours_fit:.2f} | {ours_rate:,.0f} | | |")
