package dev.sentinel.agent;

import dev.sentinel.store.LeaseProtocol;
import dev.sentinel.store.WaitState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code wait_input}: the task waits, holding no worker, until {@code POST /tasks/{id}/input}
 * gives it a {@code data} object (checked against the node's {@code schema} when it has one),
 * which becomes the node's output; with {@code timeout_ms}, until then at most, and then the
 * output is {@code {"timed_out": true}} and the node's {@code when: timeout} edge is taken.
 *
 * <p>The first run parks the task ({@link StepDeferredException.Waiting}: the worker calls
 * wait.lua, which records the wait in the task hash); no step is committed. When the task runs
 * the node again at the same step, the node reads that record (one round trip, only for wait
 * nodes) and completes with the input or the timeout, committed as a normal step. Any run in
 * between (a retry, a crash, a shutdown) finds the wait not yet served and parks again, keeping
 * the first deadline.
 */
public final class WaitInputNodeKind implements NodeHandler {

  public static final String KIND = "wait_input";
  /** The output of a wait that timed out; an input may therefore not have this field (the API refuses it). */
  public static final String TIMED_OUT = "timed_out";

  @Override public String name() { return KIND; }

  @Override public Future<JsonObject> run(NodeContext ctx) {
    long timeoutMs = ctx.node().config().getLong("timeout_ms", 0L);
    return ctx.services().require(LeaseProtocol.class).waitState(ctx.taskId()).compose(w -> {
      if (w.serves(ctx.node().name(), ctx.step())) {
        // an input that arrived wins over a deadline that passed before the watcher noticed it
        if (w.input() != null) return Future.succeededFuture(w.input());
        if (w.due()) return Future.succeededFuture(new JsonObject().put(TIMED_OUT, true));
      }
      return Future.failedFuture(new StepDeferredException.Waiting("input", "waiting for input at node "
          + ctx.node().name(), timeoutMs > 0 ? timeoutMs : null, null));
    });
  }

  /** True when {@code output} is the timeout of a wait_input node. */
  public static boolean timedOut(GraphNode node, JsonObject output) {
    return node != null && KIND.equals(node.kind()) && output != null && Boolean.TRUE.equals(output.getValue(TIMED_OUT));
  }

  /** Checks a node's settings at load time. */
  @Override public void check(JsonObject cfg) {
    Object timeout = cfg.getValue("timeout_ms");
    if (timeout != null && !(timeout instanceof Number n && n.longValue() >= 1 && n.doubleValue() == Math.rint(n.doubleValue()))) {
      throw new IllegalArgumentException("timeout_ms must be a whole number of milliseconds, at least 1");
    }
    Object schema = cfg.getValue("schema");
    if (schema != null && !(schema instanceof JsonObject)) throw new IllegalArgumentException("schema must be a JSON schema object");
  }

  /** The JSON schema the input's data must match, or null. */
  public static JsonObject schema(GraphNode node) {
    return node.config().getJsonObject("schema");
  }
}
