package dev.sentinel.tools.mcp;

import dev.sentinel.agent.NodeContext;
import dev.sentinel.llm.ToolSpec;
import dev.sentinel.tools.Tool;
import dev.sentinel.tools.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One tool of an MCP server, offered to the model as {@code <server>__<tool>} ({@link #exposedName})
 * with the schema the server lists. A call sends the step's idempotency key and fencing token in the request's
 * {@code _meta} ({@code sentinel/idempotency_key}, {@code sentinel/fencing_token}), so a server
 * that cares can drop a re-run's duplicate. The answer's text parts are joined for the model;
 * other parts (images, resources) are described by their type; a result with {@code isError}
 * is told to the model as an error.
 */
final class McpTool implements Tool {

  private final McpServer server;
  private final McpSchema.Tool tool;
  private final ToolSpec spec;

  McpTool(McpServer server, McpSchema.Tool tool) {
    this.server = server;
    this.tool = tool;
    this.spec = new ToolSpec(exposedName(server.name(), tool.name()), tool.description(),
        tool.inputSchema() == null ? new JsonObject().put("type", "object") : new JsonObject(Json.encode(tool.inputSchema())));
  }

  /**
   * The name the model sees: {@code <server>__<tool>}, with every character OpenAI's function
   * names do not allow ({@code ^[a-zA-Z0-9_-]{1,64}$}) replaced by _, cut to 64 characters.
   */
  static String exposedName(String server, String tool) {
    String name = server + McpServers.SEPARATOR + tool.replaceAll("[^A-Za-z0-9_-]", "_");
    return name.length() <= 64 ? name : name.substring(0, 64);
  }

  @Override public ToolSpec spec() { return spec; }

  @Override public Future<ToolResult> call(NodeContext ctx, JsonObject arguments) {
    Map<String, Object> meta = Map.of("sentinel/idempotency_key", ctx.idempotencyKey(), "sentinel/fencing_token", ctx.fencingToken(),
        "sentinel/task_id", ctx.taskId());
    // plain maps all the way down: the SDK's Jackson must not see Vert.x's JsonObject
    @SuppressWarnings("unchecked") Map<String, Object> plain = Json.decodeValue(arguments.encode(), Map.class);
    return server.call(tool.name(), plain, meta).map(McpTool::result);
  }

  private static ToolResult result(McpSchema.CallToolResult r) {
    List<String> parts = new ArrayList<>();
    for (McpSchema.Content c : r.content() == null ? List.<McpSchema.Content>of() : r.content()) {
      parts.add(c instanceof McpSchema.TextContent t ? t.text() : "[" + c.type() + " content]");
    }
    if (parts.isEmpty() && r.structuredContent() != null) parts.add(Json.encode(r.structuredContent()));
    return new ToolResult(String.join("\n", parts), Boolean.TRUE.equals(r.isError()));
  }
}
