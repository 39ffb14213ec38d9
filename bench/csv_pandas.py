#!/usr/bin/env python3
"""Times pandas.read_csv on one CSV file with the protocol of bench/ModelOps.Bench.

One warm-up run, then N timed runs (garbage collected before each); prints best and median
seconds, rows per second and the peak resident set size. Run it with Debian's /usr/bin/python3
(python3-pandas); defaults of read_csv throughout (C parser, inferred dtypes).

Usage: /usr/bin/python3 bench/csv_pandas.py FILE [--runs N]
"""
import argparse
import gc
import resource
import statistics
import time

import pandas as pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    frame = pd.read_csv(args.file)
    print(f"warm-up: {len(frame)} rows x {len(frame.columns)} columns")
    print("types: " + ", ".join(f"{name}:{dtype}" for name, dtype in frame.dtypes.items()))
    del frame

    seconds = []
    rows = 0
    for run in range(args.runs):
        gc.collect()
        start = time.perf_counter()
        frame = pd.read_csv(args.file)
        elapsed = time.perf_counter() - start
        rows = len(frame)
        del frame
        seconds.append(elapsed)
        print(f"run {run + 1}: {elapsed:.3f} s")

    best = min(seconds)
    median = statistics.median(seconds)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"RESULT name=pandas rows={rows} best_s={best:.4f} median_s={median:.4f} "
        f"rows_per_s={rows / best:.0f} peak_rss_mb={peak_mb:.0f} version={pd.__version__}"
    )


if __name__ == "__main__":
    main()
