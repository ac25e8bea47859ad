package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import dev.sentinel.config.SentinelConfig.LlmSettings;
import dev.sentinel.cost.Usage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Any OpenAI-compatible {@code /chat/completions} endpoint (OpenAI, vLLM, Ollama, LiteLLM...)
 * over the non-blocking WebClient. 429 and 5xx answers are retried up to
 * {@code llm.max_retries} times, waiting what {@code Retry-After} says (else an exponential
 * backoff); before each retry the caller is asked ({@link LlmRequest#beforeRetry}: it reserves
 * the retry's room in the rate limits and checks the lease), since a retry is a new request the
 * provider counts and may bill. A malformed answer fails the call with a clear error. Cancelling
 * abandons the call.
 *
 * <p>Tools are offered as OpenAI function calling: {@code tools} in the request, the model's
 * {@code tool_calls} read from its answer, earlier calls and their {@code role: tool} answers
 * sent back in the messages. Streaming offers none (only plain llm nodes stream).
 *
 * <p>{@link #stream} asks for server-sent events ({@code "stream": true}, with
 * {@code stream_options.include_usage} so the last chunk carries the exact usage) and reads
 * them line by line off the core HttpClient as they arrive. 429/5xx and connection failures are
 * retried as above, all before the first token; once text was handed over, a cut stream fails
 * the call (the node's retry runs it again). Cancelling resets the request: reading stops.
 */
public final class OpenAiClient implements LlmClient {

  private static final long MAX_RETRY_AFTER_MS = 60_000;

  private final Vertx vertx;
  private final WebClient client;
  /** For streamed answers: WebClient buffers whole bodies, the core client hands over chunks. */
  private final HttpClient streams;
  private final LlmSettings settings;
  private final URI endpoint;

  public OpenAiClient(Vertx vertx, LlmSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.endpoint = URI.create(settings.baseUrl() + "/chat/completions");
    // one client per node, shared by every worker: a pool as wide as the node's concurrency
    this.client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeoutMs())).setUserAgent("sentinel"),
        new PoolOptions().setHttp1MaxSize(256));
    this.streams = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeoutMs())), new PoolOptions().setHttp1MaxSize(256));
  }

  @Override public String provider() { return "openai"; }

  @Override public Future<LlmResponse> complete(LlmRequest request, Cancellation cancellation) {
    JsonObject body = body(request);
    Promise<LlmResponse> result = Promise.promise();
    cancellation.onCancel(() -> result.tryFail(new LlmException("call cancelled: " + cancellation.reason())));
    attempt(request, body, cancellation, result, 0);
    return result.future();
  }

  @Override public Future<LlmResponse> stream(LlmRequest request, Cancellation cancellation, Consumer<String> onDelta) {
    JsonObject body = body(request).put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true));
    Promise<LlmResponse> result = Promise.promise();
    cancellation.onCancel(() -> result.tryFail(new LlmException("call cancelled: " + cancellation.reason())));
    streamAttempt(request, body, cancellation, result, onDelta, 0);
    return result.future();
  }

  static JsonObject body(LlmRequest request) {
    JsonObject body = new JsonObject().put("model", request.model())
        .put("messages", new JsonArray(request.messages().stream().map(LlmRequest.Message::toJson).toList()))
        .put("max_tokens", request.maxTokens());
    if (request.temperature() != null) body.put("temperature", request.temperature());
    if (!request.tools().isEmpty()) body.put("tools", new JsonArray(request.tools().stream().map(ToolSpec::toJson).toList()));
    return body;
  }

  private void streamAttempt(LlmRequest request, JsonObject body, Cancellation cancellation, Promise<LlmResponse> result,
                             Consumer<String> onDelta, int tries) {
    if (cancellation.isCancelled()) return;
    long started = System.nanoTime();
    boolean tls = "https".equals(endpoint.getScheme());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(endpoint.getHost())
        .setPort(endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80).setSsl(tls).setURI(endpoint.getRawPath())
        // between two chunks, not for the whole answer: a long answer streams for as long as it needs
        .setIdleTimeout(settings.timeoutMs())
        .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream")
        .putHeader("User-Agent", "sentinel").putHeader("Idempotency-Key", request.idempotencyKey());
    if (settings.hasApiKey()) options.putHeader("Authorization", "Bearer " + settings.apiKey());
    IntConsumer again = next -> streamAttempt(request, body, cancellation, result, onDelta, next);
    streams.request(options).compose(req -> {
      // a cancelled task stops reading: the reset closes the connection, the provider stops generating
      cancellation.onCancel(req::reset);
      return req.send(body.toBuffer());
    }).onComplete(ar -> {
      if (result.future().isComplete()) {
        if (ar.succeeded()) ar.result().request().reset();
        return;
      }
      if (ar.failed()) {
        retryOr(request, again, cancellation, result, tries, -1, "request failed: " + ar.cause().getMessage());
        return;
      }
      HttpClientResponse resp = ar.result();
      int status = resp.statusCode();
      if (status == 429 || status >= 500) {
        resp.body();   // drained, so the connection goes back to the pool
        long retryAfter = retryAfterMs(resp.getHeader("Retry-After"));
        if (status == 429 && request.onThrottled() != null) request.onThrottled().accept(retryAfter >= 0 ? retryAfter : 1000);
        retryOr(request, again, cancellation, result, tries, retryAfter, "provider answered " + status);
        return;
      }
      if (status != 200) {
        resp.body().onComplete(b -> result.tryFail(new LlmException("provider answered " + status + ": "
            + abbreviate(b.succeeded() ? b.result().toString() : ""))));
        return;
      }
      read(resp, new StreamedAnswer(request.model()), request, cancellation, result, onDelta, started);
    });
  }

  private static void read(HttpClientResponse resp, StreamedAnswer answer, LlmRequest request, Cancellation cancellation,
                           Promise<LlmResponse> result, Consumer<String> onDelta, long started) {
    cancellation.onCancel(() -> {
      // the provider billed what it generated until the reset; only an estimate exists of it
      if (answer.pieces() > 0 && !answer.done() && request.onLateAnswer() != null) {
        request.onLateAnswer().accept(new LlmResponse(answer.textSoFar(), new Usage(Usage.estimateTokens(request.promptChars()),
            Usage.estimateTokens(answer.textSoFar().length()), 0, 0), request.model(), latency(started), "cancelled"));
      }
    });
    RecordParser lines = RecordParser.newDelimited("\n", resp);
    lines.handler(line -> {
      if (result.future().isComplete()) return;
      try {
        String piece = answer.read(line.toString());
        if (piece != null) onDelta.accept(piece);
      } catch (RuntimeException e) {
        result.tryFail(new LlmException("malformed provider stream: " + e.getMessage()));
        resp.request().reset();
      }
    });
    lines.exceptionHandler(e -> result.tryFail(new LlmException("stream cut after " + answer.pieces() + " piece(s): " + e.getMessage())));
    lines.endHandler(v -> {
      if (!answer.done()) {
        result.tryFail(new LlmException("stream ended before [DONE], after " + answer.pieces() + " piece(s)"));
        return;
      }
      try {
        result.tryComplete(answer.response(latency(started)));
      } catch (RuntimeException e) {
        result.tryFail(new LlmException("malformed provider stream: " + e.getMessage()));
      }
    });
  }

  private static long latency(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  private void attempt(LlmRequest request, JsonObject body, Cancellation cancellation, Promise<LlmResponse> result, int tries) {
    if (cancellation.isCancelled()) return;
    long started = System.nanoTime();
    boolean tls = "https".equals(endpoint.getScheme());
    int port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80;
    HttpRequest<Buffer> req = client.post(port, endpoint.getHost(), endpoint.getRawPath()).ssl(tls)
        .timeout(settings.timeoutMs())
        .putHeader("Content-Type", "application/json")
        .putHeader("Idempotency-Key", request.idempotencyKey());
    // no key, no Authorization header at all: a keyless server (Ollama, vLLM, a local LiteLLM)
    // needs none, and a Bearer with no token is not even valid syntax
    if (settings.hasApiKey()) req.bearerTokenAuthentication(settings.apiKey());
    req.sendBuffer(body.toBuffer()).onComplete(ar -> {
      long latency = (System.nanoTime() - started) / 1_000_000;
      if (result.future().isComplete()) {
        // cancelled while in flight: the provider answered (and billed) anyway; hand the
        // answer to whoever must still account for it
        if (ar.succeeded() && ar.result().statusCode() == 200 && request.onLateAnswer() != null) {
          try {
            request.onLateAnswer().accept(parse(ar.result().bodyAsString(), request.model(), latency));
          } catch (RuntimeException ignored) {
            // a malformed late answer carries no usage to account for
          }
        }
        return;
      }
      if (ar.failed()) {
        retryOr(request, next -> attempt(request, body, cancellation, result, next), cancellation, result, tries, -1,
            "request failed: " + ar.cause().getMessage());
        return;
      }
      HttpResponse<Buffer> resp = ar.result();
      int status = resp.statusCode();
      if (status == 429 || status >= 500) {
        long retryAfter = retryAfterMs(resp.getHeader("Retry-After"));
        // a 429 concerns the whole cluster: let the caller hold the model everywhere
        if (status == 429 && request.onThrottled() != null) request.onThrottled().accept(retryAfter >= 0 ? retryAfter : 1000);
        retryOr(request, next -> attempt(request, body, cancellation, result, next), cancellation, result, tries, retryAfter,
            "provider answered " + status);
        return;
      }
      if (status != 200) {
        result.tryFail(new LlmException("provider answered " + status + ": " + abbreviate(resp.bodyAsString())));
        return;
      }
      try {
        result.tryComplete(parse(resp.bodyAsString(), request.model(), latency));
      } catch (RuntimeException e) {
        result.tryFail(new LlmException("malformed provider response: " + e.getMessage()));
      }
    });
  }

  private void retryOr(LlmRequest request, IntConsumer attempt, Cancellation cancellation, Promise<LlmResponse> result,
                       int tries, long retryAfterMs, String why) {
    if (tries >= settings.maxRetries()) {
      result.tryFail(new LlmException(why + " (after " + (tries + 1) + " attempts)"));
      return;
    }
    long backoff = retryAfterMs >= 0 ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : Math.min(8000, 250L << tries);
    vertx.setTimer(Math.max(1, backoff), t -> {
      if (request.beforeRetry() == null) {
        attempt.accept(tries + 1);
        return;
      }
      // each retry is a request the provider counts (and may bill): the caller reserves room for it first
      request.beforeRetry().apply(tries + 1).onComplete(ready -> {
        if (ready.succeeded()) attempt.accept(tries + 1);
        else result.tryFail(ready.cause());
      });
    });
  }

  static LlmResponse parse(String json, String requestedModel, long latencyMs) {
    JsonObject r = new JsonObject(json);
    JsonArray choices = r.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) throw new IllegalArgumentException("no choices");
    JsonObject choice = choices.getJsonObject(0);
    JsonObject message = choice.getJsonObject("message");
    if (message == null) throw new IllegalArgumentException("no message");
    JsonArray calls = message.getJsonArray("tool_calls", new JsonArray());
    // a turn that calls tools may have no text (content null); any other answer must have some
    if (!(message.getValue("content") instanceof String) && calls.isEmpty()) {
      throw new IllegalArgumentException("no message content");
    }
    String text = message.getValue("content") instanceof String t ? t : "";
    List<ToolCall> toolCalls = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) toolCalls.add(ToolCall.fromJson(calls.getJsonObject(i)));
    JsonObject u = r.getJsonObject("usage");
    if (u == null) throw new IllegalArgumentException("no usage");
    Usage usage = usageOf(u);
    return new LlmResponse(text, usage, r.getString("model", requestedModel), latencyMs, choice.getString("finish_reason"), toolCalls);
  }

  /** An OpenAI {@code usage} object (of a whole answer or of a stream's last chunk). */
  static Usage usageOf(JsonObject u) {
    JsonObject in = u.getJsonObject("prompt_tokens_details", new JsonObject());
    JsonObject out = u.getJsonObject("completion_tokens_details", new JsonObject());
    return new Usage(nonNegative(u, "prompt_tokens"), nonNegative(u, "completion_tokens"),
        in.getLong("cached_tokens", 0L), out.getLong("reasoning_tokens", 0L));
  }

  private static long nonNegative(JsonObject u, String key) {
    Object v = u.getValue(key);
    if (!(v instanceof Number n) || n.longValue() < 0) throw new IllegalArgumentException("usage." + key + " missing or invalid");
    return n.longValue();
  }

  /** Retry-After in seconds or as an HTTP date; -1 when absent or unreadable. */
  static long retryAfterMs(String header) {
    if (header == null || header.isBlank()) return -1;
    try {
      return (long) (Double.parseDouble(header.trim()) * 1000);
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
      } catch (RuntimeException ignored) {
        return -1;
      }
    }
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
