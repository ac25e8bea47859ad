package dev.sentinel.http;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests shaped like the seed system's clients send them, and the seed's field names read
 * back: paths, snake_case fields, status codes and defaults must not change.
 */
class SeedCompatibilityTest {

  RedisServerProcess redis;
  TestNode node;
  Http api;

  @BeforeEach void start() {
    redis = RedisServerProcess.start();
    node = new TestNode(redis.url(), "", "http: {port: 0}\n");
    api = node.startApi();
  }

  @AfterEach void stop() {
    try {
      node.close();
    } finally {
      redis.close();
    }
  }

  private JsonObject submit(String tenant) {
    Http.Reply r = api.post("/tasks", new JsonObject().put("task_type", "research").put("tenant_id", tenant)
        .put("agent_type", "noop").put("task_params", new JsonObject().put("query", "ai safety"))
        .put("cost_limit", 0.5).put("max_attempts", 3).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  @Test void taskObjectCarriesTheSeedFields() {
    JsonObject t = submit("acme");
    for (String field : new String[] {"task_id", "status", "tenant_id", "agent_type", "task_type", "task_params",
        "cost_so_far", "attempts", "max_attempts", "owner", "created_at", "updated_at", "completed_at", "result", "error",
        "current_node", "step", "priority", "lease_expires"}) {
      assertThat(t.containsKey(field)).as(field).isTrue();
    }
    assertThat(t.getString("status")).isEqualTo("queued");
    assertThat(t.getDouble("cost_so_far")).isZero();
    assertThat(t.getValue("owner")).isNull();
    assertThat(t.getValue("completed_at")).isNull();
    assertThat(t.getJsonObject("task_params").getString("query")).isEqualTo("ai safety");
    assertThat(t.getInteger("max_attempts")).isEqualTo(3);
  }

  @Test void maxAttemptsDefaultsToThree() {
    Http.Reply r = api.post("/tasks", "{\"task_type\":\"x\",\"tenant_id\":\"acme\",\"agent_type\":\"noop\"}");
    assertThat(r.json().getInteger("max_attempts")).isEqualTo(3);
  }

  @Test void missingRequiredFieldsAre422LikeTheSeed() {
    Http.Reply r = api.post("/tasks", "{\"agent_type\":\"noop\"}");
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().getString("detail")).contains("tenant_id").contains("task_type");
  }

  @Test void listingTakesStatusFilterTenantLimitOffsetAndReturnsTasksAndTotal() {
    for (int i = 0; i < 3; i++) submit("acme");
    submit("globex");
    JsonObject page = api.get("/tasks?status_filter=queued&tenant_id=acme&limit=2&offset=0").json();
    assertThat(page.getJsonArray("tasks")).hasSize(2);
    assertThat(page.getLong("total")).isEqualTo(3);
    JsonObject rest = api.get("/tasks?status_filter=queued&tenant_id=acme&limit=2&offset=2").json();
    assertThat(rest.getJsonArray("tasks")).hasSize(1);
    assertThat(api.get("/tasks").json().getJsonArray("tasks")).hasSize(4);   // limit defaults to 100
  }

  @Test void getAndDeleteAnswerLikeTheSeed() {
    String id = submit("acme").getString("task_id");
    assertThat(api.get("/tasks/" + id).json().getString("task_id")).isEqualTo(id);
    Http.Reply missing = api.get("/tasks/does-not-exist");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getString("detail")).isEqualTo("Task does-not-exist not found");
    assertThat(api.delete("/tasks/" + id).status()).isEqualTo(204);
    assertThat(api.delete("/tasks/" + id).status()).isEqualTo(400);
    assertThat(api.delete("/tasks/does-not-exist").status()).isEqualTo(404);
  }

  @Test void statsCarryTheSeedCounters() {
    submit("acme");
    JsonObject s = api.get("/stats").json();
    for (String field : new String[] {"total_tasks", "queued", "leased", "in_progress", "completed", "failed", "retrying",
        "cancelled", "scheduled"}) {
      assertThat(s.containsKey(field)).as(field).isTrue();
    }
    assertThat(s.getLong("total_tasks")).isEqualTo(1);
    assertThat(s.getLong("queued")).isEqualTo(1);
  }

  @Test void tenantCostsCarryTheSeedFields() {
    submit("acme");
    submit("acme");
    JsonObject c = api.get("/tenants/acme/costs").json();
    assertThat(c.getString("tenant_id")).isEqualTo("acme");
    assertThat(c.getDouble("total_cost_usd")).isZero();
    assertThat(c.getLong("task_count")).isEqualTo(2);
    assertThat(c.getDouble("average_cost_usd")).isZero();
  }

  @Test void rateLimitTakesCapacityAndRefillRateAsQueryParameters() {
    Http.Reply set = api.post("/tenants/acme/rate-limit?capacity=20&refill_rate=5", null);
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.json().getLong("capacity")).isEqualTo(20);
    assertThat(set.json().getDouble("refill_rate")).isEqualTo(5.0);
    assertThat(api.get("/tenants/acme/rate-limit").json().getLong("capacity")).isEqualTo(20);
    assertThat(api.delete("/tenants/acme/rate-limit").status()).isEqualTo(204);
    assertThat(api.get("/tenants/acme/rate-limit").status()).isEqualTo(404);
  }

  @Test void healthCarriesStatusRedisConnectedAndTimestamp() {
    JsonObject h = api.get("/health").json();
    assertThat(h.getString("status")).isEqualTo("healthy");
    assertThat(h.getBoolean("redis_connected")).isTrue();
    assertThat(h.getString("timestamp")).isNotBlank();
  }
}
