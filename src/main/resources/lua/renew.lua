-- renew.lua: extend every lease one worker holds, in one call, and write its heartbeat.
-- A lease is extended only under the worker's own (epoch, claim), in the hash and in `leases`
-- (one ZADD for the call). FINISHED means the run under this very claim already ended by the
-- worker's own write (the renew raced the final commit, a release or a failure): nothing to
-- renew, nothing refused. Any other answer tells the worker to drop that task at once.
-- KEYS: see _lib.lua (leases; worker:<id>:hb, workers and task keys from the prefix)
-- ARGV: [1] worker id, [2] lease_ms, [3] heartbeat TTL ms, [4] heartbeat JSON,
--       then triples [5..]: task id, epoch, claim
-- Reply: {lease_expires, code per task in order (OK | FINISHED | STALE | CANCELLED | NOT_FOUND)}
local worker, lease_ms = ARGV[1], tonumber(ARGV[2])
local now = now_ms()
local lease_s = tostring(now + lease_ms)
redis.call('SET', P .. 'worker:' .. worker .. ':hb', ARGV[4], 'PX', ARGV[3])
redis.call('ZADD', P .. 'workers', now, worker)
return with_index_flush(function()
  local out = {lease_s}
  for i = 5, #ARGV - 2, 3 do
    local id = ARGV[i]
    local code = fence(id, ARGV[i + 1], ARGV[i + 2], 'renew')
    if code == 'OK' then
      redis.call('HSET', meta_key(id), 'lease_expires', lease_s)
      index_later(LEASES, id, lease_s)
    end
    out[#out + 1] = code
  end
  return out
end)
