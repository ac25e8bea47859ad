package dev.sentinel.chaos;

/** One broken invariant, with what is needed to find it in Redis and the logs. */
record Violation(Invariant invariant, String subject, String detail) {

  /** The invariants of docs/reliability.md, numbered as there. */
  enum Invariant {
    /** 1: every acknowledged task reached a final status (completed). */
    FINAL,
    /** 2: each (task, step) committed exactly once, and the result is what the inputs determine. */
    EXACTLY_ONCE,
    /** 3: no write under a superseded (epoch, claim) was accepted. */
    FENCED,
    /** 3, non-vacuity: a worker paused or partitioned past its lease while holding tasks had a write refused. */
    FENCING_ENGAGED,
    /** 4: a killed, paused or partitioned worker's tasks were claimed again within lease + watcher interval + 1 s. */
    RECLAIMED_IN_TIME,
    /** 5: tenant totals = sum of call records = the provider's (stub's) ledger. */
    COST_LEDGER,
    /**
     * 6: the functional indexes and the counters agree with the task hashes: each task is in the
     * one index of its status (ready queue, leases, delayed, finished) and `counts`, cluster-wide and
     * per tenant, equals the tally of the tasks' statuses.
     */
    INDEXES,
    /**
     * 7: a worker cut off from Redis (paused or partitioned) past its lease started no LLM call
     * for a task it held once that lease was surely over: fencing refuses a zombie's writes, but
     * cannot take back money a call spent.
     */
    NO_CALL_AFTER_LEASE,
    /**
     * 8: durable waits hold through faults: a sleeping task commits nothing past its sleep before
     * the deadline its first entry set (Redis clock). (A wait's once-only commit and its input
     * are judged under 2.)
     */
    WAITS
  }

  @Override public String toString() { return invariant + " " + subject + ": " + detail; }
}
