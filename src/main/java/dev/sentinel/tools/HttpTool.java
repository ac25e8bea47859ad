package dev.sentinel.tools;

import dev.sentinel.agent.NodeContext;
import dev.sentinel.llm.ToolSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;

/**
 * The {@code http} node as a tool the model calls: it picks method, URL and body; the host
 * allow-list ({@link HostPolicy}) and everything else of {@link HttpToolNodeHandler} apply
 * unchanged. A refused host is told to the model as an error result rather than failing the
 * step: retrying the same arguments could not help, the model may try others. Other failures
 * (a 5xx, a timeout) fail the step, which is retried as any node's, with the same idempotency key.
 */
public final class HttpTool implements Tool {

  public static final String NAME = "http";

  private static final ToolSpec SPEC = new ToolSpec(NAME,
      "Calls an HTTP endpoint (only hosts on the operator's allow-list) and returns its status and JSON body.",
      new JsonObject().put("type", "object")
          .put("properties", new JsonObject()
              .put("method", new JsonObject().put("type", "string").put("enum", new JsonArray().add("GET").add("POST").add("PUT").add("DELETE")))
              .put("url", new JsonObject().put("type", "string").put("description", "absolute http(s) URL"))
              .put("body", new JsonObject().put("description", "JSON body to send (POST/PUT)")))
          .put("required", new JsonArray().add("url")));

  private final HttpToolNodeHandler http;

  public HttpTool(HttpToolNodeHandler http) {
    this.http = http;
  }

  @Override public ToolSpec spec() { return SPEC; }

  @Override public Future<ToolResult> call(NodeContext ctx, JsonObject arguments) {
    URI url;
    try {
      url = URI.create(arguments.getString("url", ""));
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(new ToolResult("bad URL: " + e.getMessage(), true));
    }
    HttpToolNodeHandler.Call call = new HttpToolNodeHandler.Call(arguments.getString("method", "GET"), url,
        arguments.getValue("body"), http.defaultTimeoutMs());
    return http.send(ctx, call).<ToolResult>map(out -> new ToolResult(out.encode(), false))
        .recover(e -> e instanceof SecurityException
            ? Future.succeededFuture(new ToolResult(e.getMessage(), true))
            : Future.failedFuture(e));
  }
}
