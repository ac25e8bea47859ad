package dev.sentinel.agent;

import io.vertx.core.json.JsonObject;

import java.util.Optional;

/** A registered agent type: checks a task's parameters at submission and gives its graph. */
public interface Agent {
  String name();

  /** @throws InvalidTaskParamsException naming the field, when the parameters cannot run */
  void validate(JsonObject params);

  AgentGraph graph(JsonObject params);

  /** What GET /agents says about it. */
  default String description() { return ""; }

  /**
   * The graph every task of this agent gets, when it does not depend on the task's params (a YAML
   * agent); empty for an agent that builds its graph from them (noop: one version per shape).
   */
  default Optional<AgentGraph> fixedGraph() { return Optional.empty(); }
}
