-- apply_retention.lua (watcher): completed|failed|cancelled -> (removed), once older than the
-- retention period: the task's hash, history and call records, its listing entry and its
-- place in the counters, so nothing that grows is unbounded. (Idempotency keys, claim records
-- and per-day cost keys expire by themselves.)
-- KEYS: see _lib.lua (finished, counts; task keys, tenant:<t>:tasks, counts:<t> from the prefix)
-- ARGV: [1] retention ms, [2] max tasks per call
-- Reply: number of tasks removed
local now = now_ms()
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
