package dev.sentinel.cost;

import dev.sentinel.agent.AgentGraph;
import dev.sentinel.cost.Usage;
import dev.sentinel.testing.Http;
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
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Budgets through the front door, on a real Redis with in-process workers and the offline mock
 * LLM provider: a task's cost_limit fails it before any call; a tenant's daily budget pauses
 * its tasks (no worker held) until the budget is raised.
 */
class BudgetTest {

  static final String ADMIN = "budget-test-admin-key";
  static final String QUERY = "why is the sky blue";
  static final String MODEL = "gpt-4o-mini";
  static final PriceTable PRICES = PriceTable.load("");

  static RedisServerProcess redisServer;
  static Vertx vertx;
  StoreFixture f;
  TestNode node;
  Http api;

  @BeforeAll static void startRedis() {
    redisServer = RedisServerProcess.start();
    vertx = Vertx.vertx();
  }

  @AfterAll static void stopRedis() {
    vertx.close().await();
    redisServer.close();
  }

  @BeforeEach void fixture() { f = new StoreFixture(vertx, redisServer.url()); }

  @AfterEach void close() {
    try {
      if (node != null) node.close();   // fails the test if a response broke openapi.yaml
    } finally {
      f.close();
    }
  }

  private void start(String yaml) {
    node = new TestNode(redisServer.url(), f.keys.prefix(), TestNode.adminKeyYaml(ADMIN)
        + "llm: {provider: mock}\nwatcher: {interval_ms: 100}\n" + yaml);
    node.startWorkers("n1").startWatcher();
    api = node.startApi().withKey(ADMIN);
  }

  // ---- helpers ----

  private String submit(String tenant, String costLimit) {
    return submit(tenant, costLimit, null);
  }

  private String submit(String tenant, String costLimit, String runAt) {
    JsonObject body = new JsonObject().put("tenant_id", tenant).put("task_type", "research").put("agent_type", "prompt-based")
        .put("task_params", new JsonObject().put("query", QUERY));
    if (runAt != null) body.put("run_at", runAt);
    String text = body.encode();
    if (costLimit != null) text = text.substring(0, text.length() - 1) + ",\"cost_limit\":" + costLimit + "}";
    Http.Reply r = api.post("/tasks", text);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("task_id");
  }

