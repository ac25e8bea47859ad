-- _lib.lua: shared fragment, included (not pasted) at the top of every script by LuaScript.
-- Key names here must match dev.sentinel.store.Keys; the layout and the guarantee each key buys
-- are in docs/architecture.md ("Data in Redis").
--
-- KEYS, the same for every script (ScriptRunner passes them):
--   [1] the key prefix. Per-task and per-tenant keys are built from it; it carries the shard's
--       hash tag when there is one, so every key a call touches lands in one slot
--   [2] leases   [3] delayed   [4] finished   [5] counts   [6] ready:tenants (the claim ring)
--   [7] audit:refused   [8] waiting (tasks waiting for input, by when the wait began)
-- ARGV: each script's own arguments, from ARGV[1].
--
-- Invariants every script keeps:
--   * a tenant is in the ring exactly when its ready:<tenant> ZSET is non-empty, so claim never
--     misses a tenant and never spins on an empty one;
--   * `leases` holds exactly the running tasks (leased, in_progress), each with a score at or
--     before the lease_expires in its hash (the hash decides; a step commit renews the hash only,
--     so the index may lag, never run ahead);
--   * `delayed` holds exactly the tasks waiting for a time: scheduled (run_at, rate-limit room, a
--     sleep node), retrying, paused, and those waiting tasks whose wait has a timeout (by its deadline);
--   * `waiting` holds exactly the tasks waiting for input (status waiting, with or without a timeout);
--   * `finished` exactly the final ones (completed, failed, cancelled); ready:<t> exactly t's queued ones;
--   * a task parked at a wait node (waiting, or scheduled by a sleep node) has the wait_* fields of
--     its hash (see wait.lua) naming that node and the step it runs as (step + 1): the step number
--     tells the wait being served from a stale one left by an earlier wait node;
--   * counts and counts:<tenant> hold, per status, exactly the number of tasks in it (and `total`).
local P = KEYS[1]
local LEASES, DELAYED, FINISHED, COUNTS, RING, AUDIT_REFUSED = KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local WAITING_INDEX = KEYS[8]
local AUDIT_REFUSED_MAXLEN = 100000
local PRIORITY_SPAN = 1000000000000  -- 1e12: FIFO sequence numbers stay below this
local SIGNAL_READY = P .. 'signal:ready'
local SIGNAL_CANCEL = P .. 'signal:cancel'

