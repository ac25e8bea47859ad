-- queries/queue_stats.lua (watcher, read-only): what the queue gauges show, in one call, so a
-- refresh costs Redis one round trip whatever the number of tenants (up to ARGV[1]) and a scrape
-- costs it nothing. Per tenant with queued tasks (the ring): its ready queue's length, and how
-- long the task at the head of it (the next one a claim takes) has been queued: now minus the
-- head's updated_at, which every move into `queued` writes. With one priority per tenant the
-- head is also the oldest; a higher-priority task jumps ahead of it and then shows its own age.
-- KEYS: see _lib.lua (counts, the ring; ready:<t> and task hashes from the prefix)
-- ARGV: [1] at most this many tenants (the ring's first ones)
-- Reply: {Redis ms now, {status, count, ...} (the cluster-wide counters), {tenant, depth, head age ms, ...}}
local now = now_ms()
local tenants = redis.call('LRANGE', RING, 0, tonumber(ARGV[1]) - 1)
local queues = {}
for _, t in ipairs(tenants) do
  local q = ready_key(t)
  local head = redis.call('ZRANGE', q, 0, 0)
  local age = 0
  if head[1] then
    local at = tonumber(redis.call('HGET', meta_key(head[1]), 'updated_at'))
    if at then age = math.max(0, now - at) end
  end
  queues[#queues + 1] = t
  queues[#queues + 1] = redis.call('ZCARD', q)
  queues[#queues + 1] = age
end
return {now, redis.call('HGETALL', COUNTS), queues}
