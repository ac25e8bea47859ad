package dev.sentinel.agent;

import io.vertx.core.json.JsonObject;

/**
 * One node of an agent graph: its kind (found in {@link NodeKinds}), the kind's settings, the
 * state key its output is merged under (null: merged into the top level of the state), how
 * long one run may take (0: no limit) and how often it is tried in place before the task
 * counts a failed attempt.
 */
public record GraphNode(String name, String kind, JsonObject config, String outputKey, long timeoutMs,
                        int maxAttempts, long retryBackoffMs) {

  public GraphNode(String name, String kind, JsonObject config, String outputKey) {
    this(name, kind, config, outputKey, 0, 1, 0);
  }
}
