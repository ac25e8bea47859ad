-- pause.lua: a worker parks a task until ARGV[6], holding no worker and counting no attempt:
-- status `paused` when its tenant's daily budget is used up (raising the budget resumes it at
-- once, resume_paused.lua), or `scheduled` when it must wait for rate-limit room. The watcher
-- makes it ready again when that time comes. Fenced by (epoch, claim).
-- ARGV: [1] prefix, [2] task id, [3] epoch, [4] claim, [5] reason, [6] resume at (Redis ms), [7] worker id,
--       [8] status: paused | scheduled
-- Reply: {'OK'} | {'STALE'} | {'CANCELLED'} | {'NOT_FOUND'}
local id, epoch, claim = ARGV[2], ARGV[3], ARGV[4]
local code = fence(id, epoch, claim, 'pause')
if code ~= 'OK' then return {code} end
local meta = meta_key(id)
local now = now_ms()
local m = redis.call('HMGET', meta, 'status', 'created_at', 'tenant_id')
local status = ARGV[8] == 'scheduled' and 'scheduled' or 'paused'
redis.call('HSET', meta, 'status', status, 'owner', '', 'lease_expires', '', 'error', ARGV[5], 'updated_at', now)
redis.call('ZREM', LEASES, id)
redis.call('ZADD', DELAYED, tonumber(ARGV[6]), id)
move_status(id, m[3], m[1], status, m[2])
lifecycle_event(status, id, 'reason', ARGV[5], 'resume_at', ARGV[6], 'worker_id', ARGV[7], 'epoch', epoch, 'claim', claim)
return {'OK'}
