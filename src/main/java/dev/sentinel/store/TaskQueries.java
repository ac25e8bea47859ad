package dev.sentinel.store;

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

/**
 * Reads for the API: many tasks at once, counts by status, a task's events, live workers.
 * Only indexes and known keys are read; nothing here SCANs the keyspace.
 */
public final class TaskQueries {

  public static final List<String> STATUSES = List.of("queued", "scheduled", "leased", "in_progress", "retrying",
      "paused", "completed", "failed", "cancelled");

  private final Redis redis;
  private final Keys keys;
  private final ScriptRunner runner;
  private final Scripts scripts;

  /** Shares the store's client and scripts (the audit-list read is a script, for consistent ids). */
  public TaskQueries(TaskStore store) {
    this.redis = store.redis();
    this.keys = store.keys();
    this.runner = store.scripts();
    this.scripts = store.scriptSet();
  }

  /** The task hashes for these ids, in order, in one pipelined round trip; gone ones are skipped. */
  public Future<List<Map<String, String>>> tasks(List<String> ids) {
    if (ids.isEmpty()) return Future.succeededFuture(List.of());
    List<Request> reads = ids.stream().map(id -> Request.cmd(Command.HGETALL).arg(keys.meta(id))).toList();
    return redis.batch(reads).map(replies -> {
      List<Map<String, String>> out = new ArrayList<>();
      for (Response r : replies) {
        if (r == null || r.size() == 0) continue;
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : r.getKeys()) m.put(k, r.get(k).toString());
        out.add(m);
      }
      return out;
    });
  }

  /** Tasks per status (cluster-wide, or of one tenant) and the total. */
  public Future<Map<String, Long>> countsByStatus(String tenantId) {
    List<Request> counts = new ArrayList<>();
    for (String s : STATUSES) {
      String key = tenantId == null ? keys.statusIndex(s) : keys.tenantStatusIndex(tenantId, s);
      counts.add(Request.cmd(Command.ZCARD).arg(key));
    }
    counts.add(Request.cmd(Command.ZCARD).arg(tenantId == null ? keys.allTasks() : keys.tenantIndex(tenantId)));
    return redis.batch(counts).map(r -> {
      Map<String, Long> out = new LinkedHashMap<>();
      for (int i = 0; i < STATUSES.size(); i++) out.put(STATUSES.get(i), r.get(i).toLong());
      out.put("total_tasks", r.get(STATUSES.size()).toLong());
      return out;
    });
  }

  /** One audit record: {@code id} is its position since the task began; fields include {@code at} (Redis ms). */
  public record TaskEvent(long id, String type, JsonObject fields) {}

  /** Events of one task after {@code afterId} (exclusive; 0 for all), oldest first. */
  public Future<List<TaskEvent>> events(String taskId, long afterId, int count) {
    return runner.run(scripts.taskEvents(), taskId, afterId, count).map(r -> {
      List<TaskEvent> out = new ArrayList<>();
      long id = r.get(0).toLong();
      for (int i = 1; i < r.size(); i++, id++) {
        JsonObject fields = new JsonObject(r.get(i).toString());
        String type = (String) fields.remove("type");
        out.add(new TaskEvent(id, type, fields));
      }
      return out;
    });
  }

  /** Heartbeats of workers seen within {@code withinMs}; stale entries are pruned as we go. */
  public Future<List<JsonObject>> liveWorkers(long withinMs) {
    return redis.send(Request.cmd(Command.TIME)).compose(t -> {
      long now = t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
      return redis.batch(List.of(
          Request.cmd(Command.ZREMRANGEBYSCORE).arg(keys.workers()).arg("-inf").arg(now - 24 * 3600_000L),
          Request.cmd(Command.ZRANGEBYSCORE).arg(keys.workers()).arg(now - withinMs).arg("+inf").arg("WITHSCORES")));
    }).compose(r -> {
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
      return redis.send(mget).map(hbs -> {
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
}
