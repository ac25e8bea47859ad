package dev.sentinel.store;

import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Redis loses its script cache on restart; with appendfsync always it loses no committed step. */
class RedisRestartTest {

  static Vertx vertx;

  @BeforeAll static void start() { vertx = Vertx.vertx(); }

  @AfterAll static void stop() { vertx.close().await(); }

  private static StepCommit step(ClaimedTask t, int step) {
    return StepCommit.of(t.id(), t.lease(), step, "step-" + step, "step-" + (step + 1), new JsonObject().put("step", step));
  }

  @Test void scriptsAreReloadedAfterScriptFlush() {
    try (RedisServerProcess redis = RedisServerProcess.start(); StoreFixture f = new StoreFixture(vertx, redis.url())) {
      f.cmd(Command.SCRIPT, "FLUSH");
      String id = f.submit("acme");   // EVALSHA answers NOSCRIPT, the runner loads and retries
      assertThat(f.meta(id)).containsEntry("status", "queued");
      f.cmd(Command.SCRIPT, "FLUSH");
      assertThat(f.claimOne("w", 10_000).id()).isEqualTo(id);
    }
  }

  @Test void kill9OfRedisWithAppendfsyncAlwaysLosesNoCommittedStep() {
    try (RedisServerProcess redis = RedisServerProcess.start("always"); StoreFixture f = new StoreFixture(vertx, redis.url())) {
      String id = f.submit("acme");
      ClaimedTask t = f.claimOne("w1", 60_000);
      for (int s = 1; s <= 5; s++) {
        assertThat(f.leases.commitStep(step(t, s), "w1", 60_000).await().reply()).isEqualTo(Replies.CommitReply.OK);
      }
      redis.kill9();
      redis.restart();
      // the pooled client reconnects by itself; the restarted server has an empty script cache
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> f.leases.commitStep(step(t, 6), "w1", 60_000).await().reply() == Replies.CommitReply.OK);
      List<StepRecord> steps = f.queries.steps(id).await();
      assertThat(steps).extracting(StepRecord::step).containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(f.queries.checkpoint(id).await().orElseThrow().getInteger("step")).isEqualTo(6);
      assertThat(f.meta(id)).containsEntry("epoch", "1").containsEntry("claim", t.lease().claim()).containsEntry("step", "6");
    }
  }
}
