-- _lib.lua: shared fragment, included (not pasted) at the top of every script by LuaScripts.
-- Every script is called with ARGV[1] = the key prefix; its own arguments start at ARGV[2].
-- Key names here must match dev.sentinel.store.Keys.
--
-- Invariants the fragments keep (every script relies on them):
--   * a tenant is in the ring `queue:tenants` exactly when its `queue:ready:<tenant>` ZSET is
--     non-empty, so claim never misses a tenant and never spins on an empty one;
--   * a task id is in `index:status:<s>` for exactly its current status s;
--   * `leases` holds exactly the tasks in a running status (leased, in_progress), each with a
--     score at or before the `lease_expires` in its hash (the hash decides; a step commit
--     renews the hash only, so the index may lag, but never runs ahead).
local P = ARGV[1]
local EVENTS_MAXLEN = 100000     -- stream:events is trimmed approximately (MAXLEN ~)
local TASK_EVENTS_MAX = 2000     -- task:{id}:events keeps about this many newest records
local TASK_EVENTS_TRIM = 200     -- ... trimmed in chunks, so LTRIM runs at most once per 200 events
local PRIORITY_SPAN = 1000000000000  -- 1e12: FIFO sequence numbers stay below this

-- Redis-clock ms, read once per script call: every time a script stores is the same instant.
local NOW = nil
local function now_ms()
  if NOW == nil then
    local t = redis.call('TIME')
    NOW = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return NOW
end

local function meta_key(id) return P .. 'task:' .. id .. ':meta' end
local function checkpoint_key(id) return P .. 'task:' .. id .. ':checkpoint' end
local function steps_key(id) return P .. 'task:' .. id .. ':steps' end
local function calls_key(id) return P .. 'task:' .. id .. ':calls' end
local function events_key(id) return P .. 'task:' .. id .. ':events' end
local function agent_index_key(agent) return P .. 'index:agent:' .. agent end
local function type_index_key(task_type) return P .. 'index:type:' .. task_type end
local function ready_key(tenant) return P .. 'queue:ready:' .. tenant end
local function status_key(status) return P .. 'index:status:' .. status end
local function tenant_status_key(tenant, status) return P .. 'index:tenant:' .. tenant .. ':status:' .. status end
local function tenant_index_key(tenant) return P .. 'index:tenant:' .. tenant end
local RING = P .. 'queue:tenants'
local DELAYED = P .. 'queue:delayed'
local LEASES = P .. 'leases'
local FINISHED = P .. 'index:finished'
local ALL = P .. 'index:all'
local EVENTS = P .. 'stream:events'
local AUDIT_REFUSED = P .. 'audit:refused'
local AUDIT_REFUSED_MAXLEN = 100000
local SIGNAL_READY = P .. 'signal:ready'
local SIGNAL_CANCEL = P .. 'signal:cancel'

-- The UTC date (YYYY-MM-DD) of a Redis-clock time, for per-day cost buckets (civil-from-days).
local function utc_date(ms)
  local z = math.floor(ms / 86400000) + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return string.format('%04d-%02d-%02d', y, m, d)
end

local function day_cost_key(tenant, day) return P .. 'cost:tenant:' .. tenant .. ':' .. day end
local function tenant_limits_key(tenant) return P .. 'limits:tenant:' .. tenant end

-- GCRA (generic cell rate algorithm) on the Redis clock: one key holding the theoretical
-- arrival time (TAT), O(1) per decision, exact across every node. `rate` per second, `burst`
-- requests allowed at once, `cost` of this request. Chosen over a token bucket because one
-- number holds the whole state (no refill bookkeeping) and the answer gives retry-after directly.
-- Returns allowed (bool), remaining, retry_after_ms, reset_ms (until the bucket is full again).
-- gcra_check decides without writing (so several limits can be checked before any is taken);
-- gcra_take writes the new TAT.
local function gcra_check(key, rate, burst, cost, now)
  local interval = 1000 / rate                  -- ms per request (or per token)
  local tolerance = interval * burst            -- how far ahead of now the TAT may run
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  local new_tat = tat + interval * cost
  local allow_at = new_tat - tolerance
  if allow_at > now then
    local remaining = math.floor((tolerance - (tat - now)) / interval)
    return false, math.max(remaining, 0), math.ceil(allow_at - now), math.ceil(tat - now), new_tat
  end
  return true, math.floor((tolerance - (new_tat - now)) / interval), 0, math.ceil(new_tat - now), new_tat
