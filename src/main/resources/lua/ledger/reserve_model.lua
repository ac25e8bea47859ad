-- reserve_model.lua: before an LLM call, take one request and the estimated tokens from the
-- model's cluster-wide RPM and TPM limits and, when the tenant has LLM limits (its own in
-- limits:tenant:{t}, else the configured defaults), from the tenant's RPM and TPM across all its
-- models: every bucket is checked first (gcra_check) and all are taken only if all allow
-- (gcra_take), so a call the tenant's limit refuses takes nothing from the model and holds no
-- room from other tenants. While the provider has told us to back off (hold:model:{m}, set from
-- a 429's Retry-After), nothing is granted. GCRA on the Redis clock, O(1).
--
-- The reply carries what settle_model.lua needs to correct each TPM bucket to the real usage
-- without ever giving back room that time has already used up (see settle_model.lua): the
-- bucket's TAT right after this reservation and its refund counter at that moment.
--
-- ARGV: [1] model, [2] rpm (0 = none), [3] rpm burst, [4] tpm (0 = none),
--       [5] tpm burst (tokens), [6] estimated tokens, [7] tenant ('' = no tenant limits),
--       [8] default tenant llm_rpm (0 = none), [9] default tenant llm_tpm (0 = none)
-- Reply: {'OK', model TAT, model refunds, tenant tpm applied, tenant TAT, tenant refunds}
--        (TATs and refund counters in Redis ms, '0' where the bucket is not limited)
--      | {'WAIT', ms until room is expected, 'hold' | 'model' | 'tenant' (the binding limit)}
-- Bursts of the tenant's limits: a tenth of the rate per minute (at least 1 request, and at
-- least the call's own tokens, so a single call larger than the burst can still pass alone).
local model, tenant = ARGV[1], ARGV[7]
local rpm, rpm_burst, tpm, tpm_burst = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local tokens = tonumber(ARGV[6])
local hold = redis.call('PTTL', P .. 'hold:model:' .. model)
if hold > 0 then return {'WAIT', hold, 'hold'} end

-- key names as in dev.sentinel.store.Keys (kept here, not in _lib.lua: only these two scripts use them)
local function model_rate_key(m, what) return P .. 'rate:model:' .. m .. ':' .. what end
local function tenant_llm_rate_key(t, what) return P .. 'rate:tenant:' .. t .. ':llm_' .. what end
local function refunds_key(rate_key) return rate_key .. ':refunds' end

local t_rpm, t_tpm = 0, 0
if tenant ~= '' then
  local own = redis.call('HMGET', tenant_limits_key(tenant), 'llm_rpm', 'llm_tpm')
  t_rpm = tonumber(own[1]) or tonumber(ARGV[8]) or 0
  t_tpm = tonumber(own[2]) or tonumber(ARGV[9]) or 0
end

local now = now_ms()
-- each limited bucket: {key, rate per second, burst, cost, scope}
local buckets = {}
if rpm > 0 then buckets[#buckets + 1] = {model_rate_key(model, 'rpm'), rpm / 60, math.max(rpm_burst, 1), 1, 'model'} end
if tpm > 0 then buckets[#buckets + 1] = {model_rate_key(model, 'tpm'), tpm / 60, math.max(tpm_burst, tokens), tokens, 'model'} end
if t_rpm > 0 then
  buckets[#buckets + 1] = {tenant_llm_rate_key(tenant, 'rpm'), t_rpm / 60, math.max(math.floor(t_rpm / 10), 1), 1, 'tenant'}
end
if t_tpm > 0 then
  buckets[#buckets + 1] = {tenant_llm_rate_key(tenant, 'tpm'), t_tpm / 60, math.max(math.floor(t_tpm / 10), tokens), tokens, 'tenant'}
end

local wait, binding = 0, nil
for _, b in ipairs(buckets) do
  local ok, _, retry, _, tat = gcra_check(b[1], b[2], b[3], b[4], now)
  b[6] = tat
  if not ok and retry > wait then wait, binding = retry, b[5] end
end
if binding then return {'WAIT', wait, binding} end

for _, b in ipairs(buckets) do gcra_take(b[1], b[6], now) end

-- a TPM bucket's position after this call's tokens, floored, and its refund counter, floored:
-- both rounded the way that can only make a later refund smaller, never larger
local function tpm_state(key)
  local refunds = tonumber(redis.call('GET', refunds_key(key))) or 0
  return tostring(math.floor(tonumber(redis.call('GET', key)))), tostring(math.floor(refunds))
end
local m_tat, m_refunds, t_tat, t_refunds = '0', '0', '0', '0'
if tpm > 0 then m_tat, m_refunds = tpm_state(model_rate_key(model, 'tpm')) end
if t_tpm > 0 then t_tat, t_refunds = tpm_state(tenant_llm_rate_key(tenant, 'tpm')) end
return {'OK', m_tat, m_refunds, tostring(t_tpm), t_tat, t_refunds}
