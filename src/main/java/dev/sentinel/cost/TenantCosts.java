package dev.sentinel.cost;

import dev.sentinel.store.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * A tenant's cost summary, from the totals the cost ledger keeps in integer micro-USD (so
 * they add up exactly) and the tenant's task index. Until LLM calls are recorded (the agents
 * issue), totals are zero.
 */
public final class TenantCosts {

  private final Redis redis;
  private final Keys keys;

  public TenantCosts(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  public Future<JsonObject> summary(String tenant) {
    return redis.batch(List.of(
            Request.cmd(Command.HGET).arg(keys.tenantCostTotals(tenant)).arg("micro_usd"),
            Request.cmd(Command.ZCARD).arg(keys.tenantIndex(tenant))))
        .map(r -> {
          long micros = r.get(0) == null ? 0 : r.get(0).toLong();
          long tasks = r.get(1).toLong();
          BigDecimal total = BigDecimal.valueOf(micros, 6);
          BigDecimal average = tasks == 0 ? BigDecimal.ZERO : total.divide(BigDecimal.valueOf(tasks), 6, RoundingMode.HALF_EVEN);
          return new JsonObject().put("tenant_id", tenant).put("total_cost_usd", total.doubleValue())
              .put("task_count", tasks).put("average_cost_usd", average.doubleValue());
        });
  }
}
