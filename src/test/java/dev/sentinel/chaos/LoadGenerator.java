package dev.sentinel.chaos;

import dev.sentinel.testing.Http;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Submits chaos-chain tasks through the API, one every few hundred ms, while faults happen.
 * Only a 201 is an acknowledgement: those tasks must finish. An error (Redis down, API timing
 * out) leaves the outcome open: such a task may or may not exist, and the checker holds any
 * that does to the same safety rules.
 */
final class LoadGenerator implements AutoCloseable {

  /** An acknowledged submission and the input that determines its result. */
  record Submission(String taskId, String tenant, String seed) {}

  static final List<String> TENANTS = List.of("acme", "globex", "initech");
  /** The API caps max_attempts at 100; every fault may cost a task an attempt, and none should fail it. */
  private static final int MAX_ATTEMPTS = 100;

  private final Http api;
  private final long everyMs;
  private final Random random;
  private final List<Submission> acknowledged = new ArrayList<>();
  private final AtomicInteger unacknowledged = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  LoadGenerator(Http api, long everyMs, Random random) {
    this.api = api;
    this.everyMs = everyMs;
    this.random = random;
    this.thread = new Thread(this::loop, "chaos-load");
  }

  LoadGenerator start() {
    thread.start();
    return this;
  }

  private void loop() {
    int n = 0;
    while (running.get()) {
      String tenant = TENANTS.get(n % TENANTS.size());
      String seed = Long.toHexString(random.nextLong()) + "-" + n++;
      String body = new JsonObject().put("tenant_id", tenant).put("task_type", "chaos")
          .put("agent_type", ChainAgentModel.AGENT).put("max_attempts", MAX_ATTEMPTS)
          .put("task_params", new JsonObject().put("seed", seed)).encode();
      try {
        Http.Reply r = api.post("/tasks", body);
        if (r.status() == 201) {
          synchronized (acknowledged) { acknowledged.add(new Submission(r.json().getString("task_id"), tenant, seed)); }
        } else {
          unacknowledged.incrementAndGet();
        }
      } catch (RuntimeException e) {   // connection refused or timed out: outcome unknown
        unacknowledged.incrementAndGet();
      }
      RedisReader.sleep(everyMs);
    }
  }

  List<Submission> acknowledged() {
    synchronized (acknowledged) { return List.copyOf(acknowledged); }
  }

  int unacknowledged() { return unacknowledged.get(); }

  /** Stops submitting and waits for the submission in progress to end (not interrupted: its outcome counts). */
  @Override public void close() {
    running.set(false);
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
