package dev.sentinel.cost;

import dev.sentinel.cost.Usage;
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
 * Keys the ledger and the heartbeats write must not grow without bound: a day's cost key expires
 * (400 days after its day), a call recorded after its task was removed does not bring the task's
 * keys back (its call_id record alone stays a day, to keep the record idempotent), and workers
 * gone for a day leave the `workers` index without anyone listing them.
 */
class BoundedKeysTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;
  CostLedger ledger;

  @BeforeEach void fixture() {
    f = redis.fixture();
    ledger = new CostLedger(f.ledger);
  }

  @AfterEach void stop() {
    f.close();
  }

  private long redisNowMs() {
    Response t = f.cmd(Command.TIME);
    return t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
  }

  private CostLedger.Call call(String taskId, String callId) {
    return new CostLedger.Call(callId, taskId, "acme", "gpt-4o-mini", 1, 1, "w1", new Usage(10, 5, 0, 0), 42, 3, "v1", "stub");
  }

  @Test void aDaysCostKeyExpires400DaysAfterItsDay() {
    String id = f.submit("acme");
    assertThat(ledger.record(call(id, "c1")).await()).isTrue();
    long now = redisNowMs();
    String day = LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC).toString();
    long expiresAt = f.cmd(Command.PEXPIRETIME, f.keys.prefix() + "cost:tenant:acme:" + day).toLong();
    long dayEnd = (now / 86_400_000 + 1) * 86_400_000;
    assertThat(expiresAt).isEqualTo(dayEnd + 400L * 86_400_000);
    assertThat(f.cmd(Command.PTTL, f.keys.prefix() + "cost:tenant:acme:total").toLong()).as("the all-time total is kept").isEqualTo(-1);
  }

  @Test void aCallRecordedAfterItsTaskWasRemovedDoesNotBringTheTaskBack() {
    String gone = "0d5c1c9e-0000-4000-8000-000000000001";   // never submitted, as if removed by retention
    assertThat(ledger.record(call(gone, "late-1")).await()).isTrue();
    assertThat(f.cmd(Command.EXISTS, f.keys.meta(gone)).toLong()).isZero();
    assertThat(f.cmd(Command.EXISTS, f.keys.history(gone)).toLong()).isZero();
    long ttl = f.cmd(Command.PTTL, f.keys.calls(gone)).toLong();
    assertThat(ttl).as("the call_id record expires").isBetween(1L, 86_400_000L);
    // still idempotent while it lasts, and the tenant was still charged once
    assertThat(ledger.record(call(gone, "late-1")).await()).isFalse();
    assertThat(f.cmd(Command.HGET, f.keys.prefix() + "cost:tenant:acme:total", "nano_usd").toLong()).isEqualTo(42);

    // a live task's call records stay as long as the task
    String live = f.submit("acme");
    ledger.record(call(live, "c2")).await();
    assertThat(f.cmd(Command.PTTL, f.keys.calls(live)).toLong()).isEqualTo(-1);
  }

  @Test void theRetentionSweepDropsWorkersNotHeardFromForADay() {
    long now = redisNowMs();
    f.cmd(Command.ZADD, f.keys.workers(), now - 2 * 86_400_000L, "gone-worker", now - 1000, "live-worker");
    f.sweeps.applyRetention(7 * 86_400_000L, 100).await();
    assertThat(f.cmd(Command.ZRANGE, f.keys.workers(), 0, -1)).extracting(Response::toString).containsExactly("live-worker");
  }
}
