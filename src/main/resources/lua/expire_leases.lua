-- expire_leases.lua (watcher): leased|in_progress -> queued, or -> failed once max_attempts is
-- used up (a task that keeps killing its workers must stop).
-- Takes back tasks whose lease ran out on the Redis clock. `leases` is only a hint: each task
-- is re-checked against its own hash before anything moves, so any number of watchers may run
-- this at once and a task is requeued at most once per expired lease. Taking a task back bumps
-- its epoch (fencing off the lost holder) and counts an attempt. Requeued tasks are ready at
-- once: the dead worker, not the task, is the usual cause. A budget reservation the lost holder
-- held for a call in flight is given back (it would otherwise shrink the tenant's day).
-- KEYS: see _lib.lua (leases, finished, counts, the ring; task keys and ready:<t> from the prefix)
-- ARGV: [1] max index entries to look at per call
-- Reply: {requeued count, failed count, index entries looked at, then the ids taken back}
--   (entries looked at = ARGV[1] means there may be more: call again)
local now = now_ms()
local now_s = tostring(now)
local entries = redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
return with_index_flush(function()
  local requeued, failed = 0, 0
  local out = {0, 0, #entries}
  for _, id in ipairs(entries) do
    local meta = meta_key(id)
    local m = redis.call('HMGET', meta, 'status', 'lease_expires', 'max_attempts', 'tenant_id', 'priority', 'seq',
      'owner', 'epoch')
    if not is_running(m[1]) then
      index_later(LEASES, id, false)          -- stale index entry
    elseif (tonumber(m[2]) or 0) > now then
      index_later(LEASES, id, m[2])           -- index behind the hash: trust the hash
    else
      local epoch = tostring((tonumber(m[8]) or 0) + 1)
      local attempts = redis.call('HINCRBY', meta, 'attempts', 1)
      release_budget(id, nil)   -- the lost holder's call in flight, if any, will not give it back
      local err = 'lease expired: worker ' .. (m[7] or '?') .. ' stopped renewing'
      if attempts >= (tonumber(m[3]) or 1) then
        append(id, record(FAILED, 'attempts', attempts, 'epoch', epoch, 'error', err))
        finish(id, m[4], m[1], FAILED, now_s, 'epoch', epoch, 'claim', '', 'error', err)
        failed = failed + 1
      else
        append(id, record('expired', 'attempts', attempts, 'epoch', epoch, 'previous_owner', m[7] or ''))
        end_run(id, m[4], m[1], QUEUED, now_s, 'epoch', epoch, 'claim', '', 'error', err)
        enqueue_ready(id, m[4], m[5], m[6])
        requeued = requeued + 1
      end
      out[#out + 1] = id
    end
  end
  out[1], out[2] = requeued, failed
  if requeued > 0 then redis.call('PUBLISH', SIGNAL_READY, '*') end
  return out
end)
