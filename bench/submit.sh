#!/usr/bin/env bash
# POST /tasks throughput and latency against the real jar (API only) on a fresh redis-server.
#   bench/submit.sh --concurrency 32 --seconds 20 --http-instances 2
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package test-compile
exec java -cp target/sentinel.jar:target/test-classes dev.sentinel.bench.SubmitBench "$@"
