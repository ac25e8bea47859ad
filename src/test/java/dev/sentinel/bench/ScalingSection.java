package dev.sentinel.bench;


import java.util.ArrayList;
import java.util.List;

import static dev.sentinel.bench.MarkdownTable.n;
import static dev.sentinel.bench.MarkdownTable.n1;
import static dev.sentinel.bench.MarkdownTable.n2;

/**
 * Noop tasks of S steps drained by 1, 2, 4... worker processes: one fresh redis-server and one
 * cluster per process count; the S values run one after the other on that cluster (the tasks
 * of earlier rows stay retained, as they would in production for 7 days).
 */
public final class ScalingSection {

  public record Plan(List<Integer> workerProcesses, List<Integer> steps, List<Integer> tasksPerSteps, int instances,
                     int concurrency, int warmup, List<Integer> overlapSteps, int submitters) {}

  private ScalingSection() {}

  public static List<DrainRun.Result> run(Plan plan) throws Exception {
    List<DrainRun.Result> all = new ArrayList<>();
    for (int processes : plan.workerProcesses()) {
      List<DrainRun.Result> results = new ArrayList<>();
      try (FreshRedis redis = new FreshRedis(); RedisProbe probe = new RedisProbe(redis.url());
           BenchCluster cluster = BenchCluster.start(probe, redis.url(), processes, plan.instances(), plan.concurrency())) {
        System.err.printf("[bench] %d worker process(es) up on %s; warming up with %d tasks%n", processes, redis.url(), plan.warmup());
        DrainRun.warmUp(cluster, probe, redis.url(), plan.warmup(), plan.steps().get(0));
        for (int i = 0; i < plan.steps().size(); i++) {
          int s = plan.steps().get(i), tasks = plan.tasksPerSteps().get(i);
          System.err.printf("[bench] backlog: %d tasks x %d steps%n", tasks, s);
          results.add(DrainRun.backlog(cluster, probe, redis.url(), tasks, s));
          print(results.get(results.size() - 1));
        }
        for (int s : plan.overlapSteps()) {
          int tasks = plan.tasksPerSteps().get(Math.max(0, plan.steps().indexOf(s)));
          System.err.printf("[bench] overlap: %d tasks x %d steps over HTTP, %d clients%n", tasks, s, plan.submitters());
          results.add(DrainRun.overlap(cluster, probe, tasks, s, plan.submitters()));
          print(results.get(results.size() - 1));
        }
      }
      System.out.println();
      System.out.println("### " + processes + " worker process(es)");
      System.out.println();
      System.out.println(throughputTable(results));
      System.out.println(jvmTable(results));
      System.out.println("Commands per step, most frequent (incl. inside scripts):");
      System.out.println();
      for (DrainRun.Result r : results) {
        System.out.println("- " + r.mode() + " S=" + r.steps() + ": " + r.redis().topCommandsPer(r.totalSteps(), 10));
      }
      System.out.println();
      System.out.println("Redis time per step by command (commandstats usec; a script's time includes its commands):");
      System.out.println();
      for (DrainRun.Result r : results) {
        System.out.println("- " + r.mode() + " S=" + r.steps() + ": " + r.redis().topMicrosPer(r.totalSteps(), 14));
      }
      System.out.println();
      all.addAll(results);
    }
    return all;
  }

  /** One machine-readable line per run, for bench/compare.sh (and anyone scripting the suite). */
  public static void print(DrainRun.Result r) {
    System.out.printf("RESULT system=sentinel mode=%s processes=%s in_flight=%d steps=%d tasks=%d seconds=%.3f steps_per_s=%.1f "
            + "tasks_per_s=%.1f cmds_per_step=%.3f evalsha_per_step=%.3f cpu_us_per_step=%.2f script_us_per_step=%.2f%n",
        r.mode(), r.shape().replace(' ', '_'), r.inFlight(), r.steps(), r.tasks(), r.seconds(), r.stepsPerSecond(),
        r.tasksPerSecond(), r.redis().commandsPer(r.totalSteps()), r.redis().evalshaPer(r.totalSteps()),
        r.redis().cpuMicrosPer(r.totalSteps()), r.redis().scriptMicrosPer(r.totalSteps()));
  }

  public static MarkdownTable throughputTable(List<DrainRun.Result> results) {
    MarkdownTable t = new MarkdownTable("worker JVMs × (verticles × tasks)", "in flight", "mode", "S", "tasks", "tasks/s", "steps/s",
        "submit → completed p50 / p99", "claim → completed p50 / p99", "EVALSHA / step", "commands / step (incl. in scripts)",
        "Redis CPU / step", "of which inside scripts");
    for (DrainRun.Result r : results) {
      t.row(r.shape(), r.inFlight(), r.mode(), r.steps(), n(r.tasks()), n(r.tasksPerSecond()), n(r.stepsPerSecond()),
          r.times().submitToDoneP50P99(), r.times().claimToDoneP50P99(), n2(r.redis().evalshaPer(r.totalSteps())),
          n1(r.redis().commandsPer(r.totalSteps())), n1(r.redis().cpuMicrosPer(r.totalSteps())) + " µs",
          n1(r.redis().scriptMicrosPer(r.totalSteps())) + " µs");
    }
    return t;
  }

  public static MarkdownTable jvmTable(List<DrainRun.Result> results) {
    MarkdownTable t = new MarkdownTable("run", "process", "heap used / committed (after the run)", "RSS", "peak RSS (VmHWM)");
    for (DrainRun.Result r : results) {
      for (JvmFootprint j : r.jvms()) {
        t.row(r.mode() + " S=" + r.steps(), j.name(), JvmFootprint.mb(j.heapUsedKb()) + " / " + JvmFootprint.mb(j.heapCommittedKb()),
            JvmFootprint.mb(j.rssKb()), JvmFootprint.mb(j.peakRssKb()));
      }
    }
    return t;
  }
}
