-- release.lua: a worker that shuts down hands a task back without counting an attempt.
-- The task returns to its tenant's ready queue at its old place (same priority and sequence).
-- Fenced by (epoch, claim): only the current holder can hand a task back.
-- ARGV: [1] prefix, [2] task id, [3] epoch, [4] claim, [5] worker id
-- Reply: {'OK'} | {'STALE'} | {'CANCELLED'} | {'NOT_FOUND'}
local id, epoch, claim = ARGV[2], ARGV[3], ARGV[4]
local code = fence(id, epoch, claim, 'release')
if code ~= 'OK' then return {code} end
local meta = meta_key(id)
local now = now_ms()
local m = redis.call('HMGET', meta, 'status', 'created_at', 'tenant_id', 'priority', 'seq')
redis.call('HSET', meta, 'status', 'queued', 'owner', '', 'lease_expires', '', 'updated_at', now)
redis.call('ZREM', LEASES, id)
enqueue_ready(id, m[3], m[4], m[5])
move_status(id, m[3], m[1], 'queued', m[2])
lifecycle_event('released', id, 'epoch', epoch, 'claim', claim, 'worker_id', ARGV[5])
redis.call('PUBLISH', SIGNAL_READY, m[3])
return {'OK'}
