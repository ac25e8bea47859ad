package dev.sentinel.http;

import dev.sentinel.cost.Usd;
import dev.sentinel.store.TaskView;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/** The API's view of a task: seed field names, USD amounts, ISO-8601 times, nulls for "none". */
public final class TaskJson {
  private TaskJson() {}

  public static JsonObject from(TaskView t) {
    return new JsonObject()
        .put("task_id", t.taskId())
        .put("status", t.status())
        .put("tenant_id", t.tenantId())
        .put("agent_type", t.agentType())
        .put("task_type", t.taskType())
        .put("task_params", json(t.paramsJson()))
        .put("priority", t.priority())
        .put("cost_so_far", Usd.ofNanos(t.costNanos()))
        .put("cost_limit", t.costLimitNanos() == null ? null : Usd.ofNanos(t.costLimitNanos()))
        .put("attempts", t.attempts())
        .put("max_attempts", t.maxAttempts())
        .put("owner", t.owner())
        .put("epoch", t.epoch())
        .put("step", t.step())
        .put("total_steps", t.totalSteps())
        .put("current_node", t.currentNode())
        .put("lease_expires", time(t.leaseExpires()))
        .put("run_at", time(t.runAt()))
        .put("created_at", time(t.createdAt()))
        .put("updated_at", time(t.updatedAt()))
        .put("completed_at", time(t.completedAt()))
        .put("result", json(t.resultJson()))
        .put("error", t.error())
        .put("waiting_for", waitingFor(t.parkedAt()))
        .put("parent_task_id", t.replayOf() == null ? null : t.replayOf().parentTaskId())
        .put("replayed_from_step", t.replayOf() == null ? null : t.replayOf().fromStep())
        .put("agent_version", t.agentVersion());
  }

  /** Where a parked task waits: for input (status waiting) or for a sleep's end (scheduled); null otherwise. */
  private static JsonObject waitingFor(TaskView.Wait w) {
    if (w == null) return null;
    return new JsonObject().put("kind", w.kind()).put("node", w.node()).put("step", w.step())
        .put("since", time(w.began())).put("until", time(w.until()));
  }

  private static String time(Long ms) {
    return ms == null ? null : Instant.ofEpochMilli(ms).toString();
  }

  private static Object json(String s) {
    return s == null ? null : Json.decodeValue(s);
  }
}
