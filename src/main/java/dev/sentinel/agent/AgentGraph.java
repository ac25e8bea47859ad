package dev.sentinel.agent;

import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * An agent's graph: nodes, edges (conditional ones read the state) and the entry node. A task
 * walks it one node per step; the state is a JSON object that starts as task_params and
 * collects each node's output. Built graphs are valid: every edge names existing nodes, every
 * node is reachable, and from every node some path ends (no cycle without an exit).
 */
public final class AgentGraph {

  private final String name;
  private final String entry;
  private final Map<String, GraphNode> nodes;
  private final JsonObject resultTemplate;
  private final List<Edge> edges;
  /** Computed on first use (graphs are immutable): most graphs are asked for it once, at submission. */
  private volatile String version;
  /** Edges by source node, in declaration order. */
  private final Map<String, List<Edge>> out = new HashMap<>();

  public AgentGraph(String name, String entry, Map<String, GraphNode> nodes, List<Edge> edges) {
    this(name, entry, nodes, edges, null);
  }

  public AgentGraph(String name, String entry, Map<String, GraphNode> nodes, List<Edge> edges, JsonObject resultTemplate) {
    this.name = name;
    this.entry = entry;
    this.nodes = Map.copyOf(nodes);
    this.resultTemplate = resultTemplate;
    this.edges = List.copyOf(edges);
    if (!nodes.containsKey(entry)) throw new IllegalArgumentException("agent " + name + ": entry node '" + entry + "' does not exist");
    for (Edge e : edges) {
      if (!nodes.containsKey(e.from())) throw new IllegalArgumentException("agent " + name + ": edge from unknown node '" + e.from() + "'");
      if (!nodes.containsKey(e.to())) {
        throw new IllegalArgumentException("agent " + name + ": node '" + e.from() + "' has an edge to missing node '" + e.to() + "'");
      }
      out.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e);
    }
    for (var entryOut : out.entrySet()) {
      long defaults = entryOut.getValue().stream().filter(Edge::isDefault).count();
      if (defaults > 1) throw new IllegalArgumentException("agent " + name + ": node '" + entryOut.getKey() + "' has two unconditional edges");
    }
    Set<String> reachable = walk(entry, out);
    for (String n : nodes.keySet()) {
      if (!reachable.contains(n)) throw new IllegalArgumentException("agent " + name + ": node '" + n + "' is unreachable from '" + entry + "'");
    }
    // a node can end the run when it has no unconditional edge (when no condition matches, the
    // run ends there); every node must reach such a node, walking edges backwards from them
    Map<String, List<String>> into = new HashMap<>();
    edges.forEach(e -> into.computeIfAbsent(e.to(), k -> new ArrayList<>()).add(e.from()));
    Set<String> canEnd = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    for (String n : nodes.keySet()) {
      if (out.getOrDefault(n, List.of()).stream().noneMatch(Edge::isDefault)) todo.add(n);
    }
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (canEnd.add(n)) todo.addAll(into.getOrDefault(n, List.of()));
    }
    for (String n : nodes.keySet()) {
      if (!canEnd.contains(n)) throw new IllegalArgumentException("agent " + name + ": node '" + n + "' is on a cycle without an exit");
    }
  }

  public String name() { return name; }

  /**
   * The number of steps every run takes when the graph is a line (each node has at most one
   * edge out, and that edge has no condition), else empty: a branch or a conditional edge makes
   * the length depend on the state. The constructor has refused cycles without an exit, and a
   * line has no other exit than its end, so the walk ends.
   */
  public OptionalInt linearLength() {
    int steps = 0;
    for (String n = entry; n != null; steps++) {
      List<Edge> edges = out.getOrDefault(n, List.of());
      if (edges.size() > 1 || (edges.size() == 1 && !edges.get(0).isDefault())) return OptionalInt.empty();
      n = edges.isEmpty() ? null : edges.get(0).to();
    }
    return OptionalInt.of(steps);
  }

  public String entry() { return entry; }

  /** Every edge, in declaration order. */
  public List<Edge> edges() { return edges; }

  /** The agent's result template, or null (the result is the whole state). */
  public JsonObject resultTemplate() { return resultTemplate; }

  /**
   * The content hash of this graph ({@link GraphSpec#version}): a task is pinned to it at
   * submission, so a redeploy that changes the graph changes new tasks only.
   */
  public String version() {
    String v = version;
    if (v == null) {
      v = GraphSpec.version(GraphSpec.write(this));
      version = v;
    }
    return v;
  }

  public Map<String, GraphNode> nodes() { return nodes; }

  private static Set<String> walk(String from, Map<String, List<Edge>> out) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(from));
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (seen.add(n)) out.getOrDefault(n, List.of()).forEach(e -> todo.push(e.to()));
    }
    return seen;
  }

  public GraphNode node(String name) {
    GraphNode n = nodes.get(name);
    if (n == null) throw new IllegalStateException("graph " + this.name + " has no node " + name);
    return n;
  }

  /** The node after {@code from}: the first edge whose condition holds, else the default; null ends. */
  public String next(String from, JsonObject state) {
    return next(from, state, null);
  }

  /**
   * The node after {@code from}, given the node's {@code output} too: a wait_input node that timed
   * out takes its timeout edge (the output says so, see {@link WaitInputNodeKind#timedOut}); else
   * the first edge whose condition holds, else the default; null ends. Timeout edges are decided
   * by the output, not the state, so a timeout merged into the state earlier cannot steer a later wait.
   */
  public String next(String from, JsonObject state, JsonObject output) {
    List<Edge> edges = out.getOrDefault(from, List.of());
    if (WaitInputNodeKind.timedOut(nodes.get(from), output)) {
      for (Edge e : edges) if (e.on() != null) return e.to();
    }
    String fallback = null;
    for (Edge e : edges) {
      if (e.on() != null) continue;
      if (e.when() == null) {
        if (fallback == null) fallback = e.to();
      } else if (e.when().test(state)) {
        return e.to();
      }
    }
    return fallback;
  }

  /** The task's result once the graph ends: the agent's result template, or the whole state. */
  public JsonObject result(JsonObject state) {
    if (resultTemplate == null) return state;
    Object r = Template.renderJson(resultTemplate, state);
    return r instanceof JsonObject o ? o : new JsonObject().put("result", r);
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
