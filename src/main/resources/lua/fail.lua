-- fail.lua: leased|in_progress -> retrying (after a backoff, via `delayed`) or -> failed.
-- A node failed. Counts one attempt; once max_attempts is used up, or when retrying cannot
-- help (e.g. budget_exceeded), the task fails for good. Fenced by (epoch, claim).
-- KEYS: see _lib.lua (leases, delayed, finished, counts; task keys from the prefix)
-- ARGV: [1] task id, [2] epoch, [3] claim, [4] error text, [5] backoff ms, [6] worker id,
--       [7] '1' when retrying cannot help: fail for good at once
-- Reply: {'RETRYING', attempts, due_at} | {'FAILED', attempts} | {'STALE'} | {'CANCELLED'} | {'NOT_FOUND'}
--        | {'FINISHED'} (the run under this claim already ended: completed, or handed off by its holder)
local id, epoch, claim, err, worker = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[6]
local meta = meta_key(id)
local m = redis.call('HMGET', meta, 'status', 'epoch', 'claim', 'max_attempts', 'tenant_id')
local code = fence_fields(m, epoch, claim, id, 'fail')
if code ~= 'OK' then return {code} end
local now = now_ms()
local now_s = tostring(now)
return with_index_flush(function()
  local attempts = redis.call('HINCRBY', meta, 'attempts', 1)
  if attempts >= (tonumber(m[4]) or 1) or ARGV[7] == '1' then
    append(id, record(FAILED, 'attempts', attempts, 'error', err, 'worker_id', worker, 'epoch', epoch, 'claim', claim))
    finish(id, m[5], m[1], FAILED, now_s, 'error', err)
    return {'FAILED', attempts}
  end
  local due = now + tonumber(ARGV[5])
  append(id, record(RETRYING, 'attempts', attempts, 'error', err, 'due_at', due, 'worker_id', worker,
    'epoch', epoch, 'claim', claim))
  end_run(id, m[5], m[1], RETRYING, now_s, 'error', err)
  redis.call('ZADD', DELAYED, due, id)
  return {'RETRYING', attempts, due}
end)
