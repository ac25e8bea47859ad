package dev.sentinel.testing;

import dev.sentinel.cost.PriceTable;
import dev.sentinel.cost.Usage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A real local HTTP server speaking OpenAI's chat-completions format at
 * {@code POST /v1/chat/completions} (so {@link #baseUrl()} is what {@code llm.base_url} /
 * {@code OPENAI_BASE_URL} take). Answers are deterministic: the text and the {@code usage}
 * object are derived from the request alone, so the same step gets the same answer and the same
 * cost on every re-run.
 *
 * <p>It keeps its own ledger: every request it received ({@link #received()}, failed ones too),
 * and every call it answered 200 to ({@link #ledger()}) with the request body, model, usage,
 * Idempotency-Key and the cost computed from conf/pricing.yaml's prices on its own, as an exact
 * decimal (tokens times the price per million, divided by a million: no rounding anywhere), so a
 * test comparing Sentinel's ledger with it checks Sentinel's arithmetic rather than repeating it. An answer whose write failed (the caller was gone, e.g. killed)
 * is marked undelivered and left out of the ledger.
 *
 * <p>Fault modes, settable at any time from any thread: 429 with Retry-After for the next N
 * requests, 500 for the next N, 503 with Retry-After for every N-th, a delay before every
 * answer, malformed JSON for the next N, 200 without usage for the next N, and cached prompt
 * tokens reported (half of the prompt).
 * A test can also script the text of some answers ({@link #answerWith}), e.g. to play a
 * classifier whose one-word answer a branch reads. {@link #callTools} plays a tool-using model:
 * for the requests it picks, the answer asks for tool calls ({@code message.tool_calls},
 * {@code content: null}, {@code finish_reason: tool_calls}) instead of giving text.
 *
 * <p>A request with {@code "stream": true} is answered as OpenAI streams: server-sent events,
 * the text in pieces of {@value #PIECE_CHARS} characters ({@code choices[0].delta.content}),
 * a chunk with the finish_reason, then (when {@code stream_options.include_usage} asks for it)
 * a chunk with the same usage a non-streamed answer reports, and {@code data: [DONE]}. Its
 * ledger entry is the same as for the non-streamed call; without include_usage it is
 * {@link Kind#NO_USAGE}. {@link #cutStreams} closes the connection half-way through the next
 * streams ({@link Kind#CUT}, undelivered: no usage reached the caller, nothing to bill), and
 * {@link #streamPieceMs} paces the pieces, so a reader sees text arrive over time.
 */
public final class OpenAiStub implements AutoCloseable {

  /** How a 200 answer looked. Only {@link Kind#OK} answers report usage, so only they cost money. */
  public enum Kind { OK, MALFORMED, NO_USAGE, CUT }

  /** Characters per streamed piece: about one token. */
  public static final int PIECE_CHARS = 4;

  /**
   * One request as received, with the status it was answered with (0 while in flight).
   * {@code receivedAtMs} is the wall clock at arrival: on one host the same clock Redis's TIME
   * reads, so arrivals can be set against the Redis-clock times of a task's history.
   */
  public static final class Received {
    public final long seq;
    public final String idempotencyKey;
    public final String authorization;
    public final String body;
    public final long receivedNanos;
    public final long receivedAtMs;
    private volatile int status;
    private volatile long answeredNanos;

    Received(long seq, String idempotencyKey, String authorization, String body, long receivedNanos, long receivedAtMs) {
      this.seq = seq;
      this.idempotencyKey = idempotencyKey;
      this.authorization = authorization;
      this.body = body;
      this.receivedNanos = receivedNanos;
      this.receivedAtMs = receivedAtMs;
    }

    public int status() { return status; }

    public long answeredNanos() { return answeredNanos; }

    public boolean inFlight() { return status == 0; }

    /** The task id of an Idempotency-Key "taskId:step" (null without a key). */
    public String taskId() { return OpenAiStub.taskIdOf(idempotencyKey); }

    @Override public String toString() {
      return "Received[" + seq + " " + idempotencyKey + " status=" + status + "]";
    }
  }

  /**
   * A call answered 200. {@code usd} is what its reported usage costs, exactly (0 when none was
   * reported); {@code nanos} the same in nano-USD, where it is a whole number (prices with up to
   * three decimals per million tokens; the stub refuses to bill a model priced finer).
   */
  public static final class Call {
    public final long seq;
    public final Kind kind;
    public final String idempotencyKey;
    public final String model;
    public final JsonObject request;
    public final String text;
    public final long promptTokens;
    public final long completionTokens;
    public final long cachedTokens;
    public final BigDecimal usd;
    public final long nanos;
    public final long answeredNanos;
    private volatile Boolean delivered;   // null while the write is pending

    Call(long seq, Kind kind, String idempotencyKey, String model, JsonObject request, String text, long promptTokens,
         long completionTokens, long cachedTokens, BigDecimal usd, long answeredNanos) {
      this.seq = seq;
      this.kind = kind;
      this.idempotencyKey = idempotencyKey;
      this.model = model;
      this.request = request;
      this.text = text;
      this.promptTokens = promptTokens;
      this.completionTokens = completionTokens;
      this.cachedTokens = cachedTokens;
      this.usd = usd;
      this.nanos = usd.movePointRight(9).toBigIntegerExact().longValueExact();
      this.answeredNanos = answeredNanos;
    }

    /** false when the answer could not be written (the caller had gone away). */
    public boolean delivered() { return !Boolean.FALSE.equals(delivered); }

    public String taskId() { return OpenAiStub.taskIdOf(idempotencyKey); }

    /** The step of an Idempotency-Key "taskId:step" (-1 without one). */
    public int step() {
      int cut = idempotencyKey == null ? -1 : idempotencyKey.lastIndexOf(':');
      return cut < 0 ? -1 : Integer.parseInt(idempotencyKey.substring(cut + 1));
    }

    public Usage usage() { return new Usage(promptTokens, completionTokens, cachedTokens, 0); }

    @Override public String toString() {
      return "Call[" + seq + " " + kind + " " + idempotencyKey + " " + model + " in=" + promptTokens + " out="
          + completionTokens + " cached=" + cachedTokens + " usd=" + usd.toPlainString() + " delivered=" + delivered + "]";
    }
  }

  private static final PriceTable PRICES = PriceTable.load("");

  private final Vertx vertx;
  private final boolean ownVertx;
  private HttpServer server;

  private final AtomicLong seq = new AtomicLong();
  private final List<Received> received = new ArrayList<>();
  private final List<Call> ledger = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  private final AtomicInteger next429 = new AtomicInteger();
  private volatile int retryAfterSeconds = 1;
  private final AtomicInteger next500 = new AtomicInteger();
  private volatile int unavailableEvery;
  private volatile int unavailableRetryAfterSeconds = 1;
  private final AtomicInteger nextMalformed = new AtomicInteger();
  private final AtomicInteger nextNoUsage = new AtomicInteger();
  private volatile long delayMs;
  private volatile boolean cachedTokens;
  private volatile Function<JsonObject, String> script = request -> null;
  private volatile Function<JsonObject, JsonArray> toolScript = request -> null;
  private final AtomicInteger nextCut = new AtomicInteger();
  private volatile long streamPieceMs;

  private OpenAiStub(Vertx vertx, boolean ownVertx) {
    this.vertx = vertx;
    this.ownVertx = ownVertx;
  }

  /** On its own Vert.x instance, so it keeps answering whatever the code under test does to its own. */
  public static OpenAiStub start() {
    return new OpenAiStub(Vertx.vertx(), true).listen();
  }

  public static OpenAiStub start(Vertx vertx) {
    return new OpenAiStub(vertx, false).listen();
  }

  private OpenAiStub listen() {
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
    return this;
  }

  public int port() { return server.actualPort(); }

  /** http://127.0.0.1:PORT/v1 */
  public String baseUrl() { return "http://127.0.0.1:" + port() + "/v1"; }

  // ---- fault modes ------------------------------------------------------------------------

  /** The next {@code n} requests are answered 429 with {@code Retry-After: seconds}. */
  public OpenAiStub fail429(int n, int seconds) {
    retryAfterSeconds = seconds;
    next429.set(n);
    return this;
  }

  /**
   * From now on every {@code n}-th request (by arrival) is answered 503 with
   * {@code Retry-After: seconds}, until {@link #resetFaults()}: a provider with hiccups, so
   * callers spend time waiting to retry (0 turns it off).
   */
  public OpenAiStub unavailableEvery(int n, int seconds) {
    unavailableRetryAfterSeconds = seconds;
    unavailableEvery = n;
    return this;
  }

  /** The next {@code n} requests are answered 500. */
  public OpenAiStub fail500(int n) {
    next500.set(n);
    return this;
  }

  /** The next {@code n} requests are answered 200 with a body that is not JSON. */
  public OpenAiStub malformed(int n) {
    nextMalformed.set(n);
    return this;
  }

  /** The next {@code n} requests are answered 200 with a well-formed completion but no {@code usage}. */
  public OpenAiStub noUsage(int n) {
    nextNoUsage.set(n);
    return this;
  }

  /** Every answer (of any kind) is sent this long after its request arrived. */
  public OpenAiStub delayMs(long ms) {
    delayMs = ms;
    return this;
  }

  /** Report half of the prompt tokens as cached ({@code prompt_tokens_details.cached_tokens}). */
  public OpenAiStub cachedTokens(boolean on) {
    cachedTokens = on;
    return this;
  }

  /**
   * The answer text for the requests {@code script} answers (non-null), instead of the
   * deterministic one; usage and cost are computed from that text as for any answer. A script
   * is not a fault: {@link #resetFaults()} keeps it.
   */
  public OpenAiStub answerWith(Function<JsonObject, String> script) {
    this.script = script;
    return this;
  }

  /**
   * The tool calls to ask for (OpenAI's {@code tool_calls} array) for the requests
   * {@code script} answers non-null, instead of a text answer; usage is computed from the
   * calls' JSON text. Kept by {@link #resetFaults()}, as {@link #answerWith} is.
   */
  public OpenAiStub callTools(Function<JsonObject, JsonArray> script) {
    this.toolScript = script;
    return this;
  }

  /** The tool messages ({@code role: tool}) a request carried, in order. */
  public static List<JsonObject> toolMessages(JsonObject request) {
    JsonArray messages = request.getJsonArray("messages", new JsonArray());
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      if ("tool".equals(messages.getJsonObject(i).getString("role"))) out.add(messages.getJsonObject(i));
    }
    return out;
  }

  /** The next {@code n} streamed answers stop half-way: the stub closes the connection. */
  public OpenAiStub cutStreams(int n) {
    nextCut.set(n);
    return this;
  }

  /** Streamed pieces are written this far apart (0: all at once). */
  public OpenAiStub streamPieceMs(long ms) {
    streamPieceMs = ms;
    return this;
  }

  /** Healthy again: no pending faults, no delay, no cached tokens. The ledger is kept. */
  public OpenAiStub resetFaults() {
    next429.set(0);
    next500.set(0);
    unavailableEvery = 0;
    nextMalformed.set(0);
    nextNoUsage.set(0);
    nextCut.set(0);
    streamPieceMs = 0;
    delayMs = 0;
    cachedTokens = false;
    return this;
  }

  // ---- what it saw --------------------------------------------------------------------------

  /** Every request received, in arrival order, whatever it was answered. */
  public List<Received> received() {
    synchronized (received) { return List.copyOf(received); }
  }

  /** The requests received from the {@code index}-th on (a cursor for pollers; the log only grows). */
  public List<Received> receivedFrom(int index) {
    synchronized (received) { return index >= received.size() ? List.of() : List.copyOf(received.subList(index, received.size())); }
  }

  public int requestCount() {
    synchronized (received) { return received.size(); }
  }

  public List<Received> receivedFor(String taskId) {
    return received().stream().filter(r -> taskId.equals(r.taskId())).toList();
  }

  /** Requests received and not answered yet. */
  public List<Received> inFlight() {
    return received().stream().filter(Received::inFlight).toList();
  }

  /** The most requests that were ever in flight at once. */
  public int maxInFlight() { return maxInFlight.get(); }

  /** Every call answered 200 whose answer was delivered (or is being written), in answer order. */
  public List<Call> ledger() {
    synchronized (ledger) { return ledger.stream().filter(Call::delivered).toList(); }
  }

  /** 200 answers that could not be written because the caller was gone. */
  public List<Call> undelivered() {
    synchronized (ledger) { return ledger.stream().filter(c -> !c.delivered()).toList(); }
  }

  /** The delivered 200 answers that reported usage (they are what cost money). */
  public List<Call> billed() {
    return ledger().stream().filter(c -> c.kind == Kind.OK).toList();
  }

  public List<Call> billedFor(String taskId) {
    return billed().stream().filter(c -> taskId.equals(c.taskId())).toList();
  }

  /** Nano-USD of every billed call (exact: see {@link Call}). */
  public long billedNanos() {
    return billed().stream().mapToLong(c -> c.nanos).sum();
  }

  public long billedNanos(String taskId) {
    return billedFor(taskId).stream().mapToLong(c -> c.nanos).sum();
  }

  /** USD of a task's billed calls, the exact sum of their exact costs. */
  public BigDecimal billedUsd(String taskId) {
    return billedFor(taskId).stream().map(c -> c.usd).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** The exact cost of a usage at the model's prices (USD per million tokens): no rounding. */
  static BigDecimal exactUsd(String model, long prompt, long completion, long cached) {
    PriceTable.Price p = PRICES.price(model).orElse(null);
    if (p == null) return BigDecimal.ZERO;
    return p.input().multiply(BigDecimal.valueOf(prompt - cached)).add(p.cachedInput().multiply(BigDecimal.valueOf(cached)))
        .add(p.output().multiply(BigDecimal.valueOf(completion))).movePointLeft(6);
  }

  // ---- answers ------------------------------------------------------------------------------

  /** The deterministic answer text for a request body (before truncation to max_tokens). */
  public static String answerFor(JsonObject request) {
    String model = request.getString("model", "");
    JsonArray messages = request.getJsonArray("messages", new JsonArray());
    StringBuilder all = new StringBuilder(model);
    String lastUser = "";
    for (int i = 0; i < messages.size(); i++) {
      JsonObject m = messages.getJsonObject(i);
      all.append('\n').append(m.getString("role")).append(':').append(contentOf(m));
      if ("user".equals(m.getString("role"))) lastUser = contentOf(m);
    }
    String head = lastUser.length() > 60 ? lastUser.substring(0, 60) : lastUser;
    return "stub answer " + sha256(all.toString()).substring(0, 16) + " to <" + head.replace('\n', ' ') + ">";
  }

  /** A message's text; an assistant turn that only called tools has none (null). */
  private static String contentOf(JsonObject message) {
    return message.getValue("content") instanceof String text ? text : "";
  }

  /** Prompt tokens: about four characters per token over every message, plus 3 per message. */
  public static long promptTokens(JsonObject request) {
    JsonArray messages = request.getJsonArray("messages", new JsonArray());
    long chars = 0;
    for (int i = 0; i < messages.size(); i++) chars += contentOf(messages.getJsonObject(i)).length();
    return (chars + 3) / 4 + 3L * messages.size();
  }

  private void handle(HttpServerRequest req) {
    long receivedNanos = System.nanoTime();
    long receivedAtMs = System.currentTimeMillis();
    req.body().onComplete(ar -> {
      String body = ar.succeeded() ? ar.result().toString(StandardCharsets.UTF_8) : "";
      Received r = new Received(seq.incrementAndGet(), req.getHeader("Idempotency-Key"), req.getHeader("Authorization"),
          body, receivedNanos, receivedAtMs);
      synchronized (received) { received.add(r); }
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      long delay = delayMs;
      if (delay > 0) vertx.setTimer(delay, t -> answer(req, r));
      else answer(req, r);
    });
  }

  private void answer(HttpServerRequest req, Received r) {
    HttpServerResponse resp = req.response();
    if (req.method() != HttpMethod.POST || !"/v1/chat/completions".equals(req.path())) {
      send(resp, r, 404, error("not_found", "no route " + req.method() + " " + req.path()).encode(), null);
      return;
    }
    if (takeOne(next429)) {
      resp.putHeader("Retry-After", String.valueOf(retryAfterSeconds));
      send(resp, r, 429, error("rate_limit_exceeded", "Rate limit reached (stub)").encode(), null);
      return;
    }
    int every = unavailableEvery;
    if (every > 0 && r.seq % every == 0) {
      resp.putHeader("Retry-After", String.valueOf(unavailableRetryAfterSeconds));
      send(resp, r, 503, error("server_error", "The server is overloaded (stub)").encode(), null);
      return;
    }
    if (takeOne(next500)) {
      send(resp, r, 500, error("server_error", "The server had an error (stub)").encode(), null);
      return;
    }
    JsonObject request;
    try {
      request = new JsonObject(r.body);
    } catch (RuntimeException e) {
      send(resp, r, 400, error("invalid_request_error", "the body is not a JSON object").encode(), null);
      return;
    }
    String model = request.getString("model");
    if (model == null || !(request.getValue("messages") instanceof JsonArray)) {
      send(resp, r, 400, error("invalid_request_error", "model and messages are required").encode(), null);
      return;
    }
    long seqNo = r.seq;
    if (takeOne(nextMalformed)) {
      Call c = new Call(seqNo, Kind.MALFORMED, r.idempotencyKey, model, request, null, 0, 0, 0, BigDecimal.ZERO, System.nanoTime());
      send(resp, r, 200, "{\"id\": \"chatcmpl-" + seqNo + "\", \"choices\": [{\"message\": {\"content\": \"trunc", c);
      return;
    }
    JsonArray toolCalls = toolScript.apply(request);
    String scripted = toolCalls != null ? toolCalls.encode() : script.apply(request);
    String text = scripted != null ? scripted : answerFor(request);
    long maxTokens = request.getLong("max_tokens", Long.MAX_VALUE);
    long completion = Usage.estimateTokens(text.length());
    String finish = "stop";
    if (completion > maxTokens) {
      completion = Math.max(1, maxTokens);
      text = text.substring(0, (int) Math.min(text.length(), completion * 4));
      finish = "length";
    }
    long prompt = promptTokens(request);
    long cached = cachedTokens ? prompt / 2 : 0;
    JsonObject completionJson = new JsonObject()
        .put("id", "chatcmpl-stub-" + seqNo)
        .put("object", "chat.completion")
        .put("created", System.currentTimeMillis() / 1000)
        .put("model", model)
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", toolCalls == null ? new JsonObject().put("role", "assistant").put("content", text)
                : new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", toolCalls))
            .put("finish_reason", toolCalls == null ? finish : "tool_calls")));
    boolean stream = Boolean.TRUE.equals(request.getValue("stream"));
    boolean usageAsked = !stream || Boolean.TRUE.equals(request.getJsonObject("stream_options", new JsonObject()).getValue("include_usage"));
    Kind kind = takeOne(nextNoUsage) || !usageAsked ? Kind.NO_USAGE : Kind.OK;
    if (stream && takeOne(nextCut)) kind = Kind.CUT;
    BigDecimal usd = BigDecimal.ZERO;
    JsonObject usage = null;
    if (kind == Kind.OK) {
      usage = new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
          .put("total_tokens", prompt + completion);
      if (cachedTokens) usage.put("prompt_tokens_details", new JsonObject().put("cached_tokens", cached));
      completionJson.put("usage", usage);
      usd = exactUsd(model, prompt, completion, cached);
    } else {
      prompt = 0;
      completion = 0;
      cached = 0;
    }
    Call c = new Call(seqNo, kind, r.idempotencyKey, model, request, text, prompt, completion, cached, usd, System.nanoTime());
    if (stream) streamAnswer(req, r, c, finish, usage);
    else send(resp, r, 200, completionJson.encode(), c);
  }

  private void streamAnswer(HttpServerRequest req, Received r, Call call, String finish, JsonObject usage) {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < call.text.length(); i += PIECE_CHARS) {
      JsonObject delta = new JsonObject().put("content", call.text.substring(i, Math.min(call.text.length(), i + PIECE_CHARS)));
      if (i == 0) delta.put("role", "assistant");
      events.add(chunk(call, new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta).putNull("finish_reason"))).encode());
    }
    int cutAt = call.kind == Kind.CUT ? Math.max(1, events.size() / 2) : -1;
    events.add(chunk(call, new JsonArray().add(new JsonObject().put("index", 0).put("delta", new JsonObject())
        .put("finish_reason", finish))).encode());
    if (usage != null) events.add(chunk(call, new JsonArray()).put("usage", usage).encode());
    events.add("[DONE]");
    r.answeredNanos = System.nanoTime();
    r.status = 200;
    inFlight.decrementAndGet();
    synchronized (ledger) { ledger.add(call); }
    HttpServerResponse resp = req.response();
    try {
      resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
    } catch (RuntimeException e) {   // the caller is gone
      call.delivered = false;
      return;
    }
    writeEvents(req, call, events, 0, cutAt);
  }

  private void writeEvents(HttpServerRequest req, Call call, List<String> events, int from, int cutAt) {
    HttpServerResponse resp = req.response();
    for (int i = from; i < events.size(); i++) {
      if (resp.closed()) {
        call.delivered = false;
        return;
      }
      if (i == cutAt) {
        // the usage never reaches the caller: nothing to bill, as with an undelivered answer
        call.delivered = false;
        req.connection().close();
        return;
      }
      long pace = streamPieceMs;
      if (pace > 0 && i > from) {
        int next = i;
        vertx.setTimer(pace, t -> writeEvents(req, call, events, next, cutAt));
        return;
      }
      resp.write("data: " + events.get(i) + "\n\n");
    }
    resp.end().onComplete(ar -> call.delivered = ar.succeeded());
  }

  private static JsonObject chunk(Call call, JsonArray choices) {
    return new JsonObject().put("id", "chatcmpl-stub-" + call.seq).put("object", "chat.completion.chunk")
        .put("created", System.currentTimeMillis() / 1000).put("model", call.model).put("choices", choices);
  }

  private void send(HttpServerResponse resp, Received r, int status, String body, Call call) {
    r.answeredNanos = System.nanoTime();
    r.status = status;
    inFlight.decrementAndGet();
    if (call != null) {
      synchronized (ledger) { ledger.add(call); }
    }
    try {
      if (resp.closed()) {
        if (call != null) call.delivered = false;
        return;
      }
      resp.setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(body))
          .onComplete(ar -> {
            if (call != null) call.delivered = ar.succeeded();
          });
    } catch (RuntimeException e) {   // the connection went away meanwhile
      if (call != null) call.delivered = false;
    }
  }

  private static boolean takeOne(AtomicInteger counter) {
    while (true) {
      int n = counter.get();
      if (n <= 0) return false;
      if (counter.compareAndSet(n, n - 1)) return true;
    }
  }

  private static JsonObject error(String type, String message) {
    return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type).putNull("code"));
  }

  static String taskIdOf(String idempotencyKey) {
    if (idempotencyKey == null) return null;
    int cut = idempotencyKey.lastIndexOf(':');
    return cut < 0 ? idempotencyKey : idempotencyKey.substring(0, cut);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override public void close() {
    if (server != null) server.close().await();
    if (ownVertx) vertx.close().await();
  }
}
