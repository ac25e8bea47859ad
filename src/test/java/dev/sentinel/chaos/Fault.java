package dev.sentinel.chaos;

/**
 * One injected fault, as it happened. Times are Redis-clock ms (the clock that stream entry ids
 * and leases use), read just before the fault ({@code atMs}) and once it was healed.
 *
 * @param target          the slot hit (w2, watcher1, redis)
 * @param workerIdPrefix  for a worker fault, the prefix of the ids its incarnation used (else "")
 * @param hitNanos        this JVM's System.nanoTime() once the process was dead (or stopped): nothing it
 *                        sends can reach the stub after it, so the stub's ledger is compared with this
 * @param durationMs      how long the process stayed dead or stopped
 * @param heldWhenHit     tasks the worker owned (meta owner) when it was picked; -1 for other faults
 */
record Fault(int seq, FaultKind kind, String target, String workerIdPrefix, long atMs, long healedMs, long hitNanos,
             long durationMs, int heldWhenHit) {

  @Override public String toString() {
    return "#" + seq + " " + kind + " " + target + " for " + durationMs + " ms at redis-ms " + atMs
        + (heldWhenHit >= 0 ? " (held " + heldWhenHit + " tasks)" : "");
  }
}
