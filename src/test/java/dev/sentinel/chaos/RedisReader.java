package dev.sentinel.chaos;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;

/**
 * The harness's and the checker's own blocking view of Redis (never an event loop thread). A
 * command is retried while Redis restarts, because the nemesis reads Redis TIME between faults.
 */
final class RedisReader implements AutoCloseable {

  private static final Duration RETRY_FOR = Duration.ofSeconds(30);

  private final Redis redis;

  RedisReader(Vertx vertx, String url) {
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(4).setMaxPoolWaiting(64));
  }

  Response cmd(Command c, Object... args) {
    long deadline = System.nanoTime() + RETRY_FOR.toNanos();
    while (true) {
      Request r = Request.cmd(c);
      for (Object a : args) r.arg(a.toString());
      try {
        return redis.send(r).await();
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) throw new IllegalStateException(c + " kept failing: " + e.getMessage(), e);
        sleep(100);
      }
    }
  }

  /** Redis server time in ms: the one clock leases, stream ids and fault times are compared on. */
  long nowMs() {
    Response t = cmd(Command.TIME);
    return t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits for the harness's own threads (load, inputs) to end their current request; an interrupt is passed on. */
  static void join(Thread t, long ms) {
    try {
      t.join(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override public void close() { redis.close(); }
}
