package dev.sentinel.chaos;

/** What the nemesis does to one process; each fault is bounded in time and healed before the next. */
enum FaultKind {
  /** kill -9 a worker, restart it after a moment: its leases must expire and its tasks move on. */
  KILL_WORKER,
  /** SIGSTOP a worker that holds tasks for longer than its lease, then SIGCONT: a zombie whose writes must be refused. */
  PAUSE_WORKER,
  /** kill -9 a watcher, restart it: the other watcher keeps requeueing; restarts are idempotent. */
  KILL_WATCHER,
  /** kill -9 Redis, restart it from its AOF (appendfsync always): nothing acknowledged may be lost. */
  KILL_REDIS,
  /** SIGSTOP Redis for longer than a lease, then SIGCONT: every lease looks expired at once. */
  PAUSE_REDIS,
  /**
   * Cut a worker that holds tasks off from Redis for longer than its lease, then heal: its proxy
   * stalls (holds every byte, connections open) or drops (resets) its connections, chosen by the
   * seed. Unlike a pause the worker keeps running, its nodes and its LLM calls included: a zombie
   * through the network, whose late writes must be refused and which must start no paid call
   * once its lease is surely over.
   */
  PARTITION_WORKER;

  boolean hitsWorker() { return this == KILL_WORKER || this == PAUSE_WORKER || this == PARTITION_WORKER; }

  /** The worker outlives the fault but could not renew its lease meanwhile: it wakes (or reconnects) a zombie. */
  boolean leavesZombie() { return this == PAUSE_WORKER || this == PARTITION_WORKER; }

  boolean hitsRedis() { return this == KILL_REDIS || this == PAUSE_REDIS; }
}
