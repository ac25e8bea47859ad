-- pause.lua: a worker parks a task until ARGV[6] (its tenant's daily budget is used up):
-- status `paused`, no worker held, no attempt counted; the watcher makes it ready again when
-- that time comes, and raising the budget resumes it at once (resume_paused.lua).
-- Fenced by (epoch, claim).
-- ARGV: [1] prefix, [2] task id, [3] epoch, [4] claim, [5] reason, [6] resume at (Redis ms), [7] worker id
-- Reply: {'OK'} | {'STALE'} | {'CANCELLED'} | {'NOT_FOUND'}
local id, epoch, claim = ARGV[2], ARGV[3], ARGV[4]
local code = fence(id, epoch, claim)
if code ~= 'OK' then return {code} end
local meta = meta_key(id)
local now = now_ms()
local m = redis.call('HMGET', meta, 'status', 'created_at', 'tenant_id')
redis.call('HSET', meta, 'status', 'paused', 'owner', '', 'lease_expires', '', 'error', ARGV[5], 'updated_at', now)
redis.call('ZREM', LEASES, id)
redis.call('ZADD', DELAYED, tonumber(ARGV[6]), id)
move_status(id, m[3], m[1], 'paused', m[2])
lifecycle_event('paused', id, 'reason', ARGV[5], 'resume_at', ARGV[6], 'worker_id', ARGV[7])
return {'OK'}
