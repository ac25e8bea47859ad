package dev.sentinel.agent;

import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which graph a task runs, on a real Redis that keeps the versions. */
class PinnedGraphsTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;

  @BeforeEach void fixture() { f = redis.fixture(); }

  @AfterEach void close() { f.close(); }

  /** A Java agent redeployed with stricter parameters: it builds no graph for the old task's params. */
  private static final class StricterNoop implements Agent {
    @Override public String name() { return "noop"; }
    @Override public void validate(JsonObject params) { }
    @Override public AgentGraph graph(JsonObject params) {
      throw new InvalidTaskParamsException("task_params.steps", "task_params.steps is no longer taken");
    }
  }

  @Test void aPinnedTaskRunsItsKeptGraphWhenThisNodesAgentNoLongerTakesItsParams() {
    JsonObject params = new JsonObject().put("steps", 2);
    AgentRegistry before = AgentRegistry.builtIn();
    AgentGraph submitted = before.find("noop").orElseThrow().graph(params);
    String version = new PinnedGraphs(before, f.store.agentDefinitions()).pin("noop", submitted).await();

    PinnedGraphs after = new PinnedGraphs(new AgentRegistry(NodeKinds.builtIn()).register(new StricterNoop()),
        f.store.agentDefinitions());
    AgentGraph run = after.graphFor("noop", params, version).await();
    assertThat(run.version()).isEqualTo(version);
    assertThat(run.nodes()).containsOnlyKeys("step-1", "step-2");
    // a task that was not pinned has nothing else to run: the reason is given
    assertThatThrownBy(() -> after.graphFor("noop", params, null).await())
        .hasMessageContaining("cannot build a graph for these task_params");
  }
}
