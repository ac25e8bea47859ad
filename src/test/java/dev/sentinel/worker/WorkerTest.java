package dev.sentinel.worker;

import dev.sentinel.store.ClaimedTask;
import dev.sentinel.store.NewTask;
import dev.sentinel.store.StepCommit;
import dev.sentinel.store.StepRecord;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.RedisServerProcess;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TcpProxy;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Workers and the watcher as deployed verticles, driving real tasks through a real Redis. */
class WorkerTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;
  TestNode node;

  @BeforeEach void fixture() { f = redis.fixture(); }

  @AfterEach void close() {
    if (node != null) node.close();
    f.close();
  }

  private TestNode node(String yaml) {
    node = new TestNode(redis.url(), f.keys.prefix(), yaml);
    return node;
  }

  private String submitNoop(int steps, long stepMs, int maxAttempts, Integer failAt) {
    JsonObject p = new JsonObject().put("steps", steps).put("step_ms", stepMs);
    if (failAt != null) p.put("fail_at_step", failAt);
    return f.submit(new NewTask(UUID.randomUUID().toString(), "acme", "noop", "test", p, maxAttempts, 0, null, null));
  }

  private void assertEachStepCommittedOnce(String id, int steps) {
    assertThat(f.queries.steps(id).await()).extracting(StepRecord::step)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, steps).boxed().toList());
  }

  @Test void runsTasksToCompletionCommittingEachStepOnce() {
    node("worker: {instances: 2, concurrency: 4}\n").startWorkers("n1").startWatcher();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) ids.add(submitNoop(5, 5, 3, null));
    await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> "completed".equals(f.meta(id).get("status"))));
    for (String id : ids) {
      assertEachStepCommittedOnce(id, 5);
      Map<String, String> m = f.meta(id);
      assertThat(new JsonObject(m.get("result")).getInteger("step")).isEqualTo(5);
      assertThat(m).containsEntry("attempts", "0").containsEntry("owner", "");
    }
  }

  @Test void failingStepIsRetriedWithBackoffThenFailsWithItsError() {
    node("worker: {instances: 1, concurrency: 2, backoff_base_ms: 50, backoff_max_ms: 100}\nwatcher: {interval_ms: 50}\n")
        .startWorkers("n1").startWatcher();
    String id = submitNoop(3, 0, 2, 2);
    await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(f.meta(id).get("status")));
    Map<String, String> m = f.meta(id);
    assertThat(m).containsEntry("attempts", "2");
    assertThat(m.get("error")).contains("step 2").contains("fail_at_step");
    assertEachStepCommittedOnce(id, 1);   // step 1 was not re-run after the retry: resumed from its checkpoint
  }

  @Test void cancellingARunningTaskStopsItsWorkerWithinOneStep() {
    node("worker: {instances: 1, concurrency: 2}\n").startWorkers("n1");
    String id = submitNoop(200, 50, 3, null);
    await().atMost(Duration.ofSeconds(20)).until(() -> Integer.parseInt(f.meta(id).get("step")) >= 3);
    f.commands.cancel(id, "user cancelled").await();
    int stepsAtCancel = f.queries.steps(id).await().size();
    await().atMost(Duration.ofSeconds(5)).until(() -> node.running() == 0);
    StoreFixture.sleep(300);
    assertThat(f.queries.steps(id).await().size()).isLessThanOrEqualTo(stepsAtCancel + 1);
    assertThat(f.meta(id)).containsEntry("status", "cancelled");
  }

  @Test void shutdownHandsTasksBackWithoutCountingAnAttempt() {
    node("worker: {instances: 1, concurrency: 4, drain_ms: 300}\n").startWorkers("n1");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) ids.add(submitNoop(6, 1000, 3, null));
    await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(id -> "in_progress".equals(f.meta(id).get("status"))));
    node.stopWorkers();
    for (String id : ids) {
      assertThat(f.meta(id)).containsEntry("status", "queued").containsEntry("attempts", "0").containsEntry("owner", "");
    }
    node.close();
    node("worker: {instances: 1, concurrency: 4}\nwatcher: {interval_ms: 100}\n").startWorkers("n2").startWatcher();
    await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> "completed".equals(f.meta(id).get("status"))));
    for (String id : ids) {
      assertEachStepCommittedOnce(id, 6);
      assertThat(f.meta(id)).containsEntry("attempts", "0");
    }
  }

  /**
   * A claim can be in Redis's hands when shutdown begins: its tasks are leased to this worker
   * before it knows of them. Stopping must wait for that answer and hand them back, not close
   * the connection and leave them leased until the lease runs out (CI saw exactly that: one task
   * of five still leased after the process had exited on SIGTERM).
   */
  @Test void shutdownWaitsForTheClaimInFlightAndHandsItsTasksBack() throws Exception {
    try (TcpProxy link = TcpProxy.start("claim-link", redis.server().port())) {
      node = new TestNode("redis://127.0.0.1:" + link.port(), f.keys.prefix(),
          "worker: {instances: 1, concurrency: 4, poll_ms: 50, drain_ms: 300}\n");
      node.startWorkers("n1");
      StoreFixture.sleep(300);   // the worker's connections are open and it has polled a few times
      link.stall();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) ids.add(submitNoop(3, 1000, 3, null));
      StoreFixture.sleep(300);   // a poll sent its claim into the stalled link
      var stopped = node.beginStoppingWorkers();
      StoreFixture.sleep(300);
      assertThat(stopped.isComplete()).as("stop waits for the claim it has in flight").isFalse();
      link.heal();
      stopped.toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
      for (String id : ids) {
        assertThat(f.meta(id)).containsEntry("status", "queued").containsEntry("attempts", "0").containsEntry("owner", "");
      }
      assertThat(f.queries.steps(ids.get(0)).await()).isEmpty();
    }
  }

  @Test void crashedWorkersTaskIsTakenOverAndResumed() {
    node("worker: {instances: 1, concurrency: 2, lease_ms: 5000}\nwatcher: {interval_ms: 100}\n").startWatcher();
    // a worker that died right after its first commit: claimed with a short lease, never renewed
    String id = submitNoop(4, 0, 3, null);
    ClaimedTask ghost = f.claimOne("ghost", 300);
    f.leases.commitStep(StepCommit.of(id, ghost.lease(), 1, "step-1", "step-2", new JsonObject().put("step", 1)), "ghost", 300).await();
    node.startWorkers("live");
    await().atMost(Duration.ofSeconds(20)).until(() -> "completed".equals(f.meta(id).get("status")));
    assertEachStepCommittedOnce(id, 4);
    assertThat(f.queries.steps(id).await()).extracting(StepRecord::workerId)
        .containsExactly("ghost", "live-w1", "live-w1", "live-w1");   // resumed at step 2, not from the start
    assertThat(f.meta(id)).containsEntry("attempts", "1").containsEntry("epoch", "3");
  }

  @Test void workersWakeOnASubmitFromAnotherNodeWithoutPolling() {
    node("worker: {instances: 1, concurrency: 2, poll_ms: 600000}\n").startWorkers("n1");
    StoreFixture.sleep(300);   // the first claim (at start) found nothing; only a signal can wake it now
    String id = submitNoop(1, 0, 3, null);   // as another node would: straight into Redis
    await().atMost(Duration.ofSeconds(10)).until(() -> "completed".equals(f.meta(id).get("status")));
  }

  @Test void tasksSurviveAKill9OfRedisWithAppendfsyncAlways() {
    try (RedisServerProcess own = RedisServerProcess.start("always");
         StoreFixture g = new StoreFixture(redis.vertx(), own.url(), "");
         TestNode n = new TestNode(own.url(), "", "worker: {instances: 2, concurrency: 8, poll_ms: 1000}\nwatcher: {interval_ms: 200}\n")) {
      n.startWorkers("n1").startWatcher();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        ids.add(g.submit(new NewTask(UUID.randomUUID().toString(), "acme", "noop", "test",
            new JsonObject().put("steps", 8).put("step_ms", 100), 3, 0, null, null)));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().anyMatch(id -> Integer.parseInt(g.meta(id).get("step")) >= 2));
      own.kill9();
      StoreFixture.sleep(500);   // writes fail meanwhile; workers retry while their leases last
      own.restart();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> ids.stream().allMatch(id -> "completed".equals(g.meta(id).get("status"))));
      for (String id : ids) {
        assertThat(g.queries.steps(id).await()).extracting(StepRecord::step)
            .as("steps of " + id).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
      }
    }
  }

  /**
   * The agent was redeployed while the task ran: the node its history continues at is gone. The
   * task must fail with an error that says so (it used to throw outside its handler and stay
   * in_progress with its lease renewed forever, and shutdown hung).
   */
  @Test void aTaskWhoseNextNodeIsGoneFailsInsteadOfHanging() {
    node("worker: {instances: 1, concurrency: 2, lease_ms: 5000, drain_ms: 1000}\nwatcher: {interval_ms: 100}\n").startWatcher();
    String id = submitNoop(4, 0, 3, null);
    ClaimedTask ghost = f.claimOne("ghost", 300);
    f.leases.commitStep(StepCommit.of(id, ghost.lease(), 1, "step-1", "renamed-node", new JsonObject().put("step", 1)),
        "ghost", 300).await();
    node.startWorkers("live");
    await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(f.meta(id).get("status")));
    assertThat(f.meta(id).get("error")).contains("renamed-node").contains("no longer has");
    assertThat(f.cmd(Command.ZSCORE, f.keys.leases(), id)).isNull();
    node.stopWorkers();   // nothing left running: shutdown does not wait for it
  }
}
