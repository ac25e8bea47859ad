-- cancel.lua (API): cancel a task. A waiting task ends at once; a running one is marked
-- `cancelled` and its epoch bumped, so the holder's next write answers CANCELLED and it stops
-- (a signal also tells it to stop the node it is running now).
-- ARGV: [1] prefix, [2] task id, [3] reason
-- Reply: {'OK', previous status} | {'FINISHED', status} | {'NOT_FOUND'}
local id = ARGV[2]
local meta = meta_key(id)
local m = redis.call('HMGET', meta, 'status', 'created_at', 'tenant_id')
if not m[1] then return {'NOT_FOUND'} end
if is_final(m[1]) then return {'FINISHED', m[1]} end
local now = now_ms()
if m[1] == 'queued' then
  dequeue_ready(id, m[3])
elseif m[1] == 'retrying' or m[1] == 'scheduled' or m[1] == 'paused' then
  redis.call('ZREM', DELAYED, id)
elseif is_running(m[1]) then
  redis.call('HINCRBY', meta, 'epoch', 1)
  redis.call('ZREM', LEASES, id)
end
redis.call('HSET', meta, 'status', 'cancelled', 'error', ARGV[3], 'owner', '', 'lease_expires', '',
  'completed_at', now, 'updated_at', now)
redis.call('ZADD', FINISHED, now, id)
move_status(id, m[3], m[1], 'cancelled', m[2])
lifecycle_event('cancelled', id, 'previous_status', m[1])
redis.call('PUBLISH', SIGNAL_CANCEL, id)
return {'OK', m[1]}
