package dev.sentinel.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * This node's tracer. Off unless the environment asks for traces (see {@link #wanted}): then
 * every span is the OpenTelemetry API's no-op, nothing is exported, and no trace context is
 * stored with a task. On, the SDK is configured by the standard OTEL_* variables (endpoint,
 * protocol, headers, sampler, batch delays, resource attributes); only traces are exported
 * (metrics go to Prometheus at /metrics, logs to the console).
 */
public final class Tracing {

  static final String INSTRUMENTATION = "dev.sentinel";
  private static final String NODE_ID = "sentinel.node_id";

  private final Tracer tracer;
  /** Null when off: nothing to flush. */
  private final OpenTelemetrySdk sdk;

  private Tracing(Tracer tracer, OpenTelemetrySdk sdk) {
    this.tracer = tracer;
    this.sdk = sdk;
  }

  public static Tracing off() {
    return new Tracing(OpenTelemetry.noop().getTracer(INSTRUMENTATION), null);
  }

  /**
   * On when {@link #wanted} says so, else off. The SDK's own JVM shutdown hook is disabled:
   * {@link #close} runs after the workers handed their tasks back, so the spans that hand-off
   * ends are still sent.
   *
   * @param nodeId becomes the resource attribute {@code sentinel.node_id}, so a span names the node that made it
   */
  public static Tracing fromEnvironment(Map<String, String> env, String nodeId) {
    if (!wanted(env)) return off();
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        // defaults only: OTEL_* variables and otel.* system properties win over these
        .addPropertiesSupplier(() -> Map.of(
            "otel.service.name", "sentinel",
            // the JDK's HttpClient sends OTLP over HTTP; gRPC would need another transport
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none"))
        .addPropertiesCustomizer(config -> withNodeId(config.getMap("otel.resource.attributes"), nodeId))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
    return new Tracing(sdk.getTracer(INSTRUMENTATION), sdk);
  }

  /**
   * Every span's resource names the node that made it ({@code sentinel.node_id}, the id in its
   * start-up line and its workers' ids). Not {@code service.instance.id}: the SDK generates one
   * per process and logs a warning on every start when it is replaced.
   */
  private static Map<String, String> withNodeId(Map<String, String> attributes, String nodeId) {
    StringBuilder all = new StringBuilder();
    attributes.forEach((k, v) -> all.append(k).append('=').append(v).append(','));
    return Map.of("otel.resource.attributes", all.append(NODE_ID).append('=').append(nodeId).toString());
  }

  /**
   * Traces are wanted when an OTLP endpoint or a traces exporter is named, or when
   * OTEL_SDK_DISABLED is explicitly "false"; never when OTEL_SDK_DISABLED is "true" or
   * OTEL_TRACES_EXPORTER is "none". Off by default: a node nobody collects spans from should
   * not build them.
   */
  static boolean wanted(Map<String, String> env) {
    String disabled = env.getOrDefault("OTEL_SDK_DISABLED", "").trim();
    String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim();
    if (disabled.equalsIgnoreCase("true") || exporter.equalsIgnoreCase("none")) return false;
    return disabled.equalsIgnoreCase("false") || !exporter.isEmpty()
        || !env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").isBlank()
        || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
  }

  public boolean enabled() { return sdk != null; }

  public Tracer tracer() { return tracer; }

  /** The span vocabulary of tasks (submission, claim, node) on this tracer. */
  public TaskSpans tasks() { return new TaskSpans(tracer, enabled()); }

  /** Sends what is still buffered and stops the exporter. Blocks up to 5 s: call it off the event loop. */
  public void close() {
    if (sdk != null) sdk.shutdown().join(5, TimeUnit.SECONDS);
  }
}
