package dev.sentinel.watcher;

import dev.sentinel.store.ClaimedTask;
import dev.sentinel.store.StepCommit;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The watcher as a deployed verticle against a real Redis. */
class WatcherTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();

  /**
   * A pass whose batch was filled by `leases` entries that only needed moving up (a step commit
   * renews the hash, not the index) must run again at once: the expired task behind them is taken
   * back in the same sweep, not one watcher interval later. (The check used to count only the tasks
   * taken back, so a batch full of lagging entries ended the sweep.)
   */
  @Test void aBatchFullOfLaggingEntriesDoesNotDelayAnExpiredTaskBehindThem() {
    try (StoreFixture f = redis.fixture();
         TestNode node = new TestNode(redis.url(), f.keys.prefix(), "watcher: {interval_ms: 5000, batch: 2}\n")) {
      List<String> lagging = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String id = f.submit("acme");
        ClaimedTask t = f.claimOne("busy", 200);   // the index says 200 ms ...
        f.leases.commitStep(StepCommit.of(id, t.lease(), 1, "step-1", "step-2", new JsonObject()), "busy", 60_000).await();
        lagging.add(id);                           // ... the hash says a minute: alive
      }
      String dead = f.submit("acme");
      f.claimOne("dead", 400);                     // after the lagging ones in `leases`; never renewed
      StoreFixture.sleep(500);

      node.startWatcher();   // first sweep after one interval (5 s), the next 5 s later: the task must go in the first
      await().atMost(Duration.ofMillis(8_500)).pollInterval(Duration.ofMillis(50))
          .until(() -> "queued".equals(f.meta(dead).get("status")));
      assertThat(f.meta(dead)).containsEntry("attempts", "1");
      for (String id : lagging) assertThat(f.meta(id)).containsEntry("status", "in_progress").containsEntry("attempts", "0");
    }
  }
}
