"""Reference side of the learners benchmark (docs/benchmarks.md): scikit-learn 1.2.1 and XGBoost 1.7
on the same data and hyper-parameters as bench/ModelOps.Bench.Learners, in the same run.

Run with Debian's interpreter (/usr/bin/python3; python3-sklearn, python3-xgboost, python3-pandas).
Prints one JSON object per line: {"name": ..., "metric": ..., "value": ...}.
Usage: learners_reference.py quality
       learners_reference.py speed [--rows N] [--threads N] [--round N] [--repeats N] [--forest] [--no-boosting]
(speed prints {"data", "model", "tool", "threads", "round", "metric", "value"} lines instead.)
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import mean_squared_error, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BIKE_ONE_HOT = ["season", "weathersit"]
BIKE_NUMERIC = ["yr", "mnth", "hr", "holiday", "weekday", "workingday", "temp", "atemp", "hum", "windspeed"]
CREDIT_TEXT = ["checking_status", "credit_history", "purpose", "savings_status", "employment", "personal_status",
               "other_parties", "property_magnitude", "other_payment_plans", "housing", "job", "own_telephone", "foreign_worker"]
CREDIT_NUMERIC = ["duration", "credit_amount", "installment_commitment", "residence_since", "age", "existing_credits", "num_dependents"]
THREADS = 2


def emit(name, metric, value):
    print(json.dumps({"name": name, "metric": metric, "value": value}), flush=True)


def bike():
    d = pd.read_csv(os.path.join(ROOT, "data", "bike_sharing", "hour.csv"))
    ct = ColumnTransformer([("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False), BIKE_ONE_HOT),
                            ("pass", "passthrough", BIKE_NUMERIC)])
    x = ct.fit_transform(d)
    y = d["cnt"].to_numpy(dtype=float)
    n_train = int(len(d) * 0.8)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def synthetic(rows, features=20):
    """Friedman #1 on SplitMix64 uniforms: the C# side generates the very same numbers."""
    k = np.arange(1, rows * (features + 1) + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = k * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
    u = u.reshape(rows, features + 1)
    x = u[:, :features].copy()
    noise = u[:, features]
    y = 10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3] + 5 * x[:, 4] + noise
    return x, y


def measure(emit_row, model, x, y, xp, yp, predict_repeats):
    """One fit timed on the wall clock and in process CPU seconds (all threads), then the best of
    predict_repeats predictions of the test rows and their RMSE."""
    cpu, start = time.process_time(), time.perf_counter()
    model.fit(x, y)
    emit_row("fit_seconds", time.perf_counter() - start)
    emit_row("fit_cpu_seconds", time.process_time() - cpu)
    best = float("inf")
    for _ in range(predict_repeats):
        start = time.perf_counter()
        predictions = model.predict(xp)
        best = min(best, time.perf_counter() - start)
    emit_row("predict_rows_per_second", len(xp) / best)
    emit_row("test_rmse", float(np.sqrt(mean_squared_error(yp, predictions))))


def quality():
    x_train, y_train, x_test, y_test = bike()
    rf = RandomForestRegressor(n_estimators=200, max_depth=20, n_jobs=THREADS, random_state=0).fit(x_train, y_train)
    emit("bike RandomForestRegressor", "rmse", float(np.sqrt(mean_squared_error(y_test, rf.predict(x_test)))))
    gb = HistGradientBoostingRegressor(max_iter=300, learning_rate=0.1, max_leaf_nodes=31, early_stopping=False, random_state=0).fit(x_train, y_train)
    emit("bike GradientBoostingRegressor", "rmse", float(np.sqrt(mean_squared_error(y_test, gb.predict(x_test)))))

    d = pd.read_csv(os.path.join(ROOT, "data", "german_credit", "german_credit.csv"))
    y = d["default"].to_numpy()
    for name, estimator in [("LogisticRegression", LogisticRegression(C=1.0, max_iter=10000, tol=1e-10)),
                            ("GradientBoostingClassifier", HistGradientBoostingClassifier(early_stopping=False, random_state=0))]:
        aucs = []
        for train, test in StratifiedKFold(n_splits=5).split(d, y):
            pipe = make_pipeline(ColumnTransformer([("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False), CREDIT_TEXT),
                                                    ("scale", StandardScaler(), CREDIT_NUMERIC)]), estimator)
            pipe.fit(d.iloc[train], y[train])
            aucs.append(roc_auc_score(y[test], pipe.predict_proba(d.iloc[test])[:, 1]))
        emit(f"credit {name}", "cv_roc_auc", float(np.mean(aucs)))


def speed(rows, threads, round_number, repeats, boosting, forest):
    """One round of the alternating run of bench/learners.sh (as ModelOps.Bench.Learners speed does on
    its side): each tool fits once per repeat, the order turned by one each round.
    XGBoost gets min_child_weight=20, which with the squared error's hessian of 1 a row is the others'
    20 rows a leaf; scikit-learn's min_samples_leaf is 20 by default."""
    import xgboost as xgb
    x_train, y_train, x_test, y_test = bike()
    test_rows = rows // 5
    xs, ys = synthetic(rows + test_rows)
    cases = [
        ("bike", x_train, y_train, x_test, y_test, 200, 20, 300, repeats or 5, 10),
        ("synthetic", xs[:rows], ys[:rows], xs[rows:], ys[rows:], 10, 10, 100, repeats or 1, 3),
    ]
    for data, x, y, xp, yp, trees, depth, iterations, fits, predict_repeats in cases:
        tools = [] if not boosting else [
            ("boosting", "scikit-learn", lambda: HistGradientBoostingRegressor(
                max_iter=iterations, learning_rate=0.1, max_leaf_nodes=31, max_bins=255, min_samples_leaf=20,
                l2_regularization=0.0, early_stopping=False, random_state=0)),
            ("boosting", "XGBoost hist", lambda: xgb.XGBRegressor(
                n_estimators=iterations, learning_rate=0.1, tree_method="hist", grow_policy="lossguide", max_leaves=31,
                max_depth=0, max_bin=255, min_child_weight=20, reg_lambda=0.0, n_jobs=threads, random_state=0)),
        ]
        if forest:
            tools.append(("forest", "scikit-learn", lambda: RandomForestRegressor(
                n_estimators=trees, max_depth=depth, n_jobs=threads, random_state=0)))
        for repeat in range(fits):
            for k in range(len(tools)):
                model, tool, make = tools[(k + round_number - 1 + repeat) % len(tools)]

                def emit_row(metric, value, model=model, tool=tool):
                    print(json.dumps({"data": data, "model": model, "tool": tool, "threads": threads,
                                      "round": round_number, "metric": metric, "value": value}), flush=True)

                measure(emit_row, make(), x, y, xp, yp, predict_repeats)


def option(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "quality"
    if mode == "quality":
        quality()
    else:
        # scikit-learn's boosting takes its threads from OMP_NUM_THREADS, which must be set before
        # the OpenMP runtime starts: bench/learners.sh sets it for the process.
        speed(option("--rows", 1_000_000), option("--threads", THREADS), option("--round", 1), option("--repeats", 0),
              "--no-boosting" not in sys.argv, "--forest" in sys.argv)
