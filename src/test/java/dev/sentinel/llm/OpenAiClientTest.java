package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import dev.sentinel.config.SentinelConfig;
import dev.sentinel.config.SentinelConfig.LlmSettings;
import dev.sentinel.cost.PriceTable;
import dev.sentinel.cost.Usage;
import dev.sentinel.testing.OpenAiStub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.UUID;

import static dev.sentinel.testing.Outcomes.failure;
import static dev.sentinel.testing.Outcomes.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link OpenAiClient} against a real local OpenAI-compatible server ({@link OpenAiStub}). */
class OpenAiClientTest {

  static Vertx vertx;
  static OpenAiStub stub;

  @BeforeAll static void start() {
    vertx = Vertx.vertx();
    stub = OpenAiStub.start();
  }

  @AfterAll static void stop() {
    stub.close();
    vertx.close().await();
  }

  @BeforeEach void healthy() { stub.resetFaults(); }

  private OpenAiClient client(long timeoutMs, int maxRetries) {
    return new OpenAiClient(vertx, new LlmSettings("openai", stub.baseUrl(), "test-key", timeoutMs, maxRetries));
  }

  /** A request with a fresh Idempotency-Key, so each test finds its own requests in the stub. */
  private static LlmRequest request(String key) {
    return new LlmRequest("gpt-4o-mini", List.of(
        new LlmRequest.Message("system", "You are a research assistant."),
        new LlmRequest.Message("user", "Find the key facts about: the history of the Redis database, in detail please")),
        0.2, 200, key);
  }

  private static String key() { return "task-" + UUID.randomUUID() + ":1"; }

  @Test void parsesTextUsageAndCachedTokensAndSendsTheRequestOpenAiExpects() {
    stub.cachedTokens(true);
    String key = key();
    LlmResponse r = result(client(10_000, 3).complete(request(key), new Cancellation()));

    List<OpenAiStub.Call> calls = stub.billedFor(taskOf(key));
    assertThat(calls).hasSize(1);
    OpenAiStub.Call c = calls.get(0);
    assertThat(r.text()).isEqualTo(c.text).isEqualTo(OpenAiStub.answerFor(c.request));
    assertThat(r.model()).isEqualTo("gpt-4o-mini");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(c.cachedTokens).as("the stub reported cached tokens").isPositive();
    assertThat(r.usage()).isEqualTo(new Usage(c.promptTokens, c.completionTokens, c.cachedTokens, 0));
    assertThat(r.latencyMs()).isGreaterThanOrEqualTo(0);
    // priced exactly as the stub prices it, cached tokens at the cached rate
    PriceTable prices = PriceTable.load("");
    assertThat(prices.nanos("gpt-4o-mini", r.usage())).isEqualTo(c.nanos);
    assertThat(prices.nanos("gpt-4o-mini", new Usage(c.promptTokens, c.completionTokens, 0, 0)))
        .as("cached tokens are cheaper").isGreaterThanOrEqualTo(c.nanos);

    // what went over the wire
    OpenAiStub.Received sent = stub.receivedFor(taskOf(key)).get(0);
    assertThat(sent.idempotencyKey).isEqualTo(key);
    assertThat(sent.authorization).isEqualTo("Bearer test-key");
    JsonObject body = new JsonObject(sent.body);
    assertThat(body.getString("model")).isEqualTo("gpt-4o-mini");
    assertThat(body.getInteger("max_tokens")).isEqualTo(200);
    assertThat(body.getDouble("temperature")).isEqualTo(0.2);
    assertThat(body.getJsonArray("messages")).hasSize(2);
    assertThat(body.getJsonArray("messages").getJsonObject(0).getString("role")).isEqualTo("system");
    assertThat(body.getJsonArray("messages").getJsonObject(1).getString("content")).startsWith("Find the key facts");
  }

