-- check_budget.lua (read-only): may this task spend about ARGV[4] micro-USD more, before an
-- LLM call? Checks the task's cost_limit, then its tenant's daily budget (the tenant's own,
-- else the default), on the Redis clock. Callers fail closed: no answer means no call.
-- ARGV: [1] prefix, [2] task id, [3] tenant, [4] estimate (micro-USD), [5] default daily budget (micro-USD, 0 = none)
-- Reply: {'OK'} | {'TASK_LIMIT', cost, limit} | {'TENANT_BUDGET', spent today, budget, next UTC midnight (ms)}
local id, tenant, estimate = ARGV[2], ARGV[3], tonumber(ARGV[4])
local m = redis.call('HMGET', meta_key(id), 'cost', 'cost_limit')
local cost = tonumber(m[1]) or 0
local limit = tonumber(m[2])
if limit and cost + estimate > limit then return {'TASK_LIMIT', cost, limit} end
local budget = tonumber(redis.call('HGET', tenant_limits_key(tenant), 'daily_budget_micros')) or tonumber(ARGV[5])
if budget and budget > 0 then
  local now = now_ms()
  local spent = tonumber(redis.call('HGET', day_cost_key(tenant, utc_date(now)), 'micro_usd')) or 0
  if spent + estimate > budget then
    return {'TENANT_BUDGET', spent, budget, (math.floor(now / 86400000) + 1) * 86400000}
  end
end
return {'OK'}
