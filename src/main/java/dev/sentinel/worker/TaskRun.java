package dev.sentinel.worker;

import dev.sentinel.agent.AgentGraph;
import dev.sentinel.agent.Cancellation;
import dev.sentinel.agent.GraphNode;
import dev.sentinel.agent.LeaseDeadlinePassedException;
import dev.sentinel.agent.NodeContext;
import dev.sentinel.agent.NodeKinds;
import dev.sentinel.agent.NodeTrace;
import dev.sentinel.agent.StepDeferredException;
import dev.sentinel.agent.TaskCannotSucceedException;
import dev.sentinel.metrics.TaskMetrics.NodeOutcome;
import dev.sentinel.metrics.TaskMetrics.Outcome;
import dev.sentinel.observability.TaskFields;
import dev.sentinel.observability.TaskLog;
import dev.sentinel.store.ClaimedTask;
import dev.sentinel.store.Lease;
import dev.sentinel.store.Replies.CommitReply;
import dev.sentinel.store.Replies.HandOffReply;
import dev.sentinel.store.Results.Committed;
import dev.sentinel.store.Results.Failed;
import dev.sentinel.store.RetryUntil;
import dev.sentinel.store.StepCommit;
import dev.sentinel.tracing.ClaimSpan;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Runs one claimed task on its worker's event loop: node, commit, node, commit, ... then
 * complete. Every write is fenced by the claim's lease; on STALE, CANCELLED or NOT_FOUND the
 * run stops at once without another write. A node failure is reported with a backoff; a
 * shutdown hands the task back after the current step. A task whose graph cannot go on (the
 * agent was redeployed without the node its checkpoint names next) fails for good with an error
 * that says so: it must never sit in_progress with a renewed lease and nothing running.
 */
final class TaskRun {

  /** Lines about the task go through {@link #log}, which carries its ids (the JSON format writes them as fields). */
  private static final Logger LOG = Logger.getLogger(TaskRun.class.getName());
  private static final int MAX_ERROR_CHARS = 2000;
  private static final String TIMEOUT = "node timeout";

  private final ClaimedTask task;
  private final AgentGraph graph;
  private final NodeKinds kinds;
  private final WorkerContext worker;
  private final Promise<Void> done = Promise.promise();
  /** This claim's span; the node spans are its children. */
  private final ClaimSpan trace;
  private final TaskLog log;

  private JsonObject state;
  private int step;
  private String nodeName;
  private Cancellation cancellation = new Cancellation();
  /** Local monotonic time until which our lease is surely still valid (we stop retrying after it). */
  private long leaseDeadlineNanos;
  private boolean stopped;
  private boolean handBack;
  /** When this run began on this worker, for its duration; and whether its end was counted. */
  private final long startedNanos = System.nanoTime();
  private boolean counted;

  TaskRun(ClaimedTask task, AgentGraph graph, NodeKinds kinds, WorkerContext worker, long claimSentNanos) {
    this.task = task;
    this.graph = graph;
    this.kinds = kinds;
    this.worker = worker;
    this.leaseDeadlineNanos = claimSentNanos + worker.settings().leaseMs() * 1_000_000L;
    JsonObject cp = task.checkpoint();
    if (cp == null) {
      state = task.params().copy();
      step = 0;
      nodeName = graph.entry();
    } else {
      state = cp.getJsonObject("state", new JsonObject());
      step = cp.getInteger("step", 0);
      nodeName = cp.getString("next_node");
    }
    trace = worker.spans().startClaim(new ClaimSpan.Claim(task.trace(), task.id(), task.tenantId(), task.agentType(),
        worker.workerId(), task.lease().epoch(), task.lease().claim(), step, task.attempts()));
    log = new TaskLog(LOG, new TaskFields(task.id(), task.tenantId(), task.lease().epoch(), worker.workerId(), trace.traceId()));
    done.future().onComplete(v -> trace.end());
    if (task.attempts() > 0) {
      log.info("task " + task.id() + " claimed by " + worker.workerId() + " after " + task.attempts()
          + " failed or expired attempt(s), resuming after step " + step);
    }
  }

