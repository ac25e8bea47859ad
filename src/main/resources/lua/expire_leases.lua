-- expire_leases.lua (watcher): take back tasks whose lease ran out on the Redis clock.
-- `leases` is only a hint: each task is re-checked against its own hash before anything moves,
-- so any number of watchers may run this at once and a task is requeued at most once per
-- expired lease. Taking a task back bumps its epoch (fencing off the lost holder) and counts
-- an attempt; a task that has used up max_attempts fails for good (a poison task stops).
-- Requeued tasks are ready at once: the dead worker, not the task, is the usual cause.
-- ARGV: [1] prefix, [2] max tasks per call
-- Reply: {requeued count, failed count, then the ids handled}
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local requeued, failed = 0, 0
local out = {0, 0}
for _, id in ipairs(ids) do
  local meta = meta_key(id)
  local m = redis.call('HMGET', meta, 'status', 'lease_expires', 'max_attempts', 'created_at',
    'tenant_id', 'priority', 'seq', 'owner')
  if not is_running(m[1]) then
    redis.call('ZREM', LEASES, id)          -- stale index entry
  elseif tonumber(m[2]) > now then
    redis.call('ZADD', LEASES, m[2], id)    -- index behind the hash: trust the hash
  else
    local epoch = redis.call('HINCRBY', meta, 'epoch', 1)
    local attempts = redis.call('HINCRBY', meta, 'attempts', 1)
    redis.call('ZREM', LEASES, id)
    local err = 'lease expired: worker ' .. (m[8] or '?') .. ' stopped renewing'
    redis.call('HSET', meta, 'owner', '', 'claim', '', 'lease_expires', '', 'updated_at', now,
      'error', err)
    if attempts >= tonumber(m[3]) then
      redis.call('HSET', meta, 'status', 'failed', 'completed_at', now)
      redis.call('ZADD', FINISHED, now, id)
      move_status(id, m[5], m[1], 'failed', m[4])
      lifecycle_event('failed', id, 'attempts', attempts, 'epoch', epoch, 'error', err)
      failed = failed + 1
    else
      redis.call('HSET', meta, 'status', 'queued')
      enqueue_ready(id, m[5], m[6], m[7])
      move_status(id, m[5], m[1], 'queued', m[4])
      lifecycle_event('expired', id, 'attempts', attempts, 'epoch', epoch, 'previous_owner', m[8] or '')
      requeued = requeued + 1
    end
    out[#out + 1] = id
  end
end
out[1], out[2] = requeued, failed
if requeued > 0 then redis.call('PUBLISH', SIGNAL_READY, '*') end
return out
