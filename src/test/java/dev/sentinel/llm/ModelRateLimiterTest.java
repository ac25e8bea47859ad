package dev.sentinel.llm;

import dev.sentinel.config.SentinelConfig.LlmSettings;
import dev.sentinel.config.SentinelConfig.ModelLimits;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A model's RPM/TPM, shared through Redis by every worker: exact, and a provider 429 holds it everywhere. */
class ModelRateLimiterTest {

  static RedisServerProcess redis;
  static Vertx vertx;

  @BeforeAll static void start() {
    redis = RedisServerProcess.start();
    vertx = Vertx.vertx();
  }

  @AfterAll static void stop() {
    vertx.close().await();
    redis.close();
  }

  private static long now(StoreFixture f) {
    Response t = f.cmd(Command.TIME);
    return t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
  }

  /** Grants (Redis ms) in any window of {@code windowMs} never exceed rate x window + burst. */
  private static void assertWithinBound(List<long[]> grants, double perMs, long burst, long windowMs) {
    List<long[]> sorted = new ArrayList<>(grants);
    sorted.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 0; i < sorted.size(); i++) {
      long used = 0;
      for (int j = i; j < sorted.size() && sorted.get(j)[0] - sorted.get(i)[0] < windowMs; j++) used += sorted.get(j)[1];
      assertThat((double) used).as("units granted in %d ms from grant %d", windowMs, i).isLessThanOrEqualTo(perMs * windowMs + burst);
    }
  }

  @Test void requestsAndTokensGrantedAcrossThreeWorkersStayWithinRateTimesWindowPlusBurst() {
    // three "workers", each with its own Redis client, hammer one model for ~3 s
    LlmSettings settings = new LlmSettings("openai", "http://x", "", 1000, 0,
        Map.of("m", new ModelLimits(600, 5, 60_000, 2_000)), 2000);   // 10 req/s, 1000 tokens/s
    List<StoreFixture> workers = new ArrayList<>();
    List<ModelRateLimiter> limiters = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      StoreFixture f = new StoreFixture(vertx, redis.url());
      workers.add(f);
      limiters.add(new ModelRateLimiter(new dev.sentinel.store.TaskStore(f.redis, workers.get(0).keys,
          dev.sentinel.store.Scripts.load()), settings));
    }
    StoreFixture clock = workers.get(0);
    List<long[]> grants = new CopyOnWriteArrayList<>();   // {redis ms, tokens}
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int refused = 0;
    while (System.nanoTime() < end) {
      List<Future<Long>> round = new ArrayList<>();
      for (ModelRateLimiter l : limiters) round.add(l.reserve("m", 150));
      Future.join(round).await();
      long at = now(clock);
      for (Future<Long> r : round) {
        if (r.result() == 0) grants.add(new long[] {at, 150});
        else refused++;
      }
      StoreFixture.sleep(5);
    }
    assertThat(refused).as("the limit was reached (else this proves nothing)").isPositive();
    List<long[]> requests = grants.stream().map(g -> new long[] {g[0], 1}).toList();
    assertWithinBound(requests, 10 / 1000.0, 5, 1000);
    assertWithinBound(grants, 1000 / 1000.0, 2000, 1000);
    // roughly the rate was used, not far less (tokens bind: ~1000/s of 150-token calls)
    assertThat(grants.size()).isGreaterThan(10);
    workers.forEach(StoreFixture::close);
  }

  @Test void settlingRefundsUnusedTokens() {
    StoreFixture f = new StoreFixture(vertx, redis.url());
    LlmSettings settings = new LlmSettings("openai", "http://x", "", 1000, 0, Map.of("t", new ModelLimits(0, 1, 600, 10)), 2000);
    ModelRateLimiter l = new ModelRateLimiter(new dev.sentinel.store.TaskStore(f.redis, f.keys, dev.sentinel.store.Scripts.load()), settings);
    assertThat(l.reserve("t", 10).await()).isZero();          // 10 tokens/s, burst 10: all used
    assertThat(l.reserve("t", 10).await()).isPositive();      // no room now
    l.settle("t", 10, 1).await();                             // the call used 1 token: 9 come back
    assertThat(l.reserve("t", 5).await()).isZero();
    f.close();
  }

  @Test void aProviderThrottleHoldsTheModelForEveryWorkerThenLetsWorkResume() {
    StoreFixture a = new StoreFixture(vertx, redis.url()), b = new StoreFixture(vertx, redis.url(), a.keys.prefix());
    LlmSettings settings = new LlmSettings("openai", "http://x", "", 1000, 0, Map.of(), 2000);
    ModelRateLimiter first = new ModelRateLimiter(new dev.sentinel.store.TaskStore(a.redis, a.keys, dev.sentinel.store.Scripts.load()), settings);
    ModelRateLimiter second = new ModelRateLimiter(new dev.sentinel.store.TaskStore(b.redis, b.keys, dev.sentinel.store.Scripts.load()), settings);
    assertThat(second.reserve("gpt", 100).await()).isZero();
    first.hold("gpt", 2000).await();                          // worker 1 saw 429 with Retry-After: 2
    long wait = second.reserve("gpt", 100).await();
    assertThat(wait).as("worker 2 waits too, at most the Retry-After").isBetween(1L, 2000L);
    await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100)).until(() -> second.reserve("gpt", 100).await() == 0);
    a.close();
    b.close();
  }

  @Test void aStepThatMustWaitLongGivesItsSlotBackAndIsRescheduled() {
    try (TestNode node = new TestNode(redis.url(), "rl" + System.nanoTime() + ":",
        "http: {port: 0}\nllm: {provider: mock, models: {gpt-4o-mini: {rpm: 6, rpm_burst: 1}}, max_rate_wait_ms: 100}\n"
            + "worker: {instances: 1, concurrency: 4}\nwatcher: {interval_ms: 100}\n")) {
      var api = node.startApi();
      StoreFixture f = new StoreFixture(node.vertx, redis.url(), node.config.keyPrefix());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ids.add(api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "r")
            .put("task_params", new JsonObject().put("query", "q" + i)).encode()).json().getString("task_id"));
      }
      node.startWorkers("rl").startWatcher();
      // 6 calls per minute, 1 at once: the second call must wait ~10 s, far over 100 ms in place
      // (the task's audit stream, read directly: the SSE endpoint follows a live task until it ends)
      java.util.function.Function<String, String> events = id -> f.cmd(Command.LRANGE, f.keys.taskEvents(id), "0", "-1").toString();
      await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().anyMatch(id -> events.apply(id).contains("scheduled")));
      assertThat(ids.stream().map(events).reduce("", String::concat)).contains("rate_limited");
      assertThat(node.running()).as("a waiting step holds no worker slot").isLessThanOrEqualTo(1);
      List<Long> callTimes = new ArrayList<>();
      for (String id : ids) {
        for (Response c : f.cmd(Command.HVALS, f.keys.calls(id))) callTimes.add(new JsonObject(c.toString()).getLong("recorded_at"));
      }
      Collections.sort(callTimes);
      await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().mapToLong(id -> f.cmd(Command.HLEN, f.keys.calls(id)).toLong()).sum() >= 2);
      callTimes.clear();
      for (String id : ids) {
        for (Response c : f.cmd(Command.HVALS, f.keys.calls(id))) callTimes.add(new JsonObject(c.toString()).getLong("recorded_at"));
      }
      Collections.sort(callTimes);
      assertThat(callTimes).hasSizeGreaterThanOrEqualTo(2);
      for (int i = 1; i < callTimes.size(); i++) {
        assertThat(callTimes.get(i) - callTimes.get(i - 1)).as("6 rpm: calls at least ~10 s apart").isGreaterThan(9_000);
      }
      f.close();
    }
  }
}
