package dev.sentinel.bench;

import dev.sentinel.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

import static dev.sentinel.bench.MarkdownTable.n;
import static dev.sentinel.bench.MarkdownTable.n2;

/**
 * Durable sleeps at scale (issue 13): N noop tasks whose first node is a sleep of S ms, on one
 * api + watcher process and one worker process (the real jar, default watcher interval) and a
 * fresh redis-server. While every task sleeps: how many run (from GET /stats and GET /workers:
 * a sleeping task must hold no worker slot) and what Redis executes per second. Then the
 * lateness of each wake-up, from the histories on the Redis clock: the sleep step's commit, and
 * the next step's, minus the deadline the sleep recorded.
 * <pre>
 *   bench/sleep.sh [tasks] [sleep ms] [worker concurrency]
 * The sleep must outlast parking all N (each is claimed, runs to its sleep node and parks): on
 * the 2-core VM 10,000 took longer than 30 s, hence the 60 s default.
 * </pre>
 */
public final class SleepBench {

  /** The Redis-cost window closes this long before the first deadline, so no wake-up falls in it. */
  private static final long MARGIN_MS = 1_000;

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    long sleepMs = args.length > 1 ? Long.parseLong(args[1]) : 60_000;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    try (FreshRedis redis = new FreshRedis(); RedisProbe probe = new RedisProbe(redis.url());
         BenchCluster cluster = BenchCluster.start(probe, redis.url(), 1, 1, concurrency)) {
      Http api = new Http(cluster.httpPort());
      long t0 = System.nanoTime();
      List<String> ids = HttpSubmitter.submit(cluster.httpPort(), tasks,
          new JsonObject().put("steps", 1).put("sleep_ms_at_step", 1).put("sleep_ms", sleepMs), 32);
      double submitS = (System.nanoTime() - t0) / 1e9;
      // every task must be asleep at once: the sleep must outlast the claims that park them all
      awaitCount(api, "scheduled", tasks, sleepMs);
      double asleepS = (System.nanoTime() - t0) / 1e9;
      System.err.printf("[bench] %d submitted in %.1f s, all asleep %.1f s after the first submission%n", tasks, submitS, asleepS);
      long firstDeadline = firstDeadline(probe);
      long windowMs = firstDeadline - MARGIN_MS - probe.timeMs();
      if (windowMs < 2_000) {
        throw new IllegalStateException("only " + windowMs + " ms left before the first wake-up: submit faster or sleep longer");
      }
      // half the window for Redis' cost with nothing polling the API, half for sampling who runs
      RedisProbe.RedisSnapshot before = probe.snapshot();
      Thread.sleep(windowMs / 2);
      RedisCost cost = RedisCost.between(before, probe.snapshot());
      Running running = Running.sample(api, firstDeadline - MARGIN_MS, probe);
      awaitCount(api, "completed", tasks, sleepMs + 120_000);
      SleepWakeups w = SleepWakeups.read(probe, ids);
      print(tasks, sleepMs, concurrency, submitS, asleepS, cost, running, w);
    }
  }

  /** Most tasks running (leased or in progress, and held per GET /workers) seen over the samples, and the scheduled count. */
  record Running(int samples, long maxRunning, long maxHeld, long minScheduled) {
    static Running sample(Http api, long untilRedisMs, RedisProbe probe) throws InterruptedException {
      int samples = 0;
      long maxRunning = 0, maxHeld = 0, minScheduled = Long.MAX_VALUE;
      while (probe.timeMs() < untilRedisMs) {
        JsonObject stats = api.get("/stats").json();
        maxRunning = Math.max(maxRunning, stats.getLong("leased", 0L) + stats.getLong("in_progress", 0L));
        minScheduled = Math.min(minScheduled, stats.getLong("scheduled", 0L));
        long held = 0;
        for (Object w : api.get("/workers").json().getJsonArray("workers", new JsonArray())) {
          held += ((JsonObject) w).getJsonArray("tasks", new JsonArray()).size();
        }
        maxHeld = Math.max(maxHeld, held);
        samples++;
        Thread.sleep(250);
      }
      return new Running(samples, maxRunning, maxHeld, minScheduled);
    }
  }

  private static void awaitCount(Http api, String status, int tasks, long withinMs) throws InterruptedException {
    long deadline = System.nanoTime() + withinMs * 1_000_000;
    while (api.get("/stats").json().getLong(status, 0L) < tasks) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("fewer than " + tasks + " tasks " + status + " after " + withinMs + " ms: "
            + api.get("/stats").body() + (status.equals("scheduled") ? " (the first may have woken already: sleep longer)" : ""));
      }
      Thread.sleep(100);
    }
  }

  private static long firstDeadline(RedisProbe probe) {
    Response first = probe.send(Request.cmd(Command.ZRANGE).arg("delayed").arg(0).arg(0).arg("WITHSCORES"));
    Response score = first.size() == 2 ? first.get(1) : first.get(0).get(1);   // RESP2 flat, RESP3 pairs
    return (long) Double.parseDouble(score.toString());
  }

  private static void print(int tasks, long sleepMs, int concurrency, double submitS, double asleepS, RedisCost cost, Running r,
                            SleepWakeups w) {
    System.out.printf("%n### %,d sleeping tasks (noop, sleep_ms %,d before step 1; 1 worker process, concurrency %d)%n%n", tasks,
        sleepMs, concurrency);
    System.out.println(new MarkdownTable("while all slept", "value")
        .row("submitted in", n2(submitS) + " s")
        .row("all asleep (GET /stats: scheduled = N) after", n2(asleepS) + " s")
        .row("most tasks leased or in progress (GET /stats, " + r.samples() + " samples)", n(r.maxRunning()))
        .row("most tasks held by workers (GET /workers)", n(r.maxHeld()))
        .row("fewest tasks scheduled", n(r.minScheduled()))
        .row("Redis commands / s incl. in scripts (" + n2(cost.seconds()) + " s, no API polling)", n2(cost.commands() / cost.seconds()))
        .row("EVALSHA / s", n2(cost.evalsha() / cost.seconds()))
        .row("Redis CPU", n2(cost.cpuSeconds() * 100 / cost.seconds()) + " %"));
    StringBuilder by = new StringBuilder();
    cost.byCommand().forEach((k, v) -> by.append(by.length() == 0 ? "" : ", ").append(k).append(' ').append(n2(v / cost.seconds())));
    System.out.println("Per second, by command: " + by);
    System.out.println();
    System.out.println(new MarkdownTable("lateness after the deadline, ms (Redis clock)", "n", "p50", "p99", "max")
        .row("sleep step committed (the wake-up)", w.wakeLateMs().length, at(w.wakeLateMs(), .5), at(w.wakeLateMs(), .99),
            at(w.wakeLateMs(), 1))
        .row("next step committed", w.nextStepLateMs().length, at(w.nextStepLateMs(), .5), at(w.nextStepLateMs(), .99),
            at(w.nextStepLateMs(), 1)));
    if (w.missing() > 0) System.out.println("[bench] " + w.missing() + " task(s) without a sleep record, wake-up or next step");
    System.out.printf("RESULT system=sentinel mode=sleep tasks=%d sleep_ms=%d max_running=%d max_held=%d cmds_per_s=%.2f "
            + "wake_p50_ms=%d wake_p99_ms=%d wake_max_ms=%d next_p99_ms=%d%n", tasks, sleepMs, r.maxRunning(), r.maxHeld(),
        cost.commands() / cost.seconds(), at(w.wakeLateMs(), .5), at(w.wakeLateMs(), .99), at(w.wakeLateMs(), 1),
        at(w.nextStepLateMs(), .99));
  }

  private static long at(long[] sorted, double q) { return SleepWakeups.at(sorted, q); }
}
