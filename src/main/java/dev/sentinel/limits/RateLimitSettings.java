package dev.sentinel.limits;

import dev.sentinel.store.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.Optional;

/**
 * The seed's view of a tenant's submission limiter: {@code capacity} (the burst) and
 * {@code refill_rate} (submissions per second). They are the submit_burst and submit_rate of
 * the tenant's limits, which the submit script enforces on every node (GCRA, Redis clock).
 */
public final class RateLimitSettings {

  public record Settings(String tenantId, long capacity, double refillRate) {
    public JsonObject toJson() {
      return new JsonObject().put("tenant_id", tenantId).put("capacity", capacity).put("refill_rate", refillRate);
    }
  }

  private final Redis redis;
  private final Keys keys;

  public RateLimitSettings(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  private String key(String tenant) { return keys.tenantLimits(tenant); }

  private String state(String tenant) { return keys.submitRateState(tenant); }

  public Future<Optional<Settings>> get(String tenant) {
    return redis.send(Request.cmd(Command.HMGET).arg(key(tenant)).arg("submit_burst").arg("submit_rate"))
        .map(r -> r.get(0) == null || r.get(1) == null ? Optional.empty()
            : Optional.of(new Settings(tenant, r.get(0).toLong(), Double.parseDouble(r.get(1).toString()))));
  }

  /** Sets the limiter and starts it full. */
  public Future<Settings> set(String tenant, long capacity, double refillRate) {
    return redis.batch(List.of(
            Request.cmd(Command.HSET).arg(key(tenant)).arg("submit_burst").arg(capacity).arg("submit_rate").arg(Double.toString(refillRate)),
            Request.cmd(Command.DEL).arg(state(tenant))))
        .map(r -> new Settings(tenant, capacity, refillRate));
  }

  /** Removes the tenant's own limiter settings (the defaults apply again) and resets its state. */
  public Future<Void> delete(String tenant) {
    return redis.batch(List.of(Request.cmd(Command.HDEL).arg(key(tenant)).arg("submit_burst").arg("submit_rate"),
        Request.cmd(Command.DEL).arg(state(tenant)))).mapEmpty();
  }
}
