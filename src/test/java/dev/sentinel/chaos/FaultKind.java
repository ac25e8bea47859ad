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
  PAUSE_REDIS;

  boolean hitsWorker() { return this == KILL_WORKER || this == PAUSE_WORKER; }

  boolean hitsRedis() { return this == KILL_REDIS || this == PAUSE_REDIS; }
}
