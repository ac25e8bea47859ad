package dev.sentinel.store;

import dev.sentinel.config.SentinelConfig.RedisSettings;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

/** Builds the non-blocking Redis client for the configured topology (standalone or Sentinel). */
public final class RedisClients {
  private RedisClients() {}

  public static RedisOptions options(RedisSettings s, String poolName) {
    RedisOptions o = new RedisOptions()
        .setMaxPoolSize(s.poolSize())
        .setMaxPoolWaiting(s.poolWaiting())
        .setPoolRecycleTimeout(15_000)
        .setPoolName(poolName);
    if ("sentinel".equals(s.type())) {
      o.setType(RedisClientType.SENTINEL).setMasterName(s.masterName()).setRole(RedisRole.MASTER);
      // sentinels may carry user:password@ themselves; the data password comes from redis.url
      for (String sentinel : s.sentinels()) o.addConnectionString(sentinel);
    } else {
      o.setConnectionString(s.url());
    }
    return o;
  }

  public static Redis create(Vertx vertx, RedisSettings s, String poolName) {
    return Redis.createClient(vertx, options(s, poolName));
  }
}
