#!/usr/bin/env bash
# Kafka streaming benchmark: RECORDS bike records (the shipped hour.csv rows as JSON objects, repeated, keyed by their
# number) on librdkafka's mock cluster in one process, through a plain Confluent.Kafka consume-and-produce pipe,
# KafkaInferenceJob without and with SHAP, and the SHAP explainer alone on the same model and rows (see
# bench/ModelOps.Bench.Kafka). Goals (issue 19): explain off at least 0.5 of the plain pipe's messages/s; explain on at
# least 0.8 of the explainer's own rows/s. Every output topic is read back and checked. Prints a Markdown table.
#   bench/kafka.sh [RECORDS] [--batch-sizes 500,5000] [--partitions 256]      (default 1000000 records)
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=1000000
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then RECORDS=$1; shift; fi
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/modelops-bench-kafka-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
dotnet build bench/ModelOps.Bench.Kafka -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet bench/ModelOps.Bench.Kafka/bin/Release/net10.0/ModelOps.Bench.Kafka.dll "$PWD" "$WORK" "$RECORDS" "$@"
