package dev.sentinel.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;

/**
 * How late a timer fires on the event loop it was set on: a loop blocked by a long handler (or
 * starved of CPU) delays every callback behind it, and this is the delay a callback saw. One
 * probe per verticle whose loop matters (each worker verticle, the management server); it costs
 * one timer per interval. Vert.x's metrics count event-bus and pool use but not this.
 */
public final class EventLoopDelayProbe {

  private static final long INTERVAL_MS = 500;

  private final Vertx vertx;
  private final Timer delay;
  private long timerId = -1;
  private long expectedAt;

  public EventLoopDelayProbe(Vertx vertx, MeterRegistry registry) {
    this.vertx = vertx;
    this.delay = Meters.timer(registry, "sentinel.event.loop.delay",
        "how late a timer fired on an event loop of this node (sampled every " + INTERVAL_MS + " ms per probed loop)");
  }

  /** Starts on the caller's context (its event loop is the one probed). */
  public EventLoopDelayProbe start() {
    schedule();
    return this;
  }

  private void schedule() {
    expectedAt = System.nanoTime() + INTERVAL_MS * 1_000_000;
    timerId = vertx.setTimer(INTERVAL_MS, t -> {
      delay.record(Math.max(0, System.nanoTime() - expectedAt), TimeUnit.NANOSECONDS);
      schedule();
    });
  }

  public void stop() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
    timerId = -1;
  }
}
