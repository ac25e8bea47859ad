package dev.sentinel.agent;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in {@code noop} agent, for benchmarks and failure tests: {@code task_params.steps}
 * (1-1000, default 1) noop nodes named step-1..step-N in a line, each waiting
 * {@code task_params.step_ms} (default 0); {@code task_params.fail_at_step} makes that step fail.
 */
public final class NoopAgent implements Agent {

  public static final int MAX_STEPS = 1000;

  @Override public String name() { return "noop"; }

  @Override public void validate(JsonObject p) {
    int steps = whole(p, "steps", 1, 1, MAX_STEPS);
    whole(p, "step_ms", 0, 0, 3_600_000);
    if (p.containsKey("fail_at_step")) whole(p, "fail_at_step", 0, 1, steps);
  }

  /** The graph of one parameter set; there are few in practice (a benchmark uses one). */
  private record Shape(int steps, long stepMs, int failAt) {}

  /** Past this many shapes, graphs are built per task rather than kept. */
  private static final int MAX_CACHED = 256;

  /**
   * Graphs are immutable, so tasks with the same parameters share one: building and checking a
   * graph per claimed task cost more than running a noop step.
   */
  private final Map<Shape, AgentGraph> graphs = new ConcurrentHashMap<>();

  @Override public AgentGraph graph(JsonObject p) {
    Shape shape = new Shape(p.getInteger("steps", 1), p.getLong("step_ms", 0L), p.getInteger("fail_at_step", 0));
    AgentGraph cached = graphs.get(shape);
    if (cached != null) return cached;
    AgentGraph built = build(shape.steps(), shape.stepMs(), shape.failAt());
    if (graphs.size() < MAX_CACHED) graphs.putIfAbsent(shape, built);
    return built;
  }

  private AgentGraph build(int steps, long stepMs, int failAt) {
    Map<String, GraphNode> nodes = new LinkedHashMap<>();
    List<Edge> edges = new ArrayList<>();
    for (int i = 1; i <= steps; i++) {
      JsonObject cfg = new JsonObject().put("duration_ms", stepMs);
      if (i == failAt) cfg.put("fail", true);
      nodes.put("step-" + i, new GraphNode("step-" + i, "noop", cfg, null));
      if (i > 1) edges.add(new Edge("step-" + (i - 1), "step-" + i));
    }
    return new AgentGraph(name(), "step-1", nodes, edges);
  }

  private static int whole(JsonObject p, String key, int dflt, int min, int max) {
    Object v = p.getValue(key);
    if (v == null) return dflt;
    String field = "task_params." + key;
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new InvalidTaskParamsException(field, field + " must be a whole number");
    }
    long value = n.longValue();
    if (value < min || value > max) {
      throw new InvalidTaskParamsException(field, field + " must be between " + min + " and " + max);
    }
    return (int) value;
  }
}