  String taskId() { return task.id(); }

  Lease lease() { return task.lease(); }

  Future<Void> done() { return done.future(); }

  /** Start (or resume from the checkpoint) on the caller's context. */
  TaskRun start() {
    worker.metrics().started(task.agentType(), task.taskType(), task.checkpoint() != null);
    next();
    return this;
  }

  /** Redis said the task is no longer ours (STALE, CANCELLED, NOT_FOUND): stop without writing. */
  void abort(String reason) {
    if (stopped) return;
    log.info("task " + task.id() + " dropped by " + worker.workerId() + ": " + reason);
    trace.outcome("dropped: " + reason, false);
    stopped = true;
    cancellation.cancel(reason);
    finish(Outcome.DROPPED);
  }

  /** Shutdown drain ran out: stop the node now and hand the task back. */
  void handBackNow() {
    handBack = true;
    cancellation.cancel("worker shutting down");
  }

  /** True while our lease is surely still valid by the local monotonic clock (renewals move it on). */
  private boolean leaseHeld() {
    return !stopped && System.nanoTime() <= leaseDeadlineNanos;
  }

  /** A renewal (sent at {@code sentNanos}) confirmed the lease. */
  void leaseConfirmed(long sentNanos) {
    leaseDeadlineNanos = Math.max(leaseDeadlineNanos, sentNanos + worker.settings().leaseMs() * 1_000_000L);
  }

  private void next() {
    if (stopped) return;
    try {
      runNext();
    } catch (RuntimeException e) {
      // a bug or a graph that does not fit this task's history: stopping the task is the only
      // safe answer; leaving it would keep its lease renewed forever with nothing running
      log.error("task " + task.id() + ": cannot go on after step " + step, e);
      failForGood("cannot go on after step " + step + ": " + e.getMessage());
    }
  }

  private void runNext() {
    if (nodeName == null || nodeName.isEmpty()) {
      // only a history whose last step ended the graph without completing the task gets here,
      // which commit_steps.lua never writes (the last step completes the task in the same call)
      failForGood("the checkpoint after step " + step + " ends the graph but the task was not completed");
      return;
    }
    if (worker.draining() || handBack) {
      release();
      return;
    }
    if (!graph.nodes().containsKey(nodeName)) {
      failForGood("the checkpoint after step " + step + " continues at node '" + nodeName + "', which agent '"
          + task.agentType() + "' no longer has (was the agent's graph changed while the task ran?)");
      return;
    }
    GraphNode node = graph.node(nodeName);
    int stepNo = step + 1;
    if (!leaseHeld()) {
      giveUpLease(new LeaseDeadlinePassedException("step " + stepNo + " (node " + node.name() + ")").getMessage());
      return;
    }
    long began = System.nanoTime();   // the step's run time, in-place retries included, goes into its record
    runNode(node, stepNo, 1).onComplete(ar -> {
      if (stopped) return;
      if (ar.failed()) {
        Throwable cause = ar.cause();
        if (stoppedByUs()) {
          if (handBack) release();
          else finish(Outcome.DROPPED);
        } else if (cause instanceof LeaseDeadlinePassedException) {
          giveUpLease(cause.getMessage());
        } else if (cause instanceof TaskCannotSucceedException) {
          failForGood(cause.getMessage());
        } else if (cause instanceof StepDeferredException.Paused paused) {
          pause(paused);
        } else if (cause instanceof StepDeferredException.Rescheduled wait) {
          reschedule(wait);
        } else if (cause instanceof StepDeferredException.Waiting wait) {
          enterWait(node, stepNo, wait);
        } else {
          failNode(node, cause);
        }
        return;
      }
      try {
        commitStep(node, stepNo, ar.result(), (System.nanoTime() - began) / 1_000_000L);
      } catch (RuntimeException e) {
        log.error("task " + task.id() + ": cannot commit step " + stepNo, e);
        failForGood("cannot commit step " + stepNo + " (node " + node.name() + "): " + e.getMessage());
      }
    });
  }

