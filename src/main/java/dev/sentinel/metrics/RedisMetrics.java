package dev.sentinel.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * Round trips to Redis by script: every state change and every hot-path read is one script call,
 * so this is the Redis latency the tasks feel (pool wait and network included).
 */
public final class RedisMetrics {

  private record Call(String script, boolean ok) {}

  private final MeterFamily<Call, Timer> calls;

  RedisMetrics(MeterRegistry r) {
    calls = new MeterFamily<>(k -> Meters.timer(r, "sentinel.redis.command",
        "Redis script calls (EVALSHA) of this node by script, from send to reply", "command", k.script(),
        "outcome", k.ok() ? "ok" : "error"));
  }

  public void called(String script, boolean ok, long nanos) {
    calls.get(new Call(script, ok)).record(nanos, TimeUnit.NANOSECONDS);
  }
}
