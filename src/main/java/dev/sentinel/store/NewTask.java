package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * A validated submission. Money is nano-USD; runAt is Redis-clock ms, or null for "now";
 * totalSteps is the number of steps every run of its graph takes, or null when that depends on
 * the state (branches). trace is the W3C traceparent of the submission's span, kept with the task
 * so every claim continues its trace, or null (tracing off: no field is written).
 */
public record NewTask(String id, String tenantId, String agentType, String taskType, JsonObject params,
                      int maxAttempts, int priority, Long costLimitNanos, Long runAt, Integer totalSteps, String trace) {

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
        traceparent);
  }
}
