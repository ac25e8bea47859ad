package dev.sentinel.store;

import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.sentinel.testing.StoreFixture.sleep;
import static org.assertj.core.api.Assertions.assertThat;

/** The lease protocol against a real Redis: claims, fencing, commits, expiry, cancel, release. */
class LeaseProtocolTest {

  static RedisServerProcess redisServer;
  static Vertx vertx;
  StoreFixture f;

  @BeforeAll static void startRedis() {
    redisServer = RedisServerProcess.start();
    vertx = Vertx.vertx();
  }

  @AfterAll static void stopRedis() {
    vertx.close().await();
    redisServer.close();
  }

  @BeforeEach void fixture() { f = new StoreFixture(vertx, redisServer.url()); }

  @AfterEach void closeFixture() { f.close(); }

  private StepCommit step(ClaimedTask t, int step) {
    JsonObject cp = new JsonObject().put("schema_version", 1).put("step", step).put("next_node", "step-" + (step + 1))
        .put("state", new JsonObject().put("step", step));
    return new StepCommit(t.id(), t.lease(), step, "step-" + step, "step-" + (step + 1), cp);
  }

  private Reply commit(ClaimedTask t, int step, String worker) {
    return f.store.commitStep(step(t, step), worker, 10_000, 0).await().reply();
  }

  @Test void claimRaceGrantsOneTaskToExactlyOneWorker() {
    String id = f.submit("acme");
    // 40 workers on separate connections claim at the same moment
    List<Future<List<ClaimedTask>>> claims = new ArrayList<>();
    for (int w = 0; w < 40; w++) claims.add(f.store.claim("w" + w, 10_000, "w" + w + ":c", 1));
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
      for (int w = 0; w < 10; w++) claims.add(f.store.claim("w" + w, 10_000, "w" + w + ":" + round, 3));
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
    assertThat(commit(t, 1, "w1")).isEqualTo(Reply.OK);
    assertThat(commit(t, 1, "w1")).isEqualTo(Reply.DUP);        // replay after a lost reply
    assertThat(commit(t, 3, "w1")).isEqualTo(Reply.OUT_OF_ORDER); // a gap is never accepted
    assertThat(commit(t, 2, "w1")).isEqualTo(Reply.OK);
    ClaimedTask forged = new ClaimedTask(id, new Lease(t.lease().epoch(), "someone-else"), 0, "acme", "noop", "test",
        new JsonObject(), 0, "", 0, 3, null);
    assertThat(commit(forged, 3, "w2")).isEqualTo(Reply.STALE);  // same epoch, other claim id
    List<JsonObject> steps = f.store.steps(id).await();
    assertThat(steps).extracting(s -> s.getInteger("step")).containsExactly(1, 2);
    assertThat(f.meta(id)).containsEntry("step", "2").containsEntry("status", "in_progress");
  }

  @Test void zombieWorkerCannotWriteAfterItsLeaseExpired() {
    String id = f.submit("acme");
    ClaimedTask zombie = f.claimOne("zombie", 300);
    assertThat(commit(zombie, 1, "zombie")).isEqualTo(Reply.OK);
    assertThat(f.store.commitStep(step(zombie, 2), "zombie", 300, 0).await().reply()).isEqualTo(Reply.OK);
    sleep(450);   // the zombie is "paused" past its lease
    assertThat(f.store.expireLeases(100).await().requeued()).isEqualTo(1);

    // after expiry, before anyone re-claimed: every write is refused
    assertThat(commit(zombie, 3, "zombie")).isEqualTo(Reply.STALE);
    ClaimedTask heir = f.claimOne("heir", 10_000);
    assertThat(heir.lease().epoch()).isEqualTo(3);   // claim 1, expiry 2, claim 3
    assertThat(heir.checkpoint().getInteger("step")).isEqualTo(2);

    // the zombie wakes up and tries everything
    assertThat(commit(zombie, 3, "zombie")).isEqualTo(Reply.STALE);
    assertThat(f.store.renew("zombie", 10_000, 1000, new JsonObject(), List.of(new TaskStore.Held(id, zombie.lease())))
        .await().replies()).containsExactly(Reply.STALE);
    assertThat(f.store.complete(id, zombie.lease(), new JsonObject().put("zombie", true), "zombie").await()).isEqualTo(Reply.STALE);
    assertThat(f.store.fail(id, zombie.lease(), "zombie", 10, "zombie").await().reply()).isEqualTo(Reply.STALE);
    assertThat(f.store.release(id, zombie.lease(), "zombie").await()).isEqualTo(Reply.STALE);

    // every refused write left an audit record naming the superseded lease and the operation
    Response refused = f.cmd(Command.XRANGE, f.keys.auditRefused(), "-", "+");
    List<String> ops = new java.util.ArrayList<>();
    for (Response entry : refused) {
      Map<String, String> fields = new java.util.HashMap<>();
      Response kv = entry.get(1);
      for (int i = 0; i + 1 < kv.size(); i += 2) fields.put(kv.get(i).toString(), kv.get(i + 1).toString());
      assertThat(fields).containsEntry("task_id", id).containsEntry("epoch", "1").containsEntry("claim", zombie.lease().claim());
      ops.add(fields.get("op"));
    }
    assertThat(ops).containsExactly("commit_step", "commit_step", "renew", "complete", "fail", "release");

    // none of it landed; the heir goes on
    assertThat(commit(heir, 3, "heir")).isEqualTo(Reply.OK);
    Map<String, String> meta = f.meta(id);
    assertThat(meta).containsEntry("owner", "heir").containsEntry("step", "3").containsEntry("status", "in_progress")
        .containsEntry("attempts", "1");
    assertThat(meta.get("result")).isNull();
    List<JsonObject> steps = f.store.steps(id).await();
    assertThat(steps).extracting(s -> s.getString("worker_id")).containsExactly("zombie", "zombie", "heir");
    assertThat(steps).extracting(s -> s.getInteger("step")).containsExactly(1, 2, 3);
  }

