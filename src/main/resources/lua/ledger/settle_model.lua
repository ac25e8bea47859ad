-- settle_model.lua: after an LLM call, correct the TPM buckets it reserved from (the model's
-- and, when it has one, the tenant's) from the estimate to the real usage; and when the
-- provider answered 429, hold the model cluster-wide for its Retry-After.
--
-- Why a refund is capped. Think of each reservation as a slot of the bucket's timeline,
-- [start, TAT after it], starting no earlier than the moment it was taken; slots never overlap
-- and a grant needs its slot to end within burst of now. That is what makes "tokens reserved
-- in any window W <= tpm/60 * W + burst" hold. A refund removes the unused tail of the call's
-- own slot and shifts the later slots back by as much. Giving back more than the part of the
-- slot still ahead of now would hand out again room that time has already used up (e.g. after
-- the bucket went idle and a new call started a fresh slot at now), and the bound would break.
-- So the refund is at most (the slot's end - now), where the slot's end is its TAT at
-- reservation less every refund applied to the bucket since (the refunds counter, which only
-- grows: counting other calls' refunds too only makes the cap smaller). A call that used more
-- than its estimate is charged the difference as a new slot at the end.
--
-- ARGV: [1] model, [2] model tpm (0 = none), [3] estimated tokens, [4] real tokens,
--       [5] hold ms (0 = none), [6] model TAT at reservation, [7] model refunds at reservation,
--       [8] tenant ('' = none), [9] tenant tpm applied at reservation (0 = none),
--       [10] tenant TAT at reservation, [11] tenant refunds at reservation
-- Reply: 'OK'
local REFUNDS_TTL_MS = 86400000   -- far longer than any call; a missing counter means "unknown"

-- key names as in dev.sentinel.store.Keys (see reserve_model.lua)
local function model_rate_key(m, what) return P .. 'rate:model:' .. m .. ':' .. what end
local function tenant_llm_rate_key(t, what) return P .. 'rate:tenant:' .. t .. ':llm_' .. what end
local function refunds_key(rate_key) return rate_key .. ':refunds' end

local estimated, real = tonumber(ARGV[3]), tonumber(ARGV[4])
local now = now_ms()

local function settle(key, tpm, slot_end, refunds_then)
  local interval = 60000 / tpm   -- ms per token
  local tat = tonumber(redis.call('GET', key))
  if real > estimated then
    local new_tat = math.max(tat or now, now) + (real - estimated) * interval
    redis.call('SET', key, new_tat, 'PX', math.ceil(new_tat - now) + 1000)
    return
  end
  if not tat or tat <= now then return end   -- every slot is behind us: nothing left to give back
  local rk = refunds_key(key)
  local refunds_now = tonumber(redis.call('GET', rk))
  if not refunds_now then
    if refunds_then > 0 then return end      -- counter lost: cannot bound the refund, keep the charge
    refunds_now = 0
  end
  local ahead = slot_end - (refunds_now - refunds_then) - now
  local refund = math.min((estimated - real) * interval, ahead, tat - now)
  if refund <= 0 then return end
  local new_tat = tat - refund
  redis.call('SET', key, new_tat, 'PX', math.ceil(new_tat - now) + 1000)
  redis.call('INCRBYFLOAT', rk, refund)
  redis.call('PEXPIRE', rk, REFUNDS_TTL_MS)
end

local m_tpm, t_tpm, tenant = tonumber(ARGV[2]), tonumber(ARGV[9]), ARGV[8]
if m_tpm > 0 then settle(model_rate_key(ARGV[1], 'tpm'), m_tpm, tonumber(ARGV[6]), tonumber(ARGV[7])) end
if tenant ~= '' and t_tpm > 0 then
  settle(tenant_llm_rate_key(tenant, 'tpm'), t_tpm, tonumber(ARGV[10]), tonumber(ARGV[11]))
end

local hold = tonumber(ARGV[5])
if hold > 0 then
  local key = P .. 'hold:model:' .. ARGV[1]
  if redis.call('PTTL', key) < hold then redis.call('SET', key, '1', 'PX', hold) end
end
return 'OK'
