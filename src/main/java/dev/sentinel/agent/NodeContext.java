package dev.sentinel.agent;

import dev.sentinel.observability.TaskFields;
import dev.sentinel.store.Lease;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.function.BooleanSupplier;

/**
 * What a node sees while it runs. {@code idempotencyKey} ("task_id:step") is stable across
 * re-runs of the same step, and {@code lease} is the fencing token to pass to services that
 * can check it: a node runs at least once, its result is committed exactly once.
 * {@code leaseHeld} is true while the worker surely still holds the lease (its local monotonic
 * deadline, moved on by every confirmed renewal): a node that spends money asks it before each
 * paid call, so a worker woken from a long pause starts none (fencing refuses its writes, but
 * cannot take back money a call spent). {@code trace} is the span the node runs in (see {@link NodeTrace}).
 */
public record NodeContext(Vertx vertx, String taskId, String tenantId, String workerId, int step, GraphNode node,
                          JsonObject state, Lease lease, Cancellation cancellation, NodeServices services,
                          BooleanSupplier leaseHeld, NodeTrace trace) {

  /** A context with no tracing. */
  public NodeContext(Vertx vertx, String taskId, String tenantId, String workerId, int step, GraphNode node,
                     JsonObject state, Lease lease, Cancellation cancellation, NodeServices services,
                     BooleanSupplier leaseHeld) {
    this(vertx, taskId, tenantId, workerId, step, node, state, lease, cancellation, services, leaseHeld, NodeTrace.NONE);
  }

  /** A context whose lease is taken as held (nodes run outside a worker, in tests and tools). */
  public NodeContext(Vertx vertx, String taskId, String tenantId, String workerId, int step, GraphNode node,
                     JsonObject state, Lease lease, Cancellation cancellation, NodeServices services) {
    this(vertx, taskId, tenantId, workerId, step, node, state, lease, cancellation, services, () -> true);
  }

  public String idempotencyKey() { return taskId + ":" + step; }

  /** The task's ids for a log line about it (see TaskLog); the trace id is the node span's. */
  public TaskFields logFields() {
    SpanContext span = trace.span().getSpanContext();
    return new TaskFields(taskId, tenantId, lease.epoch(), workerId, span.isValid() ? span.getTraceId() : null);
  }

  /** The fencing token as one header value: "epoch.claim". */
  public String fencingToken() { return lease.epoch() + "." + lease.claim(); }
}
