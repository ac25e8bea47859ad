package dev.sentinel.cost;

import dev.sentinel.agent.StepDeferredException;

/** The tenant's daily budget is used up: the task is paused (no worker held) until resumeAt. */
public final class TenantBudgetPausedException extends StepDeferredException.Paused {
  public TenantBudgetPausedException(String detail, long resumeAt) {
    super("tenant_budget_exhausted: " + detail, resumeAt);
  }
}
