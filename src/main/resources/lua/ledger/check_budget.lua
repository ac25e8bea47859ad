-- check_budget.lua: may this task spend about ARGV[3] nano-USD more, before an LLM call?
-- Checks the task's cost_limit, then its tenant's daily budget (the tenant's own, else the
-- default), on the Redis clock. Under a daily budget the estimate is RESERVED in the same
-- script (reserved_nanos of the day), so calls running at once cannot all pass on the same
-- spend; record_call.lua turns the reservation into the real cost, and a call that got no
-- answer gives it back (release_budget.lua). The reservation is also noted in the task's hash
-- under the call's id (release_budget in _lib.lua), so a holder that dies mid-call does not keep
-- it until midnight: expiry and cancel give it back. Callers fail closed: no answer means no call.
-- ARGV: [1] task id, [2] tenant, [3] estimate (nano-USD), [4] default daily budget (nano-USD, 0 = none),
--       [5] the call's id
-- Reply: {'OK', reserved nano-USD, day of the reservation} | {'TASK_LIMIT', cost, limit}
--        | {'TENANT_BUDGET', spent and reserved today, budget, next UTC midnight (ms)}
local id, tenant, estimate = ARGV[1], ARGV[2], tonumber(ARGV[3])
local m = redis.call('HMGET', meta_key(id), 'cost_nanos', 'cost_limit_nanos')
local cost = tonumber(m[1]) or 0
local limit = tonumber(m[2])
if limit and cost + estimate > limit then return {'TASK_LIMIT', cost, limit} end
local budget = tonumber(redis.call('HGET', tenant_limits_key(tenant), 'daily_budget_nanos')) or tonumber(ARGV[4])
if budget and budget > 0 then
  local now = now_ms()
  local day = utc_date(now)
  local d = day_cost_key(tenant, day)
  local h = redis.call('HMGET', d, 'nano_usd', 'reserved_nanos')
  local committed = (tonumber(h[1]) or 0) + math.max(tonumber(h[2]) or 0, 0)
  if committed + estimate > budget then
    return {'TENANT_BUDGET', committed, budget, (math.floor(now / 86400000) + 1) * 86400000}
  end
  -- a reservation the task still holds is a lost call's (one call at a time per task): give it back first
  release_budget(id, nil)
  redis.call('HINCRBY', d, 'reserved_nanos', estimate)
  redis.call('PEXPIREAT', d, day_cost_expires_at(now))   -- a reservation alone must not leave a key forever
  redis.call('HSET', meta_key(id), 'budget_call', ARGV[5], 'budget_nanos', estimate, 'budget_day', day)
  return {'OK', estimate, day}
end
return {'OK', 0, ''}
