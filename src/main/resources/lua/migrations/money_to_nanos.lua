-- migrations/money_to_nanos.lua: key layout 2 -> 3, one batch of keys. Layout 2 kept money in
-- integer micro-USD (a call's cost rounded up to the micro, +2% on a cheap model's calls);
-- layout 3 keeps nano-USD, exact for prices with up to three decimals per million tokens. Each
-- money field of each key given is renamed to its nano-USD name with its value times 1000
-- (appending "000" to the integer text: exact at any size, where a Lua number is not), and
-- call records (JSON, task:<id>:calls) get nano_usd for micro_usd. One key is converted whole
-- in one call, and a key already converted has no micro field left, so running a batch twice
-- (a node that died mid-migration, two nodes migrating at once) converts nothing twice.
-- History records (llm_call) keep the micro_usd they were written with: readers take either.
-- Not on a hot path, and not for Redis Cluster: the keys come in ARGV, from a SCAN.
-- KEYS: see _lib.lua (unused)
-- ARGV: the hash keys to convert (full names: task:*:meta, task:*:calls, cost:tenant:*, limits:tenant:*)
-- Reply: number of fields converted
local RENAMED = {cost = 'cost_nanos', cost_limit = 'cost_limit_nanos', budget_micros = 'budget_nanos',
  micro_usd = 'nano_usd', reserved_micros = 'reserved_nanos', daily_budget_micros = 'daily_budget_nanos'}

local function times_1000(v)
  if v == '' or v == '0' then return v end
  return v .. '000'
end

local converted = 0
for _, key in ipairs(ARGV) do
  if redis.call('TYPE', key)['ok'] == 'hash' then
    local h = redis.call('HGETALL', key)
    local calls = string.sub(key, -6) == ':calls'
    for i = 1, #h, 2 do
      local field, value = h[i], h[i + 1]
      if calls then
        local ok, call = pcall(cjson.decode, value)
        if ok and type(call) == 'table' and call['micro_usd'] ~= nil then
          call['nano_usd'] = tonumber(call['micro_usd']) * 1000
          call['micro_usd'] = nil
          redis.call('HSET', key, field, cjson.encode(call))
          converted = converted + 1
        end
      else
        local model = string.match(field, '^model:(.+):micro_usd$')
        local to = RENAMED[field] or (model and ('model:' .. model .. ':nano_usd'))
        if to then
          redis.call('HSET', key, to, times_1000(value))
          redis.call('HDEL', key, field)
          converted = converted + 1
        end
      end
    end
  end
end
return converted
