package dev.sentinel.store;

import dev.sentinel.store.LeaseProtocol.Held;
import dev.sentinel.store.Replies.CancelReply;
import dev.sentinel.store.Replies.CommitReply;
import dev.sentinel.store.Replies.FailReply;
import dev.sentinel.store.Replies.HandOffReply;
import dev.sentinel.store.Replies.RenewReply;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.sentinel.testing.StoreFixture.sleep;
import static dev.sentinel.testing.StoreFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/** The lease protocol against a real Redis: claims, fencing, commits, expiry, cancel, release. */
class LeaseProtocolTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;

  @BeforeEach void fixture() { f = redis.fixture(); }

  @AfterEach void closeFixture() { f.close(); }

  /** A step that ends the graph: its commit completes the task. */
  private StepCommit last(ClaimedTask t, int step) {
    return StepCommit.of(t.id(), t.lease(), step, "step-" + step, null, null, new JsonObject().put("step", step),
        new JsonObject().put("done", true));
  }

  private CommitReply commit(ClaimedTask t, int step, String worker) {
    return f.leases.commitStep(step(t, step), worker, 10_000).await().reply();
  }

  private CommitReply commitLast(ClaimedTask t, int step, String worker) {
    return f.leases.commitStep(last(t, step), worker, 10_000).await().reply();
  }

  private List<Map<String, String>> refusals() {
    List<Map<String, String>> out = new ArrayList<>();
    for (Response entry : f.cmd(Command.XRANGE, f.keys.auditRefused(), "-", "+")) {
      Map<String, String> fields = new HashMap<>();
      Response kv = entry.get(1);
      for (int i = 0; i + 1 < kv.size(); i += 2) fields.put(kv.get(i).toString(), kv.get(i + 1).toString());
      out.add(fields);
    }
    return out;
  }

  @Test void claimRaceGrantsOneTaskToExactlyOneWorker() {
    String id = f.submit("acme");
    // 40 workers on separate connections claim at the same moment
    List<Future<List<ClaimedTask>>> claims = new ArrayList<>();
    for (int w = 0; w < 40; w++) claims.add(f.leases.claim("w" + w, 10_000, "w" + w + ":c", 1));
    Future.join(claims).await();
    List<ClaimedTask> granted = claims.stream().flatMap(c -> c.result().stream()).toList();
    assertThat(granted).hasSize(1);
    assertThat(granted.get(0).id()).isEqualTo(id);
    assertThat(granted.get(0).lease().epoch()).isEqualTo(1);
    assertThat(f.meta(id)).containsEntry("status", "leased").containsEntry("epoch", "1");
  }

  @Test void concurrentClaimersGetEveryTaskExactlyOnce() {
    Set<String> submitted = new HashSet<>();
    for (int i = 0; i < 300; i++) submitted.add(f.submit("tenant-" + (i % 7)));
    List<Future<List<ClaimedTask>>> claims = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      for (int w = 0; w < 10; w++) claims.add(f.leases.claim("w" + w, 10_000, "w" + w + ":" + round, 3));
    }
    Future.join(claims).await();
    List<String> granted = claims.stream().flatMap(c -> c.result().stream()).map(ClaimedTask::id).toList();
    assertThat(granted).doesNotHaveDuplicates().hasSize(300);
    assertThat(new HashSet<>(granted)).isEqualTo(submitted);
    assertThat(f.claim("late", 10_000, 10)).isEmpty();
  }

  @Test void commitIsFencedIdempotentAndInOrder() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(commit(t, 1, "w1")).isEqualTo(CommitReply.OK);
    assertThat(commit(t, 1, "w1")).isEqualTo(CommitReply.DUP);        // replay after a lost reply
    assertThat(commit(t, 3, "w1")).isEqualTo(CommitReply.OUT_OF_ORDER); // a gap is never accepted
    assertThat(commit(t, 2, "w1")).isEqualTo(CommitReply.OK);
    ClaimedTask forged = new ClaimedTask(id, new Lease(t.lease().epoch(), "someone-else"), 0, "acme", "noop", "test",
        new JsonObject(), 0, "", 0, 3, null);
    assertThat(commit(forged, 3, "w2")).isEqualTo(CommitReply.STALE);  // same epoch, other claim id
    List<StepRecord> steps = f.queries.steps(id).await();
    assertThat(steps).extracting(StepRecord::step).containsExactly(1, 2);
    assertThat(f.meta(id)).containsEntry("step", "2").containsEntry("status", "in_progress");
  }

  @Test void zombieWorkerCannotWriteAfterItsLeaseExpired() {
    String id = f.submit("acme");
    ClaimedTask zombie = f.claimOne("zombie", 300);
    assertThat(commit(zombie, 1, "zombie")).isEqualTo(CommitReply.OK);
    assertThat(f.leases.commitStep(step(zombie, 2), "zombie", 300).await().reply()).isEqualTo(CommitReply.OK);
    sleep(450);   // the zombie is "paused" past its lease
    assertThat(f.sweeps.expireLeases(100).await().requeued()).isEqualTo(1);

    // after expiry, before anyone re-claimed: every write is refused
    assertThat(commit(zombie, 3, "zombie")).isEqualTo(CommitReply.STALE);
    ClaimedTask heir = f.claimOne("heir", 10_000);
    assertThat(heir.lease().epoch()).isEqualTo(3);   // claim 1, expiry 2, claim 3
    assertThat(heir.checkpoint().getInteger("step")).isEqualTo(2);
    assertThat(heir.checkpoint().getJsonObject("state")).isEqualTo(new JsonObject().put("steps", 5).put("step", 2));

    // the zombie wakes up and tries everything
    assertThat(commit(zombie, 3, "zombie")).isEqualTo(CommitReply.STALE);
    assertThat(f.leases.renew("zombie", 10_000, 1000, new JsonObject(), List.of(new Held(id, zombie.lease())))
        .await().replies()).containsExactly(RenewReply.STALE);
    assertThat(commitLast(zombie, 3, "zombie")).isEqualTo(CommitReply.STALE);
    assertThat(f.leases.fail(id, zombie.lease(), "zombie", 10, "zombie").await().reply()).isEqualTo(FailReply.STALE);
    assertThat(f.leases.release(id, zombie.lease(), "zombie").await()).isEqualTo(HandOffReply.STALE);
    assertThat(f.leases.park(id, zombie.lease(), "zombie", 0, "zombie", "paused").await()).isEqualTo(HandOffReply.STALE);

    // every refused write left an audit record naming the superseded lease, the operation and the answer
    List<String> ops = new ArrayList<>();
    for (Map<String, String> fields : refusals()) {
      assertThat(fields).containsEntry("task_id", id).containsEntry("epoch", "1").containsEntry("claim", zombie.lease().claim())
          .containsEntry("reply", "STALE");
      ops.add(fields.get("op"));
    }
    assertThat(ops).containsExactly("commit_step", "commit_step", "renew", "commit_step", "fail", "release", "park");
    // and each is in the task's own history, where its timeline shows it
    List<JsonObject> inHistory = new ArrayList<>();
    for (Response r : f.cmd(Command.LRANGE, f.keys.history(id), "0", "-1")) {
      JsonObject rec = new JsonObject(r.toString());
      if ("refused".equals(rec.getString("type"))) inHistory.add(rec);
    }
    assertThat(inHistory).extracting(r -> r.getString("op")).containsExactlyElementsOf(ops);
    assertThat(inHistory).allSatisfy(r -> assertThat(r.getMap()).containsEntry("epoch", "1")
        .containsEntry("claim", zombie.lease().claim()).containsEntry("reply", "STALE").containsKey("current_epoch"));

    // none of it landed; the heir goes on
    assertThat(commit(heir, 3, "heir")).isEqualTo(CommitReply.OK);
    Map<String, String> meta = f.meta(id);
    assertThat(meta).containsEntry("owner", "heir").containsEntry("step", "3").containsEntry("status", "in_progress")
        .containsEntry("attempts", "1");
    assertThat(meta.get("result")).isNull();
    List<StepRecord> steps = f.queries.steps(id).await();
    assertThat(steps).extracting(StepRecord::workerId).containsExactly("zombie", "zombie", "heir");
    assertThat(steps).extracting(StepRecord::step).containsExactly(1, 2, 3);
  }

  @Test void expiredTaskResumesFromItsLastCommittedStep() {
    String id = f.submit("acme");
    ClaimedTask crashed = f.claimOne("crashed", 200);
    assertThat(f.leases.commitStep(step(crashed, 1), "crashed", 200).await().reply()).isEqualTo(CommitReply.OK);
    assertThat(f.leases.commitStep(step(crashed, 2), "crashed", 200).await().reply()).isEqualTo(CommitReply.OK);
    sleep(350);
    Results.Expired expired = f.sweeps.expireLeases(100).await();
    assertThat(expired.taskIds()).containsExactly(id);
    assertThat(f.meta(id)).containsEntry("status", "queued").containsEntry("attempts", "1").containsEntry("owner", "");
    ClaimedTask resumed = f.claimOne("survivor", 10_000);
    assertThat(resumed.step()).isEqualTo(2);
    assertThat(resumed.currentNode()).isEqualTo("step-3");
    assertThat(resumed.checkpoint().getInteger("step")).isEqualTo(2);
    assertThat(resumed.checkpoint().getString("next_node")).isEqualTo("step-3");
    assertThat(commit(resumed, 3, "survivor")).isEqualTo(CommitReply.OK);
  }

  @Test void liveLeaseIsNotExpiredAndRenewKeepsItAlive() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 400);
    for (int i = 0; i < 4; i++) {
      sleep(150);
      assertThat(f.leases.renew("w1", 400, 1000, new JsonObject(), List.of(new Held(id, t.lease())))
          .await().replies()).containsExactly(RenewReply.OK);
      assertThat(f.sweeps.expireLeases(100).await().taskIds()).isEmpty();
    }
    assertThat(f.meta(id)).containsEntry("status", "leased").containsEntry("attempts", "0");
    assertThat(f.cmd(Command.GET, f.keys.heartbeat("w1"))).isNotNull();
  }

  /**
   * A step commit renews the lease in the task hash only; the `leases` index keeps the claim's
   * time. The watcher must trust the hash: it moves the index entry up and takes nothing back.
   */
  @Test void aCommitKeepsTheLeaseAliveThoughTheIndexStillHoldsTheClaimTime() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 300);
    assertThat(f.leases.commitStep(StepCommit.of(id, t.lease(), 1, "step-1", "step-2", new JsonObject().put("step", 1)),
        "w1", 60_000).await().reply()).isEqualTo(CommitReply.OK);
    assertThat(f.cmd(Command.ZSCORE, f.keys.leases(), id).toLong()).as("index still at the claim's lease").isEqualTo(t.leaseExpires());
    sleep(450);   // past the claim's lease, well within the commit's

    assertThat(f.sweeps.expireLeases(100).await().taskIds()).isEmpty();
    Map<String, String> m = f.meta(id);
    assertThat(m).containsEntry("status", "in_progress").containsEntry("attempts", "0").containsEntry("epoch", String.valueOf(t.lease().epoch()));
    assertThat(f.cmd(Command.ZSCORE, f.keys.leases(), id).toLong()).as("the watcher moved the index up to the hash")
        .isEqualTo(Long.parseLong(m.get("lease_expires")));

    // without the commit, the same wait takes the task back
    String other = f.submit("acme");
    f.claimOne("w2", 300);
    sleep(450);
    assertThat(f.sweeps.expireLeases(100).await().taskIds()).containsExactly(other);
  }

  @Test void poisonTaskFailsForGoodAfterMaxAttempts() {
    String id = f.submit(f.task("acme", 3, 0, new JsonObject()));
    for (int attempt = 1; attempt <= 3; attempt++) {
      ClaimedTask t = f.claimOne("doomed-" + attempt, 100);   // the worker dies each time
      assertThat(t.id()).isEqualTo(id);
      sleep(180);
      f.sweeps.expireLeases(100).await();
      assertThat(f.meta(id)).containsEntry("attempts", String.valueOf(attempt));
    }
    Map<String, String> meta = f.meta(id);
    assertThat(meta).containsEntry("status", "failed");
    assertThat(meta.get("error")).contains("lease expired");
    assertThat(f.claim("anyone", 1000, 5)).isEmpty();
    assertThat(f.cmd(Command.ZSCORE, f.keys.finished(), id)).isNotNull();
    assertThat(f.cmd(Command.ZCARD, f.keys.leases()).toInteger()).isZero();
  }

  @Test void twoWatchersNeverRequeueATaskTwice() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) ids.add(f.submit("tenant-" + (i % 3)));
    assertThat(f.claim("dead", 150, 60)).hasSize(60);
    sleep(250);
    List<Future<Results.Expired>> sweeps = new ArrayList<>();
    for (int w = 0; w < 6; w++) sweeps.add(f.sweeps.expireLeases(25));   // several watchers, small batches
    Future.join(sweeps).await();
    while (f.sweeps.expireLeases(25).await().taskIds().size() > 0) { /* drain what the batches left */ }
    int requeued = sweeps.stream().mapToInt(s -> s.result().requeued()).sum();
    List<String> handled = sweeps.stream().flatMap(s -> s.result().taskIds().stream()).toList();
    assertThat(handled).doesNotHaveDuplicates();
    for (String id : ids) {
      assertThat(f.meta(id)).containsEntry("attempts", "1").containsEntry("epoch", "2").containsEntry("status", "queued");
    }
    long queued = 0;
    for (int t = 0; t < 3; t++) queued += f.cmd(Command.ZCARD, f.keys.readyQueue("tenant-" + t)).toLong();
    assertThat(queued).isEqualTo(60);
    assertThat(requeued).isLessThanOrEqualTo(60);
    assertThat(f.claim("next", 10_000, 100)).hasSize(60);
  }

  @Test void cancellingAQueuedTaskRemovesItFromTheQueue() {
    String id = f.submit("acme");
    assertThat(f.commands.cancel(id, "no longer needed").await().reply()).isEqualTo(CancelReply.OK);
    assertThat(f.claim("w", 1000, 5)).isEmpty();
    assertThat(f.meta(id)).containsEntry("status", "cancelled");
    assertThat(f.cmd(Command.LLEN, f.keys.tenantRing()).toInteger()).isZero();
    assertThat(f.commands.cancel(id, "again").await().reply()).isEqualTo(CancelReply.FINISHED);
    assertThat(f.commands.cancel("no-such-task", "x").await().reply()).isEqualTo(CancelReply.NOT_FOUND);
  }

  @Test void cancellingARunningTaskFencesOffItsWorker() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(commit(t, 1, "w1")).isEqualTo(CommitReply.OK);
    assertThat(f.commands.cancel(id, "stop").await()).isEqualTo(new Results.Cancelled(CancelReply.OK, "in_progress"));
    assertThat(commit(t, 2, "w1")).isEqualTo(CommitReply.CANCELLED);
    assertThat(commitLast(t, 2, "w1")).isEqualTo(CommitReply.CANCELLED);
    // a refusal because of a cancel is logged too: a checker sees every write that did not land
    assertThat(refusals()).extracting(r -> r.get("reply")).containsExactly("CANCELLED", "CANCELLED");
    assertThat(f.queries.steps(id).await()).hasSize(1);
    assertThat(f.meta(id)).containsEntry("status", "cancelled");
    assertThat(f.cmd(Command.ZSCORE, f.keys.leases(), id)).isNull();
  }

  @Test void releaseHandsATaskBackWithoutCountingAnAttempt() {
    String first = f.submit("acme");
    String second = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(t.id()).isEqualTo(first);
    assertThat(commit(t, 1, "w1")).isEqualTo(CommitReply.OK);
    assertThat(f.leases.release(first, t.lease(), "w1").await()).isEqualTo(HandOffReply.OK);
    assertThat(f.meta(first)).containsEntry("status", "queued").containsEntry("attempts", "0").containsEntry("owner", "");
    ClaimedTask again = f.claimOne("w2", 10_000);
    assertThat(again.id()).as("a handed-back task keeps its place in line").isEqualTo(first);
    assertThat(again.checkpoint().getInteger("step")).isEqualTo(1);
    assertThat(f.leases.release(first, t.lease(), "w1").await()).isEqualTo(HandOffReply.STALE);
    assertThat(f.claimOne("w3", 10_000).id()).isEqualTo(second);
  }

  @Test void failedNodeIsRetriedAfterBackoffThenFailsForGood() {
    String id = f.submit(f.task("acme", 2, 0, new JsonObject()));
    ClaimedTask t = f.claimOne("w1", 10_000);
    Results.Failed first = f.leases.fail(id, t.lease(), "boom", 200, "w1").await();
    assertThat(first.reply()).isEqualTo(FailReply.RETRYING);
    assertThat(f.meta(id)).containsEntry("status", "retrying").containsEntry("error", "boom");
    assertThat(f.sweeps.promoteDelayed(100).await().promoted()).isZero();   // not due yet
    assertThat(f.claim("w2", 10_000, 1)).isEmpty();
    sleep(300);
    assertThat(f.sweeps.promoteDelayed(100).await().promoted()).isEqualTo(1);
    ClaimedTask retry = f.claimOne("w2", 10_000);
    Results.Failed last = f.leases.fail(id, retry.lease(), "boom again", 200, "w2").await();
    assertThat(last.reply()).isEqualTo(FailReply.FAILED);
    assertThat(last.attempts()).isEqualTo(2);
    assertThat(f.meta(id)).containsEntry("status", "failed").containsEntry("error", "boom again");
  }

  @Test void completedTaskIsRemovedWithItsIndexEntriesAndCountsAfterRetention() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(commit(t, 1, "w1")).isEqualTo(CommitReply.OK);
    assertThat(commitLast(t, 2, "w1")).isEqualTo(CommitReply.OK);
    f.cmd(Command.HSET, f.keys.calls(id), "call-1", "{}");
    assertThat(f.sweeps.applyRetention(60_000, 100).await()).isZero();
    assertThat(f.meta(id)).containsEntry("status", "completed");
    assertThat(counts("acme")).containsEntry("completed", "1").containsEntry("total", "1");
    sleep(20);
    assertThat(f.sweeps.applyRetention(10, 100).await()).isEqualTo(1);
    assertThat(f.queries.get(id).await()).isEmpty();
    for (String key : List.of(f.keys.history(id), f.keys.calls(id))) {
      assertThat(f.cmd(Command.EXISTS, key).toInteger()).as(key).isZero();
    }
    for (String index : List.of(f.keys.finished(), f.keys.tenantTasks("acme"))) {
      assertThat(f.cmd(Command.ZSCORE, index, id)).as(index).isNull();
    }
    assertThat(counts("acme")).containsEntry("completed", "0").containsEntry("total", "0");
    assertThat(counts(null)).containsEntry("completed", "0").containsEntry("total", "0");
  }

  private Map<String, String> counts(String tenant) {
    Map<String, String> m = new HashMap<>();
    Response r = f.cmd(Command.HGETALL, tenant == null ? f.keys.counts() : f.keys.tenantCounts(tenant));
    for (String k : r.getKeys()) m.put(k, r.get(k).toString());
    return m;
  }

  /** The counters hold, per status, exactly the tasks in it, cluster-wide and per tenant, after every transition. */
  @Test void countersAndIndexesFollowEveryTransition() {
    String id = f.submit("acme");
    assertThat(counts("acme")).containsEntry("queued", "1").containsEntry("total", "1");
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(counts("acme")).containsEntry("queued", "0").containsEntry("leased", "1");
    assertThat(f.cmd(Command.ZSCORE, f.keys.leases(), id)).isNotNull();
    commit(t, 1, "w1");
    assertThat(counts("acme")).containsEntry("leased", "0").containsEntry("in_progress", "1");
    assertThat(f.leases.fail(id, t.lease(), "boom", 60_000, "w1").await().reply()).isEqualTo(FailReply.RETRYING);
    assertThat(counts("acme")).containsEntry("in_progress", "0").containsEntry("retrying", "1");
    assertThat(f.cmd(Command.ZSCORE, f.keys.leases(), id)).isNull();
    assertThat(f.cmd(Command.ZSCORE, f.keys.delayed(), id)).isNotNull();
    assertThat(f.commands.cancel(id, "stop").await().reply()).isEqualTo(CancelReply.OK);
    assertThat(counts("acme")).containsEntry("retrying", "0").containsEntry("cancelled", "1").containsEntry("total", "1");
    assertThat(f.cmd(Command.ZSCORE, f.keys.delayed(), id)).isNull();
    assertThat(f.cmd(Command.ZSCORE, f.keys.finished(), id)).isNotNull();
    assertThat(f.commands.retry(id).await().reply()).isEqualTo(Replies.RetryReply.OK);
    assertThat(counts("acme")).containsEntry("cancelled", "0").containsEntry("queued", "1");
    ClaimedTask again = f.claimOne("w2", 10_000);
    assertThat(again.checkpoint().getInteger("step")).as("a retry resumes from the history").isEqualTo(1);
    // a one-step run: leased straight to completed
    assertThat(commitLast(again, 2, "w2")).isEqualTo(CommitReply.OK);
    assertThat(counts("acme")).containsEntry("leased", "0").containsEntry("in_progress", "0").containsEntry("completed", "1")
        .containsEntry("total", "1");
    assertThat(counts(null)).containsEntry("completed", "1").containsEntry("total", "1");
  }

  /** A lost claim reply: the worker asks again with the same claim id base and gets the same grants. */
  @Test void aClaimRepeatedAfterALostReplyGetsTheSameTasksWithoutCostingThemAnAttempt() {
    for (int i = 0; i < 3; i++) f.submit("acme");
    List<ClaimedTask> first = f.leases.claim("w1", 10_000, "w1:lost", 2).await();
    List<ClaimedTask> again = f.leases.claim("w1", 10_000, "w1:lost", 2, 0, true).await();
    assertThat(again).extracting(ClaimedTask::id).containsExactlyElementsOf(first.stream().map(ClaimedTask::id).toList());
    assertThat(again).extracting(ClaimedTask::lease).containsExactlyElementsOf(first.stream().map(ClaimedTask::lease).toList());
    for (ClaimedTask t : again) assertThat(f.meta(t.id())).containsEntry("epoch", "1").containsEntry("attempts", "0");
    assertThat(f.leases.claim("w1", 10_000, "w1:next", 5).await()).hasSize(1);   // only the third is left
    assertThat(counts("acme")).containsEntry("leased", "3").containsEntry("queued", "0");
  }

  /** A claim that fails half-way (a damaged task hash) loses none of the other tasks it popped. */
  @Test void aClaimThatFailsHalfWayPutsTheTasksItPoppedBackInTheirQueue() {
    String good1 = f.submit("acme");
    String damaged = f.submit("acme");
    String good2 = f.submit("acme");
    f.cmd(Command.DEL, f.keys.meta(damaged));
    f.cmd(Command.SET, f.keys.meta(damaged), "not a hash");
    assertThat(f.leases.claim("w1", 10_000, "w1:a", 3).toCompletionStage().toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5));
    // the one granted before the failure comes back to a repeat of the same call
    assertThat(f.leases.claim("w1", 10_000, "w1:a", 3, 0, true).await()).extracting(ClaimedTask::id).containsExactly(good1);
    // the one after the damaged task is still queued, the damaged one is out of the queue
    assertThat(f.leases.claim("w2", 10_000, "w2:b", 3).await()).extracting(ClaimedTask::id).containsExactly(good2);
    assertThat(f.cmd(Command.ZCARD, f.keys.readyQueue("acme")).toLong()).isZero();
  }

  /** A renew that raced its own final commit or release is not a refusal; every real refusal is logged. */
  @Test void aRenewAfterItsOwnFinalCommitOrReleaseIsNotLoggedAsRefused() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(commitLast(t, 1, "w1")).isEqualTo(CommitReply.OK);
    assertThat(f.leases.renew("w1", 10_000, 1000, new JsonObject(), List.of(new Held(id, t.lease()))).await().replies())
        .containsExactly(RenewReply.FINISHED);
    assertThat(refusals()).isEmpty();
    // the same after its own release: the run is over, nobody else holds the task
    String other = f.submit("acme");
    ClaimedTask u = f.claimOne("w1", 10_000);
    assertThat(f.leases.release(other, u.lease(), "w1").await()).isEqualTo(HandOffReply.OK);
    assertThat(f.leases.renew("w1", 10_000, 1000, new JsonObject(), List.of(new Held(other, u.lease()))).await().replies())
        .containsExactly(RenewReply.FINISHED);
    assertThat(commit(u, 1, "w1")).as("a late commit of a released run is not accepted").isEqualTo(CommitReply.STALE);
    assertThat(refusals()).isEmpty();
    assertThat(f.leases.renew("w1", 10_000, 1000, new JsonObject(), List.of(new Held("gone", t.lease()))).await().replies())
        .containsExactly(RenewReply.NOT_FOUND);
    assertThat(refusals()).extracting(r -> r.get("reply")).containsExactly("NOT_FOUND");
  }
}
