package dev.sentinel.store;

import dev.sentinel.store.Results.Cancelled;
import dev.sentinel.store.Results.Committed;
import dev.sentinel.store.Results.Expired;
import dev.sentinel.store.Results.Failed;
import dev.sentinel.store.Results.Renewed;
import dev.sentinel.store.Results.Submitted;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The task state machine in Redis. Every state change is one Lua script (see resources/lua);
 * this class only turns Java values into script arguments and script replies into records.
 */
public final class TaskStore {

  /** Entries per task in a claim reply; must match claim.lua. */
  private static final int CLAIM_FIELDS = 13;

  private final Redis redis;
  private final Keys keys;
  private final Scripts scripts;
  private final ScriptRunner runner;

  public TaskStore(Redis redis, Keys keys, Scripts scripts) {
    this.redis = redis;
    this.keys = keys;
    this.scripts = scripts;
    this.runner = new ScriptRunner(redis, keys.prefix());
  }

  public Keys keys() { return keys; }

  public Redis redis() { return redis; }

  public Future<Void> loadScripts() { return runner.loadAll(scripts); }

  /** How long an Idempotency-Key is remembered. */
  public static final long IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000L;

  public Future<Submitted> submit(NewTask t) {
    return submit(t, null, null, null);
  }

  /**
   * @param idempotencyKey  the client's Idempotency-Key, or null
   * @param fingerprint     identifies the request, so a reused key with another request is caught
   */
  public Future<Submitted> submit(NewTask t, String idempotencyKey, String fingerprint,
                                  dev.sentinel.config.SentinelConfig.LimitDefaults limits) {
    double rate = limits == null ? 0 : limits.submitRate();
    long burst = limits == null ? 1 : limits.submitBurst();
    long maxQueued = limits == null ? 0 : limits.maxQueued();
    return runner.run(scripts.submit(), t.id(), t.tenantId(), t.agentType(), t.taskType(), t.params().encode(),
            t.maxAttempts(), t.priority(), t.costLimitMicros(), t.runAt(), idempotencyKey, fingerprint,
            IDEMPOTENCY_TTL_MS, rate, burst, maxQueued)
        .map(r -> {
          Reply reply = Reply.parse(r.get(0).toString());
          return switch (reply) {
            case OK -> new Submitted(reply, t.id(), r.get(1).toLong(), r.get(2).toString(),
                new Results.RateInfo(r.get(3).toLong(), r.get(4).toLong(), r.get(5).toLong(), 0), 0, 0);
            case DUPLICATE, CONFLICT -> new Submitted(reply, r.get(1).toString(), 0, null);
            case RATE_LIMITED -> new Submitted(reply, null, 0, null,
                new Results.RateInfo(r.get(2).toLong(), r.get(3).toLong(), r.get(4).toLong(), r.get(1).toLong()), 0, 0);
            case QUOTA_EXCEEDED -> new Submitted(reply, null, 0, null, Results.RateInfo.NONE, r.get(1).toLong(), r.get(2).toLong());
            default -> new Submitted(reply, null, 0, null);
          };
        });
  }

  public Future<Results.Retried> retry(String taskId) {
    return runner.run(scripts.retry(), taskId).map(r -> {
      Reply reply = Reply.parse(r.get(0).toString());
      if (reply != Reply.OK) return new Results.Retried(reply, r.size() > 1 ? r.get(1).toString() : null, Map.of());
      Map<String, String> task = new LinkedHashMap<>();
      Response hash = r.get(1);
      for (int i = 0; i + 1 < hash.size(); i += 2) task.put(hash.get(i).toString(), hash.get(i + 1).toString());
      return new Results.Retried(reply, null, task);
    });
  }

  /** One page of task ids, newest first (see list_tasks.lua). */
  public record Page(long total, String nextCursor, List<String> taskIds) {}

  public Future<Page> listTaskIds(TaskFilter f, String cursor, int offset, int limit, int scanBudget) {
    return runner.run(scripts.listTasks(), f.status(), f.tenantId(), f.agentType(), f.taskType(), cursor, offset,
        limit, scanBudget).map(r -> {
          List<String> ids = new ArrayList<>();
          for (int i = 2; i < r.size(); i++) ids.add(r.get(i).toString());
          String next = r.get(1).toString();
          return new Page(r.get(0).toLong(), next.isEmpty() ? null : next, ids);
        });
  }

  public Future<List<ClaimedTask>> claim(String workerId, long leaseMs, String claimBase, int max) {
    return claim(workerId, leaseMs, claimBase, max, 0);
  }

