package dev.sentinel.store;

import dev.sentinel.metrics.LeaseMetrics.Requeue;
import dev.sentinel.metrics.QueueReading;
import dev.sentinel.metrics.QueueReading.TenantQueue;
import dev.sentinel.store.Results.Expired;
import dev.sentinel.store.Results.Promoted;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The watcher's sweeps: expired leases, due delayed tasks, retention. Safe to run on every node at once. */
public final class Sweeps {

  private final StoreCore core;

  Sweeps(StoreCore core) {
    this.core = core;
  }

  /** Takes back tasks whose lease ran out; looks at up to {@code batch} entries of `leases`. */
  public Future<Expired> expireLeases(int batch) {
    return core.run(core.scripts().expireLeases(), batch).map(r -> {
      List<String> ids = new ArrayList<>();
      for (int i = 3; i < r.size(); i++) ids.add(r.get(i).toString());
      Expired expired = new Expired(r.get(0).toInteger(), r.get(1).toInteger(), r.get(2).toInteger(), ids);
      // the script took each of these back exactly once cluster-wide: this node counts what its call did
      core.metrics().leases().requeued(Requeue.EXPIRED_LEASE, expired.requeued());
      core.metrics().leases().expiredFailed(expired.failed());
      return expired;
    });
  }

  /** Makes tasks whose time has come ready; looks at up to {@code batch} entries of `delayed`. */
  public Future<Promoted> promoteDelayed(int batch) {
    return core.run(core.scripts().promoteDelayed(), batch).map(r -> new Promoted(r.get(0).toInteger(), r.get(1).toInteger()));
  }

  /**
   * What the queue gauges show: tasks per status (the exact counters) and, for up to
   * {@code maxTenants} tenants with queued tasks, their queue's depth and head age. Read-only.
   */
  public Future<QueueReading> queueReading(int maxTenants) {
    return core.run(core.scripts().queueStats(), maxTenants).map(r -> {
      // every status, 0 when the counters never had one: a dashboard should see 0, not no data
      Map<String, String> counted = StoreCore.pairs(r.get(1));
      Map<String, Long> byStatus = new TreeMap<>();
      for (String s : TaskQueries.STATUSES) byStatus.put(s, Long.parseLong(counted.getOrDefault(s, "0")));
      List<TenantQueue> tenants = new ArrayList<>();
      Response q = r.get(2);
      for (int i = 0; i + 2 < q.size(); i += 3) tenants.add(new TenantQueue(q.get(i).toString(), q.get(i + 1).toLong(), q.get(i + 2).toLong()));
      return new QueueReading(byStatus, tenants);
    });
  }

  /** Removes up to {@code batch} final tasks older than {@code retentionMs}; answers how many. */
  public Future<Integer> applyRetention(long retentionMs, int batch) {
    return core.run(core.scripts().applyRetention(), retentionMs, batch).map(Response::toInteger);
  }
}