  @Test void expiredTaskResumesFromItsLastCommittedStep() {
    String id = f.submit("acme");
    ClaimedTask crashed = f.claimOne("crashed", 200);
    assertThat(f.store.commitStep(step(crashed, 1), "crashed", 200, 0).await().reply()).isEqualTo(Reply.OK);
    assertThat(f.store.commitStep(step(crashed, 2), "crashed", 200, 0).await().reply()).isEqualTo(Reply.OK);
    sleep(350);
    Results.Expired expired = f.store.expireLeases(100).await();
    assertThat(expired.taskIds()).containsExactly(id);
    assertThat(f.meta(id)).containsEntry("status", "queued").containsEntry("attempts", "1").containsEntry("owner", "");
    ClaimedTask resumed = f.claimOne("survivor", 10_000);
    assertThat(resumed.step()).isEqualTo(2);
    assertThat(resumed.currentNode()).isEqualTo("step-3");
    assertThat(resumed.checkpoint().getInteger("step")).isEqualTo(2);
    assertThat(commit(resumed, 3, "survivor")).isEqualTo(Reply.OK);
  }

  @Test void liveLeaseIsNotExpiredAndRenewKeepsItAlive() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 400);
    for (int i = 0; i < 4; i++) {
      sleep(150);
      assertThat(f.store.renew("w1", 400, 1000, new JsonObject(), List.of(new TaskStore.Held(id, t.lease())))
          .await().replies()).containsExactly(Reply.OK);
      assertThat(f.store.expireLeases(100).await().taskIds()).isEmpty();
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
    assertThat(f.store.commitStep(new StepCommit(id, t.lease(), 1, "step-1", "step-2", new JsonObject().put("step", 1)),
        "w1", 60_000, 0).await().reply()).isEqualTo(Reply.OK);
    assertThat(f.cmd(Command.ZSCORE, f.keys.leases(), id).toLong()).as("index still at the claim's lease").isEqualTo(t.leaseExpires());
    sleep(450);   // past the claim's lease, well within the commit's

    assertThat(f.store.expireLeases(100).await().taskIds()).isEmpty();
    Map<String, String> m = f.meta(id);
    assertThat(m).containsEntry("status", "in_progress").containsEntry("attempts", "0").containsEntry("epoch", String.valueOf(t.lease().epoch()));
    assertThat(f.cmd(Command.ZSCORE, f.keys.leases(), id).toLong()).as("the watcher moved the index up to the hash")
        .isEqualTo(Long.parseLong(m.get("lease_expires")));

    // without the commit, the same wait takes the task back
    String other = f.submit("acme");
    f.claimOne("w2", 300);
    sleep(450);
    assertThat(f.store.expireLeases(100).await().taskIds()).containsExactly(other);
  }

  @Test void poisonTaskFailsForGoodAfterMaxAttempts() {
    String id = f.submit(f.task("acme", 3, 0, new JsonObject()));
    for (int attempt = 1; attempt <= 3; attempt++) {
      ClaimedTask t = f.claimOne("doomed-" + attempt, 100);   // the worker dies each time
      assertThat(t.id()).isEqualTo(id);
      sleep(180);
      f.store.expireLeases(100).await();
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
    for (int w = 0; w < 6; w++) sweeps.add(f.store.expireLeases(25));   // several watchers, small batches
    Future.join(sweeps).await();
    while (f.store.expireLeases(25).await().taskIds().size() > 0) { /* drain what the batches left */ }
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
    assertThat(f.store.cancel(id, "no longer needed").await().reply()).isEqualTo(Reply.OK);
    assertThat(f.claim("w", 1000, 5)).isEmpty();
    assertThat(f.meta(id)).containsEntry("status", "cancelled");
    assertThat(f.cmd(Command.LLEN, f.keys.tenantRing()).toInteger()).isZero();
    assertThat(f.store.cancel(id, "again").await().reply()).isEqualTo(Reply.FINISHED);
    assertThat(f.store.cancel("no-such-task", "x").await().reply()).isEqualTo(Reply.NOT_FOUND);
  }

  @Test void cancellingARunningTaskFencesOffItsWorker() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(commit(t, 1, "w1")).isEqualTo(Reply.OK);
    assertThat(f.store.cancel(id, "stop").await()).isEqualTo(new Results.Cancelled(Reply.OK, "in_progress"));
    assertThat(commit(t, 2, "w1")).isEqualTo(Reply.CANCELLED);
    assertThat(f.store.complete(id, t.lease(), new JsonObject(), "w1").await()).isEqualTo(Reply.CANCELLED);
    assertThat(f.store.steps(id).await()).hasSize(1);
    assertThat(f.meta(id)).containsEntry("status", "cancelled");
    assertThat(f.cmd(Command.ZSCORE, f.keys.leases(), id)).isNull();
  }

  @Test void releaseHandsATaskBackWithoutCountingAnAttempt() {
    String first = f.submit("acme");
    String second = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(t.id()).isEqualTo(first);
    assertThat(commit(t, 1, "w1")).isEqualTo(Reply.OK);
    assertThat(f.store.release(first, t.lease(), "w1").await()).isEqualTo(Reply.OK);
    assertThat(f.meta(first)).containsEntry("status", "queued").containsEntry("attempts", "0").containsEntry("owner", "");
    ClaimedTask again = f.claimOne("w2", 10_000);
    assertThat(again.id()).as("a handed-back task keeps its place in line").isEqualTo(first);
    assertThat(again.checkpoint().getInteger("step")).isEqualTo(1);
    assertThat(f.store.release(first, t.lease(), "w1").await()).isEqualTo(Reply.STALE);
    assertThat(f.claimOne("w3", 10_000).id()).isEqualTo(second);
  }

  @Test void failedNodeIsRetriedAfterBackoffThenFailsForGood() {
    String id = f.submit(f.task("acme", 2, 0, new JsonObject()));
    ClaimedTask t = f.claimOne("w1", 10_000);
    Results.Failed first = f.store.fail(id, t.lease(), "boom", 200, "w1").await();
    assertThat(first.reply()).isEqualTo(Reply.RETRYING);
    assertThat(f.meta(id)).containsEntry("status", "retrying").containsEntry("error", "boom");
    assertThat(f.store.promoteDelayed(100).await()).isZero();   // not due yet
    assertThat(f.claim("w2", 10_000, 1)).isEmpty();
    sleep(300);
    assertThat(f.store.promoteDelayed(100).await()).isEqualTo(1);
    ClaimedTask retry = f.claimOne("w2", 10_000);
    Results.Failed last = f.store.fail(id, retry.lease(), "boom again", 200, "w2").await();
    assertThat(last.reply()).isEqualTo(Reply.FAILED);
    assertThat(last.attempts()).isEqualTo(2);
    assertThat(f.meta(id)).containsEntry("status", "failed").containsEntry("error", "boom again");
  }

  @Test void completedTaskIsRemovedWithItsIndexEntriesAfterRetention() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(commit(t, 1, "w1")).isEqualTo(Reply.OK);
    assertThat(f.store.complete(id, t.lease(), new JsonObject().put("ok", true), "w1").await()).isEqualTo(Reply.OK);
    assertThat(f.store.applyRetention(60_000, 100).await()).isZero();
    assertThat(f.meta(id)).containsEntry("status", "completed");
    sleep(20);
    assertThat(f.store.applyRetention(10, 100).await()).isEqualTo(1);
    assertThat(f.store.get(id).await()).isEmpty();
    for (String key : List.of(f.keys.checkpoint(id), f.keys.steps(id), f.keys.taskEvents(id))) {
      assertThat(f.cmd(Command.EXISTS, key).toInteger()).isZero();
    }
    for (String index : List.of(f.keys.allTasks(), f.keys.finished(), f.keys.statusIndex("completed"), f.keys.tenantIndex("acme"))) {
      assertThat(f.cmd(Command.ZSCORE, index, id)).as(index).isNull();
    }
  }

  @Test void statusIndexesFollowEveryTransition() {
    String id = f.submit("acme");
    assertThat(f.cmd(Command.ZSCORE, f.keys.statusIndex("queued"), id)).isNotNull();
    ClaimedTask t = f.claimOne("w1", 10_000);
    assertThat(f.cmd(Command.ZSCORE, f.keys.statusIndex("queued"), id)).isNull();
    assertThat(f.cmd(Command.ZSCORE, f.keys.statusIndex("leased"), id)).isNotNull();
    commit(t, 1, "w1");
    assertThat(f.cmd(Command.ZSCORE, f.keys.statusIndex("leased"), id)).isNull();
    assertThat(f.cmd(Command.ZSCORE, f.keys.statusIndex("in_progress"), id)).isNotNull();
    f.store.complete(id, t.lease(), new JsonObject(), "w1").await();
    assertThat(f.cmd(Command.ZSCORE, f.keys.statusIndex("in_progress"), id)).isNull();
    assertThat(f.cmd(Command.ZSCORE, f.keys.statusIndex("completed"), id)).isNotNull();
  }
}
