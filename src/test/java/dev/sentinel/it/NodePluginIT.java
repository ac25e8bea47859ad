package dev.sentinel.it;

import dev.sentinel.Main;
import dev.sentinel.agent.NodeHandler;
import dev.sentinel.samples.KeywordScoreNode;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node kind shipped the way a third party ships one: the sample {@link KeywordScoreNode} and
 * its services file in a jar of their own, put on the class path of the unmodified
 * sentinel.jar ({@code java -cp sentinel.jar:plugin.jar Main}). The sample agent
 * from samples/agents runs on it; without the plugin jar the same agents directory stops the
 * node at start-up, and so does a plugin jar whose services file names a class it lacks.
 */
class NodePluginIT {

  @TempDir Path dir;
  RedisServerProcess redis;
  final List<SentinelProcess> processes = new ArrayList<>();

  @BeforeEach void start() { redis = RedisServerProcess.start(); }

  @AfterEach void stop() {
    processes.forEach(SentinelProcess::close);
    redis.close();
  }

  /** The sample agents directory, as compiled into target/test-classes. */
  private static Path sampleAgents() {
    try {
      return Path.of(NodePluginIT.class.getResource("/samples/agents").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A plugin jar: the services file listing {@code provider}, and the sample's class file. */
  private Path pluginJar(String name, String provider) throws IOException {
    Path jar = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
      j.putNextEntry(new JarEntry("META-INF/services/" + NodeHandler.class.getName()));
      j.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
      j.closeEntry();
      String classFile = KeywordScoreNode.class.getName().replace('.', '/') + ".class";
      j.putNextEntry(new JarEntry(classFile));
      try (InputStream in = KeywordScoreNode.class.getClassLoader().getResourceAsStream(classFile)) {
        in.transferTo(j);
      }
      j.closeEntry();
    }
    return jar;
  }

  private SentinelProcess sentinel(String name, int port, List<Path> plugins) {
    SentinelProcess p = SentinelProcess.start(name, "api,worker,watcher", Map.of(
        "SENTINEL_REDIS_URL", redis.url(),
        "SENTINEL_HTTP_PORT", String.valueOf(port),
        "SENTINEL_AGENTS_DIR", sampleAgents().toString()), plugins);
    processes.add(p);
    return p;
  }

  @Test void aPluginJarOnTheClassPathAddsItsNodeKindToAnUnmodifiedSentinel() throws IOException {
    int port = RedisServerProcess.freePort();
    SentinelProcess node = sentinel("plugin-node", port, List.of(pluginJar("my-nodes.jar", KeywordScoreNode.class.getName())));
    Http api = new Http(port);
    await().atMost(Duration.ofSeconds(60)).until(() -> api.isUp() || !node.isAlive());
    assertThat(node.isAlive()).as(node.log()).isTrue();

    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "screen")
        .put("agent_type", "ticket-screen").put("task_params", new JsonObject().put("ticket", "Outage: login is down")).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().getString("task_id");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> List.of("completed", "failed", "cancelled").contains(api.get("/tasks/" + id).json().getString("status")));
    JsonObject task = api.get("/tasks/" + id).json();
    assertThat(task.getString("status")).as(task.encodePrettily() + "\n" + node.log()).isEqualTo("completed");
    assertThat(task.getJsonObject("result")).isEqualTo(new JsonObject().put("queue", "incidents").put("score", 2)
        .put("matched", new JsonArray().add("down").add("outage")));
    assertThat(api.get("/tasks/" + id + "/steps").json().getJsonArray("steps").stream()
        .map(s -> ((JsonObject) s).getString("node")).toList()).containsExactly("score", "route", "incident");
  }

  @Test void withoutThePluginJarTheAgentStopsTheNodeAtStartUp() {
    SentinelProcess node = sentinel("no-plugin-node", RedisServerProcess.freePort(), List.of());
    assertThat(node.waitFor(60)).as("the node exits").isTrue();
    assertThat(node.exitCode()).isNotZero();
    assertThat(node.log()).contains("ticket-screen.yaml").contains("unknown node kind 'keyword_score'");
  }

  @Test void aServicesFileNamingAMissingClassStopsTheNodeAtStartUp() throws IOException {
    SentinelProcess node = sentinel("broken-plugin-node", RedisServerProcess.freePort(),
        List.of(pluginJar("broken-nodes.jar", "com.example.nodes.Missing")));
    assertThat(node.waitFor(60)).as("the node exits").isTrue();
    assertThat(node.exitCode()).isNotZero();
    assertThat(node.log()).contains("com.example.nodes.Missing");
  }
}
