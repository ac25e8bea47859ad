package dev.sentinel.bench;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A Sentinel cluster of real processes on one Redis, laid out as in production: one process
 * with roles api + watcher, and N worker-only processes (separate JVMs). Workers can be paused
 * with SIGSTOP while a backlog is queued and resumed together, so the drain is measured with
 * warm, already running JVMs rather than JVM start-up.
 */
public final class BenchCluster implements AutoCloseable {

  private final SentinelProcess api;
  private final List<SentinelProcess> workers = new ArrayList<>();
  private final Map<String, String> env;
  private final int httpPort;
  private final int instances;
  private final int concurrency;

  private BenchCluster(SentinelProcess api, Map<String, String> env, int httpPort, int instances, int concurrency) {
    this.api = api;
    this.env = env;
    this.httpPort = httpPort;
    this.instances = instances;
    this.concurrency = concurrency;
  }

  /**
   * Starts the api + watcher process and `workerProcesses` worker processes (0 is allowed:
   * workers can be added later with {@link #addWorkers}); fails loudly, naming the log, if any
   * does not come up.
   */
  public static BenchCluster start(RedisProbe probe, String redisUrl, int workerProcesses, int instances, int concurrency) {
    int port = RedisServerProcess.freePort();
    Map<String, String> env = new HashMap<>(Map.of("SENTINEL_REDIS_URL", redisUrl, "SENTINEL_HTTP_PORT", String.valueOf(port),
        "SENTINEL_WORKER_INSTANCES", String.valueOf(instances), "SENTINEL_WORKER_CONCURRENCY", String.valueOf(concurrency)));
    BenchCluster cluster = new BenchCluster(SentinelProcess.start("bench-api", "api,watcher", env), env, port, instances, concurrency);
    // a benchmark stopped with Ctrl+C or SIGTERM must not leave JVMs behind (close() is not reached)
    Runtime.getRuntime().addShutdownHook(new Thread(() -> cluster.all().forEach(SentinelProcess::kill9), "bench-cluster-reaper"));
    try {
      Http health = new Http(port);
      cluster.awaitUp(() -> health.isUp());
      cluster.addWorkers(probe, workerProcesses);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** Starts more worker processes and waits until each verticle wrote its first heartbeat (ZADD workers, at start). */
  public void addWorkers(RedisProbe probe, int n) {
    long expected = (long) (workers.size() + n) * instances;
    for (int i = 0; i < n; i++) workers.add(SentinelProcess.start("bench-worker-" + (workers.size() + 1), "worker", env));
    awaitUp(() -> probe.zcard("workers") >= expected);
  }

  private void awaitUp(BooleanSupplier up) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!up.getAsBoolean()) {
      for (SentinelProcess p : all()) {
        if (!p.isAlive()) throw new IllegalStateException(p.name() + " exited; see target/it-logs/" + p.name() + ".log");
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("cluster did not start within 90 s; see target/it-logs/bench-*.log");
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  public int httpPort() { return httpPort; }

  public int workerProcesses() { return workers.size(); }

  /** Tasks in flight at once, cluster-wide: processes x worker.instances x worker.concurrency. */
  public int inFlight() { return workers.size() * instances * concurrency; }

  public String shape() {
    return workers.size() + " x (" + instances + " x " + concurrency + ")";
  }

  /** The worker processes' pids, to read their CPU time during a run. */
  public List<Long> workerPids() {
    return workers.stream().map(SentinelProcess::pid).toList();
  }

  public void pauseWorkers() { workers.forEach(SentinelProcess::pause); }

  public void resumeWorkers() { workers.forEach(SentinelProcess::resume); }

  public List<JvmFootprint> footprints() {
    List<JvmFootprint> out = new ArrayList<>();
    for (SentinelProcess p : all()) out.add(JvmFootprint.of(p.name(), p.pid()));
    return out;
  }

  private synchronized List<SentinelProcess> all() {
    List<SentinelProcess> all = new ArrayList<>(workers);
    all.add(0, api);
    return all;
  }

  /** SIGTERM (a clean hand-back), then SIGKILL for whatever did not exit in time. */
  @Override public void close() {
    for (SentinelProcess p : all()) {
      p.resume();
      if (!p.terminate(30)) p.kill9();
    }
  }
}
