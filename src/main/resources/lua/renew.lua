-- renew.lua: extend every lease one worker holds, in one call, and write its heartbeat.
-- A lease is extended only under the worker's own (epoch, claim); any other answer tells the
-- worker to drop that task at once.
-- ARGV: [1] prefix, [2] worker id, [3] lease_ms, [4] heartbeat TTL ms, [5] heartbeat JSON,
--       then triples [6..]: task id, epoch, claim
-- Reply: {lease_expires, code per task in order (OK | STALE | CANCELLED | NOT_FOUND)}
local worker, lease_ms = ARGV[2], tonumber(ARGV[3])
local now = now_ms()
local lease = now + lease_ms
redis.call('SET', P .. 'worker:' .. worker .. ':hb', ARGV[5], 'PX', ARGV[4])
redis.call('ZADD', P .. 'workers', now, worker)
local out = {lease}
local i = 6
while i + 2 <= #ARGV do
  local id = ARGV[i]
  local code = fence(id, ARGV[i + 1], ARGV[i + 2], 'renew')
  if code == 'OK' then
    redis.call('HSET', meta_key(id), 'lease_expires', lease)
    redis.call('ZADD', LEASES, lease, id)
  end
  out[#out + 1] = code
  i = i + 3
end
return out
