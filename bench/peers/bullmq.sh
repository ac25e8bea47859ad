#!/usr/bin/env bash
# BullMQ, the peer: the same backlog drain as Sentinel's suite (N jobs queued first, then one
# Worker of the given concurrency drains them, each job checkpointing S times with
# job.updateData), on its own redis-server with the same settings as Sentinel's benchmarks
# (AOF on, appendfsync everysec, noeviction, free port, fresh temp dir).
#   bench/peers/bullmq.sh --jobs 2000 --steps 5 --concurrency 64 [--warmup 400]
# bullmq and ioredis are installed with npm into a temporary folder, removed on exit.
# BULLMQ_VERSION=5.x pins a version (default: the newest).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/fresh-redis.sh
source "$here/../lib/fresh-redis.sh"
jobs=2000 steps=5 concurrency=64 warmup=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jobs|--tasks) jobs="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    *) echo "unknown option $1 (known: --jobs N --steps S --concurrency C --warmup W)" >&2; exit 2 ;;
  esac
done
for tool in node npm redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool is not on PATH" >&2; exit 1; }
done

tmp="$(mktemp -d -t bullmq-bench-XXXXXX)"
redis_pid=""
cleanup() {
  if [[ -n "$redis_pid" ]]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$tmp" "bullmq@${BULLMQ_VERSION:-latest}" ioredis >&2
# the script imports bullmq from next to itself, i.e. from $tmp/node_modules
cp "$here/bullmq-bench.mjs" "$tmp/"

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
start_fresh_redis "$tmp/redis" "$port"
echo "[bench] redis-server $(redis-server --version | grep -o 'v=[^ ]*') on port $port, AOF everysec; $jobs jobs x $steps steps, concurrency $concurrency" >&2

(cd "$tmp" && node bullmq-bench.mjs --port "$port" --jobs "$jobs" --steps "$steps" --concurrency "$concurrency" --warmup "$warmup")
