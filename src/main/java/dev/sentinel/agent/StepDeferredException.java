package dev.sentinel.agent;

/**
 * A node cannot run now but will be able to later, so the task gives its worker slot back and
 * waits, holding nothing, counting no attempt: {@link Paused} until a time (its tenant's budget
 * is used up until the next day), {@link Rescheduled} for a while (no rate-limit room yet).
 * The worker knows only these types; the cost and llm packages extend them.
 */
public abstract sealed class StepDeferredException extends RuntimeException
    permits StepDeferredException.Paused, StepDeferredException.Rescheduled {

  StepDeferredException(String message) {
    super(message, null, false, false);
  }

  /** Status {@code paused} until {@code resumeAt} (Redis-clock ms), or until someone resumes it. */
  public abstract static non-sealed class Paused extends StepDeferredException {
    private final long resumeAt;

    protected Paused(String message, long resumeAt) {
      super(message);
      this.resumeAt = resumeAt;
    }

    public long resumeAt() { return resumeAt; }
  }

  /** Status {@code scheduled}, ready again in {@code waitMs}. */
  public abstract static non-sealed class Rescheduled extends StepDeferredException {
    private final long waitMs;

    protected Rescheduled(String message, long waitMs) {
      super(message);
      this.waitMs = waitMs;
    }

    public long waitMs() { return waitMs; }
  }
}
