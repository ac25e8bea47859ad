package dev.sentinel.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A kind of node (noop, llm, http, ...). Runs on the worker's event loop and must not block;
 * blocking work goes through {@code vertx.executeBlocking}. The returned output is merged into
 * the task state; a failed future is a node failure (retried with backoff), except
 * {@link NodeCancelledException}.
 */
public interface NodeHandler {
  String name();

  Future<JsonObject> run(NodeContext ctx);

  /** Checks a node's settings when its agent is loaded; throws IllegalArgumentException saying what is wrong. */
  default void check(JsonObject config) {}

  /**
   * A kind whose work takes several steps (an agent's turns and tool calls) runs its node again
   * while this holds of the state after a step, before the node's own edges are tried; null
   * (the default): one step per visit. The loader adds the edge, so a definition need not.
   */
  default Condition repeatsWhile(String outputKey) { return null; }
}
