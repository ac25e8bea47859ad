package dev.sentinel.http;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The foundation's HTTP endpoints through the front door, against a real Redis. */
class HttpApiTest {

  static RedisServerProcess redisServer;
  static Vertx vertx;
  StoreFixture f;
  TestNode node;
  Http api;

  @BeforeAll static void startRedis() {
    redisServer = RedisServerProcess.start();
    vertx = Vertx.vertx();
  }

  @AfterAll static void stopRedis() {
    vertx.close().await();
    redisServer.close();
  }

  @BeforeEach void start() {
    f = new StoreFixture(vertx, redisServer.url());
    node = new TestNode(redisServer.url(), f.keys.prefix(), "http: {port: 0}\n");
    api = node.startApi();
  }

  @AfterEach void stop() {
    try {
      node.close();   // fails if any response broke the contract
    } finally {
      f.close();
    }
  }

  /** Tasks stored, from the exact counter every submit increments (0 when nothing was ever stored). */
  private long storedTasks() {
    var total = f.cmd(Command.HGET, f.keys.counts(), "total");
    return total == null ? 0 : total.toLong();
  }

  private JsonObject problem(Http.Reply r, int status) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.raw().headers().firstValue("content-type")).contains("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("detail")).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    return p;
  }

  private static List<String> messages(JsonObject problem) {
    return problem.getJsonArray("errors", new JsonArray()).stream().map(e -> ((JsonObject) e).getString("message")).toList();
  }

  private static List<String> fields(JsonObject problem) {
    return problem.getJsonArray("errors", new JsonArray()).stream().map(e -> ((JsonObject) e).getString("field")).toList();
  }

  @Test void submitReturns201WithTheTaskInTheSeedShape() {
    Http.Reply r = api.post("/tasks", """
        {"tenant_id":"acme","task_type":"report","agent_type":"noop","task_params":{"steps":2},
         "max_attempts":5,"priority":7,"cost_limit":0.25}""");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject t = r.json();
    assertThat(r.raw().headers().firstValue("location")).contains("/tasks/" + t.getString("task_id"));
    assertThat(t.getString("status")).isEqualTo("queued");
    assertThat(t.getString("tenant_id")).isEqualTo("acme");
    assertThat(t.getString("task_type")).isEqualTo("report");
    assertThat(t.getJsonObject("task_params")).isEqualTo(new JsonObject().put("steps", 2));
    assertThat(t.getInteger("max_attempts")).isEqualTo(5);
    assertThat(t.getInteger("priority")).isEqualTo(7);
    assertThat(t.getDouble("cost_limit")).isEqualTo(0.25);
    assertThat(t.getDouble("cost_so_far")).isEqualTo(0.0);
    assertThat(t.getInteger("attempts")).isZero();
    assertThat(t.containsKey("owner")).isTrue();
    assertThat(t.getValue("owner")).isNull();
    assertThat(t.getString("created_at")).endsWith("Z");
    assertThat(f.meta(t.getString("task_id"))).containsEntry("cost_limit_nanos", "250000000");   // nano-USD
    // the 201 body is built from what submit.lua wrote, not read back: it must be what a GET shows
    JsonObject fetched = api.get("/tasks/" + t.getString("task_id")).json();
    assertThat(fetched).isEqualTo(t);
  }

  @Test void malformedJsonIs400AndStoresNothing() {
    JsonObject p = problem(api.post("/tasks", "{\"tenant_id\": \"acme\","), 400);
    assertThat(p.getString("detail")).contains("not valid JSON");
    problem(api.post("/tasks", "[1,2]"), 422);   // valid JSON, wrong shape: a schema violation
    problem(api.post("/tasks", ""), 400);
    assertThat(storedTasks()).isZero();
  }

  @Test void schemaViolationsAre422NamingEveryFailingField() {
    // an unknown field (colour) is ignored, as the seed did; it is not one of the failures
    JsonObject p = problem(api.post("/tasks", """
        {"tenant_id":"bad tenant!","agent_type":"noop","max_attempts":0,"priority":"high",
         "task_params":[1],"cost_limit":-1,"run_at":"tomorrow","colour":"blue","owner":"me"}"""), 422);
    assertThat(fields(p)).containsExactlyInAnyOrder("tenant_id", "task_type", "max_attempts", "priority",
        "task_params", "cost_limit", "run_at", "owner");
    // one validation (the contract's), in words a client can act on rather than the validator's
    assertThat(messages(p)).containsExactlyInAnyOrder(
        "tenant_id must be 1-128 characters of letters, digits, '_', '.' and '-'",
        "task_type is required",
        "max_attempts must be at least 1",
        "priority must be a whole number (or null)",
        "task_params must be a JSON object (or null)",
        "cost_limit must be at least 0",
        "run_at must be an ISO-8601 UTC time such as 2026-01-31T12:00:00Z",
        "owner is set by the server and cannot be given");
    assertThat(storedTasks()).isZero();
  }

  @Test void serverOwnedFieldsAreRefusedWith422() {
    JsonObject p = problem(api.post("/tasks", """
        {"tenant_id":"acme","task_type":"x","agent_type":"noop","status":"completed","owner":"me","epoch":9,"total_steps":2}"""), 422);
    assertThat(fields(p)).containsExactlyInAnyOrder("status", "owner", "epoch", "total_steps");
    assertThat(storedTasks()).isZero();
  }

  @Test void badAgentParamsAre422AndUnknownAgentIs400() {
    JsonObject params = problem(api.post("/tasks", """
        {"tenant_id":"acme","task_type":"x","agent_type":"noop","task_params":{"steps":5000}}"""), 422);
    assertThat(fields(params)).containsExactly("task_params.steps");
    JsonObject unknown = problem(api.post("/tasks", """
        {"tenant_id":"acme","task_type":"x","agent_type":"no-such-agent"}"""), 400);
    assertThat(fields(unknown)).containsExactly("agent_type");
    assertThat(unknown.getString("detail")).contains("no-such-agent").contains("noop");
    assertThat(storedTasks()).isZero();
  }

  @Test void aRunAtBeyondEpochMillisecondsIs422NotA500() {
    // Instant.parse takes a year of +1000000000; toEpochMilli then overflows
    for (String runAt : List.of("+1000000000-12-31T23:59:59Z", "-1000000000-01-01T00:00:00Z")) {
      JsonObject p = problem(api.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"x\",\"agent_type\":\"noop\","
          + "\"run_at\":\"" + runAt + "\"}"), 422);
      assertThat(fields(p)).containsExactly("run_at");
    }
    assertThat(storedTasks()).isZero();
  }

  @Test void parametersAreValidatedAsTheStringsTheHandlersRead() {
    // ids that are also JSON numbers are valid ids (vertx-openapi parsed them as numbers: 422)
    assertThat(api.get("/tenants/-1/limits").status()).isEqualTo(200);
    assertThat(api.get("/tenants/1.5/rate-limit").status()).isEqualTo(200);
    assertThat(api.get("/tasks?tenant_id=-1&task_type=2.5").status()).isEqualTo(200);
    assertThat(api.post("/tasks", "{\"tenant_id\":\"1.5\",\"task_type\":\"x\",\"agent_type\":\"noop\"}",
        Map.of("Idempotency-Key", "-7.25")).status()).isEqualTo(201);
    // a JSON string literal is not its content: "acme" with its quotes is no Identifier (it was
    // validated as acme, and the handler wrote the quotes into Redis keys)
    assertThat(fields(problem(api.send("PUT", "/tenants/%22evil%22/limits", "{\"max_running\":3}", Map.of()), 422)))
        .containsExactly("tenant_id");
    assertThat(f.cmd(Command.KEYS, f.keys.prefix() + "*\"*").size()).isZero();
    assertThat(fields(problem(api.get("/tasks?cursor=%221764245550123:a%22"), 422))).containsExactly("cursor");   // was a 500
    assertThat(fields(problem(api.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"x\",\"agent_type\":\"noop\"}",
        Map.of("Idempotency-Key", "\"k1\"")), 422))).containsExactly("Idempotency-Key");
    assertThat(storedTasks()).isEqualTo(1);
  }

  @Test void anIdentifierWithATrailingNewlineIsRefused() {
    // JSON Schema's $ is the end of the input; java.util.regex's also matches before a final newline
    assertThat(fields(problem(api.get("/tasks?tenant_id=acme%0A"), 422))).containsExactly("tenant_id");
    assertThat(fields(problem(api.get("/tenants/acme%0A/limits"), 422))).containsExactly("tenant_id");
    assertThat(fields(problem(api.post("/admin/api-keys", "{\"tenant_id\":\"acme\\n\"}"), 422))).containsExactly("tenant_id");
  }

  @Test void bodyOverOneMebibyteIs413() {
    String big = "{\"tenant_id\":\"acme\",\"task_type\":\"x\",\"agent_type\":\"noop\",\"task_params\":{\"blob\":\""
        + "x".repeat(1_100_000) + "\"}}";
    problem(api.post("/tasks", big), 413);
    assertThat(storedTasks()).isZero();
  }

  @Test void unknownTaskIs404AndAnInvalidIdIs422() {
    JsonObject p = problem(api.get("/tasks/no-such-task"), 404);
    assertThat(p.getString("detail")).isEqualTo("Task no-such-task not found");
    problem(api.get("/tasks/no-such-task/steps"), 404);
    problem(api.delete("/tasks/no-such-task"), 404);
    assertThat(fields(problem(api.get("/tasks/bad%20id"), 422))).containsExactly("task_id");
    problem(api.get("/no/such/endpoint"), 404);
  }

  @Test void cancelIs200WithABodyThenAFinishedTaskIs400() {
    String id = api.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"x\",\"agent_type\":\"noop\"}").json().getString("task_id");
    Http.Reply cancelled = api.delete("/tasks/" + id);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("task_id")).isEqualTo(id);
    assertThat(api.get("/tasks/" + id).json().getString("status")).isEqualTo("cancelled");
    assertThat(problem(api.delete("/tasks/" + id), 400).getString("detail")).contains("already cancelled");
  }

  @Test void healthReportsRedis() {
    Http.Reply r = api.get("/health");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getBoolean("redis_connected")).isTrue();
    assertThat(r.json().getString("status")).isEqualTo("healthy");
  }

  @Test void redisDownGives503WithRetryAfterAndTheApiRecoversByItself() {
    try (RedisServerProcess own = RedisServerProcess.start("always");
         TestNode apiNode = new TestNode(own.url(), "", "http: {port: 0}\n")) {
      Http http = apiNode.startApi();
      String body = "{\"tenant_id\":\"acme\",\"task_type\":\"x\",\"agent_type\":\"noop\"}";
      assertThat(http.post("/tasks", body).status()).isEqualTo(201);

      own.pause();   // SIGSTOP: connections hang rather than fail
      Http.Reply paused = http.get("/health");
      assertThat(paused.status()).isEqualTo(503);
      assertThat(paused.json().getBoolean("redis_connected")).isFalse();
      Http.Reply submit = http.post("/tasks", body);
      problem(submit, 503);
      assertThat(submit.raw().headers().firstValue("retry-after")).isPresent();
      own.resume();

      own.kill9();   // connection refused
      assertThat(http.get("/health").status()).isEqualTo(503);
      problem(http.get("/tasks/anything"), 503);
      own.restart();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/health").status() == 200);
      assertThat(http.post("/tasks", body).status()).isEqualTo(201);
    }
  }
}
