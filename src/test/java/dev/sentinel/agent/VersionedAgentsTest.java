package dev.sentinel.agent;

import dev.sentinel.store.NewTask;
import dev.sentinel.store.StepRecord;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import dev.sentinel.worker.WorkerVerticle;
import io.vertx.core.json.JsonArray;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Versioned agents: a task runs the graph version it was submitted with, whatever is deployed
 * when a worker picks it up, through real workers, a real Redis and redeploys (a node stopped,
 * the YAML changed, a new node started on the same Redis).
 */
class VersionedAgentsTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  @TempDir Path agentsDir;
  StoreFixture f;
  final List<TestNode> nodes = new ArrayList<>();

  /** Three slow steps, so a redeploy lands while tasks are in flight; v2 renames the middle node. */
  private static final String FLOW = """
      name: flow
      entry: a
      nodes:
        a: {kind: noop, duration_ms: 300, next: %1$s}
        %1$s: {kind: noop, duration_ms: 300, next: c}
        c: {kind: noop, duration_ms: 10}
      """;

  @BeforeEach void fixture() { f = redis.fixture(); }

  @AfterEach void close() {
    nodes.forEach(TestNode::close);
    f.close();
  }

  private TestNode deploy(String flowMiddleNode, boolean workers) throws Exception {
    Path file = agentsDir.resolve("flow.yaml");
    if (flowMiddleNode == null) Files.deleteIfExists(file);
    else Files.writeString(file, FLOW.formatted(flowMiddleNode));
    TestNode node = new TestNode(redis.url(), f.keys.prefix(), "http: {port: 0}\n"
        + "worker: {instances: 1, concurrency: 8, drain_ms: 50}\nwatcher: {interval_ms: 100}\n"
        + "agents: {dir: '" + agentsDir + "'}\n");
    nodes.add(node);
    if (workers) node.startWorkers("n" + nodes.size()).startWatcher();
    return node;
  }

  private static JsonObject submit(Http api, String agent, int maxAttempts) {
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "t").put("agent_type", agent)
        .put("task_params", new JsonObject()).put("max_attempts", maxAttempts).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private static List<JsonObject> submitFlows(Http api, int n) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(submit(api, "flow", 3));
    return out;
  }

  private static List<String> ids(List<JsonObject> tasks) {
    return tasks.stream().map(t -> t.getString("task_id")).toList();
  }

  /** The one version a batch of submissions was pinned to. */
  private static String version(List<JsonObject> tasks) {
    List<String> versions = tasks.stream().map(t -> t.getString("agent_version")).distinct().toList();
    assertThat(versions).as("one version for one deployment").hasSize(1);
    return versions.get(0);
  }

  private List<String> nodesRun(String id) {
    return f.queries.steps(id).await().stream().map(StepRecord::node).toList();
  }

  private void awaitCompleted(List<String> ids) {
    await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> "completed".equals(f.meta(id).get("status"))));
  }

  @Test void aRedeployWithARenamedNodeLeavesTasksInFlightOnTheirVersionAndGivesNewTasksTheNewOne() throws Exception {
    TestNode before = deploy("b", true);
    Http api1 = before.startApi();
    List<JsonObject> first = submitFlows(api1, 3);
    List<String> old = ids(first);
    String v1 = version(first);
    assertThat(v1).hasSize(16);
    await().atMost(Duration.ofSeconds(20)).until(() -> old.stream().allMatch(id -> Integer.parseInt(f.meta(id).get("step")) >= 1));
    before.close();   // the redeploy: workers hand their tasks back mid-graph
    nodes.remove(before);
    assertThat(old).as("in flight when the node went away").allMatch(id -> !"completed".equals(f.meta(id).get("status")));
    assertThat(old).allMatch(id -> "b".equals(f.meta(id).get("current_node")) || "c".equals(f.meta(id).get("current_node")));

    TestNode after = deploy("b2", true);
    Http api2 = after.startApi();
    List<JsonObject> second = submitFlows(api2, 2);
    List<String> fresh = ids(second);
    String v2 = version(second);
    assertThat(v2).isNotEqualTo(v1);
    awaitCompleted(old);
    awaitCompleted(fresh);
    for (String id : old) {
      assertThat(nodesRun(id)).as("task %s ran its own version", id).containsExactly("a", "b", "c");
      assertThat(f.meta(id)).containsEntry("agent_version", v1).containsEntry("attempts", "0");
    }
    for (String id : fresh) assertThat(nodesRun(id)).containsExactly("a", "b2", "c");
    // a replay of an old task runs what it ran, on the node that deploys the new version
    JsonObject fork = api2.post("/tasks/" + old.get(0) + "/replay", "{\"from_step\":1}").json();
    assertThat(fork.getString("agent_version")).isEqualTo(v1);
    awaitCompleted(List.of(fork.getString("task_id")));
    assertThat(nodesRun(fork.getString("task_id"))).containsExactly("a", "b", "c");

    JsonObject flow = agent(api2.get("/agents").json(), "flow");
    assertThat(flow.getString("deployed_version")).isEqualTo(v2);
    assertThat(flow.getString("graph")).isEqualTo("fixed");
    JsonArray versions = flow.getJsonArray("versions");
    assertThat(versions.stream().map(v -> ((JsonObject) v).getString("version")).toList()).containsExactly(v1, v2);
    assertThat(versions.getJsonObject(0).getBoolean("deployed")).isFalse();
    assertThat(versions.getJsonObject(1).getBoolean("deployed")).isTrue();
    JsonObject kept = api2.get("/agents/flow/versions/" + v1).json();
    assertThat(kept.getJsonObject("graph").getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("name")).toList())
        .containsExactly("a", "b", "c");
    assertThat(api2.get("/agents/flow/versions/0000000000000000").status()).isEqualTo(404);
  }

  @Test void tasksOfAnAgentARedeployRemovedStillFinish() throws Exception {
    TestNode before = deploy("b", false);   // an API node only: the tasks wait in the queue
    String id = submit(before.startApi(), "flow", 3).getString("task_id");
    before.close();
    nodes.remove(before);
    TestNode after = deploy(null, true);   // flow.yaml is gone
    Http api = after.startApi();
    awaitCompleted(List.of(id));
    assertThat(nodesRun(id)).containsExactly("a", "b", "c");
    assertThat(api.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"t\",\"agent_type\":\"flow\"}").status())
        .as("new tasks of a removed agent are refused").isEqualTo(400);
    JsonObject flow = agent(api.get("/agents").json(), "flow");
    assertThat(flow.getBoolean("deployed")).isFalse();
    assertThat(flow.getJsonArray("versions")).hasSize(1);
  }

  @Test void aVersionThatCannotRunHereFailsWithItsReasonInsteadOfHanging() throws Exception {
    TestNode before = deploy("b", false);
    Http api = before.startApi();
    String lost = submit(api, "flow", 1).getString("task_id");
    f.cmd(Command.DEL, f.keys.agentDefinition("flow", f.meta(lost).get("agent_version")));   // Redis lost it
    // a graph with a kind the redeployed worker lacks: kept by a node that has the kind
    AgentRegistry withHttp = before.agents();
    AgentGraph usesHttp = new AgentLoader(withHttp.kinds(), AgentLoaderTest.PRICES).parse("""
        name: fetcher
        nodes:
          get: {kind: http, url: "https://example.invalid/", next: done}
          done: {kind: noop}
        """, "fetcher.yaml").graph();
    String version = new PinnedGraphs(withHttp, f.store.agentDefinitions()).pin("fetcher", usesHttp).toCompletionStage()
        .toCompletableFuture().get();
    String noKind = f.submit(new NewTask(UUID.randomUUID().toString(), "acme", "fetcher", "t", new JsonObject(), 1, 0, null,
        null).withAgentVersion(version));
    before.close();
    nodes.remove(before);

    TestNode after = deploy("b2", false);
    after.startWatcher();
    // a worker whose node kinds are the built-in ones only: no http
    after.vertx.deployVerticle(new WorkerVerticle(after.config, AgentRegistry.builtIn(), "lean-w1")).await();
    await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(f.meta(lost).get("status"))
        && "failed".equals(f.meta(noKind).get("status")));
    assertThat(f.meta(lost).get("error")).contains("agent 'flow' version").contains("is not kept in Redis")
        .contains("this node has no agent of that name");
    assertThat(f.meta(noKind).get("error")).contains("agent 'fetcher' version " + version)
        .contains("node 'get' is of kind 'http', which this node does not have");
  }

  private static JsonObject agent(JsonObject list, String name) {
    return list.getJsonArray("agents").stream().map(JsonObject.class::cast).filter(a -> name.equals(a.getString("name")))
        .findFirst().orElseThrow(() -> new AssertionError("GET /agents has no " + name + ": " + list.encode()));
  }
}
