package dev.sentinel.store;

/**
 * Every Redis key name Sentinel uses, in one place. The Lua scripts build the same names from
 * the prefix they are given (see lua/_lib.lua); keep the two in step.
 *
 * <pre>
 * task:{id}:meta          HASH   the task (status, owner, epoch, claim, lease_expires, step, ...)
 * task:{id}:checkpoint    STRING latest committed checkpoint (JSON, schema_version inside)
 * task:{id}:steps         LIST   one JSON record per committed step (capped)
 * task:{id}:calls         HASH   LLM call records by call_id (later)
 * task:{id}:events        LIST   the task's audit trail: one JSON record per accepted change
 *                                (type, at, fields); SSE replays it. Ids: index + meta events_trimmed
 * worker:{id}:hb          STRING heartbeat JSON with a TTL
 * workers                 ZSET   worker id -> last heartbeat (Redis ms)
 * stream:events           STREAM lifecycle and audit events, MAXLEN ~
 * audit:refused           STREAM every fenced write that was refused (STALE), MAXLEN ~
 * leases                  ZSET   task id -> lease_expires (the watcher's index)
 * queue:ready:{tenant}    ZSET   ready tasks of one tenant, by priority then FIFO
 * queue:tenants           LIST   ring of tenants with ready tasks (round-robin claim)
 * queue:delayed           ZSET   task id -> due time (backoff retries, run_at)
 * index:status:{status}   ZSET   task id -> created_at, per status (listing, /stats)
 * index:tenant:{tenant}   ZSET   task id -> created_at, per tenant
 * index:tenant:{t}:status:{s} ZSET per tenant and status
 * index:agent:{agent}     ZSET   per agent_type;  index:type:{task_type}  per task_type
 * idem:{tenant}:{key}     HASH   Idempotency-Key -> task id + request fingerprint (24 h TTL)
 * cost:tenant:{id}:total  HASH   a tenant's cost totals (micro-USD, calls), kept by the cost ledger
 * limits:tenant:{id}      HASH   a tenant's own limits (rate, burst, quotas, daily budget)
 * rate:submit:{tenant}    STRING GCRA state of the tenant's submission rate
 * rate:model:{m}:rpm|tpm  STRING GCRA state of a model's cluster-wide limits; hold:model:{m} after a 429
 * rate:tenant:{t}:llm_rpm|llm_tpm STRING GCRA state of a tenant's LLM limits (across all its models)
 * rate:...:tpm:refunds    STRING refunds (ms) given back to a TPM bucket so far (caps later refunds)
 * auth:keys, auth:key_ids HASH   API key digest -> record; key id -> digest
 * index:all               ZSET   task id -> created_at
 * index:finished          ZSET   task id -> finished_at (retention)
 * seq:task                STRING submission counter (FIFO order)
 * signal:ready            PUBSUB "a task became ready" (wakes workers on every node)
 * signal:cancel           PUBSUB task id that was cancelled (stops its running node)
 * </pre>
 */
public record Keys(String prefix) {

  public String meta(String taskId) { return prefix + "task:" + taskId + ":meta"; }
  public String checkpoint(String taskId) { return prefix + "task:" + taskId + ":checkpoint"; }
  public String steps(String taskId) { return prefix + "task:" + taskId + ":steps"; }
  public String calls(String taskId) { return prefix + "task:" + taskId + ":calls"; }
  public String heartbeat(String workerId) { return prefix + "worker:" + workerId + ":hb"; }
  public String workers() { return prefix + "workers"; }
  public String events() { return prefix + "stream:events"; }
  public String auditRefused() { return prefix + "audit:refused"; }
  public String leases() { return prefix + "leases"; }
  public String readyQueue(String tenant) { return prefix + "queue:ready:" + tenant; }
  public String tenantRing() { return prefix + "queue:tenants"; }
  public String delayed() { return prefix + "queue:delayed"; }
  public String statusIndex(String status) { return prefix + "index:status:" + status; }
  public String tenantIndex(String tenant) { return prefix + "index:tenant:" + tenant; }
  public String tenantStatusIndex(String tenant, String status) { return prefix + "index:tenant:" + tenant + ":status:" + status; }
  public String agentIndex(String agent) { return prefix + "index:agent:" + agent; }
  public String typeIndex(String taskType) { return prefix + "index:type:" + taskType; }
  public String taskEvents(String taskId) { return prefix + "task:" + taskId + ":events"; }
  public String tenantCostTotals(String tenant) { return prefix + "cost:tenant:" + tenant + ":total"; }
  /** A tenant's own limits: submission rate and burst (the seed's rate-limit), quotas, daily budget. */
  public String tenantLimits(String tenant) { return prefix + "limits:tenant:" + tenant; }
  public String rateLimitSettings(String tenant) { return tenantLimits(tenant); }
  public String submitRateState(String tenant) { return prefix + "rate:submit:" + tenant; }
  public String modelRate(String model, String rpmOrTpm) { return prefix + "rate:model:" + model + ":" + rpmOrTpm; }
  public String modelHold(String model) { return prefix + "hold:model:" + model; }
  /** A tenant's LLM requests or tokens per minute across all its models ({@code rpmOrTpm}: rpm | tpm). */
  public String tenantLlmRate(String tenant, String rpmOrTpm) { return prefix + "rate:tenant:" + tenant + ":llm_" + rpmOrTpm; }
  /** The refunds counter of a TPM bucket (see settle_model.lua). */
  public String refunds(String rateKey) { return rateKey + ":refunds"; }
  public String tenantCostDay(String tenant, String day) { return prefix + "cost:tenant:" + tenant + ":" + day; }
  public String tenantCostDays(String tenant) { return prefix + "cost:tenant:" + tenant + ":days"; }
  public String apiKeys() { return prefix + "auth:keys"; }
  public String apiKeyIds() { return prefix + "auth:key_ids"; }
  public String allTasks() { return prefix + "index:all"; }
  public String finished() { return prefix + "index:finished"; }
  public String readySignal() { return prefix + "signal:ready"; }
  public String cancelSignal() { return prefix + "signal:cancel"; }
}
