package dev.sentinel.llm;

import dev.sentinel.agent.StepDeferredException;

/**
 * The model, or the calling tenant's LLM limits, have no room for longer than a moment: the
 * task gives its slot back until room is expected.
 */
public final class RateLimitWaitException extends StepDeferredException.Rescheduled {

  public RateLimitWaitException(String model, long waitMs) {
    this(model, null, ModelRateLimiter.Scope.MODEL, waitMs);
  }

  public RateLimitWaitException(String model, String tenant, ModelRateLimiter.Scope scope, long waitMs) {
    super("rate_limited: " + switch (scope) {
      case HOLD -> "the provider throttled model " + model;
      case MODEL -> "model " + model + " has no room";
      case TENANT -> "tenant " + tenant + " has no LLM room";
    } + " for " + waitMs + " ms", waitMs);
  }
}
