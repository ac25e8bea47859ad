package dev.sentinel.chaos;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.TcpProxy;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every real process of a chaos run, on loopback: a redis-server on a free port with AOF and
 * {@code appendfsync always} (so kill -9 of Redis loses no acknowledged write and any loss the
 * checker sees is Sentinel's, not the fsync policy's), one API process, the worker processes,
 * the watcher processes, and the OpenAI-compatible stub in this JVM as the LLM provider.
 * Each worker reaches Redis through a proxy of its own ({@link TcpProxy}), which a partition
 * cuts while the worker runs on, and calls the stub with an API key of its own
 * ({@link #llmAuthorizationOf}), so the stub's log tells which worker started each call.
 * {@link #close()} stops all of them, whatever state a fault left them in.
 */
final class ChaosCluster implements AutoCloseable {

  private static final int WORKER_CONCURRENCY = 8;
  /** The stub's arrival times (JVM wall clock) are compared with Redis TIME: one host, one clock. */
  private static final long MAX_CLOCK_SKEW_MS = 50;

  final ChaosSettings settings;
  final RedisServerProcess redis;
  final OpenAiStub stub;
  final Vertx vertx;
  final RedisReader reader;
  final ProcessSlot api;
  final List<ProcessSlot> workers = new ArrayList<>();
  final List<ProcessSlot> watchers = new ArrayList<>();
  /** Each worker slot's link to Redis, by slot name; it outlives the worker's restarts. */
  private final Map<String, TcpProxy> redisLinks = new HashMap<>();
  final Http http;

  private ChaosCluster(ChaosSettings settings, RedisServerProcess redis, OpenAiStub stub, Vertx vertx, int apiPort) {
    this.settings = settings;
    this.redis = redis;
    this.stub = stub;
    this.vertx = vertx;
    this.reader = new RedisReader(vertx, redis.url());
    this.http = new Http(apiPort);
    // no watcher process of its own: the API node runs the watcher (the negative control's smaller cluster)
    String apiRoles = settings.watchers() == 0 ? "api,watcher" : "api";
    this.api = new ProcessSlot("api", apiRoles, env(Map.of("SENTINEL_HTTP_PORT", String.valueOf(apiPort))), List.of());
  }

  static ChaosCluster start(ChaosSettings settings) throws Exception {
    RedisServerProcess redis = RedisServerProcess.start("always");
    ChaosCluster c = null;
    try {
      c = new ChaosCluster(settings, redis, OpenAiStub.start().delayMs(settings.stubDelayMs())
          .unavailableEvery(settings.stubUnavailableEvery(), 1), Vertx.vertx(), RedisServerProcess.freePort());
      List<Path> workerClasspath = settings.fencingOff()
          ? List.of(FencingDisabledLib.write(Path.of(System.getProperty("sentinel.jar", "target/sentinel.jar"))))
          : List.of();
      for (int i = 1; i <= settings.watchers(); i++) c.watchers.add(new ProcessSlot("watcher" + i, "watcher", c.env(Map.of()), List.of()));
      c.checkOneClock();
      for (int i = 1; i <= settings.workers(); i++) {
        String name = "w" + i;
        TcpProxy link = TcpProxy.start("redis-link-" + name, redis.port());
        c.redisLinks.put(name, link);
        c.workers.add(new ProcessSlot(name, "worker", c.env(Map.of("SENTINEL_REDIS_URL", "redis://127.0.0.1:" + link.port(),
            "OPENAI_API_KEY", llmKeyOf(name))), workerClasspath));
      }
      c.api.start();
      c.watchers.forEach(ProcessSlot::start);
      c.workers.forEach(ProcessSlot::start);
      c.awaitAllUp(Duration.ofSeconds(60));
      return c;
    } catch (Exception | Error e) {
      if (c != null) c.close();
      else redis.close();
      throw e;
    }
  }

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of(
        "SENTINEL_REDIS_URL", redis.url(),
        "SENTINEL_LEASE_MS", String.valueOf(settings.leaseMs()),
        "SENTINEL_WATCHER_INTERVAL_MS", String.valueOf(settings.watcherIntervalMs()),
        // finished tasks (and their histories) must outlive the run until the checker has read them
        "SENTINEL_RETENTION_MS", String.valueOf(Duration.ofHours(6).toMillis()),
        // the fallback poll scaled with the lease, as the defaults are (lease 15 s, poll 5 s)
        "SENTINEL_POLL_MS", String.valueOf(Math.max(250, settings.leaseMs() / 2)),
        "SENTINEL_WORKER_INSTANCES", "1",
        "SENTINEL_WORKER_CONCURRENCY", String.valueOf(WORKER_CONCURRENCY),
        "SENTINEL_LLM_PROVIDER", "openai",
        "SENTINEL_AGENTS_DIR", Path.of("src/test/resources/chaos/agents").toAbsolutePath().toString()));
    env.put("OPENAI_BASE_URL", stub.baseUrl());
    env.put("OPENAI_API_KEY", "chaos-test");
    env.putAll(extra);
    return env;
  }

  /** The proxy between this worker and Redis. */
  TcpProxy redisLinkOf(ProcessSlot worker) { return redisLinks.get(worker.name()); }

  private static String llmKeyOf(String slot) { return "chaos-" + slot; }

  /** The Authorization header the stub receives from this worker slot (any incarnation). */
  static String llmAuthorizationOf(String slot) { return "Bearer " + llmKeyOf(slot); }

  /**
   * The checker sets the stub's arrival times (this JVM's wall clock) against Redis TIME: both
   * read the host's real-time clock, so they agree to within a round trip. Fail loudly if not
   * (Redis on another host, a clock stepped under the test) rather than check on a skewed clock.
   */
  private void checkOneClock() {
    long before = System.currentTimeMillis();
    long redisMs = reader.nowMs();
    long after = System.currentTimeMillis();
    if (redisMs < before - MAX_CLOCK_SKEW_MS || redisMs > after + MAX_CLOCK_SKEW_MS) {
      throw new IllegalStateException("Redis TIME " + redisMs + " ms is not this JVM's clock (" + before + ".." + after + ")");
    }
  }

  List<ProcessSlot> sentinels() {
    List<ProcessSlot> all = new ArrayList<>(List.of(api));
    all.addAll(watchers);
    all.addAll(workers);
    return all;
  }

  /** Heal: Redis running and answering, every link to it passing, every process running (restarted if dead) and not stopped. */
  void healAll() {
    redis.resume();
    if (!redis.isAlive()) redis.restart();
    redisLinks.values().forEach(TcpProxy::heal);
    for (ProcessSlot p : sentinels()) {
      p.resume();
      if (!p.isAlive()) p.start();
    }
    awaitAllUp(Duration.ofSeconds(60));
  }

  void awaitAllUp(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!(http.isUp() && sentinels().stream().allMatch(ProcessSlot::isUp))) {
      for (ProcessSlot p : sentinels()) {
        if (!p.isAlive()) throw new IllegalStateException(p.name() + " exited at start; see target/it-logs/" + p.name() + ".log");
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("the cluster did not come up within " + within);
      RedisReader.sleep(200);
    }
  }

  @Override public void close() {
    // SentinelProcess.close resumes a stopped process before its SIGKILL
    for (ProcessSlot p : sentinels()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        System.err.println("closing " + p.name() + ": " + e);
      }
    }
    redisLinks.values().forEach(TcpProxy::close);
    reader.close();
    stub.close();
    vertx.close().await();
    redis.close();
  }
}
