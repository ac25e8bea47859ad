-- replay.lua (API): (nothing) -> queued, a new task forked from step k of another ("time travel").
-- The new task starts where the old one stood after step k: its history begins with copies of the
-- old task's step records 1..k (the history is the checkpoint, so the state after each of them is
-- rebuilt exactly as the old task's was), its hash says step k done and the node step k named
-- next, so the first claim resumes it at step k+1 exactly as any resumed task. The old task is
-- only read. The copies keep the old text (the node outputs are never decoded and re-encoded:
-- cjson would turn an empty array into an object), with `replayed_from` and the claim that
-- committed the step put after `type` and `at` (a step copied before keeps those it has); each
-- keeps its schema version `v` (none: version 1), and readers raise it as any record's. The new hash, its ready queue, the tenant's
-- listing index, the counters and the Idempotency-Key appear together or not at all; the
-- tenant's max_queued and submission rate apply as to a submission (admit_submission).
-- KEYS: see _lib.lua (counts, the ring; task:<old>:meta and :history, task:<new>:meta and
--       :history, ready:<t>, tenant:<t>:tasks, counts:<t>, tenants, seq:task, idem:<t>:<key>,
--       limits:tenant:<t>, rate:submit:<t> from the prefix)
-- ARGV: [1] old task id, [2] new task id, [3] from_step k (0 = from the initial state),
--       [4] the new task's task_params (JSON; the API overlays the request's on the old ones),
--       [5] the steps every run takes ('' when its graph branches), [6] W3C traceparent ('' = none),
--       [7] idempotency key ('' = none), [8] request fingerprint, [9] idempotency key TTL ms,
--       [10] submit rate per second (0 = none), [11] burst, [12] max waiting tasks (0 = none),
--       [13] the agent graph version the new task is pinned to ('' = none)
-- Reply: {'OK', created_at, status, limit, remaining, reset_ms, the new task hash (flat field/value list)}
--        | {'NOT_FOUND'} (no old task) | {'NO_STEP', last committed step} (step k was not committed)
--        | {'ENDED', k} (step k ended the run: nothing after it to replay) | {'EXISTS'}
--        | {'DUPLICATE', task id} | {'CONFLICT', task id} (same Idempotency-Key, another request)
--        | {'RATE_LIMITED', retry_after_ms, limit, remaining, reset_ms} | {'QUOTA_EXCEEDED', waiting, max}
local old, id, from_step = ARGV[1], ARGV[2], tonumber(ARGV[3])
local o = redis.call('HMGET', meta_key(old), 'tenant_id', 'agent_type', 'task_type', 'max_attempts', 'priority',
  'cost_limit_nanos')
if not o[1] then return {'NOT_FOUND'} end
local tenant = o[1]
local idem, seen = idempotency_check(tenant, ARGV[7], ARGV[8])
if seen then return seen end
if redis.call('EXISTS', meta_key(id)) == 1 then return {'EXISTS'} end

-- steps 1..k of the old history, in commit order (exactly once each: commit_steps.lua), and the
-- claim id of every epoch (the step records name only the epoch; see History.withClaims). A step
-- record as commit_steps.lua writes it is read with two anchored patterns, not decoded: its
-- output may be large, and this script holds Redis while it reads. The first `"epoch":` after the
-- head is the record's own (inside a string the quote before the colon would be escaped). Other
-- records (claimed, ..., small) and those of earlier builds are decoded.
local copies, claims, last, kth = {}, {}, 0, nil
local step_head = '^{"type":"step","at":%d+,'
for _, raw in ipairs(redis.call('LRANGE', history_key(old), 0, -1)) do
  local head = string.match(raw, step_head)
  local step, epoch
  if head then
    -- a step copied by an earlier replay (of the task this one replays) is kept as it is: it names
    -- the task that ran it and its claim already
    local copied = string.match(raw, '^"replayed_from":"[^"\\]*",', #head + 1)
    local at = #head + 1 + (copied and #copied or 0)
    if copied then at = at + #(string.match(raw, '^"claim":"[^"\\]*",', at) or '') end
    -- the schema version leads the worker's part (History.stepRecordTail); version 1 records have none
    at = at + #(string.match(raw, '^"v":%d+,', at) or '')
    step = tonumber(string.match(raw, '^"step":(%d+),', at))
    epoch = string.match(raw, '"epoch":(%d+)', at)
    if copied then head = nil end
  end
  if not step then
    head = nil
    local r = cjson.decode(raw)
    if r.type == 'claimed' and r.epoch then claims[tostring(r.epoch)] = r.claim end
    if r.type == 'step' then step, epoch = tonumber(r.step), r.epoch and tostring(r.epoch) end
  end
  if step then
    if step > from_step then break end
    last, kth = step, raw
    local claim = epoch and claims[epoch]
    if head then
      -- the fields before the output are the record's own: one that names its claim keeps it
      local own = string.sub(raw, 1, string.find(raw, '"output":', #head + 1, true) or #raw)
      local extra = '"replayed_from":' .. cjson.encode(old) .. ','
      if claim and not string.find(own, '"claim":', 1, true) then extra = extra .. '"claim":' .. cjson.encode(claim) .. ',' end
      copies[#copies + 1] = head .. extra .. string.sub(raw, #head + 1)
    else
      copies[#copies + 1] = raw   -- copied before, or a record of an earlier build: kept as it is
    end
  end
end
local next_node = ''
if kth then
  -- the one field of a step record read here besides step and epoch: `next`, or `next_node` in
  -- version 1 records of the earliest builds (the rule of dev.sentinel.store.StepRecordV1ToV2)
  local r = cjson.decode(kth)
  next_node = r.next or r.next_node or ''
end
if last ~= from_step then return {'NO_STEP', last} end
if from_step > 0 and next_node == '' then return {'ENDED', from_step} end

local now = now_ms()
local refused, limit, remaining, reset = admit_submission(tenant, now, ARGV[10], ARGV[11], ARGV[12])
if refused then return refused end
local seq = redis.call('INCR', P .. 'seq:task')
local now_s = tostring(now)
local task = {
  'task_id', id, 'status', QUEUED, 'tenant_id', tenant, 'agent_type', o[2], 'task_type', o[3],
  'task_params', ARGV[4], 'max_attempts', o[4], 'priority', o[5], 'cost_limit_nanos', o[6] or '',
  'cost_nanos', '0', 'attempts', '0', 'epoch', '0', 'claim', '', 'owner', '', 'step', tostring(from_step),
  'current_node', next_node, 'seq', tostring(seq), 'created_at', now_s, 'updated_at', now_s, 'run_at', '',
  'parent_task_id', old, 'replayed_from_step', tostring(from_step)}
if ARGV[5] ~= '' then task[#task + 1] = 'total_steps'; task[#task + 1] = ARGV[5] end
if ARGV[6] ~= '' then task[#task + 1] = 'trace'; task[#task + 1] = ARGV[6] end
if ARGV[13] ~= '' then task[#task + 1] = 'agent_version'; task[#task + 1] = ARGV[13] end
redis.call('HSET', meta_key(id), unpack(task))
-- in slices: unpack is bounded by Lua's stack (~8000 values), a long task has more steps
for i = 1, #copies, 1000 do append(id, unpack(copies, i, math.min(i + 999, #copies))) end
if enqueue_ready(id, tenant, o[5], seq) then redis.call('PUBLISH', SIGNAL_READY, tenant) end
register_new_task(id, tenant, QUEUED, now, idem, ARGV[8], ARGV[9])
return {'OK', now, QUEUED, limit, remaining, reset, task}
