package dev.sentinel.http;

import dev.sentinel.auth.ApiKeyRecord;
import dev.sentinel.auth.ApiKeys;
import dev.sentinel.http.Problem.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.List;

import static dev.sentinel.http.Access.json;
import static dev.sentinel.http.Access.within;

/** API key management (admin keys only). The secret is shown once, at creation. */
public final class AdminHandlers {

  private final ApiKeys apiKeys;

  public AdminHandlers(ApiKeys apiKeys) {
    this.apiKeys = apiKeys;
  }

  /** POST /admin/api-keys {tenant_id | admin: true, name?} -> 201 with the key, once. */
  public void create(RoutingContext rc) {
    Access.requireAdmin(rc);
    if (!apiKeys.enabled()) {
      throw Problem.of(409, "Conflict", "API keys are off (no key configured): set SENTINEL_ADMIN_KEY or auth.keys first")
          .asException();
    }
    JsonObject body = rc.body().asJsonObject();
    String tenant = body.getString("tenant_id");
    boolean admin = body.getBoolean("admin", false);
    if (admin == (tenant != null)) {
      throw Problem.invalid(422, List.of(new FieldError("tenant_id", "give either tenant_id or admin: true"))).asException();
    }
    within(apiKeys.create(tenant, admin, body.getString("name")))
        .onSuccess(c -> json(rc, 201, view(c.record()).put("api_key", c.apiKey())))
        .onFailure(rc::fail);
  }

  /** GET /admin/api-keys */
  public void list(RoutingContext rc) {
    Access.requireAdmin(rc);
    within(apiKeys.list())
        .onSuccess(keys -> json(rc, 200, new JsonObject().put("keys", new JsonArray(keys.stream().map(AdminHandlers::view).toList()))))
        .onFailure(rc::fail);
  }

  /** DELETE /admin/api-keys/{key_id} */
  public void revoke(RoutingContext rc) {
    Access.requireAdmin(rc);
    String keyId = rc.pathParam("key_id");
    within(apiKeys.revoke(keyId)).onSuccess(found -> {
      if (found) rc.response().setStatusCode(204).end();
      else Problem.notFound("API key " + keyId).send(rc);
    }).onFailure(rc::fail);
  }

  private static JsonObject view(ApiKeyRecord r) {
    return new JsonObject().put("key_id", r.keyId()).put("tenant_id", r.tenantId()).put("admin", r.admin())
        .put("name", r.name()).put("created_at", Instant.ofEpochMilli(r.createdAt()).toString());
  }
}
