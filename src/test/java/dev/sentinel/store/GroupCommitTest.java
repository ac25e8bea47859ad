package dev.sentinel.store;

import dev.sentinel.store.Results.Committed;
import dev.sentinel.store.TaskQueries.TaskEvent;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group commit against a real Redis: many tasks' steps in one commit_steps call, each judged on
 * its own; the worker-side batcher; and the audit list's ids across trimming.
 */
class GroupCommitTest {

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

  private static StepCommit step(String id, Lease lease, int step, JsonObject result) {
    JsonObject cp = new JsonObject().put("schema_version", 1).put("step", step).put("state", new JsonObject().put("n", step));
    return new StepCommit(id, lease, step, "node-" + step, result == null ? "node-" + (step + 1) : null, cp, result);
  }

  @Test void eachCommitInOneCallIsJudgedOnItsOwn() {
    for (int i = 0; i < 4; i++) f.submit("acme");
    List<ClaimedTask> t = f.claim("w1", 5_000, 4);
    assertThat(t).hasSize(4);
    Lease forged = new Lease(t.get(2).lease().epoch(), "someone-else");
    JsonObject result = new JsonObject().put("answer", 42);

    List<Committed> replies = f.store.commitSteps(List.of(
        step(t.get(0).id(), t.get(0).lease(), 1, null),       // next in line: OK
        step(t.get(1).id(), t.get(1).lease(), 2, null),       // skips step 1: OUT_OF_ORDER
        step(t.get(2).id(), forged, 1, null),                 // not the holder: STALE
        step(t.get(3).id(), t.get(3).lease(), 1, result),     // last node: committed and completed
        step(t.get(0).id(), t.get(0).lease(), 2, null)),      // same task again, later in the call: OK
        "w1", 60_000, 0).await();

    assertThat(replies).extracting(Committed::reply)
        .containsExactly(Reply.OK, Reply.OUT_OF_ORDER, Reply.STALE, Reply.OK, Reply.OK);
    assertThat(replies).extracting(Committed::committed).containsExactly(1L, 0L, 0L, 1L, 2L);
    assertThat(f.meta(t.get(0).id())).containsEntry("step", "2").containsEntry("status", "in_progress");
    assertThat(Long.parseLong(f.meta(t.get(0).id()).get("lease_expires"))).as("an accepted commit renews the lease")
        .isGreaterThan(t.get(0).leaseExpires() + 50_000);
    assertThat(Long.parseLong(f.meta(t.get(1).id()).get("lease_expires"))).as("a refused one does not")
        .isEqualTo(t.get(1).leaseExpires());
    assertThat(f.meta(t.get(1).id())).containsEntry("step", "0").containsEntry("status", "leased");
    assertThat(f.meta(t.get(2).id())).containsEntry("step", "0").containsEntry("status", "leased");
    Map<String, String> done = f.meta(t.get(3).id());
    assertThat(done).containsEntry("status", "completed").containsEntry("step", "1").containsEntry("owner", "");
    assertThat(new JsonObject(done.get("result"))).isEqualTo(result);
    assertThat(f.cmd(Command.ZSCORE, f.keys.leases(), t.get(3).id())).isNull();
    assertThat(f.cmd(Command.ZSCORE, f.keys.statusIndex("completed"), t.get(3).id())).isNotNull();
    assertThat(f.cmd(Command.XLEN, f.keys.auditRefused()).toLong()).isEqualTo(1);

    // a retry of the last commit whose reply was lost: DUP, nothing written twice
    Committed again = f.store.commitStep(step(t.get(3).id(), t.get(3).lease(), 1, result), "w1", 60_000, 0).await();
    assertThat(again.reply()).isEqualTo(Reply.DUP);
    assertThat(f.store.steps(t.get(3).id()).await()).hasSize(1);
    assertThat(f.cmd(Command.ZCARD, f.keys.statusIndex("completed")).toLong()).isEqualTo(1);
  }

