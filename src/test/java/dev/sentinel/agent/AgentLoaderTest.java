package dev.sentinel.agent;

import dev.sentinel.cost.PriceTable;
import dev.sentinel.store.Lease;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Agent definitions are checked when loaded: a broken one is refused with a message naming what is wrong. */
class AgentLoaderTest {

  /** Stands in for a kind that needs a client (llm, http): the loader only needs the name. */
  record Dummy(String name) implements NodeHandler {
    @Override public Future<JsonObject> run(NodeContext ctx) { return Future.succeededFuture(new JsonObject()); }
  }

  /** A kind that takes several steps (as the agent loop does): it runs again while {@code <key>.done} is false. */
  record Looping(String name) implements NodeHandler {
    @Override public Future<JsonObject> run(NodeContext ctx) { return Future.succeededFuture(new JsonObject()); }

    @Override public Condition repeatsWhile(String outputKey) { return new Condition(outputKey + ".done", "equals", false); }
  }

  static final PriceTable PRICES = PriceTable.load("");

  private static AgentLoader loader() {
    return new AgentLoader(NodeKinds.builtIn().register(new Dummy("llm")).register(new Dummy("http")).register(new Looping("agent")), PRICES);
  }

  private static YamlAgent parse(String yaml) {
    return loader().parse(yaml, "test.yaml");
  }

