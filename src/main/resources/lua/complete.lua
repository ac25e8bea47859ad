-- complete.lua: finish a task successfully with its result; fenced by (epoch, claim).
-- The task leaves `leases` and enters `index:finished`, from where retention removes it.
-- ARGV: [1] prefix, [2] task id, [3] epoch, [4] claim, [5] result JSON, [6] worker id
-- Reply: {'OK', completed_at} | {'STALE'} | {'CANCELLED'} | {'NOT_FOUND'}
local id, epoch, claim = ARGV[2], ARGV[3], ARGV[4]
local code = fence(id, epoch, claim, 'complete')
if code ~= 'OK' then return {code} end
local meta = meta_key(id)
local now = now_ms()
local m = redis.call('HMGET', meta, 'status', 'created_at', 'tenant_id')
redis.call('HSET', meta, 'status', 'completed', 'result', ARGV[5], 'error', '', 'owner', '',
  'lease_expires', '', 'completed_at', now, 'updated_at', now)
redis.call('ZREM', LEASES, id)
redis.call('ZADD', FINISHED, now, id)
move_status(id, m[3], m[1], 'completed', m[2])
lifecycle_event('completed', id, 'epoch', epoch, 'claim', claim, 'worker_id', ARGV[6])
return {'OK', now}
