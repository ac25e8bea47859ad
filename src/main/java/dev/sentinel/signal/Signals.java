package dev.sentinel.signal;

/**
 * Event-bus addresses for signals inside one JVM. They are hints that save latency, never
 * the source of truth: a lost signal only delays work until the next poll.
 */
public final class Signals {
  private Signals() {}

  /** Body: tenant id or "*". A task became ready: idle workers should try to claim. */
  public static final String TASK_READY = "sentinel.task.ready";

  /** Body: task id. The task was cancelled: a worker running it stops the node at once. */
  public static final String TASK_CANCEL = "sentinel.task.cancel";
}
