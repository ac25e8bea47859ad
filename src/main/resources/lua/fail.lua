-- fail.lua: a node failed. Counts one attempt; retries after a backoff (status `retrying`,
-- in `queue:delayed`, promoted by the watcher) or, once max_attempts is used up, fails the
-- task for good. Fenced by (epoch, claim).
-- ARGV: [1] prefix, [2] task id, [3] epoch, [4] claim, [5] error text, [6] backoff ms, [7] worker id,
--       [8] '1' when retrying cannot help (e.g. budget_exceeded): fail for good at once
-- Reply: {'RETRYING', attempts, due_at} | {'FAILED', attempts} | {'STALE'} | {'CANCELLED'} | {'NOT_FOUND'}
local id, epoch, claim = ARGV[2], ARGV[3], ARGV[4]
local code = fence(id, epoch, claim, 'fail')
if code ~= 'OK' then return {code} end
local meta = meta_key(id)
local now = now_ms()
local m = redis.call('HMGET', meta, 'status', 'created_at', 'max_attempts', 'tenant_id')
local attempts = redis.call('HINCRBY', meta, 'attempts', 1)
redis.call('ZREM', LEASES, id)
redis.call('HSET', meta, 'owner', '', 'lease_expires', '', 'error', ARGV[5], 'updated_at', now)
if attempts >= tonumber(m[3]) or ARGV[8] == '1' then
  redis.call('HSET', meta, 'status', 'failed', 'completed_at', now)
  redis.call('ZADD', FINISHED, now, id)
  move_status(id, m[4], m[1], 'failed', m[2])
  lifecycle_event('failed', id, 'attempts', attempts, 'error', ARGV[5], 'worker_id', ARGV[7], 'epoch', epoch, 'claim', claim)
  return {'FAILED', attempts}
end
local due = now + tonumber(ARGV[6])
redis.call('HSET', meta, 'status', 'retrying')
redis.call('ZADD', DELAYED, due, id)
move_status(id, m[4], m[1], 'retrying', m[2])
lifecycle_event('retrying', id, 'attempts', attempts, 'error', ARGV[5], 'due_at', due, 'worker_id', ARGV[7],
  'epoch', epoch, 'claim', claim)
return {'RETRYING', attempts, due}
