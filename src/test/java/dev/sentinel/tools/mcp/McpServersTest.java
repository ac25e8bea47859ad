package dev.sentinel.tools.mcp;

import dev.sentinel.agent.Cancellation;
import dev.sentinel.agent.GraphNode;
import dev.sentinel.agent.NodeContext;
import dev.sentinel.agent.NodeServices;
import dev.sentinel.config.SentinelConfig.McpServerSettings;
import dev.sentinel.store.Lease;
import dev.sentinel.testing.McpEverythingServer;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.tools.Tool;
import dev.sentinel.tools.ToolResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.sentinel.testing.Outcomes.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MCP client side against the reference server ({@code @modelcontextprotocol/server-everything}, run with Node). */
class McpServersTest {

  static McpEverythingServer server;
  static Vertx vertx;

  @BeforeAll static void start() {
    server = McpEverythingServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll static void stop() {
    server.close();
    vertx.close().await();
  }

  private static NodeContext step(int step) {
    return new NodeContext(vertx, "task-1", "acme", "w1", step, new GraphNode("agent", "agent", new JsonObject(), "agent"),
        new JsonObject(), new Lease(1, "c1"), new Cancellation(), NodeServices.of());
  }

  private static Tool tool(McpServers servers, String name) {
    return result(servers.tools()).stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test void theServersToolsAreOfferedAsServerUnderscoreToolWithTheirSchemasAndCallable() {
    McpServers servers = McpServers.of(vertx, Map.of("everything", server.url()));
    try {
      List<Tool> tools = result(servers.tools());
      assertThat(tools).extracting(Tool::name).contains("everything__echo", "everything__get-sum");
      Tool echo = tool(servers, "everything__echo");
      assertThat(echo.spec().parameters().getJsonObject("properties").containsKey("message")).isTrue();
      ToolResult r = result(echo.call(step(2), new JsonObject().put("message", "hi")));
      assertThat(r).isEqualTo(new ToolResult("Echo: hi", false));
    } finally {
      servers.close();
    }
  }

  @Test void aRestartedServerForgetsTheSessionAndTheNextCallOpensANewOne() {
    McpServers servers = McpServers.of(vertx, Map.of("everything", server.url()));
    try {
      Tool echo = tool(servers, "everything__echo");
      assertThat(result(echo.call(step(2), new JsonObject().put("message", "before"))).text()).isEqualTo("Echo: before");
      server.restart();
      // the first call may fail on the forgotten session (the step is then retried, as any node's); the retry succeeds
      Future<ToolResult> first = echo.call(step(3), new JsonObject().put("message", "after"));
      ToolResult after = first.transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result())
          : echo.call(step(3), new JsonObject().put("message", "after"))).await();
      assertThat(after.text()).isEqualTo("Echo: after");
    } finally {
      servers.close();
    }
  }

  @Test void anUnreachableServerOffersNoToolsInsteadOfFailingTheTurn() {
    McpServers servers = McpServers.of(vertx, Map.of("gone", "http://127.0.0.1:" + RedisServerProcess.freePort() + "/mcp",
        "everything", server.url()));
    try {
      assertThat(result(servers.tools())).extracting(Tool::name).contains("everything__echo")
          .noneMatch(n -> n.startsWith("gone__"));
    } finally {
      servers.close();
    }
  }

  @Test void aToolIsFoundByItsQualifiedNameAndAnUnreachableServerFailsTheLookupInsteadOfSayingNoSuchTool() {
    McpServers servers = McpServers.of(vertx, Map.of("everything", server.url(),
        "gone", "http://127.0.0.1:" + RedisServerProcess.freePort() + "/mcp"));
    try {
      assertThat(result(servers.find("everything__echo"))).map(Tool::name).contains("everything__echo");
      assertThat(result(servers.find("everything__no-such-tool"))).isEmpty();
      assertThat(result(servers.find("elsewhere__echo"))).as("no such server").isEmpty();
      assertThat(servers.find("gone__echo").transform(ar -> Future.succeededFuture(ar.failed())).await())
          .as("the server may be back at the step's retry").isTrue();
    } finally {
      servers.close();
    }
  }

  @Test void toolNamesOpenAiWouldRefuseAreExposedWithUnderscoresAndAtMost64Characters() {
    assertThat(McpTool.exposedName("docs", "search.v2/all")).isEqualTo("docs__search_v2_all");
    assertThat(McpTool.exposedName("docs", "x".repeat(100))).hasSize(64).matches("[A-Za-z0-9_-]{1,64}");
  }

  @Test void headersTakeTheirValuesFromTheEnvironmentAndGoWithEveryRequest() {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer fake = vertx.createHttpServer().requestHandler(req -> {
      seen.add(req.getHeader("Authorization"));
      req.response().setStatusCode(503).end();
    }).listen(0, "127.0.0.1").await();
    Map<String, McpServerSettings> configured = Map.of("docs", new McpServerSettings(
        "http://127.0.0.1:" + fake.actualPort() + "/mcp", Map.of("Authorization", "DOCS_MCP_AUTH")));
    McpServers servers = new McpServers(vertx, configured, variable -> "DOCS_MCP_AUTH".equals(variable) ? "Bearer t0k3n" : null);
    try {
      assertThat(result(servers.tools())).isEmpty();
      assertThat(seen).isNotEmpty().allMatch("Bearer t0k3n"::equals);
    } finally {
      servers.close();
      fake.close().await();
    }
    assertThatThrownBy(() -> new McpServers(vertx, configured, variable -> null))
        .hasMessageContaining("DOCS_MCP_AUTH").hasMessageContaining("not set");
  }
}
