#!/usr/bin/env bash
# The benchmark suite: noop throughput and Redis cost per step over 1, 2 and 4 worker processes
# (backlog and overlap modes), the idle cost of a cluster, and Redis memory per task. Every
# section starts its own redis-server (AOF on, appendfsync everysec, free port, fresh temp dir)
# and the real jar as separate processes; it prints Markdown tables for BENCHMARKS.md.
#   bench/suite.sh             full sizes (minutes; run it on a quiet machine)
#   bench/suite.sh --quick     small sizes, to check the instruments
#   bench/suite.sh --sections scaling --workers 1,2 --steps 5 --tasks 5000
# Options: see dev.sentinel.bench.SuiteBench.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is not on PATH" >&2; exit 1; }
mvn -B -q -DskipTests package test-compile
# Not exec: on Ctrl+C or an error this script's trap stops the JVM, whose shutdown hooks stop
# the redis-server and Sentinel processes it started.
java -cp target/sentinel.jar:target/test-classes dev.sentinel.bench.SuiteBench "$@" &
bench=$!
trap 'kill "$bench" 2>/dev/null || true; wait "$bench" 2>/dev/null || true' EXIT
wait "$bench"
