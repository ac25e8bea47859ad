package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The task's history list (task:{id}:history) read and written from Java. The list is the
 * audit trail, the step records and the checkpoint at once: each step record carries the
 * node's output and where it was merged, so the state after any step is the task's params
 * with the outputs of steps 1..k merged in order. Nothing else holds a copy of the state, so
 * nothing can disagree. Step records are read through {@link #read}, which raises those of
 * earlier builds to the current schema version ({@link RecordUpcasters}): the readers here know
 * one shape.
 */
public final class History {
  private History() {}

  /** The checkpoint format the API shows and the worker resumes from: built from records of this version. */
  public static final int CHECKPOINT_SCHEMA_VERSION = RecordUpcasters.CURRENT;

  /** One history record as Redis holds it, decoded and raised to the current schema version. */
  public static JsonObject read(String raw) {
    return RecordUpcasters.STEP_RECORDS.upcast(JsonText.decode(raw));
  }

  /**
   * The tail of a step record: everything after {@code {"type":"step","at":<ms>,}, which
   * commit_steps.lua puts in front (the Redis time is known there). Encoded once, here, on the
   * worker; Redis stores the text as it is. Neither the claim id nor the worker is written: the
   * epoch names the claim (every claim raises it, and the history's claimed record of that epoch
   * holds the claim id, which names the worker), which keeps a record ~50 bytes shorter; readers
   * put the claim back with {@link #withClaims}.
   *
   * <p>The schema version leads (replay.lua reads past it to the step number); {@code ms} is the
   * node's run time, which the commit time {@code at} cannot give.
   *
   * @param outputKey the state key the output is merged under, or null when merged at the top level
   * @param runMs     how long the node ran on this worker, its in-place retries included; negative: not measured
   */
  public static String stepRecordTail(int step, String node, String nextNode, Lease lease, String outputKey,
                                      JsonObject output, long runMs) {
    JsonObject r = new JsonObject()
        .put(RecordUpcasters.VERSION_FIELD, RecordUpcasters.CURRENT)
        .put("step", step)
        .put("node", node)
        .put("next", nextNode == null ? "" : nextNode)
        .put("epoch", lease.epoch());
    if (runMs >= 0) r.put("ms", runMs);
    if (outputKey != null) r.put("key", outputKey);
    r.put("output", output);
    return JsonText.encode(r).substring(1);
  }

  /**
   * Puts the claim id into the step and completed records of a whole history (they carry only the
   * epoch): from the claimed record of the same epoch before them. Lua writes the epoch as text,
   * the worker as a number; both name the same claim. Records that name a claim keep it.
   */
  public static List<JsonObject> withClaims(List<JsonObject> records) {
    Map<String, String> claimOfEpoch = new HashMap<>();
    for (JsonObject r : records) {
      Object epoch = r.getValue("epoch");
      if (epoch == null) continue;
      String type = r.getString("type");
      if ("claimed".equals(type)) {
        claimOfEpoch.put(String.valueOf(epoch), r.getString("claim"));
      } else if (!r.containsKey("claim") && ("step".equals(type) || "completed".equals(type))) {
        String claim = claimOfEpoch.get(String.valueOf(epoch));
        if (claim != null) r.put("claim", claim);
      }
    }
    return records;
  }

  /** True for a step record (the others are claimed, expired, completed, failed, ...). */
  public static boolean isStep(JsonObject record) {
    return "step".equals(record.getString("type"));
  }

  /**
   * The checkpoint after step {@code upTo} (0 or less: after the last step), rebuilt from the
   * history: {@code {schema_version, step, node, next_node, state}}, or null when no step that
   * far was committed.
   */
  public static JsonObject checkpoint(JsonObject params, List<JsonObject> records, int upTo) {
    JsonObject state = params == null ? new JsonObject() : params.copy();
    JsonObject last = null;
    for (JsonObject r : records) {
      if (!isStep(r)) continue;
      int step = intOf(r.getValue("step"));
      if (upTo > 0 && step > upTo) break;
      state = apply(state, r);
      last = r;
    }
    if (last == null || (upTo > 0 && intOf(last.getValue("step")) != upTo)) return null;
    String next = last.getString("next", "");
    return new JsonObject()
        .put("schema_version", CHECKPOINT_SCHEMA_VERSION)
        .put("step", intOf(last.getValue("step")))
        .put("node", last.getString("node"))
        .put("next_node", next.isEmpty() ? null : next)
        .put("state", state);
  }

  /** The state after one committed step, and when it was committed (Redis ms). */
  public record Checkpoint(int step, String node, String nextNode, long committedAt, JsonObject state) {}

  /**
   * The checkpoints after steps {@code afterStep}+1 .. {@code afterStep}+{@code limit} (those
   * committed), oldest first, rebuilt in one pass over the history: each holds its own copy of the
   * state, so the cost is the history plus {@code limit} states.
   */
  public static List<Checkpoint> checkpoints(JsonObject params, List<JsonObject> records, int afterStep, int limit) {
    JsonObject state = params == null ? new JsonObject() : params.copy();
    List<Checkpoint> out = new ArrayList<>();
    for (JsonObject r : records) {
      if (!isStep(r)) continue;
      int step = intOf(r.getValue("step"));
      if (step > afterStep + limit) break;
      state = apply(state, r);
      if (step <= afterStep) continue;
      String next = r.getString("next", "");
      out.add(new Checkpoint(step, r.getString("node"), next.isEmpty() ? null : next, longOf(r.getValue("at")),
          state.copy()));
    }
    return out;
  }

  /** The node's run time a step record holds (ms), or null: records of version 1 do not know it. */
  public static Long runMsOf(JsonObject record) {
    Object ms = record.getValue("ms");
    return ms == null ? null : longOf(ms);
  }

  /** The state after one step record, as the worker's merge left it (AgentGraph.merge). */
  private static JsonObject apply(JsonObject state, JsonObject record) {
    JsonObject output = record.getJsonObject("output");
    if (output == null) return state;
    String key = record.getString("key");
    if (key == null) state.mergeIn(output);
    else state.put(key, output);
    return state;
  }

  /**
   * The worker a claim id was granted to: a claim id is {@code <worker id>:<random hex>:<n>}
   * (WorkerVerticle makes the base, claim.lua appends the number).
   */
  public static String workerOf(JsonObject record) {
    return workerOfClaim(record.getString("claim"));
  }

  /** The worker id inside a claim id {@code <worker id>:<random hex>:<n>}; null for null. */
  public static String workerOfClaim(String claim) {
    if (claim == null) return null;
    int last = claim.lastIndexOf(':');
    int hex = last > 0 ? claim.lastIndexOf(':', last - 1) : -1;
    return hex > 0 ? claim.substring(0, hex) : claim;
  }

  /** Record fields written by Lua are strings; those written by the worker are numbers. */
  public static int intOf(Object v) {
    return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v));
  }

  public static long longOf(Object v) {
    return v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v));
  }
}
