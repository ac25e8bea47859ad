package dev.sentinel.store;

import dev.sentinel.metrics.LeaseMetrics;
import dev.sentinel.metrics.LeaseMetrics.Requeue;
import dev.sentinel.store.Replies.CommitReply;
import dev.sentinel.store.Replies.FailReply;
import dev.sentinel.store.Replies.HandOffReply;
import dev.sentinel.store.Replies.RenewReply;
import dev.sentinel.store.Replies.WaitReply;
import dev.sentinel.store.Results.Committed;
import dev.sentinel.store.Results.Failed;
import dev.sentinel.store.Results.Renewed;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.util.ArrayList;
import java.util.List;

/**
 * The lease protocol as a worker speaks it (DESIGN.md section 3): claim, renew, commit, fail,
 * park and release, each one script, each write fenced by the claim's (epoch, claim).
 * Every reply passes through here, so the refusals (STALE) and requeues are counted here, once,
 * from answers the worker receives anyway.
 */
public final class LeaseProtocol {

  /** Entries per task in a claim reply; must match claim.lua. */
  private static final int CLAIM_FIELDS = 15;
  /** Entries per commit in a commit_steps call; must match commit_steps.lua. */
  private static final int COMMIT_FIELDS = 7;

  private final StoreCore core;
  private final LeaseMetrics metrics;

  LeaseProtocol(StoreCore core) {
    this.core = core;
    this.metrics = core.metrics().leases();
  }

  /** A first claim with no default cap on a tenant's running tasks. */
  public Future<List<ClaimedTask>> claim(String workerId, long leaseMs, String claimBase, int max) {
    return claim(workerId, leaseMs, claimBase, max, 0, false);
  }

  /**
   * Grants up to {@code max} ready tasks.
   *
   * @param defaultMaxRunning per-tenant cap on running tasks when a tenant has none of its own (0: none)
   * @param repeat this call repeats one whose reply was lost, with the same {@code claimBase}: it
   *               answers with the tasks the first call granted and still holds (nothing more: the
   *               worker's next claim takes more), so none loses an attempt
   */
  public Future<List<ClaimedTask>> claim(String workerId, long leaseMs, String claimBase, int max, long defaultMaxRunning,
                                         boolean repeat) {
    long sent = System.nanoTime();
    return core.run(core.scripts().claim(), workerId, leaseMs, claimBase, max, defaultMaxRunning, repeat ? "1" : "0").map(r -> {
      metrics.claimed(System.nanoTime() - sent);
      List<ClaimedTask> out = new ArrayList<>();
      for (int i = 0; r != null && i + CLAIM_FIELDS <= r.size(); i += CLAIM_FIELDS) {
        JsonObject params = JsonText.decode(StoreCore.str(r.get(i + 7)));
        Response history = r.get(i + 12);
        JsonObject checkpoint = null;
        if (history != null && history.type() == ResponseType.MULTI) {
          List<JsonObject> records = new ArrayList<>(history.size());
          for (Response rec : history) records.add(History.read(rec.toString()));
          checkpoint = History.checkpoint(params, records, 0);
        }
        out.add(new ClaimedTask(r.get(i).toString(), new Lease(r.get(i + 1).toLong(), r.get(i + 2).toString()),
            r.get(i + 3).toLong(), StoreCore.str(r.get(i + 4)), StoreCore.str(r.get(i + 5)), StoreCore.str(r.get(i + 6)),
            params, r.get(i + 8).toInteger(), StoreCore.str(r.get(i + 9)), r.get(i + 10).toInteger(),
            r.get(i + 11).toInteger(), checkpoint, bulkOrNull(r.get(i + 13)), bulkOrNull(r.get(i + 14))));
      }
      return out;
    });
  }

  /** A reply entry that is a string, or null: Lua's false arrives as null (RESP2) or as a boolean (RESP3). */
  private static String bulkOrNull(Response r) {
    return r != null && r.type() == ResponseType.BULK ? r.toString() : null;
  }

  public record Held(String taskId, Lease lease) {}

  /** Renews every lease one worker holds and writes its heartbeat, in one call. */
  public Future<Renewed> renew(String workerId, long leaseMs, long heartbeatTtlMs, JsonObject heartbeat, List<Held> held) {
    List<Object> args = new ArrayList<>(List.of(workerId, leaseMs, heartbeatTtlMs, heartbeat.encode()));
    for (Held h : held) {
      args.add(h.taskId());
      args.add(h.lease().epoch());
      args.add(h.lease().claim());
    }
    long sent = System.nanoTime();
    return core.run(core.scripts().renew(), args.toArray()).map(r -> {
      metrics.renewCall(System.nanoTime() - sent);
      List<RenewReply> replies = new ArrayList<>();
      for (int i = 1; i < r.size(); i++) {
        RenewReply reply = RenewReply.valueOf(r.get(i).toString());
        metrics.renewal(reply.name());
        if (reply == RenewReply.STALE) metrics.staleRefused("renew");
        replies.add(reply);
      }
      return new Renewed(r.get(0).toLong(), replies);
    });
  }

  /** Commits one step alone; workers batch theirs through {@link CommitBatcher}. */
  public Future<Committed> commitStep(StepCommit c, String workerId, long leaseMs) {
    return commitSteps(List.of(c), workerId, leaseMs).map(r -> r.get(0));
  }

