package dev.sentinel.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The lease protocol seen from this node: claim and renewal latency, what renewals answered,
 * writes the fencing refused, and tasks put back in a queue. Counted from the replies the node
 * already receives: no Redis call of its own.
 */
public final class LeaseMetrics {

  /** Why a task went back to a ready queue. */
  public enum Requeue { EXPIRED_LEASE, RELEASE, RETRY }

  private final Timer claim, renew;
  private final MeterFamily<String, Counter> renewals, refused;
  private final MeterFamily<Requeue, Counter> requeues;
  private final Counter expiredFailed;

  LeaseMetrics(MeterRegistry r) {
    claim = Meters.timer(r, "sentinel.claim", "claim calls of this node's workers (one call grants up to the free slots)");
    renew = Meters.timer(r, "sentinel.lease.renew", "renew calls of this node's workers (one call renews every lease a worker holds)");
    renewals = new MeterFamily<>(reply -> Meters.counter(r, "sentinel.lease.renewals",
        "leases renewed by this node's workers, by what Redis answered for each", "reply", reply));
    refused = new MeterFamily<>(op -> Meters.counter(r, "sentinel.stale.writes.refused",
        "writes of this node Redis refused as STALE: the holder's (epoch, claim) was no longer the task's. "
            + "The fencing at work: a paused or cut-off worker's writes", "operation", op));
    requeues = new MeterFamily<>(why -> Meters.counter(r, "sentinel.requeues",
        "tasks put back in a ready or delayed queue by this node: expired_lease (its watcher), release (a worker handing "
            + "a task back), retry (a failed node, after a backoff)", "reason", why.name().toLowerCase(Locale.ROOT)));
    expiredFailed = Meters.counter(r, "sentinel.expired.tasks.failed",
        "tasks this node's watcher failed for good when their lease ran out with no attempt left");
    // present at 0 from the start: "no refusal yet" must read 0 on a dashboard, not "no data"
    for (String op : FENCED_WRITES) refused.get(op);
    for (Requeue why : Requeue.values()) requeues.get(why);
  }

  /** The fenced writes a worker makes, as {@code operation} names them. */
  private static final String[] FENCED_WRITES = {"commit", "renew", "fail", "park", "release"};

  public void claimed(long nanos) { claim.record(nanos, TimeUnit.NANOSECONDS); }

  public void renewCall(long nanos) { renew.record(nanos, TimeUnit.NANOSECONDS); }

  /** @param reply a renew answer, e.g. OK, STALE */
  public void renewal(String reply) { renewals.get(reply).increment(); }

  /** @param operation the refused write: commit, renew, fail, park, release */
  public void staleRefused(String operation) { refused.get(operation).increment(); }

  public void requeued(Requeue why, int n) {
    if (n > 0) requeues.get(why).increment(n);
  }

  public void expiredFailed(int n) {
    if (n > 0) expiredFailed.increment(n);
  }
}
