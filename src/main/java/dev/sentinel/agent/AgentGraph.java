package dev.sentinel.agent;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent's graph: nodes, edges and the entry node. A task walks it one node per step; the
 * state is a JSON object that starts as task_params and collects each node's output.
 */
public record AgentGraph(String name, String entry, Map<String, GraphNode> nodes, List<Edge> edges) {

  public AgentGraph {
    if (!nodes.containsKey(entry)) throw new IllegalArgumentException("graph " + name + ": entry node " + entry + " is missing");
    Map<String, String> next = new HashMap<>();
    for (Edge e : edges) {
      if (!nodes.containsKey(e.from()) || !nodes.containsKey(e.to())) {
        throw new IllegalArgumentException("graph " + name + ": edge " + e + " names a missing node");
      }
      if (next.put(e.from(), e.to()) != null) {
        throw new IllegalArgumentException("graph " + name + ": node " + e.from() + " has two unconditional edges");
      }
    }
  }

  public GraphNode node(String name) {
    GraphNode n = nodes.get(name);
    if (n == null) throw new IllegalStateException("graph " + this.name + " has no node " + name);
    return n;
  }

  /** The node after {@code from}, or null when the graph ends there. */
  public String next(String from, JsonObject state) {
    for (Edge e : edges) if (e.from().equals(from)) return e.to();
    return null;
  }

  /** The state after a node: its output merged under its output key, or into the top level. */
  public static JsonObject merge(JsonObject state, GraphNode node, JsonObject output) {
    JsonObject next = state.copy();
    if (output == null) return next;
    if (node.outputKey() == null) next.mergeIn(output);
    else next.put(node.outputKey(), output);
    return next;
  }
}
