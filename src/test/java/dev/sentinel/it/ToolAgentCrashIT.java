package dev.sentinel.it;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.McpEverythingServer;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import dev.sentinel.testing.TestAgents;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent's worker process killed with SIGKILL mid-loop, then another worker resumes the task
 * from its history. The tool is a real HTTP endpoint in this JVM that counts the calls it gets
 * (the server side's count, not the worker's), reached through the http tool; the model is
 * {@link OpenAiStub} asking for one call of it, then answering.
 * <ul>
 *   <li>killed after the tool call's step committed and before the next model turn was
 *   answered: the resumed task does not call the tool again;</li>
 *   <li>killed while the tool call was in flight (its step not committed): the tool is called
 *   again, with the same idempotency key {@code task_id:2}.</li>
 * </ul>
 * And the packed jar's tool-agent against the reference MCP server, configured from the environment.
 */
class ToolAgentCrashIT {

  static final long LEASE_MS = 1000;

  RedisServerProcess redis;
  OpenAiStub stub;
  Vertx vertx;
  HttpServer tool;
  /** The Idempotency-Key of every call the tool endpoint received, in order. */
  final List<String> toolCalls = new CopyOnWriteArrayList<>();
  /** What the endpoint does with a call (answer it, or hold it); set per test. */
  volatile Consumer<HttpServerRequest> toolBehaviour;
  Path agentsDir;
  final List<SentinelProcess> processes = new ArrayList<>();
  Http api;

  @BeforeEach void start() throws IOException {
    redis = RedisServerProcess.start();
    stub = OpenAiStub.start();
    vertx = Vertx.vertx();
    tool = vertx.createHttpServer().requestHandler(req -> {
      toolCalls.add(req.getHeader("Idempotency-Key"));
      toolBehaviour.accept(req);
    }).listen(0, "127.0.0.1").await();
    agentsDir = TestAgents.withTools();
    String url = "http://127.0.0.1:" + tool.actualPort() + "/weather";
    stub.callTools(req -> OpenAiStub.toolMessages(req).isEmpty() && req.containsKey("tools")
        ? new JsonArray().add(new JsonObject().put("id", "call_1").put("type", "function")
            .put("function", new JsonObject().put("name", "http").put("arguments", new JsonObject().put("url", url).encode())))
        : null);
    int port = RedisServerProcess.freePort();
    start("api", "api,watcher", Map.of("SENTINEL_HTTP_PORT", String.valueOf(port)));
    api = new Http(port);
    await().atMost(Duration.ofSeconds(60)).until(api::isUp);
  }

  @AfterEach void stop() {
    processes.forEach(SentinelProcess::close);
    vertx.close().await();
    stub.close();
    redis.close();
  }

  private SentinelProcess start(String name, String roles, Map<String, String> extra) {
    Map<String, String> env = SentinelProcess.envCallingStub(redis.url(), LEASE_MS, 100, stub.baseUrl());
    env.put("SENTINEL_AGENTS_DIR", agentsDir.toString());
    env.put("SENTINEL_HTTP_TOOL_ALLOWED_HOSTS", "127.0.0.1:" + tool.actualPort());
    env.putAll(extra);
    SentinelProcess p = SentinelProcess.start(name, roles, env);
    processes.add(p);
    return p;
  }

  private SentinelProcess worker(String name) {
    SentinelProcess w = start(name, "worker", Map.of());
    await().atMost(Duration.ofSeconds(60)).until(() -> w.log().contains(" up: roles"));
    return w;
  }

