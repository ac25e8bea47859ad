package dev.sentinel.chaos;

import dev.sentinel.testing.OpenAiStub;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Injects the scheduled faults one at a time, each healed before the next, and keeps the
 * history the checker needs: what was hit, and when on the Redis clock.
 */
final class Nemesis {

  /** A little over LlmNodeHandler's longest wait between two tries of a spend record (5 s). */
  private static final long SPEND_RECORD_RETRY_MS = 5_500;
  /** How long a partition waits for its worker to be refused an LLM call before it strikes anyway. */
  private static final long AIM_WITHIN_MS = 2_000;
  /** A refusal answered this recently still has its retry (1 s after it) to come. */
  private static final long FRESH_REFUSAL_MS = 300;

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
    Set<FaultKind> pending = EnumSet.copyOf(cluster.settings.faults());
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
      case KILL_WORKER -> hitWorker(seq, p, "", ProcessSlot::kill9, ProcessSlot::start);   // kill9 returns once the process is gone
      case PAUSE_WORKER -> hitWorker(seq, p, "", ProcessSlot::pause, ProcessSlot::resume);
      case PARTITION_WORKER -> {
        // drop or stall return once in force: from then on nothing the worker sends reaches Redis
        Fault f = hitWorker(seq, p, p.drop() ? "drop" : "stall",
            w -> { if (p.drop()) cluster.redisLinkOf(w).drop(); else cluster.redisLinkOf(w).stall(); },
            w -> cluster.redisLinkOf(w).heal());
        // A dropped worker retries the record of an LLM answer it got while cut off with a
        // backoff of up to 5 s (LlmNodeHandler); a kill of the same worker, or the final read,
        // before that retry lands would lose a record of money really spent. A stalled one sends
        // its held commands the moment the link heals.
        if (p.drop()) RedisReader.sleep(SPEND_RECORD_RETRY_MS);
        yield f;
      }
      case KILL_WATCHER -> {
        ProcessSlot w = pick(cluster.watchers);
        long at = redis.nowMs();
        w.kill9();
        long dead = System.nanoTime();
        RedisReader.sleep(p.downMs());
        w.start();
        long healed = redis.nowMs();
        yield new Fault(seq, p.kind(), "", w.name(), "", at, at, healed, healed, dead, p.downMs(), -1);
      }
      case KILL_REDIS -> {
        long at = redis.nowMs();
        cluster.redis.kill9();
        long dead = System.nanoTime();
        RedisReader.sleep(p.downMs());
        cluster.redis.restart();   // returns once it answers PING, i.e. the AOF is loaded
        long healed = redis.nowMs();
        yield new Fault(seq, p.kind(), "", "redis", "", at, at, healed, healed, dead, p.downMs(), -1);
      }
      case PAUSE_REDIS -> {
        long at = redis.nowMs();
        cluster.redis.pause();
        long stopped = System.nanoTime();
        RedisReader.sleep(p.downMs());
        cluster.redis.resume();
        long healed = redis.nowMs();
        yield new Fault(seq, p.kind(), "", "redis", "", at, at, healed, healed, stopped, p.downMs(), -1);
      }
    };
  }

  /**
   * A worker fault: pick a worker that holds tasks, hit it (the hit returns once in force: the
   * process gone, stopped, or its link to Redis cut), keep it so for the planned time, heal it.
   * The Redis clock is read around both edges, so the checker knows when the worker surely could
   * no longer renew anything, and when it could again.
   */
  private Fault hitWorker(int seq, FaultSchedule.Planned p, String variant, Consumer<ProcessSlot> hit, Consumer<ProcessSlot> heal) {
    RedisReader redis = cluster.reader;
    ProcessSlot w = workerHoldingTasks();
    boolean aimed = p.kind() == FaultKind.PARTITION_WORKER && cluster.settings.stubUnavailableEvery() > 0;
    if (aimed && !awaitAPaidRetryDue(w) && heldBy(w) == 0) w = busiestWorker(w);
    int held = heldBy(w);
    String prefix = w.workerIdPrefix();
    long at = redis.nowMs();
    hit.accept(w);
    long hitNanos = System.nanoTime();
    long cut = redis.nowMs();
    RedisReader.sleep(p.downMs());
    long healing = redis.nowMs();
    heal.accept(w);
    return new Fault(seq, p.kind(), variant, w.name(), prefix, at, cut, healing, redis.nowMs(), hitNanos, p.downMs(), held);
  }

  /**
   * Aims a partition: waits (at most {@link #AIM_WITHIN_MS}) until the stub has just refused one
   * of the worker's LLM calls (503, Retry-After: 1 s), so the worker is cut off with a paid retry
   * falling due while its lease runs out: the zombie spend that its lease-deadline checks exist
   * to prevent, and invariant 7 to catch. Strikes anyway when none comes. Only in runs whose
   * stub refuses some calls ({@link ChaosSettings#stubUnavailableEvery()}). Pauses are not
   * aimed: a paused worker sends such a retry the moment it wakes, where invariant 7 cannot
   * tell it from a call checked before the pause.
   *
   * @return whether one came (then the worker holds at least the task of that call)
   */
  private boolean awaitAPaidRetryDue(ProcessSlot w) {
    String authorization = ChaosCluster.llmAuthorizationOf(w.name());
    int from = Math.max(0, cluster.stub.requestCount() - 100);
    long until = System.nanoTime() + AIM_WITHIN_MS * 1_000_000L;
    while (System.nanoTime() < until) {
      long now = System.nanoTime();
      for (OpenAiStub.Received r : cluster.stub.receivedFrom(from)) {
        boolean refused = r.status() == 429 || r.status() >= 500;
        if (refused && authorization.equals(r.authorization) && now - r.answeredNanos() < FRESH_REFUSAL_MS * 1_000_000L) return true;
      }
      RedisReader.sleep(10);
    }
    return false;
  }

  /**
   * The worker holding the most tasks now (else {@code fallback}), for a fault whose target ran
   * out of tasks while it was being aimed. No random draw: the seed's schedule must not depend
   * on how often this happens.
   */
  private ProcessSlot busiestWorker(ProcessSlot fallback) {
    ProcessSlot best = fallback;
    int most = 0;
    for (ProcessSlot w : cluster.workers) {
      int n = heldBy(w);
      if (n > most) {
        most = n;
        best = w;
      }
    }
    return best;
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
