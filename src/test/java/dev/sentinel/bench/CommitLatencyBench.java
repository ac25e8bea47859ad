package dev.sentinel.bench;

import dev.sentinel.store.ClaimedTask;
import dev.sentinel.store.CommitBatcher;
import dev.sentinel.store.Keys;
import dev.sentinel.store.LeaseProtocol;
import dev.sentinel.store.Replies.CommitReply;
import dev.sentinel.store.StepCommit;
import dev.sentinel.store.Store;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How long one step's commit takes on a quiet worker: from handing the commit to the worker's
 * {@link CommitBatcher} to its answer, on the worker's event loop, one commit at a time (each task
 * commits S steps in a row, then the next task), against a fresh redis-server. This is the
 * commit latency a single running task sees; the HTTP API's times (Redis-clock ms) cannot show it.
 * <pre>
 *   mvn -q -DskipTests package test-compile
 *   java -cp target/sentinel.jar:target/test-classes CommitLatencyBench [tasks] [steps] [warm-up tasks]
 * </pre>
 */
public final class CommitLatencyBench {

  public static void main(String[] args) {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
    Vertx vertx = Vertx.vertx();
    try (FreshRedis redis = new FreshRedis()) {
      TaskLoader.queue(redis.url(), warmup + tasks, steps);
      Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url()));
      Store store = Store.open(client, new Keys(""));
      store.loadScripts().await();
      LeaseProtocol leases = store.leases();
      List<ClaimedTask> claimed = new ArrayList<>();
      while (claimed.size() < warmup + tasks) {
        List<ClaimedTask> got = leases.claim("w1", 600_000, "w1:" + claimed.size(), 500).await();
        if (got.isEmpty()) throw new IllegalStateException("queue ran dry after " + claimed.size());
        claimed.addAll(got);
      }
      Context context = vertx.getOrCreateContext();
      CommitBatcher batcher = new CommitBatcher(leases, context, "w1", 600_000);
      long[] nanos = new long[tasks * steps];
      Promise<Void> done = Promise.promise();
      context.runOnContext(v -> commitNext(batcher, claimed, steps, warmup, 0, 1, nanos, done));
      done.future().await();
      Arrays.sort(nanos);
      System.out.printf("%n### One step's commit on a quiet worker: %,d tasks x %d steps, one at a time, after %,d warm-up tasks%n%n",
          tasks, steps, warmup);
      System.out.println("| commits | p50 | p90 | p99 | p99.9 | max | mean |");
      System.out.println("|---|---|---|---|---|---|---|");
      System.out.printf("| %,d | %s | %s | %s | %s | %s | %s |%n", nanos.length, ms(at(nanos, 0.50)), ms(at(nanos, 0.90)),
          ms(at(nanos, 0.99)), ms(at(nanos, 0.999)), ms(nanos[nanos.length - 1]), ms((long) Arrays.stream(nanos).average().orElse(0)));
      System.out.printf("RESULT system=sentinel mode=commit_latency commits=%d p50_ms=%.3f p99_ms=%.3f%n", nanos.length,
          at(nanos, 0.50) / 1e6, at(nanos, 0.99) / 1e6);
    } finally {
      vertx.close().await();
    }
  }

  /** Commits step {@code step} of task {@code index}, then the next one, on the context; the warm-up ones are not recorded. */
  private static void commitNext(CommitBatcher batcher, List<ClaimedTask> claimed, int steps, int warmup, int index, int step,
                                 long[] nanos, Promise<Void> done) {
    if (index == claimed.size()) {
      done.complete();
      return;
    }
    ClaimedTask t = claimed.get(index);
    boolean last = step == steps;
    StepCommit c = StepCommit.of(t.id(), t.lease(), step, "step-" + step, last ? null : "step-" + (step + 1), null,
        new JsonObject().put("step", step), last ? new JsonObject().put("steps", steps) : null);
    long sent = System.nanoTime();
    batcher.commit(c).onComplete(ar -> {
      long took = System.nanoTime() - sent;
      if (ar.failed() || ar.result().reply() != CommitReply.OK) {
        done.fail(ar.failed() ? ar.cause() : new IllegalStateException("commit answered " + ar.result().reply()));
        return;
      }
      if (index >= warmup) nanos[(index - warmup) * steps + step - 1] = took;
      if (last) commitNext(batcher, claimed, steps, warmup, index + 1, 1, nanos, done);
      else commitNext(batcher, claimed, steps, warmup, index, step + 1, nanos, done);
    });
  }

  private static long at(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static String ms(long nanos) {
    return String.format("%.3f ms", nanos / 1e6);
  }
}
