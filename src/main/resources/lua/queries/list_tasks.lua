-- queries/list_tasks.lua (API, read-only): one page of task ids, highest score first, from the
-- index that already holds the asked status (never a SCAN, never a per-status index):
--   no status      tenant:<t>:tasks (by creation), merged across tenants when no tenant is given
--   queued         ready:<t> (by priority, then submission), merged across the ring's tenants
--   leased, in_progress                      `leases` (by lease deadline)
--   scheduled, retrying, paused              `delayed` (by due time)
--   waiting                                  `waiting` (by when the wait began)
--   completed, failed, cancelled             `finished` (by finish time)
-- The global indexes hold several statuses and every tenant: each entry is checked against its
-- hash. With a tenant, the smaller of tenant:<t>:tasks and the global index is walked, so a page
-- of one tenant's tasks costs about the page, not the other tenants' tasks. At most ARGV[8]
-- entries are looked at per call; a page cut short by that budget still returns a cursor.
-- `total` comes from the counters (exact) unless agent_type or task_type filter: then the walk
-- counts on past the page within the budget, and answers -1 when the budget ran out first.
-- KEYS: see _lib.lua (leases, delayed, waiting, finished, counts, the ring; tenant keys from the prefix)
-- ARGV: [1] status, [2] tenant_id, [3] agent_type, [4] task_type ('' = any),
--       [5] cursor ('' or "[t|g]<score>:<task id>": continue after that entry; t/g names the
--           index walked when a tenant and a status are given),
--       [6] offset (matches to skip), [7] limit, [8] scan budget
-- Reply: {total (-1: too many to count within the budget), next cursor ('' = no more), ids...}
local status, tenant, agent, task_type = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local offset, limit, budget = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])

local cursor_source, max_score, after_id = '', '+inf', nil
if ARGV[5] ~= '' then
  local c = ARGV[5]
  local first = string.sub(c, 1, 1)
  if first == 't' or first == 'g' then cursor_source, c = first, string.sub(c, 2) end
  local sep = string.find(c, ':', 1, true)
  max_score = string.sub(c, 1, sep - 1)
  after_id = string.sub(c, sep + 1)
end

local sources, source_code = {}, ''
local check_status, check_tenant = false, false
local counted = nil   -- the exact total, from the counters
if status == '' or status == QUEUED then
  local key = status == '' and tenant_tasks_key or ready_key
  if tenant ~= '' then sources[1] = key(tenant)
  else
    local tenants = status == '' and redis.call('SMEMBERS', P .. 'tenants') or redis.call('LRANGE', RING, 0, -1)
    for _, t in ipairs(tenants) do sources[#sources + 1] = key(t) end
  end
  local field = status == '' and 'total' or QUEUED
  counted = redis.call('HGET', tenant ~= '' and tenant_counts_key(tenant) or COUNTS, field)
else
  local global = is_running(status) and LEASES or (is_delayed(status) and DELAYED
    or (status == WAITING and WAITING_INDEX or FINISHED))
  check_status = true
  if tenant == '' then
    sources[1] = global
    counted = redis.call('HGET', COUNTS, status)
  else
    local own = tenant_tasks_key(tenant)
    if cursor_source == 't' or (cursor_source == '' and redis.call('ZCARD', own) <= redis.call('ZCARD', global)) then
      sources[1], source_code = own, 't'
    else
      sources[1], source_code, check_tenant = global, 'g', true
    end
    counted = redis.call('HGET', tenant_counts_key(tenant), status)
  end
end
local check_fields = check_status or check_tenant or agent ~= '' or task_type ~= ''
local total = (agent == '' and task_type == '') and (tonumber(counted) or 0) or nil

local function matches(id)
  if not check_fields then return true end
  local m = redis.call('HMGET', meta_key(id), 'status', 'tenant_id', 'agent_type', 'task_type')
  if not m[1] then return false end
  return (not check_status or m[1] == status) and (not check_tenant or m[2] == tenant)
    and (agent == '' or m[3] == agent) and (task_type == '' or m[4] == task_type)
end

-- Each source is walked in chunks from the cursor down; the merge takes the highest (score, id).
local CHUNK = 100
local heads = {}
local function refill(s)
  local h = heads[s]
  if h.done or h.i <= #h.chunk then return end
  local chunk = redis.call('ZREVRANGEBYSCORE', sources[s], max_score, '-inf', 'WITHSCORES', 'LIMIT', h.position, CHUNK)
  h.position = h.position + #chunk / 2
  h.chunk, h.i = {}, 1
  for i = 1, #chunk, 2 do
    local id, score = chunk[i], chunk[i + 1]
    -- entries at the cursor's score with ids at or after it (reverse order) were on earlier pages
    if not (after_id and score == max_score and id >= after_id) then
      h.chunk[#h.chunk + 1] = {id, score, tonumber(score)}
    end
  end
  if #chunk < CHUNK * 2 then h.done = #h.chunk == 0 end
  if #h.chunk == 0 and not h.done then return refill(s) end
end
for s = 1, #sources do
  heads[s] = {position = 0, chunk = {}, i = 1, done = false}
  refill(s)
end
local function next_entry()
  local best = nil
  for s = 1, #sources do
    local h = heads[s]
    local e = h.chunk[h.i]
    if e and (not best or e[3] > best[2][3] or (e[3] == best[2][3] and e[1] > best[2][1])) then best = {s, e} end
  end
  if not best then return nil end
  heads[best[1]].i = heads[best[1]].i + 1
  refill(best[1])
  return best[2]
end

local out = {0, ''}
local found, skipped, scanned, matched = 0, 0, 0, 0
local last, exhausted = '', false
while scanned < budget do
  local e = next_entry()
  if not e then exhausted = true; break end
  scanned = scanned + 1
  if found < limit then last = source_code .. e[2] .. ':' .. e[1] end
  if matches(e[1]) then
    matched = matched + 1
    if skipped < offset then
      skipped = skipped + 1
    elseif found < limit then
      found = found + 1
      out[#out + 1] = e[1]
    end
  end
  -- the page is full: stop, unless a filtered total is still being counted
  if found == limit and total then break end
end
if total == nil then total = exhausted and matched or -1 end
out[1] = total
-- the cursor is the last entry looked at for this page; none when every source ran dry with no
-- match left past the page (matches past the page are only counted when filtering)
if exhausted and matched <= skipped + found then last = '' end
out[2] = last
return out
