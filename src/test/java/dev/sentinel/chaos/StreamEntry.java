package dev.sentinel.chaos;

import dev.sentinel.store.History;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One audit record: an entry of a Redis stream (audit:refused; {@code ms} is the Redis-clock
 * time in its id) or a record of a task's history (JSON with {@code at}; id = its 1-based position).
 * Field values are kept as text: Lua writes "2", the worker's step records 2; both read "2".
 */
record StreamEntry(String id, long ms, Map<String, String> fields) {

  static StreamEntry ofRecord(long position, JsonObject record) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String k : record.fieldNames()) if (!"at".equals(k)) fields.put(k, String.valueOf(record.getValue(k)));
    return new StreamEntry(String.valueOf(position), History.longOf(record.getValue("at")), fields);
  }

  static StreamEntry of(Response entry) {
    String id = entry.get(0).toString();
    Response kv = entry.get(1);
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.size(); i += 2) fields.put(kv.get(i).toString(), kv.get(i + 1).toString());
    return new StreamEntry(id, Long.parseLong(id.substring(0, id.indexOf('-'))), fields);
  }

  String type() { return fields.getOrDefault("type", ""); }

  String get(String field) { return fields.getOrDefault(field, ""); }

  /** The (epoch, claim) a fenced write or a claim carried. */
  Holder holder() {
    String worker = fields.containsKey("worker_id") ? get("worker_id")
        : History.workerOfClaim(get("claim"));
    return new Holder(get("epoch"), get("claim"), worker);
  }

  /** Who a claim went to; a fenced write must carry the current one. */
  record Holder(String epoch, String claim, String workerId) {
    boolean sameClaim(Holder o) { return epoch.equals(o.epoch) && claim.equals(o.claim); }

    @Override public String toString() { return "(epoch " + epoch + ", claim " + claim + ", " + workerId + ")"; }
  }

  @Override public String toString() { return id + " " + fields; }
}
