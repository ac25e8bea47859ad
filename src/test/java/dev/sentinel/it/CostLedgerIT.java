package dev.sentinel.it;

import dev.sentinel.store.StepRecord;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.Money;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cost ledger under a worker crash, to the nano-dollar: the real jar as separate processes
 * (an API node with the watcher, two workers) on a real Redis (appendfsync always), calling a
 * slow OpenAI-compatible stub that runs in this JVM and keeps its own ledger. Worker 1 is
 * {@code kill -9}ed while calls are in flight; its tasks resume on worker 2.
 *
 * <p>The invariants: every tenant's total in Redis is exactly the sum of its tasks' call records
 * (and each task's cost is the sum of its own); every call record is a call the stub answered,
 * at the stub's price; and what the stub answered but Redis never recorded is only calls that
 * were in flight on the killed worker when it died. A streamed call cut by the kill is run again
 * elsewhere, committed once, and paid once (the cut stream delivered no usage).
 */
class CostLedgerIT {

  static final long LEASE_MS = 2000;
  static final long WATCHER_INTERVAL_MS = 250;
  static final long STUB_DELAY_MS = 800;
  static final int TASKS = 20;
  static final List<String> TENANTS = List.of("acme", "globex");

  RedisServerProcess redis;
  Vertx vertx;
  StoreFixture f;
  OpenAiStub stub;
  final List<SentinelProcess> processes = new ArrayList<>();
  Http api;

  @BeforeEach void start() {
    redis = RedisServerProcess.start("always");
    vertx = Vertx.vertx();
    f = new StoreFixture(vertx, redis.url(), "");
    stub = OpenAiStub.start().delayMs(STUB_DELAY_MS);
  }

  @AfterEach void stop() {
    processes.forEach(SentinelProcess::close);
    stub.close();
    f.close();
    vertx.close().await();
    redis.close();
  }

  private SentinelProcess start(String name, String roles, Map<String, String> extra) {
    Map<String, String> env = SentinelProcess.envCallingStub(redis.url(), LEASE_MS, WATCHER_INTERVAL_MS, stub.baseUrl());
    env.put("SENTINEL_WORKER_CONCURRENCY", "10");
    env.putAll(extra);
    SentinelProcess p = SentinelProcess.start(name, roles, env);
    processes.add(p);
    return p;
  }

  private String owner(String id) { return f.meta(id).getOrDefault("owner", ""); }

  /** The task's call records in Redis (HVALS task:{id}:calls). */
  private List<JsonObject> records(String id) {
    List<JsonObject> out = new ArrayList<>();
    for (Response r : f.cmd(Command.HVALS, f.keys.calls(id))) out.add(new JsonObject(r.toString()));
    return out;
  }

  private static String key(String task, int step) { return task + ":" + step; }

  @Test void tenantTotalsEqualCallRecordsEqualTheProvidersLedgerThroughAWorkerCrash() {
    int port = RedisServerProcess.freePort();
    start("api", "api,watcher", Map.of("SENTINEL_HTTP_PORT", String.valueOf(port)));
    SentinelProcess w1 = start("w1", "worker", Map.of());
    SentinelProcess w2 = start("w2", "worker", Map.of());
    api = new Http(port);
    await().atMost(Duration.ofSeconds(30)).until(api::isUp);
    await().atMost(Duration.ofSeconds(30)).until(() -> w1.log().contains(" up: roles") && w2.log().contains(" up: roles"));

    Map<String, String> tenantOf = new LinkedHashMap<>();
    for (int i = 0; i < TASKS; i++) {
      String tenant = TENANTS.get(i % TENANTS.size());
      Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", tenant).put("task_type", "research")
          .put("task_params", new JsonObject().put("query", "question " + i + " about durable agents")).encode());
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      tenantOf.put(r.json().getString("task_id"), tenant);
    }
    List<String> ids = new ArrayList<>(tenantOf.keySet());

    // kill worker 1 mid-run: it has committed a step somewhere and has calls waiting for their answer
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
      Set<String> mine = new HashSet<>();
      boolean committed = false;
      for (String id : ids) {
        Map<String, String> m = f.meta(id);
        if (m.getOrDefault("owner", "").startsWith("w1-")) {
          mine.add(id);
          committed |= Integer.parseInt(m.getOrDefault("step", "0")) >= 1;
        }
      }
      return committed && stub.inFlight().stream().anyMatch(r -> mine.contains(r.taskId()));
    });
    w1.kill9();
    // no other worker can own w1's tasks before their leases (>= 1.3 s left) run out
    StoreFixture.sleep(300);
    Set<String> orphaned = new HashSet<>();
    for (String id : ids) if (owner(id).startsWith("w1-")) orphaned.add(id);
    int inFlightAtKill = 0;   // calls w1 had sent (the stub got them) but not recorded when it died
    for (String id : orphaned) inFlightAtKill += stub.receivedFor(id).size() - records(id).size();
    assertThat(orphaned).as("the killed worker held tasks").isNotEmpty();
    assertThat(inFlightAtKill).as("the killed worker had calls in flight").isPositive();

    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
        .until(() -> ids.stream().allMatch(id -> "completed".equals(f.meta(id).get("status"))));

    // every task completed, each of its 3 steps committed exactly once; w1's tasks resumed on w2
    for (String id : ids) {
      assertThat(f.queries.steps(id).await()).extracting(StepRecord::step).as("steps of " + id)
          .containsExactly(1, 2, 3);
      assertThat(f.meta(id).get("result")).as("result of " + id).isNotBlank();
    }
    for (String id : orphaned) {
      assertThat(f.meta(id)).as("orphaned " + id).containsEntry("attempts", "1");
      assertThat(f.queries.steps(id).await()).extracting(StepRecord::workerId).anyMatch(w -> w.startsWith("w2-"));
    }

    // the stub's side: every delivered, billed answer, grouped by Idempotency-Key (task:step)
    Map<String, List<OpenAiStub.Call>> answered = new TreeMap<>();
    for (OpenAiStub.Call c : stub.billed()) {
      assertThat(tenantOf).as("a call for an unknown task: " + c).containsKey(c.taskId());
      answered.computeIfAbsent(c.idempotencyKey, k -> new ArrayList<>()).add(c);
    }
    answered.forEach((k, calls) -> assertThat(calls).extracting(c -> c.nanos).as("deterministic price of " + k)
        .containsOnly(calls.get(0).nanos));

    // Redis' side: the call records, each one a call the stub answered, at the stub's price
    Map<String, Long> recordedPerTenant = new HashMap<>();
    Map<String, Long> recordsPerTenant = new HashMap<>();
    Map<String, Integer> recordedPerKey = new TreeMap<>();
    for (String id : ids) {
      long taskSum = 0;
      for (JsonObject rec : records(id)) {
        String k = key(id, rec.getInteger("step"));
        List<OpenAiStub.Call> stubCalls = answered.getOrDefault(k, List.of());
        assertThat(stubCalls).as("the stub answered the recorded call " + rec.encode()).isNotEmpty();
        OpenAiStub.Call s = stubCalls.get(0);
        assertThat(rec.getLong("nano_usd")).as("price of " + rec.getString("call_id")).isEqualTo(s.nanos);
        assertThat(rec.getLong("input_tokens")).isEqualTo(s.promptTokens);
        assertThat(rec.getLong("output_tokens")).isEqualTo(s.completionTokens);
        assertThat(rec.getString("tenant_id")).isEqualTo(tenantOf.get(id));
        recordedPerKey.merge(k, 1, Integer::sum);
        taskSum += rec.getLong("nano_usd");
      }
      assertThat(Long.parseLong(f.meta(id).get("cost_nanos"))).as("cost of " + id + " = sum of its call records").isEqualTo(taskSum);
      recordedPerTenant.merge(tenantOf.get(id), taskSum, Long::sum);
      recordsPerTenant.merge(tenantOf.get(id), (long) records(id).size(), Long::sum);
    }

    // answered but never recorded: only calls in flight on the killed worker when it died
    int unrecorded = 0;
    Map<String, Long> unrecordedNanosPerTenant = new HashMap<>();
    List<String> unrecordedKeys = new ArrayList<>();
    for (Map.Entry<String, List<OpenAiStub.Call>> e : answered.entrySet()) {
      int recorded = recordedPerKey.getOrDefault(e.getKey(), 0);
      int missing = e.getValue().size() - recorded;
      assertThat(missing).as("more records than answers for " + e.getKey()).isGreaterThanOrEqualTo(0);
      if (missing > 0) {
        String task = e.getValue().get(0).taskId();
        assertThat(orphaned).as("an answer never recorded, for a task the killed worker did not hold: " + e.getKey())
            .contains(task);
        unrecorded += missing;
        unrecordedKeys.add(e.getKey() + " x" + missing);
        unrecordedNanosPerTenant.merge(tenantOf.get(task), missing * e.getValue().get(0).nanos, Long::sum);
      }
    }
    assertThat(unrecorded).as("answered but never recorded " + unrecordedKeys).isLessThanOrEqualTo(inFlightAtKill);

    // to the nano-dollar, per tenant: Redis total == sum of its call records == stub ledger minus the unrecorded
    for (String tenant : TENANTS) {
      Response total = f.cmd(Command.HGETALL, f.keys.tenantCostTotals(tenant));
      long totalNanos = total.get("nano_usd").toLong();
      long stubNanos = answered.values().stream().flatMap(List::stream)
          .filter(c -> tenant.equals(tenantOf.get(c.taskId()))).mapToLong(c -> c.nanos).sum();
      assertThat(totalNanos).as("cost:tenant:%s:total nano_usd = sum of its call records", tenant)
          .isEqualTo(recordedPerTenant.get(tenant));
      assertThat(total.get("calls").toLong()).as("calls of " + tenant).isEqualTo(recordsPerTenant.get(tenant));
      assertThat(totalNanos).as("tenant %s = the stub's ledger for the calls a live worker received", tenant)
          .isEqualTo(stubNanos - unrecordedNanosPerTenant.getOrDefault(tenant, 0L));
      JsonObject costs = api.get("/tenants/" + tenant + "/costs").json();
      assertThat(Money.nanos(costs.getValue("total_cost_usd"))).isEqualTo(totalNanos);
      assertThat(costs.getLong("task_count")).isEqualTo(TASKS / TENANTS.size());
    }

    int answeredCount = answered.values().stream().mapToInt(List::size).sum();
    System.out.printf("CostLedgerIT: %d tasks, %d orphaned by the kill, %d calls in flight on w1 at the kill, "
            + "%d requests received, %d answers delivered, %d answers undeliverable (caller gone), "
            + "%d answered but never recorded %s, max %d requests in flight at the stub%n",
        ids.size(), orphaned.size(), inFlightAtKill, stub.requestCount(), answeredCount, stub.undelivered().size(),
        unrecorded, unrecordedKeys, stub.maxInFlight());
  }

  /** One llm node that streams its answer, for the kill -9 mid-stream. */
  static final String STREAMED_AGENT = """
      name: streamed
      entry: ask
      nodes:
        ask: {kind: llm, model: gpt-4o-mini, prompt: "Explain {{topic}} to a new engineer, step by step", max_tokens: 200, stream: true}
      result:
        answer: "{{ask.text}}"
      """;

  /**
   * A worker killed with SIGKILL mid-stream: its stream dies with it, uncommitted and unbilled.
   * Another worker runs the node again (at least once) and commits the step once, with the whole
   * text of its own run, and the task's cost is that run's call alone.
   */
  @Test void aStreamCutByKill9RunsAgainOnAnotherWorkerAndItsStepIsCommittedOnceWithTheWholeText(@TempDir Path agents)
      throws IOException {
    Files.writeString(agents.resolve("streamed.yaml"), STREAMED_AGENT);
    Map<String, String> withAgent = Map.of("SENTINEL_AGENTS_DIR", agents.toString());
    int port = RedisServerProcess.freePort();
    Map<String, String> apiEnv = new HashMap<>(withAgent);
    apiEnv.put("SENTINEL_HTTP_PORT", String.valueOf(port));
    start("api", "api,watcher", apiEnv);
    SentinelProcess w1 = start("w1", "worker", withAgent);
    api = new Http(port);
    await().atMost(Duration.ofSeconds(30)).until(api::isUp);
    await().atMost(Duration.ofSeconds(30)).until(() -> w1.log().contains(" up: roles"));

    stub.delayMs(0).streamPieceMs(150);   // ~25 pieces: the first stream lasts seconds
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "it").put("agent_type", "streamed")
        .put("task_params", new JsonObject().put("topic", "fencing tokens")).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().getString("task_id");

    // the stub has begun streaming the answer to w1: kill it there
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
        .until(() -> stub.ledger().stream().anyMatch(c -> id.equals(c.taskId())));
    w1.kill9();
    stub.streamPieceMs(0);
    start("w2", "worker", withAgent);
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
        .until(() -> "completed".equals(api.get("/tasks/" + id).json().getString("status")));

    assertThat(stub.undelivered()).as("w1's stream was cut by the kill, not finished")
        .anySatisfy(c -> assertThat(c.taskId()).isEqualTo(id));
    assertThat(stub.receivedFor(id)).as("the node ran again on w2: at least once").hasSize(2);
    List<OpenAiStub.Call> billed = stub.billedFor(id);
    assertThat(billed).as("only w2's stream reached its end").hasSize(1);
    String fullText = billed.get(0).text;
    assertThat(fullText).isEqualTo(OpenAiStub.answerFor(billed.get(0).request));

    JsonObject task = api.get("/tasks/" + id).json();
    assertThat(task.getJsonObject("result").getString("answer")).isEqualTo(fullText);
    assertThat(Money.nanos(task.getValue("cost_so_far"))).as("the task paid for w2's call alone").isEqualTo(billed.get(0).nanos);
    List<JsonObject> steps = api.get("/tasks/" + id + "/steps").json().getJsonArray("steps").stream()
        .map(s -> (JsonObject) s).toList();
    assertThat(steps).as("the step committed once, by w2").singleElement()
        .satisfies(s -> assertThat(s.getString("worker_id")).startsWith("w2-"));
    long stepRecords = 0;
    for (Response h : f.cmd(Command.LRANGE, f.keys.history(id), 0, -1)) {
      if (h.toString().startsWith("{\"type\":\"step\"")) stepRecords++;
    }
    assertThat(stepRecords).isEqualTo(1);
    JsonObject output = api.get("/tasks/" + id + "/checkpoint").json().getJsonObject("checkpoint").getJsonObject("state")
        .getJsonObject("ask");
    assertThat(output.getString("text")).isEqualTo(fullText);
    assertThat(records(id)).as("one call record: w2's, the call whose text was committed").singleElement()
        .satisfies(c -> assertThat(c.getString("call_id")).isEqualTo(output.getString("call_id")));
  }
}
