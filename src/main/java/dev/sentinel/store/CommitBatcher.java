package dev.sentinel.store;

import dev.sentinel.store.Results.Committed;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit for one worker: step commits that become ready while earlier ones are on their
 * way travel together in one {@code commit_steps} call. Redis pays its per-call cost (socket
 * read, parse, script dispatch) once per batch instead of once per step, and the worker writes
 * one request instead of many. A commit made while nothing is on the wire goes out at once, alone:
 * on a quiet cluster nothing waits for company, not even for the end of the event-loop turn.
 * Batches only form under load, by themselves: commits made while earlier batches are in flight
 * wait for one of them to return (or for the end of the turn, when a slot is free) and then
 * travel together.
 *
 * <p>Used from its worker's event loop only (no locks). Each commit is still judged alone by
 * the script: one task's STALE does not touch another's OK.
 */
public final class CommitBatcher {

  /** Batches on the wire at once: one being executed by Redis while the next is in transit. */
  private static final int MAX_IN_FLIGHT = 2;
  /** Commits per script call; bounds one call's time inside Redis (other clients wait meanwhile). */
  private static final int MAX_BATCH = 64;
  /** Checkpoint bytes per script call, for the same reason. */
  private static final long MAX_BATCH_CHARS = 1 << 20;

  private record Pending(StepCommit commit, Promise<Committed> promise, int chars) {}

  private final LeaseProtocol leases;
  private final Context context;
  private final String workerId;
  private final long leaseMs;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;
  private boolean flushScheduled;

  public CommitBatcher(LeaseProtocol leases, Context context, String workerId, long leaseMs) {
    this.leases = leases;
    this.context = context;
    this.workerId = workerId;
    this.leaseMs = leaseMs;
  }

  public Future<Committed> commit(StepCommit c) {
    Promise<Committed> p = Promise.promise();
    queue.add(new Pending(c, p, c.chars()));
    if (inFlight == 0 && !flushScheduled) flush();   // quiet: no reason to wait
    else scheduleFlush();
    return p.future();
  }

  /**
   * Flushes at the end of the current event-loop turn, so every commit made in this turn while
   * a batch is in flight (for instance by all the tasks a reply just woke) joins the same batch.
   */
  private void scheduleFlush() {
    if (flushScheduled || inFlight >= MAX_IN_FLIGHT) return;
    flushScheduled = true;
    context.runOnContext(v -> {
      flushScheduled = false;
      flush();
    });
  }

  private void flush() {
    while (inFlight < MAX_IN_FLIGHT && !queue.isEmpty()) {
      List<Pending> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
      long chars = 0;
      while (!queue.isEmpty() && batch.size() < MAX_BATCH && (batch.isEmpty() || chars + queue.peek().chars() <= MAX_BATCH_CHARS)) {
        Pending p = queue.poll();
        chars += p.chars();
        batch.add(p);
      }
      inFlight++;
      leases.commitSteps(batch.stream().map(Pending::commit).toList(), workerId, leaseMs)
          .onComplete(ar -> onContext(() -> {
            inFlight--;
            if (ar.succeeded()) {
              List<Committed> replies = ar.result();
              for (int i = 0; i < batch.size(); i++) {
                if (i < replies.size()) batch.get(i).promise().complete(replies.get(i));
                else batch.get(i).promise().fail(new IllegalStateException("commit_steps answered " + replies.size()
                    + " replies for " + batch.size() + " commits"));
              }
            } else {
              batch.forEach(p -> p.promise().fail(ar.cause()));
            }
            scheduleFlush();
          }));
    }
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) r.run();
    else context.runOnContext(v -> r.run());
  }
}
