package dev.sentinel.store;

import dev.sentinel.store.LeaseProtocol.Held;
import dev.sentinel.store.Replies.CommitReply;
import dev.sentinel.store.Replies.FailReply;
import dev.sentinel.store.Replies.HandOffReply;
import dev.sentinel.store.Replies.RenewReply;
import dev.sentinel.testing.PrometheusText;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static dev.sentinel.testing.StoreFixture.sleep;
import static dev.sentinel.testing.StoreFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the store counts from the replies it gets, against a real Redis: the fencing's refusals
 * by operation, requeues by reason, and the queue gauges' one read.
 */
class StoreMetricsTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;

  @BeforeEach void fixture() { f = redis.fixture(); }

  @AfterEach void closeFixture() { f.close(); }

  private static double refused(PrometheusText s, String operation) {
    return s.sum("sentinel_stale_writes_refused_total", Map.of("operation", operation));
  }

  @Test void everyWriteOfAZombieTheFencingRefusesIsCountedUnderItsOperation() {
    String id = f.submit("acme");
    ClaimedTask zombie = f.claimOne("zombie", 300);
    assertThat(f.leases.commitStep(step(zombie, 1), "zombie", 300).await().reply()).isEqualTo(CommitReply.OK);
    PrometheusText before = f.scrape();
    assertThat(before.families("sentinel_stale_writes_refused")).as("present before any refusal").isNotEmpty();
    assertThat(before.sum("sentinel_stale_writes_refused_total")).as("an accepted commit is no refusal").isZero();

    sleep(450);   // the zombie is "paused" past its lease
    assertThat(f.sweeps.expireLeases(100).await().requeued()).isEqualTo(1);
    ClaimedTask heir = f.claimOne("heir", 10_000);

    assertThat(f.leases.commitStep(step(zombie, 2), "zombie", 300).await().reply()).isEqualTo(CommitReply.STALE);
    assertThat(f.leases.commitStep(step(zombie, 2), "zombie", 300).await().reply()).isEqualTo(CommitReply.STALE);
    assertThat(f.leases.renew("zombie", 10_000, 1000, new JsonObject(), List.of(new Held(id, zombie.lease())))
        .await().replies()).containsExactly(RenewReply.STALE);
    assertThat(f.leases.fail(id, zombie.lease(), "zombie", 10, "zombie").await().reply()).isEqualTo(FailReply.STALE);
    assertThat(f.leases.release(id, zombie.lease(), "zombie").await()).isEqualTo(HandOffReply.STALE);
    assertThat(f.leases.park(id, zombie.lease(), "zombie", 0, "zombie", "paused").await()).isEqualTo(HandOffReply.STALE);
    assertThat(f.leases.commitStep(step(heir, 2), "heir", 10_000).await().reply()).isEqualTo(CommitReply.OK);

    PrometheusText s = f.scrape();
    assertThat(refused(s, "commit")).isEqualTo(2);
    assertThat(refused(s, "renew")).isEqualTo(1);
    assertThat(refused(s, "fail")).isEqualTo(1);
    assertThat(refused(s, "release")).isEqualTo(1);
    assertThat(refused(s, "park")).isEqualTo(1);
    assertThat(s.sum("sentinel_stale_writes_refused_total")).as("the heir's commit was not refused").isEqualTo(6);
    assertThat(s.sum("sentinel_lease_renewals_total", Map.of("reply", "STALE"))).isEqualTo(1);
    assertThat(s.sum("sentinel_requeues_total", Map.of("reason", "expired_lease"))).isEqualTo(1);
    assertThat(s.sum("sentinel_requeues_total", Map.of("reason", "release"))).as("the refused release requeued nothing").isZero();
    assertThat(s.sum("sentinel_redis_command_seconds_count", Map.of("command", "commit_steps"))).isEqualTo(4);
  }

  @Test void handBacksAndRetriesAreCountedAsRequeuesByReason() {
    f.submit("acme");
    f.submit("acme");
    ClaimedTask released = f.claimOne("w", 10_000);
    ClaimedTask failed = f.claimOne("w", 10_000);
    assertThat(f.leases.release(released.id(), released.lease(), "w").await()).isEqualTo(HandOffReply.OK);
    assertThat(f.leases.fail(failed.id(), failed.lease(), "boom", 10, "w").await().reply()).isEqualTo(FailReply.RETRYING);
    PrometheusText s = f.scrape();
    assertThat(s.sum("sentinel_requeues_total", Map.of("reason", "release"))).isEqualTo(1);
    assertThat(s.sum("sentinel_requeues_total", Map.of("reason", "retry"))).isEqualTo(1);
    assertThat(s.sum("sentinel_requeues_total", Map.of("reason", "expired_lease"))).isZero();
    assertThat(s.sum("sentinel_claim_seconds_count")).isEqualTo(2);
  }

  @Test void queueGaugesReadDepthAndHeadAgePerTenantAndRunningTasksInOneCall() {
    for (int i = 0; i < 3; i++) f.submit("acme");
    f.submit("globex");
    sleep(300);
    f.metrics.queues().update(f.sweeps.queueReading(100).await());
    PrometheusText s = f.scrape();
    assertThat(s.sum("sentinel_queue_depth", Map.of("tenant", "acme"))).isEqualTo(3);
    assertThat(s.sum("sentinel_queue_depth", Map.of("tenant", "globex"))).isEqualTo(1);
    assertThat(s.sum("sentinel_queue_oldest_age_seconds", Map.of("tenant", "acme"))).isGreaterThanOrEqualTo(0.3);
    assertThat(s.sum("sentinel_tasks", Map.of("status", "queued"))).isEqualTo(4);
    assertThat(s.sum("sentinel_tasks", Map.of("status", "failed"))).as("every status, 0 when none").isZero();
    assertThat(s.sum("sentinel_tasks_running")).isZero();

    f.claim("w", 10_000, 10);
    f.metrics.queues().update(f.sweeps.queueReading(100).await());
    s = f.scrape();
    assertThat(s.sum("sentinel_queue_depth")).isZero();
    assertThat(s.sum("sentinel_queue_oldest_age_seconds")).isZero();
    assertThat(s.sum("sentinel_tasks_running")).isEqualTo(4);
    assertThat(s.sum("sentinel_redis_command_seconds_count", Map.of("command", "queries/queue_stats"))).isEqualTo(2);
  }
}
