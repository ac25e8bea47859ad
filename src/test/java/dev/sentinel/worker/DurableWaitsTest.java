package dev.sentinel.worker;

import dev.sentinel.store.NewTask;
import dev.sentinel.store.StepRecord;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** wait_input and sleep nodes run by real workers and the watcher, driven through the HTTP API. */
class DurableWaitsTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  @TempDir Path agentsDir;
  StoreFixture f;
  TestNode node;
  Http api;

  /** An approval with a schema and a timeout edge, then a sleep. */
  private static final String APPROVAL = """
      name: approval
      entry: draft
      nodes:
        draft: {kind: transform, output: {text: "draft of {{topic}}"}, next: approve}
        approve:
          kind: wait_input
          timeout_ms: %d
          schema: {type: object, required: [approved], properties: {approved: {type: boolean}}}
          edges: [{when: timeout, to: escalate}, {to: publish}]
        escalate: {kind: transform, output: {escalated: true}}
        publish: {kind: sleep, duration_ms: 200}
      """;

  @BeforeEach void fixture() {
    f = redis.fixture();
  }

  @AfterEach void close() {
    if (node != null) node.close();
    f.close();
  }

  private void start(long approvalTimeoutMs) throws Exception {
    Files.writeString(agentsDir.resolve("approval.yaml"), APPROVAL.formatted(approvalTimeoutMs));
    node = new TestNode(redis.url(), f.keys.prefix(), "http: {port: 0}\nworker: {instances: 1, concurrency: 4}\n"
        + "watcher: {interval_ms: 100}\nagents: {dir: '" + agentsDir + "'}\n");
    api = node.startApi();
    node.startWorkers("n1").startWatcher();
  }

  private String submit(String agent, JsonObject params) {
    return f.submit(new NewTask(UUID.randomUUID().toString(), "acme", agent, "test", params, 3, 0, null, null));
  }

  private String status(String id) {
    return f.meta(id).get("status");
  }

  private void awaitStatus(String id, String status) {
    await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(status(id)));
  }

  @Test void theNoopAgentWaitsForInputHoldingNoWorkerAndPutsItInItsResult() throws Exception {
    start(60_000);
    String id = submit("noop", new JsonObject().put("steps", 3).put("wait_input_at_step", 2));
    awaitStatus(id, "waiting");
    assertThat(node.running()).as("tasks held by the workers while it waits").isZero();
    assertThat(f.cmd(Command.ZCARD, f.keys.leases()).toLong()).isZero();
    JsonObject view = api.get("/tasks/" + id).json();
    assertThat(view.getInteger("step")).as("step-1 committed before the wait").isEqualTo(1);
    assertThat(view.getJsonObject("waiting_for").getString("node")).isEqualTo("wait-input");
    assertThat(view.getJsonObject("waiting_for").getInteger("step")).isEqualTo(2);

    Http.Reply given = api.post("/tasks/" + id + "/input", "{\"data\":{\"answer\":42}}");
    assertThat(given.status()).isEqualTo(200);
    awaitStatus(id, "completed");
    JsonObject result = new JsonObject(f.meta(id).get("result"));
    assertThat(result.getJsonObject("input")).isEqualTo(new JsonObject().put("answer", 42));
    assertThat(f.queries.steps(id).await()).extracting(StepRecord::node)
        .containsExactly("step-1", "wait-input", "step-2", "step-3");
  }

  @Test void anInputIsCheckedAgainstTheNodesSchemaAndTheApprovedBranchSleepsDurably() throws Exception {
    start(60_000);
    String id = submit("approval", new JsonObject().put("topic", "waits"));
    awaitStatus(id, "waiting");
    Http.Reply bad = api.post("/tasks/" + id + "/input", "{\"data\":{\"approved\":\"yes\"}}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("data.approved");
    Http.Reply missing = api.post("/tasks/" + id + "/input", "{\"data\":{}}");
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.body()).contains("data.approved");
    assertThat(status(id)).as("a refused input changes nothing").isEqualTo("waiting");

    assertThat(api.post("/tasks/" + id + "/input", "{\"data\":{\"approved\":true}}").status()).isEqualTo(200);
    awaitStatus(id, "scheduled");   // the sleep node
    assertThat(api.get("/tasks/" + id).json().getJsonObject("waiting_for").getString("kind")).isEqualTo("sleep");
    assertThat(node.running()).isZero();
    awaitStatus(id, "completed");
    Map<String, String> m = f.meta(id);
    JsonObject result = new JsonObject(m.get("result"));
    assertThat(result.getJsonObject("approve")).isEqualTo(new JsonObject().put("approved", true));
    long began = Long.parseLong(m.get("wait_began"));
    assertThat(Instant.parse(result.getJsonObject("publish").getString("slept_until")).toEpochMilli())
        .as("the sleep's end, measured from when it began").isEqualTo(began + 200);
    List<StepRecord> steps = f.queries.steps(id).await();
    assertThat(steps).extracting(StepRecord::node).containsExactly("draft", "approve", "publish");
    assertThat(steps.get(2).committedAt()).isGreaterThanOrEqualTo(began + 200);
  }

  @Test void aWaitThatTimesOutTakesItsTimeoutEdge() throws Exception {
    start(300);
    String id = submit("approval", new JsonObject().put("topic", "waits"));
    awaitStatus(id, "completed");
    JsonObject result = new JsonObject(f.meta(id).get("result"));
    assertThat(result.getJsonObject("approve")).isEqualTo(new JsonObject().put("timed_out", true));
    assertThat(result.getJsonObject("escalate")).isEqualTo(new JsonObject().put("escalated", true));
    assertThat(f.queries.steps(id).await()).extracting(StepRecord::node).containsExactly("draft", "approve", "escalate");
    assertThat(api.post("/tasks/" + id + "/input", "{\"data\":{\"approved\":true}}").status()).isEqualTo(409);
  }

  @Test void theNoopAgentSleepsBeforeTheStepItNames() throws Exception {
    start(60_000);
    String id = submit("noop", new JsonObject().put("steps", 2).put("sleep_ms_at_step", 2).put("sleep_ms", 300));
    awaitStatus(id, "completed");
    List<StepRecord> steps = f.queries.steps(id).await();
    assertThat(steps).extracting(StepRecord::node).containsExactly("step-1", "sleep", "step-2");
    Map<String, String> m = f.meta(id);
    assertThat(Long.parseLong(m.get("wait_until")) - Long.parseLong(m.get("wait_began"))).isEqualTo(300);
    assertThat(steps.get(1).committedAt()).isGreaterThanOrEqualTo(Long.parseLong(m.get("wait_until")));
  }

  @Test void cancellingAWaitingTaskAndRetryingItWaitsAgainAtTheSameStep() throws Exception {
    start(60_000);
    String id = submit("noop", new JsonObject().put("steps", 1).put("wait_input_at_step", 1));
    awaitStatus(id, "waiting");
    String began = f.meta(id).get("wait_began");
    assertThat(api.delete("/tasks/" + id).status()).isEqualTo(200);
    assertThat(status(id)).isEqualTo("cancelled");
    assertThat(api.post("/tasks/" + id + "/input", "{\"data\":{}}").status()).isEqualTo(409);
    assertThat(api.post("/tasks/" + id + "/retry", null).status()).isEqualTo(200);
    awaitStatus(id, "waiting");
    assertThat(f.meta(id)).as("the same wait, not a new one").containsEntry("wait_began", began);
    assertThat(api.post("/tasks/" + id + "/input", "{\"data\":{\"ok\":1}}").status()).isEqualTo(200);
    awaitStatus(id, "completed");
    assertThat(f.queries.steps(id).await()).extracting(StepRecord::node).containsExactly("wait-input", "step-1");
  }
}
