package dev.sentinel.llm;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.Money;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seed's default agent (prompt-based: search -> analyze -> summarize) end to end: the API,
 * a worker and the watcher in this JVM, a real Redis, and a real OpenAI-compatible server
 * ({@link OpenAiStub}) that keeps its own ledger of what it answered and what that cost.
 */
class PromptBasedAgentTest {

  static RedisServerProcess redis;
  static OpenAiStub stub;
  static Vertx vertx;
  StoreFixture f;
  TestNode node;
  Http api;
  String tenant;

  @BeforeAll static void start() {
    redis = RedisServerProcess.start();
    stub = OpenAiStub.start();
    vertx = Vertx.vertx();
  }

  @AfterAll static void stop() {
    stub.close();
    vertx.close().await();
    redis.close();
  }

  @BeforeEach void node() {
    stub.resetFaults();
    f = new StoreFixture(vertx, redis.url());
    tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    node = new TestNode(redis.url(), f.keys.prefix(),
        "llm: {provider: openai, base_url: " + stub.baseUrl() + ", api_key: test}\n"
            + "worker: {instances: 1, concurrency: 4, backoff_base_ms: 100, backoff_max_ms: 200}\n"
            + "watcher: {interval_ms: 50}\n"
            + "http: {port: 0}\n");
    api = node.startApi();
    node.startWorkers("n1").startWatcher();
  }

  @AfterEach void close() {
    stub.resetFaults();
    try {
      node.close();   // also fails the test if a response broke openapi.yaml
    } finally {
      f.close();
    }
  }

  /** Seed-style: no agent_type (so prompt-based), the question in task_params.query. */
  private String submit(String query, JsonObject extra) {
    JsonObject body = new JsonObject().put("tenant_id", tenant).put("task_type", "research")
        .put("task_params", new JsonObject().put("query", query));
    if (extra != null) body.mergeIn(extra);
    Http.Reply r = api.post("/tasks", body.encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getString("agent_type")).isEqualTo("prompt-based");
    return r.json().getString("task_id");
  }

