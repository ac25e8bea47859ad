-- apply_retention.lua (watcher): remove finished tasks older than the retention period,
-- with every key and index entry they own, so nothing that grows is unbounded.
-- (Idempotency keys expire by themselves.)
-- ARGV: [1] prefix, [2] retention ms, [3] max tasks per call
-- Reply: number of tasks removed
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', FINISHED, '-inf', now - tonumber(ARGV[2]), 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local m = redis.call('HMGET', meta_key(id), 'status', 'tenant_id', 'agent_type', 'task_type')
  if m[1] then
    redis.call('ZREM', status_key(m[1]), id)
    redis.call('ZREM', tenant_status_key(m[2], m[1]), id)
    redis.call('ZREM', tenant_index_key(m[2]), id)
    redis.call('ZREM', agent_index_key(m[3]), id)
    redis.call('ZREM', type_index_key(m[4]), id)
  end
  redis.call('DEL', meta_key(id), checkpoint_key(id), steps_key(id), calls_key(id), events_key(id))
  redis.call('ZREM', ALL, id)
  redis.call('ZREM', FINISHED, id)
end
return #ids
