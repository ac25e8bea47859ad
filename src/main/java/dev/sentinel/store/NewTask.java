package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/** A validated submission. Money is micro-USD; runAt is Redis-clock ms, or null for "now". */
public record NewTask(String id, String tenantId, String agentType, String taskType, JsonObject params,
                      int maxAttempts, int priority, Long costLimitMicros, Long runAt) {}
