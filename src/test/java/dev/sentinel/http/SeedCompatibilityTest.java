package dev.sentinel.http;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests shaped like the seed system's clients send them, and the seed's field names read
 * back: paths, snake_case fields, status codes and defaults must not change.
 */
class SeedCompatibilityTest {

  @RegisterExtension final RealRedis redis = RealRedis.perTest();
  TestNode node;
  Http api;

  @BeforeEach void start() {
    node = new TestNode(redis.url(), "", "http: {port: 0}\n");
    api = node.startApi();
  }

  @AfterEach void stop() {
    node.close();
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
    Http.Reply cancelled = api.delete("/tasks/" + id);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
    assertThat(cancelled.json().getString("message")).isEqualTo("Task cancelled");
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

  @Test void rateLimitEndpointsAnswerTheSeedsShapes() {
    // before any setting: 200 with the defaults (the seed never answered 404 here)
    JsonObject defaults = api.get("/tenants/acme/rate-limit").json();
    assertThat(defaults.fieldNames()).contains("tenant_id", "tokens", "last_refill", "capacity", "refill_rate");
    assertThat(defaults.getString("source")).isEqualTo("default");
    assertThat(defaults.getDouble("tokens")).isEqualTo(defaults.getDouble("capacity"));

    Http.Reply set = api.post("/tenants/acme/rate-limit?capacity=20.0&refill_rate=0.5", null);
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().getString("tenant_id")).isEqualTo("acme");
    assertThat(set.json().getDouble("capacity")).isEqualTo(20.0);
    assertThat(set.json().getDouble("refill_rate")).isEqualTo(0.5);
    assertThat(set.json().getString("message")).isEqualTo("Rate limit updated");

    // a submission takes a token; the bucket shows it, with the Redis time it was computed at
    submit("acme");
    JsonObject after = api.get("/tenants/acme/rate-limit").json();
    assertThat(after.getDouble("tokens")).isLessThan(20.0).isGreaterThanOrEqualTo(19.0);
    assertThat(after.getDouble("last_refill")).isGreaterThan(1.7e9);
    assertThat(after.getString("source")).isEqualTo("tenant");

    // refill_rate is optional: the tenant's current rate stays
    Http.Reply capacityOnly = api.post("/tenants/acme/rate-limit?capacity=7.9", null);
    assertThat(capacityOnly.json().getDouble("capacity")).isEqualTo(7.0);
    assertThat(capacityOnly.json().getDouble("refill_rate")).isEqualTo(0.5);
    assertThat(api.post("/tenants/acme/rate-limit?capacity=0.5", null).status()).isEqualTo(422);
    assertThat(api.post("/tenants/acme/rate-limit?capacity=5&refill_rate=0", null).status()).isEqualTo(422);

    Http.Reply reset = api.delete("/tenants/acme/rate-limit");
    assertThat(reset.status()).isEqualTo(200);
    assertThat(reset.json()).isEqualTo(new JsonObject().put("tenant_id", "acme").put("message", "Rate limit reset"));
    assertThat(api.get("/tenants/acme/rate-limit").json().getString("source")).isEqualTo("default");
  }

  /** The 0.2.0 jar answered 500 here: the contract refused the null, then the friendly-error path looked it up. */
  @Test void anExplicitNullMeansTheFieldWasLeftOut() {
    Http.Reply r = api.post("/tasks", "{\"tenant_id\":\"a\",\"task_type\":\"b\",\"agent_type\":null,\"task_params\":null,"
        + "\"max_attempts\":null,\"priority\":null,\"cost_limit\":null,\"run_at\":null}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject t = r.json();
    assertThat(t.getString("agent_type")).isEqualTo("prompt-based");
    assertThat(t.getJsonObject("task_params")).isEqualTo(new JsonObject());
    assertThat(t.getInteger("max_attempts")).isEqualTo(3);
    assertThat(t.getInteger("priority")).isZero();
    assertThat(t.getDouble("cost_limit")).as("the seed's default cost_limit").isEqualTo(10.0);
    assertThat(t.getString("status")).isEqualTo("queued");
  }

  @Test void unknownFieldsAreIgnoredAndNamedServerOwnedOnesRefused() {
    Http.Reply r = api.post("/tasks", "{\"tenant_id\":\"a\",\"task_type\":\"b\",\"agent_type\":\"noop\","
        + "\"callback_url\":\"http://x\",\"metadata\":{\"k\":1}}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.header("Sentinel-Ignored-Fields")).isEqualTo("callback_url, metadata");
    assertThat(api.post("/tasks", "{\"tenant_id\":\"a\",\"task_type\":\"b\"}").header("Sentinel-Ignored-Fields")).isNull();

    Http.Reply owned = api.post("/tasks", "{\"tenant_id\":\"a\",\"task_type\":\"b\",\"status\":\"completed\","
        + "\"cost_so_far\":0,\"extra\":1}");
    assertThat(owned.status()).isEqualTo(422);
    assertThat(owned.json().getString("detail")).contains("status").contains("cost_so_far");
    assertThat(api.get("/tasks?tenant_id=a").json().getLong("total")).as("nothing stored by the refused one").isEqualTo(2);
  }

  @Test void moneyIsAPlainDecimalAndProgressShowsTheTotal() {
    Http.Reply r = api.post("/tasks", "{\"tenant_id\":\"a\",\"task_type\":\"b\",\"agent_type\":\"noop\","
        + "\"task_params\":{\"steps\":4},\"cost_limit\":0.000107}");
    assertThat(r.body()).contains("\"cost_limit\":0.000107").doesNotContain("E-");
    assertThat(r.json().getInteger("total_steps")).isEqualTo(4);
    assertThat(r.json().getInteger("step")).isZero();
  }

  @Test void theContractIsServedAsJsonAndRedocFromTheJar() {
    Http.Reply json = api.get("/openapi.json");
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.json().getJsonObject("paths").containsKey("/tenants/{tenant_id}/rate-limit")).isTrue();
    Http.Reply redoc = api.get("/redoc");
    assertThat(redoc.status()).isEqualTo(200);
    assertThat(redoc.body()).contains("/openapi.json").contains("/redoc/redoc.standalone.js");
    assertThat(api.get("/redoc/redoc.standalone.js").status()).isEqualTo(200);
  }

  @Test void healthCarriesStatusRedisConnectedAndTimestamp() {
    JsonObject h = api.get("/health").json();
    assertThat(h.getString("status")).isEqualTo("healthy");
    assertThat(h.getBoolean("redis_connected")).isTrue();
    assertThat(h.getString("timestamp")).isNotBlank();
  }
}
