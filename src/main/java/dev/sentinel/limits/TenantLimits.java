package dev.sentinel.limits;

import dev.sentinel.store.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * A tenant's own limits (hash limits:tenant:{id}), read by the scripts on every node, so a
 * change is effective cluster-wide at once. For now: the daily LLM budget; the rate-limit
 * issue adds rates and quotas here.
 */
public final class TenantLimits {

  private final Redis redis;
  private final Keys keys;
  private final long defaultDailyBudgetMicros;

  public TenantLimits(Redis redis, Keys keys, long defaultDailyBudgetMicros) {
    this.redis = redis;
    this.keys = keys;
    this.defaultDailyBudgetMicros = defaultDailyBudgetMicros;
  }

  private String key(String tenant) { return keys.prefix() + "limits:tenant:" + tenant; }

  public Future<JsonObject> get(String tenant) {
    return redis.send(Request.cmd(Command.HGET).arg(key(tenant)).arg("daily_budget_micros")).map(r -> {
      boolean own = r != null;
      long micros = own ? r.toLong() : defaultDailyBudgetMicros;
      return new JsonObject().put("tenant_id", tenant)
          .put("daily_budget_usd", micros > 0 ? micros / 1_000_000.0 : null)
          .put("daily_budget_source", own ? "tenant" : "default");
    });
  }

  /** @param dailyBudgetMicros the new budget, 0 for none, or null to fall back to the default */
  public Future<Void> setDailyBudget(String tenant, Long dailyBudgetMicros) {
    Request r = dailyBudgetMicros == null ? Request.cmd(Command.HDEL).arg(key(tenant)).arg("daily_budget_micros")
        : Request.cmd(Command.HSET).arg(key(tenant)).arg("daily_budget_micros").arg(dailyBudgetMicros);
    return redis.send(r).mapEmpty();
  }
}
