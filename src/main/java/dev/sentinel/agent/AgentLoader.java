package dev.sentinel.agent;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads agent definitions (conf/agents/*.yaml) and checks them at start-up, so a broken agent
 * stops the node with a clear message instead of failing tasks later: unknown node kinds,
 * edges to missing nodes, unreachable nodes, cycles without an exit, llm nodes without a model
 * or with a model that has no price.
 *
 * <pre>
 * name: my-agent
 * entry: first
 * params: {required: [query]}
 * nodes:
 *   first: {kind: llm, model: gpt-4o-mini, system: "...", prompt: "... {{query}}", max_tokens: 300,
 *           output_key: first, timeout_ms: 60000, retry: {max_attempts: 2, backoff_ms: 1000}, next: second}
 *   second:
 *     kind: branch
 *     edges: [{when: {path: first.text, op: contains, value: yes}, to: third}, {to: fourth}]
 *   approve: {kind: wait_input, timeout_ms: 86400000, schema: {type: object, required: [ok]},
 *             edges: [{when: timeout, to: escalate}, {to: third}]}
 *   later: {kind: sleep, duration_ms: 60000, next: fourth}     # or until: "2026-12-24T18:00:00Z"
 *   research: {kind: agent, model: gpt-4o-mini, system: "...", prompt: "{{question}}", tools: [http, "everything__*"],
 *              max_turns: 8, next: third}   # one step per model turn and per tool call
 * result: {answer: "{{third.text}}"}
 * </pre>
 */
public final class AgentLoader {

  /** The agents shipped in the jar (conf/agents/NAME.yaml). */
  public static final List<String> BUILT_IN = List.of("prompt-based", "ticket-triage", "tool-agent");

  private final NodeKinds kinds;
  private final PricedModels prices;

  public AgentLoader(NodeKinds kinds, PricedModels prices) {
    this.kinds = kinds;
    this.prices = prices;
  }

  public List<YamlAgent> loadBuiltIn() {
    List<YamlAgent> out = new ArrayList<>();
    for (String name : BUILT_IN) {
      String resource = "/conf/agents/" + name + ".yaml";
      try (InputStream in = AgentLoader.class.getResourceAsStream(resource)) {
        if (in == null) throw new IllegalStateException("missing built-in agent " + resource);
        out.add(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  /** Every *.yaml in {@code dir}, in name order. */
  public List<YamlAgent> loadDirectory(Path dir) {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("agents.dir " + dir + " is not a directory");
    try (Stream<Path> files = Files.list(dir)) {
      List<YamlAgent> out = new ArrayList<>();
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
        out.add(parse(Files.readString(f), f.toString()));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read agents from " + dir + ": " + e.getMessage(), e);
    }
  }

  public YamlAgent parse(String yaml, String source) {
    try {
      Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
      if (!(tree instanceof Map<?, ?> map)) throw new IllegalArgumentException("not a YAML map");
      @SuppressWarnings("unchecked") JsonObject j = new JsonObject((Map<String, Object>) map);
      return build(j);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("agent definition " + source + ": " + e.getMessage(), e);
    }
  }

  private YamlAgent build(JsonObject j) {
    String name = required(j, "name");
    if (!name.matches("[A-Za-z0-9_.-]{1,128}")) throw new IllegalArgumentException("name must be an identifier");
    JsonObject nodesJson = j.getJsonObject("nodes");
    if (nodesJson == null || nodesJson.isEmpty()) throw new IllegalArgumentException("agent " + name + " has no nodes");
    Map<String, GraphNode> nodes = new LinkedHashMap<>();
    List<Edge> edges = new ArrayList<>();
    for (String nodeName : nodesJson.fieldNames()) {
      JsonObject n = nodesJson.getJsonObject(nodeName);
      String where = "agent '" + name + "', node '" + nodeName + "'";
      String kind = required(n, "kind");
      if (!kinds.has(kind)) throw new IllegalArgumentException(where + ": unknown node kind '" + kind + "' (known: " + kinds.names() + ")");
      if ("llm".equals(kind) || "agent".equals(kind)) {
        String model = n.getString("model");
        if (model == null) throw new IllegalArgumentException(where + ": an " + kind + " node needs a model");
        if (!prices.isPriced(model)) {
          throw new IllegalArgumentException(where + ": model '" + model + "' has no price in the price table (" + prices.version() + ")");
        }
        // read only when the node runs: a typo ("yes", "true" quoted) would silently not stream
        Object stream = n.getValue("stream");
        if (stream != null && !(stream instanceof Boolean)) {
          throw new IllegalArgumentException(where + ": `stream` must be true or false, not " + Json.encode(stream));
        }
      }
      JsonObject retry = n.getJsonObject("retry", new JsonObject());
      // output_key, not output: a transform node's `output` is its template
      String output = n.getString("output_key", nodeName);
      // a wait node's timeout_ms is how long it waits for input, not a limit on one run of it
      long runTimeoutMs = isWait(kind) ? 0 : n.getLong("timeout_ms", 0L);
      nodes.put(nodeName, new GraphNode(nodeName, kind, n, output, runTimeoutMs,
          retry.getInteger("max_attempts", 1), retry.getLong("backoff_ms", 1000L)));
      try {
        kinds.get(kind).check(n);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
      Condition again = kinds.get(kind).repeatsWhile(output);
      if (again != null) edges.add(new Edge(nodeName, nodeName, again));   // first: tried before the node's own edges
      if (n.getString("next") != null) edges.add(new Edge(nodeName, n.getString("next")));
      JsonArray listed = n.getJsonArray("edges", new JsonArray());
      for (int i = 0; i < listed.size(); i++) {
        JsonObject e = listed.getJsonObject(i);
        String to = required(e, "to");
        // `when: timeout` names an outcome, not a test of the state (`on` would be YAML 1.1's boolean)
        if (e.getValue("when") instanceof String outcome) {
          if (!WaitInputNodeKind.KIND.equals(kind) || !n.containsKey("timeout_ms")) {
            throw new IllegalArgumentException(where + ": only a wait_input node with a timeout_ms has a `when: timeout` edge");
          }
          edges.add(new Edge(nodeName, to, null, outcome));
          continue;
        }
        JsonObject when = e.getJsonObject("when");
        edges.add(new Edge(nodeName, to, when == null ? null
            : new Condition(required(when, "path"), when.getString("op", "equals"), when.getValue("value"))));
      }
    }
    String entry = j.getString("entry", nodes.keySet().iterator().next());
    AgentGraph graph = new AgentGraph(name, entry, nodes, edges, j.getJsonObject("result"));
    JsonObject params = j.getJsonObject("params", new JsonObject());
    List<String> required = params.getJsonArray("required", new JsonArray()).stream().map(String::valueOf).toList();
    return new YamlAgent(name, j.getString("description", ""), graph, required);
  }

  private static boolean isWait(String kind) {
    return WaitInputNodeKind.KIND.equals(kind) || SleepNodeKind.KIND.equals(kind);
  }

  private static String required(JsonObject j, String key) {
    Object v = j.getValue(key);
    if (!(v instanceof String s) || s.isBlank()) throw new IllegalArgumentException("'" + key + "' is required");
    return s;
  }
}
