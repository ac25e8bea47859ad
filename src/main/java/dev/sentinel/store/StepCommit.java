package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * One finished node to commit as step {@code step} (1-based); nextNode is null when the graph
 * ends. A non-null result makes this the task's last write: the same script call that
 * commits the step also completes the task with that result.
 *
 * <p>The checkpoint and result are encoded once, when the commit is made: the batcher sizes
 * its batches by the text and the script call sends the same text, and a later change to the
 * JSON objects cannot change what is committed.
 */
public record StepCommit(String taskId, Lease lease, int step, String node, String nextNode, String checkpointJson,
                         String resultJson) {

  public StepCommit(String taskId, Lease lease, int step, String node, String nextNode, JsonObject checkpoint,
                    JsonObject result) {
    this(taskId, lease, step, node, nextNode, JsonText.encode(checkpoint), result == null ? null : JsonText.encode(result));
  }

  public StepCommit(String taskId, Lease lease, int step, String node, String nextNode, JsonObject checkpoint) {
    this(taskId, lease, step, node, nextNode, checkpoint, null);
  }

  public boolean completesTask() { return resultJson != null; }

  /** Checkpoint and result characters: what this commit adds to a batch's size. */
  public int chars() { return checkpointJson.length() + (resultJson == null ? 0 : resultJson.length()); }
}
