package dev.sentinel.store;

import io.vertx.core.json.JsonObject;

/**
 * Version 1 step records (no {@code v} field: every build before the version existed) to
 * version 2. Version 2 adds {@code ms}, the node's run time on the worker that committed the
 * step; a version 1 record does not know it, so it stays absent (readers show null). The other
 * fields of version 2 are those of the last version 1 builds; the shapes of earlier ones are
 * folded in here, so no reader has a fallback of its own:
 * <ul>
 *   <li>{@code next_node} (before the history list) is {@code next};</li>
 *   <li>a whole {@code state} instead of {@code key} + {@code output} becomes that state as an
 *       output merged at the top level. That is exact: a worker's merge (AgentGraph.merge) only
 *       puts keys, never removes one, so the whole state after a step holds every key of the
 *       state before it, and merging it over that state gives it back unchanged;</li>
 *   <li>{@code worker_id} is dropped: every build's claim ids begin with the worker id
 *       (WorkerVerticle makes the claim base), and a record without a claim of its own gets the
 *       claim of its epoch from the history ({@link History#withClaims}), so the claim names the
 *       worker.</li>
 * </ul>
 */
final class StepRecordV1ToV2 implements RecordUpcaster {

  @Override public int from() { return 1; }

  @Override public JsonObject raise(JsonObject r) {
    Object nextNode = r.remove("next_node");
    if (!r.containsKey("next")) r.put("next", nextNode == null ? "" : nextNode);
    Object whole = r.remove("state");
    if (whole instanceof JsonObject state && !r.containsKey("output")) {
      r.remove("key");
      r.put("output", state);
    }
    r.remove("worker_id");
    return r.put(RecordUpcasters.VERSION_FIELD, 2);
  }
}
