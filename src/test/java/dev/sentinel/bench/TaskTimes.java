package dev.sentinel.bench;

import dev.sentinel.store.History;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * When each task was submitted, claimed and completed, all on the Redis clock (the clock the
 * scripts stamp with), so no client clock or polling interval enters a latency. created_at and
 * completed_at are fields of task:{id}:meta; the claim time is the `at` (ms) of the task's first
 * `claimed` record in its history task:{id}:history (which starts at the first claim).
 */
public record TaskTimes(List<Long> submitToDone, List<Long> claimToDone, long firstCreated, long lastCompleted) {

  private static final int BATCH = 500;

  public static TaskTimes read(RedisProbe probe, List<String> ids) {
    List<Long> submitToDone = new ArrayList<>(ids.size()), claimToDone = new ArrayList<>(ids.size());
    long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
    for (int from = 0; from < ids.size(); from += BATCH) {
      List<Request> batch = new ArrayList<>();
      for (String id : ids.subList(from, Math.min(ids.size(), from + BATCH))) {
        batch.add(Request.cmd(Command.HMGET).arg("task:" + id + ":meta").arg("created_at").arg("completed_at"));
        batch.add(Request.cmd(Command.LRANGE).arg("task:" + id + ":history").arg(0).arg(3));
      }
      List<Response> replies = probe.pipeline(batch);
      for (int i = 0; i < replies.size(); i += 2) {
        Response meta = replies.get(i);
        if (meta.get(1) == null) throw new IllegalStateException("a task has no completed_at: not every task completed");
        long created = meta.get(0).toLong(), completed = meta.get(1).toLong();
        submitToDone.add(completed - created);
        long claimed = claimedAt(replies.get(i + 1));
        if (claimed > 0) claimToDone.add(completed - claimed);
        first = Math.min(first, created);
        last = Math.max(last, completed);
      }
    }
    Collections.sort(submitToDone);
    Collections.sort(claimToDone);
    return new TaskTimes(submitToDone, claimToDone, first, last);
  }

  /** `at` of the first `claimed` record, or 0. */
  private static long claimedAt(Response events) {
    for (Response entry : events) {
      JsonObject record = new JsonObject(entry.toString());
      if ("claimed".equals(record.getString("type"))) return History.longOf(record.getValue("at"));
    }
    return 0;
  }

  public static long pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) return -1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
  }

  public String submitToDoneP50P99() { return pct(submitToDone, 50) + " / " + pct(submitToDone, 99) + " ms"; }

  public String claimToDoneP50P99() { return pct(claimToDone, 50) + " / " + pct(claimToDone, 99) + " ms"; }
}
