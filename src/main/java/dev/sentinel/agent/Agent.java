package dev.sentinel.agent;

import io.vertx.core.json.JsonObject;

/** A registered agent type: checks a task's parameters at submission and gives its graph. */
public interface Agent {
  String name();

  /** @throws InvalidTaskParamsException naming the field, when the parameters cannot run */
  void validate(JsonObject params);

  AgentGraph graph(JsonObject params);
}
