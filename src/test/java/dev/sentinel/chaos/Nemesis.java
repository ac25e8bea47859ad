package dev.sentinel.chaos;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Injects the scheduled faults one at a time, each healed before the next, and keeps the
 * history the checker needs: what was hit, and when on the Redis clock.
 */
final class Nemesis {

  private final ChaosCluster cluster;
  private final FaultSchedule schedule;
  private final Random random;
  private final List<Fault> history = new ArrayList<>();

  Nemesis(ChaosCluster cluster, Random random) {
    this.cluster = cluster;
    this.random = random;
    this.schedule = new FaultSchedule(random, cluster.settings);
  }

  List<Fault> history() { return List.copyOf(history); }

  /**
   * Faults until {@code deadlineNanos}, and in any case until every enabled kind was injected
   * once (a slow machine must not turn a short run into one that proves less); the last fault
   * is always healed, even if it runs past the deadline.
   */
  void runUntil(long deadlineNanos) {
    java.util.Set<FaultKind> pending = java.util.EnumSet.copyOf(cluster.settings.faults());
    while (System.nanoTime() < deadlineNanos || !pending.isEmpty()) {
      FaultSchedule.Planned p = schedule.next();
      Fault f = inject(p);
      history.add(f);
      pending.remove(f.kind());
      System.out.println("chaos: " + f);
      RedisReader.sleep(Math.min(p.quietAfterMs(), Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000)));
    }
  }

  private Fault inject(FaultSchedule.Planned p) {
    int seq = history.size() + 1;
    RedisReader redis = cluster.reader;
    return switch (p.kind()) {
      case KILL_WORKER -> {
        ProcessSlot w = workerHoldingTasks();   // a kill orphans something only if the worker held a task
        int held = heldBy(w);
        String prefix = w.workerIdPrefix();
        long at = redis.nowMs();
        w.kill9();   // returns once the process is gone
        long dead = System.nanoTime();
        RedisReader.sleep(p.downMs());
        w.start();
        yield new Fault(seq, p.kind(), w.name(), prefix, at, redis.nowMs(), dead, p.downMs(), held);
      }
      case PAUSE_WORKER -> {
        ProcessSlot w = workerHoldingTasks();
        int held = heldBy(w);
        String prefix = w.workerIdPrefix();
        long at = redis.nowMs();
        w.pause();
        long stopped = System.nanoTime();
        RedisReader.sleep(p.downMs());
        w.resume();
        yield new Fault(seq, p.kind(), w.name(), prefix, at, redis.nowMs(), stopped, p.downMs(), held);
      }
      case KILL_WATCHER -> {
        ProcessSlot w = pick(cluster.watchers);
        long at = redis.nowMs();
        w.kill9();
        long dead = System.nanoTime();
        RedisReader.sleep(p.downMs());
        w.start();
        yield new Fault(seq, p.kind(), w.name(), "", at, redis.nowMs(), dead, p.downMs(), -1);
      }
      case KILL_REDIS -> {
        long at = redis.nowMs();
        cluster.redis.kill9();
        long dead = System.nanoTime();
        RedisReader.sleep(p.downMs());
        cluster.redis.restart();   // returns once it answers PING, i.e. the AOF is loaded
        yield new Fault(seq, p.kind(), "redis", "", at, redis.nowMs(), dead, p.downMs(), -1);
      }
      case PAUSE_REDIS -> {
        long at = redis.nowMs();
        cluster.redis.pause();
        long stopped = System.nanoTime();
        RedisReader.sleep(p.downMs());
        cluster.redis.resume();
        yield new Fault(seq, p.kind(), "redis", "", at, redis.nowMs(), stopped, p.downMs(), -1);
      }
    };
  }

  private <T> T pick(List<T> from) { return from.get(random.nextInt(from.size())); }

  /**
   * A pause proves something only if the worker holds a task whose lease runs out while it
   * sleeps (then its writes on waking must be refused), and a kill only if it orphans a task, so
   * pick among the workers that hold one; under continuous load one always does within a moment.
   */
  private ProcessSlot workerHoldingTasks() {
    for (int tries = 0; tries < 30; tries++) {
      Map<ProcessSlot, Integer> held = new HashMap<>();
      for (ProcessSlot w : cluster.workers) {
        int n = heldBy(w);
        if (n > 0) held.put(w, n);
      }
      if (!held.isEmpty()) {
        List<ProcessSlot> holders = cluster.workers.stream().filter(held::containsKey).toList();
        return pick(holders);
      }
      RedisReader.sleep(100);
    }
    return pick(cluster.workers);   // the checker reports such a pause as one that proved nothing
  }

  /** Tasks whose meta owner is this worker's current incarnation (from the `leases` index, then each meta). */
  private int heldBy(ProcessSlot w) {
    String prefix = w.workerIdPrefix();
    Response leased = cluster.reader.cmd(Command.ZRANGE, "leases", 0, -1);
    int n = 0;
    for (Response id : leased) {
      Response owner = cluster.reader.cmd(Command.HGET, "task:" + id + ":meta", "owner");
      if (owner != null && owner.toString().startsWith(prefix)) n++;
    }
    return n;
  }
}
