package dev.sentinel.metrics;

import dev.sentinel.config.SentinelConfig.MetricsSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;

/**
 * Every meter Sentinel keeps, grouped by what they watch, over one registry. One instance per
 * node, built by the composition root and handed to the verticles and the store; nothing reaches
 * it through a static. Vert.x's own meters (HTTP server, pools, event bus, JVM) live in the same
 * registry when the node was started by the launcher, so one scrape returns them all.
 */
public final class SentinelMetrics {

  private final MeterRegistry registry;
  private final TaskMetrics tasks;
  private final LeaseMetrics leases;
  private final LlmMetrics llm;
  private final RedisMetrics redis;
  private final QueueGauges queues;

  private SentinelMetrics(MeterRegistry registry, MetricsSettings settings) {
    this.registry = registry;
    LabelCap tenants = new LabelCap(settings.tenantLabels(), settings.tenants());
    this.tasks = new TaskMetrics(registry, new LabelCap(settings.taskTypeLabels(), List.of()));
    this.leases = new LeaseMetrics(registry);
    this.llm = new LlmMetrics(registry, tenants);
    this.redis = new RedisMetrics(registry);
    this.queues = new QueueGauges(registry, tenants);
  }

  public static SentinelMetrics create(MeterRegistry registry, MetricsSettings settings) {
    return new SentinelMetrics(registry, settings);
  }

  /** Meters that record nothing (a registry with no backend): for pieces built without a node, e.g. in tests. */
  public static SentinelMetrics none() {
    return new SentinelMetrics(new CompositeMeterRegistry(), new MetricsSettings("127.0.0.1", -1, 0, List.of(), 0, 60_000));
  }

  /** A Prometheus registry of its own, for a node not started by the launcher (no Vert.x meters in it). */
  public static PrometheusMeterRegistry prometheusRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  public MeterRegistry registry() { return registry; }
  public TaskMetrics tasks() { return tasks; }
  public LeaseMetrics leases() { return leases; }
  public LlmMetrics llm() { return llm; }
  public RedisMetrics redis() { return redis; }
  public QueueGauges queues() { return queues; }

  /** The Prometheus text exposition of every meter, or empty when the registry is not a Prometheus one. */
  public String scrape() {
    return registry instanceof PrometheusMeterRegistry p ? p.scrape() : "";
  }
}
