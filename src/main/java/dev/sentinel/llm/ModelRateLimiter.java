package dev.sentinel.llm;

import dev.sentinel.config.SentinelConfig.LimitDefaults;
import dev.sentinel.config.SentinelConfig.LlmSettings;
import dev.sentinel.config.SentinelConfig.ModelLimits;
import dev.sentinel.store.LedgerScripts;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

/**
 * A model's RPM and TPM, shared by every worker of the cluster, and the calling tenant's own
 * LLM RPM and TPM across all its models (reserve_model.lua and settle_model.lua: GCRA on the
 * Redis clock). Before a call: one request and the estimated tokens from every limited bucket,
 * all or none; after it: the tokens settled to the real usage. A provider's 429 holds the model
 * cluster-wide for its Retry-After.
 */
public final class ModelRateLimiter {

  /** Which limit made a call wait: a provider's 429 hold, the model's limits, or the tenant's. */
  public enum Scope {
    HOLD, MODEL, TENANT;

    static Scope parse(String s) {
      return switch (s) {
        case "hold" -> HOLD;
        case "model" -> MODEL;
        case "tenant" -> TENANT;
        default -> throw new IllegalStateException("reserve_model.lua: unknown scope " + s);
      };
    }
  }

  /** A TPM bucket as the reservation left it: what settling needs to bound its refund. */
  public record TpmSlot(long tpm, String slotEnd, String refunds) {
    static final TpmSlot NONE = new TpmSlot(0, "0", "0");
  }

  /** What reserve decided. */
  public sealed interface Reservation permits Granted, Wait {}

  /** Room was taken; settle it after the call. */
  public record Granted(String model, String tenant, long estimatedTokens, TpmSlot modelTpm, TpmSlot tenantTpm)
      implements Reservation {}

  /** Nothing was taken; room is expected in {@code ms}. */
  public record Wait(long ms, Scope scope) implements Reservation {}

  private static final System.Logger LOG = System.getLogger(ModelRateLimiter.class.getName());

  private final LedgerScripts ledger;
  private final LlmSettings settings;
  private final LimitDefaults tenantDefaults;

  public ModelRateLimiter(LedgerScripts ledger, LlmSettings settings, LimitDefaults tenantDefaults) {
    this.ledger = ledger;
    this.settings = settings;
    this.tenantDefaults = tenantDefaults;
  }

  /** Without tenant defaults (a tenant's own llm_rpm / llm_tpm still apply). */
  public ModelRateLimiter(LedgerScripts ledger, LlmSettings settings) {
    this(ledger, settings, new LimitDefaults(0, 1, 0, 0, 0, 0));
  }

  /** @param tenant the calling tenant, or null for the model's limits only */
  public Future<Reservation> reserve(String model, String tenant, long estimatedTokens) {
    ModelLimits l = settings.limits(model);
    return ledger.reserveModel(model, l.rpm(), l.rpmBurst(), l.tpm(), l.tpmBurst(),
        estimatedTokens, tenant == null ? "" : tenant, tenantDefaults.llmRpm(), tenantDefaults.llmTpm())
        .map(r -> parse(r, model, tenant, estimatedTokens, l));
  }

  private static Reservation parse(Response r, String model, String tenant, long estimatedTokens, ModelLimits l) {
    if (!"OK".equals(r.get(0).toString())) return new Wait(Math.max(1, r.get(1).toLong()), Scope.parse(r.get(2).toString()));
    TpmSlot m = l.tpm() > 0 ? new TpmSlot(l.tpm(), r.get(1).toString(), r.get(2).toString()) : TpmSlot.NONE;
    long tenantTpm = Long.parseLong(r.get(3).toString());
    TpmSlot t = tenantTpm > 0 ? new TpmSlot(tenantTpm, r.get(4).toString(), r.get(5).toString()) : TpmSlot.NONE;
    return new Granted(model, tenant, estimatedTokens, m, t);
  }

  /** Corrects the reserved tokens to the real usage, in the model's and the tenant's buckets. */
  public Future<Void> settle(Granted g, long realTokens) {
    if (g.modelTpm().tpm() <= 0 && g.tenantTpm().tpm() <= 0) return Future.succeededFuture();
    return ledger.settleModel(g.model(), g.modelTpm().tpm(), g.estimatedTokens(), realTokens, 0,
        g.modelTpm().slotEnd(), g.modelTpm().refunds(), g.tenant() == null ? "" : g.tenant(), g.tenantTpm().tpm(),
        g.tenantTpm().slotEnd(), g.tenantTpm().refunds()).mapEmpty();
  }

  /**
   * Holds the model cluster-wide after a provider's 429, for its Retry-After but never longer
   * than {@code llm.max_hold_ms}: a longer one (a misconfigured proxy, a hostile endpoint) is cut
   * and logged, and later calls find out for themselves whether the provider is still throttling.
   */
  public Future<Void> hold(String model, long ms) {
    long held = Math.max(1, Math.min(ms, settings.maxHoldMs()));
    if (held < ms) {
      LOG.log(System.Logger.Level.WARNING, "provider asked to hold model " + model + " for " + ms + " ms (Retry-After); "
          + "holding it " + held + " ms (llm.max_hold_ms)");
    }
    return ledger.settleModel(model, 0, 0, 0, held, 0, 0, "", 0, 0, 0).mapEmpty();
  }

  /** How long a step may wait for room in place before it gives its worker slot back. */
  public long maxWaitInPlaceMs() { return settings.maxRateWaitMs(); }
}
