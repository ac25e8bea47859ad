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

  /**
   * Prefix of a task's token address ({@link #tokensOf}). Body: a {@link TokenChunk} as JSON.
   * Tokens are live output only: a client that was not listening never sees them again.
   */
  public static final String TASK_TOKENS = "sentinel.task.tokens.";

  public static String tokensOf(String taskId) { return TASK_TOKENS + taskId; }
}
