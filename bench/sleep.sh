#!/usr/bin/env bash
# Durable sleeps at scale: N noop tasks that sleep S ms before their step, on the real jar (one
# api + watcher process, one worker process, default watcher interval) and a fresh redis-server
# (AOF on, appendfsync everysec, free port, fresh temp dir). Prints, while every task sleeps, the
# tasks running (GET /stats, GET /workers) and Redis commands/s; then the wake-up lateness
# (p50/p99/max, Redis clock, from the histories). See dev.sentinel.bench.SleepBench.
#   bench/sleep.sh [tasks, 10000] [sleep ms, 60000] [worker concurrency, 50]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is not on PATH" >&2; exit 1; }
mvn -B -q -DskipTests package test-compile
echo "[bench] $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); git $(git rev-parse --short HEAD)"
# Not exec: on Ctrl+C or an error this script's trap stops the JVM, whose shutdown hooks stop
# the redis-server and Sentinel processes it started.
java -cp target/sentinel.jar:target/test-classes dev.sentinel.bench.SleepBench "$@" &
bench=$!
trap 'kill "$bench" 2>/dev/null || true; wait "$bench" 2>/dev/null || true' EXIT
wait "$bench"
echo "[bench] load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
