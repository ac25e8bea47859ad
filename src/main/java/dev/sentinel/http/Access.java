package dev.sentinel.http;

import dev.sentinel.store.TaskQueries;
import dev.sentinel.store.TaskView;
import dev.sentinel.auth.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The checks every handler makes before it touches data: which caller, which tenant, and a
 * time limit on Redis so a stalled Redis answers 503 instead of hanging the client.
 */
final class Access {

  /** A Redis call that takes longer than this answers 503 rather than hanging the client. */
  static final long REDIS_TIMEOUT_MS = 1000;

  private Access() {}

  static Caller caller(RoutingContext rc) { return AuthHandler.caller(rc); }

  static <T> Future<T> within(Future<T> f) {
    return f.timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  /** The task, if it exists and this caller may see it; otherwise a 404 (never a 403: no probing). */
  static Future<TaskView> visibleTask(RoutingContext rc, TaskQueries queries, String taskId) {
    return within(queries.get(taskId)).compose(m -> m.isPresent() && caller(rc).mayAccess(m.get().tenantId())
        ? Future.succeededFuture(m.get())
        : Future.failedFuture(Problem.notFound("Task " + taskId).asException()));
  }

  /** Tenant resources (costs, limits) of another tenant answer 403. */
  static void requireTenant(RoutingContext rc, String tenant) {
    if (!caller(rc).mayAccess(tenant)) throw Problem.forbidden("this API key belongs to another tenant").asException();
  }

  static void requireAdmin(RoutingContext rc) {
    if (!caller(rc).isAdmin()) throw Problem.forbidden("this operation needs an admin API key").asException();
  }

  static void json(RoutingContext rc, int status, Object body) {
    rc.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(body instanceof JsonObject j ? j.encode() : Json.encode(body));
  }
}
