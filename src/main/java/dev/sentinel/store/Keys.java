package dev.sentinel.store;

import java.util.List;

/**
 * Every Redis key name Sentinel uses, in one place. The Lua scripts build the same names from
 * the prefix they are given (see lua/_lib.lua); keep the two in step. The layout follows
 * DESIGN.md section 2: each key is there for a guarantee, listed in the README's table.
 *
 * <pre>
 * task:{id}:meta          HASH   the task (seed field names: status, owner, epoch, claim, lease_expires, step, ...)
 * task:{id}:history       LIST   the task's life, one JSON record per event: claimed, each committed step (with
 *                                the node's output: the checkpoint is rebuilt from it), completed, failed, ...
 * task:{id}:calls         HASH   LLM call records by call_id
 * ready:{tenant}          ZSET   a tenant's queued tasks, by priority then FIFO
 * ready:tenants           LIST   ring of tenants with queued tasks (round-robin claim)
 * leases                  ZSET   running tasks by lease deadline (the watcher's index)
 * delayed                 ZSET   tasks waiting for a time (run_at, backoff, rate-limit room, budget, sleep, an input's timeout)
 * waiting                 ZSET   tasks waiting for input (wait_input node), by when the wait began (listing, cancel)
 * finished                ZSET   final tasks by finish time (retention)
 * tenant:{t}:tasks        ZSET   a tenant's tasks by creation (listing)
 * tenants                 SET    tenants that have tasks (listing across tenants)
 * counts, counts:{t}      HASH   exact number of tasks per status (and total), cluster-wide and per tenant
 * claim:{claim base}      STRING ids one claim call granted, for one lease (a retried claim gets them back)
 * layout                  STRING the key layout's version ("3"; "2" kept money in micro-USD and is migrated at start-up); a node refuses to start on another
 * worker:{id}:hb          STRING heartbeat JSON with a TTL;  workers  ZSET worker id -> last heartbeat
 * audit:refused           STREAM every fenced write that was refused, MAXLEN ~
 * idem:{tenant}:{key}     HASH   Idempotency-Key -> task id + request fingerprint (24 h TTL, or the retention if shorter)
 * cost:tenant:{id}:total  HASH   a tenant's cost totals (nano-USD, calls), kept by the cost ledger
 * cost:tenant:{id}:{day}  HASH   per day and model;  cost:tenant:{id}:days  ZSET  the days with costs
 * agent:{name}:def:{v}    STRING an agent graph version's spec (content-hashed: written once, never changed)
 * agent:{name}:versions   ZSET   an agent's kept versions -> first registered;  agents  SET  names with kept versions
 * limits:tenant:{id}      HASH   a tenant's own limits (rate, burst, quotas, daily budget)
 * rate:submit:{tenant}    STRING GCRA state of the tenant's submission rate
 * rate:model:{m}:rpm|tpm  STRING GCRA state of a model's cluster-wide limits; hold:model:{m} after a 429
 * rate:tenant:{t}:llm_rpm|llm_tpm STRING GCRA state of a tenant's LLM limits (across all its models)
 * rate:...:tpm:refunds    STRING refunds (ms) given back to a TPM bucket so far (caps later refunds)
 * auth:keys, auth:key_ids HASH   API key digest -> record; key id -> digest
 * seq:task                STRING submission counter (FIFO order)
 * signal:ready            PUBSUB "a task became ready" (wakes workers on every node)
 * signal:cancel           PUBSUB task id that was cancelled (stops its running node)
 * signal:tokens           PUBSUB streamed LLM output, batched (ephemeral: never stored in a key)
 * </pre>
 */
public record Keys(String prefix) {

  /** The version of the key layout this code reads and writes (the {@code layout} key). */
  public static final String LAYOUT_VERSION = "3";

  public String meta(String taskId) { return prefix + "task:" + taskId + ":meta"; }
  public String history(String taskId) { return prefix + "task:" + taskId + ":history"; }
  public String calls(String taskId) { return prefix + "task:" + taskId + ":calls"; }
  public String heartbeat(String workerId) { return prefix + "worker:" + workerId + ":hb"; }
  public String workers() { return prefix + "workers"; }
  public String auditRefused() { return prefix + "audit:refused"; }
  public String leases() { return prefix + "leases"; }
  public String readyQueue(String tenant) { return prefix + "ready:" + tenant; }
  public String tenantRing() { return prefix + "ready:tenants"; }
  public String delayed() { return prefix + "delayed"; }
  public String finished() { return prefix + "finished"; }
  public String waiting() { return prefix + "waiting"; }
  public String tenantTasks(String tenant) { return prefix + "tenant:" + tenant + ":tasks"; }
  public String tenants() { return prefix + "tenants"; }
  public String counts() { return prefix + "counts"; }
  public String tenantCounts(String tenant) { return prefix + "counts:" + tenant; }
  public String agentDefinition(String agent, String version) { return prefix + "agent:" + agent + ":def:" + version; }
  public String agentVersions(String agent) { return prefix + "agent:" + agent + ":versions"; }
  public String agents() { return prefix + "agents"; }
  public String layout() { return prefix + "layout"; }
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
  public String readySignal() { return prefix + "signal:ready"; }
  public String cancelSignal() { return prefix + "signal:cancel"; }
  public String tokenSignal() { return prefix + "signal:tokens"; }

  /** The KEYS every script is called with, in the order lua/_lib.lua names them. */
  public List<String> scriptKeys() {
    return List.of(prefix, leases(), delayed(), finished(), counts(), tenantRing(), auditRefused(), waiting());
  }
}
