package dev.sentinel.limits;

import dev.sentinel.config.SentinelConfig.LimitDefaults;
import dev.sentinel.store.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.math.BigDecimal;
import java.util.List;

/**
 * The seed's view of a tenant's submission limiter, a token bucket: {@code capacity} (the burst)
 * and {@code refill_rate} (submissions per second). They are the submit_burst and submit_rate of
 * the tenant's limits, which submit.lua enforces on every node (GCRA on the Redis clock; GCRA is
 * a token bucket kept as one time, so the bucket's tokens are computed from it, not stored).
 * A refill_rate of 0 means no limit: that is how the configured default reads when it is unset.
 */
public final class RateLimitSettings {

  /**
   * The bucket as the seed showed it.
   *
   * @param tokens     submissions the tenant may make at once now (fractional while refilling)
   * @param lastRefill the Redis-clock time the tokens were computed at, in epoch seconds
   * @param own        true when the tenant has settings of its own, false for the defaults
   */
  public record Bucket(String tenantId, double tokens, double lastRefill, double capacity, double refillRate, boolean own) {
    public JsonObject toJson() {
      return new JsonObject().put("tenant_id", tenantId).put("tokens", plain(tokens)).put("last_refill", plain(lastRefill))
          .put("capacity", plain(capacity)).put("refill_rate", plain(refillRate)).put("source", own ? "tenant" : "default");
    }

    /** As a decimal that never prints in exponent form (a double prints 1.796E9). */
    private static BigDecimal plain(double v) {
      BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
      return d.scale() < 0 ? d.setScale(0) : d;
    }
  }

  private final Redis redis;
  private final Keys keys;
  private final LimitDefaults defaults;

  public RateLimitSettings(Redis redis, Keys keys, LimitDefaults defaults) {
    this.redis = redis;
    this.keys = keys;
    this.defaults = defaults;
  }

  private String key(String tenant) { return keys.tenantLimits(tenant); }

  private String state(String tenant) { return keys.submitRateState(tenant); }

  /** The tenant's bucket now: its own settings, else the configured defaults (never "not found", as in the seed). */
  public Future<Bucket> get(String tenant) {
    return redis.batch(List.of(
            Request.cmd(Command.HMGET).arg(key(tenant)).arg("submit_burst").arg("submit_rate"),
            Request.cmd(Command.GET).arg(state(tenant)),
            Request.cmd(Command.TIME)))
        .map(r -> {
          Response own = r.get(0);
          boolean hasOwn = own.get(0) != null || own.get(1) != null;
          double capacity = Math.max(1, own.get(0) != null ? Double.parseDouble(own.get(0).toString()) : defaults.submitBurst());
          double rate = own.get(1) != null ? Double.parseDouble(own.get(1).toString()) : defaults.submitRate();
          Response time = r.get(2);
          double nowMs = time.get(0).toLong() * 1000.0 + time.get(1).toLong() / 1000;
          double tokens = capacity;
          if (rate > 0 && r.get(1) != null) {
            // submit.lua's GCRA: a request is allowed while tat + interval - capacity * interval <= now
            double interval = 1000.0 / rate;
            double tat = Math.max(Double.parseDouble(r.get(1).toString()), nowMs);
            tokens = Math.max(0, Math.min(capacity, (capacity * interval - (tat - nowMs)) / interval));
          }
          return new Bucket(tenant, Math.round(tokens * 1000) / 1000.0, nowMs / 1000.0, capacity, rate, hasOwn);
        });
  }

  /**
   * Sets the limiter and starts it full. A fractional capacity is taken down to whole tasks (a
   * bucket of 2.5 lets 2 submissions through at once, as the seed's did).
   */
  public Future<Bucket> set(String tenant, long capacity, double refillRate) {
    return redis.batch(List.of(
            Request.cmd(Command.HSET).arg(key(tenant)).arg("submit_burst").arg(capacity).arg("submit_rate").arg(Double.toString(refillRate)),
            Request.cmd(Command.DEL).arg(state(tenant))))
        .compose(r -> get(tenant));
  }

  /** Removes the tenant's own limiter settings (the defaults apply again) and resets its state. */
  public Future<Void> delete(String tenant) {
    return redis.batch(List.of(Request.cmd(Command.HDEL).arg(key(tenant)).arg("submit_burst").arg("submit_rate"),
        Request.cmd(Command.DEL).arg(state(tenant)))).mapEmpty();
  }
}
