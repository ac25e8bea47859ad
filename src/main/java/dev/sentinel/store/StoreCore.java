package dev.sentinel.store;

import dev.sentinel.metrics.SentinelMetrics;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the store's parts share: the client, the key names and the scripts. Package-private:
 * callers outside this package get operations ({@link Store}'s parts), never these.
 */
record StoreCore(Redis redis, Keys keys, Scripts scripts, ScriptRunner runner, SentinelMetrics metrics) {

  static StoreCore of(Redis redis, Keys keys, SentinelMetrics metrics) {
    return new StoreCore(redis, keys, Scripts.load(), new ScriptRunner(redis, keys, metrics.redis()), metrics);
  }

  Future<Response> run(LuaScript script, Object... args) {
    return runner.run(script, args);
  }

  Future<Response> send(Request r) {
    return redis.send(r);
  }

  /** Redis's clock (ms): the one clock every time Sentinel stores is computed from. */
  Future<Long> redisNow() {
    return redis.send(Request.cmd(Command.TIME)).map(t -> t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000);
  }

  static String str(Response r) {
    return r == null ? null : r.toString();
  }

  /** An HGETALL reply as a map (empty when the key does not exist). */
  static Map<String, String> hash(Response r) {
    Map<String, String> m = new LinkedHashMap<>();
    if (r != null) for (String k : r.getKeys()) m.put(k, r.get(k).toString());
    return m;
  }

  /** A flat field/value list a script returned (HGETALL inside Lua) as a map. */
  static Map<String, String> pairs(Response r) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; r != null && i + 1 < r.size(); i += 2) m.put(r.get(i).toString(), r.get(i + 1).toString());
    return m;
  }
}
