#!/usr/bin/env bash
# Sentinel against BullMQ on the same backlog drain, each on a fresh redis-server with the same
# settings (AOF on, appendfsync everysec, noeviction): N noop tasks/jobs of S checkpointed steps
# are queued first, then drained by one worker process with C tasks in flight at once.
# "Concurrency" is the same for both: tasks in flight at once. For Sentinel that is
# worker.instances x worker.concurrency in its single worker process (default 1 x C, one event
# loop, as BullMQ's Worker runs on Node's one event loop); for BullMQ, the Worker's concurrency.
#   bench/compare.sh --steps 5 --concurrency 64 --jobs 5000 [--warmup 20000] [--sentinel-instances 1]
# Prints both tables and the ratios Sentinel / BullMQ (below 1 is better for Sentinel in
# Redis CPU and commands per step; above 1 is better for Sentinel in steps/s).
set -euo pipefail
cd "$(dirname "$0")/.."
steps=5 concurrency=64 jobs=2000 warmup="" instances=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --jobs|--tasks) jobs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --sentinel-instances) instances="$2"; shift 2 ;;
    *) echo "unknown option $1 (known: --steps S --concurrency C --jobs N --warmup W --sentinel-instances I)" >&2; exit 2 ;;
  esac
done
(( concurrency % instances == 0 )) || { echo "--concurrency must be a multiple of --sentinel-instances" >&2; exit 2; }
warmup="${warmup:-20000}"   # long enough for the JIT to finish with the hot path (see bench/README.md)
out="$(mktemp -d -t sentinel-compare-XXXXXX)"
trap 'rm -rf "$out"' EXIT

echo "== Sentinel: 1 worker process, $instances x $(( concurrency / instances )) in flight, $jobs tasks x $steps steps" >&2
bench/suite.sh --sections scaling --workers 1 --instances "$instances" --concurrency "$(( concurrency / instances ))" \
  --steps "$steps" --tasks "$jobs" --warmup "$warmup" --overlap-steps "" | tee "$out/sentinel.txt"
echo "== BullMQ: 1 Worker, concurrency $concurrency, $jobs jobs x $steps steps" >&2
bench/peers/bullmq.sh --jobs "$jobs" --steps "$steps" --concurrency "$concurrency" --warmup "$warmup" | tee "$out/bullmq.txt"

# RESULT lines are "key=value" pairs; pick one value from the last RESULT line of a file
value() { grep '^RESULT ' "$1" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }
for f in sentinel bullmq; do
  [[ -n "$(value "$out/$f.txt" steps_per_s)" ]] || { echo "no RESULT line from $f" >&2; exit 1; }
done
ratio() { awk -v a="$(value "$out/sentinel.txt" "$1")" -v b="$(value "$out/bullmq.txt" "$1")" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "### Sentinel / BullMQ, backlog of $jobs tasks x $steps steps, $concurrency in flight, one worker process each"
echo
echo "| measure | Sentinel | BullMQ | Sentinel / BullMQ |"
echo "|---|---|---|---|"
for m in steps_per_s cpu_us_per_step script_us_per_step cmds_per_step evalsha_per_step; do
  echo "| $m | $(value "$out/sentinel.txt" $m) | $(value "$out/bullmq.txt" $m) | $(ratio $m) |"
done
