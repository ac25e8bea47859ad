package dev.sentinel.it;

import dev.sentinel.cost.Usage;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A model's RPM and TPM hold cluster-wide, checked from the provider's side: three worker
 * processes and an API node (the real jar) on one real Redis call an OpenAI-compatible stub
 * that keeps its own ledger (when each request arrived, the tokens it counted itself).
 *
 * <p>The bound. GCRA with rate r and burst b grants at most {@code b + floor(r * W)} requests
 * in any closed window of length W (on the Redis clock, where the decisions are made). The
 * stub sees a request a little after it was granted (reply to the worker, HTTP to the stub),
 * and that delay varies by at most J between requests, so a window of W at the stub holds
 * requests granted within W + J: the bound checked is {@code b + floor(r * (W + J))}. Tokens
 * are reserved as estimate = prompt (chars/4) + max_tokens and settled to the real usage after
 * the answer; a refund only gives back the part of the call's slot still ahead of now (see
 * settle_model.lua), so the tokens charged for the calls started in a window, which are at
 * least their real usage, stay within {@code burst + tpm/60 * (W + J)}; a call that used more
 * than its estimate (the stub counts 3 tokens per message more than the estimate) is charged
 * the difference only at settle time, after its grant, so that excess is added to the bound.
 *
 * <p>The limit must actually bind, or this proves nothing: the run takes at least the time
 * the rate requires and steps are rescheduled for lack of room.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LlmLimitsIT {

  static final String LIMITED = "gpt-4o-mini";     // rpm 120 (burst 5), tpm 36000 (burst 2000)
  static final long RPM = 120, RPM_BURST = 5, TPM = 36_000, TPM_BURST = 2_000;
  static final String THROTTLED = "gpt-4o";        // rpm 600 (burst 3): steady traffic for the 429 test
  static final String WARM_UP = "gpt-4.1-nano";    // no limits
  static final int MAX_TOKENS = 20;
  static final int TASKS = 45;
  /** How much more one request's grant-to-stub delay may be than another's (see above). */
  static final long JITTER_MS = 400;

  static RedisServerProcess redis;
  static Vertx vertx;
  static StoreFixture f;
  static OpenAiStub stub;
  static final List<SentinelProcess> processes = new ArrayList<>();
  static Http api;

  @BeforeAll static void start() throws IOException {
    redis = RedisServerProcess.start();
    vertx = Vertx.vertx();
    f = new StoreFixture(vertx, redis.url(), "");
    stub = OpenAiStub.start().delayMs(300);
    Path dir = Files.createDirectories(Path.of("target", "it-llm-limits"));
    Path agents = Files.createDirectories(dir.resolve("agents"));
    for (String model : List.of(LIMITED, THROTTLED, WARM_UP)) {
      // one user message and a short max_tokens, so the real usage is close to the estimate and TPM binds on it
      Files.writeString(agents.resolve("probe-" + model + ".yaml"), """
          name: probe-%s
          description: One LLM call on %s.
          entry: ask
          nodes:
            ask:
              kind: llm
              model: %s
              prompt: "{{query}}"
              max_tokens: %d
          result:
            text: "{{ask.text}}"
          """.formatted(model, model, model, MAX_TOKENS));
    }
    Path conf = dir.resolve("sentinel.yaml");
    Files.writeString(conf, """
        llm:
          models:
            %s: {rpm: %d, rpm_burst: %d, tpm: %d, tpm_burst: %d}
            %s: {rpm: 600, rpm_burst: 3}
          max_rate_wait_ms: 500
        """.formatted(LIMITED, RPM, RPM_BURST, TPM, TPM_BURST, THROTTLED));
    int port = RedisServerProcess.freePort();
    start("llm-api", "api,watcher", Map.of("SENTINEL_HTTP_PORT", String.valueOf(port)), agents, conf);
    for (int i = 1; i <= 3; i++) start("llm-w" + i, "worker", Map.of(), agents, conf);
    api = new Http(port);
    await().atMost(Duration.ofSeconds(40)).until(api::isUp);
    await().atMost(Duration.ofSeconds(40)).until(() -> processes.stream().allMatch(p -> p.log().contains(" up: roles")));
    warmUp();
  }

  /**
   * A worker's first LLM call is slow (class loading, JIT, the first connection): a request
   * granted then reaches the stub up to a second or more later, bunched with later ones, which
   * would count against a window at the stub that the limiter never saw. Every worker makes a
   * few unlimited calls first, so the grant-to-stub delay is steady when the limits are measured.
   */
  private static void warmUp() {
    for (int round = 0; round < 5; round++) {
      List<String> ids = submit(WARM_UP, 30, i -> "warm up " + i);
      awaitCompleted(ids, 60);
      Set<String> workers = new HashSet<>();
      for (String id : ids) {
        for (Response c : f.cmd(Command.HVALS, f.keys.calls(id))) {
          String w = new JsonObject(c.toString()).getString("worker_id", "");
          workers.add(w.substring(0, Math.max(0, w.indexOf('-', "llm-".length()))));
        }
      }
      if (workers.size() == 3) return;
    }
    throw new AssertionError("not every worker made a warm-up call");
  }

  @AfterAll static void stop() {
    processes.forEach(SentinelProcess::close);
    if (stub != null) stub.close();
    if (f != null) f.close();
    if (vertx != null) vertx.close().await();
    if (redis != null) redis.close();
  }

  private static void start(String name, String roles, Map<String, String> extra, Path agents, Path conf) {
    Map<String, String> env = new HashMap<>(Map.of(
        "SENTINEL_REDIS_URL", redis.url(),
        "SENTINEL_LEASE_MS", "3000",
        "SENTINEL_WATCHER_INTERVAL_MS", "100",
        "SENTINEL_WORKER_INSTANCES", "1",
        "SENTINEL_WORKER_CONCURRENCY", "10",
        "SENTINEL_LLM_PROVIDER", "openai",
        "SENTINEL_AGENTS_DIR", agents.toAbsolutePath().toString(),
        "OPENAI_BASE_URL", stub.baseUrl(),
        "OPENAI_API_KEY", "test"));
    env.putAll(extra);
    processes.add(SentinelProcess.start(name, roles, env, conf));
  }

  private static List<String> submit(String model, int n, IntFunction<String> query) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "probe")
          .put("agent_type", "probe-" + model).put("task_params", new JsonObject().put("query", query.apply(i))).encode());
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().getString("task_id"));
    }
    return ids;
  }

  private static void awaitCompleted(List<String> ids, int seconds) {
    await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200))
        .until(() -> ids.stream().allMatch(id -> "completed".equals(f.meta(id).get("status"))));
  }

  /** The task's history, read directly (SSE follows a live task until it ends). */
  private static String events(String id) {
    return f.cmd(Command.LRANGE, f.keys.history(id), "0", "-1").toString();
  }

  private static String modelOf(OpenAiStub.Received r) {
    try {
      return new JsonObject(r.body).getString("model", "");
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** What the worker reserved for this request: Usage.estimateTokens(prompt chars) + max_tokens. */
  private static long estimate(JsonObject request) {
    JsonArray messages = request.getJsonArray("messages");
    int chars = 0;
    for (int i = 0; i < messages.size(); i++) chars += messages.getJsonObject(i).getString("content").length();
    return Usage.estimateTokens(chars) + request.getLong("max_tokens");
  }

  /** The most of {@code amounts} (by start, ns) in any window of {@code windowMs} that starts at a request. */
  private static long maxInWindow(long[] starts, long[] amounts, long windowMs) {
    long best = 0;
    for (int i = 0; i < starts.length; i++) {
      long sum = 0;
      for (int j = i; j < starts.length && starts[j] - starts[i] <= windowMs * 1_000_000L; j++) sum += amounts[j];
      best = Math.max(best, sum);
    }
    return best;
  }

  @Test @Order(1) void requestsAndTokensAtTheProviderStayWithinRateTimesWindowPlusBurstAcrossThreeWorkers() {
    int before = stub.requestCount();
    // prompts from ~100 to ~600 tokens: short ones let RPM bind, long ones TPM
    List<String> ids = submit(LIMITED, TASKS, i -> ("q" + i + " ").repeat(1).concat("x".repeat(400 + (i % 6) * 400)));
    awaitCompleted(ids, 75);

    List<OpenAiStub.Received> received = stub.received().subList(before, stub.requestCount()).stream()
        .filter(r -> LIMITED.equals(modelOf(r))).sorted(Comparator.comparingLong(r -> r.receivedNanos)).toList();
    Map<Long, OpenAiStub.Call> answered = new HashMap<>();
    for (OpenAiStub.Call c : stub.ledger()) answered.put(c.seq, c);
    assertThat(received).as("one call per task, all answered 200").hasSize(TASKS).allMatch(r -> r.status() == 200);

    long[] starts = new long[received.size()], ones = new long[received.size()], real = new long[received.size()],
        excess = new long[received.size()];
    for (int i = 0; i < received.size(); i++) {
      OpenAiStub.Call c = answered.get(received.get(i).seq);
      starts[i] = received.get(i).receivedNanos;
      ones[i] = 1;
      real[i] = c.promptTokens + c.completionTokens;
      excess[i] = Math.max(0, real[i] - estimate(c.request));
    }
    double spanS = (starts[starts.length - 1] - starts[0]) / 1e9;
    long realTotal = Arrays.stream(real).sum();
    System.out.printf("llm limits: %d calls over %.1f s at the stub, %d real tokens%n", starts.length, spanS, realTotal);
    StringBuilder first = new StringBuilder();
    for (int i = 0; i < Math.min(12, starts.length); i++) first.append((starts[i] - starts[0]) / 1_000_000).append(' ');
    System.out.println("llm limits: first arrivals (ms after the first): " + first);

    for (long w : new long[] {1000, 5000, 10_000}) {
      long requests = maxInWindow(starts, ones, w);
      long requestBound = RPM_BURST + (long) Math.floor(RPM / 60.0 * (w + JITTER_MS) / 1000);
      long tokens = maxInWindow(starts, real, w);
      long tokenBound = TPM_BURST + (long) Math.floor(TPM / 60.0 * (w + JITTER_MS) / 1000) + maxInWindow(starts, excess, w);
      System.out.printf("llm limits: window %5d ms: max %d requests (bound %d), max %d tokens (bound %d)%n",
          w, requests, requestBound, tokens, tokenBound);
      assertThat(requests).as("requests in any %d ms at the stub", w).isLessThanOrEqualTo(requestBound);
      assertThat(tokens).as("tokens in any %d ms at the stub", w).isLessThanOrEqualTo(tokenBound);
    }

    // it bound: unlimited, 30 slots would have sent all 45 within a second or two; the limits
    // allow the bursts at once and then the rates (each of these is a lower bound on the run)
    double requestFloor = (TASKS - RPM_BURST) / (RPM / 60.0) * 1000;
    double tokenFloor = Math.max(0, realTotal - TPM_BURST) / (TPM / 60.0) * 1000;
    System.out.printf("llm limits: the rates require >= %.0f ms (requests) and >= %.0f ms (tokens)%n", requestFloor, tokenFloor);
    assertThat(spanS * 1000).as("the run took at least what the rates require")
        .isGreaterThanOrEqualTo(Math.max(requestFloor, tokenFloor) - JITTER_MS);
    long rescheduled = ids.stream().filter(id -> events(id).contains("rate_limited")).count();
    System.out.printf("llm limits: %d of %d tasks gave their slot back at least once (rate_limited)%n", rescheduled, TASKS);
    assertThat(rescheduled).as("steps waited for room").isPositive();
  }

  @Test @Order(2) void aProviders429HoldsTheModelForEveryWorkerForItsRetryAfterThenWorkResumes() {
    int before = stub.requestCount();
    List<String> ids = submit(THROTTLED, 40, i -> "steady traffic " + i);
    // traffic is flowing (10/s); the next request the stub sees is answered 429, Retry-After: 2
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
        .until(() -> stub.received().subList(before, stub.requestCount()).stream().filter(r -> r.status() == 200).count() >= 5);
    stub.fail429(1, 2);
    awaitCompleted(ids, 60);

    List<OpenAiStub.Received> received = stub.received().subList(before, stub.requestCount()).stream()
        .filter(r -> THROTTLED.equals(modelOf(r))).sorted(Comparator.comparingLong(r -> r.receivedNanos)).toList();
    List<OpenAiStub.Received> throttled = received.stream().filter(r -> r.status() == 429).toList();
    assertThat(throttled).hasSize(1);
    long answeredAt = throttled.get(0).answeredNanos();
    // requests that arrive after the 429 was answered: none for ~2 s. The only ones allowed
    // sooner are those granted between the answer leaving the stub and the hold landing in
    // Redis (the worker that got the 429 sets it at once): a few ms; the one 429'd request is
    // retried by its own client after the Retry-After, so it is not among them.
    long raceNs = 100_000_000L;
    List<OpenAiStub.Received> after = received.stream().filter(r -> r.receivedNanos > answeredAt).toList();
    long raced = after.stream().filter(r -> r.receivedNanos - answeredAt <= raceNs).count();
    OpenAiStub.Received firstHeld = after.stream().filter(r -> r.receivedNanos - answeredAt > raceNs).findFirst().orElseThrow();
    double gapMs = (firstHeld.receivedNanos - answeredAt) / 1e6;
    long inFlightAtAnswer = received.stream().filter(r -> r.receivedNanos <= answeredAt && r.answeredNanos() > answeredAt).count();
    System.out.printf("llm limits: after the 429 (Retry-After: 2), the next request came %.0f ms later"
        + " (%d granted before the hold landed, %d in flight at the answer)%n", gapMs, raced, inFlightAtAnswer);
    assertThat(gapMs).as("no request for the model from any worker during the Retry-After").isGreaterThanOrEqualTo(1800);
    assertThat(raced).as("granted in the moment before the hold landed").isLessThanOrEqualTo(2);
    // the hold was met by other tasks (other workers) while it lasted, not just by an idle cluster
    long held = ids.stream().filter(id -> events(id).contains("the provider throttled model")).count();
    System.out.printf("llm limits: %d tasks met the hold and gave their slot back%n", held);
    assertThat(held).as("tasks refused by the hold").isPositive();
    assertThat(after.stream().filter(r -> r.status() == 200).count()).as("requests resumed").isPositive();
  }
}
