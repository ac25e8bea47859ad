-- park.lua: leased|in_progress -> paused | scheduled, holding no worker and counting no attempt.
-- `paused` when the tenant's daily budget is used up (raising the budget resumes it at once,
-- resume_paused.lua), `scheduled` when it must wait for rate-limit room. The watcher makes it
-- ready again at ARGV[5] (promote_delayed.lua). Fenced by (epoch, claim).
-- KEYS: see _lib.lua (leases, delayed, counts; task keys from the prefix)
-- ARGV: [1] task id, [2] epoch, [3] claim, [4] reason, [5] resume at (Redis ms), [6] worker id,
--       [7] status: paused | scheduled
-- Reply: {'OK'} | {'STALE'} | {'CANCELLED'} | {'NOT_FOUND'} | {'FINISHED'}
local id, epoch, claim = ARGV[1], ARGV[2], ARGV[3]
local meta = meta_key(id)
local m = redis.call('HMGET', meta, 'status', 'epoch', 'claim', 'tenant_id')
local code = fence_fields(m, epoch, claim, id, 'park')
if code ~= 'OK' then return {code} end
local now_s = tostring(now_ms())
local status = ARGV[7] == SCHEDULED and SCHEDULED or PAUSED
return with_index_flush(function()
  append(id, record(status, 'reason', ARGV[4], 'resume_at', ARGV[5], 'worker_id', ARGV[6], 'epoch', epoch, 'claim', claim))
  end_run(id, m[4], m[1], status, now_s, 'error', ARGV[4])
  redis.call('ZADD', DELAYED, tonumber(ARGV[5]), id)
  return {'OK'}
end)
