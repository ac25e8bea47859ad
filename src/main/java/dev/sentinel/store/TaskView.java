package dev.sentinel.store;

import java.util.Map;

/**
 * A task as the store holds it, parsed once from its hash at the edge of the store: what the API
 * shows, typed. Money is nano-USD, times are Redis-clock ms, null means "none" (the hash keeps
 * empty text for it); {@code paramsJson} and {@code resultJson} are the JSON text as stored.
 */
public record TaskView(String taskId, String status, String tenantId, String agentType, String taskType, String paramsJson,
                       int priority, long costNanos, Long costLimitNanos, int attempts, int maxAttempts, String owner,
                       long epoch, int step, Integer totalSteps, String currentNode, Long leaseExpires, Long runAt,
                       long createdAt, long updatedAt, Long completedAt, String resultJson, String error, Wait parkedAt,
                       Replay replayOf, String agentVersion) {

  /** The task this one was replayed from (POST /tasks/{id}/replay) and the step it forked after; null for others. */
  public record Replay(String parentTaskId, int fromStep) {}

  /**
   * The wait the task is parked at (a wait_input or sleep node), or null. The hash keeps the last
   * wait's fields after it was served; only a task still parked there (waiting, or scheduled by its
   * sleep at the next step) shows one.
   */
  public record Wait(String kind, String node, int step, long began, Long until) {}

  /** From a task hash as HGETALL (or a script) returns it; null for an empty hash (no such task). */
  static TaskView of(Map<String, String> h) {
    if (h == null || h.isEmpty()) return null;
    return new TaskView(h.get("task_id"), h.get("status"), h.get("tenant_id"), h.get("agent_type"), h.get("task_type"),
        text(h.get("task_params")), (int) whole(h.get("priority"), 0), whole(h.get("cost_nanos"), 0),
        optionalWhole(h.get("cost_limit_nanos")), (int) whole(h.get("attempts"), 0), (int) whole(h.get("max_attempts"), 0),
        text(h.get("owner")), whole(h.get("epoch"), 0), (int) whole(h.get("step"), 0), optionalInt(h.get("total_steps")),
        text(h.get("current_node")), optionalWhole(h.get("lease_expires")), optionalWhole(h.get("run_at")),
        whole(h.get("created_at"), 0), whole(h.get("updated_at"), 0), optionalWhole(h.get("completed_at")),
        text(h.get("result")), text(h.get("error")), parkedAt(h),
        text(h.get("parent_task_id")) == null ? null
            : new Replay(h.get("parent_task_id"), (int) whole(h.get("replayed_from_step"), 0)),
        text(h.get("agent_version")));
  }

  private static Wait parkedAt(Map<String, String> h) {
    String node = text(h.get("wait_node"));
    if (node == null) return null;
    int step = (int) whole(h.get("wait_step"), 0);
    String kind = h.get("wait_kind");
    boolean parked = "waiting".equals(h.get("status"))
        || ("scheduled".equals(h.get("status")) && "sleep".equals(kind) && step == whole(h.get("step"), 0) + 1);
    return parked ? new Wait(kind, node, step, whole(h.get("wait_began"), 0), optionalWhole(h.get("wait_until"))) : null;
  }

  private static String text(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static long whole(String s, long dflt) {
    return s == null || s.isEmpty() ? dflt : Long.parseLong(s);
  }

  private static Long optionalWhole(String s) {
    return s == null || s.isEmpty() ? null : Long.valueOf(s);
  }

  private static Integer optionalInt(String s) {
    return s == null || s.isEmpty() ? null : Integer.valueOf(s);
  }
}
