package dev.sentinel.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The seeded plan of faults: kinds come in shuffled rounds (each enabled kind once per round,
 * so even a short run hits every kind), each with a bounded duration and a pause after its
 * heal. Faults never overlap: invariant 4 measures a reclaim on the Redis clock, which is only
 * meaningful while Redis runs, so a worker fault never happens while Redis is down or stopped.
 */
final class FaultSchedule {

  /**
   * What to do next: the kind, how long the process stays down, stopped or cut off, the quiet
   * time after, and for a partition whether its proxy drops the worker's connections (else it
   * stalls them).
   */
  record Planned(FaultKind kind, long downMs, long quietAfterMs, boolean drop) {}

  private final Random random;
  private final List<FaultKind> kinds;
  private final ChaosSettings settings;
  private final List<FaultKind> round = new ArrayList<>();

  FaultSchedule(Random random, ChaosSettings settings) {
    this.random = random;
    this.settings = settings;
    this.kinds = List.copyOf(settings.faults());
  }

  Planned next() {
    if (round.isEmpty()) {
      round.addAll(kinds);
      Collections.shuffle(round, random);
    }
    FaultKind kind = round.remove(0);
    long lease = settings.leaseMs();
    long down = switch (kind) {
      case KILL_WORKER, KILL_WATCHER -> between(300, 2000);
      // longer than the lease plus a watcher pass plus a claim, so the task surely has a new owner
      // when the zombie wakes (or reconnects) and tries to write
      case PAUSE_WORKER, PARTITION_WORKER -> settings.reclaimBoundMs() + between(0, 1000);
      case KILL_REDIS -> between(200, 1500);
      case PAUSE_REDIS -> lease * 3 / 2 + between(0, 500);
    };
    boolean drop = kind == FaultKind.PARTITION_WORKER && random.nextBoolean();
    // after a Redis fault every lease may have expired at once: let that wave settle first
    long quiet = between(1500, 3000) + (kind.hitsRedis() ? lease : 0);
    return new Planned(kind, down, quiet, drop);
  }

  private long between(long lo, long hi) { return lo + (long) (random.nextDouble() * (hi - lo)); }
}