  private void commitStep(GraphNode node, int stepNo, JsonObject output, long runMs) {
    JsonObject newState = AgentGraph.merge(state, node, output);
    String nextNode = graph.next(node.name(), newState, output);
    // the last node's commit also completes the task, in the same script call
    boolean last = nextNode == null || nextNode.isEmpty();
    // the step record carries the output, not the state: the history is the checkpoint
    StepCommit commit = StepCommit.of(task.id(), task.lease(), stepNo, node.name(), nextNode, node.outputKey(), output,
        last ? graph.result(newState) : null, runMs);
    long sent = System.nanoTime();
    withRetry("commit step " + stepNo, () -> worker.commits().commit(commit).compose(TaskRun::writtenOrRetry))
        .onSuccess(c -> {
          // a switch expression, so the compiler makes us decide for every reply there is
          Runnable then = switch (c.reply()) {
            case OK, DUP -> () -> {   // DUP: our own earlier try landed and its reply was lost
              leaseConfirmed(sent);   // an accepted commit renewed the lease
              trace.committed(stepNo, node.name());
              if (last) trace.outcome("completed", false);
              worker.metrics().stepCommitted(task.agentType(), System.nanoTime() - sent);
              state = newState;
              step = stepNo;
              nodeName = nextNode;
              if (last) finish(Outcome.COMPLETED);
              else next();
            };
            case OUT_OF_ORDER -> () -> {
              // Redis lost acknowledged commits (restart without fsync): hand the task back,
              // the next claim resumes from what Redis really holds.
              log.warning("task " + task.id() + ": step " + stepNo
                  + " out of order (Redis holds " + c.committed() + "); handing it back");
              release();
            };
            case STALE, CANCELLED, NOT_FOUND -> () -> abort(c.reply().name());
            case ERROR -> () -> abort("commit failed: " + c.error());   // writtenOrRetry retried it already
          };
          then.run();
        })
        .onFailure(e -> abort("commit failed: " + e.getMessage()));
  }

  /** A commit that Redis could not write (ERROR) is retried like a lost one, while the lease lasts. */
  private static Future<Committed> writtenOrRetry(Committed c) {
    return c.reply() == CommitReply.ERROR ? Future.failedFuture(new IllegalStateException(c.error())) : Future.succeededFuture(c);
  }

  /**
   * One run of a node, with its own timeout, tried in place up to the node's max_attempts
   * (with its backoff) before the failure counts against the task.
   */
  private Future<JsonObject> runNode(GraphNode node, int stepNo, int attempt) {
    cancellation = new Cancellation();
    Cancellation current = cancellation;
    NodeTrace span = trace.startNode(node.name(), node.kind(), stepNo, attempt);
    NodeContext ctx = new NodeContext(worker.vertx(), task.id(), task.tenantId(), worker.workerId(), stepNo, node, state,
        task.lease(), current, worker.services(), this::leaseHeld, span);
    if (node.timeoutMs() <= 0 && node.maxAttempts() <= 1) {   // nothing to time out or retry
      return invoke(node, ctx).onComplete(ar -> ClaimSpan.endNode(span, ar.cause()));
    }
    Promise<JsonObject> result = Promise.promise();
    long timer = node.timeoutMs() > 0 ? worker.vertx().setTimer(node.timeoutMs(), t -> {
      result.tryFail(new IllegalStateException("timed out after " + node.timeoutMs() + " ms"));
      current.cancel(TIMEOUT);
    }) : -1;
    invoke(node, ctx).onComplete(ar -> {
      if (timer >= 0) worker.vertx().cancelTimer(timer);
      if (ar.succeeded()) result.tryComplete(ar.result());
      else result.tryFail(ar.cause());
    });
    // the span ends with this attempt's outcome (a timeout included), not when a cancelled node gets round to it
    result.future().onComplete(ar -> ClaimSpan.endNode(span, ar.cause()));
    return result.future().recover(e -> {
      boolean retryable = !stoppedByUs() && !worker.draining() && !(e instanceof TaskCannotSucceedException)
          && !(e instanceof StepDeferredException)
          && !(e instanceof LeaseDeadlinePassedException);
      if (!retryable || attempt >= node.maxAttempts()) return Future.failedFuture(e);
      if (!leaseHeld()) {
        // a pause (GC, SIGSTOP, a partition) outlasted the lease: another worker may run this
        // step now; a retry here could start a second paid call for it
        return Future.failedFuture(new LeaseDeadlinePassedException("retry " + (attempt + 1) + " of node " + node.name()));
      }
      Promise<Void> wait = Promise.promise();
      worker.vertx().setTimer(Math.max(1, node.retryBackoffMs() << Math.min(attempt - 1, 10)), t -> wait.complete());
      return wait.future().compose(v -> stopped ? Future.failedFuture(e) : runNode(node, stepNo, attempt + 1));
    });
  }

