#!/usr/bin/env bash
# What a whole task costs Redis at the very least, in two key layouts: N noop tasks (UUID ids,
# 8 tenants, submitted state as submit.lua leaves it) go through claim + S step commits +
# completion in batches of 30 tasks per script call, all inside one EVALSHA per batch (no
# worker, no socket work per step). Prints Redis CPU (INFO cpu) per task and per step.
#   current: what claim.lua and commit_steps.lua write (checkpoint STRING, step record in
#            task:{id}:steps and in the audit list, leased -> in_progress index move)
#   minimal: checkpoint as a field of the task hash, the step record in the audit list only,
#            one running status (no leased -> in_progress move). Everything else the same:
#            fenced read, audit record per claim and commit, per-tenant status indexes,
#            stream:events, AOF on (everysec).
# Not the production scripts: a model of their Redis work, to see what a layout change buys.
#   S=3 bench/task-floor.sh      (N=30000 by default; needs redis-server and redis-cli)
set -euo pipefail
N=${N:-30000}; B=30; S=${S:-3}
dir=$(mktemp -d); port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
trap 'redis-cli -p $port shutdown nosave >/dev/null 2>&1 || true; rm -rf $dir' EXIT
cpu() { redis-cli -p "$port" info cpu | awk -F: '/used_cpu_(sys|user):/{s+=$2} END{printf "%.6f", s}'; }
SETUP='
local n = tonumber(ARGV[1])
for i = 1, n do
  local id = string.format("%08x-7f3a-4b2c-9d1e-%012x", i, i * 7919)
  local tenant = "tenant-" .. (i % 8)
  redis.call("HSET", "task:" .. id .. ":meta", "status", "queued", "tenant_id", tenant, "agent_type", "noop", "task_type", "bench",
    "task_params", "{\"steps\":3}", "owner", "", "epoch", 0, "claim", "", "lease_expires", "", "current_node", "", "step", 0,
    "attempts", 0, "max_attempts", 3, "priority", 0, "created_at", 1795790388174 + i, "updated_at", 1795790388174 + i, "seq", i)
  redis.call("RPUSH", "task:" .. id .. ":events", cjson.encode({type="submitted", at=1795790388174 + i, tenant_id=tenant, status="queued"}))
  redis.call("XADD", "stream:events", "MAXLEN", "~", 100000, "*", "type", "submitted", "task_id", id)
  redis.call("ZADD", "queue:ready", i, id)
  redis.call("ZADD", "index:status:queued", 1795790388174 + i, id)
  redis.call("ZADD", "index:tenant:" .. tenant .. ":status:queued", 1795790388174 + i, id)
  redis.call("ZADD", "index:all", 1795790388174 + i, id)
