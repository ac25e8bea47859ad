package dev.sentinel.agent;

import dev.sentinel.samples.KeywordScoreNode;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceConfigurationError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Java node SPI: a kind found on the class path through META-INF/services (the sample
 * {@link KeywordScoreNode}, listed in src/test/resources) is used by a YAML agent from
 * agents.dir (the sample samples/agents/ticket-screen.yaml) and run by a real worker; and what stops a node at start-up: an agent naming a
 * kind nobody registered, a plugin taking a name already in use, a services file naming a
 * class that is not there. Start-up is {@link TestNode#agents()}, the same catalog load a node
 * runs before it deploys anything.
 */
class NodePluginTest {

  /** The sample agent: screens a ticket with the sample kind, then branches on its score. */
  static final String TICKET_SCREEN = resource("/samples/agents/ticket-screen.yaml");

  /** Loads (the loader cannot check a plugin kind's own settings) but cannot run. */
  static final String NO_KEYWORDS = """
      name: screen-without-keywords
      nodes:
        score: {kind: keyword_score, text: "{{ticket}}"}
      """;

  /** Takes the http kind's name: listed only in the services files the tests below write. */
  public static final class ImpostorHttp implements NodeHandler {
    @Override public String name() { return "http"; }

    @Override public Future<JsonObject> run(NodeContext ctx) { return Future.succeededFuture(new JsonObject()); }
  }

  /** Has no name for agents to use it by. */
  public static final class Nameless implements NodeHandler {
    @Override public String name() { return null; }

    @Override public Future<JsonObject> run(NodeContext ctx) { return Future.succeededFuture(new JsonObject()); }
  }

  @RegisterExtension static final RealRedis redis = new RealRedis();
  @TempDir Path agentsDir;
  StoreFixture f;
  TestNode node;

  @BeforeEach void fixture() { f = redis.fixture(); }

  @AfterEach void close() {
    try {
      if (node != null) node.close();   // also fails the test if a response broke openapi.yaml
    } finally {
      f.close();
    }
  }

  private static String resource(String name) {
    try (var in = NodePluginTest.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("no test resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private TestNode node(String... agentFiles) throws IOException {
    for (int i = 0; i < agentFiles.length; i += 2) Files.writeString(agentsDir.resolve(agentFiles[i]), agentFiles[i + 1]);
    node = new TestNode(redis.url(), f.keys.prefix(), "agents: {dir: \"" + agentsDir + "\"}\n"
        + "worker: {instances: 1, concurrency: 4, backoff_base_ms: 50, backoff_max_ms: 100}\n"
        + "watcher: {interval_ms: 50}\nhttp: {port: 0}\n");
    return node;
  }

  private static JsonObject finished(Http api, String agent, JsonObject params) {
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "screen")
        .put("agent_type", agent).put("task_params", params).put("max_attempts", 1).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().getString("task_id");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(25))
        .until(() -> List.of("completed", "failed", "cancelled").contains(api.get("/tasks/" + id).json().getString("status")));
    return api.get("/tasks/" + id).json();
  }

  private static List<String> nodesRun(Http api, String id) {
    return api.get("/tasks/" + id + "/steps").json().getJsonArray("steps").stream()
        .map(s -> ((JsonObject) s).getString("node")).toList();
  }

  /** Runs {@code start} with a class loader that also sees a services file listing {@code providers}. */
  private static void withExtraServicesFile(Path dir, Runnable start, String... providers) throws IOException {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(services.resolve(NodeHandler.class.getName()), String.join("\n", providers) + "\n");
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    try (URLClassLoader plugins = new URLClassLoader(new URL[] {dir.toUri().toURL()}, before)) {
      t.setContextClassLoader(plugins);
      start.run();
    } finally {
      t.setContextClassLoader(before);
    }
  }

  @Test void aJavaNodeKindOnTheClassPathIsRunByAWorkerAndItsOutputDrivesABranch() throws IOException {
    node("ticket-screen.yaml", TICKET_SCREEN);
    assertThat(node.agents().kinds().get("keyword_score")).isInstanceOf(KeywordScoreNode.class);
    Http api = node.startApi();
    node.startWorkers("n1").startWatcher();

    JsonObject outage = finished(api, "ticket-screen",
        new JsonObject().put("ticket", "Outage: checkout is DOWN and we fear data loss"));
    assertThat(outage.getString("status")).as(outage.encodePrettily()).isEqualTo("completed");
    assertThat(nodesRun(api, outage.getString("task_id"))).containsExactly("score", "route", "incident");
    assertThat(outage.getJsonObject("result")).isEqualTo(new JsonObject().put("queue", "incidents").put("score", 3)
        .put("matched", new JsonArray().add("down").add("outage").add("data loss")));

    // one keyword is not more than one: the default edge
    JsonObject typo = finished(api, "ticket-screen", new JsonObject().put("ticket", "A typo on the security page"));
    assertThat(typo.getString("status")).as(typo.encodePrettily()).isEqualTo("completed");
    assertThat(nodesRun(api, typo.getString("task_id"))).containsExactly("score", "route", "support_queue");
    assertThat(typo.getJsonObject("result")).isEqualTo(new JsonObject().put("queue", "support").put("score", 1)
        .put("matched", new JsonArray().add("security")));
    JsonObject state = api.get("/tasks/" + typo.getString("task_id") + "/checkpoint").json()
        .getJsonObject("checkpoint").getJsonObject("state");
    assertThat(state.getJsonObject("score")).isEqualTo(new JsonObject().put("score", 1).put("matched", new JsonArray().add("security")));
  }

  @Test void aJavaNodeKindsFailureFailsTheTaskWithItsMessage() throws IOException {
    node("screen-without-keywords.yaml", NO_KEYWORDS);
    Http api = node.startApi();
    node.startWorkers("n1").startWatcher();
    JsonObject task = finished(api, "screen-without-keywords", new JsonObject().put("ticket", "anything"));
    assertThat(task.getString("status")).as(task.encodePrettily()).isEqualTo("failed");
    assertThat(task.getString("error"))
        .isEqualTo("node score (step 1): keyword_score node 'score': 'keywords' must be a non-empty list of words");
    assertThat(task.getInteger("attempts")).isEqualTo(1);
    assertThat(nodesRun(api, task.getString("task_id"))).isEmpty();
  }

  @Test void anAgentNamingAnUnknownNodeKindStopsTheNodeAtStartUp() throws IOException {
    node("ticket-screen.yaml", TICKET_SCREEN.replace("kind: keyword_score", "kind: keyword_scorer"));
    assertThatThrownBy(node::agents).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(agentsDir.resolve("ticket-screen.yaml").toString())
        .hasMessageContaining("node 'score': unknown node kind 'keyword_scorer'")
        .hasMessageMatching(".*\\(known: \\[[^]]*\\bkeyword_score\\b[^]]*]\\).*");   // the plugin is listed as known
  }

  @Test void aPluginThatTakesABuiltInKindsNameStopsTheNodeNamingBothClasses(@TempDir Path classpathDir) throws IOException {
    node();
    withExtraServicesFile(classpathDir, () -> assertThatThrownBy(node::agents).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node kind 'http' is registered twice: by dev.sentinel.tools.HttpToolNodeHandler and by "
            + ImpostorHttp.class.getName()), ImpostorHttp.class.getName());
  }

  @Test void aPluginWithoutANameStopsTheNodeNamingItsClass(@TempDir Path classpathDir) throws IOException {
    node();
    withExtraServicesFile(classpathDir, () -> assertThatThrownBy(node::agents).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node kind " + Nameless.class.getName() + " has no name"), Nameless.class.getName());
  }

  @Test void aServicesFileNamingAMissingClassStopsTheNodeNamingTheClass(@TempDir Path classpathDir) throws IOException {
    node();
    withExtraServicesFile(classpathDir, () -> assertThatThrownBy(node::agents).isInstanceOf(ServiceConfigurationError.class)
        .hasMessageContaining(NodeHandler.class.getName()).hasMessageContaining("com.example.nodes.Missing"),
        "com.example.nodes.Missing");
  }
}
