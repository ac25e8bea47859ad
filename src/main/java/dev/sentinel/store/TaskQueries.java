package dev.sentinel.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads for the API: a task, many tasks, a page of a listing, counts by status, a task's
 * history (its events, steps and checkpoint), live workers. Only known keys and the indexes
 * the state scripts keep are read; nothing here SCANs the keyspace.
 */
public final class TaskQueries {

  public static final List<String> STATUSES = List.of("queued", "scheduled", "leased", "in_progress", "retrying",
      "paused", "waiting", "completed", "failed", "cancelled");

  private final StoreCore core;

  TaskQueries(StoreCore core) {
    this.core = core;
  }

  /** The task, or empty when there is no such task. */
  public Future<Optional<TaskView>> get(String taskId) {
    return core.send(Request.cmd(Command.HGETALL).arg(core.keys().meta(taskId)))
        .map(r -> Optional.ofNullable(TaskView.of(StoreCore.hash(r))));
  }

  /** The tasks with these ids, in order, in one pipelined round trip; gone ones are skipped. */
  public Future<List<TaskView>> tasks(List<String> ids) {
    if (ids.isEmpty()) return Future.succeededFuture(List.of());
    List<Request> reads = ids.stream().map(id -> Request.cmd(Command.HGETALL).arg(core.keys().meta(id))).toList();
    return core.redis().batch(reads).map(replies -> {
      List<TaskView> out = new ArrayList<>();
      for (Response r : replies) {
        TaskView t = TaskView.of(StoreCore.hash(r));
        if (t != null) out.add(t);
      }
      return out;
    });
  }

  /** One page of task ids (see queries/list_tasks.lua for the order and the cursor). */
  public record Page(long total, String nextCursor, List<String> taskIds) {}

  public Future<Page> listTaskIds(TaskFilter f, String cursor, int offset, int limit, int scanBudget) {
    return core.run(core.scripts().listTasks(), f.status(), f.tenantId(), f.agentType(), f.taskType(), cursor, offset,
        limit, scanBudget).map(r -> {
          List<String> ids = new ArrayList<>();
          for (int i = 2; i < r.size(); i++) ids.add(r.get(i).toString());
          String next = r.get(1).toString();
          return new Page(r.get(0).toLong(), next.isEmpty() ? null : next, ids);
        });
  }

  /** Tasks per status (cluster-wide, or of one tenant) and {@code total_tasks}, from the exact counters. */
  public Future<Map<String, Long>> countsByStatus(String tenantId) {
    String key = tenantId == null ? core.keys().counts() : core.keys().tenantCounts(tenantId);
    return core.send(Request.cmd(Command.HGETALL).arg(key)).map(r -> {
      Map<String, String> counted = StoreCore.hash(r);
      Map<String, Long> out = new LinkedHashMap<>();
      for (String s : STATUSES) out.put(s, Long.parseLong(counted.getOrDefault(s, "0")));
      out.put("total_tasks", Long.parseLong(counted.getOrDefault("total", "0")));
      return out;
    });
  }

  /** The task's whole history, oldest first. */
  public Future<List<JsonObject>> history(String taskId) {
    return core.send(Request.cmd(Command.LRANGE).arg(core.keys().history(taskId)).arg(0).arg(-1))
        .map(r -> History.withClaims(records(r)));
  }

  /** The committed steps, oldest first. */
  public Future<List<StepRecord>> steps(String taskId) {
    return history(taskId).map(records -> {
      List<StepRecord> out = new ArrayList<>();
      for (JsonObject r : records) {
        if (!History.isStep(r)) continue;
        out.add(new StepRecord(History.intOf(r.getValue("step")), r.getString("node"), History.longOf(r.getValue("epoch")),
            r.getString("claim"), History.workerOf(r), History.longOf(r.getValue("at")), History.runMsOf(r)));
      }
      return out;
    });
  }

  /** The checkpoint after the last committed step, rebuilt from the history; empty before the first. */
  public Future<Optional<JsonObject>> checkpoint(String taskId) {
    return paramsAndHistory(taskId).map(ph -> Optional.ofNullable(History.checkpoint(ph.params(), ph.records(), 0)));
  }

