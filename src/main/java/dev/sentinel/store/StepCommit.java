package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/** One finished node to commit as step {@code step} (1-based); nextNode is null when the graph ends. */
public record StepCommit(String taskId, Lease lease, int step, String node, String nextNode, JsonObject checkpoint) {}
