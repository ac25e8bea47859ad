package dev.sentinel.bench;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import io.vertx.core.json.JsonObject;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * POST /tasks throughput and latency: a fresh redis-server (AOF everysec) and the real jar as
 * an API-only process; C clients each send submissions back to back (closed loop, keep-alive)
 * for a warm-up and then a measured period. Every answer must be 201.
 *
 * <pre>java -cp target/sentinel.jar:target/test-classes SubmitBench
 *      [--concurrency 32] [--seconds 20] [--warmup-seconds 5] [--http-instances 2] [--with-key true]
 *      [--node-jvm-options "-XX:StartFlightRecording=..."]</pre>
 */
public final class SubmitBench {

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>(Map.of("concurrency", "32", "seconds", "20", "warmup-seconds", "5",
        "http-instances", "2", "with-key", "true"));
    for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    int concurrency = Integer.parseInt(a.get("concurrency"));
    boolean withKey = Boolean.parseBoolean(a.get("with-key"));
    String adminKey = "bench-admin-key";

    try (RedisServerProcess redis = RedisServerProcess.start("everysec")) {
      int port = RedisServerProcess.freePort();
      Map<String, String> env = new HashMap<>(Map.of("SENTINEL_REDIS_URL", redis.url(),
          "SENTINEL_HTTP_PORT", String.valueOf(port), "SENTINEL_HTTP_INSTANCES", a.get("http-instances")));
      if (withKey) env.put("SENTINEL_ADMIN_KEY", adminKey);
      // e.g. -XX:StartFlightRecording=filename=/tmp/api.jfr,settings=profile to see where a POST's CPU goes
      if (!a.getOrDefault("node-jvm-options", "").isBlank()) env.put("JAVA_TOOL_OPTIONS", a.get("node-jvm-options"));
      try (SentinelProcess node = SentinelProcess.start("submit-bench", "api", env)) {
        Http health = new Http(port);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!health.isUp()) {
          if (System.nanoTime() > deadline) throw new IllegalStateException("API did not start");
          Thread.sleep(100);
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        run(client, port, concurrency, Integer.parseInt(a.get("warmup-seconds")), withKey ? adminKey : null);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        int done = run(client, port, concurrency, Integer.parseInt(a.get("seconds")), withKey ? adminKey : null, latencies);
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("POST /tasks: %d submissions in %.1f s = %.0f/s at concurrency %d (%s http verticles, %s)%n",
            done, seconds, done / seconds, concurrency, a.get("http-instances"), withKey ? "with API key" : "open");
        System.out.printf("latency: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
            pct(sorted, 50) / 1e6, pct(sorted, 99) / 1e6, pct(sorted, 99.9) / 1e6, sorted.get(sorted.size() - 1) / 1e6);
        node.terminate(30);
      }
    }
  }

  private static int run(HttpClient client, int port, int concurrency, int seconds, String key) throws Exception {
    return run(client, port, concurrency, seconds, key, null);
  }

  private static int run(HttpClient client, int port, int concurrency, int seconds, String key, List<Long> latencies)
      throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicInteger count = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      int client_ = c;
      clients.add(pool.submit(() -> {
        int i = 0;
        while (System.nanoTime() < end) {
          String body = new JsonObject().put("tenant_id", "tenant-" + (client_ % 8)).put("task_type", "bench")
              .put("agent_type", "noop").put("task_params", new JsonObject().put("steps", 5).put("n", i++)).encode();
          HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tasks"))
              .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
          if (key != null) b.header("Authorization", "Bearer " + key);
          long t = System.nanoTime();
          HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
          long took = System.nanoTime() - t;
          if (r.statusCode() != 201) throw new IllegalStateException("POST /tasks answered " + r.statusCode() + ": " + r.body());
          if (latencies != null) latencies.add(took);
          count.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : clients) f.get();
    pool.shutdown();
    return count.get();
  }

  private static long pct(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
