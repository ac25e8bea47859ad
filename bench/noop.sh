#!/usr/bin/env bash
# End-to-end noop throughput on this machine: a fresh redis-server (AOF everysec) on a free
# port and the real jar as one process. Arguments go to dev.sentinel.bench.NoopBench, e.g.
#   bench/noop.sh --tasks 2000 --steps 5 --workers 2 --concurrency 64
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package test-compile
exec java -cp target/sentinel.jar:target/test-classes dev.sentinel.bench.NoopBench "$@"
