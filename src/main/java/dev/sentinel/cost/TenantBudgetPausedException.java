package dev.sentinel.cost;

/** The tenant's daily budget is used up: the task is paused (no worker held) until resumeAt. */
public final class TenantBudgetPausedException extends RuntimeException {
  private final long resumeAt;

  public TenantBudgetPausedException(String detail, long resumeAt) {
    super("tenant_budget_exhausted: " + detail, null, false, false);
    this.resumeAt = resumeAt;
  }

  public long resumeAt() { return resumeAt; }
}