  @Test void commitsMadeInOneEventLoopTurnTravelInOneCall() {
    for (int i = 0; i < 20; i++) f.submit("acme");
    List<ClaimedTask> t = f.claim("w1", 60_000, 20);
    Context context = vertx.getOrCreateContext();
    CommitBatcher batcher = new CommitBatcher(f.store, context, "w1", 60_000, 0);
    long before = evalshaCalls();

    Promise<List<Committed>> all = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Committed>> commits = new ArrayList<>();
      for (ClaimedTask task : t) commits.add(batcher.commit(step(task.id(), task.lease(), 1, null)));
      Future.all(commits).map(cf -> cf.<Committed>list()).onComplete(all);
    });
    List<Committed> replies = all.future().await();

    assertThat(replies).extracting(Committed::reply).containsOnly(Reply.OK).hasSize(20);
    assertThat(evalshaCalls() - before).as("script calls for 20 commits made in one turn").isEqualTo(1);
    for (ClaimedTask task : t) assertThat(f.meta(task.id())).containsEntry("step", "1");
  }

  @Test void eventIdsStayStableWhenTheAuditListIsTrimmed() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 60_000);
    int steps = 2500;
    for (int from = 1; from <= steps; from += 100) {   // 100 consecutive steps of one task per call
      List<StepCommit> batch = new ArrayList<>();
      for (int s = from; s < from + 100; s++) batch.add(step(id, t.lease(), s, null));
      assertThat(f.store.commitSteps(batch, "w1", 60_000, 1000).await()).extracting(Committed::reply).containsOnly(Reply.OK);
    }
    long last = 2L + steps;   // submitted, claimed, then one record per step
    TaskQueries queries = new TaskQueries(f.store);

    long kept = f.cmd(Command.LLEN, f.keys.taskEvents(id)).toLong();
    assertThat(kept).as("the audit list is bounded").isLessThanOrEqualTo(2200).isGreaterThanOrEqualTo(2000);
    assertThat(f.cmd(Command.LLEN, f.keys.steps(id)).toLong()).as("step records kept").isEqualTo(1000);

    List<TaskEvent> oldest = queries.events(id, 0, 3).await();
    assertThat(oldest.get(0).id()).as("first id still held").isEqualTo(last - kept + 1);
    assertThat(oldest).extracting(TaskEvent::id).containsExactly(last - kept + 1, last - kept + 2, last - kept + 3);

    List<TaskEvent> tail = queries.events(id, last - 3, 10).await();
    assertThat(tail).extracting(TaskEvent::id).containsExactly(last - 2, last - 1, last);
    assertThat(tail.get(2).type()).isEqualTo("step");
    assertThat(tail.get(2).fields().getString("step")).isEqualTo(String.valueOf(steps));
    assertThat(tail.get(2).fields().getLong("at")).isPositive();
    assertThat(queries.events(id, last, 10).await()).isEmpty();
  }

  /**
   * claim and commit_steps send their index writes at the end of the call, one ZADD/ZREM per
   * index key (index_later in _lib.lua). Whatever one call does to many tasks, and even to one
   * task twice, the indexes must end as if every write had gone out in order.
   */
  @Test void indexesAgreeWithEveryTaskAfterCallsThatMoveManyTasksAtOnce() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) ids.add(f.submit(i % 3 == 0 ? "beta" : "acme"));
    List<ClaimedTask> t = f.claim("w1", 60_000, 10);   // both tenants, in one call
    assertThat(t).hasSize(10);
    assertIndexesAgree(ids);

    JsonObject result = new JsonObject().put("ok", true);
    List<Committed> replies = f.store.commitSteps(List.of(
        step(t.get(0).id(), t.get(0).lease(), 1, null),       // leased -> in_progress
        step(t.get(0).id(), t.get(0).lease(), 2, result),     // ... -> completed, in the same call
        step(t.get(1).id(), t.get(1).lease(), 1, result),     // leased -> completed
        step(t.get(2).id(), t.get(2).lease(), 1, null),       // leased -> in_progress
        step(t.get(3).id(), new Lease(t.get(3).lease().epoch(), "forged"), 1, null)),   // refused: no move
        "w1", 60_000, 0).await();
    assertThat(replies).extracting(Committed::reply).containsExactly(Reply.OK, Reply.OK, Reply.OK, Reply.OK, Reply.STALE);
    assertThat(f.meta(t.get(0).id())).containsEntry("status", "completed");
    assertThat(f.meta(t.get(2).id())).containsEntry("status", "in_progress");
    assertIndexesAgree(ids);

    assertThat(f.claim("w2", 60_000, 10)).as("the two tasks still queued").hasSize(2);
    assertIndexesAgree(ids);
  }

  /**
   * Redis keeps the writes a script made before it failed. A commit_steps call that fails
   * half-way must still send the index writes of the commits it already made, or those tasks'
   * hashes would be ahead of their indexes.
   */
  @Test void aCallThatFailsHalfWayStillLeavesIndexesThatAgree() {
    List<String> ids = List.of(f.submit("acme"), f.submit("acme"));
    List<ClaimedTask> t = f.claim("w1", 60_000, 2);
    // the second commit's step is not a number: the script fails on it, after the first commit
    Object[] call = {Command.EVALSHA, Scripts.load().commitSteps().sha(), 0, f.keys.prefix(), "w1", 60_000, 0,
        t.get(0).id(), t.get(0).lease().epoch(), t.get(0).lease().claim(), 1, "node-1", "node-2", "{}", "",
        t.get(1).id(), t.get(1).lease().epoch(), t.get(1).lease().claim(), "one", "node-1", "node-2", "{}", ""};
    assertThatThrownBy(() -> f.cmd((Command) call[0], java.util.Arrays.copyOfRange(call, 1, call.length)))
        .hasMessageContaining("compare");
    assertThat(f.meta(t.get(0).id())).as("the first commit was made").containsEntry("status", "in_progress");
    assertIndexesAgree(ids);
  }

  /** Every task is in exactly the status indexes of its status; `leases` holds exactly the running ones. */
  private void assertIndexesAgree(List<String> ids) {
    List<String> statuses = List.of("queued", "leased", "in_progress", "completed");
    for (String id : ids) {
      Map<String, String> m = f.meta(id);
      String status = m.get("status");
      for (String s : statuses) {
        boolean expected = s.equals(status);
        assertThat(f.cmd(Command.ZSCORE, f.keys.statusIndex(s), id) != null).as(id + " in index:status:" + s).isEqualTo(expected);
        assertThat(f.cmd(Command.ZSCORE, f.keys.tenantStatusIndex(m.get("tenant_id"), s), id) != null)
            .as(id + " in its tenant's " + s + " index").isEqualTo(expected);
      }
      boolean running = status.equals("leased") || status.equals("in_progress");
      var lease = f.cmd(Command.ZSCORE, f.keys.leases(), id);
      assertThat(lease != null).as(id + " in leases while " + status).isEqualTo(running);
      // the hash decides; the index may lag behind it (a step commit renews the hash only), never run ahead
      if (running) assertThat(lease.toLong()).isLessThanOrEqualTo(Long.parseLong(m.get("lease_expires")));
      assertThat(f.cmd(Command.ZSCORE, f.keys.finished(), id) != null).as(id + " in index:finished").isEqualTo(status.equals("completed"));
    }
  }

  private long evalshaCalls() {
    for (String line : f.cmd(Command.INFO, "commandstats").toString().split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:")) return Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
    }
    return 0;
  }
}
