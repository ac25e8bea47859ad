package dev.sentinel.chaos;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

/**
 * One chaos run's shape. The lease and watcher interval are small so that every fault resolves
 * within seconds; the time bound of invariant 4 (lease + watcher interval + 1 s) follows from them.
 *
 * @param seed           drives the fault schedule, the targets and the task inputs
 * @param faultPhase     how long faults are injected (tasks are submitted meanwhile)
 * @param fencingOff     the negative control: workers run a _lib.lua whose fence never refuses
 * @param stubDelayMs    how long the OpenAI stub takes per answer
 * @param stubUnavailableEvery  the stub answers every n-th request 503 with Retry-After: 1 (0: never),
 *                       so some tasks are waiting to retry a call when a fault cuts their worker off
 * @param waitsEvery     0: chain tasks only; n: of every n submissions one is a noop task that waits for
 *                       input and one a noop task that sleeps (see LoadGenerator)
 */
record ChaosSettings(long seed, Duration faultPhase, int workers, int watchers, long leaseMs, long watcherIntervalMs,
                     long submitEveryMs, Set<FaultKind> faults, boolean fencingOff, long stubDelayMs, int stubUnavailableEvery,
                     int waitsEvery) {

  ChaosSettings {
    if (faults.contains(FaultKind.KILL_WATCHER) && watchers < 2) {
      throw new IllegalArgumentException("killing a watcher needs a second one to keep requeueing");
    }
  }

  static final long LEASE_MS = 2000;
  static final long WATCHER_INTERVAL_MS = 250;

  /**
   * Every fault kind, fencing on: the run that must keep every invariant. One LLM request in ten
   * is answered 503 (Retry-After: 1 s), so at any moment some tasks wait to retry a paid call: a
   * worker stopped or cut off meanwhile wakes with that retry due after its lease, the case the
   * worker's lease-deadline check exists for (invariant 7). One submission in six waits for
   * input and one sleeps: a third of the load parks and resumes through the faults, while
   * two thirds keep the LLM chain the zombie checks need.
   */
  static ChaosSettings full(long seed, Duration faultPhase) {
    return new ChaosSettings(seed, faultPhase, 3, 2, LEASE_MS, WATCHER_INTERVAL_MS, 120, EnumSet.allOf(FaultKind.class), false, 250,
        10, 6);
  }

  /**
   * Only zombie pauses, fencing off: the run the checker must catch. A smaller cluster (two
   * workers, the watcher inside the API process) because it starts three times per CI run.
   * LLM answers take 1.5 s here: the zombie wakes while the new owner is still redoing the step
   * it was paused in. With fast steps the heir is already past it, and the zombie's late commits
   * only answer DUP (the step-order check is a second line of defence, which then hides whether
   * fencing works at all). No waits: the control's load stays the one it was calibrated on.
   */
  static ChaosSettings fencingOff(long seed, Duration faultPhase) {
    return new ChaosSettings(seed, faultPhase, 2, 0, LEASE_MS, WATCHER_INTERVAL_MS, 120, EnumSet.of(FaultKind.PAUSE_WORKER), true,
        1500, 0, 0);
  }

  /** Invariant 4: a dead or paused worker's tasks are claimed again within this (Redis clock). */
  long reclaimBoundMs() { return leaseMs + watcherIntervalMs + 1000; }

  /** -Dchaos.seed, else a fresh one (printed, so any run can be repeated). */
  static long seedFromProperty() {
    String s = System.getProperty("chaos.seed");
    return s == null || s.isBlank() ? new Random().nextLong() : Long.parseLong(s.trim());
  }

  /**
   * -Dchaos.seed, else {@code ciDefault}: CI runs a fixed schedule, so a red build names a
   * change, not a lucky draw (process timing still varies from run to run); the long run and
   * any -Dchaos.seed explore new ones.
   */
  static long seedFromProperty(long ciDefault) {
    String s = System.getProperty("chaos.seed");
    return s == null || s.isBlank() ? ciDefault : Long.parseLong(s.trim());
  }
}