  private JsonObject awaitStatus(String id, String status, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> {
      String s = api.get("/tasks/" + id).json().getString("status");
      return List.of("completed", "failed", "cancelled").contains(s);   // finished: then check which
    });
    JsonObject task = api.get("/tasks/" + id).json();
    assertThat(task.getString("status")).as(task.encodePrettily()).isEqualTo(status);
    return task;
  }


  /** The stub's billed call for one step of a task (exactly one). */
  private static OpenAiStub.Call call(String id, int step) {
    List<OpenAiStub.Call> calls = stub.billedFor(id).stream().filter(c -> c.step() == step).toList();
    assertThat(calls).as("stub calls for step %d of %s", step, id).hasSize(1);
    return calls.get(0);
  }

  private static void assertNodeOutput(JsonObject state, String node, OpenAiStub.Call c) {
    JsonObject out = state.getJsonObject(node);
    assertThat(out).as("state." + node).isNotNull();
    assertThat(out.getString("text")).isEqualTo(c.text);
    assertThat(out.getString("model")).isEqualTo("gpt-4o-mini");
    JsonObject usage = out.getJsonObject("usage");
    assertThat(usage.getLong("input_tokens")).isEqualTo(c.promptTokens);
    assertThat(usage.getLong("output_tokens")).isEqualTo(c.completionTokens);
    assertThat(usage.getLong("cached_tokens")).isEqualTo(c.cachedTokens);
    assertThat(Money.nanos(out.getDouble("cost_usd"))).isEqualTo(c.nanos);
    assertThat(out.getString("call_id")).startsWith(c.taskId() + ":" + c.step() + ":");
  }

  /**
   * Sixty cheap calls (about 20 micro-USD each): the tenant's total equals the provider's own
   * ledger, computed exactly in decimals by the stub. 0.2.0 rounded each call up to the micro-USD
   * and recorded +2.3 % (0.001160 USD against the provider's 0.001134).
   */
  @Test void sixtyCheapCallsCostExactlyWhatTheProviderBilled() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) ids.add(submit("question " + i + ": what does a fencing token prevent?", null));
    for (String id : ids) awaitStatus(id, "completed", Duration.ofSeconds(60));
    BigDecimal provider = ids.stream().map(stub::billedUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(ids.stream().mapToLong(id -> stub.billedFor(id).size()).sum()).isEqualTo(60);
    Object total = api.get("/tenants/" + tenant + "/costs").json().getValue("total_cost_usd");
    assertThat(new BigDecimal(total.toString())).as("recorded USD, against the provider's exact ledger")
        .isEqualByComparingTo(provider);
  }

  @Test void seedStyleTaskRunsThreeLlmStepsAndEveryNanoDollarAddsUp() {
    stub.cachedTokens(true);
    String id = submit("What limits the throughput of a single Redis instance?", null);
    JsonObject task = awaitStatus(id, "completed", Duration.ofSeconds(30));

    // the stub answered each node once, in order, each prompt built on the previous answer
    OpenAiStub.Call search = call(id, 1), analyze = call(id, 2), summarize = call(id, 3);
    assertThat(stub.receivedFor(id)).hasSize(3);
    assertThat(stub.receivedFor(id)).allMatch(r -> "Bearer test".equals(r.authorization));
    assertThat(userPrompt(search)).contains("What limits the throughput of a single Redis instance?");
    assertThat(userPrompt(analyze)).contains(search.text);
    assertThat(userPrompt(summarize)).contains(analyze.text);
    assertThat(List.of(search, analyze, summarize)).allMatch(c -> c.cachedTokens > 0 && "gpt-4o-mini".equals(c.model));

    // result: the stub's answers
    JsonObject result = task.getJsonObject("result");
    assertThat(result.getString("summary")).isEqualTo(summarize.text);
    assertThat(result.getString("search")).isEqualTo(search.text);
    assertThat(result.getString("analysis")).isEqualTo(analyze.text);

    // the checkpoint holds every node's output
    JsonObject cp = api.get("/tasks/" + id + "/checkpoint").json().getJsonObject("checkpoint");
    assertThat(cp.getInteger("step")).isEqualTo(3);
    JsonObject state = cp.getJsonObject("state");
    assertThat(state.getString("query")).isEqualTo("What limits the throughput of a single Redis instance?");
    assertNodeOutput(state, "search", search);
    assertNodeOutput(state, "analyze", analyze);
    assertNodeOutput(state, "summarize", summarize);
    assertThat(api.get("/tasks/" + id + "/steps").json().getJsonArray("steps").stream()
        .map(s -> ((JsonObject) s).getString("node")).toList()).containsExactly("search", "analyze", "summarize");

    // the calls: three, and their costs add up exactly to cost_so_far and to the stub's ledger
    long stubNanos = stub.billedNanos(id);
    assertThat(stubNanos).isPositive();
    JsonObject calls = api.get("/tasks/" + id + "/calls").json();
    JsonArray list = calls.getJsonArray("calls");
    assertThat(list).hasSize(3);
    long sum = 0;
    for (int i = 0; i < list.size(); i++) {
      JsonObject c = list.getJsonObject(i);
      OpenAiStub.Call s = call(id, c.getInteger("step"));
      assertThat(Money.nanos(c.getDouble("cost_usd"))).as("call %s", c.getString("call_id")).isEqualTo(s.nanos);
      assertThat(c.getLong("input_tokens")).isEqualTo(s.promptTokens);
      assertThat(c.getLong("output_tokens")).isEqualTo(s.completionTokens);
      assertThat(c.getLong("cached_tokens")).isEqualTo(s.cachedTokens);
      assertThat(c.getString("model")).isEqualTo("gpt-4o-mini");
      assertThat(c.getString("tenant_id")).isEqualTo(tenant);
      assertThat(c.getString("provider")).isEqualTo("openai");
      assertThat(c.getString("price_version")).isEqualTo("2026-11-01");
      sum += Money.nanos(c.getDouble("cost_usd"));
    }
    assertThat(list.stream().map(c -> ((JsonObject) c).getInteger("step")).toList()).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(sum).isEqualTo(stubNanos);
    assertThat(Money.nanos(calls.getDouble("cost_so_far"))).isEqualTo(stubNanos);
    assertThat(Money.nanos(task.getDouble("cost_so_far"))).isEqualTo(stubNanos);
    assertThat(f.meta(id).get("cost_nanos")).isEqualTo(String.valueOf(stubNanos));

    // the tenant's costs: the stub's total, one by-model row for gpt-4o-mini
    JsonObject costs = api.get("/tenants/" + tenant + "/costs").json();
    assertThat(Money.nanos(costs.getDouble("total_cost_usd"))).isEqualTo(stubNanos);
    assertThat(costs.getLong("task_count")).isEqualTo(1);
    JsonArray models = costs.getJsonArray("models");
    assertThat(models).hasSize(1);
    JsonObject row = models.getJsonObject(0);
    assertThat(row.getString("model")).isEqualTo("gpt-4o-mini");
    assertThat(Money.nanos(row.getDouble("cost_usd"))).isEqualTo(stubNanos);
    assertThat(row.getLong("calls")).isEqualTo(3);
    assertThat(row.getLong("input_tokens")).isEqualTo(search.promptTokens + analyze.promptTokens + summarize.promptTokens);
    assertThat(row.getLong("output_tokens"))
        .isEqualTo(search.completionTokens + analyze.completionTokens + summarize.completionTokens);
  }

  @Test void a500OnTheFirstCallIsRetriedAndTheTaskCompletes() {
    stub.fail500(1);
    String id = submit("Why do leases need fencing tokens?", null);
    JsonObject task = awaitStatus(id, "completed", Duration.ofSeconds(30));
    assertThat(stub.receivedFor(id)).extracting(OpenAiStub.Received::status).containsExactly(500, 200, 200, 200);
    assertThat(stub.receivedFor(id).get(0).idempotencyKey).isEqualTo(id + ":1");
    assertThat(stub.receivedFor(id).get(1).idempotencyKey).isEqualTo(id + ":1");
    assertThat(task.getJsonObject("result").getString("summary")).isEqualTo(call(id, 3).text);
    JsonArray calls = api.get("/tasks/" + id + "/calls").json().getJsonArray("calls");
    assertThat(calls).as("the failed attempt cost nothing and is not a call").hasSize(3);
    long stubNanos = stub.billedNanos(id);
    assertThat(calls.stream().mapToLong(c -> Money.nanos(((JsonObject) c).getDouble("cost_usd"))).sum()).isEqualTo(stubNanos);
    assertThat(Money.nanos(task.getDouble("cost_so_far"))).isEqualTo(stubNanos);
    assertThat(Money.nanos(api.get("/tenants/" + tenant + "/costs").json().getDouble("total_cost_usd"))).isEqualTo(stubNanos);
  }

  @Test void malformedAnswersFailTheTaskWithoutHurtingTheWorker() {
    stub.malformed(Integer.MAX_VALUE);
    String id = submit("What is a zombie worker?", new JsonObject().put("max_attempts", 2));
    JsonObject task = awaitStatus(id, "failed", Duration.ofSeconds(30));
    assertThat(task.getString("error")).containsIgnoringCase("malformed");
    assertThat(task.getInteger("attempts")).isEqualTo(2);
    // each of the 2 task attempts tried the search node as often as its retry setting allows, once per call
    int nodeAttempts = node.agents().find("prompt-based").orElseThrow().graph(new JsonObject()).node("search").maxAttempts();
    assertThat(stub.receivedFor(id)).as("every attempt reached the provider, and was not retried by the client")
        .hasSize(2 * nodeAttempts)
        .allMatch(r -> r.status() == 200 && (id + ":1").equals(r.idempotencyKey));
    assertThat(stub.billedFor(id)).isEmpty();
    assertThat(api.get("/tasks/" + id + "/calls").json().getJsonArray("calls")).isEmpty();
    assertThat(Money.nanos(task.getDouble("cost_so_far"))).isZero();

    // the worker is fine: the next task, with the provider healthy again, completes
    stub.resetFaults();
    String next = submit("What is a healthy worker?", null);
    JsonObject done = awaitStatus(next, "completed", Duration.ofSeconds(30));
    assertThat(done.getJsonObject("result").getString("summary")).isEqualTo(call(next, 3).text);
    assertThat(Money.nanos(done.getDouble("cost_so_far"))).isEqualTo(stub.billedNanos(next));
    assertThat(Money.nanos(api.get("/tenants/" + tenant + "/costs").json().getDouble("total_cost_usd")))
        .isEqualTo(stub.billedNanos(next));
  }

  @Test void aCostLimitBelowTheFirstCallFailsTheTaskBeforeAnyCall() {
    String id = submit("An expensive question", new JsonObject().put("cost_limit", 0.000001));
    JsonObject task = awaitStatus(id, "failed", Duration.ofSeconds(30));
    assertThat(task.getString("error")).startsWith("budget_exceeded");
    assertThat(task.getInteger("attempts")).as("retrying cannot help: failed for good").isLessThanOrEqualTo(1);
    assertThat(stub.receivedFor(id)).as("the stub saw no call for this task").isEmpty();
    assertThat(api.get("/tasks/" + id + "/calls").json().getJsonArray("calls")).isEmpty();
    assertThat(Money.nanos(task.getDouble("cost_so_far"))).isZero();
    assertThat(Money.nanos(api.get("/tenants/" + tenant + "/costs").json().getDouble("total_cost_usd"))).isZero();
  }

  /**
   * LlmNodeHandler: "the money is spent: record it even if the task was cancelled meanwhile";
   * openapi.yaml: every call is recorded when its answer arrives. A task cancelled while its
   * call is in flight still gets that call's answer (and bill) from the provider.
   */
  @Test void aCallAnsweredAfterItsTaskWasCancelledIsStillRecorded() {
    stub.delayMs(1500);
    String id = submit("A question cancelled mid-call", null);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> stub.inFlight().stream().anyMatch(r -> id.equals(r.taskId())));
    assertThat(api.delete("/tasks/" + id).status()).isEqualTo(200);
    awaitStatus(id, "cancelled", Duration.ofSeconds(10));
    // the provider answers the call anyway, to a caller that is still connected: it is billed
    await().atMost(Duration.ofSeconds(10)).until(() -> stub.receivedFor(id).stream().noneMatch(OpenAiStub.Received::inFlight));
    assertThat(stub.billedFor(id)).hasSize(1);
    long billed = stub.billedNanos(id);
    assertThat(billed).isPositive();
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      assertThat(api.get("/tasks/" + id + "/calls").json().getJsonArray("calls"))
          .as("the answered call of the cancelled task is recorded").hasSize(1);
      assertThat(Money.nanos(api.get("/tasks/" + id).json().getDouble("cost_so_far"))).isEqualTo(billed);
      assertThat(Money.nanos(api.get("/tenants/" + tenant + "/costs").json().getDouble("total_cost_usd"))).isEqualTo(billed);
    });
  }

  private static String userPrompt(OpenAiStub.Call c) {
    JsonArray messages = c.request.getJsonArray("messages");
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonObject m = messages.getJsonObject(i);
      if ("user".equals(m.getString("role"))) return m.getString("content");
    }
    return "";
  }
}
