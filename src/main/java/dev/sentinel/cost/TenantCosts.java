package dev.sentinel.cost;

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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tenant's costs, from the totals record_call.lua keeps in integer nano-USD (so they add up
 * exactly): all-time totals and task count (the seed's fields), and, over a date range, totals
 * by day and by model.
 */
public final class TenantCosts {

  private final Redis redis;
  private final Keys keys;

  public TenantCosts(Redis redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** @param from first day (UTC), or null for the earliest; @param to last day, or null for the latest */
  public Future<JsonObject> summary(String tenant, LocalDate from, LocalDate to) {
    String days = keys.tenantCostDays(tenant);
    return redis.batch(List.of(
            Request.cmd(Command.HGET).arg(keys.tenantCostTotals(tenant)).arg("nano_usd"),
            Request.cmd(Command.ZCARD).arg(keys.tenantTasks(tenant)),
            Request.cmd(Command.ZRANGEBYSCORE).arg(days).arg(from == null ? "-inf" : String.valueOf(from.toEpochDay()))
                .arg(to == null ? "+inf" : String.valueOf(to.toEpochDay()))))
        .compose(r -> {
          long nanos = r.get(0) == null ? 0 : r.get(0).toLong();
          long tasks = r.get(1).toLong();
          List<String> dayList = new ArrayList<>();
          for (Response d : r.get(2)) dayList.add(d.toString());
          JsonObject body = new JsonObject().put("tenant_id", tenant).put("total_cost_usd", usd(nanos))
              .put("task_count", tasks).put("average_cost_usd", tasks == 0 ? BigDecimal.ZERO
                  : Usd.ofNanos(BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(tasks), 0, RoundingMode.HALF_EVEN).longValueExact()));
          if (dayList.isEmpty()) return Future.succeededFuture(body.put("days", new JsonArray()).put("models", new JsonArray()));
          List<Request> reads = dayList.stream().map(d -> Request.cmd(Command.HGETALL).arg(keys.tenantCostDay(tenant, d))).toList();
          return redis.batch(reads).map(hashes -> byDayAndModel(body, dayList, hashes));
        });
  }

  private static JsonObject byDayAndModel(JsonObject body, List<String> dayList, List<Response> hashes) {
    JsonArray days = new JsonArray();
    Map<String, long[]> models = new TreeMap<>();   // model -> nano-USD, calls, input, output
    for (int i = 0; i < dayList.size(); i++) {
      Response h = hashes.get(i);
      if (h == null) continue;
      days.add(new JsonObject().put("date", dayList.get(i)).put("cost_usd", usd(num(h, "nano_usd")))
          .put("calls", num(h, "calls")).put("input_tokens", num(h, "input_tokens")).put("output_tokens", num(h, "output_tokens")));
      for (String k : h.getKeys()) {
        if (!k.startsWith("model:")) continue;
        int cut = k.lastIndexOf(':');
        String model = k.substring(6, cut);
        long[] m = models.computeIfAbsent(model, x -> new long[4]);
        long v = h.get(k).toLong();
        switch (k.substring(cut + 1)) {
          case "nano_usd" -> m[0] += v;
          case "calls" -> m[1] += v;
          case "input_tokens" -> m[2] += v;
          case "output_tokens" -> m[3] += v;
          default -> { }
        }
      }
    }
    JsonArray byModel = new JsonArray();
    models.forEach((model, m) -> byModel.add(new JsonObject().put("model", model).put("cost_usd", usd(m[0])).put("calls", m[1])
        .put("input_tokens", m[2]).put("output_tokens", m[3])));
    return body.put("days", days).put("models", byModel);
  }

  private static long num(Response h, String key) {
    Response v = h.get(key);
    return v == null ? 0 : v.toLong();
  }

  static BigDecimal usd(long nanos) {
    return Usd.ofNanos(nanos);
  }
}
