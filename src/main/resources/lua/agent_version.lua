-- agent_version.lua: keeps one version of an agent's graph, by its content hash, so any node can
-- rebuild the graph a task was pinned to at submission (see dev.sentinel.agent.PinnedGraphs).
-- A version is written once and never changed (SET NX: the hash names the content); its first
-- registration time is kept for GET /agents. Written when an API node first submits a task of a
-- version, not per task: submit.lua only stores the version's name in the task hash.
-- Keys: agent:<name>:def:<version> (STRING, the spec JSON), agent:<name>:versions (ZSET version ->
-- first registered, Redis ms), agents (SET of names with kept versions), all from the prefix.
-- ARGV: [1] agent name, [2] version, [3] the spec (canonical JSON text)
-- Reply: 1 when this call kept a new version, 0 when it was kept already
local name, version = ARGV[1], ARGV[2]
local def = P .. 'agent:' .. name .. ':def:' .. version
if redis.call('SET', def, ARGV[3], 'NX') == false then return 0 end
redis.call('ZADD', P .. 'agent:' .. name .. ':versions', 'NX', now_ms(), version)
redis.call('SADD', P .. 'agents', name)
return 1
