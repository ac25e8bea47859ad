package dev.sentinel.http;

import dev.sentinel.cost.Usd;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** The API's view of a stored task hash: seed field names, USD amounts, ISO-8601 times, nulls for "none". */
public final class TaskJson {
  private TaskJson() {}

  public static JsonObject from(Map<String, String> m) {
    return new JsonObject()
        .put("task_id", m.get("task_id"))
        .put("status", m.get("status"))
        .put("tenant_id", m.get("tenant_id"))
        .put("agent_type", m.get("agent_type"))
        .put("task_type", m.get("task_type"))
        .put("task_params", json(m.get("task_params")))
        .put("priority", integer(m.get("priority")))
        .put("cost_so_far", usd(m.get("cost_nanos")))
        .put("cost_limit", usd(m.get("cost_limit_nanos")))
        .put("attempts", integer(m.get("attempts")))
        .put("max_attempts", integer(m.get("max_attempts")))
        .put("owner", blankToNull(m.get("owner")))
        .put("epoch", integer(m.get("epoch")))
        .put("step", integer(m.get("step")))
        .put("total_steps", integer(m.get("total_steps")))
        .put("current_node", blankToNull(m.get("current_node")))
        .put("lease_expires", time(m.get("lease_expires")))
        .put("run_at", time(m.get("run_at")))
        .put("created_at", time(m.get("created_at")))
        .put("updated_at", time(m.get("updated_at")))
        .put("completed_at", time(m.get("completed_at")))
        .put("result", json(m.get("result")))
        .put("error", blankToNull(m.get("error")));
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static Integer integer(String s) {
    return blankToNull(s) == null ? null : Integer.valueOf(s);
  }

  private static BigDecimal usd(String nanos) {
    return blankToNull(nanos) == null ? null : Usd.ofNanos(Long.parseLong(nanos));
  }

  private static String time(String ms) {
    return blankToNull(ms) == null ? null : Instant.ofEpochMilli(Long.parseLong(ms)).toString();
  }

  private static Object json(String s) {
    return blankToNull(s) == null ? null : Json.decodeValue(s);
  }
}
