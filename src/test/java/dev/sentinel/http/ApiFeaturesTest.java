package dev.sentinel.http;

import dev.sentinel.agent.AgentRegistry;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The API beyond the seed: idempotency, paging, SSE, retry, auth and exposure rules. */
class ApiFeaturesTest {

  static final String ADMIN = "features-admin-key";

  @RegisterExtension final RealRedis redis = RealRedis.perTest();
  TestNode node;
  Http api;

  @BeforeEach void start() {
    node = new TestNode(redis.url(), "", "http: {port: 0}\nworker: {instances: 1, concurrency: 8}\n"
        + TestNode.adminKeyYaml(ADMIN));
    api = node.startApi().withKey(ADMIN);
  }

  @AfterEach void stop() {
    node.close();
  }

  private String submit(String tenant, String type, JsonObject params) {
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", tenant).put("task_type", type)
        .put("agent_type", "noop").put("task_params", params).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("task_id");
  }

  @Test void concurrentRetriesWithOneIdempotencyKeyCreateOneTask() throws Exception {
    String body = "{\"tenant_id\":\"acme\",\"task_type\":\"pay\",\"agent_type\":\"noop\"}";
    List<CompletableFuture<Http.Reply>> tries = new ArrayList<>();
    var pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < 16; i++) {
      tries.add(CompletableFuture.supplyAsync(() -> api.post("/tasks", body, Map.of("Idempotency-Key", "order-42")), pool));
    }
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (var t : tries) {
      Http.Reply r = t.get();
      assertThat(r.status()).isIn(200, 201);
      if (r.status() == 201) created++;
      ids.add(r.json().getString("task_id"));
    }
    pool.shutdown();
    assertThat(created).isEqualTo(1);
    assertThat(ids).hasSize(1);
    assertThat(api.get("/stats").json().getLong("total_tasks")).isEqualTo(1);
    // the same key in another tenant is another request
    assertThat(api.post("/tasks", body.replace("acme", "globex"), Map.of("Idempotency-Key", "order-42")).status()).isEqualTo(201);
  }

  /** Every task of a listing, following next_cursor to the end; each page must be a 200. */
  private List<String> pageAll(String first) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 100; pages++) {
      Http.Reply r = api.get(first + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      r.json().getJsonArray("tasks").forEach(t -> seen.add(((JsonObject) t).getString("task_id")));
      cursor = r.json().getString("next_cursor");
      if (cursor == null) {
        assertThat(seen).doesNotHaveDuplicates();
        return seen;
      }
    }
    throw new AssertionError("paging did not end");
  }

  @Test void listingPagesByOffsetAndByCursorAndFilters() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) all.add(submit(i % 2 == 0 ? "acme" : "globex", i % 3 == 0 ? "report" : "chat", new JsonObject()));
    // cursor paging visits every task once, newest first
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get("/tasks?limit=7" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.getJsonArray("tasks").forEach(t -> seen.add(((JsonObject) t).getString("task_id")));
      assertThat(page.getLong("total")).isEqualTo(25);
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
    // filters combine; totals are exact
    JsonObject acmeReports = api.get("/tasks?tenant_id=acme&task_type=report&agent_type=noop").json();
    long expected = IntStream.range(0, 25).filter(i -> i % 2 == 0 && i % 3 == 0).count();
    assertThat(acmeReports.getLong("total")).isEqualTo(expected);
    assertThat(acmeReports.getJsonArray("tasks")).hasSize((int) expected)
        .allSatisfy(t -> assertThat(((JsonObject) t).getString("tenant_id")).isEqualTo("acme"));
    assertThat(api.get("/tasks?limit=1001").status()).isEqualTo(422);
    assertThat(api.get("/tasks?offset=20&limit=10").json().getJsonArray("tasks")).hasSize(5);
    // every cursor the API hands out is accepted back: a queued listing walks the ready queue, whose
    // scores are negative for a high priority; a tenant's listing of one status names the index it walked
    List<String> urgent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "paged").put("task_type", "chat").put("agent_type", "noop")
          .put("priority", 1000).encode());
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      urgent.add(r.json().getString("task_id"));
    }
    for (String id : urgent.subList(0, 3)) assertThat(api.delete("/tasks/" + id).status()).isEqualTo(200);
    assertThat(pageAll("/tasks?tenant_id=paged&status_filter=queued&limit=1")).containsExactlyInAnyOrderElementsOf(urgent.subList(3, 5));
    assertThat(pageAll("/tasks?tenant_id=paged&status_filter=cancelled&limit=2")).containsExactlyInAnyOrderElementsOf(urgent.subList(0, 3));
    assertThat(pageAll("/tasks?status_filter=queued&limit=4")).contains(urgent.get(3), urgent.get(4));
  }

  @Test void eventsReplayThePastThenFollowLiveAndResumeAfterLastEventId() throws Exception {
    String id = submit("acme", "stream", new JsonObject().put("steps", 4).put("step_ms", 150));
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/tasks/" + id + "/events"))
        .header("Authorization", "Bearer " + ADMIN).build();
    HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(resp.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    List<String[]> events = new ArrayList<>();   // {id, type}
    node.startWorkers("sse");   // the task starts only now: what follows arrives live
    try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
      String line, eventId = null, type = null;
      while ((line = in.readLine()) != null) {   // the server ends the stream after the final event
        if (line.startsWith("id: ")) eventId = line.substring(4);
        else if (line.startsWith("event: ")) type = line.substring(7);
        else if (line.isEmpty() && type != null) {
          events.add(new String[] {eventId, type});
          type = null;
        }
      }
    }
    List<String> types = events.stream().map(e -> e[1]).toList();
    // the history starts at the first claim (there is no `submitted` event any more); a noop
    // task's last commit writes its last step and `completed`
    assertThat(types).startsWith("claimed").endsWith("step", "completed").doesNotContain("submitted");
    assertThat(types.stream().filter("step"::equals).count()).isEqualTo(4);
    assertThat(events.stream().map(e -> Long.parseLong(e[0])).toList()).as("ids: positions since the task began")
        .isEqualTo(LongStream.rangeClosed(1, events.size()).boxed().toList());

    String resumeAfter = events.get(2)[0];
    Http.Reply resumed = api.send("GET", "/tasks/" + id + "/events", null, Map.of("Last-Event-ID", resumeAfter));
    List<String> resumedIdsAndTypes = new ArrayList<>();
    String resumedId = null;
    for (String line : resumed.body().split("\n")) {
      if (line.startsWith("id: ")) resumedId = line.substring(4);
      else if (line.startsWith("event: ")) resumedIdsAndTypes.add(resumedId + " " + line.substring(7));
    }
    assertThat(resumedIdsAndTypes).as("exactly the events after Last-Event-ID " + resumeAfter)
        .isEqualTo(events.subList(3, events.size()).stream().map(e -> e[0] + " " + e[1]).toList());
    assertThat(resumed.body()).doesNotContain("id: " + resumeAfter + "\n").contains("event: completed");
  }

  @Test void retryRunsAFailedTaskAgainFromItsLastCheckpoint() {
    String id = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "x").put("agent_type", "noop")
        .put("max_attempts", 1).put("task_params", new JsonObject().put("steps", 3).put("fail_at_step", 2)).encode())
        .json().getString("task_id");
    node.startWorkers("retry").startWatcher();
    await().atMost(Duration.ofSeconds(15)).until(() -> "failed".equals(api.get("/tasks/" + id).json().getString("status")));
    JsonObject retried = api.post("/tasks/" + id + "/retry", null).json();
    assertThat(retried.getInteger("attempts")).isZero();
    await().atMost(Duration.ofSeconds(15)).until(() -> "failed".equals(api.get("/tasks/" + id).json().getString("status")));
    JsonArray steps = api.get("/tasks/" + id + "/steps").json().getJsonArray("steps");
    assertThat(steps).hasSize(1);   // step 1 was not run again: the retry resumed at step 2
    assertThat(api.get("/tasks/" + id + "/events").body()).contains("event: retried");
  }

  @Test void keysAreRequiredOnceConfiguredAndBothHeadersWork() {
    Http anonymous = api.withKey(null);
    Http.Reply r = anonymous.get("/tasks");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("www-authenticate")).isEqualTo("Bearer");
    assertThat(anonymous.get("/health").status()).isEqualTo(200);
    assertThat(anonymous.get("/openapi.yaml").status()).isEqualTo(200);
    assertThat(anonymous.send("GET", "/tasks", null, Map.of("X-API-Key", ADMIN)).status()).isEqualTo(200);
    assertThat(anonymous.send("GET", "/tasks", null, Map.of("X-API-Key", ADMIN + "x")).status()).isEqualTo(401);
  }

  @Test void withoutKeysTheApiRefusesToListenBeyondLoopbackUnlessToldOtherwise() {
    try (TestNode open = new TestNode(redis.url(), "", "http: {port: 0, host: 0.0.0.0}\n")) {
      Throwable refused = Assertions.catchThrowable(() -> open.vertx.deployVerticle(
          new HttpVerticle(open.config, AgentRegistry.builtIn())).await());
      assertThat(refused).hasMessageContaining("without API keys").hasMessageContaining("SENTINEL_ADMIN_KEY");
    }
    try (TestNode gateway = new TestNode(redis.url(), "", "http: {port: 0, host: 0.0.0.0}\nauth: {allow_unauthenticated: true}\n")) {
      assertThat(gateway.vertx.deployVerticle(new HttpVerticle(gateway.config, AgentRegistry.builtIn())).await()).isNotBlank();
    }
  }
}
