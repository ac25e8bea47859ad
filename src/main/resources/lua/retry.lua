-- retry.lua (API): failed|cancelled -> queued, to run again from its last committed step (the
-- history keeps every step's output). Its attempts start over; its epoch is bumped so nothing
-- of the earlier run can write.
-- KEYS: see _lib.lua (finished, counts, the ring; task keys and ready:<t> from the prefix)
-- ARGV: [1] task id
-- Reply: {'OK', task hash as a flat field/value list, as the retry left it} | {'NOT_FOUND'}
--        | {'WRONG_STATUS', status}
local id = ARGV[1]
local meta = meta_key(id)
local m = redis.call('HMGET', meta, 'status', 'tenant_id', 'priority', 'seq', 'epoch')
if not m[1] then return {'NOT_FOUND'} end
if m[1] ~= FAILED and m[1] ~= CANCELLED then return {'WRONG_STATUS', m[1]} end
local now_s = tostring(now_ms())
return with_index_flush(function()
  redis.call('HSET', meta, 'status', QUEUED, 'epoch', tostring((tonumber(m[5]) or 0) + 1), 'attempts', 0, 'error', '',
    'owner', '', 'claim', '', 'lease_expires', '', 'completed_at', '', 'updated_at', now_s)
  append(id, record('retried', 'previous_status', m[1]))
  index_later(FINISHED, id, false)
  count_move(m[2], m[1], QUEUED)
  enqueue_ready(id, m[2], m[3], m[4])
  redis.call('PUBLISH', SIGNAL_READY, m[2])
  return {'OK', redis.call('HGETALL', meta)}
end)