  private JsonObject task(String id) {
    Http.Reply r = api.get("/tasks/" + id);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private String status(String id) { return task(id).getString("status"); }

  private void awaitStatus(String id, String status) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
      String s = status(id);
      if (Set.of("failed", "cancelled").contains(s) && !s.equals(status)) {
        throw new AssertionError("task " + id + " ended " + s + " instead of " + status + ": " + task(id).getString("error"));
      }
      return status.equals(s);
    });
  }

  private List<JsonObject> calls(String id) {
    Http.Reply r = api.get("/tasks/" + id + "/calls");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonObject> out = new ArrayList<>();
    r.json().getJsonArray("calls").forEach(c -> out.add((JsonObject) c));
    out.sort(Comparator.comparingInt(c -> c.getInteger("step")));
    return out;
  }

  private JsonObject stats(String tenant) {
    Http.Reply r = api.get(tenant == null ? "/stats" : "/stats?tenant_id=" + tenant);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static long nanos(double usd) {
    return BigDecimal.valueOf(usd).movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  private JsonObject putBudget(String tenant, long budgetNanos) {
    Http.Reply r = api.send("PUT", "/tenants/" + tenant + "/limits",
        "{\"daily_budget_usd\":" + BigDecimal.valueOf(budgetNanos, 9).toPlainString() + "}", Map.of());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** Today's recorded spend of a tenant, in nano-USD, from GET /tenants/{id}/costs. */
  private long spentToday(String tenant) {
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    Http.Reply r = api.get("/tenants/" + tenant + "/costs?from=" + today + "&to=" + today);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonArray days = r.json().getJsonArray("days");
    long total = 0;
    for (int i = 0; i < days.size(); i++) total += nanos(days.getJsonObject(i).getDouble("cost_usd"));
    return total;
  }

  /** The pre-call estimate of each step of prompt-based (prompt tokens + max_tokens at the model's price). */
  private long[] estimates(List<JsonObject> calls) {
    AgentGraph g = node.agents().find("prompt-based").orElseThrow().graph(new JsonObject());
    long[] out = new long[calls.size()];
    String n = g.entry();
    for (int i = 0; i < calls.size(); i++) {
      int maxTokens = g.node(n).config().getInteger("max_tokens");
      out[i] = PRICES.nanos(MODEL, new Usage(calls.get(i).getLong("input_tokens"), maxTokens, 0, 0));
      n = g.next(n, new JsonObject());
    }
    return out;
  }

  // ---- a task's cost_limit ----

  @Test void aTaskWhoseCostLimitCannotCoverOneCallFailsForGoodWithoutACall() {
    start("worker: {instances: 1, concurrency: 4}\n");
    String id = submit("acme", "0.000001");
    awaitStatus(id, "failed");
    JsonObject t = task(id);
    assertThat(t.getString("error")).startsWith("budget_exceeded");
    assertThat(t.getInteger("attempts")).as("one attempt counted, though 3 were allowed").isEqualTo(1);
    assertThat(t.getInteger("max_attempts")).isEqualTo(3);
    assertThat(t.getDouble("cost_so_far")).isEqualTo(0.0);
    assertThat(t.getDouble("cost_limit")).isEqualTo(0.000001);
    assertThat(t.getValue("owner")).isNull();

    Http.Reply callsReply = api.get("/tasks/" + id + "/calls");
    assertThat(callsReply.status()).isEqualTo(200);
    assertThat(callsReply.json().getJsonArray("calls")).isEmpty();
    assertThat(callsReply.json().getDouble("cost_so_far")).isEqualTo(0.0);
    assertThat(api.get("/tasks/" + id + "/steps").json().getJsonArray("steps")).isEmpty();
    assertThat(api.get("/tenants/acme/costs").json().getDouble("total_cost_usd")).isEqualTo(0.0);
    assertThat(stats("acme").getInteger("failed")).isEqualTo(1);
  }

  @Test void aTaskWithinItsCostLimitCompletesAndRecordsEveryCall() {
    start("worker: {instances: 1, concurrency: 4}\n");
    String id = submit("acme", "0.5");
    awaitStatus(id, "completed");
    List<JsonObject> calls = calls(id);
    assertThat(calls).extracting(c -> c.getInteger("step")).containsExactly(1, 2, 3);
    assertThat(calls).allSatisfy(c -> {
      assertThat(c.getString("model")).isEqualTo(MODEL);
      assertThat(c.getString("provider")).isEqualTo("mock");
      assertThat(c.getString("tenant_id")).isEqualTo("acme");
    });
    long sum = calls.stream().mapToLong(c -> nanos(c.getDouble("cost_usd"))).sum();
    assertThat(sum).isPositive();
    JsonObject t = task(id);
    assertThat(nanos(t.getDouble("cost_so_far"))).isEqualTo(sum);
    assertThat(t.getInteger("attempts")).isZero();
    assertThat(t.getJsonObject("result").getString("summary")).startsWith("[mock " + MODEL);
    assertThat(spentToday("acme")).isEqualTo(sum);
  }

  // ---- a tenant's daily budget ----

  @Test void aTenantsUsedUpDailyBudgetPausesItsTasksUntilTheBudgetIsRaised() {
    // the default budget (10000 nano-USD) covers every tenant without its own
    start("worker: {instances: 1, concurrency: 4}\nbudgets: {tenant_daily_usd: 0.01}\n");

    // calibration: what the three calls of one task cost, and what each was estimated at
    String calibration = submit("calib", null);
    awaitStatus(calibration, "completed");
    List<JsonObject> calib = calls(calibration);
    assertThat(calib).hasSize(3);
    long[] cost = calib.stream().mapToLong(c -> nanos(c.getDouble("cost_usd"))).toArray();
    long[] estimate = estimates(calib);
    long maxNeeded = 0, spent = 0, maxEstimate = 0;
    for (int i = 0; i < cost.length; i++) {
      maxNeeded = Math.max(maxNeeded, spent + estimate[i]);   // what the check before call i needs
      spent += cost[i];
      maxEstimate = Math.max(maxEstimate, estimate[i]);
    }
    long oneTask = spent;
    long secondTaskNeeds = oneTask + estimate[0];
    assertThat(secondTaskNeeds).as("calibration: a budget can let one task through and not a second").isGreaterThan(maxNeeded);
    long budget = (maxNeeded + secondTaskNeeds) / 2;

    JsonObject limits = putBudget("acme", budget);
    assertThat(limits.getString("daily_budget_source")).isEqualTo("tenant");
    assertThat(nanos(limits.getDouble("daily_budget_usd"))).isEqualTo(budget);
    JsonObject otherLimits = api.get("/tenants/other/limits").json();
    assertThat(otherLimits.getString("daily_budget_source")).isEqualTo("default");
    assertThat(otherLimits.getDouble("daily_budget_usd")).isEqualTo(0.01);

    // the first task's calls fit the budget and use it up
    String first = submit("acme", null);
    awaitStatus(first, "completed");
    assertThat(calls(first)).hasSize(3);
    assertThat(spentToday("acme")).isEqualTo(oneTask).isLessThanOrEqualTo(budget);

    // the second task pauses before its first call
    String second = submit("acme", null);
    awaitStatus(second, "paused");
    JsonObject paused = task(second);
    assertThat(paused.getString("error")).contains("tenant_budget_exhausted");
    assertThat(paused.getInteger("attempts")).as("a pause counts no attempt").isZero();
    assertThat(paused.getValue("owner")).as("no worker held").isNull();
    assertThat(calls(second)).isEmpty();
    assertThat(stats("acme").getInteger("paused")).isEqualTo(1);
    assertThat(stats(null).getInteger("paused")).isEqualTo(1);

    // another tenant is not held back
    String others = submit("other", null);
    awaitStatus(others, "completed");
    assertThat(calls(others)).hasSize(3);
    assertThat(status(second)).as("still paused while another tenant runs").isEqualTo("paused");
    assertThat(stats("other").getInteger("paused")).isZero();
    assertThat(spentToday("acme")).as("spend never beyond the budget by more than one call's estimate")
        .isLessThanOrEqualTo(budget + maxEstimate).isEqualTo(oneTask);

    // a raise that is still too small resumes it, and it pauses again at its first call
    long stillTooSmall = budget + 1;
    assertThat(oneTask + estimate[0]).isGreaterThan(stillTooSmall);
    putBudget("acme", stillTooSmall);
    String newBudget = BigDecimal.valueOf(stillTooSmall, 9).stripTrailingZeros().toPlainString();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
      JsonObject t = task(second);
      return "paused".equals(t.getString("status")) && t.getString("error").contains("daily budget " + newBudget);
    });
    assertThat(calls(second)).isEmpty();
    assertThat(task(second).getInteger("attempts")).isZero();
    assertThat(stats("acme").getInteger("paused")).isEqualTo(1);

    // raising the budget resumes it at once
    JsonObject raised = putBudget("acme", 100_000_000_000L);   // 100 USD
    assertThat(raised.getDouble("daily_budget_usd")).isEqualTo(100.0);
    awaitStatus(second, "completed");
    assertThat(calls(second)).hasSize(3);
    JsonObject done = task(second);
    assertThat(done.getInteger("attempts")).isZero();
    assertThat(done.getValue("error")).isNull();
    assertThat(stats("acme").getInteger("paused")).isZero();
    assertThat(stats("acme").getInteger("completed")).isEqualTo(2);
    assertThat(stats(null).getInteger("paused")).isZero();
    assertThat(spentToday("acme")).isEqualTo(2 * oneTask);
  }

  @Test void concurrentTasksOfATenantDoNotOverspendItsBudgetByMoreThanOneCallsEstimate(@TempDir Path agentsDir) throws Exception {
    // one llm call whose real cost is its estimate: a long prompt, max_tokens 1 (the mock answers
    // with at most max_tokens), so the spend shows exactly how many calls were let through
    Files.writeString(agentsDir.resolve("one-call.yaml"), """
        name: one-call
        params: {required: [text]}
        nodes:
          ask: {kind: llm, model: gpt-4o-mini, prompt: "{{text}}", max_tokens: 1}
        """);
    start("worker: {instances: 2, concurrency: 32}\nagents: {dir: \"" + agentsDir + "\"}\n");
    String text = "x".repeat(4000);
    long estimate = PRICES.nanos(MODEL, new Usage(Usage.estimateTokens(text.length()), 1, 0, 0));
    long budget = estimate;   // one call's worth
    putBudget("burst", budget);

    // a first wave of another tenant (no budget) warms the workers up: connections, code paths
    List<String> warm = wave("warm", text, 40);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> warm.stream().map(this::status).allMatch("completed"::equals));

    List<String> ids = wave("burst", text, 40);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .until(() -> ids.stream().map(this::status).allMatch(s -> s.equals("completed") || s.equals("paused")));
    JsonObject st = stats("burst");
    assertThat(st.getInteger("paused") + st.getInteger("completed")).isEqualTo(40);
    long calls = ids.stream().mapToLong(id -> calls(id).size()).sum();
    long spent = spentToday("burst");
    assertThat(spent).as("recorded spend is the sum of the calls").isEqualTo(calls * estimate);
    assertThat(spent).as("spend %d nano-USD (%d calls of %d) against a daily budget of %d", spent, calls, estimate, budget)
        .isLessThanOrEqualTo(budget + estimate);
  }

  /** {@code n} one-call tasks that become ready at the same moment (one watcher pass), so the workers claim them together. */
  private List<String> wave(String tenant, String text, int n) {
    String runAt = Instant.now().plusSeconds(2).toString();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", tenant).put("task_type", "bulk").put("agent_type", "one-call")
          .put("task_params", new JsonObject().put("text", text)).put("run_at", runAt).encode());
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().getString("task_id"));
    }
    return ids;
  }
}
