-- submit.lua: (nothing) -> queued, or -> scheduled when run_at is ahead.
-- The task hash, its ready queue (or `delayed`), the tenant's listing index and the counters
-- appear together or not at all (the history starts with the first claim: created_at is in the
-- hash, and a queued task costs no list); a task id is never created
-- twice (EXISTS). With an Idempotency-Key, a retried request gets the task the first one
-- created: the key (per tenant) is stored with the task id and a fingerprint of the request.
-- Limits are checked after idempotency (a retry of an accepted request is never refused) and a
-- refused submission changes nothing, not even the rate limiter's state.
-- KEYS: see _lib.lua (delayed, counts, the ring; task, ready:<t>, tenant:<t>:tasks, counts:<t>,
--       tenants, seq:task, idem:<t>:<key>, limits, rate:submit:<t> from the prefix)
-- ARGV: [1] task id, [2] tenant_id, [3] agent_type, [4] task_type,
--       [5] task_params (JSON), [6] max_attempts, [7] priority, [8] cost_limit (nano-USD, '' = none),
--       [9] run_at (Redis ms, '' = now), [10] idempotency key ('' = none),
--       [11] request fingerprint, [12] idempotency key TTL ms
--       [13] submit rate per second (0 = none), [14] burst, [15] max waiting tasks (0 = none)
--       (the tenant's own limits, in limits:tenant:<t>, win over these defaults),
--       [16] the steps every run takes ('' when its graph branches: the field is then left out),
--       [17] the submission's W3C traceparent ('' when tracing is off: no field is written),
--       [18] the agent graph version the task is pinned to ('' = none; kept by agent_version.lua first)
-- Reply: {'OK', created_at, status, limit, remaining, reset_ms, the task hash as written (flat field/value list)}
--        | {'EXISTS'} | {'DUPLICATE', existing task id}
--        | {'CONFLICT', existing task id} (same key, different request)
--        | {'RATE_LIMITED', retry_after_ms, limit, remaining, reset_ms} | {'QUOTA_EXCEEDED', waiting, max}
local id, tenant = ARGV[1], ARGV[2]
local meta = meta_key(id)
local idem, seen = idempotency_check(tenant, ARGV[10], ARGV[11])
if seen then return seen end
if redis.call('EXISTS', meta) == 1 then return {'EXISTS'} end
local now = now_ms()
local refused, limit, remaining, reset = admit_submission(tenant, now, ARGV[13], ARGV[14], ARGV[15])
if refused then return refused end
local seq = redis.call('INCR', P .. 'seq:task')
local run_at = tonumber(ARGV[9])
local status = QUEUED
if run_at and run_at > now then status = SCHEDULED end
-- the same list is written and returned: the API answers 201 with it, without reading the task back
local now_s = tostring(now)
local task = {
  'task_id', id, 'status', status, 'tenant_id', tenant, 'agent_type', ARGV[3], 'task_type', ARGV[4],
  'task_params', ARGV[5], 'max_attempts', ARGV[6], 'priority', ARGV[7], 'cost_limit_nanos', ARGV[8],
  'cost_nanos', '0', 'attempts', '0', 'epoch', '0', 'claim', '', 'owner', '', 'step', '0', 'current_node', '',
  'seq', tostring(seq), 'created_at', now_s, 'updated_at', now_s, 'run_at', ARGV[9]}
if ARGV[16] ~= '' then task[#task + 1] = 'total_steps'; task[#task + 1] = ARGV[16] end
-- in the same HSET: tracing costs the task hash one short field and no write of its own
if ARGV[17] ~= '' then task[#task + 1] = 'trace'; task[#task + 1] = ARGV[17] end
if ARGV[18] ~= '' then task[#task + 1] = 'agent_version'; task[#task + 1] = ARGV[18] end
redis.call('HSET', meta, unpack(task))
if status == SCHEDULED then
  redis.call('ZADD', DELAYED, run_at, id)
else
  -- wake-up only when the queue was empty: a burst of N submits costs one PUBLISH, not N
  -- fan-outs to every worker node
  if enqueue_ready(id, tenant, ARGV[7], seq) then redis.call('PUBLISH', SIGNAL_READY, tenant) end
end
register_new_task(id, tenant, status, now, idem, ARGV[11], ARGV[12])
return {'OK', now, status, limit, remaining, reset, task}
