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
 * Waits, to try them without writing an agent: {@code task_params.wait_input_at_step} k puts a
 * wait_input node ("wait-input", output key {@code input}) before step-k, so the task waits for
 * {@code POST /tasks/{id}/input} there and its result holds the data under {@code input};
 * {@code task_params.sleep_ms_at_step} k with {@code task_params.sleep_ms} puts a sleep node
 * ("sleep") before step-k (before the wait when both name the same step). Each adds a step.
 */
public final class NoopAgent implements Agent {

  public static final int MAX_STEPS = 1000;

  @Override public String name() { return "noop"; }

  @Override public String description() {
    return "Built in, for trials and benchmarks: task_params.steps noop steps (each a version of its own shape).";
  }

  @Override public void validate(JsonObject p) {
    int steps = whole(p, "steps", 1, 1, MAX_STEPS);
    whole(p, "step_ms", 0, 0, 3_600_000);
    if (p.containsKey("fail_at_step")) whole(p, "fail_at_step", 0, 1, steps);
    if (p.containsKey("wait_input_at_step")) whole(p, "wait_input_at_step", 0, 1, steps);
    if (p.containsKey("sleep_ms_at_step") != p.containsKey("sleep_ms")) {
      String missing = p.containsKey("sleep_ms") ? "sleep_ms_at_step" : "sleep_ms";
      throw new InvalidTaskParamsException("task_params." + missing, "task_params.sleep_ms_at_step and task_params.sleep_ms go together");
    }
    if (p.containsKey("sleep_ms_at_step")) {
      whole(p, "sleep_ms_at_step", 0, 1, steps);
      whole(p, "sleep_ms", 0, 0, MAX_SLEEP_MS);
    }
  }

  /** 7 days: longer sleeps belong in an agent of one's own. */
  private static final int MAX_SLEEP_MS = 7 * 24 * 3600 * 1000;

  /** The graph of one parameter set; there are few in practice (a benchmark uses one). */
  private record Shape(int steps, long stepMs, int failAt, int waitAt, int sleepAt, long sleepMs) {}

  /** Past this many shapes, graphs are built per task rather than kept. */
  private static final int MAX_CACHED = 256;

  /**
   * Graphs are immutable, so tasks with the same parameters share one: building and checking a
   * graph per claimed task cost more than running a noop step.
   */
  private final Map<Shape, AgentGraph> graphs = new ConcurrentHashMap<>();

  @Override public AgentGraph graph(JsonObject p) {
    Shape shape = new Shape(p.getInteger("steps", 1), p.getLong("step_ms", 0L), p.getInteger("fail_at_step", 0),
        p.getInteger("wait_input_at_step", 0), p.getInteger("sleep_ms_at_step", 0), p.getLong("sleep_ms", 0L));
    AgentGraph cached = graphs.get(shape);
    if (cached != null) return cached;
    AgentGraph built = build(shape);
    if (graphs.size() < MAX_CACHED) graphs.putIfAbsent(shape, built);
    return built;
  }

  private AgentGraph build(Shape shape) {
    // the nodes in a line: sleep and wait-input go in front of the step they name
    List<GraphNode> line = new ArrayList<>();
    for (int i = 1; i <= shape.steps(); i++) {
      if (i == shape.sleepAt()) {
        line.add(new GraphNode("sleep", SleepNodeKind.KIND, new JsonObject().put("duration_ms", shape.sleepMs()), "sleep"));
      }
      if (i == shape.waitAt()) line.add(new GraphNode("wait-input", WaitInputNodeKind.KIND, new JsonObject(), "input"));
      JsonObject cfg = new JsonObject().put("duration_ms", shape.stepMs());
      if (i == shape.failAt()) cfg.put("fail", true);
      line.add(new GraphNode("step-" + i, "noop", cfg, null));
    }
    Map<String, GraphNode> nodes = new LinkedHashMap<>();
    List<Edge> edges = new ArrayList<>();
    for (int i = 0; i < line.size(); i++) {
      nodes.put(line.get(i).name(), line.get(i));
      if (i > 0) edges.add(new Edge(line.get(i - 1).name(), line.get(i).name()));
    }
    return new AgentGraph(name(), line.get(0).name(), nodes, edges);
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
