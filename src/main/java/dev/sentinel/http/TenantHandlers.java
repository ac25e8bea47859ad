package dev.sentinel.http;

import dev.sentinel.cost.TenantCosts;
import dev.sentinel.limits.RateLimitSettings;
import dev.sentinel.limits.TenantLimits;
import dev.sentinel.store.TaskCommands;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

import static dev.sentinel.http.Access.json;
import static dev.sentinel.http.Access.within;

/** A tenant's costs and rate-limit settings. Another tenant's answer 403. */
public final class TenantHandlers {

  private final TenantCosts costs;
  private final RateLimitSettings rateLimits;
  private final TenantLimits limits;
  private final TaskCommands commands;

  public TenantHandlers(TenantCosts costs, RateLimitSettings rateLimits, TenantLimits limits, TaskCommands commands) {
    this.costs = costs;
    this.rateLimits = rateLimits;
    this.limits = limits;
    this.commands = commands;
  }

  /** GET /tenants/{tenant_id}/costs[?from=&to=]: the seed's totals, plus by day and by model. */
  public void costs(RoutingContext rc) {
    String tenant = rc.pathParam("tenant_id");
    Access.requireTenant(rc, tenant);
    LocalDate from = date(rc, "from"), to = date(rc, "to");
    within(costs.summary(tenant, from, to)).onSuccess(body -> json(rc, 200, body)).onFailure(rc::fail);
  }

  /** GET /tenants/{tenant_id}/limits */
  public void getLimits(RoutingContext rc) {
    String tenant = rc.pathParam("tenant_id");
    Access.requireTenant(rc, tenant);
    within(limits.get(tenant)).onSuccess(body -> json(rc, 200, body)).onFailure(rc::fail);
  }

  /**
   * PUT /tenants/{tenant_id}/limits (admin): any of submit_rate, submit_burst, max_queued,
   * max_running, daily_budget_usd (a number sets it, null restores the default). Effective on
   * every node at once. Paused tasks are resumed; if still over budget they pause again.
   */
  public void putLimits(RoutingContext rc) {
    String tenant = rc.pathParam("tenant_id");
    Access.requireAdmin(rc);
    JsonObject body = rc.body().asJsonObject();
    within(limits.update(tenant, body))
        .compose(v -> within(commands.resumePaused(tenant, 10_000)))
        .compose(v -> within(limits.get(tenant)))
        .onSuccess(b -> json(rc, 200, b))
        .onFailure(rc::fail);
  }

  private static LocalDate date(RoutingContext rc, String name) {
    String v = rc.request().getParam(name);
    if (v == null || v.isEmpty()) return null;
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw Problem.invalid(422, List.of(new Problem.FieldError(name, name + " must be a date like 2026-11-27")))
          .asException();
    }
  }

  /** GET /tenants/{tenant_id}/rate-limit: the bucket, the tenant's own settings or the defaults (the seed's shape). */
  public void getRateLimit(RoutingContext rc) {
    String tenant = rc.pathParam("tenant_id");
    Access.requireTenant(rc, tenant);
    within(rateLimits.get(tenant)).onSuccess(b -> json(rc, 200, b.toJson())).onFailure(rc::fail);
  }

  /**
   * POST /tenants/{tenant_id}/rate-limit?capacity=&refill_rate= (admin), as the seed took them:
   * capacity a number (taken down to whole tasks, at least 1), refill_rate optional (per second,
   * more than 0; absent: the tenant's current rate, or 1 per second when it has none).
   */
  public void setRateLimit(RoutingContext rc) {
    String tenant = rc.pathParam("tenant_id");
    Access.requireAdmin(rc);
    double capacityAsGiven = Double.parseDouble(rc.request().getParam("capacity"));
    long capacity = (long) Math.floor(capacityAsGiven);
    if (capacity < 1) {
      throw Problem.invalid(422, List.of(new Problem.FieldError("capacity", "capacity must be at least 1 (a bucket that "
          + "holds less than one token lets no submission through)"))).asException();
    }
    String refillParam = rc.request().getParam("refill_rate");
    Future<Double> refill = refillParam != null && !refillParam.isBlank()
        ? Future.succeededFuture(Double.parseDouble(refillParam))
        : rateLimits.get(tenant).map(b -> b.refillRate() > 0 ? b.refillRate() : 1.0);
    within(refill.compose(rate -> rateLimits.set(tenant, capacity, rate)))
        .onSuccess(b -> json(rc, 200, b.toJson().put("message", "Rate limit updated")))
        .onFailure(rc::fail);
  }

  /** DELETE /tenants/{tenant_id}/rate-limit (admin): the defaults apply again; 200 with the seed's message. */
  public void deleteRateLimit(RoutingContext rc) {
    String tenant = rc.pathParam("tenant_id");
    Access.requireAdmin(rc);
    within(rateLimits.delete(tenant))
        .onSuccess(v -> json(rc, 200, new JsonObject().put("tenant_id", tenant).put("message", "Rate limit reset")))
        .onFailure(rc::fail);
  }
}
