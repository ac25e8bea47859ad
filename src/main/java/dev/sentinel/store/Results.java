package dev.sentinel.store;

import dev.sentinel.store.Replies.CancelReply;
import dev.sentinel.store.Replies.CommitReply;
import dev.sentinel.store.Replies.FailReply;
import dev.sentinel.store.Replies.InputReply;
import dev.sentinel.store.Replies.RenewReply;
import dev.sentinel.store.Replies.ReplayReply;
import dev.sentinel.store.Replies.RetryReply;
import dev.sentinel.store.Replies.SubmitReply;

import java.util.List;
import java.util.Map;

/** Typed answers of the scripts that return more than a reply code. */
public final class Results {
  private Results() {}

  /**
   * {@code taskId} is the new task's, or for DUPLICATE and CONFLICT the one the key created;
   * {@code task} (OK only, else null) is the task exactly as submit.lua wrote it.
   */
  public record Submitted(SubmitReply reply, String taskId, long createdAt, String status, RateInfo rate, long waiting,
                          long maxWaiting, TaskView task) {
    public Submitted(SubmitReply reply, String taskId, long createdAt, String status) {
      this(reply, taskId, createdAt, status, RateInfo.NONE, 0, 0, null);
    }
  }

  /**
   * {@code taskId} is the new task's, or for DUPLICATE and CONFLICT the one the key created;
   * {@code lastStep} (NO_STEP) the old task's last committed step; {@code task} (OK only) the new
   * task exactly as replay.lua wrote it.
   */
  public record Replayed(ReplayReply reply, String taskId, int lastStep, RateInfo rate, long waiting, long maxWaiting,
                         TaskView task) {}

  /** A rate limiter's answer: limit 0 means no limit applied. */
  public record RateInfo(long limit, long remaining, long resetMs, long retryAfterMs) {
    public static final RateInfo NONE = new RateInfo(0, -1, 0, 0);
  }

  /**
   * @param status the task's status when the reply is WRONG_STATUS
   * @param task the task as the retry left it (OK only, else null): read in the same script, so
   *             a worker that claims the task at once cannot change what the caller sees
   */
  public record Retried(RetryReply reply, String status, TaskView task) {}

  /**
   * @param committed the task's committed step count as Redis holds it after this commit
   * @param error     for ERROR, what Redis said
   */
  public record Committed(CommitReply reply, long committed, String error) {
    public Committed(CommitReply reply, long committed) { this(reply, committed, null); }
  }

  public record Failed(FailReply reply, int attempts, long dueAt) {}

  public record Renewed(long leaseExpires, List<RenewReply> replies) {}

  /** @param looked index entries looked at: as many as asked means there may be more */
  public record Expired(int requeued, int failed, int looked, List<String> taskIds) {}

  /** @param looked index entries looked at: as many as asked means there may be more */
  public record Promoted(int promoted, int looked) {}

  public record Cancelled(CancelReply reply, String status) {}

  /** @param status the task's status when the reply is NOT_WAITING */
  public record InputTaken(InputReply reply, String status) {}
}
