-- claim.lua: grant up to N ready tasks to one worker, round-robin across tenants.
-- Each grant bumps `epoch` and sets a fresh `claim` id, so every earlier holder is fenced off;
-- the lease ends at Redis-clock now + lease_ms and is indexed in `leases` for the watcher.
-- The tenant ring is rotated once per turn, and a turn gives each tenant an equal share of the
-- free slots, so one tenant's backlog cannot starve another tenant's single task; within a
-- tenant the highest priority, then the oldest, goes first.
-- A tenant at its max_running cap (limits:tenant:{id}, else the default ARGV[6]) is skipped:
-- its surplus tasks stay queued while other tenants' tasks run. The index writes of all grants
-- (leases, status indexes) go out at the end, one ZADD/ZREM per index key.
-- ARGV: [1] prefix, [2] worker id, [3] lease_ms, [4] claim id base (random, per call), [5] max tasks,
--       [6] default max running tasks per tenant (0 = none)
-- Reply: flat list, 13 entries per granted task:
--   id, epoch, claim, lease_expires, tenant_id, agent_type, task_type, task_params, step,
--   current_node, attempts, max_attempts, checkpoint (nil when none)
local worker, lease_ms, claim_base, want = ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local now = now_ms()
local lease = now + lease_ms
local now_s, lease_s = tostring(now), tostring(lease)   -- formatted once, not per grant
return with_index_flush(function()
  local out = {}
  local granted = 0
  local tenants = redis.call('LLEN', RING)
  local misses = 0
  local caps = {}   -- tenant -> max running (read once per call)
  while granted < want and tenants > 0 and misses < tenants do
    local tenant = redis.call('LMOVE', RING, RING, 'LEFT', 'RIGHT')
    local q = ready_key(tenant)
    local cap = caps[tenant]
    if cap == nil then
      cap = tonumber(redis.call('HGET', tenant_limits_key(tenant), 'max_running')) or tonumber(ARGV[6]) or 0
      caps[tenant] = cap
    end
    -- Each tenant in the ring gets an equal share of the free slots per turn (one ZPOPMIN for its
    -- share, not a turn per task); a tenant alone in the ring gets them all.
    local take = math.ceil((want - granted) / tenants)
    if cap > 0 then take = math.min(take, cap - tenant_running(tenant)) end
    local popped = {}
    if take > 0 then
      popped = redis.call('ZPOPMIN', q, take)
      -- fewer than asked means the queue is now empty; as many as asked needs a look
      if #popped < take * 2 or redis.call('ZCARD', q) == 0 then
        redis.call('LREM', RING, 0, tenant)
        tenants = tenants - 1
      end
    end
    local found = false
    for p = 1, #popped, 2 do
      local id = popped[p]
      local meta = meta_key(id)
      -- one read for the status check and the reply; the checkpoint only exists after a commit
      local m = redis.call('HMGET', meta, 'status', 'created_at', 'epoch', 'tenant_id', 'agent_type', 'task_type',
        'task_params', 'step', 'current_node', 'attempts', 'max_attempts')
      if m[1] == 'queued' then
        granted = granted + 1
        found = true
        local epoch = (tonumber(m[3]) or 0) + 1
        local claim = claim_base .. ':' .. granted
        redis.call('HSET', meta, 'status', 'leased', 'epoch', epoch, 'owner', worker, 'claim', claim,
          'lease_expires', lease_s, 'updated_at', now_s)
        index_later(LEASES, id, lease_s)
        move_status_later(id, tenant, 'queued', 'leased', m[2])
        event('claimed', id, 'epoch', epoch, 'claim', claim, 'worker_id', worker)
        local n = #out
        out[n + 1] = id; out[n + 2] = epoch; out[n + 3] = claim; out[n + 4] = lease
        for i = 1, 8 do out[n + 4 + i] = m[3 + i] end
        out[n + 13] = (tonumber(m[8]) or 0) > 0 and redis.call('GET', checkpoint_key(id)) or false
      end
      -- anything else in a ready queue is a leftover of a removed task: dropping it is the repair
    end
    if found then misses = 0 elseif #popped == 0 then misses = misses + 1 end
  end
  return out
end)
