package dev.sentinel.bench;

import java.util.List;

/**
 * One measured run of noop tasks on a running {@link BenchCluster}.
 *
 * <ul>
 *   <li><b>backlog</b>: workers are paused (SIGSTOP), the tasks are queued, then the workers are
 *       resumed together; the clock runs from the resume to the last completed_at (Redis clock)
 *       and the Redis figures cover the drain only, without the submit path.</li>
 *   <li><b>overlap</b>: workers run while clients submit over HTTP; the clock runs from the
 *       first created_at to the last completed_at, and the Redis figures include submission.</li>
 * </ul>
 */
public final class DrainRun {

  /** No progress for this long means something is broken: fail rather than wait forever. */
  private static final long STALL_MS = 60_000;

  public record Result(String mode, String shape, int inFlight, int steps, int tasks, double seconds,
                       TaskTimes times, RedisCost redis, List<JvmFootprint> jvms) {
    public long totalSteps() { return (long) tasks * steps; }
    public double stepsPerSecond() { return totalSteps() / seconds; }
    public double tasksPerSecond() { return tasks / seconds; }
  }

  private DrainRun() {}

  /** Runs and waits for `tasks` noop tasks once, unmeasured, so the JIT has seen every path. */
  public static void warmUp(BenchCluster cluster, RedisProbe probe, String redisUrl, int tasks, int steps) throws InterruptedException {
    if (tasks <= 0) return;
    long done = completed(probe);
    TaskLoader.queue(redisUrl, tasks, steps);
    awaitCompleted(probe, done + tasks);
  }

  public static Result backlog(BenchCluster cluster, RedisProbe probe, String redisUrl, int tasks, int steps) throws InterruptedException {
    cluster.pauseWorkers();
    long done = completed(probe);
    List<String> ids = TaskLoader.queue(redisUrl, tasks, steps);
    long start = probe.timeMs();
    RedisProbe.RedisSnapshot before = probe.snapshot();
    cluster.resumeWorkers();
    awaitCompleted(probe, done + tasks);
    RedisProbe.RedisSnapshot after = probe.snapshot();
    List<JvmFootprint> jvms = cluster.footprints();
    TaskTimes times = TaskTimes.read(probe, ids);
    return new Result("backlog", cluster.shape(), cluster.inFlight(), steps, tasks, (times.lastCompleted() - start) / 1000.0,
        times, RedisCost.between(before, after), jvms);
  }

  public static Result overlap(BenchCluster cluster, RedisProbe probe, int tasks, int steps, int submitters) throws Exception {
    long done = completed(probe);
    RedisProbe.RedisSnapshot before = probe.snapshot();
    List<String> ids = HttpSubmitter.submit(cluster.httpPort(), tasks, steps, submitters);
    awaitCompleted(probe, done + tasks);
    RedisProbe.RedisSnapshot after = probe.snapshot();
    List<JvmFootprint> jvms = cluster.footprints();
    TaskTimes times = TaskTimes.read(probe, ids);
    return new Result("overlap", cluster.shape(), cluster.inFlight(), steps, tasks,
        (times.lastCompleted() - times.firstCreated()) / 1000.0, times, RedisCost.between(before, after), jvms);
  }

  private static long completed(RedisProbe probe) {
    return probe.zcard("index:status:completed");
  }

  static void awaitCompleted(RedisProbe probe, long target) throws InterruptedException {
    long last = -1, progressAt = System.currentTimeMillis();
    while (true) {
      long now = completed(probe);
      if (now >= target) return;
      if (now != last) {
        last = now;
        progressAt = System.currentTimeMillis();
      } else if (System.currentTimeMillis() - progressAt > STALL_MS) {
        throw new IllegalStateException("no task completed for " + STALL_MS / 1000 + " s (" + now + " of " + target
            + " done, " + probe.zcard("index:status:failed") + " failed); see target/it-logs/bench-*.log");
      }
      Thread.sleep(10);
    }
  }
}
