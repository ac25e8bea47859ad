package dev.sentinel.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sentinel.testing.Http;
import dev.sentinel.testing.OtlpReceiver;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * A real node with {@code SENTINEL_LOG_FORMAT=json}: every line it writes, from start-up to
 * shutdown, is one JSON object, and the lines about a task carry its ids and its trace id.
 */
class JsonLogIT {

  static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  RedisServerProcess redis;
  OtlpReceiver receiver;
  SentinelProcess node;
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach void start() {
    redis = RedisServerProcess.start("everysec");
    receiver = OtlpReceiver.start();
  }

  @AfterEach void stop() {
    if (node != null) node.close();
    receiver.close();
    redis.close();
  }

  @Test void everyLineIsJsonAndLinesAboutATaskCarryItsIdsAndTrace() throws Exception {
    int port = RedisServerProcess.freePort();
    Map<String, String> env = new HashMap<>(Map.of(
        "SENTINEL_REDIS_URL", redis.url(),
        "SENTINEL_HTTP_PORT", String.valueOf(port),
        "SENTINEL_WORKER_INSTANCES", "1",
        "SENTINEL_LOG_FORMAT", "json",
        "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()));
    node = SentinelProcess.start("json", "api,worker,watcher", env);
    Http api = new Http(port);
    await().atMost(Duration.ofSeconds(30)).until(api::isUp);

    // a node that fails twice: each failure is a WARN line about the task
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "it").put("agent_type", "noop")
            .put("max_attempts", 2).put("task_params", new JsonObject().put("steps", 2).put("fail_at_step", 1)).encode(),
        Map.of("traceparent", "00-" + TRACE + "-b7ad6b7169203331-01"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().getString("task_id");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> "failed".equals(api.get("/tasks/" + id).json().getString("status")));
    assertThat(node.terminate(30)).as("exits on SIGTERM").isTrue();

    List<JsonNode> aboutTask = new ArrayList<>();
    List<String> lines = node.log().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("the node wrote its start-up lines at least").hasSizeGreaterThan(3);
    for (String line : lines) {
      JsonNode n;
      try {
        n = json.readTree(line);
      } catch (Exception e) {
        fail("not a JSON line: " + line);
        return;
      }
      assertThat(n.isObject()).as(line).isTrue();
      assertThat(n.hasNonNull("time") && n.hasNonNull("level") && n.hasNonNull("logger") && n.has("message")).as(line).isTrue();
      if (n.path("message").asText().contains(id)) aboutTask.add(n);
    }
    assertThat(aboutTask).as("the two failures were logged").hasSizeGreaterThanOrEqualTo(2);
    for (JsonNode n : aboutTask) {
      assertThat(n.path("task_id").asText()).as(n.toString()).isEqualTo(id);
      assertThat(n.path("tenant_id").asText()).isEqualTo("acme");
      assertThat(n.path("epoch").asLong()).isPositive();
      assertThat(n.path("worker_id").asText()).startsWith("json-");
      assertThat(n.path("trace_id").asText()).isEqualTo(TRACE);
    }
  }
}
