-- promote_delayed.lua (watcher): scheduled|retrying|paused|waiting -> queued, when the task's time
-- (run_at, backoff, rate-limit room, budget reset, a sleep's end, a wait for input's timeout) has
-- come. A timed-out waiting task also leaves `waiting`; its wait node then finds the deadline
-- passed and no input, and commits the timeout.
-- Safe under concurrent watchers: ZREM decides which caller moves a task.
-- KEYS: see _lib.lua (delayed, waiting, counts, the ring; task keys and ready:<t> from the prefix)
-- ARGV: [1] max tasks per call
-- Reply: {tasks promoted, index entries looked at} (entries = ARGV[1]: there may be more)
local now = now_ms()
local now_s = tostring(now)
local ids = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
return with_index_flush(function()
  local promoted = 0
  for _, id in ipairs(ids) do
    if redis.call('ZREM', DELAYED, id) == 1 then
      local meta = meta_key(id)
      local m = redis.call('HMGET', meta, 'status', 'tenant_id', 'priority', 'seq')
      if is_delayed(m[1]) or m[1] == WAITING then
        if m[1] == WAITING then index_later(WAITING_INDEX, id, false) end
        redis.call('HSET', meta, 'status', QUEUED, 'updated_at', now_s)
        append(id, record('ready', 'from', m[1]))
        enqueue_ready(id, m[2], m[3], m[4])
        count_move(m[2], m[1], QUEUED)
        promoted = promoted + 1
      end
    end
  end
  if promoted > 0 then redis.call('PUBLISH', SIGNAL_READY, '*') end
  return {promoted, #ids}
end)
