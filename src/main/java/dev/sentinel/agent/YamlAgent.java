package dev.sentinel.agent;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/** An agent defined in YAML: one fixed graph, and the task_params it requires. */
public record YamlAgent(String name, String description, AgentGraph graph, List<String> requiredParams) implements Agent {

  @Override public void validate(JsonObject params) {
    for (String p : requiredParams) {
      if (Template.lookup(params, p) == null) {
        throw new InvalidTaskParamsException("task_params." + p, "task_params." + p + " is required by agent " + name);
      }
    }
  }

  @Override public AgentGraph graph(JsonObject params) { return graph; }

  @Override public Optional<AgentGraph> fixedGraph() { return Optional.of(graph); }
}
