package dev.sentinel.limits;

import dev.sentinel.store.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.Optional;

/**
 * A tenant's submission rate-limit settings (the seed's capacity / refill_rate). Stored and
 * returned only; the rate-limit issue wires them into a cluster-wide limiter.
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

  public Future<Optional<Settings>> get(String tenant) {
    return redis.send(Request.cmd(Command.HMGET).arg(keys.rateLimitSettings(tenant)).arg("capacity").arg("refill_rate"))
        .map(r -> r.get(0) == null ? Optional.empty()
            : Optional.of(new Settings(tenant, r.get(0).toLong(), Double.parseDouble(r.get(1).toString()))));
  }

  public Future<Settings> set(String tenant, long capacity, double refillRate) {
    return redis.send(Request.cmd(Command.HSET).arg(keys.rateLimitSettings(tenant)).arg("capacity").arg(capacity)
        .arg("refill_rate").arg(Double.toString(refillRate))).map(r -> new Settings(tenant, capacity, refillRate));
  }

  public Future<Void> delete(String tenant) {
    return redis.send(Request.cmd(Command.DEL).arg(keys.rateLimitSettings(tenant))).mapEmpty();
  }
}
