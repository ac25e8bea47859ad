package dev.sentinel.http;

import dev.sentinel.testing.ContractChecker;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * openapi.yaml is the contract: every operation in it is exercised here (success and error
 * answers), every response is validated against it by vertx-openapi's response validator
 * (see {@link ContractChecker}, wired into every test's API client), and the test fails if
 * an operation of the document was never called.
 */
class ContractTest {

  static final String ADMIN = "contract-admin-key";

  @RegisterExtension final RealRedis redis = RealRedis.perTest();
  TestNode node;
  Http admin;

  @BeforeEach void start() {
    node = new TestNode(redis.url(), "", "http: {port: 0}\nworker: {instances: 1, concurrency: 4}\n"
        + TestNode.adminKeyYaml(ADMIN));
    admin = node.startApi().withKey(ADMIN);
  }

  @AfterEach void stop() {
    node.close();   // fails if any response broke the contract
  }

  @Test void everyOperationIsExercisedAndEveryResponseMatchesTheContract() {
    // tasks: submit, get, list, steps, checkpoint, events, cancel, retry
    Http.Reply created = admin.post("/tasks", """
        {"tenant_id":"acme","task_type":"demo","agent_type":"noop","task_params":{"steps":3}}""",
        Map.of("Idempotency-Key", "contract-1"));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("task_id");
    assertThat(admin.post("/tasks", """
        {"tenant_id":"acme","task_type":"demo","agent_type":"noop","task_params":{"steps":3}}""",
        Map.of("Idempotency-Key", "contract-1")).status()).isEqualTo(200);
    assertThat(admin.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"other\",\"agent_type\":\"noop\"}",
        Map.of("Idempotency-Key", "contract-1")).status()).isEqualTo(409);
    assertThat(admin.post("/tasks", "{\"tenant_id\":\"acme\"}").status()).isEqualTo(422);
    assertThat(admin.post("/tasks", "{oops").status()).isEqualTo(400);
    assertThat(admin.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"x\",\"agent_type\":\"nope\"}").status()).isEqualTo(400);
    assertThat(admin.get("/tasks/" + id).status()).isEqualTo(200);
    assertThat(admin.get("/tasks/missing").status()).isEqualTo(404);
    assertThat(admin.get("/tasks?tenant_id=acme&limit=10").status()).isEqualTo(200);
    assertThat(admin.get("/tasks?limit=0").status()).isEqualTo(422);
    assertThat(admin.get("/tasks/" + id + "/checkpoint").json().getValue("checkpoint")).isNull();
    assertThat(admin.get("/tasks/missing/steps").status()).isEqualTo(404);
    assertThat(admin.post("/tasks/" + id + "/retry", null).status()).isEqualTo(409);   // still queued

    node.startWorkers("contract").startWatcher();
    await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(admin.get("/tasks/" + id).json().getString("status")));
    assertThat(admin.get("/tasks/" + id + "/steps").json().getJsonArray("steps")).hasSize(3);
    assertThat(admin.get("/tasks/" + id + "/checkpoint").json().getJsonObject("checkpoint").getInteger("step")).isEqualTo(3);
    // time travel: a step's checkpoint, all of them, a replay (422 beyond the steps, 404 unknown)
    assertThat(admin.get("/tasks/" + id + "/checkpoint?step=0").json().getJsonObject("checkpoint").getInteger("step")).isZero();
    assertThat(admin.get("/tasks/" + id + "/checkpoint?step=4").status()).isEqualTo(422);
    Http.Reply page = admin.get("/tasks/" + id + "/checkpoints?limit=2");
    assertThat(page.json().getJsonArray("checkpoints")).hasSize(2);
    assertThat(admin.get("/tasks/" + id + "/checkpoints?after_step=2").json().getJsonArray("checkpoints")).hasSize(1);
    assertThat(admin.get("/tasks/missing/checkpoints").status()).isEqualTo(404);
    Http.Reply fork = admin.post("/tasks/" + id + "/replay", "{\"from_step\":2}", Map.of("Idempotency-Key", "fork-1"));
    assertThat(fork.status()).isEqualTo(201);
    assertThat(fork.json().getString("parent_task_id")).isEqualTo(id);
    assertThat(admin.post("/tasks/" + id + "/replay", "{\"from_step\":2}", Map.of("Idempotency-Key", "fork-1")).status())
        .isEqualTo(200);
    assertThat(admin.post("/tasks/" + id + "/replay", "{\"from_step\":1}", Map.of("Idempotency-Key", "fork-1")).status())
        .isEqualTo(409);
    assertThat(admin.post("/tasks/" + id + "/replay", "{\"from_step\":9}").status()).isEqualTo(422);
    assertThat(admin.post("/tasks/missing/replay", "{\"from_step\":0}").status()).isEqualTo(404);
    await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(
        admin.get("/tasks/" + fork.json().getString("task_id")).json().getString("status")));
    Http.Reply events = admin.get("/tasks/" + id + "/events");
    assertThat(events.status()).isEqualTo(200);
    // the history starts at the first claim: there is no `submitted` event any more
    assertThat(events.body()).contains("event: claimed").contains("event: completed").doesNotContain("event: submitted");
    assertThat(admin.get("/tasks/missing/events").status()).isEqualTo(404);
    assertThat(admin.get("/tasks/" + id + "/calls").json().getJsonArray("calls")).isEmpty();   // noop calls no model
    assertThat(admin.get("/tasks/missing/calls").status()).isEqualTo(404);
    assertThat(admin.delete("/tasks/" + id).status()).isEqualTo(400);   // already finished
    assertThat(admin.delete("/tasks/missing").status()).isEqualTo(404);

    // a task waiting for input: its input (422 for a reserved field, 409 once it no longer waits)
    String waiter = admin.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"demo\",\"agent_type\":\"noop\","
        + "\"task_params\":{\"steps\":1,\"wait_input_at_step\":1}}").json().getString("task_id");
    await().atMost(Duration.ofSeconds(20)).until(() -> "waiting".equals(admin.get("/tasks/" + waiter).json().getString("status")));
    assertThat(admin.get("/tasks?status_filter=waiting").json().getInteger("total")).isEqualTo(1);
    assertThat(admin.post("/tasks/" + waiter + "/input", "{\"data\":{\"timed_out\":true}}").status()).isEqualTo(422);
    assertThat(admin.post("/tasks/" + waiter + "/input", "{\"data\":[]}").status()).isEqualTo(422);
    assertThat(admin.post("/tasks/" + waiter + "/input", "{\"data\":{\"ok\":true}}").status()).isEqualTo(200);
    assertThat(admin.post("/tasks/" + waiter + "/input", "{\"data\":{\"ok\":true}}").status()).isEqualTo(409);
    assertThat(admin.post("/tasks/missing/input", "{\"data\":{}}").status()).isEqualTo(404);
    await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(admin.get("/tasks/" + waiter).json().getString("status")));

    String slow = admin.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"demo\",\"agent_type\":\"noop\","
        + "\"task_params\":{\"steps\":50,\"step_ms\":100}}").json().getString("task_id");
    assertThat(admin.delete("/tasks/" + slow).status()).isEqualTo(200);
    Http.Reply retried = admin.post("/tasks/" + slow + "/retry", null);
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().getString("status")).isIn("queued", "leased", "in_progress");   // a worker may take it at once
    assertThat(retried.json().getInteger("attempts")).isZero();
    assertThat(admin.post("/tasks/missing/retry", null).status()).isEqualTo(404);

    // operations
    assertThat(admin.get("/stats").json().getLong("total_tasks")).isEqualTo(4);   // with the replay
    assertThat(admin.get("/stats?tenant_id=bad%20id").status()).isEqualTo(422);
    await().atMost(Duration.ofSeconds(10)).until(() -> !admin.get("/workers").json().getJsonArray("workers").isEmpty());
    assertThat(admin.get("/health").status()).isEqualTo(200);
    // agents: the noop versions the submissions above were pinned to
    JsonObject noop = admin.get("/agents").json().getJsonArray("agents").stream().map(JsonObject.class::cast)
        .filter(a -> "noop".equals(a.getString("name"))).findFirst().orElseThrow();
    String kept = noop.getJsonArray("versions").getJsonObject(0).getString("version");
    assertThat(admin.get("/agents/noop/versions/" + kept).json().getJsonObject("graph").getString("name")).isEqualTo("noop");
    assertThat(admin.get("/agents/noop/versions/ffffffffffffffff").status()).isEqualTo(404);
    assertThat(admin.get("/agents/noop/versions/not-a-version").status()).isEqualTo(422);
    Http.Reply ready = admin.get("/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getJsonArray("warnings").encode()).contains("AOF is off");   // the test Redis runs without AOF
    Http.Reply metrics = admin.get("/metrics");
    assertThat(metrics.raw().headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(metrics.body()).contains("sentinel_tasks_submitted_total{agent_type=\"noop\",task_type=\"demo\"} 4.0");

    // tenants
    assertThat(admin.get("/tenants/acme/costs").json().getLong("task_count")).isEqualTo(4);
    assertThat(admin.get("/tenants/acme/rate-limit").json().getString("source")).isEqualTo("default");
    assertThat(admin.post("/tenants/acme/rate-limit?capacity=100&refill_rate=2.5", null).json().getDouble("refill_rate")).isEqualTo(2.5);
    assertThat(admin.post("/tenants/acme/rate-limit?capacity=0&refill_rate=1", null).status()).isEqualTo(422);
    assertThat(admin.get("/tenants/acme/rate-limit").json().getLong("capacity")).isEqualTo(100);
    assertThat(admin.delete("/tenants/acme/rate-limit").status()).isEqualTo(200);
    assertThat(admin.get("/tenants/acme/limits").json().getValue("daily_budget_usd")).isNull();
    assertThat(admin.send("PUT", "/tenants/acme/limits", "{\"daily_budget_usd\": 12.5}", Map.of()).json()
        .getDouble("daily_budget_usd")).isEqualTo(12.5);
    assertThat(admin.send("PUT", "/tenants/acme/limits", "{\"daily_budget_usd\": -1}", Map.of()).status()).isEqualTo(422);
    assertThat(admin.get("/tenants/acme/costs?from=2026-01-01&to=2099-12-31").json().getJsonArray("days")).isEmpty();
    assertThat(admin.get("/tenants/acme/costs?from=yesterday").status()).isEqualTo(422);

    // admin
    Http.Reply key = admin.post("/admin/api-keys", "{\"tenant_id\":\"acme\",\"name\":\"ci\"}");
    assertThat(key.status()).isEqualTo(201);
    assertThat(admin.post("/admin/api-keys", "{\"name\":\"neither tenant nor admin\"}").status()).isEqualTo(422);
    assertThat(admin.get("/admin/api-keys").json().getJsonArray("keys")).hasSize(1);
    Http tenant = admin.withKey(key.json().getString("api_key"));
    assertThat(tenant.get("/admin/api-keys").status()).isEqualTo(403);
    assertThat(tenant.get("/metrics").status()).as("the metrics span every tenant: admin only").isEqualTo(403);
    assertThat(tenant.get("/tasks/" + id).status()).isEqualTo(200);
    assertThat(admin.delete("/admin/api-keys/" + key.json().getString("key_id")).status()).isEqualTo(204);
    assertThat(admin.delete("/admin/api-keys/0000000000000000").status()).isEqualTo(404);
    assertThat(tenant.get("/tasks/" + id).status()).isEqualTo(401);   // revoked

    ContractChecker contract = node.contract();
    assertThat(contract.violations()).isEmpty();
    assertThat(contract.covered()).as("operations of openapi.yaml never exercised")
        .containsExactlyInAnyOrderElementsOf(contract.operations());
  }

  @Test void theCheckerCatchesAResponseThatBreaksTheContract() {
    ContractChecker checker = node.contract();
    Http.Reply fake = new Http.Reply(200, "{\"task_id\": 42}", admin.get("/health").raw());
    int before = checker.violations().size();
    checker.check(new Http.Exchange("GET", "/tasks/abc", fake));   // a task without its required fields
    assertThat(checker.violations()).hasSize(before + 1);
    assertThat(checker.violations().get(before)).contains("getTask");
    // leave the node clean so close() does not fail this test for the fake exchange
    node = renewNode();
  }

  @Test void everySchemaHasAnExample() {
    JsonObject schemas = ApiContract.fromClasspath().forValidation().getJsonObject("components").getJsonObject("schemas");
    for (String name : schemas.fieldNames()) {
      JsonObject schema = schemas.getJsonObject(name);
      if (new JsonObject().equals(schema.getValue("not"))) continue;   // ServerOwned: no value can be an example
      assertThat(schema.containsKey("example")).as("schema " + name + " has an example").isTrue();
    }
    assertThat(schemas.fieldNames()).hasSizeGreaterThan(15);
  }

  @Test void theContractIsServedAsWrittenAndTheDocsPageLoads() throws Exception {
    Http.Reply yaml = admin.get("/openapi.yaml");
    assertThat(yaml.status()).isEqualTo(200);
    assertThat(yaml.body()).startsWith("openapi: 3.1.0").contains("application/problem+json");
    Http.Reply docs = admin.get("/docs");
    assertThat(docs.body()).contains("swagger-ui-bundle.js").contains("/openapi.yaml");
    assertThat(admin.get("/docs/swagger-ui-bundle.js").status()).isEqualTo(200);
    assertThat(new JsonObject(admin.get("/health").body()).getBoolean("redis_connected")).isTrue();
  }

  private TestNode renewNode() {
    // the fake exchange is a deliberate violation: close this node without the contract check
    try {
      node.vertx.close().await();
    } catch (RuntimeException ignored) {
      // closing is best effort here
    }
    TestNode fresh = new TestNode(redis.url(), "", "http: {port: 0}\n");
    fresh.startApi();
    return fresh;
  }

}
