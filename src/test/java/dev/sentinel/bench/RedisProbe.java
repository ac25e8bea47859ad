package dev.sentinel.bench;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The benchmark's own connection to Redis. It counts every command it sends, by name, so that
 * a {@link RedisCost} can subtract the benchmark's own polling from INFO commandstats exactly:
 * the scripts use ZCARD and HMGET too, so dropping those names wholesale would undercount.
 */
public final class RedisProbe implements AutoCloseable {

  private final Vertx vertx;
  private final Redis redis;
  private final Map<String, Long> ownCalls = new HashMap<>();

  public RedisProbe(String url) {
    this.vertx = Vertx.vertx();
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(100_000));
  }

  public Redis client() { return redis; }

  public synchronized Response send(Request r) {
    ownCalls.merge(r.command().toString().toLowerCase(), 1L, Long::sum);
    return redis.send(r).await();
  }

  /** Counts commands the caller sent on its own (e.g. pipelined batches) under this probe's name. */
  public synchronized void countOwn(String command, long n) {
    ownCalls.merge(command, n, Long::sum);
  }

  public long zcard(String key) {
    return send(Request.cmd(Command.ZCARD).arg(key)).toLong();
  }

  /** A numeric hash field (a counter), 0 when the field or the key does not exist. */
  public long hgetLong(String key, String field) {
    Response r = send(Request.cmd(Command.HGET).arg(key).arg(field));
    return r == null ? 0 : r.toLong();
  }

  /** Redis' own clock in ms: the clock the scripts stamp created_at and completed_at with. */
  public long timeMs() {
    Response t = send(Request.cmd(Command.TIME));
    return t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
  }

  /**
   * INFO cpu, memory and commandstats at one instant. The probe's own counts are copied before
   * the INFO is sent: INFO's output never includes the INFO that produced it.
   */
  public RedisSnapshot snapshot() {
    Map<String, Long> own;
    synchronized (this) {
      own = new HashMap<>(ownCalls);
    }
    String info = send(Request.cmd(Command.INFO).arg("cpu").arg("memory").arg("commandstats")).toString();
    double cpu = 0;
    long usedMemory = 0;
    Map<String, Long> calls = new TreeMap<>();
    Map<String, Long> usec = new TreeMap<>();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) cpu += Double.parseDouble(value(line));
      else if (line.startsWith("used_memory:")) usedMemory = Long.parseLong(value(line));
      else if (line.startsWith("cmdstat_")) {
        // cmdstat_config|resetstat:calls=1,... -> "config"; subcommands count under their command
        String name = line.substring(8, line.indexOf(':')).replaceFirst("\\|.*", "");
        int at = line.indexOf("calls=") + 6;
        calls.merge(name, Long.parseLong(line.substring(at, line.indexOf(',', at))), Long::sum);
        int u = line.indexOf("usec=") + 5;
        usec.merge(name, Long.parseLong(line.substring(u, line.indexOf(',', u))), Long::sum);
      }
    }
    return new RedisSnapshot(System.nanoTime(), cpu, usedMemory, calls, usec, own);
  }

  /** Full-table memory figure after the allocator settled (MEMORY PURGE is cheap and harmless). */
  public long usedMemoryAfterPurge() {
    send(Request.cmd(Command.MEMORY).arg("PURGE"));
    return snapshot().usedMemory();
  }

  public List<Response> pipeline(List<Request> batch) {
    synchronized (this) {
      for (Request r : batch) ownCalls.merge(r.command().toString().toLowerCase(), 1L, Long::sum);
    }
    return redis.batch(batch).await();
  }

  private static String value(String line) {
    return line.substring(line.indexOf(':') + 1).trim();
  }

  @Override public void close() {
    redis.close();
    vertx.close().await();
  }

  /**
   * One INFO reading plus how many commands the probe itself had sent before it. {@code usec}
   * is Redis' own timing per command (commandstats); a script's usec includes the commands it
   * called, which are also timed under their own names.
   */
  public record RedisSnapshot(long nanos, double cpuSeconds, long usedMemory, Map<String, Long> calls,
                              Map<String, Long> usec, Map<String, Long> own) {}
}
