package dev.sentinel.store;

import java.util.List;

/** Typed answers of the scripts that return more than a {@link Reply}. */
public final class Results {
  private Results() {}

  /** {@code taskId} is the new task's, or for DUPLICATE and CONFLICT the one the key created. */
  public record Submitted(Reply reply, String taskId, long createdAt, String status) {}

  public record Retried(Reply reply, String status) {}

  /** {@code committed} is the task's committed step count when the reply is DUP or OUT_OF_ORDER. */
  public record Committed(Reply reply, long leaseExpires, long committed) {}

  public record Failed(Reply reply, int attempts, long dueAt) {}

  public record Renewed(long leaseExpires, List<Reply> replies) {}

  public record Expired(int requeued, int failed, List<String> taskIds) {}

  public record Cancelled(Reply reply, String status) {}
}
