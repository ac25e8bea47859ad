package dev.sentinel.http;

import dev.sentinel.auth.Caller;
import dev.sentinel.metrics.ManagementVerticle;
import dev.sentinel.metrics.SentinelMetrics;
import dev.sentinel.store.TaskQueries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.sentinel.http.Access.caller;
import static dev.sentinel.http.Access.json;
import static dev.sentinel.http.Access.within;

/** Stats, workers, health and readiness. */
public final class OperationsHandlers {

  private final Redis redis;
  private final TaskQueries queries;
  private final long workerLivenessMs;
  private final SentinelMetrics metrics;

  public OperationsHandlers(Redis redis, TaskQueries queries, long workerLivenessMs, SentinelMetrics metrics) {
    this.redis = redis;
    this.queries = queries;
    this.workerLivenessMs = workerLivenessMs;
    this.metrics = metrics;
  }

  /**
   * GET /metrics (admin): the node's meters, as the management port serves them. Admin because
   * they span every tenant (tenant names, spend); the management port is the keyless place.
   */
  public void metrics(RoutingContext rc) {
    Access.requireAdmin(rc);
    rc.response().putHeader("content-type", ManagementVerticle.PROMETHEUS_TEXT).end(metrics.scrape());
  }

  /** GET /stats: the exact per-status counters; a tenant key gets its own tenant's. */
  public void stats(RoutingContext rc) {
    Caller who = caller(rc);
    String tenant = rc.request().getParam("tenant_id");
    if (who.kind() == Caller.Kind.TENANT) {
      if (tenant != null) Access.requireTenant(rc, tenant);
      tenant = who.tenantId();
    }
    String scope = tenant;
    within(queries.countsByStatus(scope)).onSuccess(counts -> {
      JsonObject body = new JsonObject().put("tenant_id", scope).put("total_tasks", counts.get("total_tasks"));
      TaskQueries.STATUSES.forEach(s -> body.put(s, counts.get(s)));
      json(rc, 200, body);
    }).onFailure(rc::fail);
  }

  /** GET /workers (admin): workers whose heartbeat is fresh, with the tasks they hold. */
  public void workers(RoutingContext rc) {
    Access.requireAdmin(rc);
    within(queries.liveWorkers(workerLivenessMs)).onSuccess(list -> {
      JsonArray workers = new JsonArray();
      for (JsonObject w : list) {
        workers.add(new JsonObject()
            .put("worker_id", w.getString("worker_id"))
            .put("last_heartbeat", Instant.ofEpochMilli(w.getLong("last_heartbeat_ms")).toString())
            .put("tasks", w.getJsonArray("tasks", new JsonArray()))
            .put("concurrency", w.getInteger("concurrency"))
            .put("draining", w.getBoolean("draining", false))
            .put("started_at", w.getString("started_at")));
      }
      json(rc, 200, new JsonObject().put("workers", workers));
    }).onFailure(rc::fail);
  }

  /** GET /health: 200 when Redis answers within a second, else 503. */
  public void health(RoutingContext rc) {
    within(queries.ping()).otherwise(false).onSuccess(ok -> json(rc, ok ? 200 : 503, new JsonObject()
        .put("status", ok ? "healthy" : "unhealthy")
        .put("redis_connected", ok)
        .put("timestamp", Instant.now().toString())));
  }

  /** GET /ready: Redis reachable, with warnings about settings that can lose tasks. */
  public void ready(RoutingContext rc) {
    within(queries.ping()).otherwise(false).compose(ok -> {
      if (!ok) return Future.succeededFuture(new JsonObject().put("status", "unavailable").put("redis_connected", false)
          .put("warnings", new JsonArray().add("Redis did not answer within a second")));
      return warnings().map(w -> new JsonObject().put("status", "ready").put("redis_connected", true).put("warnings", w));
    }).onSuccess(body -> json(rc, body.getBoolean("redis_connected") ? 200 : 503, body)).onFailure(rc::fail);
  }

  private Future<JsonArray> warnings() {
    Future<List<String>> policy = within(redis.send(Request.cmd(Command.CONFIG).arg("GET").arg("maxmemory-policy")))
        .map(r -> {
          String value = r == null ? null : r.size() == 2 ? r.get(1).toString()
              : r.getKeys().isEmpty() ? null : r.get("maxmemory-policy").toString();
          return value == null || "noeviction".equals(value) ? List.<String>of()
              : List.of("Redis maxmemory-policy is " + value + ": keys can be evicted and tasks lost; use noeviction");
        })
        .otherwise(List.of("cannot read Redis maxmemory-policy (CONFIG GET refused); it must be noeviction"));
    Future<List<String>> persistence = within(redis.send(Request.cmd(Command.INFO).arg("persistence"))).map(r -> {
      String info = r.toString();
      boolean aof = info.contains("aof_enabled:1");
      return aof ? List.<String>of()
          : List.of("Redis AOF is off: a Redis crash loses recent commits; turn on appendonly (appendfsync always loses nothing)");
    }).otherwise(List.of("cannot read Redis persistence settings (INFO refused)"));
    return Future.all(policy, persistence).map(v -> {
      List<String> all = new ArrayList<>(policy.result());
      all.addAll(persistence.result());
      return new JsonArray(all);
    });
  }
}
