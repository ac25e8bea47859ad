-- wait.lua: leased|in_progress -> waiting (a wait_input node) | scheduled (a sleep node), holding
-- no worker and counting no attempt. Fenced by (epoch, claim).
-- The wait is described in the task hash, not committed as a step: wait_node, wait_step (the step
-- the node runs as: the committed step + 1), wait_kind (input | sleep), wait_began and wait_until
-- (Redis ms; '' for no deadline). When the task runs that node again at the same step (after the
-- input, the deadline, or any requeue), the node reads these fields and commits its outcome as a
-- normal step, so there is no moment at which a crash can make the task skip the wait: until that
-- commit, the checkpoint still says "run the wait node next".
-- Entering the same wait again (same node and step: the task was requeued before its wait was
-- served, e.g. cancelled and retried, or its holder crashed) keeps the first entry's wait_began and
-- deadline, so a re-run never restarts a timer. A new wait clears the input an earlier one got.
-- A deadline already past (a sleep of 0, an `until` in the past) parks nothing: the fields are
-- written and the answer is DUE, and the holder runs the node again at once (it finds them).
-- Indexes: a waiting task is in `waiting`, and in `delayed` by its deadline when it has one; a
-- sleeping one (scheduled) in `delayed`.
-- KEYS: see _lib.lua (leases, delayed, waiting, counts; task keys from the prefix)
-- ARGV: [1] task id, [2] epoch, [3] claim, [4] worker id, [5] kind: input | sleep, [6] node,
--       [7] step, [8] duration ms ('' none; from the wait's first entry), [9] until, Redis ms ('' none)
-- Reply: {'OK', status, deadline ('' none)} | {'DUE', deadline} | {'STALE'} | {'CANCELLED'} | {'NOT_FOUND'}
--        | {'FINISHED'}
local id, epoch, claim, worker, kind, node, step = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local meta = meta_key(id)
local m = redis.call('HMGET', meta, 'status', 'epoch', 'claim', 'tenant_id', 'wait_node', 'wait_step', 'wait_began',
  'wait_until')
local code = fence_fields(m, epoch, claim, id, 'wait')
if code ~= 'OK' then return {code} end
local now = now_ms()
local now_s = tostring(now)
local began, deadline
if m[5] == node and m[6] == step then
  began, deadline = m[7], m[8] or ''
else
  began = now_s
  if ARGV[9] ~= '' then deadline = ARGV[9]
  elseif ARGV[8] ~= '' then deadline = tostring(now + tonumber(ARGV[8]))
  else deadline = '' end
  redis.call('HSET', meta, 'wait_node', node, 'wait_step', step, 'wait_kind', kind, 'wait_began', began,
    'wait_until', deadline)
  redis.call('HDEL', meta, 'wait_input')
end
if deadline ~= '' and tonumber(deadline) <= now then return {'DUE', deadline} end
local status = kind == 'input' and WAITING or SCHEDULED
return with_index_flush(function()
  append(id, record(WAITING, 'kind', kind, 'node', node, 'step', step, 'until', deadline, 'worker_id', worker,
    'epoch', epoch, 'claim', claim))
  end_run(id, m[4], m[1], status, now_s, 'error', '')
  if status == WAITING then redis.call('ZADD', WAITING_INDEX, tonumber(began), id) end
  if deadline ~= '' then redis.call('ZADD', DELAYED, tonumber(deadline), id) end
  return {'OK', status, deadline}
end)
