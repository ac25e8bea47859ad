package dev.sentinel.store;

import dev.sentinel.store.Replies.CancelReply;
import dev.sentinel.store.Replies.InputReply;
import dev.sentinel.store.Replies.WaitReply;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** wait.lua and provide_input.lua against a real Redis: the wait's indexes, counters, fencing and deadline. */
class WaitProtocolTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;

  @BeforeEach void fixture() { f = redis.fixture(); }

  @AfterEach void closeFixture() { f.close(); }

  private List<String> members(String key) {
    List<String> out = new ArrayList<>();
    for (Response r : f.cmd(Command.ZRANGE, key, 0, -1)) out.add(r.toString());
    return out;
  }

  private Map<String, Long> counts() {
    return f.queries.countsByStatus("acme").await();
  }

  private WaitReply waitForInput(ClaimedTask t, int step, Long timeoutMs) {
    return f.leases.enterWait(t.id(), t.lease(), "w1", "input", "approve", step, timeoutMs, null).await();
  }

  @Test void enteringAWaitForInputEndsTheRunInOneFencedScript() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    ClaimedTask stale = new ClaimedTask(id, new Lease(t.lease().epoch() - 1, "old"), 0, "acme", "noop", "test",
        new JsonObject(), 0, null, 0, 3, null);
    assertThat(waitForInput(stale, 1, null)).isEqualTo(WaitReply.STALE);
    assertThat(f.meta(id)).containsEntry("status", "leased");

    assertThat(waitForInput(t, 1, null)).isEqualTo(WaitReply.OK);
    Map<String, String> m = f.meta(id);
    assertThat(m).containsEntry("status", "waiting").containsEntry("owner", "").containsEntry("step", "0")
        .containsEntry("wait_node", "approve").containsEntry("wait_step", "1").containsEntry("wait_until", "");
    assertThat(members(f.keys.waiting())).containsExactly(id);
    assertThat(members(f.keys.leases())).isEmpty();
    assertThat(members(f.keys.delayed())).as("no timeout: waiting for no time").isEmpty();
    assertThat(counts()).containsEntry("waiting", 1L).containsEntry("leased", 0L).containsEntry("total_tasks", 1L);
    List<JsonObject> history = f.queries.history(id).await();
    assertThat(history.get(history.size() - 1).getString("type")).isEqualTo("waiting");
    assertThat(history).noneMatch(History::isStep);   // the wait commits no step: the node runs again when served
    // the holder's own renew after the wait is no refusal, a second wait under the old claim changes nothing
    assertThat(waitForInput(t, 1, null)).isEqualTo(WaitReply.FINISHED);
    assertThat(f.queries.listTaskIds(new TaskFilter("waiting", "acme", null, null), "", 0, 10, 1000).await().taskIds())
        .containsExactly(id);
  }

  @Test void anInputQueuesTheTaskOnceAndOnlyWhileItWaitsAtThatStep() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(waitForInput(t, 1, 60_000L)).isEqualTo(WaitReply.OK);
    assertThat(members(f.keys.delayed())).as("a timeout: in delayed by its deadline too").containsExactly(id);
    JsonObject data = new JsonObject().put("approved", true);

    assertThat(f.commands.provideInput(id, 2, data).await().reply()).as("another step's wait").isEqualTo(InputReply.NOT_WAITING);
    assertThat(f.commands.provideInput("nope", 1, data).await().reply()).isEqualTo(InputReply.NOT_FOUND);
    assertThat(f.meta(id)).doesNotContainKey("wait_input");

    assertThat(f.commands.provideInput(id, 1, data).await().reply()).isEqualTo(InputReply.OK);
    assertThat(f.meta(id)).containsEntry("status", "queued").containsEntry("wait_input", data.encode());
    assertThat(members(f.keys.waiting())).isEmpty();
    assertThat(members(f.keys.delayed())).isEmpty();
    assertThat(members(f.keys.readyQueue("acme"))).containsExactly(id);
    assertThat(counts()).containsEntry("waiting", 0L).containsEntry("queued", 1L);

    Results.InputTaken again = f.commands.provideInput(id, 1, new JsonObject().put("approved", false)).await();
    assertThat(again.reply()).isEqualTo(InputReply.NOT_WAITING);
    assertThat(again.status()).isEqualTo("queued");
    assertThat(f.meta(id)).as("the first input stays").containsEntry("wait_input", data.encode());

    ClaimedTask resumed = f.claimOne("w2", 10_000);
    WaitState w = f.leases.waitState(id).await();
    assertThat(w.serves("approve", 1)).isTrue();
    assertThat(w.input()).isEqualTo(data);
    assertThat(resumed.step()).as("the wait committed nothing: the node runs again as step 1").isZero();
  }

  /** A wait entered again at the same node and step (a crash, a retry) keeps its first deadline: a timer never restarts. */
  @Test void aWaitEnteredAgainKeepsItsFirstDeadline() {
    String id = f.submit("acme");
    ClaimedTask first = f.claimOne("w1", 10_000);
    assertThat(f.leases.enterWait(id, first.lease(), "w1", "sleep", "nap", 1, 60_000L, null).await()).isEqualTo(WaitReply.OK);
    Map<String, String> parked = f.meta(id);
    assertThat(parked).containsEntry("status", "scheduled");
    long deadline = Long.parseLong(parked.get("wait_until"));
    assertThat(deadline - Long.parseLong(parked.get("wait_began"))).isEqualTo(60_000L);
    assertThat(f.cmd(Command.ZSCORE, f.keys.delayed(), id).toLong()).isEqualTo(deadline);

    assertThat(f.commands.cancel(id, "test").await().reply()).isEqualTo(CancelReply.OK);
    assertThat(members(f.keys.delayed())).isEmpty();
    f.commands.retry(id).await();
    StoreFixture.sleep(5);   // so that a restarted timer would show a later deadline
    ClaimedTask again = f.claimOne("w2", 10_000);
    assertThat(f.leases.enterWait(id, again.lease(), "w2", "sleep", "nap", 1, 60_000L, null).await()).isEqualTo(WaitReply.OK);
    assertThat(f.meta(id)).containsEntry("wait_until", String.valueOf(deadline)).containsEntry("wait_began", parked.get("wait_began"));
    assertThat(f.cmd(Command.ZSCORE, f.keys.delayed(), id).toLong()).isEqualTo(deadline);

    // the negative control: a wait at another step is a new wait with a deadline of its own
    f.commands.cancel(id, "test").await();
    f.commands.retry(id).await();
    ClaimedTask third = f.claimOne("w3", 10_000);
    assertThat(f.leases.enterWait(id, third.lease(), "w3", "sleep", "nap", 2, 60_000L, null).await()).isEqualTo(WaitReply.OK);
    assertThat(Long.parseLong(f.meta(id).get("wait_until"))).isGreaterThan(deadline);
  }

  @Test void aWaitWhoseDeadlineHasPassedParksNothing() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    long past = f.queries.redisNow().await() - 1000;
    assertThat(f.leases.enterWait(id, t.lease(), "w1", "sleep", "nap", 1, null, past).await()).isEqualTo(WaitReply.DUE);
    assertThat(f.meta(id)).containsEntry("status", "leased").containsEntry("wait_until", String.valueOf(past));
    assertThat(f.leases.waitState(id).await().due()).isTrue();
    assertThat(members(f.keys.delayed())).isEmpty();
  }

  @Test void aTimedOutWaitIsPromotedOutOfWaitingAndCancelClearsBothIndexes() {
    String timedOut = f.submit("acme");
    String cancelled = f.submit("acme");
    ClaimedTask a = f.claimOne("w1", 10_000);
    ClaimedTask b = f.claimOne("w1", 10_000);
    assertThat(f.leases.enterWait(a.id(), a.lease(), "w1", "input", "approve", 1, 1L, null).await()).isEqualTo(WaitReply.OK);
    assertThat(f.leases.enterWait(b.id(), b.lease(), "w1", "input", "approve", 1, 600_000L, null).await()).isEqualTo(WaitReply.OK);
    assertThat(counts()).containsEntry("waiting", 2L);

    StoreFixture.sleep(20);
    assertThat(f.sweeps.promoteDelayed(100).await().promoted()).isEqualTo(1);
    assertThat(f.meta(a.id())).containsEntry("status", "queued");
    assertThat(f.leases.waitState(a.id()).await().due()).isTrue();
    assertThat(f.commands.provideInput(a.id(), 1, new JsonObject()).await().reply())
        .as("the timeout came first").isEqualTo(InputReply.NOT_WAITING);

    assertThat(f.commands.cancel(b.id(), "test").await().reply()).isEqualTo(CancelReply.OK);
    assertThat(members(f.keys.waiting())).isEmpty();
    assertThat(members(f.keys.delayed())).isEmpty();
    assertThat(counts()).containsEntry("waiting", 0L).containsEntry("queued", 1L).containsEntry("cancelled", 1L);
    assertThat(f.meta(timedOut)).containsKey("status");
    assertThat(f.meta(cancelled)).containsEntry("status", "cancelled");
  }
}