  /** @param defaultMaxRunning per-tenant cap on running tasks when a tenant has none of its own (0: none) */
  public Future<List<ClaimedTask>> claim(String workerId, long leaseMs, String claimBase, int max, long defaultMaxRunning) {
    return runner.run(scripts.claim(), workerId, leaseMs, claimBase, max, defaultMaxRunning).map(r -> {
      List<ClaimedTask> out = new ArrayList<>();
      for (int i = 0; r != null && i + CLAIM_FIELDS <= r.size(); i += CLAIM_FIELDS) {
        Response checkpoint = r.get(i + 12);
        out.add(new ClaimedTask(r.get(i).toString(), new Lease(r.get(i + 1).toLong(), r.get(i + 2).toString()),
            r.get(i + 3).toLong(), str(r.get(i + 4)), str(r.get(i + 5)), str(r.get(i + 6)),
            JsonText.decode(str(r.get(i + 7))), r.get(i + 8).toInteger(), str(r.get(i + 9)),
            r.get(i + 10).toInteger(), r.get(i + 11).toInteger(),
            checkpoint == null ? null : JsonText.decode(checkpoint.toString())));
      }
      return out;
    });
  }

  public record Held(String taskId, Lease lease) {}

  public Future<Renewed> renew(String workerId, long leaseMs, long heartbeatTtlMs, JsonObject heartbeat,
                               List<Held> held) {
    List<Object> args = new ArrayList<>(List.of(workerId, leaseMs, heartbeatTtlMs, heartbeat.encode()));
    for (Held h : held) {
      args.add(h.taskId());
      args.add(h.lease().epoch());
      args.add(h.lease().claim());
    }
    return runner.run(scripts.renew(), args.toArray()).map(r -> {
      List<Reply> replies = new ArrayList<>();
      for (int i = 1; i < r.size(); i++) replies.add(Reply.parse(r.get(i).toString()));
      return new Renewed(r.get(0).toLong(), replies);
    });
  }

  /** Entries per commit in a commit_steps call; must match commit_steps.lua. */
  private static final int COMMIT_FIELDS = 8;

  /** Commits one step alone; workers batch theirs through {@link CommitBatcher}. */
  public Future<Committed> commitStep(StepCommit c, String workerId, long leaseMs, int maxStepRecords) {
    return commitSteps(List.of(c), workerId, leaseMs, maxStepRecords).map(r -> r.get(0));
  }

  /**
   * Commits many tasks' steps in one script call; one answer per commit, in order. Each
   * accepted commit that is not the task's last also renews its lease to now + leaseMs.
   */
  public Future<List<Committed>> commitSteps(List<StepCommit> commits, String workerId, long leaseMs, int maxStepRecords) {
    Object[] args = new Object[3 + commits.size() * COMMIT_FIELDS];
    args[0] = workerId;
    args[1] = leaseMs;
    args[2] = maxStepRecords;
    int i = 3;
    for (StepCommit c : commits) {
      args[i++] = c.taskId();
      args[i++] = c.lease().epoch();
      args[i++] = c.lease().claim();
      args[i++] = c.step();
      args[i++] = c.node();
      args[i++] = c.nextNode();
      args[i++] = c.checkpointJson();
      args[i++] = c.resultJson() == null ? "" : c.resultJson();
    }
    return runner.run(scripts.commitSteps(), args).map(r -> {
      List<Committed> out = new ArrayList<>(commits.size());
      for (int k = 0; k + 1 < r.size(); k += 2) out.add(new Committed(Reply.parse(r.get(k).toString()), r.get(k + 1).toLong()));
      return out;
    });
  }

  public Future<Reply> complete(String taskId, Lease lease, JsonObject result, String workerId) {
    return runner.run(scripts.complete(), taskId, lease.epoch(), lease.claim(), result.encode(), workerId)
        .map(r -> Reply.parse(r.get(0).toString()));
  }

  public Future<Failed> fail(String taskId, Lease lease, String error, long backoffMs, String workerId) {
    return fail(taskId, lease, error, backoffMs, workerId, false);
  }

  /** @param forGood the failure cannot be helped by retrying (e.g. budget_exceeded) */
  public Future<Failed> fail(String taskId, Lease lease, String error, long backoffMs, String workerId, boolean forGood) {
    return runner.run(scripts.fail(), taskId, lease.epoch(), lease.claim(), error, backoffMs, workerId, forGood ? "1" : "0").map(r -> {
      Reply reply = Reply.parse(r.get(0).toString());
      return switch (reply) {
        case RETRYING -> new Failed(reply, r.get(1).toInteger(), r.get(2).toLong());
        case FAILED -> new Failed(reply, r.get(1).toInteger(), 0);
        default -> new Failed(reply, 0, 0);
      };
    });
  }

