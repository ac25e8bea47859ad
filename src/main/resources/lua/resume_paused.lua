-- resume_paused.lua (API): paused -> queued for one tenant, now: its budget was raised.
-- `delayed` holds every waiting task of every tenant, by due time; the tenant's paused tasks
-- are found by walking it with a budget (a paused task's due time is the next budget reset,
-- so they sit together near the end), at most ARGV[3] entries per call.
-- KEYS: see _lib.lua (delayed, counts, the ring; task keys and ready:<t> from the prefix)
-- ARGV: [1] tenant, [2] max tasks per call, [3] max `delayed` entries to look at
-- Reply: number of tasks resumed
local tenant, want, budget = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now_s = tostring(now_ms())
want = math.min(want, tonumber(redis.call('HGET', tenant_counts_key(tenant), PAUSED)) or 0)   -- stop once all are found
return with_index_flush(function()
  local resumed, seen = 0, 0
  while resumed < want and seen < budget do
    local ids = redis.call('ZREVRANGE', DELAYED, seen, seen + 199)
    if #ids == 0 then break end
    seen = seen + #ids
    for _, id in ipairs(ids) do
      local meta = meta_key(id)
      local m = redis.call('HMGET', meta, 'status', 'tenant_id', 'priority', 'seq')
      if m[1] == PAUSED and m[2] == tenant and resumed < want then
        index_later(DELAYED, id, false)
        redis.call('HSET', meta, 'status', QUEUED, 'error', '', 'updated_at', now_s)
        append(id, record('ready', 'from', PAUSED))
        enqueue_ready(id, tenant, m[3], m[4])
        count_move(tenant, PAUSED, QUEUED)
        resumed = resumed + 1
      end
    end
  end
  if resumed > 0 then redis.call('PUBLISH', SIGNAL_READY, tenant) end
  return resumed
end)