-- The statuses (the API's names). Waiting for a time: SCHEDULED (run_at, rate-limit room),
-- RETRYING (backoff after a failed node), PAUSED (tenant budget). Waiting for an outside event:
-- WAITING (a wait_input node, until POST /tasks/{id}/input or its timeout). Running: LEASED
-- (claimed, no step committed under this claim yet), IN_PROGRESS. Final: COMPLETED, FAILED, CANCELLED.
local QUEUED, SCHEDULED, RETRYING, PAUSED, WAITING = 'queued', 'scheduled', 'retrying', 'paused', 'waiting'
local LEASED, IN_PROGRESS = 'leased', 'in_progress'
local COMPLETED, FAILED, CANCELLED = 'completed', 'failed', 'cancelled'

local function is_running(status) return status == LEASED or status == IN_PROGRESS end
local function is_final(status) return status == COMPLETED or status == FAILED or status == CANCELLED end
local function is_delayed(status) return status == SCHEDULED or status == RETRYING or status == PAUSED end

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
local function history_key(id) return P .. 'task:' .. id .. ':history' end
local function calls_key(id) return P .. 'task:' .. id .. ':calls' end
local function ready_key(tenant) return P .. 'ready:' .. tenant end
local function tenant_tasks_key(tenant) return P .. 'tenant:' .. tenant .. ':tasks' end
local function tenant_counts_key(tenant) return P .. 'counts:' .. tenant end
local function tenant_limits_key(tenant) return P .. 'limits:tenant:' .. tenant end
local function day_cost_key(tenant, day) return P .. 'cost:tenant:' .. tenant .. ':' .. day end

-- A task's budget reservation (check_budget.lua) is kept in its hash (budget_call, budget_nanos,
-- budget_day) as well as in the day's reserved_nanos: it belongs to one call of one holder, so
-- it is given back exactly once, by whichever comes first: the call's record (record_call.lua),
-- its failure (release_budget.lua), or the holder losing the task (expiry, cancel). `call_id`
-- nil gives back whatever reservation the task holds; a call id only that call's.
-- Returns the nano-USD given back (0 when the task held none, or another call's).
local function release_budget(id, call_id)
  local meta = meta_key(id)
  local b = redis.call('HMGET', meta, 'budget_call', 'budget_nanos', 'budget_day', 'tenant_id')
  if not b[1] or b[1] == '' or (call_id and b[1] ~= call_id) then return 0 end
  local nanos = tonumber(b[2]) or 0
  if nanos > 0 and b[3] and b[4] then
    redis.call('HINCRBY', P .. 'cost:tenant:' .. b[4] .. ':' .. b[3], 'reserved_nanos', -nanos)
  end
  redis.call('HDEL', meta, 'budget_call', 'budget_nanos', 'budget_day')
  return nanos
end

-- Per-day cost keys are kept this long after their day, then expire (GET /tenants/{t}/costs
-- reads up to 13 months back); the tenant's all-time total is one key and is kept.
local COST_DAYS_KEPT = 400
-- The Redis ms at which a day's cost key expires: COST_DAYS_KEPT days after the day ends.
local function day_cost_expires_at(now) return (math.floor(now / 86400000) + 1 + COST_DAYS_KEPT) * 86400000 end

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

-- GCRA (generic cell rate algorithm) on the Redis clock: one key holding the theoretical
-- arrival time (TAT), O(1) per decision, exact across every node. `rate` per second, `burst`
-- requests allowed at once, `cost` of this request. Chosen over a token bucket because one
-- number holds the whole state (no refill bookkeeping) and the answer gives retry-after directly.
-- Returns allowed (bool), remaining, retry_after_ms, reset_ms (until the bucket is full again).
-- gcra_check decides without writing (so several limits can be checked before any is taken);
-- gcra_take writes the new TAT.
-- The key lives until the bucket is full again, but never more than GCRA_MAX_MS, and no wait it
-- answers is longer: a rate of one in a very long time (1e-300/s) would otherwise give times
-- Redis cannot take or answer as integers (and fail every later call); such a bucket is simply
-- empty for 400 days at a time.
local GCRA_MAX_MS = 400 * 86400000
local function ms_capped(ms) return math.min(math.ceil(ms), GCRA_MAX_MS) end

local function gcra_check(key, rate, burst, cost, now)
  local interval = 1000 / rate                  -- ms per request (or per token)
  local tolerance = interval * burst            -- how far ahead of now the TAT may run
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  local new_tat = tat + interval * cost
  local allow_at = new_tat - tolerance
  if allow_at > now then
    local remaining = math.floor((tolerance - (tat - now)) / interval)
    return false, math.max(remaining, 0), ms_capped(allow_at - now), ms_capped(tat - now), new_tat
  end
  return true, math.max(math.floor((tolerance - (new_tat - now)) / interval), 0), 0, ms_capped(new_tat - now), new_tat
end

local function gcra_take(key, new_tat, now)
  redis.call('SET', key, new_tat, 'PX', ms_capped(new_tat - now) + 1000)
end

local function gcra(key, rate, burst, cost, now)
  local allowed, remaining, retry_after, reset, new_tat = gcra_check(key, rate, burst, cost, now)
  if allowed then gcra_take(key, new_tat, now) end
  return allowed, remaining, retry_after, reset
end

-- Deferred writes, for the scripts that move many tasks per call (claim, commit_steps, the
-- sweeps): every ZSET index write is noted and index_flush() sends one ZADD and one ZREM per
-- index key; every status change is noted as counter deltas and sent as one HINCRBY per
-- (counter hash, status). Redis charges each redis.call 1-2 µs beyond the command's own work
-- (argument objects, the reply parsed back into Lua, propagation to the AOF), so a call that
-- moves 30 tasks saves ~100 of them. Only the net effect per (key, member) is kept: the last
-- write wins, exactly as if every write had been applied in order.
-- The map of one key in a table of deferred writes, made on first use; `order` keeps the keys
-- in first-use order, so the writes go out in a stable order.
local function deferred(writes, order, key)
  local m = writes[key]
  if not m then
    m = {}
    writes[key] = m
    order[#order + 1] = key
  end
  return m
end

local PENDING = {}       -- key -> {member -> score, or false for a removal}
local PENDING_KEYS = {}  -- keys in first-use order
local function index_later(key, member, score)
  deferred(PENDING, PENDING_KEYS, key)[member] = score or false
end

local DELTAS = {}        -- counter hash -> {status -> delta}
local DELTA_KEYS = {}
local function count_delta(key, status, delta)
  local d = deferred(DELTAS, DELTA_KEYS, key)
  d[status] = (d[status] or 0) + delta
end

-- A task moved from status `from` (nil: it is new) to `to` (nil: it is gone): counters of the
-- cluster and of the tenant, deferred to index_flush().
local function count_move(tenant, from, to)
  if from == to then return end
  local tk = tenant_counts_key(tenant)
  if from then count_delta(COUNTS, from, -1); count_delta(tk, from, -1)
  else count_delta(COUNTS, 'total', 1); count_delta(tk, 'total', 1) end
  if to then count_delta(COUNTS, to, 1); count_delta(tk, to, 1)
  else count_delta(COUNTS, 'total', -1); count_delta(tk, 'total', -1) end
end

-- The tenant's count of `status` as it will be once the pending deltas are sent.
local function pending_count(tenant, counted, status)
  local d = DELTAS[tenant_counts_key(tenant)]
  return (tonumber(counted) or 0) + (d and d[status] or 0)
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
  for _, key in ipairs(DELTA_KEYS) do
    for status, delta in pairs(DELTAS[key]) do
      if delta ~= 0 then redis.call('HINCRBY', key, status, delta) end
    end
  end
  PENDING, PENDING_KEYS, DELTAS, DELTA_KEYS = {}, {}, {}, {}
end

-- Runs a script's body and sends its deferred writes even when the body fails half-way: Redis
-- keeps the writes a failed script already made, so without this the task hashes changed
-- before the failure would disagree with their indexes and counters. The error is raised again.
local function with_index_flush(body)
  local ok, result = pcall(body)
  index_flush()
  if not ok then error(result, 0) end
  return result
end

-- Higher priority first, FIFO (by submission sequence) within one priority.
local function ready_score(priority, seq)
  return -tonumber(priority) * PRIORITY_SPAN + tonumber(seq)
end

-- Puts a task in its tenant's ready queue (written now: claim reads the queues). Returns true
-- when the queue was empty before: only then can a worker be idle waiting for this tenant's
-- work (with tasks already queued, every worker with a free slot is claiming them anyway).
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

-- A new task (a submission, a replay) is admitted only within its tenant's limits: at most
-- max_queued tasks waiting to run (0 = none), and the submission rate (a GCRA bucket of `burst`).
-- The tenant's own limits (limits:tenant:<t>) win over the configured defaults given here. The
-- bucket is charged only when the task is admitted, so a refused request changes nothing.
-- Returns nil, limit, remaining, reset_ms (limit 0 when no rate applies) or the refusal reply:
-- {'RATE_LIMITED', retry_after_ms, limit, remaining, reset_ms} | {'QUOTA_EXCEEDED', waiting, max}.
local function admit_submission(tenant, now, default_rate, default_burst, default_max_waiting)
  local own = redis.call('HMGET', tenant_limits_key(tenant), 'submit_rate', 'submit_burst', 'max_queued')
  local rate = tonumber(own[1]) or tonumber(default_rate) or 0
  local burst = tonumber(own[2]) or tonumber(default_burst) or 1
  local max_waiting = tonumber(own[3]) or tonumber(default_max_waiting) or 0
  if max_waiting > 0 then
    local c = redis.call('HMGET', tenant_counts_key(tenant), QUEUED, SCHEDULED, RETRYING, PAUSED)
    local waiting = (tonumber(c[1]) or 0) + (tonumber(c[2]) or 0) + (tonumber(c[3]) or 0) + (tonumber(c[4]) or 0)
    if waiting >= max_waiting then return {'QUOTA_EXCEEDED', waiting, max_waiting} end
  end
  if rate <= 0 then return nil, 0, -1, 0 end
  local allowed, left, retry_after, reset_ms = gcra(P .. 'rate:submit:' .. tenant, rate, math.max(burst, 1), 1, now)
  if not allowed then return {'RATE_LIMITED', retry_after, math.max(burst, 1), left, reset_ms} end
  return nil, math.max(burst, 1), left, reset_ms
end

-- An Idempotency-Key (per tenant) seen before answers with the task it created: DUPLICATE for
-- the same request (fingerprint), CONFLICT for another. Returns the key's Redis key (nil when the
-- request has none) and that answer, or nil when the key is new.
local function idempotency_check(tenant, key, fingerprint)
  if key == '' then return nil, nil end
  local idem = P .. 'idem:' .. tenant .. ':' .. key
  local seen = redis.call('HMGET', idem, 'task_id', 'fingerprint')
  if not seen[1] then return idem, nil end
  if seen[2] == fingerprint then return idem, {'DUPLICATE', seen[1]} end
  return idem, {'CONFLICT', seen[1]}
end

-- A new task (submitted or replayed), once its hash and queue are written: listed for its tenant,
-- counted, remembered under its Idempotency-Key (`idem` from idempotency_check, or nil).
local function register_new_task(id, tenant, status, now, idem, fingerprint, idem_ttl_ms)
  redis.call('ZADD', tenant_tasks_key(tenant), now, id)
  redis.call('SADD', P .. 'tenants', tenant)
  if idem then
    redis.call('HSET', idem, 'task_id', id, 'fingerprint', fingerprint)
    redis.call('PEXPIRE', idem, idem_ttl_ms)
  end
  count_move(tenant, nil, status)
  index_flush()
end

-- The history: one list per task, the audit trail, the step records and the checkpoint at
-- once. A record is a JSON object whose first fields are `type` and `at` (Redis ms). Step
-- records are encoded by the worker (dev.sentinel.store.HistoryRecords) and only prefixed here;
-- the rarer records are encoded by this function: the given field/value pairs, values as strings.
local function record(kind, ...)
  local r = {type = kind, at = now_ms()}
  local a = {...}
  for i = 1, #a - 1, 2 do r[a[i]] = tostring(a[i + 1]) end
  return cjson.encode(r)
end

local function append(id, ...)
  redis.call('RPUSH', history_key(id), ...)
end

-- Fencing: a worker's write is accepted only while the task is running under the very
-- (epoch, claim) the worker was granted. `m` holds the task's status, epoch and claim (in that
-- order, from one HMGET, which may read more fields after them).
-- Every refusal is recorded in audit:refused by the same script, so a checker can prove that
-- fencing engaged (a zombie that wrote nothing proves nothing), with the answer it got; a refusal
-- of a task that exists is also a `refused` record in its history, so the task's own timeline
-- (GET /tasks/{id}/events, the dashboard, `sentinel task`) shows the zombie it fenced out. Its
-- `epoch` and `claim` are the refused writer's, `current_epoch` the task's.
-- A write under the very (epoch, claim) whose run its holder already ended (a renew sent before
-- the final commit, a release or a failure landed) is not a refusal: nobody else holds the task.
-- It answers FINISHED and is not logged.
-- Returns OK, STALE, CANCELLED, NOT_FOUND or FINISHED.
local function refuse(id, op, epoch, claim, m, code)
  redis.call('XADD', AUDIT_REFUSED, 'MAXLEN', '~', AUDIT_REFUSED_MAXLEN, '*', 'task_id', id, 'op', op,
    'epoch', epoch, 'claim', claim, 'current_epoch', m[2] or '', 'status', m[1] or '', 'reply', code)
  -- a task that is gone has no history to add to (retention deleted both)
  if m[1] then
    append(id, record('refused', 'op', op, 'epoch', epoch, 'claim', claim, 'reply', code, 'current_epoch', m[2] or ''))
  end
  return code
