package dev.sentinel.chaos;

/**
 * One injected fault, as it happened. Times are Redis-clock ms (the clock that history records,
 * stream entry ids and leases use): {@code atMs} read just before the fault, {@code cutMs} once it
 * was in force (the worker dead, stopped or cut off from Redis), {@code healingMs} just before the
 * heal and {@code healedMs} once healed. Only worker faults read the two inner ones (Redis cannot
 * be asked while it is down): the others have {@code cutMs = atMs} and {@code healingMs = healedMs}.
 *
 * @param variant         how a partition cut the worker off: "stall" or "drop" ("" for other kinds)
 * @param target          the slot hit (w2, watcher1, redis)
 * @param workerIdPrefix  for a worker fault, the prefix of the ids its incarnation used (else "")
 * @param hitNanos        this JVM's System.nanoTime() once the process was dead (or stopped): nothing it
 *                        sends can reach the stub after it, so the stub's ledger is compared with this
 * @param durationMs      how long the process stayed dead, stopped or cut off
 * @param heldWhenHit     tasks the worker owned (meta owner) when it was picked; -1 for other faults
 */
record Fault(int seq, FaultKind kind, String variant, String target, String workerIdPrefix, long atMs, long cutMs,
             long healingMs, long healedMs, long hitNanos, long durationMs, int heldWhenHit) {

  @Override public String toString() {
    return "#" + seq + " " + kind + (variant.isEmpty() ? "" : "(" + variant + ")") + " " + target + " for " + durationMs
        + " ms at redis-ms " + atMs + (heldWhenHit >= 0 ? " (held " + heldWhenHit + " tasks)" : "");
  }
}
