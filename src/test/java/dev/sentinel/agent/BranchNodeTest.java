package dev.sentinel.agent;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code branch} node run by a real worker: an agent from agents.dir whose branch picks one of
 * three nodes from the state, submitted through the HTTP API with inputs that take each way.
 * The committed steps name the nodes that ran; the result and the checkpoint show that only
 * the chosen node's output exists.
 */
class BranchNodeTest {

  /**
   * Refunds: large ones go to a manager, small ones of gold customers to a fast desk, the rest
   * are approved by rules; every way ends at notify. The conditions are tried in order, so a
   * large refund of a gold customer goes to the manager.
   */
  static final String REFUND_ROUTER = """
      name: refund-router
      params: {required: [refund.amount]}
      entry: intake
      nodes:
        intake:
          kind: transform
          output: {amount: "{{refund.amount}}", tier: "{{refund.tier}}"}
          next: route
        route:
          kind: branch
          edges:
            - when: {path: intake.amount, op: gt, value: 500}
              to: manager_review
            - when: {path: intake.tier, op: equals, value: gold}
              to: fast_track
            - to: auto_approve
        manager_review: {kind: transform, output: {decision: review, by: manager}, next: notify}
        fast_track: {kind: transform, output: {decision: approved, by: gold-desk}, next: notify}
        auto_approve: {kind: transform, output: {decision: approved, by: rules}, next: notify}
        notify: {kind: noop}
      result:
        decision: "{{manager_review.decision|fast_track.decision|auto_approve.decision}}"
        by: "{{manager_review.by|fast_track.by|auto_approve.by}}"
        amount: "{{intake.amount}}"
      """;

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;
  TestNode node;
  Http api;

  @BeforeEach void start(@TempDir Path agents) throws IOException {
    f = redis.fixture();
    Files.writeString(agents.resolve("refund-router.yaml"), REFUND_ROUTER);
    node = new TestNode(redis.url(), f.keys.prefix(), "agents: {dir: \"" + agents + "\"}\n"
        + "worker: {instances: 1, concurrency: 4}\nwatcher: {interval_ms: 50}\nhttp: {port: 0}\n");
    api = node.startApi();
    node.startWorkers("n1").startWatcher();
  }

  @AfterEach void close() {
    try {
      node.close();   // also fails the test if a response broke openapi.yaml
    } finally {
      f.close();
    }
  }

  /** One run: the nodes its committed steps name, in step order, and the finished task. */
  record Run(List<String> nodes, JsonObject task, JsonObject state) {}

  private Run run(JsonObject refund) {
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "refund")
        .put("agent_type", "refund-router").put("task_params", new JsonObject().put("refund", refund)).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getValue("total_steps")).as("a branch makes the length depend on the state").isNull();
    String id = r.json().getString("task_id");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(25))
        .until(() -> List.of("completed", "failed", "cancelled").contains(api.get("/tasks/" + id).json().getString("status")));
    JsonObject task = api.get("/tasks/" + id).json();
    assertThat(task.getString("status")).as(task.encodePrettily()).isEqualTo("completed");
    List<JsonObject> steps = api.get("/tasks/" + id + "/steps").json().getJsonArray("steps").stream()
        .map(s -> (JsonObject) s).toList();
    assertThat(steps).extracting(s -> s.getInteger("step")).containsExactly(1, 2, 3, 4);
    JsonObject state = api.get("/tasks/" + id + "/checkpoint").json().getJsonObject("checkpoint").getJsonObject("state");
    return new Run(steps.stream().map(s -> s.getString("node")).toList(), task, state);
  }

  @Test void aLargeRefundGoesToTheManagerEvenForAGoldCustomer() {
    Run run = run(new JsonObject().put("amount", 900).put("tier", "gold"));
    assertThat(run.nodes()).containsExactly("intake", "route", "manager_review", "notify");
    assertThat(run.task().getJsonObject("result"))
        .isEqualTo(new JsonObject().put("decision", "review").put("by", "manager").put("amount", 900));
    assertThat(run.state().fieldNames()).contains("manager_review").doesNotContain("fast_track", "auto_approve");
    assertThat(run.state().getJsonObject("route")).as("the branch node records nothing").isEqualTo(new JsonObject());
  }

  @Test void aSmallRefundOfAGoldCustomerTakesTheSecondCondition() {
    Run run = run(new JsonObject().put("amount", 40).put("tier", "gold"));
    assertThat(run.nodes()).containsExactly("intake", "route", "fast_track", "notify");
    assertThat(run.task().getJsonObject("result"))
        .isEqualTo(new JsonObject().put("decision", "approved").put("by", "gold-desk").put("amount", 40));
    assertThat(run.state().fieldNames()).contains("fast_track").doesNotContain("manager_review", "auto_approve");
  }

  @Test void whenNoConditionHoldsTheDefaultEdgeIsTaken() {
    Run run = run(new JsonObject().put("amount", 40));
    assertThat(run.nodes()).containsExactly("intake", "route", "auto_approve", "notify");
    assertThat(run.task().getJsonObject("result"))
        .isEqualTo(new JsonObject().put("decision", "approved").put("by", "rules").put("amount", 40));
    assertThat(run.state().fieldNames()).contains("auto_approve").doesNotContain("manager_review", "fast_track");
  }
}
