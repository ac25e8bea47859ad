package dev.sentinel.llm;

import dev.sentinel.config.SentinelConfig.LlmSettings;
import dev.sentinel.config.SentinelConfig.ModelLimits;
import dev.sentinel.config.SentinelConfig;
import dev.sentinel.store.Store;
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
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

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

  /** 0 when granted, else the wait (ms). */
  private static long reserve(ModelRateLimiter l, String model, String tenant, long tokens) {
    ModelRateLimiter.Reservation r = l.reserve(model, tenant, tokens).await();
    return r instanceof ModelRateLimiter.Wait w ? w.ms() : 0;
  }

  private static ModelRateLimiter limiter(StoreFixture f, LlmSettings settings) {
    return new ModelRateLimiter(f.ledger, settings);
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
      limiters.add(new ModelRateLimiter(Store.open(f.redis, workers.get(0).keys).ledger(), settings));
    }
    StoreFixture clock = workers.get(0);
    List<long[]> grants = new CopyOnWriteArrayList<>();   // {redis ms, tokens}
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int refused = 0;
    while (System.nanoTime() < end) {
      List<Future<ModelRateLimiter.Reservation>> round = new ArrayList<>();
      for (ModelRateLimiter l : limiters) round.add(l.reserve("m", null, 150));
      Future.join(round).await();
      long at = now(clock);
      for (Future<ModelRateLimiter.Reservation> r : round) {
        if (r.result() instanceof ModelRateLimiter.Granted) grants.add(new long[] {at, 150});
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
    ModelRateLimiter l = new ModelRateLimiter(f.ledger, settings);
    ModelRateLimiter.Granted g = (ModelRateLimiter.Granted) l.reserve("t", null, 10).await();   // 10 tokens/s, burst 10: all used
    assertThat(reserve(l, "t", null, 10)).isPositive();       // no room now
    l.settle(g, 1).await();                                   // the call used 1 token: 9 come back
    assertThat(reserve(l, "t", null, 5)).isZero();
    f.close();
  }

  @Test void aTenantsLlmRpmBindsAcrossAllItsModelsAndOtherTenantsAreUnaffected() {
    StoreFixture f = new StoreFixture(vertx, redis.url());
    f.cmd(Command.HSET, f.keys.tenantLimits("acme"), "llm_rpm", "60");     // 1 per second, burst 6
    ModelRateLimiter l = limiter(f, new LlmSettings("openai", "http://x", "", 1000, 0, Map.of(), 2000));
    int granted = 0;
    for (int i = 0; i < 6; i++) granted += reserve(l, i % 2 == 0 ? "a" : "b", "acme", 100) == 0 ? 1 : 0;
    assertThat(granted).as("the burst, over two models").isEqualTo(6);
    ModelRateLimiter.Reservation r = l.reserve("c", "acme", 100).await();
    assertThat(r).isInstanceOf(ModelRateLimiter.Wait.class);
    assertThat(((ModelRateLimiter.Wait) r).scope()).isEqualTo(ModelRateLimiter.Scope.TENANT);
    assertThat(((ModelRateLimiter.Wait) r).ms()).isBetween(1L, 1000L);
    assertThat(reserve(l, "a", "globex", 100)).as("another tenant, no limits of its own").isZero();
    f.close();
  }

  @Test void aCallTheTenantRefusesTakesNothingFromTheModel() {
    StoreFixture f = new StoreFixture(vertx, redis.url());
    f.cmd(Command.HSET, f.keys.tenantLimits("small"), "llm_rpm", "6");     // burst 1, then one per 10 s
    ModelRateLimiter l = limiter(f, new LlmSettings("openai", "http://x", "", 1000, 0,
        Map.of("m", new ModelLimits(6, 5, 0, 1)), 2000));                  // the model: 5 at once, then one per 10 s
    assertThat(reserve(l, "m", "small", 10)).isZero();
    for (int i = 0; i < 20; i++) {
      ModelRateLimiter.Reservation r = l.reserve("m", "small", 10).await();
      assertThat(((ModelRateLimiter.Wait) r).scope()).as("refusal %d", i).isEqualTo(ModelRateLimiter.Scope.TENANT);
    }
    // the 20 refusals held nothing: the model's other 4 requests are all still there for others
    for (int i = 0; i < 4; i++) assertThat(reserve(l, "m", "big", 10)).as("grant %d", i).isZero();
    ModelRateLimiter.Reservation r = l.reserve("m", "big", 10).await();
    assertThat(((ModelRateLimiter.Wait) r).scope()).isEqualTo(ModelRateLimiter.Scope.MODEL);
    f.close();
  }

  @Test void aTenantsTokensAreSettledToTheRealUsageWithTheDefaultLimit() {
    StoreFixture f = new StoreFixture(vertx, redis.url());
    // no limits of its own: the configured default llm_tpm applies (600/min = 10/s, burst 60)
    ModelRateLimiter l = new ModelRateLimiter(f.ledger,
        new LlmSettings("openai", "http://x", "", 1000, 0, Map.of(), 2000),
        new SentinelConfig.LimitDefaults(0, 1, 0, 0, 0, 600));
    ModelRateLimiter.Granted g = (ModelRateLimiter.Granted) l.reserve("x", "t1", 60).await();
    ModelRateLimiter.Reservation r = l.reserve("y", "t1", 30).await();
    assertThat(((ModelRateLimiter.Wait) r).scope()).isEqualTo(ModelRateLimiter.Scope.TENANT);
    l.settle(g, 5).await();                                    // used 5 of 60: 55 come back
    assertThat(reserve(l, "y", "t1", 30)).isZero();
    // the tenant's own 0 means "none", whatever the default
    f.cmd(Command.HSET, f.keys.tenantLimits("t2"), "llm_tpm", "0");
    for (int i = 0; i < 5; i++) assertThat(reserve(l, "x", "t2", 1000)).isZero();
    f.close();
  }

  @Test void aRefundNeverGivesBackRoomThatTimeAlreadyUsedUp() {
    StoreFixture f = new StoreFixture(vertx, redis.url());
    // 60000 tokens/min = 1 token per ms, burst 100
    ModelRateLimiter l = limiter(f, new LlmSettings("openai", "http://x", "", 1000, 0, Map.of("m", new ModelLimits(0, 1, 60_000, 100)), 2000));
    ModelRateLimiter.Granted slow = (ModelRateLimiter.Granted) l.reserve("m", null, 100).await();   // a long call
    StoreFixture.sleep(250);                                   // its 100 tokens' worth of time passes: the bucket is full again
    assertThat(reserve(l, "m", null, 100)).as("a fresh burst").isZero();
    l.settle(slow, 0).await();                                 // the long call used nothing, but its room is long gone
    // refunding 100 here would grant 100 more at once: 200 tokens in ~1 ms against a bound of 100 + 1/ms
    assertThat(reserve(l, "m", null, 100)).as("no room resurrected").isPositive();
    f.close();
  }

  @Test void realTokensOfSettledCallsStayWithinTheBoundForTheModelAndTheTenant() {
    // three workers; calls reserve 150, use a random 0..150, and settle a little later
    LlmSettings settings = new LlmSettings("openai", "http://x", "", 1000, 0, Map.of("m", new ModelLimits(0, 1, 60_000, 1_000)), 2000);
    List<StoreFixture> workers = new ArrayList<>();
    List<ModelRateLimiter> limiters = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      StoreFixture f = w == 0 ? new StoreFixture(vertx, redis.url()) : new StoreFixture(vertx, redis.url(), workers.get(0).keys.prefix());
      workers.add(f);
      limiters.add(limiter(f, settings));
    }
    StoreFixture clock = workers.get(0);
    clock.cmd(Command.HSET, clock.keys.tenantLimits("t"), "llm_tpm", "30000");   // 500/s, burst 3000: the tenant binds
    Random random = new Random(7);
    List<long[]> used = new CopyOnWriteArrayList<>();          // {redis ms, real tokens}
    List<Future<Void>> settles = new ArrayList<>();
    int refused = 0;
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < end) {
      List<Future<ModelRateLimiter.Reservation>> round = new ArrayList<>();
      for (ModelRateLimiter l : limiters) round.add(l.reserve("m", "t", 150));
      Future.join(round).await();
      long at = now(clock);
      for (int i = 0; i < round.size(); i++) {
        if (round.get(i).result() instanceof ModelRateLimiter.Granted g) {
          long real = random.nextInt(151);
          used.add(new long[] {at, real});
          ModelRateLimiter l = limiters.get(i);
          settles.add(Future.<Void>future(p -> vertx.setTimer(1 + random.nextInt(200), t -> p.complete()))
              .compose(v -> l.settle(g, real)));
        } else {
          refused++;
        }
      }
      StoreFixture.sleep(2);
    }
    Future.join(settles).await();
    assertThat(refused).as("the limit was reached (else this proves nothing)").isPositive();
    long total = used.stream().mapToLong(u -> u[1]).sum();
    System.out.println("tenant llm_tpm: " + used.size() + " calls, " + total + " real tokens in ~3 s, " + refused + " refusals");
    long spanMs = used.get(used.size() - 1)[0] - used.get(0)[0];
    assertThat((double) used.size()).as("refunds let more calls through than their estimates alone would")
        .isGreaterThan((3000 + 0.5 * spanMs) / 150);
    for (long w : new long[] {100, 500, 1000}) assertWithinBound(used, 500 / 1000.0, 3000, w);
    workers.forEach(StoreFixture::close);
  }

  @Test void aProviderThrottleHoldsTheModelForEveryWorkerThenLetsWorkResume() {
    StoreFixture a = new StoreFixture(vertx, redis.url()), b = new StoreFixture(vertx, redis.url(), a.keys.prefix());
    LlmSettings settings = new LlmSettings("openai", "http://x", "", 1000, 0, Map.of(), 2000);
    ModelRateLimiter first = new ModelRateLimiter(a.ledger, settings);
    ModelRateLimiter second = new ModelRateLimiter(b.ledger, settings);
    assertThat(reserve(second, "gpt", null, 100)).isZero();
    first.hold("gpt", 2000).await();                          // worker 1 saw 429 with Retry-After: 2
    long wait = reserve(second, "gpt", null, 100);
    assertThat(wait).as("worker 2 waits too, at most the Retry-After").isBetween(1L, 2000L);
    await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100)).until(() -> reserve(second, "gpt", null, 100) == 0);
    a.close();
    b.close();
  }

  /** A Retry-After of a day (a misconfigured proxy, a hostile endpoint) holds the model only llm.max_hold_ms. */
  @Test void aProvidersHoldIsCutToMaxHoldMs() {
    StoreFixture a = new StoreFixture(vertx, redis.url());
    LlmSettings settings = new LlmSettings("openai", "http://x", "", 1000, 0, Map.of(), 2000, true, 3000);
    ModelRateLimiter limiter = new ModelRateLimiter(a.ledger, settings);
    limiter.hold("gpt", 86_400_000).await();                  // Retry-After: 86400
    long held = a.cmd(Command.PTTL, a.keys.prefix() + "hold:model:gpt").toLong();
    assertThat(held).as("ms the model is held").isBetween(1L, 3000L);
    assertThat(reserve(limiter, "gpt", null, 100)).as("callers wait the cut hold, not a day").isBetween(1L, 3000L);
    a.close();
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
      // (the task's history, read directly: the SSE endpoint follows a live task until it ends)
      Function<String, String> events = id -> f.cmd(Command.LRANGE, f.keys.history(id), "0", "-1").toString();
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
