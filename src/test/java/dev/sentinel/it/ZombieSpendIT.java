package dev.sentinel.it;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.OpenAiStub;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.SentinelProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A woken zombie starts no new paid call. A worker process waits out a provider's 429
 * ({@code Retry-After: 2}) and is stopped (SIGSTOP) for longer than its lease and the
 * Retry-After: the watcher takes the task back meanwhile (max_attempts 1: it fails). When the
 * worker wakes, its retry timer is overdue and fires before any renewal can answer STALE; fencing
 * would refuse the zombie's writes, but it cannot take back money a call spent, so the retry must
 * not be sent: the worker checks its local lease deadline before every paid call.
 */
class ZombieSpendIT {

  static final long LEASE_MS = 1000;

  RedisServerProcess redis;
  OpenAiStub stub;
  final List<SentinelProcess> processes = new ArrayList<>();

  @BeforeEach void start() {
    redis = RedisServerProcess.start();
    stub = OpenAiStub.start();
  }

  @AfterEach void stop() {
    processes.forEach(SentinelProcess::close);
    stub.close();
    redis.close();
  }

  private SentinelProcess start(String name, String roles, Map<String, String> extra) {
    Map<String, String> env = SentinelProcess.envCallingStub(redis.url(), LEASE_MS, 100, stub.baseUrl());
    env.putAll(extra);
    SentinelProcess p = SentinelProcess.start(name, roles, env);
    processes.add(p);
    return p;
  }

  @Test void aWorkerWokenAfterItsLeaseSendsNoRetryOfItsCall() throws InterruptedException {
    int port = RedisServerProcess.freePort();
    start("api", "api,watcher", Map.of("SENTINEL_HTTP_PORT", String.valueOf(port)));
    SentinelProcess worker = start("w1", "worker", Map.of());
    Http api = new Http(port);
    await().atMost(Duration.ofSeconds(30)).until(api::isUp);
    await().atMost(Duration.ofSeconds(30)).until(() -> worker.log().contains(" up: roles"));

    stub.fail429(1, 2);
    Http.Reply r = api.post("/tasks", new JsonObject().put("tenant_id", "acme").put("task_type", "research")
        .put("max_attempts", 1).put("task_params", new JsonObject().put("query", "what do zombies cost?")).encode());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().getString("task_id");

    // the first call was answered 429; the worker now waits 2 s before its retry
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
        .until(() -> stub.receivedFor(id).stream().anyMatch(x -> x.status() == 429));
    worker.pause();
    try {
      // past the lease (the watcher takes the task back: attempts used up, it fails) and past the Retry-After
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> "failed".equals(api.get("/tasks/" + id).json().getString("status")));
      Thread.sleep(2_500);
    } finally {
      worker.resume();
    }
    // the woken worker drops the task (its retry is refused locally, or its renewal answers STALE)
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.log().contains("task " + id + " dropped by"));
    Thread.sleep(1_000);   // time for a retry that should not happen to reach the stub

    assertThat(stub.receivedFor(id)).as("requests the provider saw for the task: only the 429 before the pause")
        .extracting(OpenAiStub.Received::status).containsExactly(429);
    assertThat(stub.billedFor(id)).isEmpty();
    JsonObject task = api.get("/tasks/" + id).json();
    assertThat(task.getString("status")).isEqualTo("failed");
    assertThat(task.getString("error")).contains("lease");
  }
}
