package dev.sentinel.agent;

import dev.sentinel.crypto.Sha256;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An agent graph as data: the form a version is hashed from and kept in Redis by (see
 * {@link PinnedGraphs}). Graphs are data already (nodes with their kind's settings, edges,
 * a result template); only node kinds are code, so a graph written here can be rebuilt on any
 * node that has the kinds it names, whichever YAML file or Java class built it first.
 *
 * <pre>
 * {"name": "...", "entry": "...", "result": {...} | null,
 *  "nodes": [{"name", "kind", "config", "output_key" (null: merged at the top level),
 *             "timeout_ms", "max_attempts", "retry_backoff_ms"}, ...],
 *  "edges": [{"from", "to", "when": {"path", "op", "value"} | null, "on": "timeout" | null}, ...]}
 * </pre>
 *
 * Object keys are written sorted, at every depth, so the same graph always has the same text and
 * the same version: reordering keys in a YAML file is not a new version; changing what a node
 * does, renaming it or rewiring an edge is.
 */
public final class GraphSpec {
  private GraphSpec() {}

  /** Hex digits of a version: 64 bits of the SHA-256 of the spec, plenty for one deployment's history. */
  private static final int VERSION_HEX = 16;

  public static JsonObject write(AgentGraph g) {
    JsonArray nodes = new JsonArray();
    for (GraphNode n : g.nodes().values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList()) {
      nodes.add(new JsonObject()
          .put("name", n.name())
          .put("kind", n.kind())
          .put("config", n.config() == null ? new JsonObject() : n.config())
          .put("output_key", n.outputKey())
          .put("timeout_ms", n.timeoutMs())
          .put("max_attempts", n.maxAttempts())
          .put("retry_backoff_ms", n.retryBackoffMs()));
    }
    JsonArray edges = new JsonArray();
    for (Edge e : g.edges()) {   // in declaration order: a node's edges are tried in that order
      Condition c = e.when();
      edges.add(new JsonObject().put("from", e.from()).put("to", e.to())
          .put("when", c == null ? null : new JsonObject().put("path", c.path()).put("op", c.op()).put("value", c.value()))
          .put("on", e.on()));
    }
    JsonObject spec = new JsonObject().put("name", g.name()).put("entry", g.entry()).put("result", g.resultTemplate())
        .put("nodes", nodes).put("edges", edges);
    return (JsonObject) canonical(spec);
  }

  /** The version of a spec: the first hex digits of the SHA-256 of its canonical text. */
  public static String version(JsonObject spec) {
    return Sha256.hex(((JsonObject) canonical(spec)).encode()).substring(0, VERSION_HEX);
  }

  /**
   * Rebuilds a graph from its spec with this node's kinds.
   *
   * @throws IllegalArgumentException naming the node and the kind when a kind is missing here
   *                                  (a plugin removed by a redeploy), or when the spec is damaged
   */
  public static AgentGraph read(JsonObject spec, NodeKinds kinds) {
    String name = spec.getString("name");
    Map<String, GraphNode> nodes = new LinkedHashMap<>();
    for (Object o : spec.getJsonArray("nodes", new JsonArray())) {
      JsonObject n = (JsonObject) o;
      String kind = n.getString("kind");
      if (!kinds.has(kind)) {
        throw new IllegalArgumentException("node '" + n.getString("name") + "' is of kind '" + kind
            + "', which this node does not have (known: " + kinds.names() + ")");
      }
      nodes.put(n.getString("name"), new GraphNode(n.getString("name"), kind, n.getJsonObject("config", new JsonObject()),
          n.getString("output_key"), n.getLong("timeout_ms", 0L), n.getInteger("max_attempts", 1),
          n.getLong("retry_backoff_ms", 0L)));
    }
    List<Edge> edges = new ArrayList<>();
    for (Object o : spec.getJsonArray("edges", new JsonArray())) {
      JsonObject e = (JsonObject) o;
      JsonObject when = e.getJsonObject("when");
      edges.add(new Edge(e.getString("from"), e.getString("to"),
          when == null ? null : new Condition(when.getString("path"), when.getString("op"), when.getValue("value")),
          e.getString("on")));
    }
    return new AgentGraph(name, spec.getString("entry"), nodes, edges, spec.getJsonObject("result"));
  }

  /** The value with every object's keys sorted, at every depth (arrays keep their order). */
  private static Object canonical(Object v) {
    if (v instanceof JsonObject o) {
      Map<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<String, Object> e : o) sorted.put(e.getKey(), canonical(e.getValue()));
      return new JsonObject(new LinkedHashMap<>(sorted));
    }
    if (v instanceof Map<?, ?> m) return canonical(new JsonObject(castMap(m)));
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      for (Object x : a) out.add(canonical(x));
      return out;
    }
    if (v instanceof List<?> l) return canonical(new JsonArray(new ArrayList<>(l)));
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
