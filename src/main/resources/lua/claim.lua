-- claim.lua: queued -> leased. Grants up to N ready tasks to one worker, round-robin across tenants.
-- Each grant bumps `epoch` and sets a fresh `claim` id, so every earlier holder is fenced off;
-- the lease ends at Redis-clock now + lease_ms and is indexed in `leases` for the watcher.
-- Fairness: the ring is rotated once per turn and a turn gives each tenant an equal share of
-- the free slots, so one tenant's backlog cannot starve another's single task; within a tenant
-- the highest priority, then the oldest, goes first. A tenant at its max_running cap
-- (limits:tenant:<t>, else ARGV[5]) is skipped: its surplus stays queued.
-- Idempotent per claim id base: the ids granted are kept in claim:<base> for one lease, and a
-- call that repeats a base (the worker retrying after a lost reply, ARGV[6] = '1') gets the same
-- grants back, so a lost reply costs no task an attempt it never ran. A first call skips the
-- look-up (an idle worker's poll stays at the commands it cost before).
-- A call that fails half-way (a damaged task hash) puts the ids it popped and did not grant back
-- in their queue, except the damaged one, which would fail every claim after it.
-- Writes per grant: the task hash and its `claimed` history record; per call: one ZADD to
-- `leases`, HINCRBYs of the counters, the claim:<base> record.
-- KEYS: see _lib.lua (the ring, leases, counts; ready:<t>, counts:<t>, task keys from the prefix)
-- ARGV: [1] worker id, [2] lease_ms, [3] claim id base (random, per call), [4] max tasks,
--       [5] default max running tasks per tenant (0 = none), [6] '1' when this call repeats a claim
--       whose reply was lost (same base)
-- Reply: flat list, 15 entries per granted task:
--   id, epoch, claim, lease_expires, tenant_id, agent_type, task_type, task_params, step,
--   current_node, attempts, max_attempts, history (list of records, only when step > 0; else false),
--   trace (the submission's traceparent, false when the task has none: read in the same HMGET, so
--   a claim with tracing off costs one absent field per grant), agent_version (the graph version
--   the task is pinned to, false for a task submitted before versions)
local worker, lease_ms, claim_base, want = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local lease = now + lease_ms
local now_s, lease_s = tostring(now), tostring(lease)   -- formatted once, not per grant
local claim_record = P .. 'claim:' .. claim_base
local FIELDS = {'status', 'epoch', 'tenant_id', 'agent_type', 'task_type', 'task_params', 'step', 'current_node',
  'attempts', 'max_attempts', 'claim', 'trace', 'agent_version'}

local function reply_entry(out, id, m, epoch, claim)
  local n = #out
  out[n + 1] = id; out[n + 2] = epoch; out[n + 3] = claim; out[n + 4] = lease_s
  for i = 3, 10 do out[n + 2 + i] = m[i] end
  out[n + 13] = (tonumber(m[7]) or 0) > 0 and redis.call('LRANGE', history_key(id), 0, -1) or false
  out[n + 14] = m[12] or false
  out[n + 15] = m[13] or false
end

-- A repeated call: answer with what the first one granted and still holds.
local earlier = ARGV[6] == '1' and redis.call('GET', claim_record)
if earlier then
  local out = {}
  for id in string.gmatch(earlier, '[^ ]+') do
    local m = redis.call('HMGET', meta_key(id), unpack(FIELDS))
    if is_running(m[1]) and string.sub(m[11] or '', 1, #claim_base + 1) == claim_base .. ':' then
      lease_s = redis.call('HGET', meta_key(id), 'lease_expires')
      reply_entry(out, id, m, m[2], m[11])
    end
  end
  return out
end

-- The claimed record is built by hand, the parts that need JSON escaping escaped once per call:
-- a claim id is the base, ':' and a number, so its JSON text is the escaped base's with that appended.
local prefix = '{"type":"claimed","at":' .. now_s .. ',"epoch":"'
local claim_json_head = string.sub(cjson.encode(claim_base), 1, -2) .. ':'
local not_granted = {}   -- popped, not yet granted: id -> {tenant, score}, put back if the call fails
local granted_ids = {}
local damaged = nil      -- the id being granted when the call failed
local ok, result = pcall(function()
  local out = {}
  local granted = 0
  local tenants = redis.call('LLEN', RING)
  local misses = 0
  local room = {}   -- tenant -> grants still allowed under its cap (read once per call)
  while granted < want and tenants > 0 and misses < tenants do
    local tenant = redis.call('LMOVE', RING, RING, 'LEFT', 'RIGHT')
    local q = ready_key(tenant)
    if room[tenant] == nil then
      local cap = tonumber(redis.call('HGET', tenant_limits_key(tenant), 'max_running')) or tonumber(ARGV[5]) or 0
      if cap > 0 then
        local c = redis.call('HMGET', tenant_counts_key(tenant), LEASED, IN_PROGRESS)
        room[tenant] = cap - pending_count(tenant, c[1], LEASED) - pending_count(tenant, c[2], IN_PROGRESS)
      else
        room[tenant] = want
      end
    end
    -- Each tenant in the ring gets an equal share of the free slots per turn (one ZPOPMIN for its
    -- share, not a turn per task); a tenant alone in the ring gets them all.
    local take = math.min(math.ceil((want - granted) / tenants), room[tenant])
    local popped = {}
    if take > 0 then
      popped = redis.call('ZPOPMIN', q, take)
      for p = 1, #popped, 2 do not_granted[popped[p]] = {tenant, popped[p + 1]} end
      -- fewer than asked means the queue is now empty; as many as asked needs a look
      if #popped < take * 2 or redis.call('ZCARD', q) == 0 then
        redis.call('LREM', RING, 0, tenant)
        tenants = tenants - 1
      end
    end
    local found = false
    for p = 1, #popped, 2 do
      local id = popped[p]
      damaged = id
      local meta = meta_key(id)
      local m = redis.call('HMGET', meta, unpack(FIELDS))
      if m[1] == QUEUED then
        granted = granted + 1
        found = true
        room[tenant] = room[tenant] - 1
        local epoch = tostring((tonumber(m[2]) or 0) + 1)
        local claim = claim_base .. ':' .. granted
        redis.call('HSET', meta, 'status', LEASED, 'epoch', epoch, 'owner', worker, 'claim', claim,
          'lease_expires', lease_s, 'updated_at', now_s)
        append(id, prefix .. epoch .. '","claim":' .. claim_json_head .. granted .. '"}')
        index_later(LEASES, id, lease_s)
        count_move(tenant, QUEUED, LEASED)
        granted_ids[#granted_ids + 1] = id
        reply_entry(out, id, m, epoch, claim)
      end
      -- anything else in a ready queue is a leftover of a removed task: dropping it is the repair
      not_granted[id] = nil
    end
    if found then misses = 0 elseif #popped == 0 then misses = misses + 1 end
  end
  return out
end)
if not ok then
  if damaged and not_granted[damaged] then
    not_granted[damaged] = nil
    redis.log(redis.LOG_WARNING, 'sentinel claim: task ' .. damaged .. ' left out of its queue: ' .. tostring(result))
  end
  for id, where in pairs(not_granted) do
    if redis.call('ZADD', ready_key(where[1]), where[2], id) == 1 and redis.call('ZCARD', ready_key(where[1])) == 1 then
      redis.call('RPUSH', RING, where[1])
    end
  end
end
index_flush()
if #granted_ids > 0 then redis.call('SET', claim_record, table.concat(granted_ids, ' '), 'PX', lease_ms) end
if not ok then error(result, 0) end
return result
