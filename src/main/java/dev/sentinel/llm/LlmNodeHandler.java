package dev.sentinel.llm;

import dev.sentinel.agent.Cancellation;
import dev.sentinel.agent.LeaseDeadlinePassedException;
import dev.sentinel.agent.NodeCancelledException;
import dev.sentinel.agent.NodeContext;
import dev.sentinel.agent.NodeHandler;
import dev.sentinel.agent.Template;
import dev.sentinel.cost.BudgetExceededException;
import dev.sentinel.cost.BudgetGuard;
import dev.sentinel.cost.CostLedger;
import dev.sentinel.cost.PriceTable;
import dev.sentinel.cost.TenantBudgetPausedException;
import dev.sentinel.cost.Usage;
import dev.sentinel.cost.Usd;
import dev.sentinel.metrics.LlmMetrics;
import dev.sentinel.observability.TaskLog;
import dev.sentinel.signal.TokenChunk;
import dev.sentinel.signal.TokenPublisher;
import dev.sentinel.store.RetryUntil;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * {@code llm}: one chat completion. The prompts are templates over the state. Before the call,
 * its cost is estimated (prompt tokens + max_tokens at the model's price) and checked against
 * the task's cost_limit and the tenant's daily budget; after it, the real cost is recorded once
 * per call_id whatever happens to the step. Output: {@code {text, model, usage, cost_usd, call_id}},
 * plus {@code tool_calls} when tools were offered ({@link #complete}) and the model asked for some.
 *
 * <p>With {@code stream: true} the answer is streamed: its text goes out while it is produced,
 * in batches ({@link TokenBatcher}), as ephemeral {@code token} events of the task (through
 * the worker's {@link TokenPublisher}); the step commits only the whole answer, after the last
 * batch was sent. A run whose lease deadline passes mid-stream stops reading (another worker
 * may run the step now) and fails as a lost lease does before a call.
 */
public final class LlmNodeHandler implements NodeHandler {

  public static final int DEFAULT_MAX_TOKENS = 512;
  /** Its lines are about a task: written through {@link TaskLog}, with the task's ids. */
  private static final Logger LOG = Logger.getLogger(LlmNodeHandler.class.getName());
  /**
   * How long a spent call's record is retried while Redis is away. Far longer than any lease:
   * the record is idempotent (call_id) and deliberately unfenced, so it may land after the task
   * moved to another worker; giving up early would lose money that was really spent.
   */
  private static final long RECORD_RETRY_FOR_MS = 10 * 60_000;
  private static final long RECORD_BACKOFF_MAX_MS = 5_000;

  private final LlmClient client;
  private final PriceTable prices;

  public LlmNodeHandler(LlmClient client, PriceTable prices) {
    this.client = client;
    this.prices = prices;
  }

  @Override public String name() { return "llm"; }

  public LlmClient client() { return client; }

  @Override public Future<JsonObject> run(NodeContext ctx) {
    JsonObject cfg = ctx.node().config();
    String model = cfg.getString("model");
    List<LlmRequest.Message> messages = new ArrayList<>();
    if (cfg.getString("system") != null) messages.add(new LlmRequest.Message("system", Template.render(cfg.getString("system"), ctx.state())));
    messages.add(new LlmRequest.Message("user", Template.render(cfg.getString("prompt", ""), ctx.state())));
    int maxTokens = cfg.getInteger("max_tokens", DEFAULT_MAX_TOKENS);
    Double temperature = cfg.getValue("temperature") instanceof Number n ? n.doubleValue() : null;
    return complete(ctx, model, messages, temperature, maxTokens, List.of());
  }

  /**
   * One paid model call of a node, guarded and accounted as every llm node's: budget check,
   * rate-limit room, the lease asked right before paying, the real cost recorded once per
   * call_id. {@code tools} are offered to the model; the output then carries the
   * {@code tool_calls} it asked for (an agent node's turn, see the agentloop package).
   */
  public Future<JsonObject> complete(NodeContext ctx, String model, List<LlmRequest.Message> messages, Double temperature,
                                     int maxTokens, List<ToolSpec> tools) {
    ModelRateLimiter limiter = ctx.services().require(ModelRateLimiter.class);
    String callId = ctx.taskId() + ":" + ctx.step() + ":" + UUID.randomUUID();
    long estimatedTokens = Usage.estimateTokens(messages.stream().mapToInt(LlmRequest.Message::chars).sum()) + maxTokens;
    // the room of the attempt that answered: a provider retry reserves its own (each is a request)
    AtomicReference<ModelRateLimiter.Granted> room = new AtomicReference<>();
    LlmRequest request = new LlmRequest(model, messages, temperature, maxTokens, ctx.idempotencyKey(),
        ms -> {
          meters(ctx, m -> m.throttled(model));
          limiter.hold(model, ms);
        },
        // the task was cancelled or lost while the call was in flight: the money was still spent
        // (its budget reservation was given back when the call failed: the record finds none)
        late -> record(ctx, callRecord(ctx, callId, model, late)),
        retry -> paidCallMayStart(ctx, "retry " + retry + " of the LLM call")
            .compose(v -> reserve(ctx, limiter, model, estimatedTokens, System.nanoTime()))
            .compose(g -> {
              room.set(g);
              // the reservation may have waited (for room, or for a Redis cut off by a
              // partition): ask again right before paying, as for the first attempt
              return paidCallMayStart(ctx, "retry " + retry + " of the LLM call");
            }), tools);
    long estimate = prices.nanos(model, new Usage(Usage.estimateTokens(request.promptChars()), maxTokens, 0, 0));

    return ctx.services().require(BudgetGuard.class).check(ctx.taskId(), ctx.tenantId(), callId, estimate).compose(verdict -> {
      if (verdict instanceof BudgetGuard.TaskLimitReached t) {
        meters(ctx, m -> m.budgetExceeded(ctx.tenantId()));
        return Future.failedFuture(new BudgetExceededException("the call would cost up to " + usd(estimate)
            + " USD; the task has spent " + usd(t.costNanos()) + " of its cost_limit " + usd(t.limitNanos())));
      }
      if (verdict instanceof BudgetGuard.TenantBudgetUsedUp b) {
        meters(ctx, m -> m.budgetPaused(ctx.tenantId()));
        return Future.failedFuture(new TenantBudgetPausedException("tenant " + ctx.tenantId() + " has spent "
            + usd(b.spentNanos()) + " of its daily budget " + usd(b.budgetNanos()), b.resumeAt()));
      }
      BudgetGuard.Allowed reservation = (BudgetGuard.Allowed) verdict;
      return reserve(ctx, limiter, model, estimatedTokens, System.nanoTime())
          .compose(granted -> {
            room.set(granted);
            // the budget check and the reservation may have waited: ask again right before paying
            return paidCallMayStart(ctx, "the LLM call");
          })
          .compose(v -> call(ctx, request, callId).map(out -> new Answered(room.get(), out)))
          // no answer (or no room: the step is rescheduled), no spend
          .onFailure(e -> ctx.services().require(BudgetGuard.class).release(ctx.taskId(), callId, reservation))
          .compose(a -> limiter.settle(a.granted(), a.out().getJsonObject("usage").getLong("input_tokens")
              + a.out().getJsonObject("usage").getLong("output_tokens")).otherwiseEmpty().map(a.out()));
    });
  }

  /**
   * Takes room for the call from the model's cluster-wide limits and the tenant's LLM limits.
   * A short wait happens in place; a longer one gives the worker slot back (the task is
   * rescheduled for when room is expected) rather than blocking a worker.
   */
  private Future<ModelRateLimiter.Granted> reserve(NodeContext ctx, ModelRateLimiter limiter, String model, long tokens, long since) {
    return limiter.reserve(model, ctx.tenantId(), tokens).compose(decision -> {
      if (decision instanceof ModelRateLimiter.Granted g) return Future.succeededFuture(g);
      ModelRateLimiter.Wait w = (ModelRateLimiter.Wait) decision;   // the interface is sealed: Granted or Wait
      long waited = (System.nanoTime() - since) / 1_000_000;
      boolean reschedule = waited + w.ms() > limiter.maxWaitInPlaceMs();
      meters(ctx, m -> m.rateLimitWait(w.scope().name().toLowerCase(Locale.ROOT), reschedule, w.ms()));
      if (reschedule) {
        return Future.failedFuture(new RateLimitWaitException(model, ctx.tenantId(), w.scope(), w.ms()));
      }
      if (ctx.cancellation().isCancelled()) {
        return Future.failedFuture(new NodeCancelledException(ctx.cancellation().reason()));
      }
      return Future.<Void>future(p -> ctx.vertx().setTimer(w.ms(), t -> p.complete()))
          .compose(v -> reserve(ctx, limiter, model, tokens, since));
    });
  }

  /**
   * A paid call starts only while the worker surely holds the task's lease and the task is not
   * cancelled: a worker woken from a pause longer than its lease must not spend money on a step
   * another worker now runs.
   */
  private static Future<Void> paidCallMayStart(NodeContext ctx, String what) {
    if (ctx.cancellation().isCancelled()) return Future.failedFuture(new NodeCancelledException(ctx.cancellation().reason()));
    if (!ctx.leaseHeld().getAsBoolean()) return Future.failedFuture(new LeaseDeadlinePassedException(what));
    return Future.succeededFuture();
  }

  /** A call's answer and the rate-limit room it was made in (to settle to its real usage). */
  private record Answered(ModelRateLimiter.Granted granted, JsonObject out) {}

  private CostLedger.Call callRecord(NodeContext ctx, String callId, String model, LlmResponse resp) {
    return new CostLedger.Call(callId, ctx.taskId(), ctx.tenantId(), model, ctx.step(), ctx.lease().epoch(), ctx.workerId(),
        resp.usage(), prices.nanos(model, resp.usage()), resp.latencyMs(), prices.version(), client.provider());
  }

  private Future<JsonObject> call(NodeContext ctx, LlmRequest request, String callId) {
    Span span = LlmCallSpan.start(ctx, request.model(), client.provider(), callId);
    // a turn that offers tools is never streamed: the streamed format carries text only, tool calls would be lost
    boolean stream = request.tools().isEmpty() && Boolean.TRUE.equals(ctx.node().config().getValue("stream"));
    return (stream ? streamed(ctx, request, callId) : client.complete(request, ctx.cancellation()))
        .onFailure(e -> {
          LlmCallSpan.failed(span, e);
          meters(ctx, m -> m.failed(request.model(), ctx.tenantId()));
        })
        .compose(resp -> {
      CostLedger.Call call = callRecord(ctx, callId, request.model(), resp);
      long nanos = call.nanos();
      LlmCallSpan.answered(span, resp, nanos);
      // the money is spent: record it even if the task was cancelled meanwhile, retrying while Redis is away
      return record(ctx, call).map(v -> answerJson(resp, nanos, callId));
    });
  }

  private static JsonObject answerJson(LlmResponse resp, long nanos, String callId) {
    JsonObject out = new JsonObject()
          .put("text", resp.text())
          .put("model", resp.model())
          .put("finish_reason", resp.finishReason())
          .put("usage", new JsonObject().put("input_tokens", resp.usage().input()).put("output_tokens", resp.usage().output())
              .put("cached_tokens", resp.usage().cachedInput()).put("reasoning_tokens", resp.usage().reasoning()))
          .put("cost_usd", Usd.ofNanos(nanos))
          .put("call_id", callId);
    if (!resp.toolCalls().isEmpty()) out.put("tool_calls", new JsonArray(resp.toolCalls().stream().map(ToolCall::toJson).toList()));
    return out;
  }

  private Future<LlmResponse> streamed(NodeContext ctx, LlmRequest request, String callId) {
    // the call's own cancellation: the task's, or the lease deadline passing mid-stream
    Cancellation call = new Cancellation();
    ctx.cancellation().onCancel(() -> call.cancel(ctx.cancellation().reason()));
    TokenPublisher publisher = ctx.services().find(TokenPublisher.class).orElse(null);
    TokenBatcher batcher = new TokenBatcher(ctx.vertx(), (seq, text) -> {
      if (call.isCancelled()) return Future.succeededFuture();
      if (!ctx.leaseHeld().getAsBoolean()) {
        // a zombie shows nothing more and stops paying for tokens nobody will commit
        call.cancel("the lease deadline passed mid-stream");
        return Future.succeededFuture();
      }
      return publisher == null ? Future.succeededFuture()
          : publisher.publish(new TokenChunk(ctx.taskId(), ctx.step(), ctx.node().name(), callId, seq, text));
    });
    return client.stream(request, call, batcher::add)
        .compose(answer -> batcher.finish().map(answer), e -> {
          Throwable why = call.isCancelled() && !ctx.cancellation().isCancelled()
              ? new LeaseDeadlinePassedException("the streamed LLM call") : e;
          // what the provider sent before the cut is shown too (the sender drops it for a
          // cancelled run): the client sees the run end, then a new call_id when it runs again
          return batcher.finish().transform(v -> Future.<LlmResponse>failedFuture(why));
        });
  }

  private Future<Void> record(NodeContext ctx, CostLedger.Call call) {
    TaskLog log = new TaskLog(LOG, ctx.logFields());
    // counted here, once per answered call (also one whose task was lost meanwhile: it was paid)
    meters(ctx, m -> m.answered(call.model(), call.tenantId(), new LlmMetrics.Tokens(call.usage().input(),
        call.usage().output(), call.usage().cachedInput(), call.usage().reasoning()), call.nanos(), call.latencyMs()));
    return RetryUntil.forMs(ctx.vertx(), RECORD_RETRY_FOR_MS, 200, RECORD_BACKOFF_MAX_MS)
        .<Void>run(() -> ctx.services().require(CostLedger.class).record(call).mapEmpty(), (failed, e) -> {
          if (failed == 0) log.warning("LLM call record of task " + call.taskId()
              + " not written yet (" + e.getMessage() + "); retrying while Redis is away");
        })
        .onFailure(e ->
            // the one place spend can go unrecorded: say everything needed to reconcile it by hand
            log.error("LLM call record lost after " + RECORD_RETRY_FOR_MS / 1000
                + " s of retries (" + e.getMessage() + "): " + call, null));
  }

  /** The worker's LLM meters, when it has them. */
  private static void meters(NodeContext ctx, Consumer<LlmMetrics> use) {
    ctx.services().find(LlmMetrics.class).ifPresent(use);
  }

  private static String usd(long nanos) {
    return Usd.ofNanos(nanos).toPlainString();
  }
}
