package dev.sentinel.testing;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import static dev.sentinel.testing.Ascii.clip;

/**
 * Every key of a Redis (or every key matching a pattern) with its type, whether it expires, its
 * contents and the SHA-256 of its DUMP. Two snapshots are equal exactly when nothing was written
 * in between; {@link #diff} says what changed, key by key, readably.
 *
 * <p>Read with SCAN and two pipelined batches (types, expiries and DUMPs; then contents), so a
 * few hundred keys cost a few milliseconds: cheap enough for a fuzz test to take one around
 * every request. It is not atomic, so take it while nothing writes (the fuzz test runs no
 * workers; the chaos checker once its run is quiet). The contents are for the reader; the DUMP
 * digest is what catches a change the contents would not show (an encoding, a stream's last id).
 * Whether a key expires is recorded, not its remaining time, which changes by itself.
 * Blocking: call it from a test thread, never from an event loop.
 */
public record KeyspaceSnapshot(SortedMap<String, String> keys) {

  private static final int SCAN_COUNT = 1000;

  public KeyspaceSnapshot {
    keys = Collections.unmodifiableSortedMap(new TreeMap<>(keys));
  }

  /** Every key of the Redis this client talks to. */
  public static KeyspaceSnapshot take(Redis redis) {
    return take(redis, "*");
  }

  /** The keys matching a SCAN MATCH pattern (a key prefix followed by {@code *}, say). */
  public static KeyspaceSnapshot take(Redis redis, String match) {
    Set<String> names = new LinkedHashSet<>();
    String cursor = "0";
    do {
      Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(match).arg("COUNT").arg(SCAN_COUNT))
          .await();
      cursor = page.get(0).toString();
      for (Response k : page.get(1)) names.add(k.toString());
    } while (!cursor.equals("0"));
    List<String> keys = new ArrayList<>(names);
    if (keys.isEmpty()) return new KeyspaceSnapshot(new TreeMap<>());

    List<Request> heads = new ArrayList<>();
    for (String k : keys) {
      heads.add(Request.cmd(Command.TYPE).arg(k));
      heads.add(Request.cmd(Command.PTTL).arg(k));
      heads.add(Request.cmd(Command.DUMP).arg(k));
    }
    List<Response> h = redis.batch(heads).await();
    List<String> types = new ArrayList<>();
    List<Request> reads = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      String type = h.get(3 * i).toString();
      types.add(type);
      reads.add(contentsOf(keys.get(i), type));
    }
    List<Response> contents = redis.batch(reads).await();
    SortedMap<String, String> out = new TreeMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String type = types.get(i);
      if (type.equals("none")) continue;   // gone between SCAN and TYPE
      boolean expires = h.get(3 * i + 1).toLong() >= 0;
      Response dump = h.get(3 * i + 2);
      out.put(keys.get(i), type + (expires ? " (expires)" : "") + " " + render(type, contents.get(i))
          + " [DUMP sha256 " + sha256(dump == null ? new byte[0] : dump.toBytes()) + "]");
    }
    return new KeyspaceSnapshot(out);
  }

  /**
   * DEBUG DIGEST, where the server allows it (Redis 6.2 does; 7.x only with
   * enable-debug-command): one value for the whole dataset. Null where it is not allowed.
   */
  public static String debugDigest(Redis redis) {
    try {
      return redis.send(Request.cmd(Command.DEBUG).arg("DIGEST")).await().toString();
    } catch (Throwable e) {   // the client's ErrorType is a Throwable
      if (e instanceof Error) throw (Error) e;
      return null;
    }
  }

  public int size() { return keys.size(); }

  /** One line per key that was added, removed or changed on the way to {@code after}. */
  public List<String> diff(KeyspaceSnapshot after) {
    List<String> lines = new ArrayList<>();
    keys.forEach((k, v) -> {
      String now = after.keys.get(k);
      if (now == null) lines.add("- " + clip(k, 200) + " (deleted): " + clip(v, 300));
      else if (!now.equals(v)) lines.add("~ " + clip(k, 200) + ":\n      before " + clip(v, 400) + "\n      after  " + clip(now, 400));
    });
    after.keys.forEach((k, v) -> {
      if (!keys.containsKey(k)) lines.add("+ " + clip(k, 200) + " (new): " + clip(v, 300));
    });
    return lines;
  }

  /** The first {@code shown} lines of {@link #diff}, indented, and how many more there are. */
  public String describeDiff(KeyspaceSnapshot after, int shown) {
    List<String> lines = diff(after);
    StringBuilder b = new StringBuilder();
    lines.stream().limit(shown).forEach(l -> b.append("  ").append(l).append('\n'));
    if (lines.size() > shown) b.append("  ... ").append(lines.size() - shown).append(" more\n");
    return b.toString();
  }

  private static Request contentsOf(String key, String type) {
    return switch (type) {
      case "string" -> Request.cmd(Command.GET).arg(key);
      case "hash" -> Request.cmd(Command.HGETALL).arg(key);
      case "list" -> Request.cmd(Command.LRANGE).arg(key).arg(0).arg(-1);
      case "set" -> Request.cmd(Command.SMEMBERS).arg(key);
      case "zset" -> Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1).arg("WITHSCORES");
      case "stream" -> Request.cmd(Command.XRANGE).arg(key).arg("-").arg("+");
      default -> Request.cmd(Command.TYPE).arg(key);   // a module type: its DUMP digest is all we compare
    };
  }

  /** Hash fields and set members sorted, so equal contents read equal whatever the encoding's order. */
  private static String render(String type, Response r) {
    if (r == null) return "(gone)";
    return switch (type) {
      case "hash" -> {
        TreeMap<String, String> fields = new TreeMap<>();
        for (String f : r.getKeys()) fields.put(f, String.valueOf(r.get(f)));
        StringBuilder b = new StringBuilder("{");
        fields.forEach((f, v) -> b.append(f).append('=').append(v).append("; "));
        yield b.append('}').toString();
      }
      case "set" -> {
        List<String> members = new ArrayList<>();
        for (Response m : r) members.add(m.toString());
        members.sort(null);
        yield members.toString();
      }
      case "string", "list", "zset", "stream" -> String.valueOf(r);
      default -> "(" + type + ")";
    };
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
