package dev.sentinel.it;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.JarCluster;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Waits survive everything restarting: the real jar as separate processes on a real Redis with
 * AOF. A task waiting for input and a sleeping task outlive a kill -9 of every Sentinel process
 * and of Redis; new processes serve the input and the timer, each step committed once.
 */
class DurableWaitIT {

  JarCluster cluster;
  StoreFixture f;
  Http api;

  @BeforeEach void startRedis() {
    cluster = new JarCluster("always");   // nothing acknowledged is lost to the kill -9
    f = cluster.store;
  }

  @AfterEach void stopAll() {
    cluster.close();
  }

  /** One process running every role, on a fresh HTTP port. */
  private void startNode(String name) {
    int port = RedisServerProcess.freePort();
    cluster.track(SentinelProcess.start(name, "api,worker,watcher", Map.of(
        "SENTINEL_REDIS_URL", cluster.redis.url(),
        "SENTINEL_LEASE_MS", "2000",
        "SENTINEL_WATCHER_INTERVAL_MS", "200",
        "SENTINEL_WORKER_INSTANCES", "1",
        "SENTINEL_HTTP_PORT", String.valueOf(port))));
    api = new Http(port);
    await().atMost(Duration.ofSeconds(30)).until(api::isUp);
  }

  private String submit(JsonObject params) {
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "it")
        .put("agent_type", "noop").put("task_params", params).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("task_id");
  }

  private JsonObject task(String id) {
    return api.get("/tasks/" + id).json();
  }

  private List<String> stepWorkers(String id) {
    return api.get("/tasks/" + id + "/steps").json().getJsonArray("steps").stream()
        .map(s -> ((JsonObject) s).getString("node") + "@" + ((JsonObject) s).getString("worker_id").split("-")[0]).toList();
  }

  @Test void aTaskWaitingForInputAndASleepingTaskSurviveKill9OfEveryProcessAndOfRedis() {
    startNode("a");
    String waiter = submit(new JsonObject().put("steps", 2).put("wait_input_at_step", 2));
    String sleeper = submit(new JsonObject().put("steps", 1).put("sleep_ms_at_step", 1).put("sleep_ms", 8000));
    await().atMost(Duration.ofSeconds(20)).until(() -> "waiting".equals(task(waiter).getString("status"))
        && "scheduled".equals(task(sleeper).getString("status")));
    String sleepUntil = task(sleeper).getJsonObject("waiting_for").getString("until");
    String sleepDeadline = f.meta(sleeper).get("wait_until");

    cluster.kill9Processes();
    cluster.redis.kill9();
    cluster.redis.restart();
    startNode("b");

    JsonObject waiting = task(waiter);
    assertThat(waiting.getString("status")).isEqualTo("waiting");
    assertThat(waiting.getJsonObject("waiting_for").getString("node")).isEqualTo("wait-input");
    assertThat(api.get("/stats").json().getInteger("waiting")).isEqualTo(1);
    assertThat(api.get("/tasks?status_filter=waiting").json().getJsonArray("tasks")).hasSize(1);
    assertThat(f.meta(sleeper).get("wait_until")).as("the timer did not restart").isEqualTo(sleepDeadline);

    assertThat(api.post("/tasks/" + waiter + "/input", "{\"data\":{\"approved\":true}}").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(task(waiter).getString("status"))
        && "completed".equals(task(sleeper).getString("status")));
    assertThat(task(waiter).getJsonObject("result").getJsonObject("input")).isEqualTo(new JsonObject().put("approved", true));
    // step-1 ran on the first node; the wait's step and the rest on the node started after the crash
    assertThat(stepWorkers(waiter)).containsExactly("step-1@a", "wait-input@b", "step-2@b");
    assertThat(stepWorkers(sleeper)).containsExactly("sleep@b", "step-1@b");
    assertThat(task(sleeper).getJsonObject("result").getJsonObject("sleep").getString("slept_until")).isEqualTo(sleepUntil);
  }
}
