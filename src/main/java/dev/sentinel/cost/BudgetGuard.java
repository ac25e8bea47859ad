package dev.sentinel.cost;

import dev.sentinel.store.LedgerScripts;
import io.vertx.core.Future;

/**
 * Checks a task's cost_limit and its tenant's daily budget before an LLM call, with an
 * estimate of the call's cost. It fails closed: when Redis cannot answer, the call is not made.
 */
public final class BudgetGuard {

  public sealed interface Verdict permits Allowed, TaskLimitReached, TenantBudgetUsedUp {}

  /** The call may go ahead; {@code reservedNanos} were set aside on {@code day} (0: no daily budget). */
  public record Allowed(long reservedNanos, String day) implements Verdict {
    public static final Allowed NOTHING_RESERVED = new Allowed(0, "");
  }

  public record TaskLimitReached(long costNanos, long limitNanos) implements Verdict {}

  public record TenantBudgetUsedUp(long spentNanos, long budgetNanos, long resumeAt) implements Verdict {}

  private final LedgerScripts ledger;
  private final long defaultDailyBudgetNanos;

  public BudgetGuard(LedgerScripts ledger, long defaultDailyBudgetNanos) {
    this.ledger = ledger;
    this.defaultDailyBudgetNanos = defaultDailyBudgetNanos;
  }

  /**
   * Gives back the reservation of a call that got no answer (no money was spent), if the task
   * still holds it: a holder that lost the task had it given back already.
   */
  public Future<Void> release(String taskId, String callId, Allowed reservation) {
    if (reservation.reservedNanos() <= 0) return Future.succeededFuture();
    return ledger.releaseBudget(taskId, callId).mapEmpty();
  }

  /** @param callId the call the reservation is for: only its record or its failure gives it back */
  public Future<Verdict> check(String taskId, String tenantId, String callId, long estimateNanos) {
    return ledger.checkBudget(taskId, tenantId, estimateNanos, defaultDailyBudgetNanos, callId)
        .map(r -> switch (r.get(0).toString()) {
          case "OK" -> new Allowed(r.get(1).toLong(), r.get(2).toString());
          case "TASK_LIMIT" -> new TaskLimitReached(r.get(1).toLong(), r.get(2).toLong());
          case "TENANT_BUDGET" -> new TenantBudgetUsedUp(r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong());
          default -> throw new IllegalStateException("check_budget answered " + r.get(0));
        });
  }
}
