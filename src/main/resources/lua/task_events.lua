-- task_events.lua: read one page of a task's audit list (read-only).
-- An event's id is its 1-based position since the task began: list index + the count of
-- records trimmed off the front (meta `events_trimmed`). Reading both in one script keeps the
-- ids right even when a trim happens between two pages.
-- ARGV: [1] prefix, [2] task id, [3] after this id (exclusive; 0 = from the start), [4] max records
-- Reply: {id of the first record returned, record JSON...}
local id, after, count = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local trimmed = tonumber(redis.call('HGET', meta_key(id), 'events_trimmed')) or 0
local start = math.max(0, after - trimmed)
local out = {trimmed + start + 1}
local records = redis.call('LRANGE', events_key(id), start, start + count - 1)
for i = 1, #records do out[i + 1] = records[i] end
return out
