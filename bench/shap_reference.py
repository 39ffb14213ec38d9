"""Reference side of the SHAP benchmark (docs/benchmarks.md): XGBoost 1.7's own pred_contribs.

Trains the benchmark model (XGBoost, 300 trees of depth 6, reg:squarederror, on the 12 numeric
bike inputs with 5% of temp, hum and windspeed missing), saves it as bench/out/shap_model.json for
ModelOps to import, writes the rows to explain to bench/out/shap_rows.csv and XGBoost's
contributions of the first 200 rows to bench/out/shap_check.json, then times pred_contribs with
1 and 2 threads (best of 3). Prints one JSON object per line. Run with Debian's /usr/bin/python3.
"""
import json
import os
import time

import numpy as np
import pandas as pd
import xgboost as xgb

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "bench", "out")
FEATURES = ["season", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "weathersit", "temp", "atemp", "hum", "windspeed"]

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
for threads in (1, 2):
    booster.set_param({"nthread": threads})
    booster.predict(matrix, pred_contribs=True)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        booster.predict(matrix, pred_contribs=True)
        best = min(best, time.perf_counter() - start)
    print(json.dumps({"name": f"XGBoost pred_contribs, {threads} thread{'s' if threads > 1 else ''}",
                      "metric": "rows_per_second", "value": len(x) / best}), flush=True)
