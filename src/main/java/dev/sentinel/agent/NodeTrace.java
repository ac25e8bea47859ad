package dev.sentinel.agent;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * The span a node runs in, for node kinds that make spans of their own (an LLM call, a tool
 * call) or pass the trace on to a service they call. Carried by {@link NodeContext} rather than
 * a thread-local: a worker's event loop runs many tasks' nodes interleaved, so "the current
 * span" of a thread would belong to whichever task ran last.
 */
public record NodeTrace(Tracer tracer, Context context) {

  /** No tracing: every span made from it is a no-op. */
  public static final NodeTrace NONE = new NodeTrace(OpenTelemetry.noop().getTracer("dev.sentinel"), Context.root());

  /** The node's own span. */
  public Span span() { return Span.fromContext(context); }

  /** Starts a child of the node's span; the caller ends it. */
  public Span startChild(String name, SpanKind kind) {
    return tracer.spanBuilder(name).setParent(context).setSpanKind(kind).startSpan();
  }
}
