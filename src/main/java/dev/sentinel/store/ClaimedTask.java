package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * A task granted to a worker: the fencing token, what to run, and where to resume.
 * {@code checkpoint} is null when no step was committed yet; {@code trace} is the traceparent
 * stored at submission (null when the task was submitted with tracing off); {@code agentVersion}
 * the graph version it is pinned to (null for a task submitted before agents had versions).
 */
public record ClaimedTask(String id, Lease lease, long leaseExpires, String tenantId, String agentType,
                          String taskType, JsonObject params, int step, String currentNode, int attempts,
                          int maxAttempts, JsonObject checkpoint, String trace, String agentVersion) {

  public ClaimedTask(String id, Lease lease, long leaseExpires, String tenantId, String agentType,
                     String taskType, JsonObject params, int step, String currentNode, int attempts,
                     int maxAttempts, JsonObject checkpoint, String trace) {
    this(id, lease, leaseExpires, tenantId, agentType, taskType, params, step, currentNode, attempts, maxAttempts,
        checkpoint, trace, null);
  }

  public ClaimedTask(String id, Lease lease, long leaseExpires, String tenantId, String agentType,
                     String taskType, JsonObject params, int step, String currentNode, int attempts,
                     int maxAttempts, JsonObject checkpoint) {
    this(id, lease, leaseExpires, tenantId, agentType, taskType, params, step, currentNode, attempts, maxAttempts,
        checkpoint, null);
  }
}
