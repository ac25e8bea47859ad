-- retry.lua (API): run a failed or cancelled task again, from its last checkpoint.
-- Its attempts start over; its epoch is bumped so nothing of the earlier run can write.
-- ARGV: [1] prefix, [2] task id
-- Reply: {'OK', task hash as a flat field/value list, as the retry left it} | {'NOT_FOUND'}
--        | {'WRONG_STATUS', status}
local id = ARGV[2]
local meta = meta_key(id)
local m = redis.call('HMGET', meta, 'status', 'created_at', 'tenant_id', 'priority', 'seq')
if not m[1] then return {'NOT_FOUND'} end
if m[1] ~= 'failed' and m[1] ~= 'cancelled' then return {'WRONG_STATUS', m[1]} end
local now = now_ms()
redis.call('HINCRBY', meta, 'epoch', 1)
redis.call('HSET', meta, 'status', 'queued', 'attempts', 0, 'error', '', 'owner', '', 'claim', '',
  'lease_expires', '', 'completed_at', '', 'updated_at', now)
redis.call('ZREM', FINISHED, id)
enqueue_ready(id, m[3], m[4], m[5])
move_status(id, m[3], m[1], 'queued', m[2])
lifecycle_event('retried', id, 'previous_status', m[1])
redis.call('PUBLISH', SIGNAL_READY, m[3])
return {'OK', redis.call('HGETALL', meta)}
