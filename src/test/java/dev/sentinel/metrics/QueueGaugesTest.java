package dev.sentinel.metrics;

import dev.sentinel.config.SentinelConfig.MetricsSettings;
import dev.sentinel.metrics.QueueReading.TenantQueue;
import dev.sentinel.testing.PrometheusText;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QueueGaugesTest {

  private final SentinelMetrics metrics = SentinelMetrics.create(SentinelMetrics.prometheusRegistry(),
      new MetricsSettings("127.0.0.1", -1, 1, List.of("vip"), 10, 1000));

  private PrometheusText scrape() { return PrometheusText.parse(metrics.scrape()); }

  @Test void tenantsPastTheCapShareOneSeriesWithTheirDepthsSummedAndTheOldestHead() {
    metrics.queues().update(new QueueReading(Map.of("queued", 13L, "leased", 2L, "in_progress", 3L), List.of(
        new TenantQueue("acme", 5, 1_000), new TenantQueue("vip", 1, 500),
        new TenantQueue("globex", 3, 7_000), new TenantQueue("initech", 4, 2_000))));
    PrometheusText s = scrape();
    assertThat(s.sum("sentinel_queue_depth", Map.of("tenant", "acme"))).isEqualTo(5);
    assertThat(s.sum("sentinel_queue_depth", Map.of("tenant", "vip"))).isEqualTo(1);
    assertThat(s.sum("sentinel_queue_depth", Map.of("tenant", LabelCap.OTHER))).isEqualTo(7);
    assertThat(s.sum("sentinel_queue_oldest_age_seconds", Map.of("tenant", LabelCap.OTHER))).isEqualTo(7.0);
    assertThat(s.sum("sentinel_queue_depth")).as("nothing lost or counted twice").isEqualTo(13);
    assertThat(s.sum("sentinel_tasks_running")).isEqualTo(5);
    assertThat(s.sum("sentinel_tasks", Map.of("status", "queued"))).isEqualTo(13);
  }

  @Test void aTenantWhoseQueueEmptiedReadsZeroNotItsLastDepth() {
    metrics.queues().update(new QueueReading(Map.of("queued", 2L), List.of(new TenantQueue("acme", 2, 3_000))));
    metrics.queues().update(new QueueReading(Map.of("queued", 0L, "leased", 2L), List.of()));
    PrometheusText s = scrape();
    assertThat(s.sum("sentinel_queue_depth", Map.of("tenant", "acme"))).isZero();
    assertThat(s.sum("sentinel_queue_oldest_age_seconds", Map.of("tenant", "acme"))).isZero();
    assertThat(s.sum("sentinel_tasks_running")).isEqualTo(2);
  }
}
