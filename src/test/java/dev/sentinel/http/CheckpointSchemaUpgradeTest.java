package dev.sentinel.http;

import dev.sentinel.store.ClaimedTask;
import dev.sentinel.store.Replies.CommitReply;
import dev.sentinel.store.Replies.HandOffReply;
import dev.sentinel.store.StepCommit;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling upgrade across the step record schema: a task whose first steps were committed by the
 * previous build (schema version 1, records without {@code v}) is resumed by this one, read by the
 * checkpoint API and replayed, and each step is committed once.
 */
class CheckpointSchemaUpgradeTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  @TempDir Path agentsDir;
  StoreFixture f;
  TestNode node;
  Http api;

  private static final String LEGACY = """
      name: legacy
      entry: a
      nodes:
        a: {kind: transform, output: {text: "first {{word}}", tags: [], none: {}}, next: b}
        b: {kind: transform, output_key: second, output: {text: "second {{word}}"}, next: c}
        c: {kind: transform, output: {text: "third {{word}}"}, next: d}
        d: {kind: transform, output: {text: "fourth {{word}}"}}
      """;

  /**
   * Steps 1 and 2 of this agent's task with word alpha, as the build before schema versions wrote
   * them: copied from LRANGE task:{id}:history after a run of that build (commit 6dcac8a).
   */
  private static final List<String> PREVIOUS_BUILD_STEPS = List.of(
      "{\"type\":\"step\",\"at\":1796694718238,\"step\":1,\"node\":\"a\",\"next\":\"b\",\"epoch\":1,\"key\":\"a\","
          + "\"output\":{\"text\":\"first alpha\",\"tags\":[],\"none\":{}}}",
      "{\"type\":\"step\",\"at\":1796694718246,\"step\":2,\"node\":\"b\",\"next\":\"c\",\"epoch\":1,\"key\":\"second\","
          + "\"output\":{\"text\":\"second alpha\"}}");
  /** commit_steps.lua writes this head; the worker sends the rest (the tail). */
  private static final Pattern HEAD = Pattern.compile("^\\{\"type\":\"step\",\"at\":\\d+,");

  private static final JsonObject STATE_AFTER_2 = new JsonObject("{\"word\":\"alpha\","
      + "\"a\":{\"text\":\"first alpha\",\"tags\":[],\"none\":{}},\"second\":{\"text\":\"second alpha\"}}");
  private static final JsonObject RESULT = STATE_AFTER_2.copy()
      .put("c", new JsonObject().put("text", "third alpha")).put("d", new JsonObject().put("text", "fourth alpha"));

  @BeforeEach void start() throws Exception {
    f = redis.fixture();
    Files.writeString(agentsDir.resolve("legacy.yaml"), LEGACY);
    node = new TestNode(redis.url(), f.keys.prefix(), "http: {port: 0}\nworker: {instances: 1, concurrency: 4}\n"
        + "agents: {dir: '" + agentsDir + "'}\n");
    api = node.startApi();
  }

  @AfterEach void stop() {
    node.close();   // fails if a response broke openapi.yaml
    f.close();
  }

  @Test void aTaskHalfRunByThePreviousBuildIsReadResumedAndReplayedByThisOne() {
    String id = api.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"t\",\"agent_type\":\"legacy\","
        + "\"task_params\":{\"word\":\"alpha\"}}").json().getString("task_id");
    // the previous build's worker claims the task and commits steps 1 and 2 through the same script
    ClaimedTask old = f.claimOne("old-w1", 60_000);
    assertThat(old.lease().epoch()).as("the epoch the literal records name").isEqualTo(1);
    for (int k = 1; k <= 2; k++) {
      String record = PREVIOUS_BUILD_STEPS.get(k - 1);
      Matcher head = HEAD.matcher(record);
      assertThat(head.find()).isTrue();
      String next = new JsonObject(record).getString("next");
      assertThat(f.leases.commitStep(new StepCommit(id, old.lease(), k, next, record.substring(head.end()), null),
          "old-w1", 60_000).await().reply()).isEqualTo(CommitReply.OK);
    }
    assertThat(stepRecords(id)).as("the history holds the previous build's records")
        .containsExactlyElementsOf(PREVIOUS_BUILD_STEPS.stream().map(CheckpointSchemaUpgradeTest::withoutTime).toList());

    // the API reads them: the checkpoint in the current schema, each step, its worker
    JsonObject cp = api.get("/tasks/" + id + "/checkpoint").json().getJsonObject("checkpoint");
    assertThat(cp).isEqualTo(new JsonObject().put("schema_version", 2).put("step", 2).put("node", "b")
        .put("next_node", "c").put("state", STATE_AFTER_2));
    assertThat(api.get("/tasks/" + id + "/checkpoint?step=1").json().getJsonObject("checkpoint").getJsonObject("state"))
        .isEqualTo(new JsonObject().put("word", "alpha").put("a", STATE_AFTER_2.getJsonObject("a")));
    JsonArray cps = api.get("/tasks/" + id + "/checkpoints").json().getJsonArray("checkpoints");
    assertThat(cps).hasSize(2);
    assertThat(cps.getJsonObject(1).getJsonObject("state")).isEqualTo(STATE_AFTER_2);
    JsonArray steps = api.get("/tasks/" + id + "/steps").json().getJsonArray("steps");
    assertThat(steps).hasSize(2);
    assertThat(steps.getJsonObject(0).getString("worker_id")).isEqualTo("old-w1");
    assertThat(steps.getJsonObject(0).containsKey("duration_ms")).isTrue();
    assertThat(steps.getJsonObject(0).getValue("duration_ms")).as("version 1 records do not know it").isNull();

    // the old build shuts down (a rolling upgrade) and hands the task back; this build resumes it
    assertThat(f.leases.release(id, old.lease(), "old-w1").await()).isEqualTo(HandOffReply.OK);
    node.startWorkers("new");
    awaitCompleted(id);
    JsonObject done = api.get("/tasks/" + id).json();
    assertThat(done.getJsonObject("result")).isEqualTo(RESULT);
    assertThat(stepRecords(id)).as("each step committed once").hasSize(4);
    steps = api.get("/tasks/" + id + "/steps").json().getJsonArray("steps");
    assertThat(steps.stream().map(s -> ((JsonObject) s).getInteger("step")).toList()).containsExactly(1, 2, 3, 4);
    assertThat(steps.stream().map(s -> ((JsonObject) s).getString("worker_id")).toList())
        .containsExactly("old-w1", "old-w1", "new-w1", "new-w1");
    assertThat(steps.getJsonObject(2).getLong("duration_ms")).as("this build times its nodes").isNotNull();
    assertThat(stepRecords(id).get(2)).as("this build writes the version").startsWith("{\"type\":\"step\",\"at\":0,\"v\":2,");

    // a replay of the mixed history copies records of both versions and rebuilds the same run
    Http.Reply r = api.post("/tasks/" + id + "/replay", "{\"from_step\":3}");
    assertThat(r.status()).isEqualTo(201);
    String fork = r.json().getString("task_id");
    awaitCompleted(fork);
    assertThat(api.get("/tasks/" + fork).json().getJsonObject("result")).isEqualTo(RESULT);
    List<String> copies = stepRecords(fork);
    assertThat(copies).hasSize(4);
    for (int k = 0; k < 3; k++) {
      assertThat(copies.get(k)).as("copy of step " + (k + 1)).contains("\"replayed_from\":\"" + id + "\"")
          .containsOnlyOnce("\"claim\":");
    }
    assertThat(api.get("/tasks/" + fork + "/checkpoint?step=2").json().getJsonObject("checkpoint").getJsonObject("state"))
        .isEqualTo(STATE_AFTER_2);
  }

  private void awaitCompleted(String id) {
    await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(api.get("/tasks/" + id).json().getString("status")));
  }

  /** The task's step records as stored, with the commit time zeroed (it is Redis's clock at the commit). */
  private List<String> stepRecords(String id) {
    List<String> out = new ArrayList<>();
    for (Response r : f.cmd(Command.LRANGE, f.keys.history(id), 0, -1)) {
      if (r.toString().startsWith("{\"type\":\"step\"")) out.add(withoutTime(r.toString()));
    }
    return out;
  }

  private static String withoutTime(String record) {
    return record.replaceFirst("^(\\{\"type\":\"step\",\"at\":)\\d+", "$10");
  }
}
