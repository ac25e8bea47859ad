package dev.sentinel.store;

import dev.sentinel.store.Replies.CommitReply;
import dev.sentinel.store.Results.Committed;
import dev.sentinel.store.TaskQueries.TaskEvent;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit against a real Redis: many tasks' steps in one commit_steps call, each judged on
 * its own (a commit that cannot be written fails alone); the worker-side batcher; the history's
 * event ids; and indexes and counters that agree with every task after calls that move many.
 */
class GroupCommitTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;

  @BeforeEach void fixture() { f = redis.fixture(); }

  @AfterEach void closeFixture() { f.close(); }

  private static StepCommit step(String id, Lease lease, int step, JsonObject result) {
    return StepCommit.of(id, lease, step, "node-" + step, result == null ? "node-" + (step + 1) : null, null,
        new JsonObject().put("n", step), result);
  }

  @Test void eachCommitInOneCallIsJudgedOnItsOwn() {
    for (int i = 0; i < 4; i++) f.submit("acme");
    List<ClaimedTask> t = f.claim("w1", 5_000, 4);
    assertThat(t).hasSize(4);
    Lease forged = new Lease(t.get(2).lease().epoch(), "someone-else");
    JsonObject result = new JsonObject().put("answer", 42);

    List<Committed> replies = f.leases.commitSteps(List.of(
        step(t.get(0).id(), t.get(0).lease(), 1, null),       // next in line: OK
        step(t.get(1).id(), t.get(1).lease(), 2, null),       // skips step 1: OUT_OF_ORDER
        step(t.get(2).id(), forged, 1, null),                 // not the holder: STALE
        step(t.get(3).id(), t.get(3).lease(), 1, result),     // last node: committed and completed
        step(t.get(0).id(), t.get(0).lease(), 2, null)),      // same task again, later in the call: OK
        "w1", 60_000).await();

    assertThat(replies).extracting(Committed::reply)
        .containsExactly(CommitReply.OK, CommitReply.OUT_OF_ORDER, CommitReply.STALE, CommitReply.OK, CommitReply.OK);
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
    assertThat(f.cmd(Command.ZSCORE, f.keys.finished(), t.get(3).id())).isNotNull();
    assertThat(f.cmd(Command.XLEN, f.keys.auditRefused()).toLong()).isEqualTo(1);

    // a retry of the last commit whose reply was lost: DUP, nothing written twice
    Committed again = f.leases.commitStep(step(t.get(3).id(), t.get(3).lease(), 1, result), "w1", 60_000).await();
    assertThat(again.reply()).isEqualTo(CommitReply.DUP);
    assertThat(f.queries.steps(t.get(3).id()).await()).hasSize(1);
    assertThat(f.cmd(Command.HGET, f.keys.counts(), "completed").toLong()).isEqualTo(1);
    assertThat(f.cmd(Command.XLEN, f.keys.auditRefused()).toLong()).as("a DUP is no refusal").isEqualTo(1);
  }

  /**
   * Under load commits made in one event-loop turn share a call; on a quiet worker the first
   * commit goes out at once, alone, without waiting for the end of the turn or for company.
   */
  @Test void theFirstCommitGoesOutAtOnceAndTheRestOfTheTurnTravelsInOneCall() {
    for (int i = 0; i < 20; i++) f.submit("acme");
    List<ClaimedTask> t = f.claim("w1", 60_000, 20);
    Context context = redis.vertx().getOrCreateContext();
    CommitBatcher batcher = new CommitBatcher(f.leases, context, "w1", 60_000);
    long before = evalshaCalls();

    Promise<List<Committed>> all = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Committed>> commits = new ArrayList<>();
      for (ClaimedTask task : t) commits.add(batcher.commit(step(task.id(), task.lease(), 1, null)));
      Future.all(commits).map(cf -> cf.<Committed>list()).onComplete(all);
    });
    List<Committed> replies = all.future().await();

    assertThat(replies).extracting(Committed::reply).containsOnly(CommitReply.OK).hasSize(20);
    assertThat(evalshaCalls() - before).as("script calls for 20 commits made in one turn: the first alone, then the rest")
        .isEqualTo(2);
    for (ClaimedTask task : t) assertThat(f.meta(task.id())).containsEntry("step", "1");
  }

  /** The history is the audit trail: an event's id is its position, and the step records carry what was committed. */
  @Test void eventIdsArePositionsInTheHistory() {
    String id = f.submit("acme");
    ClaimedTask t = f.claimOne("w1", 60_000);
    int steps = 2500;
    for (int from = 1; from <= steps; from += 100) {   // 100 consecutive steps of one task per call
      List<StepCommit> batch = new ArrayList<>();
      for (int s = from; s < from + 100; s++) batch.add(step(id, t.lease(), s, null));
      assertThat(f.leases.commitSteps(batch, "w1", 60_000).await()).extracting(Committed::reply).containsOnly(CommitReply.OK);
    }
    long last = 1L + steps;   // claimed, then one record per step
    assertThat(f.cmd(Command.LLEN, f.keys.history(id)).toLong()).isEqualTo(last);

    List<TaskEvent> oldest = f.queries.events(id, 0, 3).await();
    assertThat(oldest).extracting(TaskEvent::id).containsExactly(1L, 2L, 3L);
    assertThat(oldest).extracting(TaskEvent::type).containsExactly("claimed", "step", "step");
    assertThat(oldest.get(0).fields().getString("claim")).isEqualTo(t.lease().claim());

    List<TaskEvent> tail = f.queries.events(id, last - 3, 10).await();
    assertThat(tail).extracting(TaskEvent::id).containsExactly(last - 2, last - 1, last);
    JsonObject lastStep = tail.get(2).fields();
    assertThat(tail.get(2).type()).isEqualTo("step");
    assertThat(lastStep.getInteger("step")).isEqualTo(steps);
    // a step record names its claim by the epoch alone; the steps view puts the claim id back
    assertThat(lastStep.getLong("epoch")).isEqualTo(t.lease().epoch());
    assertThat(lastStep.containsKey("claim")).isFalse();
    StepRecord lastView = f.queries.steps(id).await().get(steps - 1);
    assertThat(lastView.claim()).isEqualTo(t.lease().claim());
    assertThat(lastView.workerId()).isEqualTo("w1");
    assertThat(lastStep.getJsonObject("output")).isEqualTo(new JsonObject().put("n", steps));
    assertThat(lastStep.getLong("at")).isPositive();
    assertThat(f.queries.events(id, last, 10).await()).isEmpty();
    assertThat(f.queries.checkpoint(id).await().orElseThrow().getJsonObject("state").getInteger("n")).isEqualTo(steps);
  }

  /**
   * claim and commit_steps send their index and counter writes at the end of the call (index_later
   * and count_move in _lib.lua). Whatever one call does to many tasks, and even to one task
   * twice, the indexes and counters must end as if every write had gone out in order.
   */
  @Test void indexesAndCountersAgreeWithEveryTaskAfterCallsThatMoveManyTasksAtOnce() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) ids.add(f.submit(i % 3 == 0 ? "beta" : "acme"));
    List<ClaimedTask> t = f.claim("w1", 60_000, 10);   // both tenants, in one call
    assertThat(t).hasSize(10);
    assertIndexesAgree(ids);

    JsonObject result = new JsonObject().put("ok", true);
    List<Committed> replies = f.leases.commitSteps(List.of(
        step(t.get(0).id(), t.get(0).lease(), 1, null),       // leased -> in_progress
        step(t.get(0).id(), t.get(0).lease(), 2, result),     // ... -> completed, in the same call
        step(t.get(1).id(), t.get(1).lease(), 1, result),     // leased -> completed
        step(t.get(2).id(), t.get(2).lease(), 1, null),       // leased -> in_progress
        step(t.get(3).id(), new Lease(t.get(3).lease().epoch(), "forged"), 1, null)),   // refused: no move
        "w1", 60_000).await();
    assertThat(replies).extracting(Committed::reply)
        .containsExactly(CommitReply.OK, CommitReply.OK, CommitReply.OK, CommitReply.OK, CommitReply.STALE);
    assertThat(f.meta(t.get(0).id())).containsEntry("status", "completed");
    assertThat(f.meta(t.get(2).id())).containsEntry("status", "in_progress");
    assertIndexesAgree(ids);

    assertThat(f.claim("w2", 60_000, 10)).as("the two tasks still queued").hasSize(2);
    assertIndexesAgree(ids);
  }

  /**
   * A commit that cannot be written (its history key is damaged, or its arguments are not what
   * the script needs) fails alone: the others of its call land, it writes nothing, and once the
   * cause is gone its retry commits the step exactly once.
   */
  @Test void aCommitThatCannotBeWrittenFailsAloneAndItsRetryCommitsOnce() {
    List<String> ids = List.of(f.submit("acme"), f.submit("acme"), f.submit("acme"));
    List<ClaimedTask> t = f.claim("w1", 60_000, 3);
    String damaged = t.get(1).id();
    f.cmd(Command.SET, f.keys.history(damaged), "not a list");
    List<Committed> replies = f.leases.commitSteps(List.of(step(t.get(0).id(), t.get(0).lease(), 1, null),
        step(damaged, t.get(1).lease(), 1, null), step(t.get(2).id(), t.get(2).lease(), 1, null)), "w1", 60_000).await();
    assertThat(replies).extracting(Committed::reply).containsExactly(CommitReply.OK, CommitReply.ERROR, CommitReply.OK);
    assertThat(replies.get(1).error()).contains("WRONGTYPE");
    assertThat(f.meta(damaged)).as("nothing of the failed commit was written").containsEntry("step", "0")
        .containsEntry("status", "leased");
    assertIndexesAgree(ids);

    f.cmd(Command.DEL, f.keys.history(damaged));
    assertThat(f.leases.commitStep(step(damaged, t.get(1).lease(), 1, null), "w1", 60_000).await().reply()).isEqualTo(CommitReply.OK);
    assertThat(f.leases.commitStep(step(damaged, t.get(1).lease(), 1, null), "w1", 60_000).await().reply()).isEqualTo(CommitReply.DUP);
    assertThat(f.queries.steps(damaged).await()).extracting(StepRecord::step).containsExactly(1);

    // arguments the script cannot read (a step that is not a number): that commit alone answers ERROR
    Object[] args = new Object[2 + f.keys.scriptKeys().size() + 2 + 14];
    int i = 0;
    args[i++] = Scripts.load().commitSteps().sha();
    args[i++] = f.keys.scriptKeys().size();
    for (String k : f.keys.scriptKeys()) args[i++] = k;
    args[i++] = "w1";
    args[i++] = 60_000;
    for (Object a : new Object[] {t.get(0).id(), t.get(0).lease().epoch(), t.get(0).lease().claim(), "two", "node-3", "\"step\":2}", "",
        t.get(2).id(), t.get(2).lease().epoch(), t.get(2).lease().claim(), 2, "node-3", "\"step\":2}", ""}) args[i++] = a;
    var raw = f.cmd(Command.EVALSHA, args);
    assertThat(raw.get(0).toString()).isEqualTo("ERROR");
    assertThat(raw.get(2).toString()).isEqualTo("OK");
    assertIndexesAgree(ids);
  }

  /**
   * Every task is where its status says: `leases` holds exactly the running ones, `finished` the
   * final ones, its tenant's ready queue the queued ones; the counters, cluster-wide and per
   * tenant, equal the tally of the tasks' statuses.
   */
  private void assertIndexesAgree(List<String> ids) {
    Map<String, Map<String, Long>> tally = new HashMap<>();
    for (String id : ids) {
      Map<String, String> m = f.meta(id);
      String status = m.get("status");
      String tenant = m.get("tenant_id");
      tally.computeIfAbsent(tenant, x -> new HashMap<>()).merge(status, 1L, Long::sum);
      tally.computeIfAbsent("", x -> new HashMap<>()).merge(status, 1L, Long::sum);
      boolean running = status.equals("leased") || status.equals("in_progress");
      var lease = f.cmd(Command.ZSCORE, f.keys.leases(), id);
      assertThat(lease != null).as(id + " in leases while " + status).isEqualTo(running);
      // the hash decides; the index may lag behind it (a step commit renews the hash only), never run ahead
      if (running) assertThat(lease.toLong()).isLessThanOrEqualTo(Long.parseLong(m.get("lease_expires")));
      assertThat(f.cmd(Command.ZSCORE, f.keys.finished(), id) != null).as(id + " in finished").isEqualTo(status.equals("completed"));
      assertThat(f.cmd(Command.ZSCORE, f.keys.readyQueue(tenant), id) != null).as(id + " queued").isEqualTo(status.equals("queued"));
    }
    for (var e : tally.entrySet()) {
      var counted = f.cmd(Command.HGETALL, e.getKey().isEmpty() ? f.keys.counts() : f.keys.tenantCounts(e.getKey()));
      for (String s : TaskQueries.STATUSES) {
        long have = counted.containsKey(s) ? counted.get(s).toLong() : 0;
        assertThat(have).as("counts " + e.getKey() + " " + s).isEqualTo(e.getValue().getOrDefault(s, 0L));
      }
    }
  }

  private long evalshaCalls() {
    for (String line : f.cmd(Command.INFO, "commandstats").toString().split("\r?\n")) {
      if (line.startsWith("cmdstat_evalsha:")) return Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
    }
    return 0;
  }
}
