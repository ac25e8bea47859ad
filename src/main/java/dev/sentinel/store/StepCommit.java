package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * One finished node to commit as step {@code step} (1-based); nextNode is null when the graph
 * ends. A non-null {@code result} makes this the task's last write: the same script call that
 * commits the step also completes the task with that result.
 */
public record StepCommit(String taskId, Lease lease, int step, String node, String nextNode, JsonObject checkpoint,
                         JsonObject result) {

  public StepCommit(String taskId, Lease lease, int step, String node, String nextNode, JsonObject checkpoint) {
    this(taskId, lease, step, node, nextNode, checkpoint, null);
  }

  public boolean completesTask() { return result != null; }
}
