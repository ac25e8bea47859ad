package dev.sentinel.http;

import dev.sentinel.testing.Http;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Idempotency-Key must not outlive the task it names: with finished tasks kept for less than
 * the key's 24 hours, the key lives no longer than the retention (it starts before the task can
 * finish, so it is gone before retention removes the task).
 */
class IdempotencyRetentionTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;
  TestNode node;

  @BeforeEach void fixture() {
    f = redis.fixture();
  }

  @AfterEach void stop() {
    try {
      if (node != null) node.close();
    } finally {
      f.close();
    }
  }

  private long keyTtlMsWithRetention(String watcherYaml) {
    node = new TestNode(redis.url(), f.keys.prefix(), "http: {port: 0}\n" + watcherYaml);
    Http api = node.startApi();
    Http.Reply r = api.post("/tasks", "{\"tenant_id\":\"acme\",\"task_type\":\"t\",\"agent_type\":\"noop\"}",
        Map.of("Idempotency-Key", "order-7"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return f.cmd(Command.PTTL, f.keys.prefix() + "idem:acme:order-7").toLong();
  }

  @Test void aKeyLivesNoLongerThanFinishedTasksAreKept() {
    assertThat(keyTtlMsWithRetention("watcher: {retention_ms: 3000}\n")).isBetween(1L, 3000L);
  }

  @Test void withTheDefaultRetentionAKeyLives24Hours() {
    assertThat(keyTtlMsWithRetention("")).isBetween(24 * 3600_000L - 60_000, 24 * 3600_000L);
  }
}
