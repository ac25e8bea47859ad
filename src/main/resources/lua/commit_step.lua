-- commit_step.lua: commit one finished node as step `step` of a task, in one round trip.
-- Guarantees, all or nothing: the write is fenced by (epoch, claim); step k is accepted only
-- right after step k-1 (a replay answers DUP, a gap answers OUT_OF_ORDER, so each step is
-- committed exactly once); the checkpoint, the step record, the task's position, a renewed
-- lease and the audit event land together.
-- ARGV: [1] prefix, [2] task id, [3] epoch, [4] claim, [5] step (1-based), [6] node name,
--       [7] next node ('' when the graph ends), [8] checkpoint JSON, [9] worker id,
--       [10] lease_ms, [11] max step records kept (0 = all)
-- Reply: {'OK', lease_expires} | {'DUP', committed} | {'OUT_OF_ORDER', committed}
--        | {'STALE'} | {'CANCELLED'} | {'NOT_FOUND'}
local id, epoch, claim = ARGV[2], ARGV[3], ARGV[4]
local meta = meta_key(id)
local m = redis.call('HMGET', meta, 'status', 'epoch', 'claim', 'step', 'created_at', 'tenant_id')
local code = fence_fields(m, epoch, claim, id, 'commit_step')
if code ~= 'OK' then return {code} end
local committed = tonumber(m[4])
local step = tonumber(ARGV[5])
if step <= committed then return {'DUP', committed} end
if step ~= committed + 1 then return {'OUT_OF_ORDER', committed} end
local now = now_ms()
local lease = now + tonumber(ARGV[10])
redis.call('SET', checkpoint_key(id), ARGV[8])
local steps = steps_key(id)
local length = redis.call('RPUSH', steps, cjson.encode({step = step, node = ARGV[6], epoch = tonumber(epoch),
  claim = claim, worker_id = ARGV[9], committed_at = now}))
local keep = tonumber(ARGV[11])
if keep > 0 and length > keep then redis.call('LTRIM', steps, -keep, -1) end
redis.call('HSET', meta, 'step', step, 'current_node', ARGV[7], 'status', 'in_progress',
  'lease_expires', lease, 'updated_at', now)
if m[1] ~= 'in_progress' then move_status(id, m[6], m[1], 'in_progress', m[5]) end
redis.call('ZADD', LEASES, lease, id)
event('step', id, 'step', step, 'node', ARGV[6], 'epoch', epoch, 'claim', claim, 'worker_id', ARGV[9])
return {'OK', lease}
