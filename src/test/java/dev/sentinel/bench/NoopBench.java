package dev.sentinel.bench;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * End-to-end noop throughput: a fresh redis-server (AOF everysec) and the real jar as one
 * process; N noop tasks of S steps are submitted over HTTP, and we time submit-to-completion.
 * Reports steps/s, tasks/s, latency percentiles (Redis clock), Redis commands and CPU per
 * step, and the idle command rate. A measurement, never a test: see BENCHMARKS.md.
 *
 * <pre>java -cp target/sentinel.jar:target/test-classes dev.sentinel.bench.NoopBench
 *      [--tasks 2000] [--steps 5] [--workers 2] [--concurrency 64] [--submitters 32] [--idle-seconds 10]</pre>
 */
public final class NoopBench {

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>(Map.of("tasks", "2000", "steps", "5", "workers", "2", "concurrency", "64",
        "submitters", "32", "idle-seconds", "10", "mode", "overlap"));
    for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    int tasks = Integer.parseInt(a.get("tasks")), steps = Integer.parseInt(a.get("steps"));

    try (RedisServerProcess redisServer = RedisServerProcess.start("everysec")) {
      Vertx vertx = Vertx.vertx();
      Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisServer.url()));
      int port = RedisServerProcess.freePort();
      // overlap: one process runs everything while tasks arrive (end-to-end latency);
      // backlog: tasks are queued first by an API-only process, then a worker process drains
      // them (pure worker throughput and Redis cost per step, without the submit path)
      boolean backlog = "backlog".equals(a.get("mode"));
      Map<String, String> env = Map.of(
          "SENTINEL_REDIS_URL", redisServer.url(), "SENTINEL_HTTP_PORT", String.valueOf(port),
          "SENTINEL_WORKER_INSTANCES", a.get("workers"), "SENTINEL_WORKER_CONCURRENCY", a.get("concurrency"));
      try (SentinelProcess node = SentinelProcess.start("bench-node", backlog ? "api" : "api,worker,watcher", env)) {
        Http health = new Http(port);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!health.isUp()) {
          if (System.nanoTime() > deadline) throw new IllegalStateException("node did not start; see target/it-logs/bench-node.log");
          Thread.sleep(100);
        }
        send(redis, Request.cmd(Command.CONFIG).arg("RESETSTAT"));
        double cpu0 = redisCpuSeconds(redis);

        long t0 = System.nanoTime();
        List<String> ids = submit(port, tasks, steps, Integer.parseInt(a.get("submitters")));
        long submitNanos = System.nanoTime() - t0;
        SentinelProcess workers = null;
        if (backlog) {
          workers = SentinelProcess.start("bench-workers", "worker,watcher", env);
          while (count(redis, "index:status:leased") + count(redis, "index:status:in_progress") == 0) Thread.sleep(1);
          send(redis, Request.cmd(Command.CONFIG).arg("RESETSTAT"));
          cpu0 = redisCpuSeconds(redis);
          t0 = System.nanoTime();
        }
        while (count(redis, "index:status:completed") < tasks) Thread.sleep(20);
        long totalNanos = System.nanoTime() - t0;
        double cpu1 = redisCpuSeconds(redis);
        Map<String, Long> stats = commandStats(redis);
        long scriptUs = scriptMicros(redis);

        List<Long> latencies = new ArrayList<>();
        for (String id : ids) {
          Response r = send(redis, Request.cmd(Command.HMGET).arg("task:" + id + ":meta").arg("created_at").arg("completed_at"));
          latencies.add(r.get(1).toLong() - r.get(0).toLong());
        }
        Collections.sort(latencies);

        send(redis, Request.cmd(Command.CONFIG).arg("RESETSTAT"));
        int idleSeconds = Integer.parseInt(a.get("idle-seconds"));
        Thread.sleep(idleSeconds * 1000L);
        Map<String, Long> idle = commandStats(redis);
        long idleCalls = idle.values().stream().mapToLong(Long::longValue).sum();
        long idleEvalsha = idle.getOrDefault("evalsha", 0L);

        long totalSteps = (long) tasks * steps;
        long allCalls = stats.values().stream().mapToLong(Long::longValue).sum();
        double seconds = totalNanos / 1e9;
        System.out.printf("mode=%s tasks=%d steps/task=%d workers=%s concurrency=%s%n", a.get("mode"), tasks, steps, a.get("workers"), a.get("concurrency"));
        System.out.printf("submit: %.0f tasks/s over HTTP (%d submitters)%n", tasks / (submitNanos / 1e9), Integer.parseInt(a.get("submitters")));
        System.out.printf("%s: %.1f s, %.0f tasks/s, %.0f steps/s%n", backlog ? "draining the backlog" : "end to end",
            seconds, tasks / seconds, totalSteps / seconds);
        System.out.printf("submit->completed latency (Redis clock): p50 %d ms, p99 %d ms, max %d ms%n",
            pct(latencies, 50), pct(latencies, 99), latencies.get(latencies.size() - 1));
        System.out.printf("Redis: %.2f EVALSHA per step, %.2f commands per step incl. inside scripts, %.1f us CPU per step (%.1f us of it inside scripts)%n",
            stats.getOrDefault("evalsha", 0L) / (double) totalSteps, allCalls / (double) totalSteps, (cpu1 - cpu0) * 1e6 / totalSteps,
            scriptUs / (double) totalSteps);
        System.out.printf("idle: %.2f round trips/s (EVALSHA), %.2f commands/s incl. inside scripts, over %d s (%s worker verticles + 1 watcher)%n",
            idleEvalsha / (double) idleSeconds, idleCalls / (double) idleSeconds, idleSeconds, a.get("workers"));
        System.out.println("commandstats: " + stats);
        if (workers != null) workers.terminate(30);
        node.terminate(30);
      } finally {
        redis.close();
        vertx.close().await();
      }
    }
  }

  private static List<String> submit(int port, int tasks, int steps, int parallel) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    Semaphore inFlight = new Semaphore(parallel);
    List<CompletableFuture<String>> all = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      String body = new JsonObject().put("tenant_id", "tenant-" + (i % 8)).put("task_type", "bench").put("agent_type", "noop")
          .put("task_params", new JsonObject().put("steps", steps)).encode();
      inFlight.acquire();
      all.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tasks"))
              .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, e) -> inFlight.release())
          .thenApply(r -> {
            if (r.statusCode() != 201) throw new IllegalStateException("submit: " + r.statusCode() + " " + r.body());
            return new JsonObject(r.body()).getString("task_id");
          }));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<String> f : all) ids.add(f.get());
    return ids;
  }

  private static long pct(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static long count(Redis redis, String key) {
    // ZCOUNT, which no script uses, so the bench's own polling can be told apart in commandstats
    return send(redis, Request.cmd(Command.ZCOUNT).arg(key).arg("-inf").arg("+inf")).toLong();
  }

  private static double redisCpuSeconds(Redis redis) {
    double total = 0;
    for (String line : send(redis, Request.cmd(Command.INFO).arg("cpu")).toString().split("\r?\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) total += Double.parseDouble(line.split(":")[1]);
    }
    return total;
  }

  /** Microseconds Redis spent inside scripts (EVALSHA, including the commands they call). */
  private static long scriptMicros(Redis redis) {
    for (String line : send(redis, Request.cmd(Command.INFO).arg("commandstats")).toString().split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:")) {
        int at = line.indexOf("usec=") + 5;
        return Long.parseLong(line.substring(at, line.indexOf(',', at)));
      }
    }
    return 0;
  }

  private static Map<String, Long> commandStats(Redis redis) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (String line : send(redis, Request.cmd(Command.INFO).arg("commandstats")).toString().split("\r?\n")) {
      if (!line.startsWith("cmdstat_")) continue;
      String name = line.substring(8, line.indexOf(':'));
      String calls = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
      out.put(name, Long.parseLong(calls));
      if (System.getProperty("bench.verbose") != null) System.out.println(line);
    }
    out.remove("info");
    out.remove("config");
    out.remove("zcount");
    return out;
  }

  private static Response send(Redis redis, Request r) {
    return redis.send(r).await();
  }
}
