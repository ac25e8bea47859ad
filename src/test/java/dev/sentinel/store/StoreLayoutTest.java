package dev.sentinel.store;

import dev.sentinel.testing.RealRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A node checks the key layout before it starts: it marks a fresh Redis and refuses another layout's data. */
class StoreLayoutTest {

  @RegisterExtension static final RealRedis server = new RealRedis();
  static Redis redis;

  @BeforeAll static void connect() {
    redis = Redis.createClient(server.vertx(), server.url());
  }

  @AfterAll static void disconnect() {
    redis.close();
  }

  @Test void aFreshRedisIsMarkedWithThisLayout() {
    Store.open(redis, new Keys("fresh:")).checkLayout().await();
    assertThat(redis.send(Request.cmd(Command.GET).arg("fresh:layout")).await().toString()).isEqualTo(Keys.LAYOUT_VERSION);
    Store.open(redis, new Keys("fresh:")).checkLayout().await();   // and accepted the next time
  }

  @Test void tasksOfThe020LayoutStopTheNodeWithWhatToDo() {
    redis.send(Request.cmd(Command.ZADD).arg("old:index:all").arg(1).arg("task-1")).await();
    assertThatThrownBy(() -> Store.open(redis, new Keys("old:")).checkLayout().await())
        .isInstanceOf(Store.LayoutMismatch.class)
        .hasMessageContaining("0.2.0").hasMessageContaining("key_prefix");
    assertThat(redis.send(Request.cmd(Command.EXISTS).arg("old:layout")).await().toInteger()).as("nothing written").isZero();
  }

  @Test void anotherLayoutVersionStopsTheNode() {
    redis.send(Request.cmd(Command.SET).arg("future:layout").arg("3")).await();
    assertThatThrownBy(() -> Store.open(redis, new Keys("future:")).checkLayout().await())
        .isInstanceOf(Store.LayoutMismatch.class).hasMessageContaining("layout 3");
  }
}
