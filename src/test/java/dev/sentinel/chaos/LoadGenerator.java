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

  /**
   * An acknowledged submission and the input that determines its result; {@code waits} is the
   * shape of a waiting noop task, null for a chaos-chain one.
   */
  record Submission(String taskId, String tenant, String seed, WaitTaskModel waits) {}

  static final List<String> TENANTS = List.of("acme", "globex", "initech");
  /** The API caps max_attempts at 100; every fault may cost a task an attempt, and none should fail it. */
  private static final int MAX_ATTEMPTS = 100;

  private final Http api;
  private final long everyMs;
  private final Random random;
  private final List<Submission> acknowledged = new ArrayList<>();
  private final AtomicInteger unacknowledged = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final int waitsEvery;
  private final InputDeliverer inputs;
  private final Thread thread;

  /**
   * @param waitsEvery 0: chain tasks only; n: of every n submissions one waits for input and one
   *                   sleeps (1 to 3 s), the rest are chain tasks
   * @param inputs     told about every acknowledged task that will wait for input
   */
  LoadGenerator(Http api, long everyMs, Random random, int waitsEvery, InputDeliverer inputs) {
    this.api = api;
    this.everyMs = everyMs;
    this.random = random;
    this.waitsEvery = waitsEvery;
    this.inputs = inputs;
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
      WaitTaskModel waits = waitsAt(n);
      String seed = Long.toHexString(random.nextLong()) + "-" + n++;
      JsonObject params = waits == null ? new JsonObject().put("seed", seed) : waits.taskParams().put("seed", seed);
      String body = new JsonObject().put("tenant_id", tenant).put("task_type", "chaos")
          .put("agent_type", waits == null ? ChainAgentModel.AGENT : WaitTaskModel.AGENT).put("max_attempts", MAX_ATTEMPTS)
          .put("task_params", params).encode();
      try {
        Http.Reply r = api.post("/tasks", body);
        if (r.status() == 201) {
          String id = r.json().getString("task_id");
          synchronized (acknowledged) { acknowledged.add(new Submission(id, tenant, seed, waits)); }
          if (waits != null && waits.kind() == WaitTaskModel.Kind.INPUT) inputs.expect(id);
        } else {
          unacknowledged.incrementAndGet();
        }
      } catch (RuntimeException e) {   // connection refused or timed out: outcome unknown
        unacknowledged.incrementAndGet();
      }
      RedisReader.sleep(everyMs);
    }
  }

  /** The n-th submission's wait, if it is one of the waiting ones (the noop agent ignores the extra `seed` param). */
  private WaitTaskModel waitsAt(int n) {
    if (waitsEvery == 0) return null;
    if (n % waitsEvery == 1) return WaitTaskModel.input();
    if (n % waitsEvery == waitsEvery / 2 + 1) return WaitTaskModel.sleep(1000 + random.nextInt(2000));
    return null;
  }

  List<Submission> acknowledged() {
    synchronized (acknowledged) { return List.copyOf(acknowledged); }
  }

  int unacknowledged() { return unacknowledged.get(); }

  /** Stops submitting and waits for the submission in progress to end (not interrupted: its outcome counts). */
  @Override public void close() {
    running.set(false);
    RedisReader.join(thread, 60_000);
  }
}
