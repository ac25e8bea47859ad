-- apply_retention.lua (watcher): remove finished tasks older than the retention period,
-- with every key and index entry they own, so nothing that grows is unbounded.
-- ARGV: [1] prefix, [2] retention ms, [3] max tasks per call
-- Reply: number of tasks removed
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', FINISHED, '-inf', now - tonumber(ARGV[2]), 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local m = redis.call('HMGET', meta_key(id), 'status', 'tenant_id')
  if m[1] then redis.call('ZREM', status_key(m[1]), id) end
  if m[2] then redis.call('ZREM', tenant_index_key(m[2]), id) end
  redis.call('DEL', meta_key(id), checkpoint_key(id), steps_key(id), calls_key(id))
  redis.call('ZREM', ALL, id)
  redis.call('ZREM', FINISHED, id)
end
return #ids