  private Future<JsonObject> invoke(GraphNode node, NodeContext ctx) {
    long began = System.nanoTime();
    Future<JsonObject> ran;
    try {
      ran = kinds.get(node.kind()).run(ctx);
    } catch (RuntimeException e) {
      ran = Future.failedFuture(e);
    }
    return ran.andThen(ar -> worker.metrics().nodeRan(node.kind(), nodeOutcome(ar.cause(), ctx.cancellation()),
        System.nanoTime() - began));
  }

  private NodeOutcome nodeOutcome(Throwable failure, Cancellation cancelled) {
    if (failure == null) return NodeOutcome.OK;
    if (cancelled.isCancelled()) return TIMEOUT.equals(cancelled.reason()) ? NodeOutcome.TIMEOUT : NodeOutcome.CANCELLED;
    if (failure instanceof StepDeferredException) return NodeOutcome.DEFERRED;
    if (failure instanceof LeaseDeadlinePassedException) return NodeOutcome.LEASE_LOST;
    return NodeOutcome.ERROR;
  }

  /** The run was told to stop (lost lease, cancel, shutdown), as opposed to the node timing out. */
  private boolean stoppedByUs() {
    return stopped || handBack || (cancellation.isCancelled() && !TIMEOUT.equals(cancellation.reason()));
  }

  /** Retrying cannot help (budget_exceeded): the task fails now, whatever attempts are left. */
  private void failForGood(String error) {
    log.warning("task " + task.id() + " failed for good: " + error);
    trace.outcome("failed", true);
    withRetry("fail", () -> worker.leases().fail(task.id(), task.lease(), error, 0, worker.workerId(), true))
        .onComplete(ar -> finish(failOutcome(ar.result())));
  }

  /** The model has no room for a while: give the slot back; the task is ready again when room is expected. */
  private void reschedule(StepDeferredException.Rescheduled wait) {
    trace.outcome("rescheduled", false);
    withRetry("reschedule", () -> worker.leases().redisNow().compose(now -> worker.leases().park(task.id(), task.lease(),
        wait.getMessage(), now + wait.waitMs(), worker.workerId(), "scheduled"))).onComplete(ar -> finish(Outcome.RESCHEDULED));
  }

  /** The tenant's daily budget is used up: park the task, holding no worker, until it resets. */
  private void pause(StepDeferredException.Paused paused) {
    trace.outcome("paused", false);
    withRetry("pause", () -> worker.leases().pause(task.id(), task.lease(), paused.getMessage(), paused.resumeAt(),
        worker.workerId())).onComplete(ar -> finish(Outcome.PAUSED));
  }

  /**
   * A wait node: park the task there (wait.lua), holding no worker, until its input or its time.
   * DUE: its deadline has passed already, so the node runs again now and finds its wait served.
   */
  private void enterWait(GraphNode node, int stepNo, StepDeferredException.Waiting wait) {
    withRetry("wait", () -> worker.leases().enterWait(task.id(), task.lease(), worker.workerId(), wait.kind(), node.name(),
        stepNo, wait.durationMs(), wait.untilMs()))
        .onSuccess(reply -> {
          switch (reply) {
            case OK -> {
              trace.outcome("input".equals(wait.kind()) ? "waiting for input" : "sleeping", false);
              finish(Outcome.WAITING);
            }
            case DUE -> next();
            case FINISHED, STALE, CANCELLED, NOT_FOUND -> abort(reply.name());
          }
        })
        .onFailure(e -> abort("wait failed: " + e.getMessage()));
  }

