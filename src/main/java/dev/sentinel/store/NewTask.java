package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * A validated submission. Money is nano-USD; runAt is Redis-clock ms, or null for "now";
 * totalSteps is the number of steps every run of its graph takes, or null when that depends on
 * the state (branches).
 */
public record NewTask(String id, String tenantId, String agentType, String taskType, JsonObject params,
                      int maxAttempts, int priority, Long costLimitNanos, Long runAt, Integer totalSteps) {

  public NewTask(String id, String tenantId, String agentType, String taskType, JsonObject params,
                 int maxAttempts, int priority, Long costLimitNanos, Long runAt) {
    this(id, tenantId, agentType, taskType, params, maxAttempts, priority, costLimitNanos, runAt, null);
  }
}
