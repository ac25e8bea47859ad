package dev.sentinel.chaos;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Everything Redis holds about one task, read after the run: meta, history ({@code events}, every
 * record; {@code steps}, its step records as step, node, epoch, claim, worker_id, committed_at),
 * call records.
 */
record TaskRecord(String id, Map<String, String> meta, List<StreamEntry> events, List<JsonObject> steps,
                  List<JsonObject> calls) {

  /** Events that end a holder's claim: after one, no write under that claim is legitimate. */
  static final Set<String> CLAIM_ENDING = Set.of("expired", "released", "completed", "failed",
      "retrying", "cancelled", "paused", "scheduled", "waiting");

  String status() { return meta.getOrDefault("status", ""); }

  String tenant() { return meta.getOrDefault("tenant_id", ""); }

  String seed() { return new JsonObject(meta.getOrDefault("task_params", "{}")).getString("seed", ""); }

  /** The task's wait shape if it is one of the load's waiting noop tasks, else null (a chain task). */
  WaitTaskModel waitModel() {
    return WaitTaskModel.of(meta.getOrDefault("agent_type", ""), new JsonObject(meta.getOrDefault("task_params", "{}")));
  }

  List<StreamEntry> eventsOf(String type) { return events.stream().filter(e -> type.equals(e.type())).toList(); }

  /**
   * The claim that owned the task at Redis time {@code ms}: the last claim at or before it, unless
   * an event ending it came after it (and at or before {@code ms}).
   */
  Optional<StreamEntry.Holder> holderAt(long ms) {
    StreamEntry.Holder holder = null;
    for (StreamEntry e : events) {
      if (e.ms() > ms) break;
      if ("claimed".equals(e.type())) holder = e.holder();
      else if (CLAIM_ENDING.contains(e.type())) holder = null;
    }
    return Optional.ofNullable(holder);
  }

  /**
   * When the claim {@code h} ended (Redis ms): the first record after its grant that ends it or
   * grants the task anew. Empty if it never ended, or was never granted.
   */
  OptionalLong endOf(StreamEntry.Holder h) {
    boolean granted = false;
    for (StreamEntry e : events) {
      if (!granted) {
        granted = "claimed".equals(e.type()) && h.sameClaim(e.holder());
      } else if ("claimed".equals(e.type()) || CLAIM_ENDING.contains(e.type())) {
        return OptionalLong.of(e.ms());
      }
    }
    return OptionalLong.empty();
  }

  /** The first grant of the task, after the grant of {@code h}, to a worker id starting with {@code workerPrefix} (Redis ms). */
  OptionalLong nextClaimBy(String workerPrefix, StreamEntry.Holder h) {
    boolean granted = false;
    for (StreamEntry e : events) {
      if (!"claimed".equals(e.type())) continue;
      if (granted && e.holder().workerId().startsWith(workerPrefix)) return OptionalLong.of(e.ms());
      granted = granted || h.sameClaim(e.holder());
    }
    return OptionalLong.empty();
  }
}