  /**
   * The checkpoint after step {@code step} exactly: step 0 is the initial state (the task's
   * params, no node yet); empty when that step was not committed.
   */
  public Future<Optional<JsonObject>> checkpointAt(String taskId, int step) {
    return paramsAndHistory(taskId).map(ph -> {
      if (step == 0) {
        return Optional.of(new JsonObject().put("schema_version", History.CHECKPOINT_SCHEMA_VERSION).put("step", 0)
            .putNull("node").putNull("next_node").put("state", ph.params()));
      }
      return Optional.ofNullable(History.checkpoint(ph.params(), ph.records(), step));
    });
  }

  /** The checkpoints after steps afterStep+1 .. afterStep+limit that were committed, oldest first. */
  public Future<List<History.Checkpoint>> checkpoints(String taskId, int afterStep, int limit) {
    return paramsAndHistory(taskId).map(ph -> History.checkpoints(ph.params(), ph.records(), afterStep, limit));
  }

  private record ParamsAndHistory(JsonObject params, List<JsonObject> records) {}

  /** The task's params and whole history in one round trip (both are needed to rebuild any state). */
  private Future<ParamsAndHistory> paramsAndHistory(String taskId) {
    return core.redis().batch(List.of(
        Request.cmd(Command.HGET).arg(core.keys().meta(taskId)).arg("task_params"),
        Request.cmd(Command.LRANGE).arg(core.keys().history(taskId)).arg(0).arg(-1))).map(r -> new ParamsAndHistory(
            r.get(0) == null ? new JsonObject() : JsonText.decode(r.get(0).toString()), records(r.get(1))));
  }

  /** One history record: {@code id} is its 1-based position in the history; fields include {@code at} (Redis ms). */
  public record TaskEvent(long id, String type, JsonObject fields) {}

  /** Events of one task after {@code afterId} (exclusive; 0 for all), oldest first. */
  public Future<List<TaskEvent>> events(String taskId, long afterId, int count) {
    return core.send(Request.cmd(Command.LRANGE).arg(core.keys().history(taskId)).arg(afterId).arg(afterId + count - 1))
        .map(r -> {
          List<TaskEvent> out = new ArrayList<>();
          long id = afterId + 1;
          for (JsonObject fields : records(r)) {
            String type = (String) fields.remove("type");
            out.add(new TaskEvent(id++, type, fields));
          }
          return out;
        });
  }

  private static List<JsonObject> records(Response r) {
    List<JsonObject> out = new ArrayList<>();
    if (r != null) for (Response x : r) out.add(History.read(x.toString()));
    return out;
  }

  /** Heartbeats of workers seen within {@code withinMs}; stale entries are pruned as we go. */
  public Future<List<JsonObject>> liveWorkers(long withinMs) {
    Keys keys = core.keys();
    return core.redisNow().compose(now -> core.redis().batch(List.of(
          Request.cmd(Command.ZREMRANGEBYSCORE).arg(keys.workers()).arg("-inf").arg(now - 24 * 3600_000L),
          Request.cmd(Command.ZRANGEBYSCORE).arg(keys.workers()).arg(now - withinMs).arg("+inf").arg("WITHSCORES"))))
        .compose(r -> {
          Response seen = r.get(1);
          List<String> ids = new ArrayList<>();
          List<Long> at = new ArrayList<>();
          for (int i = 0; i < seen.size(); i++) {
            Response e = seen.get(i);
            if (e.size() == 2) {   // RESP3: [member, score] pairs
              ids.add(e.get(0).toString());
              at.add(e.get(1).toDouble().longValue());
            } else {               // RESP2: flat list
              ids.add(e.toString());
              at.add(seen.get(++i).toDouble().longValue());
            }
          }
          if (ids.isEmpty()) return Future.succeededFuture(List.<JsonObject>of());
          Request mget = Request.cmd(Command.MGET);
          ids.forEach(id -> mget.arg(keys.heartbeat(id)));
          return core.send(mget).map(hbs -> {
            List<JsonObject> out = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
              Response hb = hbs.get(i);
              if (hb == null) continue;   // heartbeat expired: not live
              out.add(new JsonObject(hb.toString()).put("worker_id", ids.get(i)).put("last_heartbeat_ms", at.get(i)));
            }
            return out;
          });
        });
  }

  public Future<Boolean> ping() {
    return core.send(Request.cmd(Command.PING)).map(r -> r != null && "PONG".equals(r.toString()));
  }

  /** Redis's clock (ms). */
  public Future<Long> redisNow() {
    return core.redisNow();
  }
}
