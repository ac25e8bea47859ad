package dev.sentinel.limits;

import dev.sentinel.store.History;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Tenant submission rate (GCRA on the Redis clock), queue and running quotas, fairness. */
class SubmissionLimitsTest {

  @RegisterExtension final RealRedis redis = RealRedis.perTest();
  TestNode node;
  Http api;
  StoreFixture raw;

  @BeforeEach void start() {
    node = new TestNode(redis.url(), "", "http: {port: 0}\nworker: {instances: 2, concurrency: 8}\nwatcher: {interval_ms: 100}\n");
    api = node.startApi();
    raw = new StoreFixture(node.vertx, redis.url(), "");
  }

  @AfterEach void stop() {
    node.close();
  }

  private Http.Reply submit(String tenant, JsonObject params) {
    return api.post("/tasks", new JsonObject().put("tenant_id", tenant).put("task_type", "t").put("agent_type", "noop")
        .put("task_params", params).encode());
  }

  private long redisNowMs() {
    Response t = raw.cmd(Command.TIME);
    return t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
  }

  @Test void aTenantAtTenTimesItsRateGets429sWithRetryAfterWhileOthersAreUnaffected() {
    assertThat(api.post("/tenants/fast/rate-limit?capacity=5&refill_rate=5", null).status()).isEqualTo(200);
    long started = redisNowMs();
    int accepted = 0, limited = 0;
    for (int i = 0; i < 50; i++) {   // ~50/s against 5/s
      Http.Reply r = submit("fast", new JsonObject());
      if (r.status() == 201) {
        accepted++;
        assertThat(r.header("ratelimit-limit")).isEqualTo("5");
      } else {
        assertThat(r.status()).isEqualTo(429);
        limited++;
        long retryAfter = Long.parseLong(r.header("retry-after"));
        assertThat(retryAfter).isBetween(1L, 2L);   // one submission every 200 ms: at most a second away
        assertThat(r.header("ratelimit-remaining")).isEqualTo("0");
        assertThat(r.json().getString("detail")).contains("fast");
      }
      Http.Reply other = submit("calm", new JsonObject());
      assertThat(other.status()).as("another tenant is unaffected").isEqualTo(201);
      StoreFixture.sleep(20);
    }
    double seconds = (redisNowMs() - started) / 1000.0;
    assertThat(limited).isPositive();
    assertThat(accepted).as("burst + rate x elapsed").isBetween(5, (int) Math.ceil(5 + 5 * seconds) + 1);
    assertThat(api.get("/stats?tenant_id=fast").json().getLong("total_tasks")).isEqualTo(accepted);   // refusals stored nothing
    StoreFixture.sleep(1100);
    assertThat(submit("fast", new JsonObject()).status()).as("after Retry-After").isEqualTo(201);
    // the seed's endpoints read and reset the same limiter
    assertThat(api.get("/tenants/fast/rate-limit").json().getLong("capacity")).isEqualTo(5);
    assertThat(api.delete("/tenants/fast/rate-limit").status()).isEqualTo(200);
    for (int i = 0; i < 20; i++) assertThat(submit("fast", new JsonObject()).status()).isEqualTo(201);
  }

  /**
   * The contract allows any positive rate; 1e-300 per second made every later submission of the
   * tenant a 500 (the limiter's expiry was a PX Redis could not take as an integer). Such a
   * bucket now lets its burst through and then waits, capped at 400 days.
   */
  @Test void aVanishinglySmallRateRefusesWithASaneRetryAfterInsteadOfFailing() {
    assertThat(api.send("PUT", "/tenants/tiny/limits", "{\"submit_rate\": 1e-300, \"submit_burst\": 1}", Map.of()).status())
        .isEqualTo(200);
    assertThat(submit("tiny", new JsonObject()).status()).isEqualTo(201);
    Http.Reply second = submit("tiny", new JsonObject());
    assertThat(second.status()).as(second.body()).isEqualTo(429);
    assertThat(Long.parseLong(second.header("retry-after"))).isBetween(1L, 400L * 86_400);
    // the seed's endpoint takes the same kind of rate
    assertThat(api.post("/tenants/seedtiny/rate-limit?capacity=1&refill_rate=1e-300", null).status()).isEqualTo(200);
    assertThat(submit("seedtiny", new JsonObject()).status()).isEqualTo(201);
    assertThat(submit("seedtiny", new JsonObject()).status()).isEqualTo(429);
    assertThat(api.get("/tenants/seedtiny/rate-limit").status()).isEqualTo(200);
  }

