package dev.sentinel.signal;

import dev.sentinel.config.SentinelConfig.RedisSettings;
import dev.sentinel.store.Keys;
import dev.sentinel.store.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Carries the signals the scripts PUBLISH (signal:ready, signal:cancel) from Redis onto this
 * JVM's event bus, so workers on every node wake when any node submits; and the streamed LLM
 * tokens workers PUBLISH (signal:tokens), to the task's own address, where an API node's event
 * streams listen. One per JVM. A
 * subscription does not survive a Redis restart: on connection loss it re-subscribes with
 * backoff, and the workers' slow poll covers the gap.
 */
public final class RedisSignalBridge extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(RedisSignalBridge.class.getName());
  private static final long MAX_BACKOFF_MS = 5_000;

  private final RedisSettings settings;
  private final Keys keys;
  private Redis redis;
  private RedisConnection connection;
  private boolean stopping;

  public RedisSignalBridge(RedisSettings settings, Keys keys) {
    this.settings = settings;
    this.keys = keys;
  }

  @Override public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "sentinel-signals");
    // Never fail start-up on this: signals are an optimisation over polling.
    subscribe(0);
    return Future.succeededFuture();
  }

  @Override public Future<?> stop() {
    stopping = true;
    if (connection != null) connection.close();
    return redis.close();
  }

  private void subscribe(long attempt) {
    if (stopping) return;
    redis.connect()
        .compose(conn -> {
          connection = conn;
          conn.handler(this::onMessage);
          conn.endHandler(v -> reconnect());
          conn.exceptionHandler(e -> reconnect());
          return conn.send(Request.cmd(Command.SUBSCRIBE).arg(keys.readySignal()).arg(keys.cancelSignal())
              .arg(keys.tokenSignal()));
        })
        .onSuccess(v -> {
          if (attempt > 0) LOG.log(System.Logger.Level.INFO, "signal subscription restored");
          // ready tasks may have been published while we were away
          vertx.eventBus().publish(Signals.TASK_READY, "*");
        })
        .onFailure(e -> {
          long delay = Math.min(MAX_BACKOFF_MS, 100L << Math.min(attempt, 6));
          if (!stopping) vertx.setTimer(delay, t -> subscribe(attempt + 1));
        });
  }

  private void reconnect() {
    RedisConnection c = connection;
    connection = null;
    if (c == null || stopping) return;
    c.close();
    vertx.setTimer(100, t -> subscribe(1));
  }

  private void onMessage(Response msg) {
    if (msg == null || msg.size() < 3 || !"message".equals(msg.get(0).toString())) return;
    String channel = msg.get(1).toString();
    String payload = msg.get(2).toString();
    if (channel.equals(keys.readySignal())) vertx.eventBus().publish(Signals.TASK_READY, payload);
    else if (channel.equals(keys.cancelSignal())) vertx.eventBus().publish(Signals.TASK_CANCEL, payload);
    else if (channel.equals(keys.tokenSignal())) TokenChunk.taskOf(payload)
        // published on the bus whether anyone listens or not: a send to no consumer costs nothing
        .ifPresent(task -> vertx.eventBus().publish(Signals.tokensOf(task), payload));
  }
}
