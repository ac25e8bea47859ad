package dev.sentinel.store;

import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Ready queues: priority and FIFO within a tenant, round-robin across tenants. */
class SchedulingTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;

  @BeforeEach void fixture() { f = redis.fixture(); }

  @AfterEach void closeFixture() { f.close(); }

  @Test void oneTenantsBacklogDoesNotStarveAnotherTenantsSingleTask() {
    for (int i = 0; i < 1000; i++) f.submit("big");
    String lone = f.submit("small");
    List<ClaimedTask> firstTwo = f.claim("w", 10_000, 2);
    assertThat(firstTwo).extracting(ClaimedTask::tenantId).containsExactlyInAnyOrder("big", "small");
    assertThat(firstTwo).extracting(ClaimedTask::id).contains(lone);
  }

  @Test void claimsAlternateAcrossTenants() {
    for (int i = 0; i < 5; i++) {
      f.submit("a");
      f.submit("b");
      f.submit("c");
    }
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 9; i++) order.add(f.claimOne("w", 10_000).tenantId());
    for (int i = 0; i + 3 <= order.size(); i += 3) {
      assertThat(order.subList(i, i + 3)).containsExactlyInAnyOrder("a", "b", "c");
    }
  }

  @Test void higherPriorityFirstThenFifoWithinATenant() {
    String low1 = f.submit(f.task("acme", 3, 0, new JsonObject()));
    String high1 = f.submit(f.task("acme", 3, 10, new JsonObject()));
    String low2 = f.submit(f.task("acme", 3, 0, new JsonObject()));
    String negative = f.submit(f.task("acme", 3, -5, new JsonObject()));
    String high2 = f.submit(f.task("acme", 3, 10, new JsonObject()));
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 5; i++) order.add(f.claimOne("w", 10_000).id());
    assertThat(order).containsExactly(high1, high2, low1, low2, negative);
  }

  @Test void scheduledTaskWaitsForRunAt() {
    long now = Long.parseLong(f.cmd(Command.TIME).get(0).toString()) * 1000;
    String later = f.submit(new NewTask(UUID.randomUUID().toString(), "acme", "noop", "test",
        new JsonObject(), 3, 0, null, now + 1500));
    assertThat(f.meta(later)).containsEntry("status", "scheduled");
    assertThat(f.claim("w", 10_000, 5)).isEmpty();
    StoreFixture.sleep(1600);
    assertThat(f.sweeps.promoteDelayed(10).await().promoted()).isEqualTo(1);
    assertThat(f.claimOne("w", 10_000).id()).isEqualTo(later);
  }
}