  @Test void maxQueuedRefusesSubmissionsUntilATaskLeavesTheQueue() {
    JsonObject limits = api.send("PUT", "/tenants/q/limits", "{\"max_queued\": 3}", Map.of()).json();
    assertThat(limits.getLong("max_queued")).isEqualTo(3);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) ids.add(submit("q", new JsonObject()).json().getString("task_id"));
    Http.Reply refused = submit("q", new JsonObject());
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.json().getString("detail")).contains("max_queued is 3");
    assertThat(submit("other", new JsonObject()).status()).isEqualTo(201);
    assertThat(api.delete("/tasks/" + ids.get(0)).status()).isEqualTo(200);
    assertThat(submit("q", new JsonObject()).status()).isEqualTo(201);
  }

  @Test void maxRunningHoldsUnderManyWorkersWhileOtherTenantsRun() {
    api.send("PUT", "/tenants/capped/limits", "{\"max_running\": 2}", Map.of());
    List<String> capped = new ArrayList<>(), free = new ArrayList<>();
    for (int i = 0; i < 12; i++) capped.add(submit("capped", new JsonObject().put("steps", 3).put("step_ms", 60)).json().getString("task_id"));
    for (int i = 0; i < 12; i++) free.add(submit("free", new JsonObject().put("steps", 3).put("step_ms", 60)).json().getString("task_id"));
    node.startWorkers("w").startWatcher();   // 16 slots
    long maxCapped = 0, maxFree = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      long running = running("capped");
      long runningFree = running("free");
      maxCapped = Math.max(maxCapped, running);
      maxFree = Math.max(maxFree, runningFree);
      if (counted("capped", "completed") == 12) break;
      StoreFixture.sleep(5);
    }
    assertThat(counted("capped", "completed")).isEqualTo(12);
    assertThat(maxCapped).as("capped tenant's running tasks at any sample").isLessThanOrEqualTo(2).isPositive();
    assertThat(maxFree).as("the other tenant used the free slots").isGreaterThan(2);
  }

  @Test void aTenantsLlmRpmAndTpmAreSetReadAndValidatedThroughTheApi() {
    assertThat(api.get("/tenants/acme/limits").json().getValue("llm_rpm")).as("default 0: none").isNull();
    Http.Reply set = api.send("PUT", "/tenants/acme/limits", "{\"llm_rpm\": 600, \"llm_tpm\": 200000}", Map.of());
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().getLong("llm_rpm")).isEqualTo(600);
    assertThat(set.json().getLong("llm_tpm")).isEqualTo(200000);
    assertThat(set.json().getJsonArray("own").getList()).contains("llm_rpm", "llm_tpm");
    assertThat(raw.cmd(Command.HGET, raw.keys.tenantLimits("acme"), "llm_tpm").toString()).isEqualTo("200000");
    for (String bad : List.of("{\"llm_rpm\": -1}", "{\"llm_tpm\": 1.5}", "{\"llm_rpm\": \"many\"}")) {
      Http.Reply r = api.send("PUT", "/tenants/acme/limits", bad, Map.of());
      assertThat(r.status()).as(bad).isEqualTo(422);
      assertThat(r.header("content-type")).startsWith("application/problem+json");
      String field = bad.contains("llm_rpm") ? "llm_rpm" : "llm_tpm";
      assertThat(r.json().getJsonArray("errors").encode()).as(bad).contains(field);
    }
    assertThat(api.get("/tenants/acme/limits").json().getLong("llm_rpm")).as("unchanged by refused updates").isEqualTo(600);
    Http.Reply reset = api.send("PUT", "/tenants/acme/limits", "{\"llm_rpm\": null, \"llm_tpm\": 0}", Map.of());
    assertThat(reset.json().getValue("llm_rpm")).isNull();
    assertThat(reset.json().getValue("llm_tpm")).as("0: none").isNull();
    assertThat(reset.json().getJsonArray("own").getList()).doesNotContain("llm_rpm").contains("llm_tpm");
  }

  /**
   * A tenant's running tasks (leased + in_progress) from its exact per-status counters, both
   * fields read by one HMGET: a task moving from leased to in_progress between two separate
   * reads would be counted twice.
   */
  private long running(String tenant) {
    Response r = raw.cmd(Command.HMGET, raw.keys.tenantCounts(tenant), "leased", "in_progress");
    long n = 0;
    for (Response v : r) if (v != null) n += v.toLong();
    return n;
  }

  /** The tenant's tasks in one status, from its exact counters. */
  private long counted(String tenant, String status) {
    Response r = raw.cmd(Command.HGET, raw.keys.tenantCounts(tenant), status);
    return r == null ? 0 : r.toLong();
  }

  /** Redis ms of the task's first claim (0 if never claimed). */
  private long firstClaimedMs(String id) {
    for (Response e : raw.cmd(Command.LRANGE, raw.keys.history(id), "0", "-1")) {
      JsonObject event = new JsonObject(e.toString());
      if ("claimed".equals(event.getString("type"))) return History.longOf(event.getValue("at"));
    }
    return 0;
  }

  @Test void aSmallTenantIsNotStarvedByAnotherTenantsBacklog() {
    List<String> big = new ArrayList<>(), small = new ArrayList<>();
    for (int i = 0; i < 1000; i++) big.add(raw.submit(raw.task("big", 3, 0, new JsonObject().put("steps", 1).put("step_ms", 5))));
    for (int i = 0; i < 10; i++) small.add(submit("small", new JsonObject().put("steps", 1).put("step_ms", 5)).json().getString("task_id"));
    node.startWorkers("w").startWatcher();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        counted("small", "completed") == 10);
    // measured on the Redis clock: big tasks completed before the small tenant's last one did
    long smallLast = small.stream().mapToLong(id -> Long.parseLong(raw.meta(id).get("completed_at"))).max().orElseThrow();
    long bigBefore = big.stream().filter(id -> {
      String done = raw.meta(id).get("completed_at");
      return done != null && !done.isEmpty() && Long.parseLong(done) <= smallLast;
    }).count();
    // and when they started: a task's first 'claimed' history record, stamped with the Redis-clock ms of the claim
    long smallLastStart = small.stream().mapToLong(this::firstClaimedMs).max().orElseThrow();
    long bigStartedBefore = big.stream().filter(id -> {
      long at = firstClaimedMs(id);
      return at > 0 && at <= smallLastStart;
    }).count();
    String figure = "fairness: tenant A holds 1000 queued tasks, tenant B submits 10 afterwards: B's last task started when "
        + bigStartedBefore + " of A's 1000 had started, and completed when " + bigBefore + " of A's had completed";
    System.out.println(figure);
    try {
      Files.writeString(Path.of("target", "fairness.txt"), figure + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(bigStartedBefore).as("A's tasks started before B's last one started").isLessThan(60);
    assertThat(bigBefore).as("big tasks done before the small tenant's last").isLessThan(60);
  }
}