end

local function fence_fields(m, epoch, claim, id, op)
  if m[2] == epoch and m[3] == claim then
    if is_running(m[1]) then return 'OK' end
    return 'FINISHED'   -- every other way out of a run (expiry, cancel, retry) bumps the epoch
  end
  if not m[1] then return refuse(id, op, epoch, claim, m, 'NOT_FOUND') end
  if m[1] == CANCELLED then return refuse(id, op, epoch, claim, m, 'CANCELLED') end
  return refuse(id, op, epoch, claim, m, 'STALE')
end

local function fence(id, epoch, claim, op)
  return fence_fields(redis.call('HMGET', meta_key(id), 'status', 'epoch', 'claim'), epoch, claim, id, op)
end

-- A running task stops running under its current holder: out of `leases`, owner and lease
-- cleared, status `to`; counters deferred. Callers add the status-specific fields and index.
local function end_run(id, tenant, from, to, now_s, ...)
  redis.call('HSET', meta_key(id), 'status', to, 'owner', '', 'lease_expires', '', 'updated_at', now_s, ...)
  index_later(LEASES, id, false)
  count_move(tenant, from, to)
end

-- A task reaches a final status: `finished` (retention) and completed_at. Written once here
-- for every way a task ends (commit of the last step, failure, expiry, cancel).
local function finish(id, tenant, from, to, now_s, ...)
  end_run(id, tenant, from, to, now_s, 'completed_at', now_s, ...)
  index_later(FINISHED, id, now_s)
end
