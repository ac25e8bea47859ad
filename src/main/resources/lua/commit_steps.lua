-- commit_steps.lua: commit finished nodes of many tasks in one round trip (group commit).
-- A worker's step commits that become ready while an earlier batch is in flight travel
-- together, so Redis reads, parses and dispatches one call instead of one per step; each
-- commit is still judged on its own, as if it had come alone.
-- Per commit, all or nothing: the write is fenced by (epoch, claim); step k is accepted only
-- right after step k-1 (a replay answers DUP, a gap answers OUT_OF_ORDER, so each step is
-- committed exactly once); the checkpoint, the step record (task:{id}:steps, and the same JSON
-- in the task's audit list), the task's position and a renewed lease (in the task hash) land
-- together (a task that makes progress keeps its lease even when the periodic renew is late). A commit that
-- carries a result is the graph's last node: the same call also completes the task (no second
-- round trip to finish). The index writes of the whole batch (status indexes, leases, finished)
-- go out at the end as one ZADD/ZREM per index key (index_later in _lib.lua).
-- ARGV: [1] prefix, [2] worker id, [3] lease ms, [4] step records kept per task (0 = all),
--       then 8 per commit:
--       task id, epoch, claim, step (1-based), node name, next node ('' when the graph ends),
--       checkpoint JSON, result JSON ('' unless this step ends the task)
-- Reply: 2 entries per commit, in order: code, committed step count
--   code: OK | DUP (already committed; for a final step also: already completed by this claim)
--         | OUT_OF_ORDER | STALE | CANCELLED | NOT_FOUND
local worker, keep = ARGV[2], tonumber(ARGV[4])
local now = now_ms()
-- Times as strings once: Lua formats a number with sprintf each time redis.call sends it.
local now_s = tostring(now)
local lease_s = tostring(now + tonumber(ARGV[3]))
return with_index_flush(function()
  local out = {}
  for i = 5, #ARGV, 8 do
    local id, epoch, claim, step_s = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
    local step = tonumber(step_s)
    local node, next_node, checkpoint, result = ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7]
    local meta = meta_key(id)
    local m = redis.call('HMGET', meta, 'status', 'epoch', 'claim', 'step', 'created_at', 'tenant_id')
    local committed = tonumber(m[4]) or 0
    local code
    if m[1] == 'completed' and m[2] == epoch and m[3] == claim then
      code = 'DUP'   -- our own final commit landed and its reply was lost
    else
      code = fence_fields(m, epoch, claim, id, 'commit_step')
      if code == 'OK' then
        if step <= committed then code = 'DUP'
        elseif step ~= committed + 1 then code = 'OUT_OF_ORDER' end
      end
    end
    if code == 'OK' then
      committed = step
      redis.call('SET', checkpoint_key(id), checkpoint)
      local record = event_record('step', 'step', step_s, 'node', node, 'epoch', epoch, 'claim', claim, 'worker_id', worker)
      local steps = steps_key(id)
      local length = redis.call('RPUSH', steps, record)
      if keep > 0 and length > keep then redis.call('LTRIM', steps, -keep, -1) end
      if result == '' then
        append_event(id, record)
        -- The renewed lease goes into the hash, which decides. The `leases` index keeps the
        -- claim's or last renew's time: it may lag behind the hash, never run ahead of it, so the
        -- watcher visits a task no later than its real expiry and re-checks it against the hash
        -- (expire_leases.lua moves a lagging entry up). The periodic renew updates both; sparing
        -- the index a write per step saves a skiplist update per step.
        redis.call('HSET', meta, 'step', step_s, 'current_node', next_node, 'status', 'in_progress',
          'lease_expires', lease_s, 'updated_at', now_s)
        if m[1] ~= 'in_progress' then move_status_later(id, m[6], m[1], 'in_progress', m[5]) end
      else
        append_event(id, record, event_record('completed', 'epoch', epoch, 'claim', claim, 'worker_id', worker))
        redis.call('HSET', meta, 'step', step_s, 'current_node', '', 'status', 'completed', 'result', result,
          'error', '', 'owner', '', 'lease_expires', '', 'completed_at', now_s, 'updated_at', now_s)
        index_later(LEASES, id, false)
        index_later(FINISHED, id, now_s)
        move_status_later(id, m[6], m[1], 'completed', m[5])
        stream_event('completed', id, 'epoch', epoch, 'claim', claim, 'worker_id', worker)
      end
    end
    out[#out + 1] = code
    out[#out + 1] = committed
  end
  return out
end)
