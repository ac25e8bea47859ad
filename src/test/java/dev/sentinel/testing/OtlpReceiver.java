package dev.sentinel.testing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP trace receiver on a free loopback port, as a collector would be: it accepts
 * {@code POST /v1/traces} (protobuf, the Java exporter's default protocol) and keeps every span,
 * with its node (the resource's {@code sentinel.node_id}). Point a node at it with
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT=}{@link #endpoint()}.
 */
public final class OtlpReceiver implements AutoCloseable {

  /** One received span; ids in lower-case hex, as in a traceparent. */
  public record ReceivedSpan(String node, String traceId, String spanId, String parentSpanId, String name,
                             Map<String, Object> attributes) {
    public Object attr(String key) { return attributes.get(key); }
  }

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  public static OtlpReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      OtlpReceiver receiver = new OtlpReceiver(server);
      server.createContext("/v1/traces", exchange -> {
        try (InputStream in = exchange.getRequestBody()) {
          int status = "POST".equals(exchange.getRequestMethod()) ? 200 : 405;
          if (status == 200) receiver.keep(ExportTraceServiceRequest.parseFrom(in.readAllBytes()));
          byte[] body = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
          exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
          if (body.length > 0) exchange.getResponseBody().write(body);
        } finally {
          exchange.close();
        }
      });
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every span received so far. */
  public List<ReceivedSpan> spans() { return List.copyOf(spans); }

  /** The received spans whose attribute {@code key} equals {@code value}. */
  public List<ReceivedSpan> spansWith(String key, Object value) {
    return spans.stream().filter(s -> value.equals(s.attr(key))).toList();
  }

  private void keep(ExportTraceServiceRequest request) {
    HexFormat hex = HexFormat.of();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String node = String.valueOf(attributes(rs.getResource()).get("sentinel.node_id"));
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (var s : ss.getSpansList()) {
          spans.add(new ReceivedSpan(node, hex.formatHex(s.getTraceId().toByteArray()), hex.formatHex(s.getSpanId().toByteArray()),
              hex.formatHex(s.getParentSpanId().toByteArray()), s.getName(), attributes(s.getAttributesList())));
        }
      }
    }
  }

  private static Map<String, Object> attributes(Resource r) { return attributes(r.getAttributesList()); }

  private static Map<String, Object> attributes(List<KeyValue> kvs) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (KeyValue kv : kvs) out.put(kv.getKey(), value(kv.getValue()));
    return out;
  }

  private static Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BOOL_VALUE -> v.getBoolValue();
      default -> v.toString();
    };
  }

  @Override public void close() {
    server.stop(0);
  }
}
