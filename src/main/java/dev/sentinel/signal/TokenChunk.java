package dev.sentinel.signal;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * A batch of streamed LLM output of one node run: what the {@code token} event of
 * {@code GET /tasks/{id}/events} carries. {@code callId} names the run (a re-run after a crash
 * or a failed attempt streams under a new one, from {@code seq} 0 again), so a client can drop
 * the text of a run that did not commit; the committed step's output has the same call_id.
 */
public record TokenChunk(String taskId, int step, String node, String callId, long seq, String text) {

  public JsonObject toJson() {
    return new JsonObject().put("task_id", taskId).put("step", step).put("node", node)
        .put("call_id", callId).put("seq", seq).put("text", text);
  }

  /** The task a published chunk belongs to; empty for a payload that is not one (ignored). */
  static Optional<String> taskOf(String payload) {
    try {
      return Optional.ofNullable(new JsonObject(payload).getString("task_id"));
    } catch (DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }
}
