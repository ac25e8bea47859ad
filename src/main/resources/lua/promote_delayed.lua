-- promote_delayed.lua (watcher): tasks whose backoff, run_at or budget pause is over become ready.
-- Safe under concurrent watchers: ZREM decides which caller moves a task.
-- ARGV: [1] prefix, [2] max tasks per call
-- Reply: number of tasks promoted
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local promoted = 0
for _, id in ipairs(ids) do
  if redis.call('ZREM', DELAYED, id) == 1 then
    local meta = meta_key(id)
    local m = redis.call('HMGET', meta, 'status', 'created_at', 'tenant_id', 'priority', 'seq')
    if m[1] == 'retrying' or m[1] == 'scheduled' or m[1] == 'paused' then
      redis.call('HSET', meta, 'status', 'queued', 'updated_at', now)
      enqueue_ready(id, m[3], m[4], m[5])
      move_status(id, m[3], m[1], 'queued', m[2])
      event('ready', id, 'from', m[1])
      promoted = promoted + 1
    end
  end
end
if promoted > 0 then redis.call('PUBLISH', SIGNAL_READY, '*') end
return promoted
