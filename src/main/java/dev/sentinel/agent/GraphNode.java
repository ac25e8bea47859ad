package dev.sentinel.agent;

import io.vertx.core.json.JsonObject;

/**
 * One node of an agent graph: its kind (found in {@link NodeKinds}), the kind's settings, and
 * the state key its output is merged under (null: merged into the top level of the state).
 */
public record GraphNode(String name, String kind, JsonObject config, String outputKey) {}
