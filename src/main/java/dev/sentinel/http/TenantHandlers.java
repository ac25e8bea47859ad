package dev.sentinel.http;

import dev.sentinel.cost.TenantCosts;
import dev.sentinel.limits.RateLimitSettings;
import io.vertx.ext.web.RoutingContext;

import static dev.sentinel.http.Access.json;
import static dev.sentinel.http.Access.within;

/** A tenant's costs and rate-limit settings. Another tenant's answer 403. */
public final class TenantHandlers {

  private final TenantCosts costs;
  private final RateLimitSettings rateLimits;

  public TenantHandlers(TenantCosts costs, RateLimitSettings rateLimits) {
    this.costs = costs;
    this.rateLimits = rateLimits;
  }

  /** GET /tenants/{tenant_id}/costs */
  public void costs(RoutingContext rc) {
    String tenant = rc.pathParam("tenant_id");
    Access.requireTenant(rc, tenant);
    within(costs.summary(tenant)).onSuccess(body -> json(rc, 200, body)).onFailure(rc::fail);
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
