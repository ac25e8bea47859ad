package dev.sentinel.cost;

/** The task would go over its own cost_limit: it fails for good with error budget_exceeded. */
public final class BudgetExceededException extends RuntimeException {
  public BudgetExceededException(String detail) {
    super("budget_exceeded: " + detail, null, false, false);
  }
}
