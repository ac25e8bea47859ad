package dev.sentinel.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * LLM calls made by this node's workers: count, tokens, latency and money, by model (bounded by
 * the price table: an unpriced model never runs) and tenant (bounded by {@link LabelCap});
 * the limits that made calls wait, providers' 429s, and tenant budgets that stopped calls.
 */
public final class LlmMetrics {

  /** The token counts of one answered call. */
  public record Tokens(long input, long output, long cachedInput, long reasoning) {}

  private record ModelTenant(String model, String tenant) {}
  private record Call(String model, String tenant, String outcome) {}
  private record Token(String model, String tenant, String kind) {}
  private record Wait(String scope, String outcome) {}

  private final LabelCap tenants;
  private final MeterFamily<Call, Counter> calls;
  private final MeterFamily<Token, Counter> tokens;
  private final MeterFamily<ModelTenant, Counter> cost;
  private final MeterFamily<String, Timer> latency;
  private final MeterFamily<String, Counter> throttled, pauses, exceeded;
  private final MeterFamily<Wait, Timer> waits;

  LlmMetrics(MeterRegistry r, LabelCap tenants) {
    this.tenants = tenants;
    calls = new MeterFamily<>(k -> Meters.counter(r, "sentinel.llm.calls", "LLM calls answered (ok) or failed (error)",
        "model", k.model(), "tenant", k.tenant(), "outcome", k.outcome()));
    tokens = new MeterFamily<>(k -> Meters.counter(r, "sentinel.llm.tokens",
        "tokens of answered calls, by kind: input, output, cached_input (part of input), reasoning (part of output)",
        "model", k.model(), "tenant", k.tenant(), "kind", k.kind()));
    cost = new MeterFamily<>(k -> Meters.counter(r, "sentinel.llm.cost.usd",
        "USD of answered calls at the price table's prices, as recorded in the cost ledger", "model", k.model(), "tenant", k.tenant()));
    latency = new MeterFamily<>(model -> Meters.timer(r, "sentinel.llm.call", "LLM call latency as the provider answered it",
        "model", model));
    throttled = new MeterFamily<>(model -> Meters.counter(r, "sentinel.llm.throttled",
        "429 answers of the provider (each holds the model cluster-wide for its Retry-After)", "model", model));
    waits = new MeterFamily<>(k -> Meters.timer(r, "sentinel.rate.limit.wait",
        "calls that found no room in a rate limit: waited in place, or rescheduled (the worker slot given back); "
            + "the time is the wait asked for", "scope", k.scope(), "outcome", k.outcome()));
    pauses = new MeterFamily<>(t -> Meters.counter(r, "sentinel.budget.pauses",
        "tasks paused because their tenant's daily budget was used up", "tenant", t));
    exceeded = new MeterFamily<>(t -> Meters.counter(r, "sentinel.budget.exceeded",
        "tasks failed because a call would pass their cost_limit", "tenant", t));
  }

  public void answered(String model, String tenant, Tokens t, long costNanos, long latencyMs) {
    String tenantLabel = tenants.value(tenant);
    calls.get(new Call(model, tenantLabel, "ok")).increment();
    count(model, tenantLabel, "input", t.input());
    count(model, tenantLabel, "output", t.output());
    count(model, tenantLabel, "cached_input", t.cachedInput());
    count(model, tenantLabel, "reasoning", t.reasoning());
    cost.get(new ModelTenant(model, tenantLabel)).increment(costNanos / 1e9);
    latency.get(model).record(latencyMs, TimeUnit.MILLISECONDS);
  }

  private void count(String model, String tenant, String kind, long n) {
    // always incremented (also by 0), so every kind's series exists from the first call
    tokens.get(new Token(model, tenant, kind)).increment(n);
  }

  public void failed(String model, String tenant) { calls.get(new Call(model, tenants.value(tenant), "error")).increment(); }

  public void throttled(String model) { throttled.get(model).increment(); }

  /**
   * @param scope       which limit: model, tenant, or hold (a provider's 429)
   * @param rescheduled true when the wait was too long to spend holding a worker slot
   */
  public void rateLimitWait(String scope, boolean rescheduled, long waitMs) {
    waits.get(new Wait(scope, rescheduled ? "rescheduled" : "waited")).record(waitMs, TimeUnit.MILLISECONDS);
  }

  public void budgetPaused(String tenant) { pauses.get(tenants.value(tenant)).increment(); }

  public void budgetExceeded(String tenant) { exceeded.get(tenants.value(tenant)).increment(); }
}
