package dev.sentinel.tracing;

import dev.sentinel.agent.NodeTrace;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * One claim of a task as a span, and the node spans under it. A worker killed mid-run never
 * ends (so never exports) its claim span; its node spans that ended were exported and keep the
 * task's trace id, so the trace still shows what the dead worker did before the next claim.
 */
public final class ClaimSpan {

  /** What a claim span is about (the stored trace context is its parent). */
  public record Claim(String storedTrace, String taskId, String tenantId, String agentType, String workerId,
                      long epoch, String claim, int step, int attempts) {}

  private final Tracer tracer;
  private final Claim claim;
  private final Span span;
  private final Context context;

  private ClaimSpan(Tracer tracer, Claim claim, Span span) {
    this.tracer = tracer;
    this.claim = claim;
    this.span = span;
    this.context = TraceParent.parse(claim.storedTrace()).with(span);
  }

  static ClaimSpan start(Tracer tracer, Claim c) {
    Span span = tracer.spanBuilder("claim " + c.agentType()).setParent(TraceParent.parse(c.storedTrace()))
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(TaskSpans.TASK_ID, c.taskId()).setAttribute(TaskSpans.TENANT_ID, c.tenantId())
        .setAttribute(TaskSpans.AGENT_TYPE, c.agentType()).setAttribute(TaskSpans.WORKER_ID, c.workerId())
        .setAttribute(TaskSpans.EPOCH, c.epoch()).setAttribute(TaskSpans.CLAIM, c.claim())
        .setAttribute(TaskSpans.STEP, (long) c.step()).setAttribute(TaskSpans.ATTEMPTS, (long) c.attempts())
        .startSpan();
    return new ClaimSpan(tracer, c, span);
  }

  /** One run (attempt) of a node, a child of this claim's span; end it with {@link #endNode}. */
  public NodeTrace startNode(String node, String kind, int step, int attempt) {
    Span nodeSpan = tracer.spanBuilder("node " + node).setParent(context)
        .setAttribute(TaskSpans.TASK_ID, claim.taskId()).setAttribute(TaskSpans.WORKER_ID, claim.workerId())
        .setAttribute(TaskSpans.EPOCH, claim.epoch()).setAttribute(TaskSpans.CLAIM, claim.claim())
        .setAttribute(TaskSpans.NODE, node).setAttribute(TaskSpans.NODE_KIND, kind)
        .setAttribute(TaskSpans.STEP, (long) step).setAttribute(TaskSpans.NODE_ATTEMPT, (long) attempt)
        .startSpan();
    return new NodeTrace(tracer, context.with(nodeSpan));
  }

  /** @param failure why the node failed, or null when it succeeded */
  public static void endNode(NodeTrace node, Throwable failure) {
    Span s = node.span();
    if (failure != null) {
      s.recordException(failure);
      s.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    }
    s.end();
  }

  /** A step's checkpoint was committed: an event, not a span (a commit is one batched Redis call). */
  public void committed(int step, String node) {
    span.addEvent("step committed", Attributes.of(TaskSpans.STEP, (long) step, TaskSpans.NODE, node));
  }

  /** How the run ended: completed, handed_back, failed, retrying, paused, rescheduled, dropped. */
  public void outcome(String outcome, boolean error) {
    span.setAttribute(TaskSpans.OUTCOME, outcome);
    if (error) span.setStatus(StatusCode.ERROR, outcome);
  }

  public void end() { span.end(); }

  /** The trace id for log lines: the stored one when this span does not record (tracing off here). */
  public String traceId() {
    return span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : TraceParent.traceId(claim.storedTrace());
  }
}
