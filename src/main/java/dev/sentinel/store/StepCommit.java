package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * One finished node to commit as step {@code step} (1-based); nextNode is null when the graph
 * ends. A non-null result makes this the task's last write: the same script call that commits
 * the step also completes the task with that result.
 *
 * <p>The step record and result are encoded once, when the commit is made: the batcher sizes
 * its batches by the text and the script call sends the same text, and a later change to the
 * JSON objects cannot change what is committed.
 */
public record StepCommit(String taskId, Lease lease, int step, String nextNode, String recordTail, String resultJson) {

  /**
   * @param outputKey where the node's output is merged into the state (null: at the top level)
   * @param result    the task's result when this step ends it, else null
   * @param runMs     how long the node ran (ms); negative when not measured (the record then has no {@code ms})
   */
  public static StepCommit of(String taskId, Lease lease, int step, String node, String nextNode, String outputKey,
                              JsonObject output, JsonObject result, long runMs) {
    return new StepCommit(taskId, lease, step, nextNode,
        History.stepRecordTail(step, node, nextNode, lease, outputKey, output, runMs),
        result == null ? null : JsonText.encode(result));
  }

  /** A step whose node was not timed. */
  public static StepCommit of(String taskId, Lease lease, int step, String node, String nextNode, String outputKey,
                              JsonObject output, JsonObject result) {
    return of(taskId, lease, step, node, nextNode, outputKey, output, result, -1);
  }

  /** A step whose output is merged at the top level of the state and that does not end the task. */
  public static StepCommit of(String taskId, Lease lease, int step, String node, String nextNode, JsonObject output) {
    return of(taskId, lease, step, node, nextNode, null, output, null);
  }

  /** Record and result characters: what this commit adds to a batch's size. */
  public int chars() { return recordTail.length() + (resultJson == null ? 0 : resultJson.length()); }
}
