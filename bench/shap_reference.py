"""Reference side of the SHAP benchmark (docs/benchmarks.md): XGBoost 1.7's own pred_contribs.

Usage: shap_reference.py train
       shap_reference.py round --threads N --round N

train: trains the benchmark model (XGBoost, 300 trees of depth 6, reg:squarederror, on the 12 numeric
bike inputs with 5% of temp, hum and windspeed missing), saves it as bench/out/shap_model.json for
ModelOps to import, writes the rows to explain to bench/out/shap_rows.csv and XGBoost's contributions
of the first 200 rows to bench/out/shap_check.json, and prints XGBoost's local accuracy (the largest
|sum of a row's contributions - its margin| over all rows).
round: one round of the alternating timings of bench/shap.sh with N threads: the saved model and rows
are loaded, the DMatrix built (timed: XGBoost's data preparation), pred_contribs warmed up on 500 rows,
then timed once on all rows. XGBoost has no separate SHAP preparation: its node mean values (the
expected value below every node) are computed again inside each pred_contribs call, so they are in
the timed call. Run with Debian's /usr/bin/python3; prints one JSON object per line.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "bench", "out")
FEATURES = ["season", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "weathersit", "temp", "atemp", "hum", "windspeed"]
WARM_UP_ROWS = 500


def train():
    os.makedirs(OUT, exist_ok=True)
    d = pd.read_csv(os.path.join(ROOT, "data", "bike_sharing", "hour.csv"))
    x = d[FEATURES].astype(float)
    rng = np.random.default_rng(0)
    for column in ["temp", "hum", "windspeed"]:
        x.loc[rng.random(len(x)) < 0.05, column] = np.nan
    booster = xgb.train({"max_depth": 6, "eta": 0.1, "tree_method": "hist", "objective": "reg:squarederror", "nthread": 2},
                        xgb.DMatrix(x, label=d["cnt"].astype(float)), num_boost_round=300)
    booster.save_model(os.path.join(OUT, "shap_model.json"))
    x.to_csv(os.path.join(OUT, "shap_rows.csv"), index=False, na_rep="")
    matrix = xgb.DMatrix(x)
    contributions = booster.predict(matrix, pred_contribs=True)
    with open(os.path.join(OUT, "shap_check.json"), "w") as f:
        json.dump(contributions[:200].astype(float).tolist(), f)
    margin = booster.predict(matrix, output_margin=True)
    accuracy = float(np.max(np.abs(contributions.astype(np.float64).sum(axis=1) - margin)))
    print(json.dumps({"name": "xgboost model: XGBoost local accuracy", "metric": "max_abs_difference", "value": accuracy}), flush=True)


def round_(threads, round_number):
    def emit(metric, value):
        print(json.dumps({"model": "xgboost", "tool": "XGBoost", "call": "pred_contribs", "threads": threads,
                          "round": round_number, "metric": metric, "value": value}), flush=True)

    booster = xgb.Booster(model_file=os.path.join(OUT, "shap_model.json"))
    booster.set_param({"nthread": threads})
    x = pd.read_csv(os.path.join(OUT, "shap_rows.csv"))[FEATURES].astype(float)
    booster.predict(xgb.DMatrix(x.iloc[:WARM_UP_ROWS]), pred_contribs=True)
    start = time.perf_counter()
    matrix = xgb.DMatrix(x)
    emit("dmatrix_seconds", time.perf_counter() - start)
    start = time.perf_counter()
    booster.predict(matrix, pred_contribs=True)
    emit("explain_seconds", time.perf_counter() - start)


def option(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "round":
        round_(option("--threads", 2), option("--round", 1))
    else:
        train()
