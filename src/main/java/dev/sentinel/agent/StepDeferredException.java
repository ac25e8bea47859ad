package dev.sentinel.agent;

/**
 * A node cannot run now but will be able to later, so the task gives its worker slot back and
 * waits, holding nothing, counting no attempt: {@link Paused} until a time (its tenant's budget
 * is used up until the next day), {@link Rescheduled} for a while (no rate-limit room yet),
 * {@link Waiting} at a wait node (wait_input, sleep) until its input or its time.
 * The worker knows only these types; the cost and llm packages extend them.
 */
public abstract sealed class StepDeferredException extends RuntimeException
    permits StepDeferredException.Paused, StepDeferredException.Rescheduled, StepDeferredException.Waiting {

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

  /**
   * The node is a wait (wait_input: {@code kind} input; sleep: {@code kind} sleep) entered now or
   * again: the worker parks the task there (wait.lua). The deadline is {@code durationMs} from the
   * wait's first entry or the Redis-clock time {@code untilMs} (either may be null; a wait entered
   * before keeps the deadline it got then).
   */
  public static final class Waiting extends StepDeferredException {
    private final String kind;
    private final Long durationMs;
    private final Long untilMs;

    Waiting(String kind, String message, Long durationMs, Long untilMs) {
      super(message);
      this.kind = kind;
      this.durationMs = durationMs;
      this.untilMs = untilMs;
    }

    public String kind() { return kind; }

    public Long durationMs() { return durationMs; }

    public Long untilMs() { return untilMs; }
  }
}
