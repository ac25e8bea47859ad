-- record_call.lua: record one LLM call's cost, once per call_id, when its answer arrives,
-- whether or not its step later commits: money a crashed or zombie worker spent was still
-- spent, so this write is deliberately NOT fenced. In the same script: the call record, the
-- task's cost_so_far, and the tenant's totals for the day (Redis clock, UTC) and overall, per
-- model too. Amounts are integer nano-USD, so every total is the exact sum of its calls (and a call's
-- cost is exact for prices with up to three decimals in USD per million tokens).
-- ARGV: [1] task id, [2] tenant, [3] call_id, [4] model, [5] nano-USD,
--       [6] input tokens, [7] output tokens, [8] cached input tokens, [9] reasoning tokens,
--       [10] call record (JSON object; recorded_at and day are added here)
-- The call's budget reservation, if the task still holds it (release_budget in _lib.lua), is
-- given back in the same script.
-- Nothing grows without bound: the day's key expires COST_DAYS_KEPT days after the day (the
-- days index is trimmed alike), and a call answered after its task was removed by retention
-- (a worker's record retried for minutes) keeps its call_id record only for a day, for
-- de-duplication, instead of bringing the deleted task's keys back.
-- Reply: {'OK', task cost (nano-USD), day} | {'DUP'}
local id, tenant, call_id, model = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local nanos = ARGV[5]   -- passed on as text: HINCRBY adds it as a 64-bit integer
local now = now_ms()
local day = utc_date(now)
local call = cjson.decode(ARGV[10])
call['recorded_at'] = now
call['day'] = day
local task_exists = redis.call('EXISTS', meta_key(id)) == 1
if redis.call('HSETNX', calls_key(id), call_id, cjson.encode(call)) == 0 then return {'DUP'} end
if not task_exists then redis.call('PEXPIRE', calls_key(id), 86400000) end
release_budget(id, call_id)
local task_cost = 0
if task_exists then task_cost = redis.call('HINCRBY', meta_key(id), 'cost_nanos', nanos) end
local d = day_cost_key(tenant, day)
redis.call('HINCRBY', d, 'nano_usd', nanos)
redis.call('HINCRBY', d, 'calls', 1)
redis.call('HINCRBY', d, 'input_tokens', ARGV[6])
redis.call('HINCRBY', d, 'output_tokens', ARGV[7])
redis.call('HINCRBY', d, 'cached_tokens', ARGV[8])
redis.call('HINCRBY', d, 'reasoning_tokens', ARGV[9])
redis.call('HINCRBY', d, 'model:' .. model .. ':nano_usd', nanos)
redis.call('HINCRBY', d, 'model:' .. model .. ':calls', 1)
redis.call('HINCRBY', d, 'model:' .. model .. ':input_tokens', ARGV[6])
redis.call('HINCRBY', d, 'model:' .. model .. ':output_tokens', ARGV[7])
redis.call('PEXPIREAT', d, day_cost_expires_at(now))
local total = P .. 'cost:tenant:' .. tenant .. ':total'
redis.call('HINCRBY', total, 'nano_usd', nanos)
redis.call('HINCRBY', total, 'calls', 1)
local days = P .. 'cost:tenant:' .. tenant .. ':days'
redis.call('ZADD', days, math.floor(now / 86400000), day)
redis.call('ZREMRANGEBYSCORE', days, '-inf', math.floor(now / 86400000) - COST_DAYS_KEPT - 1)
if task_exists then append(id, record('llm_call', 'call_id', call_id, 'model', model, 'nano_usd', nanos)) end
return {'OK', task_cost, day}