  private String submit() {
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "weather")
        .put("agent_type", "weather-agent").put("task_params", new JsonObject().put("question", "Weather in Oslo?")).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("task_id");
  }

  private JsonObject completed(String id) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> List.of("completed", "failed", "cancelled").contains(api.get("/tasks/" + id).json().getString("status")));
    JsonObject task = api.get("/tasks/" + id).json();
    assertThat(task.getString("status")).as(task.encodePrettily()).isEqualTo("completed");
    return task;
  }

  /** A committed step: what the agent node did, and the lease epoch that committed it. */
  record Step(String kind, long epoch) {}

  private List<Step> steps(String id) {
    JsonArray cps = api.get("/tasks/" + id + "/checkpoints?limit=100").json().getJsonArray("checkpoints");
    JsonArray records = api.get("/tasks/" + id + "/steps").json().getJsonArray("steps");
    List<Step> out = new ArrayList<>();
    for (int i = 0; i < cps.size(); i++) {
      out.add(new Step(cps.getJsonObject(i).getJsonObject("state").getJsonObject("ask").getJsonObject("step").getString("kind"),
          records.getJsonObject(i).getLong("epoch")));
    }
    return out;
  }

  private static void answer(HttpServerRequest req) {
    req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("weather", "sunny").encode());
  }

  @Test void killedAfterTheToolCallCommittedTheResumedTaskDoesNotCallTheToolAgain() {
    toolBehaviour = req -> {
      // the next model turn is held, so the kill comes after the tool step's commit and before that turn's answer
      if (toolCalls.size() == 1) stub.delayMs(600_000);
      answer(req);
    };
    SentinelProcess w1 = worker("w1");
    String id = submit();
    // the turn after the tool call was sent: the worker sends it only once the tool step committed
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> stub.receivedFor(id).stream().anyMatch(r -> r.inFlight() && r.body.contains("\"role\":\"tool\"")));
    w1.kill9();
    stub.resetFaults();

    worker("w2");
    JsonObject task = completed(id);
    assertThat(toolCalls).as("calls the tool endpoint received").containsExactly(id + ":2");
    List<Step> steps = steps(id);
    assertThat(steps).extracting(Step::kind).containsExactly("model_turn", "tool_call", "model_turn");
    assertThat(steps.get(1).epoch()).as("the tool step was committed by the killed worker").isEqualTo(steps.get(0).epoch());
    assertThat(steps.get(2).epoch()).as("the last turn by the next claim").isGreaterThan(steps.get(1).epoch());
    assertThat(task.getJsonObject("result").getString("answer")).isNotBlank();
  }

  @Test void killedDuringTheToolCallTheToolIsCalledAgainWithTheSameIdempotencyKey() {
    toolBehaviour = req -> {
      if (toolCalls.size() > 1) answer(req);   // the first call is never answered: the worker dies waiting
    };
    SentinelProcess w1 = worker("w1");
    String id = submit();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> toolCalls.size() == 1);
    w1.kill9();

    worker("w2");
    completed(id);
    assertThat(toolCalls).as("the unfinished call is made again, under the same key").containsExactly(id + ":2", id + ":2");
    List<Step> steps = steps(id);
    assertThat(steps).extracting(Step::kind).containsExactly("model_turn", "tool_call", "model_turn");
    assertThat(steps.get(1).epoch()).as("the tool step was committed by the next claim").isGreaterThan(steps.get(0).epoch());
  }

  /**
   * The packed jar's MCP path, configured from the environment alone: a worker with the offline
   * mock provider and SENTINEL_MCP_SERVERS runs the built-in tool-agent against the reference
   * MCP server (the SDK finds its JSON mapper and schema validator through the shaded jar's
   * service files).
   */
  @Test void thePackedJarsToolAgentUsesTheMcpServerOfItsEnvironment() {
    try (McpEverythingServer mcp = McpEverythingServer.start()) {
      start("w1", "worker", Map.of("SENTINEL_LLM_PROVIDER", "mock", "SENTINEL_MCP_SERVERS", "everything=" + mcp.url()));
      Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "question")
          .put("agent_type", "tool-agent").put("task_params", new JsonObject().put("question", "hello from the jar")).encode());
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      JsonObject task = completed(r.json().getString("task_id"));
      assertThat(task.getJsonObject("result").getString("answer")).contains("Echo: hello from the jar");
    }
  }
}
