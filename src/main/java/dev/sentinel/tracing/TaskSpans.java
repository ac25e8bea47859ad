package dev.sentinel.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/**
 * The spans of a task's life and their attribute names. A task's trace is started (or
 * continued from the caller's {@code traceparent}) by {@code POST /tasks} or, for a task forked
 * from another, {@code POST /tasks/{task_id}/replay}; the submission span's
 * context is stored with the task, and every claim of it, on any worker, is a child of that
 * span, so a task resumed after a crash stays one trace.
 */
public final class TaskSpans {

  public static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("sentinel.task_id");
  public static final AttributeKey<String> PARENT_TASK_ID = AttributeKey.stringKey("sentinel.parent_task_id");
  public static final AttributeKey<String> TENANT_ID = AttributeKey.stringKey("sentinel.tenant_id");
  public static final AttributeKey<String> AGENT_TYPE = AttributeKey.stringKey("sentinel.agent_type");
  public static final AttributeKey<String> WORKER_ID = AttributeKey.stringKey("sentinel.worker_id");
  public static final AttributeKey<Long> EPOCH = AttributeKey.longKey("sentinel.epoch");
  public static final AttributeKey<String> CLAIM = AttributeKey.stringKey("sentinel.claim");
  public static final AttributeKey<Long> STEP = AttributeKey.longKey("sentinel.step");
  public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("sentinel.attempts");
  public static final AttributeKey<String> NODE = AttributeKey.stringKey("sentinel.node");
  public static final AttributeKey<String> NODE_KIND = AttributeKey.stringKey("sentinel.node_kind");
  public static final AttributeKey<Long> NODE_ATTEMPT = AttributeKey.longKey("sentinel.node_attempt");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("sentinel.outcome");
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

  private final Tracer tracer;
  private final boolean enabled;

  TaskSpans(Tracer tracer, boolean enabled) {
    this.tracer = tracer;
    this.enabled = enabled;
  }

  /**
   * The server span of one {@code POST /tasks}, a child of the caller's trace when its headers
   * carry one. Off, the invalid span: the caller's header is not even parsed (a no-op tracer
   * would hand it back, and it would be stored with the task).
   */
  public Span startSubmit(String traceparent, String tracestate, String tenantId, String agentType) {
    if (!enabled) return Span.getInvalid();
    return startPost("/tasks", traceparent, tracestate).setAttribute(TENANT_ID, tenantId)
        .setAttribute(AGENT_TYPE, agentType).startSpan();
  }

  /**
   * The server span of one {@code POST /tasks/{task_id}/replay}: a replay is a submission (a new
   * task, its own trace or the caller's), so its span is stored with the new task as a
   * submission's is and the new task's claims are its children. It names the task replayed;
   * the tenant and agent are the replayed task's, set once it is read ({@link #replayOf}).
   */
  public Span startReplay(String traceparent, String tracestate, String parentTaskId) {
    if (!enabled) return Span.getInvalid();
    return startPost("/tasks/{task_id}/replay", traceparent, tracestate).setAttribute(PARENT_TASK_ID, parentTaskId)
        .startSpan();
  }

  /** The replayed task's tenant and agent on a replay's span. */
  public static void replayOf(Span span, String tenantId, String agentType) {
    span.setAttribute(TENANT_ID, tenantId).setAttribute(AGENT_TYPE, agentType);
  }

  private SpanBuilder startPost(String route, String traceparent, String tracestate) {
    return tracer.spanBuilder("POST " + route).setParent(TraceParent.fromHeaders(traceparent, tracestate))
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(HTTP_METHOD, "POST").setAttribute(HTTP_ROUTE, route);
  }

  /** Ends a submission (or replay) span with the answer's status (a 5xx marks it failed). */
  public static void endSubmit(Span span, int status, String taskId) {
    span.setAttribute(HTTP_STATUS, (long) status);
    if (taskId != null) span.setAttribute(TASK_ID, taskId);
    if (status >= 500) span.setStatus(StatusCode.ERROR);
    span.end();
  }

  /**
   * The span of one claim: from the grant until this worker stops running the task (completed,
   * handed back, failed, parked, dropped), a child of the span stored with the task.
   */
  public ClaimSpan startClaim(ClaimSpan.Claim claim) {
    return ClaimSpan.start(tracer, claim);
  }
}
