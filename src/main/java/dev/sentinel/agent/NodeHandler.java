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
}
