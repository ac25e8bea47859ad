package dev.sentinel.worker;

import dev.sentinel.store.NewTask;
import dev.sentinel.testing.PrometheusText;
import dev.sentinel.testing.RealRedis;
import dev.sentinel.testing.StoreFixture;
import dev.sentinel.testing.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What deployed workers count of how their runs end: each end once, under the outcome it had. */
class WorkerMetricsTest {

  @RegisterExtension static final RealRedis redis = new RealRedis();
  StoreFixture f;
  TestNode node;

  @BeforeEach void fixture() {
    f = redis.fixture();
    node = new TestNode(redis.url(), f.keys.prefix(),
        "worker: {instances: 1, concurrency: 4, backoff_base_ms: 50, backoff_max_ms: 100}\nwatcher: {interval_ms: 50}\n");
    node.startWorkers("m").startWatcher();
  }

  @AfterEach void close() {
    node.close();
    f.close();
  }

  private String submitNoop(int steps, long stepMs, int maxAttempts, Integer failAt) {
    JsonObject p = new JsonObject().put("steps", steps).put("step_ms", stepMs);
    if (failAt != null) p.put("fail_at_step", failAt);
    return f.submit(new NewTask(UUID.randomUUID().toString(), "acme", "noop", "test", p, maxAttempts, 0, null, null));
  }

  private PrometheusText scrape() { return PrometheusText.parse(node.metrics.scrape()); }

  private double ended(PrometheusText s, String outcome) {
    return s.sum("sentinel_task_duration_seconds_count", Map.of("agent_type", "noop", "outcome", outcome));
  }

  @Test void aRetriedThenFailedTaskCountsOneRetryingRunOneFailedRunAndTwoNodeErrors() {
    String id = submitNoop(3, 0, 2, 2);
    await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(f.meta(id).get("status")));
    await().atMost(Duration.ofSeconds(5)).until(() -> ended(scrape(), "failed") == 1);
    PrometheusText s = scrape();
    assertThat(ended(s, "retrying")).isEqualTo(1);
    assertThat(s.sum("sentinel_tasks_failed_total", Map.of("agent_type", "noop", "task_type", "test"))).isEqualTo(1);
    assertThat(s.sum("sentinel_tasks_completed_total")).isZero();
    assertThat(s.sum("sentinel_requeues_total", Map.of("reason", "retry"))).isEqualTo(1);
    assertThat(s.sum("sentinel_node_duration_seconds_count", Map.of("kind", "noop", "outcome", "error"))).isEqualTo(2);
    assertThat(s.sum("sentinel_node_duration_seconds_count", Map.of("kind", "noop", "outcome", "ok"))).as("step 1, once").isEqualTo(1);
    assertThat(s.sum("sentinel_steps_committed_total")).isEqualTo(1);
    assertThat(s.sum("sentinel_tasks_started_total", Map.of("resumed", "false"))).isEqualTo(1);
    assertThat(s.sum("sentinel_tasks_started_total", Map.of("resumed", "true"))).as("the retry resumed from step 1").isEqualTo(1);
  }

  @Test void aTaskCancelledWhileItRunsEndsItsRunAsDroppedAndIsNotCountedAsFailed() {
    String id = submitNoop(100, 50, 3, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> "in_progress".equals(f.meta(id).get("status")));
    f.commands.cancel(id, "test").await();
    await().atMost(Duration.ofSeconds(10)).until(() -> ended(scrape(), "dropped") == 1);
    PrometheusText s = scrape();
    assertThat(s.sum("sentinel_tasks_failed_total")).isZero();
    assertThat(s.sum("sentinel_tasks_completed_total")).isZero();
    assertThat(s.sum("sentinel_task_duration_seconds_count")).as("one run, one end").isEqualTo(1);
  }
}