end

local function gcra_take(key, new_tat, now)
  redis.call('SET', key, new_tat, 'PX', math.ceil(new_tat - now) + 1000)
end

local function gcra(key, rate, burst, cost, now)
  local allowed, remaining, retry_after, reset, new_tat = gcra_check(key, rate, burst, cost, now)
  if allowed then gcra_take(key, new_tat, now) end
  return allowed, remaining, retry_after, reset
end

-- Deferred index writes, for the scripts that handle many tasks per call (claim, commit_steps):
-- every ZSET index write is noted here and index_flush() sends one ZADD and one ZREM per index
-- key, however many tasks the call touched. Redis charges each redis.call 1-2 µs beyond the
-- command's own work (argument objects, checks, the reply parsed back into Lua, propagation to
-- the AOF), so a call that moves 30 tasks through five indexes saves ~140 of them.
-- Only the net effect per (key, member) is kept: the last write wins, exactly as if every write
-- had been applied in order. A script that defers runs its body through with_index_flush() and
-- must flush before it reads an index (tenant_running and tenant_waiting flush first).
local PENDING = {}       -- key -> {member -> score, or false for a removal}
local PENDING_KEYS = {}  -- keys in first-use order
local function index_later(key, member, score)
  local writes = PENDING[key]
  if not writes then
    writes = {}
    PENDING[key] = writes
    PENDING_KEYS[#PENDING_KEYS + 1] = key
  end
  writes[member] = score or false
end

local INDEX_CHUNK = 500  -- members per command: keeps unpack() far below Lua's stack limit
local function index_send(command, key, args)
  for first = 1, #args, INDEX_CHUNK * 2 do
    redis.call(command, key, unpack(args, first, math.min(#args, first + INDEX_CHUNK * 2 - 1)))
  end
end

local function index_flush()
  for _, key in ipairs(PENDING_KEYS) do
    local adds, removes = {}, {}
    for member, score in pairs(PENDING[key]) do
      if score then
        adds[#adds + 1] = score
        adds[#adds + 1] = member
      else
        removes[#removes + 1] = member
      end
    end
    -- ZREM takes members only: send them in the same chunks (INDEX_CHUNK * 2 per command)
    if #removes > 0 then index_send('ZREM', key, removes) end
    if #adds > 0 then index_send('ZADD', key, adds) end
  end
  PENDING, PENDING_KEYS = {}, {}
end

-- Runs a script's body and sends its deferred index writes even when the body fails half-way:
-- Redis keeps the writes a failed script already made, so without this the task hashes of the
-- commits before the failure would be ahead of their indexes. The error is raised again.
local function with_index_flush(body)
  local ok, result = pcall(body)
  index_flush()
  if not ok then error(result, 0) end
  return result
end

-- move_status, deferred to index_flush().
local function move_status_later(id, tenant, from, to, created_at)
  if from and from ~= to then
    index_later(status_key(from), id, false)
    index_later(tenant_status_key(tenant, from), id, false)
  end
  index_later(status_key(to), id, created_at)   -- as read from the hash: no number formatting
  index_later(tenant_status_key(tenant, to), id, created_at)
end

local function tenant_waiting(tenant)
  index_flush()
  return redis.call('ZCARD', tenant_status_key(tenant, 'queued')) + redis.call('ZCARD', tenant_status_key(tenant, 'scheduled'))
    + redis.call('ZCARD', tenant_status_key(tenant, 'retrying')) + redis.call('ZCARD', tenant_status_key(tenant, 'paused'))
end

local function tenant_running(tenant)
  index_flush()
  return redis.call('ZCARD', tenant_status_key(tenant, 'leased')) + redis.call('ZCARD', tenant_status_key(tenant, 'in_progress'))
end

local function is_running(status) return status == 'leased' or status == 'in_progress' end
local function is_final(status) return status == 'completed' or status == 'failed' or status == 'cancelled' end

-- Higher priority first, FIFO (by submission sequence) within one priority.
local function ready_score(priority, seq)
  return -tonumber(priority) * PRIORITY_SPAN + tonumber(seq)
end

-- Returns true when the tenant's queue was empty before (only then can a worker be idle
-- waiting for this tenant's work: with tasks already queued, every worker with a free slot
-- is claiming them anyway).
local function enqueue_ready(id, tenant, priority, seq)
  local q = ready_key(tenant)
  redis.call('ZADD', q, ready_score(priority, seq), id)
  if redis.call('ZCARD', q) == 1 then
    redis.call('RPUSH', RING, tenant)
    return true
  end
  return false
end

local function dequeue_ready(id, tenant)
  local q = ready_key(tenant)
  if redis.call('ZREM', q, id) == 1 and redis.call('ZCARD', q) == 0 then
    redis.call('LREM', RING, 0, tenant)
  end
end

-- Keeps the status indexes (cluster-wide and per tenant) in step with the task's status.
local function move_status(id, tenant, from, to, created_at)
  if from and from ~= to then
    redis.call('ZREM', status_key(from), id)
    redis.call('ZREM', tenant_status_key(tenant, from), id)
  end
  redis.call('ZADD', status_key(to), tonumber(created_at), id)
  redis.call('ZADD', tenant_status_key(tenant, to), tonumber(created_at), id)
end

-- Every accepted change leaves a record in the task's own audit list, written by the same
-- script (the audit trail, and what GET /tasks/{id}/events replays): a JSON object with
-- `type`, `at` (Redis ms) and the given field/value pairs (values as strings). A list, not a
-- stream: a new stream preallocates a ~4 KB node, which per task would dominate both Redis
-- memory and the cost of creating a task. An event's id is its position since the task began
-- (list index + `events_trimmed` in the meta hash), stable across trimming.
-- Changes of a task's life (submitted, completed, failed, ...) also go to the cluster-wide
-- stream:events. `record` may be passed pre-encoded (commit writes the same record twice).
local function event_record(kind, ...)
  local r = {type = kind, at = now_ms()}
  local a = {...}
  for i = 1, #a - 1, 2 do r[a[i]] = tostring(a[i + 1]) end
  return cjson.encode(r)
end

-- One or more records, in order, in one RPUSH.
local function append_event(id, ...)
  local key = events_key(id)
  local n = redis.call('RPUSH', key, ...)
  if n > TASK_EVENTS_MAX + TASK_EVENTS_TRIM then
    redis.call('LTRIM', key, n - TASK_EVENTS_MAX, -1)
    redis.call('HINCRBY', meta_key(id), 'events_trimmed', n - TASK_EVENTS_MAX)
  end
end

local function event(kind, id, ...)
  append_event(id, event_record(kind, ...))
end

-- The cluster-wide half of a lifecycle event (the task's own record is written separately).
local function stream_event(kind, id, ...)
  redis.call('XADD', EVENTS, 'MAXLEN', '~', EVENTS_MAXLEN, '*', 'type', kind, 'task_id', id, ...)
end

local function lifecycle_event(kind, id, ...)
  event(kind, id, ...)
  stream_event(kind, id, ...)
end

-- Fencing: a worker's write is accepted only while the task is running under the very
-- (epoch, claim) the worker was granted. `m` holds the task's status, epoch and claim (in
-- that order, from one HMGET, which may read more fields after them).
-- A refused (STALE) write is recorded in audit:refused by the same script, so a checker can
-- prove that fencing actually engaged (a zombie that wrote nothing proves nothing).
-- Returns OK, STALE, CANCELLED or NOT_FOUND.
local function fence_fields(m, epoch, claim, id, op)
  if not m[1] then return 'NOT_FOUND' end
  if m[1] == 'cancelled' then return 'CANCELLED' end
  if m[2] ~= epoch or m[3] ~= claim or not is_running(m[1]) then
    redis.call('XADD', AUDIT_REFUSED, 'MAXLEN', '~', AUDIT_REFUSED_MAXLEN, '*', 'task_id', id, 'op', op,
      'epoch', epoch, 'claim', claim, 'current_epoch', m[2] or '', 'status', m[1])
    return 'STALE'
  end
  return 'OK'
end

local function fence(id, epoch, claim, op)
  return fence_fields(redis.call('HMGET', meta_key(id), 'status', 'epoch', 'claim'), epoch, claim, id, op)
end
