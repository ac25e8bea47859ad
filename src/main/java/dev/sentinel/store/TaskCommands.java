package dev.sentinel.store;

import dev.sentinel.config.SentinelConfig.LimitDefaults;
import dev.sentinel.store.Replies.CancelReply;
import dev.sentinel.store.Replies.InputReply;
import dev.sentinel.store.Replies.ReplayReply;
import dev.sentinel.store.Replies.RetryReply;
import dev.sentinel.store.Replies.SubmitReply;
import dev.sentinel.store.Results.Cancelled;
import dev.sentinel.store.Results.InputTaken;
import dev.sentinel.store.Results.Replayed;
import dev.sentinel.store.Results.Retried;
import dev.sentinel.store.Results.Submitted;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.util.Map;

/** The state changes the API makes: submit, cancel, retry, give a waiting task its input, resume a tenant's paused tasks. */
public final class TaskCommands {

  /** How long an Idempotency-Key is remembered (unless finished tasks are kept for less: see TaskHandlers). */
  public static final long IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000L;
  /** `delayed` entries resume_paused.lua looks at per call, at most. */
  private static final int RESUME_SCAN_BUDGET = 100_000;

  private final StoreCore core;

  TaskCommands(StoreCore core) {
    this.core = core;
  }

  public Future<Submitted> submit(NewTask t) {
    return submit(t, null, null, null);
  }

  /**
   * @param idempotencyKey  the client's Idempotency-Key, or null
   * @param fingerprint     identifies the request, so a reused key with another request is caught
   * @param limits          the configured default limits (a tenant's own win), or null for none
   */
  public Future<Submitted> submit(NewTask t, String idempotencyKey, String fingerprint, LimitDefaults limits) {
    return submit(t, idempotencyKey, fingerprint, IDEMPOTENCY_TTL_MS, limits);
  }

  /** @param idempotencyTtlMs how long the key is remembered */
  public Future<Submitted> submit(NewTask t, String idempotencyKey, String fingerprint, long idempotencyTtlMs,
                                  LimitDefaults limits) {
    double rate = limits == null ? 0 : limits.submitRate();
    long burst = limits == null ? 1 : limits.submitBurst();
    long maxQueued = limits == null ? 0 : limits.maxQueued();
    return core.run(core.scripts().submit(), t.id(), t.tenantId(), t.agentType(), t.taskType(), JsonText.encode(t.params()),
            t.maxAttempts(), t.priority(), t.costLimitNanos(), t.runAt(), idempotencyKey, fingerprint,
            idempotencyTtlMs, rate, burst, maxQueued, t.totalSteps(), t.trace(), t.agentVersion())
        .map(r -> {
          SubmitReply reply = SubmitReply.valueOf(r.get(0).toString());
          return switch (reply) {
            case OK -> new Submitted(reply, t.id(), r.get(1).toLong(), r.get(2).toString(),
                new Results.RateInfo(r.get(3).toLong(), r.get(4).toLong(), r.get(5).toLong(), 0), 0, 0, TaskView.of(StoreCore.pairs(r.get(6))));
            case DUPLICATE, CONFLICT -> new Submitted(reply, r.get(1).toString(), 0, null);
            case RATE_LIMITED -> new Submitted(reply, null, 0, null,
                new Results.RateInfo(r.get(2).toLong(), r.get(3).toLong(), r.get(4).toLong(), r.get(1).toLong()), 0, 0, null);
            case QUOTA_EXCEEDED -> new Submitted(reply, null, 0, null, Results.RateInfo.NONE, r.get(1).toLong(), r.get(2).toLong(),
                null);
            case EXISTS -> new Submitted(reply, null, 0, null);
          };
        });
  }

  /**
   * A new task forked from step {@code fromStep} of another (replay.lua): one script, limits and
   * Idempotency-Key as for a submission.
   */
  public Future<Replayed> replay(NewReplay t, String idempotencyKey, String fingerprint, long idempotencyTtlMs,
                                 LimitDefaults limits) {
    double rate = limits == null ? 0 : limits.submitRate();
    long burst = limits == null ? 1 : limits.submitBurst();
    long maxQueued = limits == null ? 0 : limits.maxQueued();
    return core.run(core.scripts().replay(), t.parentId(), t.id(), t.fromStep(), JsonText.encode(t.params()),
            t.totalSteps(), t.trace(), idempotencyKey, fingerprint, idempotencyTtlMs, rate, burst, maxQueued, t.agentVersion())
        .map(r -> {
          ReplayReply reply = ReplayReply.valueOf(r.get(0).toString());
          return switch (reply) {
            case OK -> new Replayed(reply, t.id(), 0, new Results.RateInfo(r.get(3).toLong(), r.get(4).toLong(),
                r.get(5).toLong(), 0), 0, 0, TaskView.of(StoreCore.pairs(r.get(6))));
            case DUPLICATE, CONFLICT -> new Replayed(reply, r.get(1).toString(), 0, Results.RateInfo.NONE, 0, 0, null);
            case NO_STEP -> new Replayed(reply, null, r.get(1).toInteger(), Results.RateInfo.NONE, 0, 0, null);
            case RATE_LIMITED -> new Replayed(reply, null, 0, new Results.RateInfo(r.get(2).toLong(), r.get(3).toLong(),
                r.get(4).toLong(), r.get(1).toLong()), 0, 0, null);
            case QUOTA_EXCEEDED -> new Replayed(reply, null, 0, Results.RateInfo.NONE, r.get(1).toLong(), r.get(2).toLong(),
                null);
            case NOT_FOUND, ENDED, EXISTS -> new Replayed(reply, null, 0, Results.RateInfo.NONE, 0, 0, null);
          };
        });
  }

  public Future<Cancelled> cancel(String taskId, String reason) {
    return core.run(core.scripts().cancel(), taskId, reason).map(r -> new Cancelled(
        CancelReply.valueOf(r.get(0).toString()), r.size() > 1 ? r.get(1).toString() : null));
  }

  public Future<Retried> retry(String taskId) {
    return core.run(core.scripts().retry(), taskId).map(r -> {
      RetryReply reply = RetryReply.valueOf(r.get(0).toString());
      return switch (reply) {
        case OK -> new Retried(reply, null, TaskView.of(StoreCore.pairs(r.get(1))));
        case WRONG_STATUS -> new Retried(reply, r.get(1).toString(), null);
        case NOT_FOUND -> new Retried(reply, null, null);
      };
    });
  }

  /**
   * Gives a task waiting for input at step {@code waitStep} its input and queues it (provide_input.lua).
   * The step is the one the caller validated the input for: a task that moved on meanwhile is not touched.
   */
  public Future<InputTaken> provideInput(String taskId, int waitStep, JsonObject data) {
    return core.run(core.scripts().provideInput(), taskId, waitStep, JsonText.encode(data)).map(r -> new InputTaken(
        InputReply.valueOf(r.get(0).toString()), r.size() > 1 ? r.get(1).toString() : null));
  }

  /** A tenant's budget was raised: up to {@code max} of its paused tasks become ready now. */
  public Future<Integer> resumePaused(String tenantId, int max) {
    return core.run(core.scripts().resumePaused(), tenantId, max, RESUME_SCAN_BUDGET).map(Response::toInteger);
  }
}
