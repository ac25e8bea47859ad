package dev.sentinel.agentloop;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.McpEverythingServer;
import dev.sentinel.testing.Money;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestAgents;
import dev.sentinel.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent node end to end: the API, a worker and the watcher in this JVM, a real Redis, the
 * reference MCP server ({@code @modelcontextprotocol/server-everything}, run with Node), an
 * OpenAI-compatible server that asks for tool calls ({@link OpenAiStub#callTools}), and a real
 * HTTP endpoint for the http tool. What a task did is read through the front door: its status,
 * result and the state after each committed step ({@code GET /tasks/{id}/checkpoints}).
 */
class AgentLoopTest {

  static RedisServerProcess redis;
  static OpenAiStub stub;
  static McpEverythingServer mcp;
  static Vertx vertx;
  /** A tool endpoint that records the Idempotency-Key of every call it got. */
  static HttpServer toolEndpoint;
  static final List<String> toolKeys = new CopyOnWriteArrayList<>();
  static Path agentsDir;

  StoreFixture f;
  TestNode node;
  Http api;
  final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll static void start() throws IOException {
    redis = RedisServerProcess.start();
    stub = OpenAiStub.start();
    mcp = McpEverythingServer.start();
    vertx = Vertx.vertx();
    toolEndpoint = vertx.createHttpServer().requestHandler(req -> {
      toolKeys.add(req.getHeader("Idempotency-Key"));
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("weather", "sunny, 21 C").encode());
    }).listen(0, "127.0.0.1").await();
    agentsDir = TestAgents.withTools();
  }

  @AfterAll static void stop() {
    stub.close();
    mcp.close();
    vertx.close().await();
    redis.close();
  }

  @AfterEach void close() {
    stub.callTools(req -> null);
    if (node != null) node.close();
    if (f != null) f.close();
  }

  private void startNode(String llm) {
    f = new StoreFixture(vertx, redis.url());
    node = new TestNode(redis.url(), f.keys.prefix(), llm
        + "worker: {instances: 1, concurrency: 4, backoff_base_ms: 100, backoff_max_ms: 200}\n"
        + "watcher: {interval_ms: 50}\n"
        + "http: {port: 0}\n"
        + "agents: {dir: " + agentsDir + "}\n"
        + "tools: {http: {allowed_hosts: [\"127.0.0.1:" + toolEndpoint.actualPort() + "\"]}}\n"
        + "mcp: {servers: {everything: \"" + mcp.url() + "\"}}\n");
    api = node.startApi();
    node.startWorkers("n1").startWatcher();
  }

  private String submit(String agent, String question) {
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", tenant).put("task_type", "question").put("agent_type", agent)
        .put("task_params", new JsonObject().put("question", question)).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("task_id");
  }

  private JsonObject finished(String id, String status) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> List.of("completed", "failed", "cancelled").contains(api.get("/tasks/" + id).json().getString("status")));
    JsonObject task = api.get("/tasks/" + id).json();
    assertThat(task.getString("status")).as(task.encodePrettily()).isEqualTo(status);
    return task;
  }

  /** What each committed step of node {@code node} did: model_turn or tool_call, oldest first. */
  private List<JsonObject> stepsOf(String id, String node) {
    JsonArray cps = api.get("/tasks/" + id + "/checkpoints?limit=100").json().getJsonArray("checkpoints");
    return cps.stream().map(c -> ((JsonObject) c).getJsonObject("state").getJsonObject(node).getJsonObject("step")).toList();
  }

  /** One tool call as OpenAI writes it, with the id call_{tool}. */
  private static JsonArray callOf(String tool, JsonObject arguments) {
    return new JsonArray().add(call("call_" + tool, tool, arguments));
  }

  private static JsonObject call(String id, String tool, JsonObject arguments) {
    return new JsonObject().put("id", id).put("type", "function")
        .put("function", new JsonObject().put("name", tool).put("arguments", arguments.encode()));
  }

  @Test void theModelCallsAnMcpToolOnceAndItsAnswerReachesTheNextTurn() {
    startNode("llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n");
    stub.callTools(req -> OpenAiStub.toolMessages(req).isEmpty() && req.containsKey("tools")
        ? callOf("everything__echo", new JsonObject().put("message", "hello from the model")) : null);
    String id = submit("tool-agent", "Say hello through the echo tool");
    JsonObject task = finished(id, "completed");

    List<OpenAiStub.Received> requests = stub.receivedFor(id);
    assertThat(requests).as("two model turns").hasSize(2);
    JsonObject first = new JsonObject(requests.get(0).body);
    assertThat(first.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getJsonObject("function").getString("name")))
        .as("every tool of the MCP server is offered, named server__tool").contains("everything__echo", "everything__get-sum");
    JsonObject second = new JsonObject(requests.get(1).body);
    assertThat(OpenAiStub.toolMessages(second)).hasSize(1);
    assertThat(OpenAiStub.toolMessages(second).get(0).getString("content")).as("the MCP server's own answer")
        .isEqualTo("Echo: hello from the model");
    assertThat(OpenAiStub.toolMessages(second).get(0).getString("tool_call_id")).isEqualTo("call_everything__echo");

    List<JsonObject> steps = stepsOf(id, "agent");
    assertThat(steps.stream().map(s -> s.getString("kind"))).containsExactly("model_turn", "tool_call", "model_turn");
    assertThat(steps.get(1).getString("tool")).isEqualTo("everything__echo");
    assertThat(steps.get(1).getString("idempotency_key")).isEqualTo(id + ":2");
    assertThat(task.getJsonObject("result").getString("answer")).isEqualTo(stub.billedFor(id).get(1).text);
    assertThat(api.get("/tasks/" + id + "/calls").json().getJsonArray("calls")).as("both turns are priced and recorded").hasSize(2);
    assertThat(Money.nanos(api.get("/tasks/" + id).json().getDouble("cost_so_far"))).as("what the provider billed for both turns")
        .isEqualTo(stub.billedNanos(id));
  }

  @Test void aCostLimitBelowTheFirstTurnFailsTheTaskBeforeAnyCall() {
    startNode("llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n");
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", tenant).put("task_type", "question").put("agent_type", "tool-agent")
        .put("cost_limit", 0.000001).put("task_params", new JsonObject().put("question", "An expensive question")).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().getString("task_id");
    JsonObject task = finished(id, "failed");
    assertThat(task.getString("error")).startsWith("budget_exceeded");
    assertThat(stub.receivedFor(id)).as("no turn was paid for").isEmpty();
  }

  @Test void withTheMockProviderTheToolAgentCallsTheFirstToolOnceAndAnswersWithItsResult() {
    startNode("llm: {provider: mock}\n");
    String id = submit("tool-agent", "ping");
    JsonObject task = finished(id, "completed");
    assertThat(stepsOf(id, "agent").stream().map(s -> s.getString("kind"))).containsExactly("model_turn", "tool_call", "model_turn");
    assertThat(task.getJsonObject("result").getString("answer")).contains("Echo: ping");
  }

  @Test void theHttpToolIsCalledWithTheStepsIdempotencyKeyAndItsBodyReachesTheModel() {
    startNode("llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n");
    String url = "http://127.0.0.1:" + toolEndpoint.actualPort() + "/weather?city=Oslo";
    stub.callTools(req -> OpenAiStub.toolMessages(req).isEmpty() && req.containsKey("tools")
        ? callOf("http", new JsonObject().put("method", "GET").put("url", url)) : null);
    String id = submit("weather-agent", "What is the weather in Oslo?");
    finished(id, "completed");
    assertThat(toolKeys).contains(id + ":2");
    JsonObject second = new JsonObject(stub.receivedFor(id).get(1).body);
    assertThat(OpenAiStub.toolMessages(second).get(0).getString("content")).contains("sunny, 21 C");
  }

  @Test void callsAskedForTogetherRunOneStepEachInTheModelsOrderAndAllAnswersReachTheNextTurn() {
    startNode("llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n");
    String base = "http://127.0.0.1:" + toolEndpoint.actualPort();
    stub.callTools(req -> OpenAiStub.toolMessages(req).isEmpty() && req.containsKey("tools")
        ? new JsonArray().add(call("call_first", "http", new JsonObject().put("url", base + "/oslo")))
            .add(call("call_second", "http", new JsonObject().put("url", base + "/bergen")))
        : null);
    String id = submit("weather-agent", "Weather in Oslo and Bergen?");
    finished(id, "completed");
    assertThat(stepsOf(id, "ask").stream().map(s -> s.getString("kind")))
        .containsExactly("model_turn", "tool_call", "tool_call", "model_turn");
    assertThat(toolKeys).as("each call its own step, so its own idempotency key").contains(id + ":2", id + ":3");
    List<JsonObject> answers = OpenAiStub.toolMessages(new JsonObject(stub.receivedFor(id).get(1).body));
    assertThat(answers.stream().map(m -> m.getString("tool_call_id"))).containsExactly("call_first", "call_second");
  }

  @Test void aModelThatNeverStopsCallingToolsFailsTheTaskAfterMaxTurns() {
    startNode("llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n");
    String url = "http://127.0.0.1:" + toolEndpoint.actualPort() + "/weather";
    stub.callTools(req -> req.containsKey("tools") ? callOf("http", new JsonObject().put("url", url)) : null);
    String id = submit("weather-agent", "Loop forever");
    JsonObject task = finished(id, "failed");
    assertThat(task.getString("error")).contains("max_turns 3");
    assertThat(stub.receivedFor(id)).as("no fourth turn was paid for").hasSize(3);
  }
}
