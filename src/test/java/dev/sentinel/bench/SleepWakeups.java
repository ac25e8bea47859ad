package dev.sentinel.bench;

import dev.sentinel.store.History;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How late sleeping noop tasks woke, from their histories (Redis clock, ms): the sleep's deadline
 * is the `until` of its `waiting` record (kind sleep), the wake-up the commit of the sleep step,
 * and the next step's commit when the task went on running after it.
 */
record SleepWakeups(long[] wakeLateMs, long[] nextStepLateMs, int missing) {

  static SleepWakeups read(RedisProbe probe, List<String> ids) {
    long[] wake = new long[ids.size()], next = new long[ids.size()];
    int n = 0, missing = 0;
    for (int from = 0; from < ids.size(); from += 500) {
      List<Request> batch = new ArrayList<>();
      for (String id : ids.subList(from, Math.min(ids.size(), from + 500))) {
        batch.add(Request.cmd(Command.LRANGE).arg("task:" + id + ":history").arg(0).arg(-1));
      }
      for (Response history : probe.pipeline(batch)) {
        long until = -1, woke = -1, after = -1;
        for (Response r : history) {
          JsonObject rec = new JsonObject(r.toString());
          if ("waiting".equals(rec.getString("type")) && "sleep".equals(rec.getString("kind")) && until < 0) {
            until = Long.parseLong(rec.getString("until"));
          } else if (History.isStep(rec) && "sleep".equals(rec.getString("node"))) {
            woke = History.longOf(rec.getValue("at"));
          } else if (History.isStep(rec) && woke >= 0 && after < 0) {
            after = History.longOf(rec.getValue("at"));
          }
        }
        if (until < 0 || woke < 0 || after < 0) {
          missing++;
          continue;
        }
        wake[n] = woke - until;
        next[n++] = after - until;
      }
    }
    long[] w = Arrays.copyOf(wake, n), a = Arrays.copyOf(next, n);
    Arrays.sort(w);
    Arrays.sort(a);
    return new SleepWakeups(w, a, missing);
  }

  static long at(long[] sorted, double q) {
    return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
  }
}
