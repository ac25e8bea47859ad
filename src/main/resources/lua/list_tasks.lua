-- list_tasks.lua (API, read-only): one page of task ids, newest first, read from the indexes
-- the state scripts keep (never a SCAN of the keyspace). With several filters it walks the
-- smallest matching index and checks the others, scanning at most ARGV[9] entries per call.
-- ARGV: [1] prefix, [2] status, [3] tenant_id, [4] agent_type, [5] task_type ('' = any),
--       [6] cursor ('' or "<created_at ms>:<task id>": continue after that entry),
--       [7] offset (matches to skip), [8] limit, [9] scan budget
-- Reply: {total (-1: too many to count within the budget), next cursor ('' = no more), ids...}
local status, tenant, agent, task_type = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local offset, limit, budget = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])

local indexes = {}
if tenant ~= '' and status ~= '' then indexes[#indexes + 1] = tenant_status_key(tenant, status)
elseif tenant ~= '' then indexes[#indexes + 1] = tenant_index_key(tenant)
elseif status ~= '' then indexes[#indexes + 1] = status_key(status) end
if agent ~= '' then indexes[#indexes + 1] = agent_index_key(agent) end
if task_type ~= '' then indexes[#indexes + 1] = type_index_key(task_type) end
if #indexes == 0 then indexes[1] = ALL end

local primary, size = 1, redis.call('ZCARD', indexes[1])
for i = 2, #indexes do
  local n = redis.call('ZCARD', indexes[i])
  if n < size then primary, size = i, n end
end
local walk = table.remove(indexes, primary)

local function matches(id)
  for _, k in ipairs(indexes) do
    if not redis.call('ZSCORE', k, id) then return false end
  end
  return true
end

local total = size
if #indexes > 0 then
  if size > budget then
    total = -1
  else
    total = 0
    local all = redis.call('ZRANGE', walk, 0, -1)
    for _, id in ipairs(all) do if matches(id) then total = total + 1 end end
  end
end

local max_score, after_id = '+inf', nil
if ARGV[6] ~= '' then
  local sep = string.find(ARGV[6], ':', 1, true)
  max_score = string.sub(ARGV[6], 1, sep - 1)
  after_id = string.sub(ARGV[6], sep + 1)
end

local out = {total, ''}
local found, skipped, scanned, position = 0, 0, 0, 0
local last = ''
while found < limit and scanned < budget do
  local chunk = redis.call('ZREVRANGEBYSCORE', walk, max_score, '-inf', 'WITHSCORES', 'LIMIT', position, 200)
  if #chunk == 0 then last = ''; break end
  position = position + #chunk / 2
  for i = 1, #chunk, 2 do
    local id, score = chunk[i], chunk[i + 1]
    -- entries at or before the cursor (same ms, ids in reverse order) were on earlier pages
    if not (after_id and score == max_score and id >= after_id) then
      scanned = scanned + 1
      last = score .. ':' .. id
      if matches(id) then
        if skipped < offset then
          skipped = skipped + 1
        else
          found = found + 1
          out[#out + 1] = id
          if found == limit then break end
        end
      end
      if scanned >= budget then break end
    end
  end
  if #chunk < 400 and found < limit and scanned < budget then last = ''; break end
end
out[2] = last
return out
