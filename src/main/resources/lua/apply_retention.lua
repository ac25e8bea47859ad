-- apply_retention.lua (watcher): completed|failed|cancelled -> (removed), once older than the
-- retention period: the task's hash, history and call records, its listing entry and its
-- place in the counters, so nothing that grows is unbounded. Workers not heard from for a day
-- leave the `workers` index here too (its heartbeats add to it; only listing trimmed it before).
-- (Idempotency keys, claim records, heartbeats and per-day cost keys expire by themselves.)
-- KEYS: see _lib.lua (finished, counts; task keys, tenant:<t>:tasks, counts:<t>, workers from the prefix)
-- ARGV: [1] retention ms, [2] max tasks per call
-- Reply: number of tasks removed
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', P .. 'workers', '-inf', now - 86400000)
local ids = redis.call('ZRANGEBYSCORE', FINISHED, '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
return with_index_flush(function()
  for _, id in ipairs(ids) do
    local m = redis.call('HMGET', meta_key(id), 'status', 'tenant_id')
    if m[1] then
      index_later(tenant_tasks_key(m[2]), id, false)
      count_move(m[2], m[1], nil)
    end
    redis.call('DEL', meta_key(id), history_key(id), calls_key(id))
    index_later(FINISHED, id, false)
  end
  return #ids
end)
