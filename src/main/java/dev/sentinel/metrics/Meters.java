package dev.sentinel.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * How Sentinel's meters are built: the names, and one fixed set of histogram buckets for every
 * latency. Fixed buckets (not Micrometer's ~70-bucket percentile histogram) keep a timer with a
 * few labels to a few dozen series, and let a dashboard aggregate across nodes.
 */
final class Meters {
  private Meters() {}

  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(60), Duration.ofSeconds(300)};

  /** {@code name} is dotted; Prometheus sees it with underscores and a _total suffix. */
  static Counter counter(MeterRegistry registry, String name, String help, String... tags) {
    return Counter.builder(name).description(help).tags(tags).register(registry);
  }

  /** A latency histogram in seconds (_bucket, _count, _sum, _max). */
  static Timer timer(MeterRegistry registry, String name, String help, String... tags) {
    return Timer.builder(name).description(help).tags(tags).serviceLevelObjectives(BUCKETS)
        .minimumExpectedValue(BUCKETS[0]).maximumExpectedValue(BUCKETS[BUCKETS.length - 1]).register(registry);
  }
}
