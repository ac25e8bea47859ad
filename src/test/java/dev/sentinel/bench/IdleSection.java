package dev.sentinel.bench;


import static dev.sentinel.bench.MarkdownTable.n2;

/**
 * What an idle cluster costs Redis: commands per second sent by N worker processes and the
 * api + watcher process when there is nothing to do (lease renewals and heartbeats, fallback
 * claim polls, the watcher's passes), over a window long enough to cover several poll periods.
 */
public final class IdleSection {

  /** Lets start-up traffic (script loads, first claims) pass before the window opens. */
  private static final long SETTLE_MS = 3_000;

  private IdleSection() {}

  public static void run(int workerProcesses, int instances, int concurrency, int seconds) throws Exception {
    try (FreshRedis redis = new FreshRedis(); RedisProbe probe = new RedisProbe(redis.url());
         BenchCluster cluster = BenchCluster.start(probe, redis.url(), workerProcesses, instances, concurrency)) {
      Thread.sleep(SETTLE_MS);
      System.err.printf("[bench] idle: %s for %d s%n", cluster.shape(), seconds);
      RedisProbe.RedisSnapshot before = probe.snapshot();
      Thread.sleep(seconds * 1000L);
      RedisCost c = RedisCost.between(before, probe.snapshot());
      System.out.println();
      System.out.println("### Idle cluster");
      System.out.println();
      System.out.println(new MarkdownTable("cluster", "window", "EVALSHA round trips / s", "commands / s (incl. in scripts)",
          "Redis CPU")
          .row(workerProcesses + " worker JVMs × " + instances + " verticles + 1 api/watcher", seconds + " s",
              n2(c.evalsha() / c.seconds()), n2(c.commands() / c.seconds()), n2(c.cpuSeconds() * 100 / c.seconds()) + " %"));
      System.out.println("Per second, by command: " + perSecond(c));
      System.out.println();
      System.out.printf("RESULT system=sentinel mode=idle processes=%d seconds=%.1f evalsha_per_s=%.3f cmds_per_s=%.3f%n",
          workerProcesses, c.seconds(), c.evalsha() / c.seconds(), c.commands() / c.seconds());
    }
  }

  private static String perSecond(RedisCost c) {
    StringBuilder s = new StringBuilder();
    c.byCommand().forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(n2(v / c.seconds())));
    return s.toString();
  }
}
