package dev.sentinel.bench;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.List;

import static dev.sentinel.bench.MarkdownTable.n;

/**
 * Redis memory per task: INFO used_memory before and after queueing N noop tasks (no worker
 * running, so nothing moves and no subscriber buffers signals), then again after workers ran
 * them all (completed tasks are retained for watcher.retention_ms, 7 days by default).
 * A sample of tasks is also sized key by key with MEMORY USAGE, to show where the bytes are.
 */
public final class MemorySection {

  private static final int SAMPLE = 200;
  /** Every per-task key: the hash, the history (events, step records and the checkpoint in one list), LLM call records. */
  private static final List<String> TASK_KEYS = List.of("meta", "history", "calls");

  private MemorySection() {}

  public static void run(int tasks, int steps, int workerProcesses, int instances, int concurrency) throws Exception {
    try (FreshRedis redis = new FreshRedis(); RedisProbe probe = new RedisProbe(redis.url());
         BenchCluster cluster = BenchCluster.start(probe, redis.url(), 0, instances, concurrency)) {
      long base = probe.usedMemoryAfterPurge();
      System.err.printf("[bench] memory: queueing %d tasks of %d steps%n", tasks, steps);
      List<String> ids = TaskLoader.queue(redis.url(), tasks, steps);
      long queued = probe.usedMemoryAfterPurge();
      String queuedKeys = perKey(probe, ids);
      cluster.addWorkers(probe, workerProcesses);
      System.err.printf("[bench] memory: %d worker process(es) run them%n", workerProcesses);
      DrainRun.awaitCompleted(probe, tasks);
      long completed = probe.usedMemoryAfterPurge();
      String completedKeys = perKey(probe, ids);
      System.out.println();
      System.out.println("### Redis memory per task (" + n(tasks) + " noop tasks of " + steps + " steps)");
      System.out.println();
      System.out.println(new MarkdownTable("state", "used_memory", "Δ from empty", "per task", "per-task keys (MEMORY USAGE, mean of " + SAMPLE + ")")
          .row("empty (cluster up)", mb(base), "", "", "")
          .row("queued", mb(queued), mb(queued - base), n((queued - base) / (double) tasks) + " B", queuedKeys)
          .row("completed, retained", mb(completed), mb(completed - base), n((completed - base) / (double) tasks) + " B", completedKeys));
      System.out.printf("RESULT system=sentinel mode=memory tasks=%d steps=%d queued_bytes_per_task=%.0f completed_bytes_per_task=%.0f%n",
          tasks, steps, (queued - base) / (double) tasks, (completed - base) / (double) tasks);
    }
  }

  /** Mean MEMORY USAGE of each per-task key over a sample; index and queue entries are not in it. */
  private static String perKey(RedisProbe probe, List<String> ids) {
    StringBuilder s = new StringBuilder();
    int sample = Math.min(SAMPLE, ids.size());
    for (String key : TASK_KEYS) {
      long sum = 0;
      for (String id : ids.subList(0, sample)) {
        var r = probe.send(Request.cmd(Command.MEMORY).arg("USAGE").arg("task:" + id + ":" + key));
        if (r != null) sum += r.toLong();
      }
      s.append(s.length() == 0 ? "" : ", ").append(key).append(' ').append(n(sum / (double) sample)).append(" B");
    }
    return s.toString();
  }

  private static String mb(long bytes) {
    return String.format("%.1f MB", bytes / 1048576.0);
  }
}
