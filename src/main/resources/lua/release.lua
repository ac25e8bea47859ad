-- release.lua: leased|in_progress -> queued. A worker that shuts down (or finds Redis behind its
-- own commits: OUT_OF_ORDER) hands a task back without counting an attempt. The task returns
-- to its tenant's ready queue at its old place (same priority and sequence).
-- Fenced by (epoch, claim): only the current holder can hand a task back.
-- KEYS: see _lib.lua (leases, counts, the ring; task keys and ready:<t> from the prefix)
-- ARGV: [1] task id, [2] epoch, [3] claim, [4] worker id
-- Reply: {'OK'} | {'STALE'} | {'CANCELLED'} | {'NOT_FOUND'} | {'FINISHED'}
local id, epoch, claim = ARGV[1], ARGV[2], ARGV[3]
local meta = meta_key(id)
local m = redis.call('HMGET', meta, 'status', 'epoch', 'claim', 'tenant_id', 'priority', 'seq')
local code = fence_fields(m, epoch, claim, id, 'release')
if code ~= 'OK' then return {code} end
local now_s = tostring(now_ms())
return with_index_flush(function()
  append(id, record('released', 'epoch', epoch, 'claim', claim, 'worker_id', ARGV[4]))
  end_run(id, m[4], m[1], QUEUED, now_s)
  enqueue_ready(id, m[4], m[5], m[6])
  redis.call('PUBLISH', SIGNAL_READY, m[4])
  return {'OK'}
end)
