-- commit_steps.lua: leased|in_progress -> in_progress (a step), or -> completed (the last step).
-- Commits finished nodes of many tasks in one round trip (group commit); each commit is judged
-- on its own, as if it had come alone, and one that fails (a damaged key) answers ERROR
-- without touching the others.
-- Per commit, all or nothing: fenced by (epoch, claim); step k is accepted only right after
-- step k-1 (a replay answers DUP, a gap answers OUT_OF_ORDER), so each step is committed once.
-- A step costs one fenced read and two writes: the step record appended to the history (it
-- carries the node's output, so it is the checkpoint too) and the task hash's position and
-- renewed lease. The record goes first: it is the only write that can fail (a damaged history
-- key), and then nothing of the commit is written; the hash, just read, cannot fail. The
-- `leases` index is not written: it may lag behind the hash (see _lib.lua), so a steady step
-- writes no index at all. A commit with a result is the graph's last node: the same call
-- completes the task (finish() in _lib.lua, the one place a task ends).
-- KEYS: see _lib.lua (task keys from the prefix; leases, finished, counts when tasks complete)
-- ARGV: [1] worker id (the caller, for the Redis log of slow calls; the records name the worker
--       through its claim id), [2] lease ms, then 7 per commit:
--       task id, epoch, claim, step (1-based), next node ('' when the graph ends),
--       the step record's tail (JSON, everything after `"at":<ms>,`, encoded by the worker:
--       dev.sentinel.store.History; neither the worker nor the claim id is repeated: the epoch
--       names the claim, whose claimed record in the history holds the id),
--       result JSON ('' unless this step ends the task)
-- Reply: 2 entries per commit, in order: code, then the committed step count (for ERROR: the error)
--   code: OK | DUP (already committed; for a final step also: already completed by this claim)
--         | OUT_OF_ORDER | STALE | CANCELLED | NOT_FOUND | ERROR
local now = now_ms()
-- Times as strings once: Lua formats a number with sprintf each time redis.call sends it.
local now_s = tostring(now)
local lease_s = tostring(now + tonumber(ARGV[2]))
local record_head = '{"type":"step","at":' .. now_s .. ','

local function commit(id, epoch, claim, step_s, next_node, tail, result)
  local step = tonumber(step_s)
  local meta = meta_key(id)
  local m = redis.call('HMGET', meta, 'status', 'epoch', 'claim', 'step', 'tenant_id')
  local committed = tonumber(m[4]) or 0
  local code = fence_fields(m, epoch, claim, id, 'commit_step')
  if code == 'FINISHED' then
    -- our own final commit landed and its reply was lost; any other end of our run: not ours to write
    if m[1] == COMPLETED then return 'DUP', committed end
    return 'STALE', committed
  end
  if code ~= 'OK' then return code, committed end
  if step <= committed then return 'DUP', committed end
  if step ~= committed + 1 then return 'OUT_OF_ORDER', committed end
  if result == '' then
    append(id, record_head .. tail)
    if m[1] == IN_PROGRESS then
      redis.call('HSET', meta, 'step', step_s, 'current_node', next_node, 'lease_expires', lease_s, 'updated_at', now_s)
    else
      redis.call('HSET', meta, 'step', step_s, 'current_node', next_node, 'lease_expires', lease_s, 'updated_at', now_s,
        'status', IN_PROGRESS)
      count_move(m[5], m[1], IN_PROGRESS)
    end
  else
    -- the epoch names the claim (the claimed record of that epoch holds its id): not repeated
    append(id, record_head .. tail, '{"type":"completed","at":' .. now_s .. ',"epoch":"' .. epoch .. '"}')
    finish(id, m[5], m[1], COMPLETED, now_s, 'step', step_s, 'current_node', '', 'result', result, 'error', '')
  end
  return 'OK', step
end

return with_index_flush(function()
  local out = {}
  for i = 3, #ARGV, 7 do
    local ok, code, committed = pcall(commit, ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4],
      ARGV[i + 5], ARGV[i + 6])
    if ok then
      out[#out + 1] = code
      out[#out + 1] = committed
    else
      out[#out + 1] = 'ERROR'
      out[#out + 1] = tostring(code)
    end
  end
  return out
end)
