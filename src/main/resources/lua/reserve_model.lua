-- reserve_model.lua: before an LLM call, take one request and the estimated tokens from the
-- model's cluster-wide RPM and TPM limits (GCRA on the Redis clock), both or neither. While the
-- provider has told us to back off (hold:model:{m}, set from a 429's Retry-After), nothing is
-- granted. O(1).
-- ARGV: [1] prefix, [2] model, [3] rpm (0 = none), [4] rpm burst, [5] tpm (0 = none),
--       [6] tpm burst (tokens), [7] estimated tokens
-- Reply: {'OK'} | {'WAIT', ms until room is expected}
local model = ARGV[2]
local rpm, rpm_burst, tpm, tpm_burst = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local tokens = tonumber(ARGV[7])
local hold = redis.call('PTTL', P .. 'hold:model:' .. model)
if hold > 0 then return {'WAIT', hold} end
local now = now_ms()
local rk, tk = P .. 'rate:model:' .. model .. ':rpm', P .. 'rate:model:' .. model .. ':tpm'
local r_ok, r_tat, t_ok, t_tat = true, nil, true, nil
local wait = 0
if rpm > 0 then
  local ok, _, retry, _, tat = gcra_check(rk, rpm / 60, math.max(rpm_burst, 1), 1, now)
  r_ok, r_tat = ok, tat
  if not ok then wait = math.max(wait, retry) end
end
if tpm > 0 then
  local ok, _, retry, _, tat = gcra_check(tk, tpm / 60, math.max(tpm_burst, tokens), tokens, now)
  t_ok, t_tat = ok, tat
  if not ok then wait = math.max(wait, retry) end
end
if not (r_ok and t_ok) then return {'WAIT', wait} end
if rpm > 0 then gcra_take(rk, r_tat, now) end
if tpm > 0 then gcra_take(tk, t_tat, now) end
return {'OK'}
