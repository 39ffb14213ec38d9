#!/usr/bin/env bash
# UI benchmark: the time from navigation (or click) until each page of the hub's web UI shows its data, in
# Debian's Chromium, against the real 'modelops serve' on a SQLite store with 1,000 runs, 100 versions of one
# model and a model group whose inference log holds LOG_ROWS predictions with their SHAP values (default 1,000,000;
# see bench/ModelOps.Bench.Ui). Goal: under 1 s for every page on 2 cores. Prints a Markdown table.
#   bench/ui.sh [ROUNDS] [LOG_ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
LOG_ROWS=${2:-1000000}
[ -x /usr/bin/chromium ] || { echo "bench/ui.sh: /usr/bin/chromium not found; run: apt-get install -y chromium" >&2; exit 1; }
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/modelops-bench-ui-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
dotnet build src/ModelOps.Cli -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet build bench/ModelOps.Bench.Ui -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet bench/ModelOps.Bench.Ui/bin/Release/net10.0/ModelOps.Bench.Ui.dll "$PWD/src/ModelOps.Cli/bin/Release/net10.0/modelops.dll" "$PWD" "$WORK" "$ROUNDS" "$LOG_ROWS"
