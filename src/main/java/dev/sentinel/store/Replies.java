package dev.sentinel.store;

/**
 * What each state-change script answers: one enum per script (park and release share theirs,
 * their answers being the same), so a caller's {@code switch} names exactly the answers that
 * script can give and the compiler checks that each is handled.
 */
public final class Replies {
  private Replies() {}

  public enum SubmitReply {
    OK,
    /** A task with this id already exists. */
    EXISTS,
    /** An Idempotency-Key seen before with the same request: the task it created is returned. */
    DUPLICATE,
    /** An Idempotency-Key seen before with a different request. */
    CONFLICT,
    /** The tenant is over its submission rate. */
    RATE_LIMITED,
    /** The tenant is at its quota of waiting tasks. */
    QUOTA_EXCEEDED
  }

  public enum ReplayReply {
    OK,
    /** No task to replay (never existed, or removed by retention). */
    NOT_FOUND,
    /** The task has not committed the step to replay from. */
    NO_STEP,
    /** The step ended the task's run: there is nothing after it to replay. */
    ENDED,
    /** A task with the new id already exists. */
    EXISTS,
    /** An Idempotency-Key seen before with the same request: the task it created is returned. */
    DUPLICATE,
    /** An Idempotency-Key seen before with a different request. */
    CONFLICT,
    /** The tenant is over its submission rate. */
    RATE_LIMITED,
    /** The tenant is at its quota of waiting tasks. */
    QUOTA_EXCEEDED
  }

  public enum RenewReply {
    OK,
    /**
     * The run under this very claim already ended, by its holder's own write (the renew raced the
     * final commit, a release or a failure): nothing to renew, and not a refusal.
     */
    FINISHED,
    /** The caller's (epoch, claim) is no longer the task's: another holder owns it, or nobody does. */
    STALE,
    /** The task was cancelled; the holder must stop. */
    CANCELLED,
    /** No such task (removed by retention). */
    NOT_FOUND
  }

  public enum CommitReply {
    OK,
    /** The step was already committed (a retry after a lost reply); for a final step: already completed by this claim. */
    DUP,
    /** The step is not the next one: Redis lost an acknowledged commit (restart without fsync). */
    OUT_OF_ORDER,
    STALE,
    CANCELLED,
    NOT_FOUND,
    /** This commit could not be written (a damaged key); nothing of it was. The others of the batch are not affected. */
    ERROR
  }

  public enum FailReply {
    /** The failure was counted and the task runs again after a backoff. */
    RETRYING,
    /** The task used up its attempts (or retrying cannot help) and failed for good. */
    FAILED,
    /** The run under this claim already ended (completed, or handed off by its holder). */
    FINISHED,
    STALE,
    CANCELLED,
    NOT_FOUND
  }

  /** park.lua and release.lua: a holder hands its task over (to a timer, or back to the queue). */
  public enum HandOffReply {
    OK,
    /** The run under this claim already ended (completed, or handed off before). */
    FINISHED,
    STALE,
    CANCELLED,
    NOT_FOUND
  }

  /** wait.lua: the holder parks its task at a wait node. */
  public enum WaitReply {
    /** Parked: waiting for input, or scheduled until the sleep's end. */
    OK,
    /** The wait's deadline has already passed: nothing parked; run the node again, it finds the wait done. */
    DUE,
    /** The run under this claim already ended. */
    FINISHED,
    STALE,
    CANCELLED,
    NOT_FOUND
  }

  /** provide_input.lua */
  public enum InputReply {
    OK,
    /** The task is not waiting for input (any more) at the validated step: nothing was written. */
    NOT_WAITING,
    NOT_FOUND
  }

  public enum CancelReply {
    OK,
    /** The task already ended (completed, failed or cancelled). */
    FINISHED,
    NOT_FOUND
  }

  public enum RetryReply {
    OK,
    NOT_FOUND,
    /** Only failed or cancelled tasks can be retried. */
    WRONG_STATUS
  }
}
