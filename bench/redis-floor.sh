#!/usr/bin/env bash
# What one committed step costs Redis at the very least, command by command: each command of
# commit_steps.lua's per-step path run 20,000 times inside one EVAL (so no socket, parsing or
# script-call cost is counted), on a fresh redis-server on a free port, AOF off and then on.
# Figures are Redis CPU (INFO cpu, user + sys) per iteration. Needs redis-server and redis-cli.
#   bench/redis-floor.sh
set -euo pipefail
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || { echo "needs redis-server and redis-cli" >&2; exit 1; }
dir="$(mktemp -d -t sentinel-floor-XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
N=20000

cpu() { redis-cli -p "$port" info cpu | awk -F: '/used_cpu_(sys|user):/{s+=$2} END{printf "%.6f", s}'; }
run() {   # $1 label, $2 Lua loop body (i = 1..N)
  local c0 c1
  c0="$(cpu)"
  redis-cli -p "$port" eval "for i=1,$N do $2 end" 0 >/dev/null
  c1="$(cpu)"
  printf '| %s | %.2f µs |\n' "$1" "$(echo "($c1 - $c0) * 1000000 / $N" | bc -l)"
}

CP="'{\"schema_version\":1,\"step\":1,\"node\":\"step-1\",\"next_node\":\"step-2\",\"state\":{\"steps\":5,\"x\":12345}}'"
REC="cjson.encode({type='step',at=1795790388174,step='1',node='step-1',epoch='1',claim='w-abcdef0123456789:12',worker_id='w-abcdef'})"
STEP="local k='task:'..i; redis.call('HMGET',k..':meta','status','epoch','claim','step','created_at','tenant_id'); \
redis.call('SET',k..':checkpoint',$CP); local r=$REC; redis.call('RPUSH',k..':steps',r); redis.call('RPUSH',k..':events',r); \
redis.call('HSET',k..':meta','step',1,'current_node','step-2','status','in_progress','updated_at',1795790388174)"

for aof in no yes; do
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "${dir:?}"/*
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly "$aof" --appendfsync everysec \
    --daemonize yes --logfile "$dir/redis.log"
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo
  echo "### appendonly $aof ($(redis-server --version | awk '{print $3}'))"
  echo
  echo "| per iteration | Redis CPU |"
  echo "|---|---|"
  run "create the task hash (HSET, 6 fields)" "redis.call('HSET','task:'..i..':meta','status','leased','epoch',1,'claim','w:1','step',0,'tenant_id','acme','created_at',1795790388174)"
  run "loop and key concatenation only" "local k='task:'..i..':meta'"
  run "TIME (a redis.call that does nothing)" "redis.call('TIME')"
  run "HMGET 6 fields (the fence read)" "redis.call('HMGET','task:'..i..':meta','status','epoch','claim','step','created_at','tenant_id')"
  run "SET checkpoint (new key)" "redis.call('SET','task:'..i..':checkpoint',$CP)"
  run "cjson.encode of a step record" "local r=$REC"
  run "RPUSH step record (new list)" "redis.call('RPUSH','task:'..i..':steps',$REC)"
  run "HSET 4 fields of the task hash" "redis.call('HSET','task:'..i..':meta','step',1,'current_node','step-2','status','in_progress','updated_at',1795790388174)"
  run "**one whole step** (HMGET, SET, encode, RPUSH x2, HSET)" "$STEP"
done
