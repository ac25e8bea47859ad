package dev.sentinel.cost;

import dev.sentinel.cost.Usage;
import dev.sentinel.store.ClaimedTask;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A budget reservation belongs to one call of one holder and is given back exactly once: when
 * the holder dies mid-call, taking its lease back (or cancelling the task) gives it back, so the
 * tenant's day does not shrink until midnight; the dead holder's late record or failure, if it
 * wakes, gives nothing back twice, and never the next holder's reservation.
 */
class BudgetReservationTest {

  static final long BUDGET = 1_000_000_000;   // 1 USD a day, in nano-USD
  static final long ESTIMATE = 50_000;

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;
  BudgetGuard guard;
  CostLedger ledger;

  @BeforeEach void fixture() {
    f = redis.fixture();
    guard = new BudgetGuard(f.ledger, BUDGET);
    ledger = new CostLedger(f.ledger);
  }

  @AfterEach void stop() {
    f.close();
  }

  private long reservedToday() {
    Response t = f.cmd(Command.TIME);
    String day = LocalDate.ofInstant(Instant.ofEpochSecond(t.get(0).toLong()), ZoneOffset.UTC).toString();
    Response v = f.cmd(Command.HGET, f.keys.tenantCostDay("acme", day), "reserved_nanos");
    return v == null ? 0 : v.toLong();
  }

  private BudgetGuard.Allowed reserve(String id, String callId) {
    BudgetGuard.Verdict v = guard.check(id, "acme", callId, ESTIMATE).await();
    assertThat(v).isInstanceOf(BudgetGuard.Allowed.class);
    return (BudgetGuard.Allowed) v;
  }

  private CostLedger.Call answered(String id, String callId, long nanos) {
    return new CostLedger.Call(callId, id, "acme", "gpt-4o-mini", 1, 1, "w1", new Usage(10, 5, 0, 0), nanos, 3, "v1", "stub");
  }

  @Test void theExpiryOfADeadHoldersLeaseGivesItsReservationBack() throws InterruptedException {
    String id = f.submit("acme");
    f.claimOne("w1", 100);
    BudgetGuard.Allowed zombie = reserve(id, "call-w1");
    assertThat(reservedToday()).isEqualTo(ESTIMATE);

    // w1 dies mid-call: nothing gives the reservation back but the expiry of its lease
    Thread.sleep(150);
    assertThat(f.sweeps.expireLeases(100).await().requeued()).isEqualTo(1);
    assertThat(reservedToday()).isZero();
    assertThat(f.meta(id)).doesNotContainKeys("budget_call", "budget_nanos", "budget_day");

    // the next holder reserves for its own call
    f.claimOne("w2", 60_000);
    reserve(id, "call-w2");
    assertThat(reservedToday()).isEqualTo(ESTIMATE);

    // w1 wakes: its call failed (nothing to give back) or was answered (recorded, gives nothing back)
    guard.release(id, "call-w1", zombie).await();
    assertThat(reservedToday()).as("w2's reservation is still held").isEqualTo(ESTIMATE);
    assertThat(ledger.record(answered(id, "call-w1", 30_000)).await()).isTrue();
    assertThat(reservedToday()).isEqualTo(ESTIMATE);

    // w2's answer turns its own reservation into the real cost
    assertThat(ledger.record(answered(id, "call-w2", 40_000)).await()).isTrue();
    assertThat(reservedToday()).isZero();
    assertThat(f.meta(id).get("cost_nanos")).isEqualTo("70000");
  }

  @Test void cancellingARunningTaskGivesItsReservationBack() {
    String id = f.submit("acme");
    f.claimOne("w1", 60_000);
    reserve(id, "call-1");
    assertThat(reservedToday()).isEqualTo(ESTIMATE);
    f.commands.cancel(id, "by test").await();
    assertThat(reservedToday()).isZero();
  }

  @Test void aSecondCheckOfTheSameTaskReplacesALostReservationInsteadOfAddingToIt() {
    String id = f.submit("acme");
    f.claimOne("w1", 60_000);
    reserve(id, "call-1");
    reserve(id, "call-2");   // call-1's answer never came and nothing gave it back
    assertThat(reservedToday()).isEqualTo(ESTIMATE);
  }
}
