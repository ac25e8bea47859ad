package dev.sentinel.chaos;

import dev.sentinel.store.History;
import dev.sentinel.store.Keys;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checker's input from Redis, read once after the run is quiet: every task (from every
 * tenant's tenant:{t}:tasks listing), its meta, history (events and step records in one list) and
 * call records; audit:refused; each tenant's cost totals.
 * Key names as in Keys with the empty prefix the harness runs with.
 */
record RedisSnapshot(Map<String, TaskRecord> tasks, List<StreamEntry> refused, Map<String, Map<String, String>> tenantTotals,
                     Map<String, Map<String, String>> counts, Map<String, Set<String>> indexes) {

  /**
   * The indexes a task of this status must be in, and no other, as lua/_lib.lua's invariants say: one for every status but
   * `waiting`, which is in `waiting` and, when its wait has a deadline (the hash's wait_until),
   * in `delayed` by it as well.
   */
  static Set<String> indexesOf(String status, String tenant, Map<String, String> meta) {
    return switch (status) {
      case "queued" -> Set.of("ready:" + tenant);
      case "leased", "in_progress" -> Set.of("leases");
      case "scheduled", "retrying", "paused" -> Set.of("delayed");
      case "waiting" -> meta.getOrDefault("wait_until", "").isEmpty() ? Set.of("waiting") : Set.of("waiting", "delayed");
      case "completed", "failed", "cancelled" -> Set.of("finished");
      default -> Set.of();
    };
  }

  static RedisSnapshot read(RedisReader redis) {
    Map<String, TaskRecord> tasks = new LinkedHashMap<>();
    // the tenants Redis lists, and the ones the load generator submitted for (in case a listing
    // lost one: then its tasks are missing here and the checker reports them as lost)
    TreeSet<String> tenants = new TreeSet<>(LoadGenerator.TENANTS);
    for (Response t : redis.cmd(Command.SMEMBERS, "tenants")) tenants.add(t.toString());
    List<String> ids = new ArrayList<>();
    for (String tenant : tenants) {
      for (Response idr : redis.cmd(Command.ZRANGE, "tenant:" + tenant + ":tasks", 0, -1)) ids.add(idr.toString());
    }
    for (String id : ids) {
      if (tasks.containsKey(id)) continue;
      Map<String, String> meta = new LinkedHashMap<>();
      Response m = redis.cmd(Command.HGETALL, "task:" + id + ":meta");
      if (m != null) for (String k : m.getKeys()) meta.put(k, m.get(k).toString());
      List<StreamEntry> events = new ArrayList<>();
      List<JsonObject> steps = new ArrayList<>();
      long position = 0;   // the harness's tasks are short: their histories are never trimmed
      List<JsonObject> records = new ArrayList<>();
      for (Response e : redis.cmd(Command.LRANGE, "task:" + id + ":history", 0, -1)) records.add(History.read(e.toString()));
      // a step or completed record names its claim by the epoch alone: the claim id is filled in
      // from the claimed record of that epoch (a zombie's record keeps its old epoch, so its old claim)
      for (JsonObject r : History.withClaims(records)) {
        events.add(StreamEntry.ofRecord(++position, r));
        if (!History.isStep(r)) continue;
        // values written by Lua are strings, by the worker numbers: read either
        steps.add(new JsonObject().put("step", History.intOf(r.getValue("step"))).put("node", r.getString("node"))
            .put("epoch", History.longOf(r.getValue("epoch"))).put("claim", r.getString("claim"))
            .put("worker_id", History.workerOf(r)).put("committed_at", History.longOf(r.getValue("at"))));
      }
      List<JsonObject> calls = new ArrayList<>();
      for (Response c : redis.cmd(Command.HVALS, "task:" + id + ":calls")) calls.add(new JsonObject(c.toString()));
      TaskRecord t = new TaskRecord(id, meta, events, steps, calls);
      tasks.put(id, t);
    }
    Map<String, Map<String, String>> totals = new LinkedHashMap<>();
    for (String tenant : tenants) {
      Map<String, String> total = new LinkedHashMap<>();
      Response r = redis.cmd(Command.HGETALL, "cost:tenant:" + tenant + ":total");
      if (r != null) for (String k : r.getKeys()) total.put(k, r.get(k).toString());
      totals.put(tenant, total);
    }
    // the counters ("" = cluster-wide) and the members of every functional index
    Map<String, Map<String, String>> counts = new LinkedHashMap<>();
    Map<String, Set<String>> indexes = new LinkedHashMap<>();
    List<String> indexKeys = new ArrayList<>(List.of("leases", "delayed", "waiting", "finished"));
    for (String tenant : tenants) indexKeys.add("ready:" + tenant);
    List<String> scopes = new ArrayList<>(List.of(""));
    scopes.addAll(tenants);
    for (String scope : scopes) {
      Map<String, String> c = new LinkedHashMap<>();
      Response r = redis.cmd(Command.HGETALL, scope.isEmpty() ? "counts" : "counts:" + scope);
      if (r != null) for (String k : r.getKeys()) c.put(k, r.get(k).toString());
      counts.put(scope, c);
    }
    for (String key : indexKeys) {
      Set<String> members = new HashSet<>();
      for (Response m : redis.cmd(Command.ZRANGE, key, 0, -1)) members.add(m.toString());
      indexes.put(key, members);
    }
    return new RedisSnapshot(tasks, stream(redis, "audit:refused"), totals, counts, indexes);
  }

  private static List<StreamEntry> stream(RedisReader redis, String key) {
    List<StreamEntry> out = new ArrayList<>();
    for (Response e : redis.cmd(Command.XRANGE, key, "-", "+")) out.add(StreamEntry.of(e));
    return out;
  }
}
