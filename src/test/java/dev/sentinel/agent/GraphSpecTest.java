package dev.sentinel.agent;

import dev.sentinel.agent.AgentLoaderTest.Dummy;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A graph written as data and read back is the same graph, and its version is its content. */
class GraphSpecTest {

  private static final NodeKinds KINDS = NodeKinds.builtIn().register(new Dummy("llm")).register(new Dummy("http"));

  /** Every feature a spec must carry: conditions, a timeout edge, retries, timeouts, a result template. */
  private static final String FLOW = """
      name: flow
      entry: draft
      nodes:
        draft: {kind: transform, output: {text: "draft of {{topic}}"}, timeout_ms: 5000, retry: {max_attempts: 3, backoff_ms: 250}, next: check}
        check:
          kind: branch
          edges: [{when: {path: draft.text, op: contains, value: urgent}, to: approve}, {to: publish}]
        approve:
          kind: wait_input
          timeout_ms: 60000
          schema: {type: object, required: [ok]}
          edges: [{when: timeout, to: publish}, {to: publish}]
        publish: {kind: sleep, duration_ms: 10, output_key: published}
      result: {text: "{{draft.text}}", approved: "{{approve.ok}}"}
      """;

  private static AgentGraph parse(String yaml) {
    return new AgentLoader(KINDS, AgentLoaderTest.PRICES).parse(yaml, "flow.yaml").graph();
  }

  @Test void aGraphReadBackFromItsSpecIsTheSameGraph() {
    AgentGraph g = parse(FLOW);
    JsonObject spec = GraphSpec.write(g);
    AgentGraph back = GraphSpec.read(new JsonObject(spec.encode()), KINDS);
    assertThat(GraphSpec.write(back)).isEqualTo(spec);
    assertThat(back.version()).isEqualTo(g.version()).hasSize(16).matches("[0-9a-f]+");
    assertThat(back.entry()).isEqualTo("draft");
    assertThat(back.node("draft").maxAttempts()).isEqualTo(3);
    assertThat(back.node("draft").retryBackoffMs()).isEqualTo(250);
    assertThat(back.node("draft").timeoutMs()).isEqualTo(5000);
    assertThat(back.node("publish").outputKey()).isEqualTo("published");
    // the same walk: a condition, the default edge, the timeout edge, the result template
    JsonObject urgent = new JsonObject().put("draft", new JsonObject().put("text", "urgent draft"));
    assertThat(back.next("check", urgent, null)).isEqualTo("approve");
    assertThat(back.next("check", new JsonObject().put("draft", new JsonObject().put("text", "calm")), null)).isEqualTo("publish");
    assertThat(back.next("approve", urgent, new JsonObject().put(WaitInputNodeKind.TIMED_OUT, true))).isEqualTo("publish");
    JsonObject state = urgent.copy().put("approve", new JsonObject().put("ok", true));
    assertThat(back.result(state)).isEqualTo(g.result(state));
  }

  @Test void aJavaBuiltGraphRoundTripsToo() {
    NoopAgent noop = new NoopAgent();
    AgentGraph g = noop.graph(new JsonObject().put("steps", 3).put("wait_input_at_step", 2).put("step_ms", 5));
    AgentGraph back = GraphSpec.read(GraphSpec.write(g), KINDS);
    assertThat(back.version()).isEqualTo(g.version());
    assertThat(back.node("step-1").outputKey()).as("noop steps merge into the top level").isNull();
    assertThat(back.linearLength()).hasValue(4);
    assertThat(noop.graph(new JsonObject().put("steps", 4)).version()).as("another shape, another version")
        .isNotEqualTo(noop.graph(new JsonObject().put("steps", 3)).version());
  }

  @Test void theVersionIsTheContentNotTheTextItWasWrittenIn() {
    String version = parse(FLOW).version();
    String reordered = FLOW.replace("{kind: sleep, duration_ms: 10, output_key: published}",
        "{output_key: published, duration_ms: 10, kind: sleep}");
    assertThat(parse(reordered).version()).as("keys in another order").isEqualTo(version);
    assertThat(parse("# a comment\n" + FLOW).version()).as("a comment").isEqualTo(version);
    assertThat(parse(FLOW.replace("duration_ms: 10", "duration_ms: 11")).version()).as("a setting").isNotEqualTo(version);
    assertThat(parse(FLOW.replace("publish", "release")).version()).as("a renamed node").isNotEqualTo(version);
    assertThat(parse(FLOW.replace("to: approve}, {to: publish}]", "to: publish}, {to: approve}]")).version())
        .as("rewired edges").isNotEqualTo(version);
    assertThat(parse(FLOW.replace("approved: \"{{approve.ok}}\"", "ok: \"{{approve.ok}}\"")).version())
        .as("the result template").isNotEqualTo(version);
  }

  @Test void aGraphWhoseKindThisNodeLacksIsRefusedNamingTheNodeAndTheKind() {
    JsonObject spec = GraphSpec.write(parse(FLOW.replace("kind: sleep", "kind: http")));
    assertThatThrownBy(() -> GraphSpec.read(spec, NodeKinds.builtIn()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node 'publish'").hasMessageContaining("kind 'http'").hasMessageContaining("does not have");
  }
}
