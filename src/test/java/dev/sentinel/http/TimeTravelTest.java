package dev.sentinel.http;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.KeyspaceSnapshot;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Time travel through the HTTP API with real workers: checkpoints of any step, and replays that
 * reproduce the old task's steps exactly, diverge after the fork when the params change, and
 * never touch the old task.
 */
class TimeTravelTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  @TempDir Path agentsDir;
  StoreFixture f;
  TestNode node;
  Http api;

  /**
   * Three transform steps, each writing the param `word` into its output: a changed word shows from
   * the next step on. The empty array and object catch a copy that re-encodes (cjson writes [] as {}).
   */
  private static final String WORDS = """
      name: words
      entry: a
      nodes:
        a: {kind: transform, output: {text: "first {{word}}", tags: [], none: {}}, next: b}
        b: {kind: transform, output: {text: "second {{word}}"}, next: c}
        c: {kind: transform, output: {text: "third {{word}}"}}
      """;

  @BeforeEach void start() throws Exception {
    f = redis.fixture();
    Files.writeString(agentsDir.resolve("words.yaml"), WORDS);
    node = new TestNode(redis.url(), f.keys.prefix(), "http: {port: 0}\nworker: {instances: 1, concurrency: 4}\n"
        + "agents: {dir: '" + agentsDir + "'}\n");
    api = node.startApi();
    node.startWorkers("tt");
  }

  @AfterEach void stop() {
    node.close();   // fails if a response broke openapi.yaml
    f.close();
  }

  private String submitAndComplete(String agent, String params) {
    Http.Reply r = api.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"t\",\"agent_type\":\"" + agent
        + "\",\"task_params\":" + params + "}");
    assertThat(r.status()).isEqualTo(201);
    String id = r.json().getString("task_id");
    awaitCompleted(id);
    return id;
  }

  private void awaitCompleted(String id) {
    await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(api.get("/tasks/" + id).json().getString("status")));
  }

  private Http.Reply replay(String id, String body) {
    return api.post("/tasks/" + id + "/replay", body);
  }

  private JsonObject stateAfter(String id, int step) {
    Http.Reply r = api.get("/tasks/" + id + "/checkpoint?step=" + step);
    assertThat(r.status()).as("checkpoint of step " + step).isEqualTo(200);
    return r.json().getJsonObject("checkpoint").getJsonObject("state");
  }

  private List<JsonObject> allCheckpoints(String id) {
    List<JsonObject> out = new ArrayList<>();
    Integer after = 0;
    while (after != null) {
      JsonObject page = api.get("/tasks/" + id + "/checkpoints?limit=2&after_step=" + after).json();
      page.getJsonArray("checkpoints").forEach(c -> out.add((JsonObject) c));
      after = page.getInteger("next_after_step");
    }
    return out;
  }

  private KeyspaceSnapshot keysOf(String id) {
    return KeyspaceSnapshot.take(f.redis, f.keys.prefix() + "task:" + id + ":*");
  }

  @Test void checkpointsListTheStateAfterEveryStepAndStepZeroIsTheParams() {
    String id = submitAndComplete("words", "{\"word\":\"alpha\"}");
    assertThat(stateAfter(id, 0)).isEqualTo(new JsonObject().put("word", "alpha"));
    List<JsonObject> cps = allCheckpoints(id);
    assertThat(cps).extracting(c -> c.getInteger("step")).containsExactly(1, 2, 3);
    assertThat(cps).extracting(c -> c.getString("node")).containsExactly("a", "b", "c");
    assertThat(cps.get(2).getValue("next_node")).isNull();
    for (JsonObject c : cps) assertThat(c.getJsonObject("state")).isEqualTo(stateAfter(id, c.getInteger("step")));
    assertThat(cps.get(1).getJsonObject("state").getJsonObject("b").getString("text")).isEqualTo("second alpha");

    Http.Reply beyond = api.get("/tasks/" + id + "/checkpoint?step=4");
    assertThat(beyond.status()).isEqualTo(422);
    assertThat(beyond.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("step");
    assertThat(api.get("/tasks/nope/checkpoint?step=1").status()).isEqualTo(404);
  }

  @Test void aReplayFromStepKReproducesStepsOneToKExactlyAndResumesAtStepKPlusOne() {
    String old = submitAndComplete("words", "{\"word\":\"alpha\"}");
    KeyspaceSnapshot before = keysOf(old);

    Http.Reply r = replay(old, "{\"from_step\":2}");
    assertThat(r.status()).isEqualTo(201);
    JsonObject fork = r.json();
    assertThat(fork.getString("task_id")).isNotEqualTo(old);
    assertThat(fork.getString("parent_task_id")).isEqualTo(old);
    assertThat(fork.getInteger("replayed_from_step")).isEqualTo(2);
    assertThat(fork.getInteger("step")).as("steps already done when it is queued").isEqualTo(2);
    assertThat(fork.getString("current_node")).isEqualTo("c");
    String id = fork.getString("task_id");
    awaitCompleted(id);

    for (int k = 0; k <= 3; k++) assertThat(stateAfter(id, k)).as("state after step " + k).isEqualTo(stateAfter(old, k));
    assertThat(stateAfter(id, 1).getJsonObject("a").getValue("tags")).as("an empty array copied as it was")
        .isEqualTo(new JsonArray());
    JsonArray steps = api.get("/tasks/" + id + "/steps").json().getJsonArray("steps");
    assertThat(steps.stream().map(s -> ((JsonObject) s).getString("node")).toList()).containsExactly("a", "b", "c");
    JsonArray oldSteps = api.get("/tasks/" + old + "/steps").json().getJsonArray("steps");
    assertThat(steps.getJsonObject(1)).as("a copied step keeps who committed it").isEqualTo(oldSteps.getJsonObject(1));
    assertThat(steps.getJsonObject(2).getString("committed_at")).as("step 3 ran again, in the new task")
        .isNotEqualTo(oldSteps.getJsonObject(2).getString("committed_at")).isNotNull();
    assertThat(api.get("/tasks/" + id).json().getJsonObject("result"))
        .isEqualTo(api.get("/tasks/" + old).json().getJsonObject("result"));

    assertThat(keysOf(old)).as("the old task's keys").isEqualTo(before);
    assertThat(api.get("/tasks/" + old).json().getValue("parent_task_id")).isNull();
  }

  @Test void aReplayWithChangedParamsKeepsTheOutputsUpToKAndDivergesAfter() {
    String old = submitAndComplete("words", "{\"word\":\"alpha\",\"keep\":1}");
    KeyspaceSnapshot before = keysOf(old);
    Http.Reply r = replay(old, "{\"from_step\":1,\"task_params\":{\"word\":\"beta\"}}");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().getJsonObject("task_params")).as("the old params with the new ones laid over them")
        .isEqualTo(new JsonObject().put("word", "beta").put("keep", 1));
    String id = r.json().getString("task_id");
    awaitCompleted(id);

    JsonObject oldFinal = stateAfter(old, 3);
    JsonObject newFinal = stateAfter(id, 3);
    assertThat(newFinal.getJsonObject("a")).as("step 1, replayed").isEqualTo(oldFinal.getJsonObject("a"));
    assertThat(newFinal.getJsonObject("b").getString("text")).isEqualTo("second beta");
    assertThat(newFinal.getJsonObject("c").getString("text")).isEqualTo("third beta");
    assertThat(oldFinal.getJsonObject("c").getString("text")).isEqualTo("third alpha");
    assertThat(keysOf(old)).as("the old task's keys").isEqualTo(before);
  }

  @Test void aStepTheTaskNeverCommittedOrThatEndedItsRunIsA422NamingFromStep() {
    String old = submitAndComplete("words", "{\"word\":\"alpha\"}");
    long tasks = api.get("/stats").json().getLong("total_tasks");
    for (int k : new int[] {4, 3}) {
      Http.Reply r = replay(old, "{\"from_step\":" + k + "}");
      assertThat(r.status()).as("from_step " + k).isEqualTo(422);
      assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("from_step");
    }
    assertThat(replay("nope", "{\"from_step\":0}").status()).isEqualTo(404);
    assertThat(replay(old, "{\"from_step\":-1}").status()).isEqualTo(422);
    assertThat(replay(old, "{\"from_step\":1,\"status\":\"completed\"}").status()).isEqualTo(422);
    assertThat(api.get("/stats").json().getLong("total_tasks")).as("tasks after the refused replays").isEqualTo(tasks);
  }

  @Test void aReplayFromStepZeroRunsTheWholeGraphWithTheNewParams() {
    String old = submitAndComplete("noop", "{\"steps\":2}");
    Http.Reply r = replay(old, "{\"from_step\":0,\"task_params\":{\"steps\":4}}");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().getInteger("total_steps")).as("counted from the new params").isEqualTo(4);
    String id = r.json().getString("task_id");
    awaitCompleted(id);
    assertThat(api.get("/tasks/" + id + "/steps").json().getJsonArray("steps")).hasSize(4);
    assertThat(stateAfter(id, 0)).isEqualTo(new JsonObject().put("steps", 4));
  }

  @Test void aReplayIsASubmissionForTheTenantsQueueLimitAndItsIdempotencyKey() {
    String old = submitAndComplete("words", "{\"word\":\"alpha\"}");
    node.stopWorkers();   // replays stay queued
    assertThat(api.send("PUT", "/tenants/acme/limits", "{\"max_queued\": 1}", Map.of()).status()).isEqualTo(200);
    Http.Reply first = api.post("/tasks/" + old + "/replay", "{\"from_step\":1}", Map.of("Idempotency-Key", "r-1"));
    assertThat(first.status()).isEqualTo(201);
    Http.Reply again = api.post("/tasks/" + old + "/replay", "{\"from_step\":1}", Map.of("Idempotency-Key", "r-1"));
    assertThat(again.status()).as("the same request again: the first task, even at the limit").isEqualTo(200);
    assertThat(again.json().getString("task_id")).isEqualTo(first.json().getString("task_id"));
    assertThat(replay(old, "{\"from_step\":2}").status()).as("a second queued task over max_queued 1").isEqualTo(429);
    assertThat(api.get("/stats").json().getLong("queued")).isEqualTo(1);
  }

  @Test void aReplayOfAReplayKeepsTheStepsOfBothAndTheirOrigin() {
    String old = submitAndComplete("words", "{\"word\":\"alpha\"}");
    String first = replay(old, "{\"from_step\":1,\"task_params\":{\"word\":\"beta\"}}").json().getString("task_id");
    awaitCompleted(first);
    Http.Reply r = replay(first, "{\"from_step\":2}");
    assertThat(r.status()).isEqualTo(201);
    String second = r.json().getString("task_id");
    awaitCompleted(second);
    for (int k = 0; k <= 3; k++) assertThat(stateAfter(second, k)).as("state after step " + k).isEqualTo(stateAfter(first, k));
    Response history = f.cmd(Command.LRANGE, f.keys.history(second), 0, 1);
    assertThat(history.get(0).toString()).as("step 1 ran in the first task").contains("\"replayed_from\":\"" + old + "\"")
        .containsOnlyOnce("replayed_from").containsOnlyOnce("\"claim\":");
    assertThat(history.get(1).toString()).as("step 2 ran in the replay").contains("\"replayed_from\":\"" + first + "\"")
        .containsOnlyOnce("replayed_from").containsOnlyOnce("\"claim\":");
    JsonArray steps = api.get("/tasks/" + second + "/steps").json().getJsonArray("steps");
    assertThat(steps.getJsonObject(0)).isEqualTo(api.get("/tasks/" + old + "/steps").json().getJsonArray("steps").getJsonObject(0));
  }
}
