package dev.sentinel.auth;

import io.vertx.core.json.JsonObject;

/** What is stored for a key: never the key, only what it grants. */
public record ApiKeyRecord(String keyId, String tenantId, boolean admin, String name, long createdAt) {

  public JsonObject toJson() {
    return new JsonObject().put("key_id", keyId).put("tenant_id", tenantId).put("admin", admin).put("name", name)
        .put("created_at", createdAt);
  }

  public static ApiKeyRecord fromJson(JsonObject j) {
    return new ApiKeyRecord(j.getString("key_id"), j.getString("tenant_id"), j.getBoolean("admin", false),
        j.getString("name"), j.getLong("created_at", 0L));
  }

  public Caller caller() {
    return admin ? Caller.admin(keyId) : Caller.tenant(tenantId, keyId);
  }
}
