package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * A validated submission. Money is nano-USD; runAt is Redis-clock ms, or null for "now";
 * totalSteps is the number of steps every run of its graph takes, or null when that depends on
 * the state (branches). trace is the W3C traceparent of the submission's span, kept with the task
 * so every claim continues its trace, or null (tracing off: no field is written). agentVersion is
 * the graph version the task is pinned to, or null (not pinned: it runs the worker's current graph).
 */
public record NewTask(String id, String tenantId, String agentType, String taskType, JsonObject params,
                      int maxAttempts, int priority, Long costLimitNanos, Long runAt, Integer totalSteps, String trace,
                      String agentVersion) {

  public NewTask(String id, String tenantId, String agentType, String taskType, JsonObject params,
                 int maxAttempts, int priority, Long costLimitNanos, Long runAt, Integer totalSteps, String trace) {
    this(id, tenantId, agentType, taskType, params, maxAttempts, priority, costLimitNanos, runAt, totalSteps, trace, null);
  }

  public NewTask(String id, String tenantId, String agentType, String taskType, JsonObject params,
                 int maxAttempts, int priority, Long costLimitNanos, Long runAt, Integer totalSteps) {
    this(id, tenantId, agentType, taskType, params, maxAttempts, priority, costLimitNanos, runAt, totalSteps, null);
  }

  public NewTask(String id, String tenantId, String agentType, String taskType, JsonObject params,
                 int maxAttempts, int priority, Long costLimitNanos, Long runAt) {
    this(id, tenantId, agentType, taskType, params, maxAttempts, priority, costLimitNanos, runAt, null, null);
  }

  public NewTask withTrace(String traceparent) {
    return new NewTask(id, tenantId, agentType, taskType, params, maxAttempts, priority, costLimitNanos, runAt, totalSteps,
        traceparent, agentVersion);
  }

  /** Pinned to this version of its agent's graph (the agent package's PinnedGraphs keeps it first). */
  public NewTask withAgentVersion(String version) {
    return new NewTask(id, tenantId, agentType, taskType, params, maxAttempts, priority, costLimitNanos, runAt, totalSteps,
        trace, version);
  }
}