  @SuppressWarnings("unchecked")
  @Test void toolsGoOutAsFunctionsAndTheModelsToolCallsComeBackWithTheirUsage() {
    String key = key();
    stub.callTools(req -> req.getJsonArray("tools") == null || !OpenAiStub.toolMessages(req).isEmpty() ? null
        : new JsonArray().add(new JsonObject().put("id", "call_1").put("type", "function")
            .put("function", new JsonObject().put("name", "everything__echo").put("arguments", "{\"message\":\"hi\"}"))));
    try {
      ToolSpec echo = new ToolSpec("everything__echo", "Echoes back the input",
          new JsonObject().put("type", "object").put("properties", new JsonObject().put("message", new JsonObject().put("type", "string")))
              .put("required", new JsonArray().add("message")));
      LlmRequest asking = request(key).withTools(List.of(echo));
      LlmResponse turn = result(client(10_000, 0).complete(asking, new Cancellation()));

      assertThat(turn.toolCalls()).containsExactly(new ToolCall("call_1", "everything__echo", "{\"message\":\"hi\"}"));
      assertThat(turn.finishReason()).isEqualTo("tool_calls");
      assertThat(turn.text()).isEmpty();
      OpenAiStub.Call c = stub.billedFor(taskOf(key)).get(0);
      assertThat(turn.usage().input()).as("a tool-calling turn is billed as any answer").isEqualTo(c.promptTokens).isPositive();
      assertThat(c.request.getJsonArray("tools")).containsExactly(echo.toJson());

      // the next turn sends the call and its answer back, as OpenAI expects them
      List<LlmRequest.Message> messages = new java.util.ArrayList<>(asking.messages());
      messages.add(LlmRequest.Message.assistantCalling("", turn.toolCalls()));
      messages.add(LlmRequest.Message.toolResult("call_1", "Echo: hi"));
      String key2 = key();
      LlmResponse answer = result(client(10_000, 0).complete(
          new LlmRequest("gpt-4o-mini", messages, null, 200, key2).withTools(List.of(echo)), new Cancellation()));
      assertThat(answer.toolCalls()).isEmpty();
      JsonArray sent = stub.billedFor(taskOf(key2)).get(0).request.getJsonArray("messages");
      assertThat(sent.getJsonObject(2).getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("name"))
          .isEqualTo("everything__echo");
      assertThat(sent.getJsonObject(3)).isEqualTo(new JsonObject().put("role", "tool").put("content", "Echo: hi").put("tool_call_id", "call_1"));
    } finally {
      stub.callTools(req -> null);
    }
  }

