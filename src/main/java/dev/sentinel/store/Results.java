package dev.sentinel.store;

import java.util.List;
import java.util.Map;

/** Typed answers of the scripts that return more than a {@link Reply}. */
public final class Results {
  private Results() {}

  /** {@code taskId} is the new task's, or for DUPLICATE and CONFLICT the one the key created. */
  public record Submitted(Reply reply, String taskId, long createdAt, String status, RateInfo rate, long waiting, long maxWaiting) {
    public Submitted(Reply reply, String taskId, long createdAt, String status) {
      this(reply, taskId, createdAt, status, RateInfo.NONE, 0, 0);
    }
  }

  /** A rate limiter's answer: limit 0 means no limit applied. */
  public record RateInfo(long limit, long remaining, long resetMs, long retryAfterMs) {
    public static final RateInfo NONE = new RateInfo(0, -1, 0, 0);
  }

  /**
   * @param status the task's status when the reply is WRONG_STATUS
   * @param task the task hash as the retry left it (OK only): read in the same script, so a
   *             worker that claims the task at once cannot change what the caller sees
   */
  public record Retried(Reply reply, String status, Map<String, String> task) {}

  /** {@code committed} is the task's committed step count as Redis holds it after this commit. */
  public record Committed(Reply reply, long committed) {}

  public record Failed(Reply reply, int attempts, long dueAt) {}

  public record Renewed(long leaseExpires, List<Reply> replies) {}

  public record Expired(int requeued, int failed, List<String> taskIds) {}

  public record Cancelled(Reply reply, String status) {}
}
