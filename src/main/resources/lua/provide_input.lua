-- provide_input.lua (API): waiting -> queued, with the input the task waited for.
-- Stores the input in the task hash (wait_input), where the wait node finds it when the task runs
-- it again at the same step and commits it as that step's output; the task leaves `waiting` (and
-- `delayed`, when its wait had a timeout) and joins its ready queue; a signal wakes workers.
-- Only a task waiting for input at the step the caller validated the input for is changed: any
-- other status (the timeout came first, it was cancelled, it is running) answers NOT_WAITING and
-- writes nothing, so an input is accepted at most once per wait.
-- KEYS: see _lib.lua (delayed, waiting, counts, the ring; task keys and ready:<t> from the prefix)
-- ARGV: [1] task id, [2] the wait's step (as read when the input was validated), [3] input JSON
-- Reply: {'OK'} | {'NOT_WAITING', status} | {'NOT_FOUND'}
local id = ARGV[1]
local meta = meta_key(id)
local m = redis.call('HMGET', meta, 'status', 'tenant_id', 'priority', 'seq', 'wait_step', 'wait_kind')
if not m[1] then return {'NOT_FOUND'} end
if m[1] ~= WAITING or m[5] ~= ARGV[2] or m[6] ~= 'input' then return {'NOT_WAITING', m[1]} end
local now_s = tostring(now_ms())
return with_index_flush(function()
  redis.call('HSET', meta, 'status', QUEUED, 'wait_input', ARGV[3], 'updated_at', now_s)
  redis.call('ZREM', WAITING_INDEX, id)
  redis.call('ZREM', DELAYED, id)
  append(id, record('input', 'step', m[5]))
  count_move(m[2], WAITING, QUEUED)
  enqueue_ready(id, m[2], m[3], m[4])
  redis.call('PUBLISH', SIGNAL_READY, m[2])
  return {'OK'}
end)
