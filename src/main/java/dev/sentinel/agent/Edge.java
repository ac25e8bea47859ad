package dev.sentinel.agent;

/**
 * An edge; {@code when} null means unconditional (the default). Edges of a node are tried in order.
 * {@code on} names an outcome of the node the edge is taken on instead of a state test: only
 * {@value #TIMEOUT}, the edge a wait_input node takes when its wait timed out (see
 * {@link AgentGraph#next(String, io.vertx.core.json.JsonObject, io.vertx.core.json.JsonObject)}).
 */
public record Edge(String from, String to, Condition when, String on) {

  public static final String TIMEOUT = "timeout";

  public Edge {
    if (on != null && !TIMEOUT.equals(on)) throw new IllegalArgumentException("unknown edge outcome '" + on + "' (known: timeout)");
    if (on != null && when != null) throw new IllegalArgumentException("an edge has either `on` or `when`, not both");
  }

  public Edge(String from, String to, Condition when) {
    this(from, to, when, null);
  }

  public Edge(String from, String to) {
    this(from, to, null, null);
  }

  /** The edge a wait_input node takes when its wait timed out. */
  public static Edge onTimeout(String from, String to) {
    return new Edge(from, to, null, TIMEOUT);
  }

  /** Unconditional: taken when no conditional edge holds. */
  public boolean isDefault() {
    return when == null && on == null;
  }
}
