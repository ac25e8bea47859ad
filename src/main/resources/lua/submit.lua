-- submit.lua: create a task and make it claimable (or schedule it for run_at).
-- Guarantees: the task hash, its queue entry, the indexes and the `submitted` event appear
-- together or not at all; a task id is never created twice (EXISTS).
-- ARGV: [1] prefix, [2] task id, [3] tenant_id, [4] agent_type, [5] task_type,
--       [6] task_params (JSON), [7] max_attempts, [8] priority, [9] cost_limit (micro-USD, '' = none),
--       [10] run_at (Redis ms, '' = now)
-- Reply: {'OK', created_at, status} | {'EXISTS'}
local id, tenant = ARGV[2], ARGV[3]
local meta = meta_key(id)
if redis.call('EXISTS', meta) == 1 then return {'EXISTS'} end
local now = now_ms()
local seq = redis.call('INCR', P .. 'seq:task')
local run_at = tonumber(ARGV[10])
local status = 'queued'
if run_at and run_at > now then status = 'scheduled' end
redis.call('HSET', meta,
  'task_id', id, 'status', status, 'tenant_id', tenant, 'agent_type', ARGV[4], 'task_type', ARGV[5],
  'task_params', ARGV[6], 'max_attempts', ARGV[7], 'priority', ARGV[8], 'cost_limit', ARGV[9],
  'cost', 0, 'attempts', 0, 'epoch', 0, 'claim', '', 'owner', '', 'step', 0, 'current_node', '',
  'seq', seq, 'created_at', now, 'updated_at', now, 'run_at', ARGV[10])
if status == 'scheduled' then
  redis.call('ZADD', DELAYED, run_at, id)
else
  enqueue_ready(id, tenant, ARGV[8], seq)
  redis.call('PUBLISH', SIGNAL_READY, tenant)
end
redis.call('ZADD', ALL, now, id)
redis.call('ZADD', tenant_index_key(tenant), now, id)
move_status(id, nil, status, now)
event('submitted', id, 'tenant_id', tenant, 'status', status)
return {'OK', now, status}