end
return n'
# ARGV[1] layout: "current" | "minimal"; ARGV[2] steps
LIFE='
local minimal = ARGV[1] == "minimal"
local S = tonumber(ARGV[2])
local t = redis.call("TIME"); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local now_s, lease_s = tostring(now), tostring(now + 15000)
local popped = redis.call("ZPOPMIN", "queue:ready", 30)
local ids, tenants, created = {}, {}, {}
local leases, qrem, lad = {}, {}, {}
for p = 1, #popped, 2 do
  local id = popped[p]; ids[#ids + 1] = id
  local meta = "task:" .. id .. ":meta"
  local m = redis.call("HMGET", meta, "status", "created_at", "epoch", "tenant_id", "agent_type", "task_type", "task_params", "step", "current_node", "attempts", "max_attempts")
  tenants[id], created[id] = m[4], m[2]
  redis.call("HSET", meta, "status", minimal and "in_progress" or "leased", "epoch", 1, "owner", "w-1", "claim", "w-1:abc:" .. p, "lease_expires", lease_s, "updated_at", now_s)
  redis.call("RPUSH", "task:" .. id .. ":events", cjson.encode({type="claimed", at=now, epoch="1", claim="w-1:abc:" .. p, worker_id="w-1"}))
  leases[#leases + 1] = lease_s; leases[#leases + 1] = id
end
local function moves(from, to)
  local r, a = {}, {}
  for _, id in ipairs(ids) do r[#r + 1] = id; a[#a + 1] = created[id]; a[#a + 1] = id end
  if from then redis.call("ZREM", "index:status:" .. from, unpack(r)) end
  redis.call("ZADD", "index:status:" .. to, unpack(a))
  for tn = 0, 7 do
    local tr, ta = {}, {}
    for _, id in ipairs(ids) do if tenants[id] == "tenant-" .. tn then tr[#tr + 1] = id; ta[#ta + 1] = created[id]; ta[#ta + 1] = id end end
    if #tr > 0 then
      if from then redis.call("ZREM", "index:tenant:tenant-" .. tn .. ":status:" .. from, unpack(tr)) end
      redis.call("ZADD", "index:tenant:tenant-" .. tn .. ":status:" .. to, unpack(ta))
    end
  end
end
redis.call("ZADD", "leases", unpack(leases))
moves("queued", minimal and "in_progress" or "leased")
local cp = "{\"schema_version\":1,\"step\":1,\"node\":\"step-1\",\"next_node\":\"step-2\",\"state\":{\"steps\":3,\"done\":1}}"
local result = "{\"steps\":3}"
for step = 1, S do
  local last = step == S
  for p, id in ipairs(ids) do
    local meta = "task:" .. id .. ":meta"
    local m = redis.call("HMGET", meta, "status", "epoch", "claim", "step", "created_at", "tenant_id")
    local rec = cjson.encode({type="step", at=now, step=tostring(step), node="step-" .. step, epoch="1", claim="w-1:abc:" .. p, worker_id="w-1"})
    local ev = "task:" .. id .. ":events"
    if not minimal then
      redis.call("SET", "task:" .. id .. ":checkpoint", cp)
      redis.call("RPUSH", "task:" .. id .. ":steps", rec)
    end
    if last then
      redis.call("RPUSH", ev, rec, cjson.encode({type="completed", at=now, epoch="1", claim="w-1:abc:" .. p, worker_id="w-1"}))
      if minimal then
        redis.call("HSET", meta, "step", step, "current_node", "", "status", "completed", "result", result, "error", "", "owner", "", "lease_expires", "", "completed_at", now_s, "updated_at", now_s, "checkpoint", cp)
      else
        redis.call("HSET", meta, "step", step, "current_node", "", "status", "completed", "result", result, "error", "", "owner", "", "lease_expires", "", "completed_at", now_s, "updated_at", now_s)
      end
      redis.call("XADD", "stream:events", "MAXLEN", "~", 100000, "*", "type", "completed", "task_id", id, "epoch", "1", "claim", "w-1:abc:" .. p, "worker_id", "w-1")
    else
      redis.call("RPUSH", ev, rec)
      if minimal then
        redis.call("HSET", meta, "step", step, "current_node", "step-" .. (step + 1), "status", "in_progress", "lease_expires", lease_s, "updated_at", now_s, "checkpoint", cp)
      else
        redis.call("HSET", meta, "step", step, "current_node", "step-" .. (step + 1), "status", "in_progress", "lease_expires", lease_s, "updated_at", now_s)
      end
    end
  end
  if step == 1 and not minimal and not last then moves("leased", "in_progress") end
  if last then
    redis.call("ZREM", "leases", unpack(ids))
    local f = {}
    for _, id in ipairs(ids) do f[#f + 1] = now_s; f[#f + 1] = id end
    redis.call("ZADD", "index:finished", unpack(f))
    moves((minimal or S > 1) and "in_progress" or "leased", "completed")
  end
end
return #ids'
for layout in current minimal; do
  redis-cli -p $port shutdown nosave >/dev/null 2>&1 || true; rm -rf $dir/*
  redis-server --port $port --bind 127.0.0.1 --dir $dir --save "" --appendonly yes --appendfsync everysec --daemonize yes --logfile $dir/r.log
  for _ in $(seq 50); do redis-cli -p $port ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p $port eval "$SETUP" 0 $N >/dev/null
  sha=$(redis-cli -p $port script load "$LIFE")
  calls=$(( N / B ))
  c0=$(cpu)
  for _ in $(seq $calls); do echo "EVALSHA $sha 0 $layout $S"; done | redis-cli -p $port >/dev/null
  c1=$(cpu)
  left=$(redis-cli -p $port zcard queue:ready)
  printf '| %s | S=%d | %d tasks | %.1f µs per task | %.1f µs per step |\n' "$layout" "$S" "$(( N - left ))" \
    "$(echo "($c1 - $c0) * 1000000 / ($N - $left)" | bc -l)" "$(echo "($c1 - $c0) * 1000000 / (($N - $left) * $S)" | bc -l)"
done
