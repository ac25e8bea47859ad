package dev.sentinel.chaos;

import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The checker's input from Redis, read once after the run is quiet: every task (index:all),
 * its meta, audit list, step records and call records; audit:refused; each tenant's cost totals.
 * Key names as in dev.sentinel.store.Keys with the empty prefix the harness runs with.
 */
record RedisSnapshot(Map<String, TaskRecord> tasks, List<StreamEntry> refused, Map<String, Map<String, String>> tenantTotals) {

  static RedisSnapshot read(RedisReader redis) {
    Map<String, TaskRecord> tasks = new LinkedHashMap<>();
    TreeSet<String> tenants = new TreeSet<>(LoadGenerator.TENANTS);
    for (Response idr : redis.cmd(Command.ZRANGE, "index:all", 0, -1)) {
      String id = idr.toString();
      Map<String, String> meta = new LinkedHashMap<>();
      Response m = redis.cmd(Command.HGETALL, "task:" + id + ":meta");
      if (m != null) for (String k : m.getKeys()) meta.put(k, m.get(k).toString());
      List<StreamEntry> events = new ArrayList<>();
      long position = 0;   // the harness's tasks are short: their audit lists are never trimmed
      for (Response e : redis.cmd(Command.LRANGE, "task:" + id + ":events", 0, -1)) {
        events.add(StreamEntry.ofRecord(++position, new JsonObject(e.toString())));
      }
      List<JsonObject> steps = new ArrayList<>();
      for (Response s : redis.cmd(Command.LRANGE, "task:" + id + ":steps", 0, -1)) {
        JsonObject r = new JsonObject(s.toString());   // values are strings, as the script wrote them
        steps.add(new JsonObject().put("step", Integer.parseInt(r.getString("step"))).put("node", r.getString("node"))
            .put("epoch", Long.parseLong(r.getString("epoch"))).put("claim", r.getString("claim"))
            .put("worker_id", r.getString("worker_id")).put("committed_at", r.getLong("at")));
      }
      List<JsonObject> calls = new ArrayList<>();
      for (Response c : redis.cmd(Command.HVALS, "task:" + id + ":calls")) calls.add(new JsonObject(c.toString()));
      TaskRecord t = new TaskRecord(id, meta, events, steps, calls);
      tasks.put(id, t);
      if (!t.tenant().isEmpty()) tenants.add(t.tenant());
    }
    Map<String, Map<String, String>> totals = new LinkedHashMap<>();
    for (String tenant : tenants) {
      Map<String, String> total = new LinkedHashMap<>();
      Response r = redis.cmd(Command.HGETALL, "cost:tenant:" + tenant + ":total");
      if (r != null) for (String k : r.getKeys()) total.put(k, r.get(k).toString());
      totals.put(tenant, total);
    }
    return new RedisSnapshot(tasks, stream(redis, "audit:refused"), totals);
  }

  private static List<StreamEntry> stream(RedisReader redis, String key) {
    List<StreamEntry> out = new ArrayList<>();
    for (Response e : redis.cmd(Command.XRANGE, key, "-", "+")) out.add(StreamEntry.of(e));
    return out;
  }
}