  /** Parks the task (no worker held, no attempt counted) until {@code resumeAt} (Redis ms). */
  public Future<Reply> pause(String taskId, Lease lease, String reason, long resumeAt, String workerId) {
    return park(taskId, lease, reason, resumeAt, workerId, "paused");
  }

  /** Parks the task as {@code paused} (budget) or {@code scheduled} (waiting for rate-limit room). */
  public Future<Reply> park(String taskId, Lease lease, String reason, long resumeAt, String workerId, String status) {
    return runner.run(scripts.pause(), taskId, lease.epoch(), lease.claim(), reason, resumeAt, workerId, status)
        .map(r -> Reply.parse(r.get(0).toString()));
  }

  public Future<Integer> resumePaused(String tenantId, int batch) {
    return runner.run(scripts.resumePaused(), tenantId, batch).map(Response::toInteger);
  }

  /** For the cost ledger and budget checks, which live in their own package. */
  public ScriptRunner scripts() { return runner; }

  public Scripts scriptSet() { return scripts; }

  public Future<Reply> release(String taskId, Lease lease, String workerId) {
    return runner.run(scripts.release(), taskId, lease.epoch(), lease.claim(), workerId)
        .map(r -> Reply.parse(r.get(0).toString()));
  }

  public Future<Expired> expireLeases(int batch) {
    return runner.run(scripts.expireLeases(), batch).map(r -> {
      List<String> ids = new ArrayList<>();
      for (int i = 2; i < r.size(); i++) ids.add(r.get(i).toString());
      return new Expired(r.get(0).toInteger(), r.get(1).toInteger(), ids);
    });
  }

  public Future<Integer> promoteDelayed(int batch) {
    return runner.run(scripts.promoteDelayed(), batch).map(Response::toInteger);
  }

  public Future<Integer> applyRetention(long retentionMs, int batch) {
    return runner.run(scripts.applyRetention(), retentionMs, batch).map(Response::toInteger);
  }

  public Future<Cancelled> cancel(String taskId, String reason) {
    return runner.run(scripts.cancel(), taskId, reason).map(r -> {
      Reply reply = Reply.parse(r.get(0).toString());
      return new Cancelled(reply, r.size() > 1 ? r.get(1).toString() : null);
    });
  }

  // ---- reads (no script needed: one command each) ----

  /** The task hash as stored, or empty when there is no such task. */
  public Future<Optional<Map<String, String>>> get(String taskId) {
    return redis.send(Request.cmd(Command.HGETALL).arg(keys.meta(taskId))).map(r -> {
      if (r == null || r.size() == 0) return Optional.empty();
      Map<String, String> m = new LinkedHashMap<>();
      for (String k : r.getKeys()) m.put(k, r.get(k).toString());
      return Optional.of(m);
    });
  }

  /** The committed step records (task:{id}:steps, as commit_steps.lua writes them), oldest first. */
  public Future<List<JsonObject>> steps(String taskId) {
    return redis.send(Request.cmd(Command.LRANGE).arg(keys.steps(taskId)).arg(0).arg(-1)).map(r -> {
      List<JsonObject> out = new ArrayList<>();
      if (r == null) return out;
      for (Response x : r) {
        // values are strings as the script writes them; records of the earlier layout held numbers
        // and `committed_at` instead of `at`
        JsonObject s = new JsonObject(x.toString());
        out.add(new JsonObject()
            .put("step", Integer.parseInt(String.valueOf(s.getValue("step"))))
            .put("node", s.getString("node"))
            .put("epoch", Long.parseLong(String.valueOf(s.getValue("epoch"))))
            .put("claim", s.getString("claim"))
            .put("worker_id", s.getString("worker_id"))
            .put("committed_at", s.getLong("at", s.getLong("committed_at"))));
      }
      return out;
    });
  }

  public Future<Optional<JsonObject>> checkpoint(String taskId) {
    return redis.send(Request.cmd(Command.GET).arg(keys.checkpoint(taskId)))
        .map(r -> Optional.ofNullable(r).map(x -> new JsonObject(x.toString())));
  }

  /** One plain command, for the few single-key writes that need no script. */
  public Future<Response> redisCommand(Request r) {
    return redis.send(r);
  }

  /** Redis's clock (ms): the one clock every time Sentinel stores is computed from. */
  public Future<Long> redisNow() {
    return redis.send(Request.cmd(Command.TIME)).map(t -> t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000);
  }

  public Future<Boolean> ping() {
    return redis.send(Request.cmd(Command.PING)).map(r -> r != null && "PONG".equals(r.toString()));
  }

  private static String str(Response r) {
    return r == null ? null : r.toString();
  }
}
