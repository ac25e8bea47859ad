package dev.sentinel.cost;

import dev.sentinel.agent.TaskCannotSucceedException;

/** The task would go over its own cost_limit: it fails for good with error budget_exceeded. */
public final class BudgetExceededException extends TaskCannotSucceedException {
  public BudgetExceededException(String detail) {
    super("budget_exceeded: " + detail);
  }
}