  @Test void aBaseUrlAloneCallsTheProviderWithNoAuthorizationHeader() throws IOException {
    // configured as a node is: the shipped defaults (llm.provider auto) with only a base URL set,
    // the way one points Sentinel at a local Ollama. Built from the YAML alone (no environment
    // folded in), so this machine's OPENAI_* variables cannot change the outcome.
    JsonObject shipped;
    try (InputStream in = OpenAiClientTest.class.getResourceAsStream("/conf/sentinel.yaml")) {
      shipped = new JsonObject((Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
    }
    shipped.getJsonObject("llm").put("base_url", stub.baseUrl());
    LlmSettings keyless = SentinelConfig.fromJson(shipped).llm();
    assertThat(keyless.useMock()).as("a base URL alone is a provider, not the mock").isFalse();
    assertThat(keyless.providerChoice()).isEqualTo("openai-compatible at " + stub.baseUrl() + " (no API key: none sent)");

    String key = key();
    LlmResponse r = result(new OpenAiClient(vertx, keyless).complete(request(key), new Cancellation()));
    assertThat(r.text()).isEqualTo(stub.billedFor(taskOf(key)).get(0).text);
    OpenAiStub.Received sent = stub.receivedFor(taskOf(key)).get(0);
    assertThat(sent.authorization).as("no key: no Authorization header at all").isNull();
  }

  @Test void withoutCachedTokensTheUsageHasNone() {
    String key = key();
    LlmResponse r = result(client(10_000, 3).complete(request(key), new Cancellation()));
    OpenAiStub.Call c = stub.billedFor(taskOf(key)).get(0);
    assertThat(r.usage()).isEqualTo(new Usage(c.promptTokens, c.completionTokens, 0, 0));
    assertThat(PriceTable.load("").nanos("gpt-4o-mini", r.usage())).isEqualTo(c.nanos);
  }

  @Test void a429IsRetriedAfterItsRetryAfterAndThenSucceeds() {
    stub.fail429(2, 1);
    String key = key();
    LlmResponse r = result(client(10_000, 3).complete(request(key), new Cancellation()));
    assertThat(r.text()).isEqualTo(stub.billedFor(taskOf(key)).get(0).text);
    List<OpenAiStub.Received> seen = stub.receivedFor(taskOf(key));
    assertThat(seen).extracting(OpenAiStub.Received::status).containsExactly(429, 429, 200);
    assertThat(seen).allMatch(s -> key.equals(s.idempotencyKey), "same Idempotency-Key on every retry");
    // Retry-After: 1 was honoured (the client's own backoff would have waited 250 ms, then 500 ms)
    for (int i = 1; i < seen.size(); i++) {
      long gapMs = (seen.get(i).receivedNanos - seen.get(i - 1).answeredNanos()) / 1_000_000;
      assertThat(gapMs).as("wait before retry %d", i).isGreaterThanOrEqualTo(900);
    }
    assertThat(stub.billedFor(taskOf(key))).hasSize(1);
  }

  @Test void a500IsRetriedThenSucceeds() {
    stub.fail500(2);
    String key = key();
    LlmResponse r = result(client(10_000, 3).complete(request(key), new Cancellation()));
    assertThat(r.text()).isNotBlank();
    assertThat(stub.receivedFor(taskOf(key))).extracting(OpenAiStub.Received::status).containsExactly(500, 500, 200);
    assertThat(stub.billedFor(taskOf(key))).hasSize(1);
  }

  @Test void retriesExhaustedFailTheCallWithAClearMessage() {
    stub.fail500(100);
    String key = key();
    Throwable e = failure(client(10_000, 2).complete(request(key), new Cancellation()));
    stub.resetFaults();
    assertThat(e).isInstanceOf(LlmException.class);
    assertThat(e.getMessage()).contains("500").contains("after 3 attempts");
    assertThat(stub.receivedFor(taskOf(key))).hasSize(3).allMatch(s -> s.status() == 500);
    assertThat(stub.billedFor(taskOf(key))).isEmpty();
  }

  @Test void persistent429sFailTheCallAfterTheRetries() {
    stub.fail429(100, 0);
    String key = key();
    Throwable e = failure(client(10_000, 1).complete(request(key), new Cancellation()));
    stub.resetFaults();
    assertThat(e).isInstanceOf(LlmException.class);
    assertThat(e.getMessage()).contains("429").contains("after 2 attempts");
    assertThat(stub.receivedFor(taskOf(key))).hasSize(2);
  }

  @Test void malformedJsonFailsWithoutRetryingAndSaysMalformed() {
    stub.malformed(1);
    String key = key();
    Throwable e = failure(client(10_000, 3).complete(request(key), new Cancellation()));
    assertThat(e).isInstanceOf(LlmException.class);
    assertThat(e.getMessage()).containsIgnoringCase("malformed");
    assertThat(stub.receivedFor(taskOf(key))).hasSize(1);
  }

  @Test void anAnswerWithoutUsageIsMalformed() {
    stub.noUsage(1);
    String key = key();
    Throwable e = failure(client(10_000, 3).complete(request(key), new Cancellation()));
    assertThat(e).isInstanceOf(LlmException.class);
    assertThat(e.getMessage()).containsIgnoringCase("malformed").contains("usage");
    assertThat(stub.receivedFor(taskOf(key))).hasSize(1);
  }

  @Test void aTimedOutCallIsRetriedThenFails() {
    stub.delayMs(3000);
    String key = key();
    Throwable e = failure(client(300, 1).complete(request(key), new Cancellation()));
    stub.resetFaults();
    assertThat(e).isInstanceOf(LlmException.class);
    assertThat(e.getMessage()).contains("after 2 attempts");
    assertThat(stub.receivedFor(taskOf(key))).hasSize(2);
  }

  @Test void cancellingAnInFlightCallFailsItsFutureAtOnce() {
    stub.delayMs(10_000);
    String key = key();
    Cancellation c = new Cancellation();
    Future<LlmResponse> f = client(30_000, 3).complete(request(key), c);
    await().atMost(Duration.ofSeconds(10)).until(() -> stub.receivedFor(taskOf(key)).size() == 1);
    long cancelledAt = System.nanoTime();
    // Cancellation is used on the task's event loop only
    vertx.runOnContext(v -> c.cancel("user cancelled"));
    Throwable e = failure(f);
    assertThat((System.nanoTime() - cancelledAt) / 1_000_000).as("failed long before the answer").isLessThan(5_000);
    assertThat(e).isInstanceOf(LlmException.class);
    assertThat(e.getMessage()).contains("cancelled").contains("user cancelled");
    stub.resetFaults();
  }

  @Test void aCallCancelledBeforeItStartsSendsNothing() {
    String key = key();
    Cancellation c = new Cancellation();
    c.cancel("lease lost");
    Throwable e = failure(client(10_000, 3).complete(request(key), c));
    assertThat(e).isInstanceOf(LlmException.class);
    assertThat(e.getMessage()).contains("cancelled");
    assertThat(stub.receivedFor(taskOf(key))).isEmpty();
  }

  @Test void cancellingWhileWaitingOutARetryAfterStopsTheRetries() throws InterruptedException {
    stub.fail429(1, 2);
    String key = key();
    Cancellation c = new Cancellation();
    Future<LlmResponse> f = client(10_000, 3).complete(request(key), c);
    await().atMost(Duration.ofSeconds(10)).until(() -> stub.receivedFor(taskOf(key)).size() == 1
        && stub.receivedFor(taskOf(key)).get(0).status() == 429);
    Thread.sleep(100);   // the 429 has reached the client; it now waits out Retry-After
    vertx.runOnContext(v -> c.cancel("user cancelled"));
    Throwable e = failure(f);
    assertThat(e.getMessage()).contains("cancelled");
    Thread.sleep(2500);   // past the Retry-After: no retry may be sent
    assertThat(stub.receivedFor(taskOf(key))).hasSize(1);
  }

  private static String taskOf(String key) {
    return key.substring(0, key.lastIndexOf(':'));
  }

  // ---- streamed answers (stream: true) ----

  @Test void streamedPiecesMakeTheWholeAnswerAndTheLastChunkCarriesTheExactUsage() {
    stub.cachedTokens(true);
    String key = key();
    List<String> pieces = new CopyOnWriteArrayList<>();
    LlmResponse r = result(client(10_000, 3).stream(request(key), new Cancellation(), pieces::add));

    OpenAiStub.Call c = stub.billedFor(taskOf(key)).get(0);
    assertThat(pieces).as("one piece per streamed chunk").hasSize((c.text.length() + OpenAiStub.PIECE_CHARS - 1) / OpenAiStub.PIECE_CHARS);
    assertThat(String.join("", pieces)).isEqualTo(r.text()).isEqualTo(c.text);
    assertThat(r.usage()).isEqualTo(new Usage(c.promptTokens, c.completionTokens, c.cachedTokens, 0));
    assertThat(PriceTable.load("").nanos("gpt-4o-mini", r.usage())).isEqualTo(c.nanos);
    assertThat(r.finishReason()).isEqualTo("stop");
    JsonObject sent = new JsonObject(stub.receivedFor(taskOf(key)).get(0).body);
    assertThat(sent.getBoolean("stream")).isTrue();
    assertThat(sent.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
  }

  @Test void a429BeforeTheFirstTokenIsRetriedAndBilledOnce() {
    stub.fail429(1, 0);
    String key = key();
    List<String> pieces = new CopyOnWriteArrayList<>();
    LlmResponse r = result(client(10_000, 3).stream(request(key), new Cancellation(), pieces::add));
    assertThat(stub.receivedFor(taskOf(key))).extracting(OpenAiStub.Received::status).containsExactly(429, 200);
    assertThat(stub.billedFor(taskOf(key))).hasSize(1);
    assertThat(String.join("", pieces)).isEqualTo(r.text());
  }

  @Test void aStreamCutAfterTheFirstTokensFailsTheCallWithoutRetrying() {
    stub.cutStreams(1);
    String key = key();
    List<String> pieces = new CopyOnWriteArrayList<>();
    Throwable e = failure(client(10_000, 3).stream(request(key), new Cancellation(), pieces::add));
    assertThat(e).isInstanceOf(LlmException.class);
    assertThat(pieces).isNotEmpty();
    assertThat(stub.receivedFor(taskOf(key))).as("no provider retry once text was handed over").hasSize(1);
    assertThat(stub.billedFor(taskOf(key))).isEmpty();
  }

  @Test void cancellingStopsReadingTheStream() {
    stub.streamPieceMs(50);
    String key = key();
    Cancellation cancellation = new Cancellation();
    List<String> pieces = new CopyOnWriteArrayList<>();
    Future<LlmResponse> call = client(10_000, 3).stream(request(key), cancellation,
        p -> {
          pieces.add(p);
          cancellation.cancel("cancelled by test");   // on the call's context, as a worker cancels
        });
    assertThat(failure(call)).isInstanceOf(LlmException.class).hasMessageContaining("cancelled");
    // the stub sees the connection go away before it could send the rest
    await().atMost(Duration.ofSeconds(10)).until(() -> stub.undelivered().stream().anyMatch(c -> key.equals(c.idempotencyKey)));
    assertThat(pieces).hasSize(1);
    assertThat(stub.billedFor(taskOf(key))).isEmpty();
  }
}
