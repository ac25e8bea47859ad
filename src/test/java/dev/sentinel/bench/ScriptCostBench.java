package dev.sentinel.bench;

import dev.sentinel.bench.RedisProbe.RedisSnapshot;
import dev.sentinel.store.ClaimedTask;
import dev.sentinel.store.Results.Committed;
import dev.sentinel.store.StepCommit;
import dev.sentinel.store.Keys;
import dev.sentinel.store.LeaseProtocol;
import dev.sentinel.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * What each phase of a task's life costs Redis, script by script, without a worker: N noop
 * tasks of S steps are submitted, then claimed and committed in batches of B (as a busy worker's
 * group commit sends them). For each phase it prints Redis CPU and Redis' own timing of the
 * script calls (commandstats usec) per task, and the commands the scripts called.
 * <pre>
 *   mvn -q -DskipTests package test-compile
 *   java -cp target/sentinel.jar:target/test-classes ScriptCostBench [tasks] [steps] [batch]
 * </pre>
 */
public final class ScriptCostBench {

  public static void main(String[] args) {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 6_000;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Vertx vertx = Vertx.vertx();
    try (FreshRedis redis = new FreshRedis(); RedisProbe probe = new RedisProbe(redis.url())) {
      TaskLoader.queue(redis.url(), tasks, steps);
      Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url()));
      Store store = Store.open(client, new Keys(""));
      store.loadScripts().await();
      store.checkLayout().await();
      LeaseProtocol leases = store.leases();
      System.out.printf("%n### Redis cost per task by phase: %,d tasks x %d steps, batches of %d%n%n", tasks, steps, batch);
      System.out.println("| phase | Redis CPU / task | inside scripts / task | commands / task (incl. in scripts) |");
      System.out.println("|---|---|---|---|");

      List<ClaimedTask> claimed = new ArrayList<>();
      RedisSnapshot before = probe.snapshot();
      while (claimed.size() < tasks) {
        List<ClaimedTask> got = leases.claim("w1", 600_000, "w1:" + claimed.size(), batch).await();
        if (got.isEmpty()) throw new IllegalStateException("queue ran dry after " + claimed.size());
        claimed.addAll(got);
      }
      print("claim", RedisCost.between(before, probe.snapshot()), tasks);

      JsonObject result = new JsonObject().put("steps", steps);
      for (int step = 1; step <= steps; step++) {
        boolean last = step == steps;
        before = probe.snapshot();
        for (int from = 0; from < tasks; from += batch) {
          List<StepCommit> commits = new ArrayList<>();
          for (ClaimedTask t : claimed.subList(from, Math.min(tasks, from + batch))) {
            // the noop node's output, merged at the top level of the state (as NoopNodeKind's is)
            JsonObject output = new JsonObject().put("step", step);
            commits.add(StepCommit.of(t.id(), t.lease(), step, "step-" + step, last ? null : "step-" + (step + 1), null, output,
                last ? result : null));
          }
          for (Committed c : leases.commitSteps(commits, "w1", 600_000).await()) {
            if (!c.reply().name().equals("OK")) throw new IllegalStateException("commit answered " + c.reply());
          }
        }
        print(last ? "commit step " + step + " (completes)" : "commit step " + step, RedisCost.between(before, probe.snapshot()), tasks);
      }
    } finally {
      vertx.close().await();
    }
  }

  private static void print(String phase, RedisCost c, int tasks) {
    System.out.printf("| %s | %.1f µs | %.1f µs | %.1f: %s |%n", phase, c.cpuMicrosPer(tasks), c.scriptMicrosPer(tasks),
        c.commandsPer(tasks), c.topCommandsPer(tasks, 12));
  }
}
