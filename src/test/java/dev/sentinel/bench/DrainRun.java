package dev.sentinel.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    long cpuBefore = cpuTicks(cluster.workerPids()), jitBefore = jitTicks(cluster.workerPids());
    cluster.resumeWorkers();
    awaitCompleted(probe, done + tasks);
    long cpuAfter = cpuTicks(cluster.workerPids()), jitAfter = jitTicks(cluster.workerPids());
    RedisProbe.RedisSnapshot after = probe.snapshot();
    // the workers' CPU time over the drain (they are stopped before the resume, so nothing else
    // counts), and the part the JIT compiler threads took: after a short warm-up it dominates
    long totalSteps = (long) tasks * steps;
    System.err.printf("[bench] worker JVM CPU: %.1f us/step, of which JIT compiler threads %.1f us/step (%d ticks over %d steps)%n",
        (cpuAfter - cpuBefore) * 10_000.0 / totalSteps, (jitAfter - jitBefore) * 10_000.0 / totalSteps, cpuAfter - cpuBefore, totalSteps);
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

  /** utime + stime of the processes in clock ticks (USER_HZ, 100 per second on Linux), from /proc/PID/stat. */
  static long cpuTicks(List<Long> pids) {
    long sum = 0;
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);   // fields 14 and 15 of stat(5)
      } catch (IOException | RuntimeException e) {
        return -1;   // not Linux, or the process is gone
      }
    }
    return sum;
  }

  /** CPU ticks of the processes' JIT compiler threads (named "C1 CompilerThre..." and "C2 CompilerThre..."). */
  static long jitTicks(List<Long> pids) {
    long sum = 0;
    for (long pid : pids) {
      File[] threads = new File("/proc/" + pid + "/task").listFiles();
      if (threads == null) return -1;
      for (File t : threads) {
        try {
          String comm = Files.readString(t.toPath().resolve("comm")).trim();
          if (!comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler")) continue;
          String stat = Files.readString(t.toPath().resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    }
    return sum;
  }

  /** Completed tasks, cluster-wide, from the exact per-status counters (key prefix "" as the bench runs). */
  private static long completed(RedisProbe probe) {
    return probe.hgetLong("counts", "completed");
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
            + " done, " + probe.hgetLong("counts", "failed") + " failed); see target/it-logs/bench-*.log");
      }
      Thread.sleep(10);
    }
  }
}
