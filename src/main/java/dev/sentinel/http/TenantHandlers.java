package dev.sentinel.http;

import dev.sentinel.store.TaskCommands;
import dev.sentinel.cost.TenantCosts;
import dev.sentinel.limits.RateLimitSettings;
import dev.sentinel.limits.TenantLimits;

import java.time.LocalDate;
import io.vertx.ext.web.RoutingContext;

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
    io.vertx.core.json.JsonObject body = rc.body().asJsonObject();
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
    } catch (java.time.format.DateTimeParseException e) {
      throw Problem.invalid(422, java.util.List.of(new Problem.FieldError(name, name + " must be a date like 2026-11-27")))
          .asException();
    }
  }

  /** GET /tenants/{tenant_id}/rate-limit: 404 when none is set. */
  public void getRateLimit(RoutingContext rc) {
    String tenant = rc.pathParam("tenant_id");
    Access.requireTenant(rc, tenant);
    within(rateLimits.get(tenant)).onSuccess(s -> {
      if (s.isEmpty()) Problem.notFound("Rate limit of tenant " + tenant).send(rc);
      else json(rc, 200, s.get().toJson());
    }).onFailure(rc::fail);
  }

  /** POST /tenants/{tenant_id}/rate-limit?capacity=&refill_rate= (admin), as the seed took them. */
  public void setRateLimit(RoutingContext rc) {
    String tenant = rc.pathParam("tenant_id");
    Access.requireAdmin(rc);
    long capacity = TaskHandlers.intParam(rc, "capacity", 1);
    double refill = Double.parseDouble(rc.request().getParam("refill_rate"));
    within(rateLimits.set(tenant, capacity, refill)).onSuccess(s -> json(rc, 200, s.toJson())).onFailure(rc::fail);
  }

  /** DELETE /tenants/{tenant_id}/rate-limit (admin) */
  public void deleteRateLimit(RoutingContext rc) {
    String tenant = rc.pathParam("tenant_id");
    Access.requireAdmin(rc);
    within(rateLimits.delete(tenant)).onSuccess(v -> rc.response().setStatusCode(204).end()).onFailure(rc::fail);
  }
}
