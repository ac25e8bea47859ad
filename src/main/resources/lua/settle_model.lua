-- settle_model.lua: after an LLM call, correct the model's TPM limit from the estimate to the
-- real usage (a refund when the call used fewer tokens); and when the provider answered 429,
-- hold the model cluster-wide for its Retry-After.
-- ARGV: [1] prefix, [2] model, [3] tpm (0 = none), [4] estimated tokens, [5] real tokens,
--       [6] hold ms (0 = none)
-- Reply: 'OK'
local model = ARGV[2]
local tpm = tonumber(ARGV[3])
local now = now_ms()
if tpm > 0 then
  local key = P .. 'rate:model:' .. model .. ':tpm'
  local tat = tonumber(redis.call('GET', key))
  if tat then
    local new_tat = math.max(now, tat + (tonumber(ARGV[5]) - tonumber(ARGV[4])) * (60000 / tpm))
    redis.call('SET', key, new_tat, 'PX', math.ceil(new_tat - now) + 1000)
  end
end
local hold = tonumber(ARGV[6])
if hold > 0 then
  local key = P .. 'hold:model:' .. model
  if redis.call('PTTL', key) < hold then redis.call('SET', key, '1', 'PX', hold) end
end
return 'OK'
