package dev.sentinel.testing;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fuzz test's "nothing changed" rests on this: every kind of write must show, a read must not. */
class KeyspaceSnapshotTest {

  static RedisServerProcess server;
  static Vertx vertx;
  static Redis redis;

  @BeforeAll static void start() {
    server = RedisServerProcess.start();
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()));
  }

  @AfterAll static void stop() {
    redis.close();
    vertx.close().await();
    server.close();
  }

  private static void cmd(Command c, Object... args) {
    Request r = Request.cmd(c);
    for (Object a : args) r.arg(a.toString());
    redis.send(r).await();
  }

  @BeforeEach void fill() {
    cmd(Command.FLUSHALL);
    cmd(Command.SET, "s", "v");
    cmd(Command.HSET, "h", "a", "1", "b", "2");
    cmd(Command.RPUSH, "l", "x", "y");
    cmd(Command.SADD, "set", "m1", "m2");
    cmd(Command.ZADD, "z", "1", "a", "2", "b");
    cmd(Command.XADD, "st", "1-1", "f", "v");
    cmd(Command.SET, "ttl", "v", "PX", "600000");
  }

  @Test void readsLeaveItEqual() {
    KeyspaceSnapshot before = KeyspaceSnapshot.take(redis);
    cmd(Command.GET, "s");
    cmd(Command.HGETALL, "h");
    cmd(Command.XRANGE, "st", "-", "+");
    KeyspaceSnapshot after = KeyspaceSnapshot.take(redis);
    assertThat(after).isEqualTo(before);
    assertThat(before.diff(after)).isEmpty();
    assertThat(before.size()).isEqualTo(7);
  }

  @Test void everyKindOfWriteShows() {
    List<Object[]> writes = List.of(
        new Object[] {Command.SET, "s", "w"},
        new Object[] {Command.HSET, "h", "c", "3"},
        new Object[] {Command.RPUSH, "l", "z"},
        new Object[] {Command.SADD, "set", "m3"},
        new Object[] {Command.ZADD, "z", "5", "a"},
        new Object[] {Command.XADD, "st", "2-1", "f", "v"},
        new Object[] {Command.PERSIST, "ttl"},
        new Object[] {Command.PEXPIRE, "s", "600000"},
        new Object[] {Command.DEL, "l"},
        new Object[] {Command.SET, "new", "v"});
    for (Object[] w : writes) {
      fill();
      KeyspaceSnapshot before = KeyspaceSnapshot.take(redis);
      Object[] args = new Object[w.length - 1];
      System.arraycopy(w, 1, args, 0, args.length);
      cmd((Command) w[0], args);
      KeyspaceSnapshot after = KeyspaceSnapshot.take(redis);
      assertThat(after).as("after %s %s", w[0], List.of(args)).isNotEqualTo(before);
      assertThat(before.diff(after)).as("after %s %s", w[0], List.of(args)).hasSize(1);
    }
  }

  @Test void aPatternLimitsTheKeys() {
    assertThat(KeyspaceSnapshot.take(redis, "s*").keys()).containsOnlyKeys("s", "set", "st");
  }
}
