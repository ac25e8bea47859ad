package dev.sentinel.store;

import dev.sentinel.metrics.RedisMetrics;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs scripts by SHA. Redis forgets its script cache on restart (and on SCRIPT FLUSH); a
 * NOSCRIPT answer means the script did not run, so loading it and retrying once is safe.
 */
public final class ScriptRunner {

  private final Redis redis;
  private final List<String> keys;
  private final RedisMetrics metrics;

  /** Every script gets the same KEYS (see lua/_lib.lua): the prefix and the shard's fixed keys. */
  public ScriptRunner(Redis redis, Keys keys, RedisMetrics metrics) {
    this.redis = redis;
    this.keys = keys.scriptKeys();
    this.metrics = metrics;
  }

  /** Loads every script; called at start-up so the first real call already hits the cache. */
  public Future<Void> loadAll(Scripts scripts) {
    List<Future<?>> loads = new ArrayList<>();
    for (LuaScript s : scripts.all()) loads.add(load(s));
    return Future.all(loads).mapEmpty();
  }

  public Future<Response> run(LuaScript script, Object... args) {
    long sent = System.nanoTime();
    return redis.send(evalsha(script, args)).recover(err -> {
      if (err.getMessage() == null || !err.getMessage().startsWith("NOSCRIPT")) return Future.failedFuture(err);
      return load(script).compose(v -> redis.send(evalsha(script, args)));
    }).andThen(ar -> metrics.called(script.name(), ar.succeeded(), System.nanoTime() - sent));
  }

  private Future<Void> load(LuaScript script) {
    return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source())).compose(r -> {
      String sha = r.toString();
      return sha.equals(script.sha()) ? Future.succeededFuture()
          : Future.failedFuture(new IllegalStateException("Redis hashed " + script.name() + " to " + sha
              + ", expected " + script.sha()));
    });
  }

  private Request evalsha(LuaScript script, Object[] args) {
    Request r = Request.cmd(Command.EVALSHA).arg(script.sha()).arg(keys.size());
    for (String k : keys) r.arg(k);
    for (Object a : args) r.arg(a == null ? "" : a.toString());
    return r;
  }
}
