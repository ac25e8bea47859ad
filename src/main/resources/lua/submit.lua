-- submit.lua: create a task and make it claimable (or schedule it for run_at).
-- Guarantees: the task hash, its queue entry, the indexes and the `submitted` event appear
-- together or not at all; a task id is never created twice (EXISTS).
-- With an Idempotency-Key, a retried request gets the task the first one created: the key
-- (per tenant) is stored with the task id and a fingerprint of the request, in this script.
-- ARGV: [1] prefix, [2] task id, [3] tenant_id, [4] agent_type, [5] task_type,
--       [6] task_params (JSON), [7] max_attempts, [8] priority, [9] cost_limit (micro-USD, '' = none),
--       [10] run_at (Redis ms, '' = now), [11] idempotency key ('' = none),
--       [12] request fingerprint, [13] idempotency key TTL ms
--       [14] submit rate per second (0 = none), [15] burst, [16] max waiting tasks (0 = none)
--       (the tenant's own limits, in limits:tenant:{id}, win over these defaults)
-- Reply: {'OK', created_at, status, limit, remaining, reset_ms} | {'EXISTS'} | {'DUPLICATE', existing task id}
--        | {'CONFLICT', existing task id} (same key, different request)
--        | {'RATE_LIMITED', retry_after_ms, limit, remaining, reset_ms} | {'QUOTA_EXCEEDED', waiting, max}
-- Limits are checked after idempotency (a retry of an accepted request is never refused) and
-- a refused submission changes nothing, not even the rate limiter's state.
local id, tenant = ARGV[2], ARGV[3]
local meta = meta_key(id)
local idem = nil
if ARGV[11] ~= '' then
  idem = P .. 'idem:' .. tenant .. ':' .. ARGV[11]
  local seen = redis.call('HMGET', idem, 'task_id', 'fingerprint')
  if seen[1] then
    if seen[2] == ARGV[12] then return {'DUPLICATE', seen[1]} end
    return {'CONFLICT', seen[1]}
  end
end
if redis.call('EXISTS', meta) == 1 then return {'EXISTS'} end
local now = now_ms()
local own = redis.call('HMGET', tenant_limits_key(tenant), 'submit_rate', 'submit_burst', 'max_queued')
local rate = tonumber(own[1]) or tonumber(ARGV[14]) or 0
local burst = tonumber(own[2]) or tonumber(ARGV[15]) or 1
local max_waiting = tonumber(own[3]) or tonumber(ARGV[16]) or 0
if max_waiting > 0 then
  local waiting = tenant_waiting(tenant)
  if waiting >= max_waiting then return {'QUOTA_EXCEEDED', waiting, max_waiting} end
end
local limit, remaining, reset = 0, -1, 0
if rate > 0 then
  local allowed, left, retry_after, reset_ms = gcra(P .. 'rate:submit:' .. tenant, rate, math.max(burst, 1), 1, now)
  if not allowed then return {'RATE_LIMITED', retry_after, math.max(burst, 1), left, reset_ms} end
  limit, remaining, reset = math.max(burst, 1), left, reset_ms
end
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
  -- wake-up only when the queue was empty: a burst of N submits costs one PUBLISH, not N
  -- fan-outs to every worker node
  if enqueue_ready(id, tenant, ARGV[8], seq) then redis.call('PUBLISH', SIGNAL_READY, tenant) end
end
redis.call('ZADD', ALL, now, id)
redis.call('ZADD', tenant_index_key(tenant), now, id)
redis.call('ZADD', agent_index_key(ARGV[4]), now, id)
redis.call('ZADD', type_index_key(ARGV[5]), now, id)
if idem then
  redis.call('HSET', idem, 'task_id', id, 'fingerprint', ARGV[12])
  redis.call('PEXPIRE', idem, ARGV[13])
end
move_status(id, tenant, nil, status, now)
lifecycle_event('submitted', id, 'tenant_id', tenant, 'status', status)
return {'OK', now, status, limit, remaining, reset}
