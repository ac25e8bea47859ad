package dev.sentinel.llm;

/** The model has no room for longer than a moment: the task gives its slot back until resumeAt. */
public final class RateLimitWaitException extends RuntimeException {
  private final long waitMs;

  public RateLimitWaitException(String model, long waitMs) {
    super("rate_limited: model " + model + " has no room for " + waitMs + " ms", null, false, false);
    this.waitMs = waitMs;
  }

  public long waitMs() { return waitMs; }
}
