#!/usr/bin/env bash
# Every benchmark, each side by side with its reference in the same run (docs/benchmarks.md).
#   bash bench/run.sh [csv|parquet|learners|shap|store|hub|kafka|analytics|all] [options]    (./build.sh bench ... installs what is missing first)
#   csv:      bench/csv.sh [--runs N]        ModelOps CSV reader vs pandas.read_csv
#   parquet:  bench/parquet.sh [--rows N] [--runs N]   ModelOps Parquet reader/writer vs its CSV reader, ParquetSharp, Parquet.Net, DuckDB
#   learners: bench/learners.sh [--rows N] [--rounds N] [--threads "1 2"] [--repeats N] [--forest | --forest-only]   ModelOps learners vs LightGBM, ML.NET, scikit-learn, XGBoost
#   shap:     bench/shap.sh [--rounds N] [--threads "1 2"]   ModelOps TreeSHAP vs XGBoost pred_contribs and LightGBM pred_contrib, each on its own trees
#   store:    bench/store.sh                 metrics/s and registration latency on SQLite and PostgreSQL
#   hub:      bench/hub.sh [--duration 10s]  single-record predict with SHAP and logging vs /health, wrk, SQLite and PostgreSQL
#   kafka:    bench/kafka.sh [RECORDS]       KafkaInferenceJob vs a plain Confluent.Kafka pipe and the SHAP explainer, mock cluster
#   analytics: bench/analytics.sh [--rows N]  group analytics over 10,000,000 logged rows: served vs exact, latency and hub memory
set -euo pipefail
cd "$(dirname "$0")"
what=${1:-all}
[ $# -gt 0 ] && shift
case "$what" in
  csv) bash csv.sh "$@" ;;
  parquet) bash parquet.sh "$@" ;;
  learners) bash learners.sh "$@" ;;
  store) bash store.sh "$@" ;;
  shap) bash shap.sh "$@" ;;
  hub) bash hub.sh "$@" ;;
  kafka) bash kafka.sh "$@" ;;
  analytics) bash analytics.sh "$@" ;;
  all) bash csv.sh; bash parquet.sh; bash learners.sh; bash shap.sh; bash store.sh; bash hub.sh; bash kafka.sh; bash analytics.sh ;;
  *) echo "usage: bench/run.sh [csv|parquet|learners|shap|store|hub|kafka|analytics|all] [options]" >&2; exit 2 ;;
esac
