package dev.sentinel.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.HashMap;
import java.util.Map;

/**
 * A span's context as the task hash keeps it: its W3C {@code traceparent} (55 characters,
 * "00-traceid-spanid-flags"), the most compact standard form a worker on another node reads
 * back. The {@code tracestate} is not kept: it is vendor data of the caller's hop, and keeping
 * it would make every task hash pay for what few callers send.
 */
public final class TraceParent {

  private static final String HEADER = "traceparent";
  private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
    @Override public Iterable<String> keys(Map<String, String> carrier) { return carrier.keySet(); }

    @Override public String get(Map<String, String> carrier, String key) { return carrier == null ? null : carrier.get(key); }
  };

  private TraceParent() {}

  /** The traceparent of {@code span}, or null when it has no valid context (tracing off). */
  public static String of(Span span) {
    SpanContext sc = span.getSpanContext();
    if (!sc.isValid()) return null;
    Map<String, String> out = new HashMap<>(2);
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), out, Map::put);
    return out.get(HEADER);
  }

  /** The context a stored traceparent names; the root context when it is absent or malformed. */
  public static Context parse(String traceparent) {
    if (traceparent == null || traceparent.isEmpty()) return Context.root();
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(HEADER, traceparent), MAP);
  }

  /** The trace id in a stored traceparent (for log lines), or null. */
  public static String traceId(String traceparent) {
    SpanContext sc = Span.fromContext(parse(traceparent)).getSpanContext();
    return sc.isValid() ? sc.getTraceId() : null;
  }

  /** The caller's context from its request headers ({@code traceparent}, {@code tracestate}). */
  static Context fromHeaders(String traceparent, String tracestate) {
    if (traceparent == null) return Context.root();
    Map<String, String> headers = new HashMap<>(2);
    headers.put(HEADER, traceparent);
    if (tracestate != null) headers.put("tracestate", tracestate);
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, MAP);
  }
}