  /**
   * Commits many tasks' steps in one script call; one answer per commit, in order. Each
   * accepted commit that is not the task's last also renews its lease to now + leaseMs.
   */
  public Future<List<Committed>> commitSteps(List<StepCommit> commits, String workerId, long leaseMs) {
    Object[] args = new Object[2 + commits.size() * COMMIT_FIELDS];
    args[0] = workerId;
    args[1] = leaseMs;
    int i = 2;
    for (StepCommit c : commits) {
      args[i++] = c.taskId();
      args[i++] = c.lease().epoch();
      args[i++] = c.lease().claim();
      args[i++] = c.step();
      args[i++] = c.nextNode() == null ? "" : c.nextNode();
      args[i++] = c.recordTail();
      args[i++] = c.resultJson() == null ? "" : c.resultJson();
    }
    return core.run(core.scripts().commitSteps(), args).map(r -> {
      List<Committed> out = new ArrayList<>(commits.size());
      for (int k = 0; k + 1 < r.size(); k += 2) {
        CommitReply reply = CommitReply.valueOf(r.get(k).toString());
        if (reply == CommitReply.STALE) metrics.staleRefused("commit");
        out.add(reply == CommitReply.ERROR ? new Committed(reply, -1, r.get(k + 1).toString())
            : new Committed(reply, r.get(k + 1).toLong()));
      }
      return out;
    });
  }

  public Future<Failed> fail(String taskId, Lease lease, String error, long backoffMs, String workerId) {
    return fail(taskId, lease, error, backoffMs, workerId, false);
  }

  /** @param forGood the failure cannot be helped by retrying (e.g. budget_exceeded, a graph without the next node) */
  public Future<Failed> fail(String taskId, Lease lease, String error, long backoffMs, String workerId, boolean forGood) {
    return core.run(core.scripts().fail(), taskId, lease.epoch(), lease.claim(), error, backoffMs, workerId, forGood ? "1" : "0")
        .map(r -> {
          FailReply reply = FailReply.valueOf(r.get(0).toString());
          if (reply == FailReply.STALE) metrics.staleRefused("fail");
          if (reply == FailReply.RETRYING) metrics.requeued(Requeue.RETRY, 1);
          return switch (reply) {
            case RETRYING -> new Failed(reply, r.get(1).toInteger(), r.get(2).toLong());
            case FAILED -> new Failed(reply, r.get(1).toInteger(), 0);
            case FINISHED, STALE, CANCELLED, NOT_FOUND -> new Failed(reply, 0, 0);
          };
        });
  }

  /** Parks the task (no worker held, no attempt counted) as {@code paused} until {@code resumeAt} (Redis ms). */
  public Future<HandOffReply> pause(String taskId, Lease lease, String reason, long resumeAt, String workerId) {
    return park(taskId, lease, reason, resumeAt, workerId, "paused");
  }

  /** Parks the task as {@code paused} (budget) or {@code scheduled} (waiting for rate-limit room). */
  public Future<HandOffReply> park(String taskId, Lease lease, String reason, long resumeAt, String workerId, String status) {
    return core.run(core.scripts().park(), taskId, lease.epoch(), lease.claim(), reason, resumeAt, workerId, status)
        .map(r -> handOff(r, "park"));
  }

  /**
   * Parks the task at a wait node (see wait.lua): {@code waiting} for input, or {@code scheduled}
   * until a sleep's end; a wait entered before at the same node and step keeps its deadline.
   *
   * @param kind       input | sleep
   * @param step       the step the wait node runs as
   * @param durationMs the deadline as a duration from the wait's first entry, or null
   * @param untilMs    the deadline as a Redis-clock time, or null (wins over a duration)
   */
  public Future<WaitReply> enterWait(String taskId, Lease lease, String workerId, String kind, String node, int step,
                                     Long durationMs, Long untilMs) {
    return core.run(core.scripts().enterWait(), taskId, lease.epoch(), lease.claim(), workerId, kind, node, step,
        durationMs, untilMs).map(r -> WaitReply.valueOf(r.get(0).toString()));
  }

  /** The wait the task's hash describes, and Redis's clock, in one round trip (only wait nodes ask). */
  public Future<WaitState> waitState(String taskId) {
    return core.redis().batch(List.of(
        Request.cmd(Command.HMGET).arg(core.keys().meta(taskId)).arg("wait_node").arg("wait_step").arg("wait_kind")
            .arg("wait_began").arg("wait_until").arg("wait_input"),
        Request.cmd(Command.TIME))).map(r -> {
          Response w = r.get(0);
          long now = r.get(1).get(0).toLong() * 1000 + r.get(1).get(1).toLong() / 1000;
          String node = StoreCore.str(w.get(0));
          if (node == null || node.isEmpty()) return WaitState.none(now);
          String until = StoreCore.str(w.get(4));
          String input = StoreCore.str(w.get(5));
          return new WaitState(node, Integer.parseInt(w.get(1).toString()), StoreCore.str(w.get(2)),
              Long.parseLong(w.get(3).toString()), until == null || until.isEmpty() ? null : Long.valueOf(until),
              input == null ? null : JsonText.decode(input), now);
        });
  }

  /** Hands the task back to its queue without counting an attempt (shutdown, or Redis behind our commits). */
  public Future<HandOffReply> release(String taskId, Lease lease, String workerId) {
    return core.run(core.scripts().release(), taskId, lease.epoch(), lease.claim(), workerId)
        .map(r -> {
          HandOffReply reply = handOff(r, "release");
          if (reply == HandOffReply.OK) metrics.requeued(Requeue.RELEASE, 1);
          return reply;
        });
  }

  private HandOffReply handOff(Response r, String operation) {
    HandOffReply reply = HandOffReply.valueOf(r.get(0).toString());
    if (reply == HandOffReply.STALE) metrics.staleRefused(operation);
    return reply;
  }

  /** Redis's clock (ms). */
  public Future<Long> redisNow() {
    return core.redisNow();
  }
}
