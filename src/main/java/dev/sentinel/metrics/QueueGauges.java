package dev.sentinel.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cluster-wide gauges read from Redis: queue depth and head age per tenant, running tasks, tasks
 * per status. A scrape reads the last values set by {@link #update}; the watcher refreshes them
 * every {@code metrics.queue_refresh_ms} with one read-only script call, so scrapes cost Redis
 * nothing however often (and by however many Prometheus servers) they come.
 */
public final class QueueGauges {

  private record Cell(AtomicLong depth, AtomicLong ageMs) {}

  private final MeterRegistry registry;
  private final LabelCap tenants;
  private final Map<String, Cell> byTenant = new HashMap<>();
  private final Map<String, AtomicLong> byStatus = new HashMap<>();
  private final AtomicLong running = new AtomicLong();

  QueueGauges(MeterRegistry registry, LabelCap tenants) {
    this.registry = registry;
    this.tenants = tenants;
  }

  /** Called on one event loop (the watcher's); scrapes only read the atomics. */
  public synchronized void update(QueueReading reading) {
    if (byStatus.isEmpty()) {
      Gauge.builder("sentinel.tasks.running", running, AtomicLong::get)
          .description("tasks leased or in progress, cluster-wide (exported by nodes running the watcher)").register(registry);
    }
    running.set(reading.running());
    reading.byStatus().forEach((status, n) -> byStatus.computeIfAbsent(status, s -> {
      AtomicLong v = new AtomicLong();
      Gauge.builder("sentinel.tasks", v, AtomicLong::get).description("tasks per status, cluster-wide (exported by nodes "
          + "running the watcher)").tag("status", s).register(registry);
      return v;
    }).set(n));
    // tenants past the label cap share one series: summed depth, the oldest head
    Map<String, long[]> now = new HashMap<>();
    for (QueueReading.TenantQueue q : reading.tenants()) {
      long[] v = now.computeIfAbsent(tenants.value(q.tenant()), t -> new long[2]);
      v[0] += q.depth();
      v[1] = Math.max(v[1], q.oldestAgeMs());
    }
    now.keySet().forEach(this::cell);
    // a tenant whose queue emptied reads 0, not its last depth
    byTenant.forEach((tenant, cell) -> {
      long[] v = now.getOrDefault(tenant, new long[2]);
      cell.depth().set(v[0]);
      cell.ageMs().set(v[1]);
    });
  }

  private Cell cell(String tenant) {
    return byTenant.computeIfAbsent(tenant, t -> {
      Cell c = new Cell(new AtomicLong(), new AtomicLong());
      Gauge.builder("sentinel.queue.depth", c.depth(), AtomicLong::get)
          .description("queued tasks (ready to run) per tenant, cluster-wide").tag("tenant", t).register(registry);
      Gauge.builder("sentinel.queue.oldest.age", c.ageMs(), a -> a.get() / 1000.0).baseUnit("seconds")
          .description("how long the task at the head of the tenant's queue has waited, cluster-wide").tag("tenant", t)
          .register(registry);
      return c;
    });
  }
}