  private static void refused(String yaml, String... messageParts) {
    var thrown = assertThatThrownBy(() -> parse(yaml)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test.yaml");
    for (String part : messageParts) thrown.hasMessageContaining(part);
  }

  // ---- the shipped agents ----

  @Test void aKindThatTakesSeveralStepsRunsItsNodeAgainUntilItIsDoneThenTakesItsOwnEdges() {
    YamlAgent a = parse("""
        name: looping
        nodes:
          think: {kind: agent, model: gpt-4o-mini, next: after}
          after: {kind: noop}
        """);
    AgentGraph g = a.graph(new JsonObject());
    assertThat(g.next("think", new JsonObject().put("think", new JsonObject().put("done", false)))).isEqualTo("think");
    assertThat(g.next("think", new JsonObject().put("think", new JsonObject().put("done", true)))).isEqualTo("after");
    YamlAgent tool = loader().loadBuiltIn().get(AgentLoader.BUILT_IN.indexOf("tool-agent"));
    assertThat(tool.graph(new JsonObject()).node("agent").kind()).isEqualTo("agent");
    assertThat(tool.requiredParams()).containsExactly("question");
  }

  @Test void theBuiltInAgentsLoad() {
    List<YamlAgent> agents = loader().loadBuiltIn();
    assertThat(agents).extracting(YamlAgent::name).containsExactlyElementsOf(AgentLoader.BUILT_IN)
        .contains("prompt-based", "ticket-triage");

    YamlAgent prompt = agents.get(AgentLoader.BUILT_IN.indexOf("prompt-based"));
    AgentGraph g = prompt.graph(new JsonObject());
    assertThat(g.entry()).isEqualTo("search");
    assertThat(g.nodes()).containsOnlyKeys("search", "analyze", "summarize");
    assertThat(g.node("search").kind()).isEqualTo("llm");
    assertThat(g.node("search").maxAttempts()).isEqualTo(2);
    assertThat(g.node("search").retryBackoffMs()).isEqualTo(1000);
    assertThat(g.node("search").timeoutMs()).isEqualTo(60000);
    assertThat(g.node("search").outputKey()).isEqualTo("search");
    assertThat(g.next("search", new JsonObject())).isEqualTo("analyze");
    assertThat(g.next("analyze", new JsonObject())).isEqualTo("summarize");
    assertThat(g.next("summarize", new JsonObject())).isNull();

    YamlAgent triage = agents.get(AgentLoader.BUILT_IN.indexOf("ticket-triage"));
    assertThat(triage.requiredParams()).containsExactly("ticket", "webhook_url");
    assertThatThrownBy(() -> triage.validate(new JsonObject())).isInstanceOf(InvalidTaskParamsException.class)
        .hasMessageContaining("task_params.ticket");
    assertThatThrownBy(() -> triage.validate(new JsonObject().put("ticket", "help"))).isInstanceOf(InvalidTaskParamsException.class)
        .hasMessageContaining("task_params.webhook_url");
    triage.validate(new JsonObject().put("ticket", "help").put("webhook_url", "https://hooks.example.com/page"));
    AgentGraph t = triage.graph(new JsonObject());
    assertThat(t.next("route", new JsonObject().put("classify", new JsonObject().put("text", "URGENT")))).isEqualTo("page");
    assertThat(t.next("route", new JsonObject().put("classify", new JsonObject().put("text", "normal")))).isEqualTo("draft");
    assertThat(t.next("page", new JsonObject())).isEqualTo("draft");
  }

  @Test void theBuiltInAgentsNeedTheKindsTheyUse() {
    AgentLoader withoutHttp = new AgentLoader(NodeKinds.builtIn().register(new Dummy("llm")), PRICES);
    assertThatThrownBy(withoutHttp::loadBuiltIn).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ticket-triage").hasMessageContaining("unknown node kind 'http'");
  }

  // ---- a valid definition ----

  @Test void aValidDefinitionBuildsItsGraph() {
    YamlAgent a = parse("""
        name: my-agent
        description: test agent
        entry: first
        params: {required: [query, opts.level]}
        nodes:
          first: {kind: noop, next: second, timeout_ms: 500, retry: {max_attempts: 4, backoff_ms: 20}}
          second:
            kind: branch
            edges:
              - {when: {path: query, op: contains, value: "yes"}, to: third}
              - {to: fourth}
          third: {kind: transform, output: {a: "{{query}}"}, output_key_unused: 1}
          fourth: {kind: llm, model: gpt-4o-mini, prompt: "{{query}}", output_key: answer}
        result: {answer: "{{answer.text}}"}
        """);
    assertThat(a.name()).isEqualTo("my-agent");
    assertThat(a.description()).isEqualTo("test agent");
    assertThat(a.requiredParams()).containsExactly("query", "opts.level");
    assertThatThrownBy(() -> a.validate(new JsonObject().put("query", "q"))).hasMessageContaining("task_params.opts.level");
    a.validate(new JsonObject().put("query", "q").put("opts", new JsonObject().put("level", 1)));
    AgentGraph g = a.graph(new JsonObject());
    assertThat(g.entry()).isEqualTo("first");
    assertThat(g.node("first").timeoutMs()).isEqualTo(500);
    assertThat(g.node("first").maxAttempts()).isEqualTo(4);
    assertThat(g.node("first").retryBackoffMs()).isEqualTo(20);
    assertThat(g.node("second").maxAttempts()).isEqualTo(1);
    assertThat(g.node("fourth").outputKey()).isEqualTo("answer");
    assertThat(g.next("second", new JsonObject().put("query", "say YES"))).isEqualTo("third");
    assertThat(g.next("second", new JsonObject().put("query", "no"))).isEqualTo("fourth");
    assertThat(g.result(new JsonObject().put("answer", new JsonObject().put("text", "42"))))
        .isEqualTo(new JsonObject().put("answer", "42"));
  }

  @Test void theEntryDefaultsToTheFirstNode() {
    YamlAgent a = parse("name: a\nnodes:\n  one: {kind: noop, next: two}\n  two: {kind: noop}\n");
    assertThat(a.graph(new JsonObject()).entry()).isEqualTo("one");
  }

  @Test void aTransformNodesOutputTemplateCanBeReadByLaterNodes() {
    // TransformNodeHandler documents its template as `output: {key: "{{path}}"}`, and the loader
    // also reads `output` as the state key the node's output is merged under
    YamlAgent a = parse("""
        name: reshape
        entry: done
        nodes:
          done: {kind: transform, output: {answer: "{{q}}"}}
        result: {final: "{{done.answer|answer}}"}
        """);
    AgentGraph g = a.graph(new JsonObject());
    GraphNode done = g.node("done");
    JsonObject state = new JsonObject().put("q", "42");
    JsonObject out = new TransformNodeHandler().run(new NodeContext(null, "t-1", "acme", "w", 1, done, state,
        new Lease(1, "c"), new Cancellation(), null)).result();
    assertThat(out).isEqualTo(new JsonObject().put("answer", "42"));
    JsonObject after = AgentGraph.merge(state, done, out);
    assertThat(Template.lookup(after, "done.answer|answer")).as("state after the transform: " + after.encode()).isEqualTo("42");
    assertThat(g.result(after)).isEqualTo(new JsonObject().put("final", "42"));
  }

  // ---- refused definitions ----

  @Test void anUnknownNodeKindIsRefused() {
    refused("name: a\nnodes:\n  one: {kind: telepathy}\n", "node 'one'", "unknown node kind 'telepathy'", "noop");
  }

  @Test void anEdgeToAMissingNodeIsRefused() {
    refused("name: a\nnodes:\n  one: {kind: noop, next: nowhere}\n", "node 'one'", "missing node 'nowhere'");
    refused("name: a\nnodes:\n  one: {kind: branch, edges: [{when: {path: x, op: exists}, to: ghost}]}\n", "missing node 'ghost'");
  }

  @Test void aMissingEntryNodeIsRefused() {
    refused("name: a\nentry: start\nnodes:\n  one: {kind: noop}\n", "entry node 'start'");
  }

  @Test void anUnreachableNodeIsRefused() {
    refused("name: a\nentry: one\nnodes:\n  one: {kind: noop, next: two}\n  two: {kind: noop}\n  island: {kind: noop}\n",
        "node 'island'", "unreachable");
  }

  @Test void aCycleWithoutAnExitIsRefused() {
    refused("name: a\nentry: a\nnodes:\n  a: {kind: noop, next: b}\n  b: {kind: noop, next: a}\n", "cycle without an exit");
    // unconditional edges only, through a branch too
    refused("""
        name: a
        entry: start
        nodes:
          start: {kind: noop, next: a}
          a: {kind: noop, next: b}
          b: {kind: branch, edges: [{to: a}]}
        """, "cycle without an exit");
  }

  @Test void aCycleWithAConditionalExitIsAccepted() {
    YamlAgent agent = parse("""
        name: loop
        entry: a
        nodes:
          a: {kind: noop, next: b}
          b:
            kind: branch
            edges:
              - {when: {path: done, op: equals, value: true}, to: c}
              - {to: a}
          c: {kind: noop}
        """);
    AgentGraph g = agent.graph(new JsonObject());
    assertThat(g.next("b", new JsonObject())).isEqualTo("a");
    assertThat(g.next("b", new JsonObject().put("done", true))).isEqualTo("c");
    // a loop whose only way out is that no condition holds is a valid exit too
    YamlAgent open = parse("""
        name: loop2
        entry: a
        nodes:
          a: {kind: noop, next: b}
          b: {kind: branch, edges: [{when: {path: again, op: exists}, to: a}]}
        """);
    assertThat(open.graph(new JsonObject()).next("b", new JsonObject())).isNull();
  }

  @Test void anLlmNodeWithoutAModelIsRefused() {
    refused("name: a\nnodes:\n  ask: {kind: llm, prompt: hi}\n", "node 'ask'", "needs a model");
  }

  @Test void anLlmNodeWithAnUnpricedModelIsRefused() {
    refused("name: a\nnodes:\n  ask: {kind: llm, model: gpt-9-ultra, prompt: hi}\n", "node 'ask'", "gpt-9-ultra", "no price",
        PRICES.version());
  }

  @Test void anLlmNodesStreamMustBeABoolean() {
    refused("name: chat\nnodes:\n  ask: {kind: llm, model: gpt-4o-mini, prompt: hi, stream: \"yes\"}\n",
        "agent 'chat'", "node 'ask'", "`stream` must be true or false", "\"yes\"");
    refused("name: chat\nnodes:\n  ask: {kind: llm, model: gpt-4o-mini, prompt: hi, stream: 1}\n", "node 'ask'", "`stream`");
    assertThat(parse("name: chat\nnodes:\n  ask: {kind: llm, model: gpt-4o-mini, prompt: hi, stream: true}\n").graph(
        new JsonObject()).node("ask").config().getBoolean("stream")).isTrue();
  }

  @Test void twoUnconditionalEdgesAreRefused() {
    refused("name: a\nnodes:\n  one: {kind: noop, next: two, edges: [{to: three}]}\n  two: {kind: noop}\n  three: {kind: noop}\n",
        "node 'one'", "two unconditional edges");
    refused("name: a\nnodes:\n  one: {kind: branch, edges: [{to: two}, {to: three}]}\n  two: {kind: noop}\n  three: {kind: noop}\n",
        "two unconditional edges");
  }

  @Test void anUnknownConditionOperatorIsRefused() {
    refused("name: a\nnodes:\n  one: {kind: branch, edges: [{when: {path: x, op: matches, value: y}, to: two}]}\n  two: {kind: noop}\n",
        "unknown condition operator 'matches'");
  }

  @Test void malformedDefinitionsAreRefusedWithTheirReason() {
    refused("", "not a YAML map");
    refused("- a\n- b\n", "not a YAML map");
    refused("nodes:\n  one: {kind: noop}\n", "'name' is required");
    refused("name: 'bad name!'\nnodes:\n  one: {kind: noop}\n", "name must be an identifier");
    refused("name: a\n", "has no nodes");
    refused("name: a\nnodes: {}\n", "has no nodes");
    refused("name: a\nnodes:\n  one: {next: two}\n  two: {kind: noop}\n", "'kind' is required");
    refused("name: a\nnodes:\n  one: {kind: branch, edges: [{when: {path: x}}]}\n", "'to' is required");
    refused("name: a\nnodes:\n  one: {kind: branch, edges: [{when: {op: exists}, to: one}]}\n", "'path' is required");
    refused("name: a\nnodes: [\n", "test.yaml");
  }

  // ---- a directory of definitions ----

  @Test void aDirectoryOfDefinitionsLoadsInNameOrder(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b-second.yaml"), "name: second\nnodes:\n  only: {kind: noop}\n");
    Files.writeString(dir.resolve("a-first.yaml"), """
        name: first
        nodes:
          ask: {kind: llm, model: gpt-4o-mini, prompt: "{{q}}", next: done}
          done: {kind: transform, output: {answer: "{{ask.text}}"}}
        """);
    Files.writeString(dir.resolve("README.md"), "not an agent");
    Files.createDirectory(dir.resolve("sub"));
    List<YamlAgent> agents = loader().loadDirectory(dir);
    assertThat(agents).extracting(YamlAgent::name).containsExactly("first", "second");
  }

  @Test void aBrokenFileInTheDirectoryIsNamedInTheError(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("good.yaml"), "name: good\nnodes:\n  only: {kind: noop}\n");
    Files.writeString(dir.resolve("bad.yml"), "name: bad\nnodes:\n  only: {kind: llm}\n");
    assertThatThrownBy(() -> loader().loadDirectory(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.yml").hasMessageContaining("needs a model");
  }

  @Test void aMissingDirectoryIsRefused(@TempDir Path dir) {
    assertThatThrownBy(() -> loader().loadDirectory(dir.resolve("nope"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a directory");
  }

  // ---- wait nodes ----

  private static final String APPROVAL = """
      name: approval
      nodes:
        approve:
          kind: wait_input
          timeout_ms: 60000
          schema: {type: object, required: [approved]}
          edges: [{when: timeout, to: escalate}, {to: publish}]
        escalate: {kind: noop}
        publish: {kind: sleep, until: "2026-12-24T18:00:00Z"}
      """;

  @Test void aWaitThatTimedOutTakesItsTimeoutEdgeDecidedByTheOutputNotTheState() {
    AgentGraph g = parse(APPROVAL).graph(new JsonObject());
    assertThat(g.node("approve").timeoutMs()).as("timeout_ms of a wait is not a limit on one run").isZero();
    JsonObject timedOut = new JsonObject().put("timed_out", true);
    assertThat(g.next("approve", new JsonObject(), timedOut)).isEqualTo("escalate");
    assertThat(g.next("approve", new JsonObject().put("approve", timedOut), new JsonObject().put("approved", true)))
        .as("a timeout left in the state by an earlier wait").isEqualTo("publish");
    assertThat(g.next("approve", new JsonObject(), null)).isEqualTo("publish");
    assertThat(g.linearLength()).as("a timeout edge is a branch").isEmpty();
  }

  @Test void waitNodesWithBadSettingsAreRefused() {
    refused("name: a\nnodes:\n  w: {kind: wait_input, timeout_ms: 0}\n", "timeout_ms");
    refused("name: a\nnodes:\n  w: {kind: wait_input, schema: [1]}\n", "schema");
    refused("name: a\nnodes:\n  s: {kind: sleep}\n", "exactly one of duration_ms and until");
    refused("name: a\nnodes:\n  s: {kind: sleep, duration_ms: 5, until: '2026-01-01T00:00:00Z'}\n", "exactly one");
    refused("name: a\nnodes:\n  s: {kind: sleep, until: 'tomorrow'}\n", "ISO-8601");
    refused("name: a\nnodes:\n  s: {kind: sleep, duration_ms: -1}\n", "duration_ms");
    refused("name: a\nnodes:\n  w: {kind: wait_input, edges: [{when: timeout, to: x}]}\n  x: {kind: noop}\n",
        "only a wait_input node with a timeout_ms");
    refused("name: a\nnodes:\n  n: {kind: noop, edges: [{when: timeout, to: x}]}\n  x: {kind: noop}\n",
        "only a wait_input node with a timeout_ms");
  }
}
