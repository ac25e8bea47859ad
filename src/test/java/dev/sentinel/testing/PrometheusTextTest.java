package dev.sentinel.testing;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTest {

  @Test void readsFamiliesLabelsWithEscapesAndSumsMatchingSamples() {
    PrometheusText p = PrometheusText.parse("""
        # HELP sentinel_llm_calls_total LLM calls
        # TYPE sentinel_llm_calls_total counter
        sentinel_llm_calls_total{model="gpt-4o-mini",outcome="ok",tenant="acme"} 3.0
        sentinel_llm_calls_total{model="gpt-4o-mini",outcome="ok",tenant="a \\"quoted\\", {odd} one"} 2.0
        sentinel_llm_calls_total{model="other",outcome="error",tenant="acme"} 1.0
        # TYPE sentinel_tasks_running gauge
        sentinel_tasks_running 4.0
        # TYPE sentinel_tasks gauge
        sentinel_tasks{status="queued"} 1.0
        # TYPE sentinel_commit_seconds histogram
        sentinel_commit_seconds_bucket{le="0.005"} 2
        sentinel_commit_seconds_count 2
        """);
    assertThat(p.families("sentinel_")).containsExactly("sentinel_commit_seconds", "sentinel_llm_calls_total",
        "sentinel_tasks", "sentinel_tasks_running");
    assertThat(p.labelNames("sentinel_tasks")).as("not the labels of sentinel_tasks_*").containsExactly("status");
    assertThat(p.types()).containsEntry("sentinel_commit_seconds", "histogram");
    assertThat(p.sum("sentinel_llm_calls_total", Map.of("model", "gpt-4o-mini"))).isEqualTo(5.0);
    assertThat(p.sum("sentinel_llm_calls_total", Map.of("tenant", "a \"quoted\", {odd} one"))).isEqualTo(2.0);
    assertThat(p.sum("sentinel_llm_calls_total", Map.of("tenant", "acme", "outcome", "error"))).isEqualTo(1.0);
    assertThat(p.sum("sentinel_tasks_running")).isEqualTo(4.0);
    assertThat(p.sum("sentinel_missing")).isZero();
    assertThat(p.labelNames("sentinel_llm_calls_total")).containsExactly("model", "outcome", "tenant");
    assertThat(p.labelNames("sentinel_commit_seconds")).as("le is the bucket's, not a label of ours").isEmpty();
  }
}
