-- cancel.lua (API): any status but a final one -> cancelled.
-- A task not running (queued, scheduled, retrying, paused, waiting) ends at once. A running one ends too and
-- its epoch is bumped, so its holder's next write answers CANCELLED and it stops; a signal
-- also tells that worker to stop the node it is running now.
-- KEYS: see _lib.lua (leases, delayed, waiting, finished, counts, the ring; task keys and ready:<t> from the prefix)
-- ARGV: [1] task id, [2] reason
-- Reply: {'OK', previous status} | {'FINISHED', status} | {'NOT_FOUND'}
local id = ARGV[1]
local meta = meta_key(id)
local m = redis.call('HMGET', meta, 'status', 'tenant_id', 'epoch')
if not m[1] then return {'NOT_FOUND'} end
if is_final(m[1]) then return {'FINISHED', m[1]} end
local now_s = tostring(now_ms())
return with_index_flush(function()
  if m[1] == QUEUED then
    dequeue_ready(id, m[2])
  elseif is_delayed(m[1]) then
    redis.call('ZREM', DELAYED, id)
  elseif m[1] == WAITING then
    redis.call('ZREM', WAITING_INDEX, id)
    redis.call('ZREM', DELAYED, id)   -- there when the wait had a timeout
  end
  if is_running(m[1]) then release_budget(id, nil) end   -- a holder that died mid-call cannot
  append(id, record(CANCELLED, 'previous_status', m[1], 'reason', ARGV[2]))
  finish(id, m[2], m[1], CANCELLED, now_s, 'error', ARGV[2], 'epoch', tostring((tonumber(m[3]) or 0) + 1))
  redis.call('PUBLISH', SIGNAL_CANCEL, id)
  return {'OK', m[1]}
end)
