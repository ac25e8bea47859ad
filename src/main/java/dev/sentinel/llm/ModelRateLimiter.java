package dev.sentinel.llm;

import dev.sentinel.config.SentinelConfig.LlmSettings;
import dev.sentinel.config.SentinelConfig.ModelLimits;
import dev.sentinel.store.TaskStore;
import io.vertx.core.Future;

/**
 * A model's RPM and TPM, shared by every worker of the cluster (reserve_model.lua and
 * settle_model.lua: GCRA on the Redis clock). Before a call: one request and the estimated
 * tokens, both or neither; after it: the tokens settled to the real usage. A provider's 429
 * holds the model cluster-wide for its Retry-After.
 */
public final class ModelRateLimiter {

  private final TaskStore store;
  private final LlmSettings settings;

  public ModelRateLimiter(TaskStore store, LlmSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /** @return 0 when reserved, else the ms until room is expected (nothing was taken) */
  public Future<Long> reserve(String model, long estimatedTokens) {
    ModelLimits l = settings.limits(model);
    return store.scripts().run(store.scriptSet().reserveModel(), model, l.rpm(), l.rpmBurst(), l.tpm(), l.tpmBurst(),
        estimatedTokens).map(r -> "OK".equals(r.get(0).toString()) ? 0L : Math.max(1, r.get(1).toLong()));
  }

  public Future<Void> settle(String model, long estimatedTokens, long realTokens) {
    ModelLimits l = settings.limits(model);
    if (l.tpm() <= 0) return Future.succeededFuture();
    return store.scripts().run(store.scriptSet().settleModel(), model, l.tpm(), estimatedTokens, realTokens, 0).mapEmpty();
  }

  public Future<Void> hold(String model, long ms) {
    return store.scripts().run(store.scriptSet().settleModel(), model, 0, 0, 0, Math.max(1, ms)).mapEmpty();
  }

  /** How long a step may wait for room in place before it gives its worker slot back. */
  public long maxWaitInPlaceMs() { return settings.maxRateWaitMs(); }
}
