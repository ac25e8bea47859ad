package dev.sentinel.store;

import dev.sentinel.testing.RealRedis;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.TreeMap;

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
    redis.send(Request.cmd(Command.SET).arg("future:layout").arg("4")).await();
    assertThatThrownBy(() -> Store.open(redis, new Keys("future:")).checkLayout().await())
        .isInstanceOf(Store.LayoutMismatch.class).hasMessageContaining("layout 4");
  }

  private static void cmd(String... args) {
    Request r = Request.cmd(Command.create(args[0]));
    for (int i = 1; i < args.length; i++) r.arg(args[i]);
    redis.send(r).await();
  }

  private static Map<String, String> hash(String key) {
    Map<String, String> m = new TreeMap<>();
    Response r = redis.send(Request.cmd(Command.HGETALL).arg(key)).await();
    for (String k : r.getKeys()) m.put(k, r.get(k).toString());
    return m;
  }

  /** Layout 2 kept money in micro-USD: a node converts it to nano-USD in place, once, then marks layout 3. */
  @Test void layout2MoneyIsConvertedToNanoUsdOnce() {
    cmd("SET", "v2:layout", "2");
    cmd("HSET", "v2:task:t1:meta", "task_id", "t1", "status", "completed", "cost", "26", "cost_limit", "10000000",
        "budget_micros", "500", "budget_call", "c9", "budget_day", "2026-12-01");
    cmd("HSET", "v2:task:t2:meta", "task_id", "t2", "status", "queued", "cost", "0", "cost_limit", "");
    cmd("HSET", "v2:task:t1:calls", "c1", "{\"call_id\":\"c1\",\"micro_usd\":26,\"model\":\"gpt-4o-mini\"}");
    cmd("HSET", "v2:cost:tenant:acme:2026-12-01", "micro_usd", "26", "calls", "1", "reserved_micros", "500",
        "model:gpt-4o-mini:micro_usd", "26", "model:gpt-4o-mini:calls", "1", "input_tokens", "40");
    cmd("HSET", "v2:cost:tenant:acme:total", "micro_usd", "12345678901234", "calls", "1");
    cmd("ZADD", "v2:cost:tenant:acme:days", "20423", "2026-12-01");
    cmd("HSET", "v2:limits:tenant:acme", "daily_budget_micros", "25000000", "submit_rate", "2.5");

    Store.open(redis, new Keys("v2:")).checkLayout().await();
    assertThat(redis.send(Request.cmd(Command.GET).arg("v2:layout")).await().toString()).isEqualTo(Keys.LAYOUT_VERSION);
    assertThat(hash("v2:task:t1:meta")).containsEntry("cost_nanos", "26000").containsEntry("cost_limit_nanos", "10000000000")
        .containsEntry("budget_nanos", "500000").containsEntry("budget_call", "c9").doesNotContainKeys("cost", "cost_limit", "budget_micros");
    assertThat(hash("v2:task:t2:meta")).containsEntry("cost_nanos", "0").containsEntry("cost_limit_nanos", "");
    assertThat(new JsonObject(hash("v2:task:t1:calls").get("c1")).getMap()).containsEntry("nano_usd", 26000)
        .doesNotContainKey("micro_usd");
    assertThat(hash("v2:cost:tenant:acme:2026-12-01")).containsEntry("nano_usd", "26000").containsEntry("reserved_nanos", "500000")
        .containsEntry("model:gpt-4o-mini:nano_usd", "26000").containsEntry("calls", "1").containsEntry("input_tokens", "40")
        .doesNotContainKeys("micro_usd", "reserved_micros", "model:gpt-4o-mini:micro_usd");
    // beyond a Lua number's exact range: converted as text
    assertThat(hash("v2:cost:tenant:acme:total")).containsEntry("nano_usd", "12345678901234000");
    assertThat(hash("v2:limits:tenant:acme")).containsEntry("daily_budget_nanos", "25000000000").containsEntry("submit_rate", "2.5");

    // a migration that stopped half-way runs again at the next start: nothing is converted twice
    cmd("SET", "v2:layout", "2");
    Store.open(redis, new Keys("v2:")).checkLayout().await();
    assertThat(hash("v2:task:t1:meta")).containsEntry("cost_nanos", "26000");
    assertThat(hash("v2:cost:tenant:acme:total")).containsEntry("nano_usd", "12345678901234000");
  }
}
