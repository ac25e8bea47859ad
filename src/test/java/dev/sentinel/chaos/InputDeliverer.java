package dev.sentinel.chaos;

import dev.sentinel.testing.Http;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers input to the load's waiting tasks as a client would: each at a random delay after its
 * submission (so some land while a fault is active, some before the task has even reached its
 * wait), retried on anything but a clear answer. A 503 or a lost reply leaves the delivery's
 * outcome open: the retry may then get 409, and the task is asked where it is; if it has moved
 * past the wait (or left `waiting` for the step after it) the earlier attempt landed. The data
 * each task got is what the checker compares its result with.
 */
final class InputDeliverer implements AutoCloseable {

  /** Between attempts for one task: a client's retry, not a tight loop against a down Redis. */
  private static final long RETRY_MS = 250;
  private static final long MAX_DELAY_MS = 6000;

  private record Pending(String taskId, JsonObject data, long dueNanos, boolean ambiguous) {}

  private final Http api;
  private final Random random;
  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, JsonObject> delivered = new ConcurrentHashMap<>();
  private final AtomicLong unavailable = new AtomicLong(), conflicts = new AtomicLong(), landedUnseen = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread = new Thread(this::loop, "chaos-input");

  InputDeliverer(Http api, Random random) {
    this.api = api;
    this.random = random;
  }

  InputDeliverer start() {
    thread.start();
    return this;
  }

  /** A task acknowledged by the API that will wait for input: deliver it some time from now. */
  void expect(String taskId) {
    JsonObject data;
    long delayMs;
    synchronized (random) {
      data = new JsonObject().put("token", Long.toHexString(random.nextLong())).put("approved", random.nextBoolean());
      delayMs = 200 + (long) (random.nextDouble() * MAX_DELAY_MS);
    }
    synchronized (pending) { pending.add(new Pending(taskId, data, System.nanoTime() + delayMs * 1_000_000, false)); }
  }

  private void loop() {
    while (running.get()) {
      List<Pending> due = new ArrayList<>();
      synchronized (pending) {
        long now = System.nanoTime();
        pending.removeIf(p -> p.dueNanos() <= now && due.add(p));
      }
      for (Pending p : due) {
        Pending next = attempt(p);
        if (next != null) synchronized (pending) { pending.add(next); }
      }
      RedisReader.sleep(50);
    }
  }

  /** One POST; null when the input is known to be in, else the retry. */
  private Pending attempt(Pending p) {
    Pending retry = new Pending(p.taskId(), p.data(), System.nanoTime() + RETRY_MS * 1_000_000, p.ambiguous());
    try {
      Http.Reply r = api.post("/tasks/" + p.taskId() + "/input", new JsonObject().put("data", p.data()).encode());
      if (r.status() == 200) {
        delivered.put(p.taskId(), p.data());
        return null;
      }
      if (r.status() == 409) {
        conflicts.incrementAndGet();
        return movedPastTheWait(p) ? null : retry;
      }
      unavailable.incrementAndGet();   // 503 while Redis is down, or the API restarting
    } catch (RuntimeException e) {     // refused or timed out: the POST may or may not have landed
      unavailable.incrementAndGet();
    }
    return new Pending(retry.taskId(), retry.data(), retry.dueNanos(), true);
  }

  /**
   * After a 409: has the task taken an input? Only if an earlier attempt's outcome was unknown is
   * that ours; the wait is then committed (step at or past it) or the task is queued to commit it.
   * A task not waiting yet, or waiting still (a race with its entry), gets the input again later.
   */
  private boolean movedPastTheWait(Pending p) {
    if (!p.ambiguous()) return false;
    try {
      Http.Reply r = api.get("/tasks/" + p.taskId());
      if (r.status() != 200) return false;
      JsonObject task = r.json();
      boolean past = task.getInteger("step", 0) >= WaitTaskModel.waitStep() || "completed".equals(task.getString("status"));
      if (past) {
        delivered.put(p.taskId(), p.data());
        landedUnseen.incrementAndGet();
      }
      return past;
    } catch (RuntimeException e) {
      return false;
    }
  }

  Map<String, JsonObject> delivered() { return Map.copyOf(delivered); }

  int undelivered() {
    synchronized (pending) { return pending.size(); }
  }

  /** For the run's summary: 503s or lost replies, 409s, and deliveries known only from a 409 after one. */
  String figures() {
    return "inputs delivered " + delivered.size() + ", undelivered " + undelivered() + ", unavailable " + unavailable.get()
        + ", 409 " + conflicts.get() + ", landed with the reply lost " + landedUnseen.get();
  }

  @Override public void close() {
    running.set(false);
    RedisReader.join(thread, 60_000);
  }
}