  private void failNode(GraphNode node, Throwable cause) {
    String error = "node " + node.name() + " (step " + (step + 1) + "): " + cause.getMessage();
    if (error.length() > MAX_ERROR_CHARS) error = error.substring(0, MAX_ERROR_CHARS);
    long backoff = worker.backoff().delayMs(task.attempts() + 1);
    String message = error;
    log.warning("task " + task.id() + ": " + error + " (attempt " + (task.attempts() + 1) + " of " + task.maxAttempts()
        + ", a retry waits " + backoff + " ms)");
    trace.outcome("node failed", true);
    withRetry("fail", () -> worker.leases().fail(task.id(), task.lease(), message, backoff, worker.workerId()))
        .onComplete(ar -> finish(failOutcome(ar.result())));
  }

  /** A failure's reply (null when it never got one) as how the run ended. */
  private static Outcome failOutcome(Failed f) {
    if (f == null) return Outcome.DROPPED;
    return switch (f.reply()) {
      case FAILED -> Outcome.FAILED;
      case RETRYING -> Outcome.RETRYING;
      case FINISHED, STALE, CANCELLED, NOT_FOUND -> Outcome.DROPPED;
    };
  }

  /**
   * Our lease is no longer surely held (a pause or a partition outlasted it): run nothing more
   * under it and hand the task back with one fenced write. If another worker owns it by now,
   * Redis refuses the write (and logs the refusal: the fencing is seen working); if nobody took
   * it, it is queued again at once, no attempt counted.
   */
  private void giveUpLease(String why) {
    log.info("task " + task.id() + ": " + why + "; handing it back");
    trace.outcome("handed back: lease no longer surely held", false);
    stopped = true;
    cancellation.cancel("lease no longer surely held");
    worker.leases().release(task.id(), task.lease(), worker.workerId()).onComplete(ar -> {
      boolean handedBack = ar.succeeded() && ar.result() == HandOffReply.OK;
      if (!handedBack) {
        log.info("task " + task.id() + " dropped by " + worker.workerId() + ": release answered "
            + (ar.failed() ? ar.cause().getMessage() : ar.result()));
      }
      countEnd(handedBack ? Outcome.HANDED_BACK : Outcome.DROPPED);
      done.tryComplete();
    });
  }

  private void release() {
    trace.outcome("handed back", false);
    withRetry("release", () -> worker.leases().release(task.id(), task.lease(), worker.workerId()))
        .onComplete(ar -> finish(ar.succeeded() && ar.result() == HandOffReply.OK ? Outcome.HANDED_BACK : Outcome.DROPPED));
  }

  private void finish(Outcome outcome) {
    stopped = true;
    countEnd(outcome);
    done.tryComplete();
  }

  /** Once per run: the first way it ended is the one counted. */
  private void countEnd(Outcome outcome) {
    if (counted) return;
    counted = true;
    worker.metrics().runEnded(task.agentType(), task.taskType(), outcome, System.nanoTime() - startedNanos);
  }

  /**
   * Retries a write that failed in transport (Redis restarting, connection lost) until our
   * lease is surely over; after that another worker owns the task and retrying is pointless.
   * Scripts are idempotent under retry: a commit that did land answers DUP.
   */
  private <T> Future<T> withRetry(String what, Supplier<Future<T>> write) {
    return RetryUntil.whileTrue(worker.vertx(), this::leaseHeld, 50, 1000).run(write, (failed, e) -> {
      if (failed == 0) log.warning("task " + task.id() + ": " + what
          + " failed (" + e.getMessage() + "), retrying while the lease lasts");
    });
  }
}
