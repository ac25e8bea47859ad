package dev.sentinel.limits;

import dev.sentinel.config.SentinelConfig.LimitDefaults;
import dev.sentinel.cost.Usd;
import dev.sentinel.store.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant's own limits (hash limits:tenant:{id}), read by the scripts on every node at each
 * decision, so a change is effective cluster-wide at once: submission rate and burst, max
 * waiting and max running tasks, daily LLM budget, LLM requests and tokens per minute across all
 * the tenant's models (enforced by reserve_model.lua). A field not set falls back to the
 * configured default.
 */
public final class TenantLimits {

  private static final String[] FIELDS = {"submit_rate", "submit_burst", "max_queued", "max_running", "daily_budget_nanos",
      "llm_rpm", "llm_tpm"};

  private final Redis redis;
  private final Keys keys;
  private final long defaultDailyBudgetNanos;
  private final LimitDefaults defaults;

  public TenantLimits(Redis redis, Keys keys, long defaultDailyBudgetNanos, LimitDefaults defaults) {
    this.redis = redis;
    this.keys = keys;
    this.defaultDailyBudgetNanos = defaultDailyBudgetNanos;
    this.defaults = defaults;
  }

  private String key(String tenant) { return keys.tenantLimits(tenant); }

  public Future<JsonObject> get(String tenant) {
    Request r = Request.cmd(Command.HMGET).arg(key(tenant));
    for (String f : FIELDS) r.arg(f);
    return redis.send(r).map(v -> {
      JsonObject own = new JsonObject();
      double rate = v.get(0) == null ? defaults.submitRate() : num(v.get(0));
      long burst = v.get(1) == null ? defaults.submitBurst() : (long) num(v.get(1));
      long maxQueued = v.get(2) == null ? defaults.maxQueued() : (long) num(v.get(2));
      long maxRunning = v.get(3) == null ? defaults.maxRunning() : (long) num(v.get(3));
      long budget = v.get(4) == null ? defaultDailyBudgetNanos : (long) num(v.get(4));
      long llmRpm = v.get(5) == null ? defaults.llmRpm() : (long) num(v.get(5));
      long llmTpm = v.get(6) == null ? defaults.llmTpm() : (long) num(v.get(6));
      List<String> ownFields = new ArrayList<>();
      for (int i = 0; i < FIELDS.length; i++) if (v.get(i) != null) ownFields.add(FIELDS[i].replace("_nanos", "_usd"));
      return new JsonObject().put("tenant_id", tenant)
          .put("submit_rate", rate > 0 ? rate : null)
          .put("submit_burst", burst)
          .put("max_queued", maxQueued > 0 ? maxQueued : null)
          .put("max_running", maxRunning > 0 ? maxRunning : null)
          .put("daily_budget_usd", budget > 0 ? Usd.ofNanos(budget) : null)
          .put("daily_budget_source", v.get(4) != null ? "tenant" : "default")
          .put("llm_rpm", llmRpm > 0 ? llmRpm : null)
          .put("llm_tpm", llmTpm > 0 ? llmTpm : null)
          .put("own", new JsonArray(ownFields));
    });
  }

  /**
   * Applies the fields present in {@code update}: a number sets the tenant's own value (0:
   * unlimited), null removes it (back to the default). Absent fields are left as they are.
   */
  public Future<Void> update(String tenant, JsonObject update) {
    List<Request> writes = new ArrayList<>();
    for (String field : new String[] {"submit_rate", "submit_burst", "max_queued", "max_running", "daily_budget_usd",
        "llm_rpm", "llm_tpm"}) {
      if (!update.containsKey(field)) continue;
      String stored = field.equals("daily_budget_usd") ? "daily_budget_nanos" : field;
      Object v = update.getValue(field);
      if (v == null) {
        writes.add(Request.cmd(Command.HDEL).arg(key(tenant)).arg(stored));
      } else {
        String value = field.equals("daily_budget_usd")
            ? String.valueOf(new BigDecimal(v.toString()).movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact())
            : v.toString();
        writes.add(Request.cmd(Command.HSET).arg(key(tenant)).arg(stored).arg(value));
      }
    }
    if (update.containsKey("submit_rate") || update.containsKey("submit_burst")) {
      writes.add(Request.cmd(Command.DEL).arg(keys.submitRateState(tenant)));   // a new rate starts full
    }
    // a new LLM rate starts full too (a TAT left by the old rate would mean another wait)
    if (update.containsKey("llm_rpm")) writes.add(Request.cmd(Command.DEL).arg(keys.tenantLlmRate(tenant, "rpm")));
    if (update.containsKey("llm_tpm")) {
      String tpm = keys.tenantLlmRate(tenant, "tpm");
      writes.add(Request.cmd(Command.DEL).arg(tpm).arg(keys.refunds(tpm)));
    }
    return writes.isEmpty() ? Future.succeededFuture() : redis.batch(writes).mapEmpty();
  }

  private static double num(Response r) {
    return Double.parseDouble(r.toString());
  }
}
