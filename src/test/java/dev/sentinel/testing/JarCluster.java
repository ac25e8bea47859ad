package dev.sentinel.testing;

import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis for tests that run the real jar as separate processes: the Redis, a store on it
 * (empty key prefix, as the processes use) and the processes started against it, all closed
 * together, processes first.
 */
public final class JarCluster implements AutoCloseable {

  public final RedisServerProcess redis;
  public final StoreFixture store;
  private final Vertx vertx = Vertx.vertx();
  private final List<SentinelProcess> processes = new ArrayList<>();

  /** @param appendfsync always | everysec | no, or null for no AOF */
  public JarCluster(String appendfsync) {
    redis = RedisServerProcess.start(appendfsync);
    store = new StoreFixture(vertx, redis.url(), "");
  }

  /** A process to close with the cluster. */
  public SentinelProcess track(SentinelProcess p) {
    processes.add(p);
    return p;
  }

  public void kill9Processes() {
    processes.forEach(SentinelProcess::kill9);
  }

  @Override public void close() {
    processes.forEach(SentinelProcess::close);
    store.close();
    vertx.close().await();
    redis.close();
  }
}
