package dev.sentinel.it;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.OtlpReceiver;
import dev.sentinel.testing.OtlpReceiver.ReceivedSpan;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces with real processes: an API node and two worker nodes export to an OTLP/HTTP receiver
 * in the test. A task whose worker is killed with SIGKILL mid-run and which another worker
 * resumes has every span in the trace its submission started (continuing the caller's).
 */
class TracingIT {

  static final long LEASE_MS = 2000;
  /** The caller's trace: the task's spans must join it. */
  static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CALLER_SPAN = "00f067aa0ba902b7";

  /** ask1 (llm), a 3 s wait in which the first worker is killed, ask2 (llm). */
  static final String AGENT = """
      name: traced
      description: two LLM calls with a wait between them, for TracingIT
      entry: ask1
      nodes:
        ask1: {kind: llm, model: gpt-4o-mini, prompt: "first {{topic}}", max_tokens: 50, next: wait}
        wait: {kind: noop, duration_ms: 3000, next: ask2}
        ask2: {kind: llm, model: gpt-4o-mini, prompt: "second {{ask1.text}}", max_tokens: 50}
      result:
        answer: "{{ask2.text}}"
      """;

  @TempDir Path agents;
  RedisServerProcess redis;
  OtlpReceiver receiver;
  Vertx vertx;
  StoreFixture f;
  final List<SentinelProcess> processes = new ArrayList<>();

  @BeforeEach void start() throws IOException {
    redis = RedisServerProcess.start("everysec");
    receiver = OtlpReceiver.start();
    vertx = Vertx.vertx();
    f = new StoreFixture(vertx, redis.url(), "");
    Files.writeString(agents.resolve("traced.yaml"), AGENT);
  }

  @AfterEach void stop() {
    processes.forEach(SentinelProcess::close);
    f.close();
    vertx.close().await();
    receiver.close();
    redis.close();
  }

  private Map<String, String> env(boolean traced, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of(
        "SENTINEL_REDIS_URL", redis.url(),
        "SENTINEL_LEASE_MS", String.valueOf(LEASE_MS),
        "SENTINEL_WATCHER_INTERVAL_MS", "250",
        "SENTINEL_WORKER_INSTANCES", "1",
        "SENTINEL_AGENTS_DIR", agents.toString()));
    if (traced) {
      env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
      env.put("OTEL_BSP_SCHEDULE_DELAY", "100");   // spans reach the receiver soon after they end
    }
    env.putAll(extra);
    return env;
  }

  private SentinelProcess start(String name, String roles, Map<String, String> env) {
    SentinelProcess p = SentinelProcess.start(name, roles, env);
    processes.add(p);
    return p;
  }

  private Http startApi(boolean traced) {
    int port = RedisServerProcess.freePort();
    start("api", "api,watcher", env(traced, Map.of("SENTINEL_HTTP_PORT", String.valueOf(port))));
    Http api = new Http(port);
    await().atMost(Duration.ofSeconds(30)).until(api::isUp);
    return api;
  }

  private static String submit(Http api) {
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "it").put("agent_type", "traced")
            .put("task_params", new JsonObject().put("topic", "tracing")).encode(),
        Map.of("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("task_id");
  }

  private static void awaitCompleted(Http api, String id) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> "completed".equals(api.get("/tasks/" + id).json().getString("status")));
  }

  private static List<ReceivedSpan> from(List<ReceivedSpan> spans, String nodePrefix, String name) {
    return spans.stream().filter(s -> s.node().startsWith(nodePrefix) && s.name().equals(name)).toList();
  }

  @Test void aTaskResumedAfterItsWorkerWasKilledKeepsEverySpanInTheTraceItsSubmissionStarted() {
    Http api = startApi(true);
    SentinelProcess w1 = start("w1", "worker", env(true, Map.of()));
    String id = submit(api);

    // w1 ran ask1 and its span reached the receiver: w1 is now in the 3 s wait, kill it there
    await().atMost(Duration.ofSeconds(30)).until(() -> !from(receiver.spansWith("sentinel.task_id", id), "w1-", "node ask1").isEmpty());
    w1.kill9();
    start("w2", "worker", env(true, Map.of()));
    awaitCompleted(api, id);
    await().atMost(Duration.ofSeconds(10)).until(() -> !from(receiver.spans(), "w2-", "claim traced").isEmpty());

    List<ReceivedSpan> spans = receiver.spans().stream().filter(s -> s.traceId().equals(CALLER_TRACE)).toList();
    // the submission continued the caller's trace, and stored its own span as the task's parent
    ReceivedSpan post = from(spans, "api-", "POST /tasks").get(0);
    assertThat(post.parentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(post.attr("sentinel.task_id")).isEqualTo(id);
    assertThat(f.meta(id).get("trace")).isEqualTo("00-" + CALLER_TRACE + "-" + post.spanId() + "-01");

    // every span about the task, from either worker, is in that one trace
    List<ReceivedSpan> ofTask = receiver.spansWith("sentinel.task_id", id);
    assertThat(ofTask).extracting(ReceivedSpan::traceId).containsOnly(CALLER_TRACE);
    assertThat(ofTask).extracting(s -> s.node().substring(0, 3)).contains("api", "w1-", "w2-");

    // the dead worker's work before the kill, under the first lease
    assertThat(from(spans, "w1-", "node ask1")).singleElement().satisfies(s -> assertThat(s.attr("sentinel.epoch")).isEqualTo(1L));
    assertThat(from(spans, "w1-", "chat gpt-4o-mini")).singleElement().satisfies(s -> assertThat(s.attr("sentinel.epoch")).isEqualTo(1L));

    // the resume: a claim (a later epoch) under the submission's span, its nodes under the claim, the LLM call under its node
    ReceivedSpan claim = from(spans, "w2-", "claim traced").get(0);
    assertThat(claim.parentSpanId()).isEqualTo(post.spanId());
    long epoch = Long.parseLong(f.meta(id).get("epoch"));   // the expiry and the new claim each moved it on
    assertThat(epoch).isGreaterThan(1);
    assertThat(claim.attributes()).containsEntry("sentinel.epoch", epoch).containsEntry("sentinel.step", 1L)
        .containsEntry("sentinel.attempts", 1L).containsEntry("sentinel.outcome", "completed");
    ReceivedSpan ask2 = from(spans, "w2-", "node ask2").get(0);
    assertThat(ask2.parentSpanId()).isEqualTo(claim.spanId());
    assertThat(from(spans, "w2-", "node wait")).singleElement().satisfies(s -> assertThat(s.parentSpanId()).isEqualTo(claim.spanId()));
    assertThat(from(spans, "w2-", "node ask1")).as("step 1 was committed before the kill: not run again").isEmpty();
    ReceivedSpan call = from(spans, "w2-", "chat gpt-4o-mini").get(0);
    assertThat(call.parentSpanId()).isEqualTo(ask2.spanId());
    assertThat(call.attributes()).containsEntry("gen_ai.request.model", "gpt-4o-mini").containsEntry("sentinel.epoch", epoch)
        .containsEntry("sentinel.claim", f.meta(id).get("claim"));
    assertThat((Long) call.attr("gen_ai.usage.input_tokens")).isPositive();
    assertThat((Long) call.attr("gen_ai.usage.output_tokens")).isPositive();
    assertThat((Double) call.attr("sentinel.cost_usd")).isPositive();
  }

  @Test void aReplayStartsItsOwnTraceFromTheCallersAndTheReplayedTasksClaimsJoinIt() {
    Http api = startApi(true);
    start("w1", "worker", env(true, Map.of()));
    String old = submit(api);
    awaitCompleted(api, old);

    // the replay is another caller's request: its task belongs to that caller's trace, not the old one's
    String replayTrace = "0af7651916cd43dd8448eb211c80319c";
    String replayCaller = "b7ad6b7169203331";
    Http.Reply r = api.post("/tasks/" + old + "/replay", "{\"from_step\":2}",
        Map.of("traceparent", "00-" + replayTrace + "-" + replayCaller + "-01"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String fork = r.json().getString("task_id");
    awaitCompleted(api, fork);
    await().atMost(Duration.ofSeconds(10)).until(() -> !from(receiver.spansWith("sentinel.task_id", fork), "w1-", "claim traced").isEmpty());

    List<ReceivedSpan> spans = receiver.spans().stream().filter(s -> s.traceId().equals(replayTrace)).toList();
    ReceivedSpan post = from(spans, "api-", "POST /tasks/{task_id}/replay").get(0);
    assertThat(post.parentSpanId()).isEqualTo(replayCaller);
    assertThat(post.attributes()).containsEntry("sentinel.task_id", fork).containsEntry("sentinel.parent_task_id", old)
        .containsEntry("sentinel.tenant_id", "acme").containsEntry("http.response.status_code", 201L);
    assertThat(f.meta(fork).get("trace")).isEqualTo("00-" + replayTrace + "-" + post.spanId() + "-01");
    ReceivedSpan claim = from(spans, "w1-", "claim traced").get(0);
    assertThat(claim.parentSpanId()).isEqualTo(post.spanId());
    assertThat(claim.attributes()).containsEntry("sentinel.task_id", fork).containsEntry("sentinel.step", 2L);
    assertThat(from(spans, "w1-", "node ask2")).singleElement().satisfies(s -> assertThat(s.parentSpanId()).isEqualTo(claim.spanId()));
    assertThat(receiver.spansWith("sentinel.task_id", fork)).extracting(ReceivedSpan::traceId).containsOnly(replayTrace);
  }

  @Test void withTracingOffNothingIsStoredWithTheTaskEvenWhenTheCallerSendsATrace() {
    Http api = startApi(false);
    start("w1", "worker", env(false, Map.of()));
    String id = submit(api);
    awaitCompleted(api, id);
    assertThat(f.meta(id)).doesNotContainKey("trace");
  }
}
