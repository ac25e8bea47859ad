package dev.sentinel.tools;

import dev.sentinel.agent.NodeContext;
import dev.sentinel.llm.ToolSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A tool an agent node may offer its model: its name, description and argument schema, and the
 * call. A call runs on the worker's event loop and must not block. It is told the step's
 * context, so it passes the step's idempotency key ({@code task_id:step}) and the fencing token
 * on to the tool: a call re-run after a crash carries the same key.
 */
public interface Tool {

  ToolSpec spec();

  /** A failed future is a failure of the step (retried as a node's); a tool's own error is a {@link ToolResult#error()}. */
  Future<ToolResult> call(NodeContext ctx, JsonObject arguments);

  default String name() { return spec().name(); }
}
