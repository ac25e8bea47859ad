package dev.sentinel.store;

/** What a state-change script answered. Callers switch over it; the compiler checks they handle each. */
public enum Reply {
  /** The change was made. */
  OK,
  /** The caller's (epoch, claim) is no longer the task's: another holder owns it, or nobody does. */
  STALE,
  /** The task was cancelled; the holder must stop. */
  CANCELLED,
  /** No such task (never existed, or removed by retention). */
  NOT_FOUND,
  /** The step was already committed (a retry after a lost reply). */
  DUP,
  /** The step is not the next one: Redis lost an acknowledged commit (restart without fsync). */
  OUT_OF_ORDER,
  /** A task with this id already exists. */
  EXISTS,
  /** The task already ended (completed, failed or cancelled). */
  FINISHED,
  /** The node failure was counted and the task will run again after a backoff. */
  RETRYING,
  /** The task used up its attempts and failed for good. */
  FAILED,
  /** An Idempotency-Key seen before with the same request: the task it created is returned. */
  DUPLICATE,
  /** An Idempotency-Key seen before with a different request. */
  CONFLICT,
  /** The task is not in a status this operation applies to (e.g. retry of a running task). */
  WRONG_STATUS,
  /** The tenant is over its submission rate. */
  RATE_LIMITED,
  /** The tenant is at its quota (e.g. max queued tasks). */
  QUOTA_EXCEEDED;

  static Reply parse(String text) {
    return valueOf(text);
  }
}
