package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import dev.sentinel.config.SentinelConfig.LlmSettings;
import dev.sentinel.cost.PriceTable;
import dev.sentinel.cost.Usage;
import dev.sentinel.testing.OpenAiStub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Streamed completions ({@link LlmClient#stream}) against the OpenAI stub and from the mock provider. */
class StreamingClientTest {

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

  private OpenAiClient client(int maxRetries) {
    return new OpenAiClient(vertx, new LlmSettings("openai", stub.baseUrl(), "test-key", 10_000, maxRetries));
  }

  private static LlmRequest request(String key) {
    return new LlmRequest("gpt-4o-mini", List.of(new LlmRequest.Message("user",
        "Find the key facts about: the history of the Redis database, in detail please")), 0.2, 200, key);
  }

  private static String key() { return "task-" + UUID.randomUUID() + ":1"; }

  private static String taskOf(String key) { return key.substring(0, key.lastIndexOf(':')); }

  private static <T> T result(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the call failed: " + e, e);
    }
  }

  private static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the call neither failed nor succeeded in time: " + e, e);
    }
    throw new AssertionError("the call succeeded but should have failed");
  }

  @Test void streamedPiecesMakeTheWholeAnswerAndTheLastChunkCarriesTheExactUsage() {
    stub.cachedTokens(true);
    String key = key();
    List<String> pieces = new CopyOnWriteArrayList<>();
    LlmResponse r = result(client(3).stream(request(key), new Cancellation(), pieces::add));

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
    LlmResponse r = result(client(3).stream(request(key), new Cancellation(), pieces::add));
    assertThat(stub.receivedFor(taskOf(key))).extracting(OpenAiStub.Received::status).containsExactly(429, 200);
    assertThat(stub.billedFor(taskOf(key))).hasSize(1);
    assertThat(String.join("", pieces)).isEqualTo(r.text());
  }

  @Test void aStreamCutAfterTheFirstTokensFailsTheCallWithoutRetrying() {
    stub.cutStreams(1);
    String key = key();
    List<String> pieces = new CopyOnWriteArrayList<>();
    Throwable e = failure(client(3).stream(request(key), new Cancellation(), pieces::add));
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
    Future<LlmResponse> call = client(3).stream(request(key), cancellation,
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

  @Test void theMockProviderStreamsItsAnswerInPieces() {
    MockLlmClient mock = new MockLlmClient(vertx);
    LlmRequest req = request(key());
    List<String> pieces = new CopyOnWriteArrayList<>();
    LlmResponse streamed = result(mock.stream(req, new Cancellation(), pieces::add));
    assertThat(pieces.size()).isGreaterThan(1);
    assertThat(String.join("", pieces)).isEqualTo(streamed.text());
    assertThat(streamed).isEqualTo(result(mock.complete(req, new Cancellation())));
  }
}
