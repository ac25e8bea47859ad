-- resume_paused.lua (API): a tenant's budget was raised: its paused tasks become ready now.
-- ARGV: [1] prefix, [2] tenant, [3] max tasks per call
-- Reply: number of tasks resumed
local tenant = ARGV[2]
local ids = redis.call('ZRANGE', tenant_status_key(tenant, 'paused'), 0, tonumber(ARGV[3]) - 1)
local now = now_ms()
for _, id in ipairs(ids) do
  local meta = meta_key(id)
  local m = redis.call('HMGET', meta, 'status', 'created_at', 'priority', 'seq')
  if m[1] == 'paused' then
    redis.call('ZREM', DELAYED, id)
    redis.call('HSET', meta, 'status', 'queued', 'error', '', 'updated_at', now)
    enqueue_ready(id, tenant, m[3], m[4])
    move_status(id, tenant, 'paused', 'queued', m[2])
    event('ready', id, 'from', 'paused')
  end
end
if #ids > 0 then redis.call('PUBLISH', SIGNAL_READY, tenant) end
return #ids
