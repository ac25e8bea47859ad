package dev.sentinel.metrics;

import java.util.List;
import java.util.Map;

/**
 * The cluster's queues as one read of Redis saw them.
 *
 * @param byStatus tasks per status, cluster-wide (the exact counters of the key layout)
 * @param tenants  every tenant with queued tasks
 */
public record QueueReading(Map<String, Long> byStatus, List<TenantQueue> tenants) {

  /** @param oldestAgeMs how long the task at the head of the tenant's queue has been queued */
  public record TenantQueue(String tenant, long depth, long oldestAgeMs) {}

  public long running() {
    return byStatus.getOrDefault("leased", 0L) + byStatus.getOrDefault("in_progress", 0L);
  }
}
